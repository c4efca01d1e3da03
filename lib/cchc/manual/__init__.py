"""The manual-figures workbook ("Số liệu nhập tay", raw-exports.md §6).

Numbers no system exports (propaganda, law dissemination, the public service centre, staffing,
initiatives, figures declared by other bodies …) are entered in one workbook with one sheet
per topic. ``write_template`` writes it blank (pre-filled with the previous period's stable
figures); the ingest reads it like any export (sources ``manual``, ``manual_tasks``,
``manual_initiatives``, ``manual_declared``); ``cchc.figures.manual`` turns it into figures.
The topics are data: ``data/manual/topics.yaml``.
"""

from cchc.manual.errors import TemplateExists
from cchc.manual.periods import previous_period
from cchc.manual.template import build_workbook, workbook_bytes, workbook_path, write_template

__all__ = ["TemplateExists", "build_workbook", "previous_period", "workbook_bytes", "workbook_path", "write_template"]
