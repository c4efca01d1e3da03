"""The run manifest (manifest.json): what went in, what code ran, what came out, and when.
Times live only here (and in the executed notebook's metadata), so every other output can be
byte-identical across re-runs.

``Manifest`` is its model, for a commune's run (``build``) and a city's roll-up (kind
``rollup``, cchc.rollup.build) alike: ``write`` is the one writer of manifest.json, ``read``
its one reader (an unreadable file or one of the wrong shape raises OSError or ValueError).
A key a manifest does not have is None (the prose files of a manifest written before they were
recorded), and ``write`` writes only the keys that were given."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from cchc.core import jsontext
from cchc.core.hashing import sha256_file
from cchc.core.layout import MANIFEST, PACKAGE_DIR, Layout

PACKAGES = ["cchc", "python-calamine", "pandas", "pyarrow", "openpyxl", "pyyaml", "babel", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter-client", "typst", "python-docx", "matplotlib",
            "jinja2"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Window(_Record):
    start: str    # ISO dates
    cutoff: str


class NotebookFile(_Record):
    """The report notebook a run executed: its path and SHA-256."""

    file: str
    sha256: str


class Code(_Record):
    """The code that ran: its git commit and whether its tree had changes (None off a checkout),
    and the hash of the package's files (code_sha256)."""

    commit: str | None = None
    dirty: bool | None = None
    sha256: str | None = None


class CommuneInput(_Record):
    """A commune of a roll-up: its status and the figures.json read, when one was."""

    status: str
    file: str | None = None
    sha256: str | None = None


class Manifest(_Record):
    """manifest.json. Maps of files are path (as shown, from the root) -> SHA-256."""

    kind: str | None = None                        # "rollup" for a city's roll-up; absent for a run
    unit: str | None = None
    period: str | None = None
    window: Window | None = None
    parameters: dict[str, Any] | None = None       # the run's merged parameters
    parameter_files: dict[str, str] | None = None
    prose_files: dict[str, str] | None = None
    notebook: NotebookFile | None = None
    raw_files: dict[str, str] | None = None
    ignored_files: list[str] | None = None         # raw files the parameters ignore, by name in the raw folder
    failed_checks: list[Any] | None = None         # read only: older manifests listed them
    communes: dict[str, CommuneInput] | None = None  # roll-up: its inputs
    figure_files: dict[str, str] | None = None
    previous_files: dict[str, str] | None = None
    code: Code | None = None
    versions: dict[str, str | None] | None = None
    command: str | None = None
    outputs: dict[str, str] | None = None          # output file name -> SHA-256
    started: str | None = None
    finished: str | None = None
    durations_s: dict[str, Any] | None = None      # seconds per phase of the run

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest at ``path``; OSError or ValueError (pydantic's ValidationError is one)
        when it cannot be read or has not the manifest's shape."""
        return cls.model_validate_json(path.read_bytes())

    def text(self) -> str:
        """The JSON text written: the keys given, sorted (core.jsontext)."""
        return jsontext.dumps(self.model_dump(exclude_unset=True))

    def write(self, folder: Path) -> None:
        """Write folder/manifest.json."""
        (folder / MANIFEST).write_text(self.text(), encoding="utf-8")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """One hash of the package's files (code, data, notebooks; no bytecode): what a batch
    compares to tell outputs made by other code (cchc.batch), checkout or wheel alike."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> Code:
    """The git commit of the code and whether its tree had uncommitted changes, when the
    package runs from a checkout (lib/cchc of a repository); None for an installed wheel;
    and the hash of the package's files (code_sha256)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if top is None or (Path(top) / "lib" / "cchc").resolve() != PACKAGE_DIR:
        return Code(commit=None, dirty=None, sha256=code_sha256())
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", ":(top)lib", ":(top)pyproject.toml")
    return Code(commit=commit, dirty=bool(status) if status is not None else None, sha256=code_sha256())


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def prose_files(layout: Layout) -> dict[str, str]:
    """The analyst's prose files of the period (params/<unit>/prose/<period>/), by path: hash."""
    folder = layout.prose_dir
    files = sorted(folder.rglob("*")) if folder.is_dir() else []
    return {layout.shown(p): sha256_file(p) for p in files if p.is_file()}


def notebook_file(layout: Layout) -> NotebookFile:
    """The report notebook the run executed: the root's own copy (its path) or the package's
    ("cchc/notebooks/report.ipynb"), and its hash."""
    path = layout.notebook()
    own = path.parent == layout.notebooks_dir
    return NotebookFile(file=layout.shown(path) if own else f"cchc/notebooks/{path.name}", sha256=sha256_file(path))


def command() -> str | None:
    """The command line of the run, when it is the cchc command."""
    return " ".join(["cchc", *sys.argv[1:]]) if sys.argv and sys.argv[0].endswith("cchc") else None


def build(layout: Layout, params, ingest_report: dict[str, Any], output_dir: Path, started: str,
          durations: dict[str, float] | None = None) -> Manifest:
    """``durations``: seconds per phase of the run (cchc.core.timing.Stopwatch.report)."""
    outputs = {p.name: sha256_file(p) for p in sorted(output_dir.iterdir()) if p.is_file() and p.name != MANIFEST}
    return Manifest(
        unit=params.unit, period=params.period,
        window=Window(start=params.window.start.isoformat(), cutoff=params.window.cutoff.isoformat()),
        parameters=params.merged,
        parameter_files={layout.shown(p): sha256_file(p) for p in params.files},
        prose_files=prose_files(layout),
        notebook=notebook_file(layout),
        raw_files={entry["file"]: entry["sha256"] for entry in ingest_report["files"]},
        ignored_files=ingest_report.get("ignored_files", []),
        code=code_version(),
        versions=versions(),
        command=command(),
        outputs=outputs,
        started=started,
        finished=now(),
        durations_s=durations or {},
    )
