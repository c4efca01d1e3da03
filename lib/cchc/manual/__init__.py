"""The manual-figures workbook ("Số liệu nhập tay", raw-exports.md §6).

Numbers no system exports (propaganda, law dissemination, the public service centre, staffing,
initiatives, figures declared by other bodies …) are entered in one workbook with one sheet
per topic. ``write_template`` writes it blank (pre-filled with the previous period's stable
figures); the ingest reads it like any export (sources ``manual``, ``manual_tasks``,
``manual_initiatives``, ``manual_declared``); ``cchc.figures.manual`` turns it into figures.
The topics are data: ``data/manual/topics.yaml``.

The template writer (openpyxl) is imported on first use, so computing figures does not load it.
"""

from cchc.manual.errors import TemplateExists
from cchc.manual.periods import previous_period

_TEMPLATE = ("build_workbook", "workbook_bytes", "workbook_path", "write_template")
__all__ = ["TemplateExists", "previous_period", *_TEMPLATE]


def __getattr__(name: str):
    if name in _TEMPLATE:
        from cchc.manual import template

        return getattr(template, name)
    raise AttributeError(name)
