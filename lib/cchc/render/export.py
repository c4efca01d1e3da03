"""Executed notebook -> report.html (nbconvert, the project's own template) -> report.pdf
(WeasyPrint, A4)."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from cchc.core.resources import DATA_DIR, load_yaml

# nbconvert and WeasyPrint (about 1.5 s of imports) load where the export runs: in the export
# worker, or in this process only when it exports itself; never on a path that does not export.

REMOVE_TAGS = {"parameters", "injected-parameters", "jupyter-only"}


_EXPORTER = None  # one exporter per process: its templates are compiled once


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter  # noqa: PLC0415 (heavy, see above)
        from nbconvert.preprocessors import TagRemovePreprocessor  # noqa: PLC0415

        _EXPORTER = HTMLExporter(template_name="cchc", extra_template_basedirs=[str(DATA_DIR / "nbconvert")],
                                 exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                 exclude_markdown=True, exclude_raw=True)
        _EXPORTER.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS), enabled=True)
    return _EXPORTER


def _html(nb, title: str, css: str, banner: list[str] | None = None) -> str:
    text = None
    if banner:
        text = load_yaml("report/labels.yaml")["banner"].format(count=len(banner), ids=", ".join(banner[:8])
                                                                + (" …" if len(banner) > 8 else ""))
    body, _ = _exporter().from_notebook_node(nb, resources={"cchc": {"title": title, "css": css, "banner": text}})
    return body


def to_html(executed: Path, title: str, css: str, banner: list[str] | None = None) -> str:
    """``banner``: ids of failed checks published anyway; named on every page."""
    return _html(nbformat.read(executed, as_version=4), title, css, banner)


_FONTS = None  # one font configuration per process: fonts are found and loaded once


def _font_config():
    global _FONTS
    if _FONTS is None:
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 (heavy, see above)

        _FONTS = FontConfiguration()
    return _FONTS


# Font subsets are stamped with "now" by fontTools unless SOURCE_DATE_EPOCH is set: a fixed
# stamp (2000-01-01, as in the Excel appendix) makes re-runs give the same PDF bytes.
FIXED_EPOCH = "946684800"


# The only resources the PDF writer may load: the report's own charts, inline. Nothing from the
# network, no local file (a crafted text could otherwise make it fetch a URL or embed a file).
ALLOWED_URLS = ("data:image/png;base64,", "data:image/svg+xml")

_FETCHER = None


def _url_fetcher():
    """WeasyPrint's fetcher, refusing every URL but ALLOWED_URLS (the refused resource is left
    out, as a missing image)."""
    global _FETCHER
    if _FETCHER is None:
        from weasyprint.urls import URLFetcher  # noqa: PLC0415 (heavy, see above)

        class OwnAssetsOnly(URLFetcher):
            def fetch(self, url, headers=None):
                if not url.startswith(ALLOWED_URLS):
                    raise ValueError(f"refused: {url[:80]}")
                return super().fetch(url, headers)

        _FETCHER = OwnAssetsOnly(allowed_protocols=["data"], allow_redirects=False)
    return _FETCHER


def to_pdf(html: str, target: Path) -> None:
    from weasyprint import HTML  # noqa: PLC0415 (heavy, see above)

    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    HTML(string=html, base_url=str(target.parent), url_fetcher=_url_fetcher()).write_pdf(
        target, font_config=_font_config())


def export(executed: Path, title: str, css: str, html_path: Path, pdf_path: Path,
           banner: list[str] | None = None) -> dict[str, float]:
    """report.html then report.pdf from the executed notebook; seconds spent on each."""
    start = time.perf_counter()
    html = to_html(executed, title, css, banner)
    html_path.write_text(html, encoding="utf-8")
    middle = time.perf_counter()
    to_pdf(html, pdf_path)
    return {"html": middle - start, "pdf": time.perf_counter() - middle}


def warm_up(css: str) -> None:
    """Compile the HTML template and load the fonts and styles of the report once (on a
    one-line notebook and document, thrown away), so that the real export starts warm."""
    from weasyprint import HTML  # noqa: PLC0415 (heavy, see above)

    _html(new_notebook(cells=[new_code_cell("", outputs=[new_output(
        "display_data", data={"text/html": "<p>Việt</p>", "text/plain": ""})])]), "", css)

    sample = (f"<html><head><style>{css}</style></head><body><p>Việt <b>đậm</b> <i>nghiêng</i> "
              "<b><i>đậm nghiêng</i></b></p><table class='form-table'><tr><th>1</th><td>2</td></tr></table>"
              "</body></html>")
    HTML(string=sample, url_fetcher=_url_fetcher()).write_pdf(io.BytesIO(), font_config=_font_config())
