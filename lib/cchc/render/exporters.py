"""The report's writers as nbconvert exporters, registered as entry points (pyproject.toml), so
that an executed report notebook converts with the standard command, as `cchc run` does:

    jupyter nbconvert --to html --template cchc executed.ipynb   # report.html, the official layout
    jupyter nbconvert --to cchc-html executed.ipynb      # the same, by the exporter cchc run uses
    jupyter nbconvert --to cchc-pdf executed.ipynb       # the PDF (Typst)
    jupyter nbconvert --to cchc-docx executed.ipynb      # the Word file

Only the report's outputs are kept (no code, prompts, streams, errors or analyst's markdown);
cells tagged parameters, injected-parameters or jupyter-only are dropped (here and, for the
plain HTML exporter, by the template itself, which also finds the page title in the letter's
header when no exporter passes one).
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from nbconvert.exporters import Exporter, TemplateExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

from cchc.core.resources import DATA_DIR
from cchc.render import docx, pdf
from cchc.render.blocks import parse
from cchc.report.notebook import banner_text  # noqa: F401 (the exporters' banner, as cchc run passes it)
from cchc.report.style import stylesheet

REMOVE_TAGS = {"parameters", "injected-parameters", "jupyter-only"}
TEMPLATE_DIR = DATA_DIR / "nbconvert"


def title_of(html: str) -> str:
    """A title from the page itself (the letter's title and subject), for a conversion made
    without one (the nbconvert command)."""
    root = parse(html)
    title, subject = root.first("div", "doc-title"), root.first("div", "doc-subject")
    lines = ([line.text() for line in subject.elements("div")] or [subject.text()]) if subject is not None else []
    return " ".join(filter(None, [title.text().capitalize() if title is not None else "", *lines]))


class ReportHTMLExporter(TemplateExporter):
    """report.html: the outputs of the report notebook in the official layout, one
    self-contained file. ``resources["cchc"]``: ``title``, ``css`` and ``banner`` (optional).

    A TemplateExporter with the project's template, not an HTMLExporter: the page has no code,
    no notebook cells and no image without its Vietnamese text, so none of HTMLExporter's own
    passes (its highlighting and widget filters, the BeautifulSoup pass over the whole page,
    about 0,15 s a report) has anything to do."""

    export_from_notebook = "cchc: báo cáo (HTML)"
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "cchc"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATE_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name in ("exclude_input_prompt", "exclude_output_prompt", "exclude_markdown", "exclude_raw"):
            setattr(self, name, True)
        self.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS), enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        resources["cchc"] = {"title": "", "css": stylesheet(), "banner": None, **resources.get("cchc", {})}
        html, resources = super().from_notebook_node(nb, resources, **kw)
        if not resources["cchc"]["title"]:  # the nbconvert command: the letter's own title
            resources["cchc"]["title"] = title_of(html)
            html = html.replace("<title></title>", f"<title>{escape(resources['cchc']['title'])}</title>", 1)
        return html, resources


class _WriterExporter(Exporter):
    """A binary file written from the report's HTML (the same exporter as cchc-html)."""

    write = None  # the writer: (html, title) -> bytes
    extension = ""

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return self.extension

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.html = ReportHTMLExporter(config=self.config)

    def from_notebook_node(self, nb, resources=None, **kw):
        html, resources = self.html.from_notebook_node(nb, resources, **kw)
        title = resources["cchc"]["title"] or title_of(html)
        resources["output_extension"] = self.file_extension
        return type(self).write(html, title), resources


class ReportPDFExporter(_WriterExporter):
    """report.pdf, written by Typst (cchc.render.pdf)."""

    export_from_notebook = "cchc: báo cáo (PDF)"
    output_mimetype = "application/pdf"
    write = staticmethod(pdf.pdf)
    extension = ".pdf"


class ReportDocxExporter(_WriterExporter):
    """report.docx, written by python-docx (cchc.render.docx)."""

    export_from_notebook = "cchc: báo cáo (Word)"
    output_mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    write = staticmethod(docx.docx)
    extension = ".docx"
