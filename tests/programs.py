"""The outside programs the tests run, each with the Debian package that `make test` installs it from.

A missing program, or one that cannot do the job (LibreOffice without the component that opens a
workbook), fails the test with the package to install: never a skip, never a bare assertion.
`tests/test_environment.py` checks that the Makefile installs every package named here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# program -> the Debian package it comes from
PROGRAMS = {
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "soffice": "libreoffice-writer-nogui",  # with the suite's core; Calc is a component beside it
}
# LibreOffice opens a document only with the component of its kind: suffix -> the package.
OFFICE_COMPONENTS = {
    ".docx": "libreoffice-writer-nogui",
    ".xlsx": "libreoffice-calc-nogui",
}


def _missing(what: str, package: str) -> None:
    pytest.fail(f"{what}: install the Debian package {package} (`make test` installs it)", pytrace=False)


def program(name: str) -> str:
    """The path of an outside program, or the test fails naming its package."""
    found = shutil.which(name)
    if found is None:
        _missing(f"'{name}' is not on PATH", PROGRAMS[name])
    return found


def run(name: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([program(name), *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"'{name} {' '.join(args)}' failed ({done.returncode}): {done.stderr.strip()} "
                    f"(from the Debian package {PROGRAMS[name]})", pytrace=False)
    return done


def pdftotext(path: Path, *options: str, page: int | None = None) -> str:
    """The text of a PDF (or of one page of it) as poppler extracts it."""
    pages = ("-f", str(page), "-l", str(page)) if page is not None else ()
    return run("pdftotext", *options, *pages, str(path), "-").stdout


def pdf_pages(path: Path) -> int:
    for line in run("pdfinfo", str(path)).stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[-1])
    pytest.fail(f"pdfinfo printed no page count for {path}", pytrace=False)


def pdfinfo(path: Path) -> str:
    return run("pdfinfo", str(path)).stdout


def office_to_pdf(source: Path, outdir: Path) -> Path:
    """`soffice --headless --convert-to pdf`, as a Word or Excel user's office suite prints the file.

    LibreOffice exits 0 and writes nothing when the component for the file's kind is missing
    ("source file could not be loaded"): that fails naming the component's package.
    """
    component = OFFICE_COMPONENTS[source.suffix]
    done = subprocess.run([program("soffice"), "--headless", "--norestore",
                           f"-env:UserInstallation=file://{outdir}/lo", "--convert-to", "pdf",
                           "--outdir", str(outdir), str(source)], capture_output=True, text=True, timeout=300)
    printed = outdir / (source.stem + ".pdf")
    if done.returncode != 0 or not printed.is_file():
        _missing(f"LibreOffice could not open {source.name} ({(done.stdout + done.stderr).strip()})", component)
    return printed
