"""Executed notebook -> report.html (nbconvert, the project's own template) -> report.pdf
(WeasyPrint, A4)."""

from __future__ import annotations

from pathlib import Path

from cchc.resources import DATA_DIR

REMOVE_TAGS = {"parameters", "injected-parameters", "jupyter-only"}


def to_html(executed: Path, title: str, css: str) -> str:
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="cchc", extra_template_basedirs=[str(DATA_DIR / "nbconvert")],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, exclude_raw=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS), enabled=True)
    nb = nbformat.read(executed, as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"cchc": {"title": title, "css": css}})
    return body


def to_pdf(html: str, target: Path) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=str(target.parent)).write_pdf(target)
