"""The writers as nbconvert exporters: an executed report notebook converts with the standard
command, to the same HTML a run writes, and to PDF and Word."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import docx as python_docx
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from test_writers import page

from programs import pdftotext

JUPYTER = Path(sys.executable).parent / "jupyter"


def _executed(path: Path) -> Path:
    """A notebook as papermill leaves it: a parameters cell, an analyst's note, code whose output
    is the report's HTML, a stream."""
    cells = [new_code_cell("unit = 'x'", metadata={"tags": ["parameters"]}),
             new_markdown_cell("Ghi chú của chuyên viên"),
             new_code_cell("display(report.section('tthc'))", outputs=[
                 new_output("display_data", data={"text/html": page(), "text/plain": ""}),
                 new_output("stream", name="stdout", text="print đã bỏ\n")])]
    nbformat.write(new_notebook(cells=cells), path)
    return path


def _convert(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(JUPYTER), "nbconvert", *options, str(tmp_path / "executed.ipynb")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)


@pytest.mark.slow
def test_standard_command_converts_to_each_writer(tmp_path):
    _executed(tmp_path / "executed.ipynb")
    for target, suffix in (("cchc-html", ".html"), ("cchc-pdf", ".pdf"), ("cchc-docx", ".docx")):
        done = _convert(tmp_path, "--to", target)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / f"executed{suffix}").stat().st_size > 0
    html = (tmp_path / "executed.html").read_text(encoding="utf-8")
    assert "Cải cách thủ tục hành chính" in html and "<title>Báo cáo Kết quả thực hiện nhiệm vụ" in html
    for absent in ("unit = 'x'", "Ghi chú của chuyên viên", "print đã bỏ", "display(report"):
        assert absent not in html  # outputs only: no code, parameters, notes or streams
    pdf_text = " ".join(pdftotext(tmp_path / "executed.pdf").split())
    assert "Cải cách thủ tục hành chính" in pdf_text and "ỦY BAN NHÂN DÂN" in pdf_text
    document = python_docx.Document(io.BytesIO((tmp_path / "executed.docx").read_bytes()))
    assert any(p.style.name == "Heading 2" and "Cải cách thủ tục hành chính" in p.text for p in document.paragraphs)


@pytest.mark.slow
def test_html_template_by_name(tmp_path):
    _executed(tmp_path / "executed.ipynb")
    done = _convert(tmp_path, "--to", "html", "--template", "cchc")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "executed.html").read_text(encoding="utf-8")
    assert "@page" in html and "margin: 20mm 15mm 20mm 30mm" in html  # the official stylesheet
    assert "Kết quả giải quyết hồ sơ" in html and "Ghi chú của chuyên viên" not in html
    # self-contained: nothing loaded from elsewhere (a CDN's script or style), images inline
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html) and "<script" not in html
