"""Executed notebook -> report.html (nbconvert, the project's own template) -> report.pdf
(Typst) and report.docx (python-docx), both from the HTML's content tree."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from cchc.render import docx, pdf
from cchc.render.blocks import parse

# nbconvert (about 1 s of imports) loads where the export runs: in the export worker, or in this
# process only when it exports itself; never on a path that does not export.

_EXPORTER = None  # one exporter per process: its templates are compiled once


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from cchc.render.exporters import ReportHTMLExporter  # noqa: PLC0415 (nbconvert: heavy, see above)

        _EXPORTER = ReportHTMLExporter()
    return _EXPORTER


def _html(nb, title: str, css: str, banner: list[str] | None = None) -> str:
    from cchc.render.exporters import banner_text  # noqa: PLC0415 (nbconvert: heavy, see above)

    body, _ = _exporter().from_notebook_node(nb, resources={"cchc": {"title": title, "css": css,
                                                                      "banner": banner_text(banner)}})
    return body


def to_html(executed: Path, title: str, css: str, banner: list[str] | None = None) -> str:
    """``banner``: ids of failed checks published anyway; named on every page."""
    return _html(nbformat.read(executed, as_version=4), title, css, banner)


def export(executed: Path, title: str, css: str, html_path: Path, pdf_path: Path, docx_path: Path,
           banner: list[str] | None = None) -> dict[str, float]:
    """report.html, report.pdf and report.docx from the executed notebook: the HTML by nbconvert
    with the project's template, the PDF and the Word file from that HTML's content tree
    (cchc.render.blocks), parsed once for both. Returns the seconds spent on each (the parse
    counts with the HTML)."""
    start = time.perf_counter()
    html = to_html(executed, title, css, banner)
    html_path.write_text(html, encoding="utf-8")
    tree = parse(html)
    seconds = {"html": time.perf_counter() - start}
    for name, path, write in (("pdf", pdf_path, pdf.pdf), ("docx", docx_path, docx.docx)):
        start = time.perf_counter()
        path.write_bytes(write(tree, title))
        seconds[name] = time.perf_counter() - start
    return seconds


def warm_up(css: str) -> None:
    """Compile the HTML template and load the fonts of the PDF writer once (on a one-line
    notebook and page, thrown away), so that the real export starts warm."""
    html = _html(new_notebook(cells=[new_code_cell("", outputs=[new_output(
        "display_data", data={"text/html": "<p>Việt <b>đậm</b> <i>nghiêng</i></p>", "text/plain": ""})])]), "", css)
    tree = parse(html)
    pdf.pdf(tree)
    docx.docx(tree)
