"""Write the blank manual-figures workbook: one sheet per topic, title rows, a bold bordered
header, units, data validation and a column for the source of every number.

``write_template(root, unit, period)`` writes ``data/raw/<unit>/<period>/so-lieu-nhap-tay.xlsx``.
It never overwrites a workbook in which anything has been entered (``TemplateExists``); a
workbook exactly as the template left it (nothing entered) is rewritten. Rows marked
``stable`` are pre-filled from the previous period's workbook when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cchc.config.letter import document_words, period_phrase, window_phrase
from cchc.config.params import Window, load_params
from cchc.config.sources import Column, SourceSpec, load_spec
from cchc.core import atomic
from cchc.core.layout import Layout
from cchc.core.resources import load_yaml
from cchc.core.xlsx import deterministic_bytes
from cchc.manual import topics
from cchc.manual.errors import TemplateExists
from cchc.manual.existing import first_entry, stable_values
from cchc.manual.periods import previous_period as before

KEY_VALUE_COLUMNS = ("order", "figure_id", "label", "unit", "value", "source", "note")
WIDTHS = {"order": 6, "figure_id": 30, "label": 64, "unit": 14, "value": 14, "source": 36, "note": 30,
          "task": 70, "lead_unit": 30, "result": 18, "name": 40, "type": 14, "novelty": 60,
          "effectiveness": 60, "body": 32, "document": 44}
NUMBER_FORMATS = {"count": "#,##0", "area": "#,##0.0#", "number": "#,##0.0#"}
VALIDATION_TYPES = {"count": "whole", "area": "decimal", "number": "decimal"}
TITLE_ROWS = 6          # unit, workbook, topic, period, instruction, blank; the header follows
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
KEY_FONT = Font(color="808080")


def workbook_path(root: Path, unit: str, period: str) -> Path:
    return Layout(root, unit, period).raw_dir / topics.file_name()


def _words() -> dict[str, Any]:
    return load_yaml("manual/template.yaml")


def _titles(unit_name: str, period: str, window: Window, sheet: topics.Sheet, instruction: str) -> list[str]:
    titles = _words()["titles"]
    agency = document_words().agency_parent
    return [titles["unit"].format(unit_name_upper=f"{agency} {unit_name.upper()}"),
            titles["workbook"], sheet.title,
            titles["period"].format(period_phrase=period_phrase(period),
                                    window_phrase=window_phrase(window.start, window.cutoff)),
            instruction, ""]


def _validation(kind: str, open_list: bool = False, choices: list[str] | None = None) -> DataValidation:
    words = _words()["validation"]
    if kind == "list":
        text = words["list_open" if open_list else "list"]
        validation = DataValidation(type="list", formula1='"' + ",".join(choices or []) + '"', allow_blank=True,
                                    errorStyle="warning" if open_list else "stop")
    else:
        text = words[kind]
        validation = DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    validation.showErrorMessage = True
    validation.errorTitle, validation.error = text["title"], text["message"]
    return validation


def _start_sheet(sheet, titles: list[str], headers: list[str], widths: list[float]) -> int:
    """Title rows, the header row; returns the header's Excel row."""
    last = get_column_letter(len(headers))
    for number, text in enumerate(titles, start=1):
        cell = sheet.cell(row=number, column=1, value=text or None)
        if text:
            cell.font = Font(bold=number <= 3, italic=number == 5)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.merge_cells(f"A{number}:{last}{number}")
    sheet.row_dimensions[5].height = 45
    header_row = len(titles) + 1
    for column, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    return header_row


def _key_value_sheet(book: Workbook, sheet: topics.Sheet, spec: SourceSpec, titles: list[str],
                     previous: dict[str, dict[str, Any]], previous_period: str | None) -> None:
    ws = book.create_sheet(sheet.name)
    headers = [spec.columns[c].header for c in KEY_VALUE_COLUMNS]
    header_row = _start_sheet(ws, titles, headers, [WIDTHS[c] for c in KEY_VALUE_COLUMNS])
    validations: dict[str, DataValidation] = {}
    note = _words()["prefill_note"]
    for index, row in enumerate(sheet.rows, start=1):
        number = header_row + index
        known = previous.get(row.id) if row.stable else None
        value = known["value"] if known else None
        if isinstance(value, float) and value.is_integer() and row.kind == "count":
            value = int(value)
        cells = [index, row.id, row.label, row.unit, value, known["source"] if known else None,
                 note.format(previous=previous_period) if known else None]
        for column, cell_value in enumerate(cells, start=1):
            cell = ws.cell(row=number, column=column, value=cell_value)
            if isinstance(cell_value, str):  # text stays text: "=…" from last period's workbook is no formula
                cell.data_type = "s"
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=number, column=2).font = KEY_FONT
        lines = -(-len(row.label) // int(WIDTHS["label"] * 1.1))
        if lines > 1:
            ws.row_dimensions[number].height = 15 * lines
        value_cell = ws.cell(row=number, column=KEY_VALUE_COLUMNS.index("value") + 1)
        value_cell.number_format = NUMBER_FORMATS[row.kind]
        kind = VALIDATION_TYPES[row.kind]
        if kind not in validations:
            validations[kind] = _validation(kind)
            ws.add_data_validation(validations[kind])
        validations[kind].add(value_cell.coordinate)


def _choice_list(ws, spec: SourceSpec, column: Column, position: int, first: int, last: int):
    """A category column: a drop-down list of its vocabulary's labels."""
    return _validation("list", choices=list(spec.vocabulary(column.vocab)["labels"].values()))


def _as_written(ws, spec: SourceSpec, column: Column, position: int, first: int, last: int) -> None:
    """A number column: text cells, the values as written in the document ("87,52", "7.026")."""
    for number in range(first, last + 1):
        ws.cell(row=number, column=position).number_format = "@"


def _plain(ws, spec: SourceSpec, column: Column, position: int, first: int, last: int) -> None:
    return None


# Column type (cchc.config.sources.COLUMN_TYPES) -> how a table sheet prepares the column's
# blank cells; returns the column's data validation, if any.
COLUMN_CELLS: dict[str, Callable[..., DataValidation | None]] = {
    "id": _plain,
    "text": _plain,
    "number": _as_written,
    "date": _plain,
    "category": _choice_list,
}


def _table_sheet(book: Workbook, sheet: topics.Sheet, spec: SourceSpec, titles: list[str]) -> None:
    ws = book.create_sheet(sheet.name)
    names = list(spec.columns)
    header_row = _start_sheet(ws, titles, [spec.columns[c].header for c in names],
                              [WIDTHS.get(c, 16) for c in names])
    first, last = header_row + 1, header_row + sheet.blank_rows
    for number in range(first, last + 1):
        for column in range(1, len(names) + 1):
            cell = ws.cell(row=number, column=column)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for position, name in enumerate(names, start=1):
        column = spec.columns[name]
        letter = get_column_letter(position)
        if column.type != "category" and spec.kind == "manual_declared" and name == "unit":
            validation = _validation("list", open_list=True, choices=topics.declared_units())
        else:
            validation = COLUMN_CELLS[column.type](ws, spec, column, position, first, last)
        if validation is not None:
            ws.add_data_validation(validation)
            validation.add(f"{letter}{first}:{letter}{last}")


def _instruction(sheet: topics.Sheet, spec: SourceSpec) -> str:
    text = _words()["instructions"]["key_value" if sheet.kind == topics.KEY_VALUE else sheet.kind]
    choices = [", ".join(spec.vocabulary(c.vocab)["labels"].values())
               for c in spec.columns.values() if c.type == "category"]
    return text.format(choices=choices[0] if choices else "")


def build_workbook(unit_name: str, period: str, window: Window,
                   previous: dict[str, dict[str, Any]] | None = None,
                   previous_period: str | None = None) -> Workbook:
    """The blank workbook of the unit named ``unit_name`` (its rows' labels name it by its kind:
    "UBND phường"; ``previous``: id -> {value, source} of the previous period's stable rows,
    written with a note naming ``previous_period``)."""
    book = Workbook()
    book.remove(book.active)
    for sheet in topics.sheets(unit_name):
        spec = load_spec(sheet.kind)
        titles = _titles(unit_name, period, window, sheet, _instruction(sheet, spec))
        if sheet.kind == topics.KEY_VALUE:
            _key_value_sheet(book, sheet, spec, titles, previous or {}, previous_period)
        else:
            _table_sheet(book, sheet, spec, titles)
    return book


def workbook_bytes(book: Workbook, stamp: dt.datetime) -> bytes:
    """The xlsx bytes with fixed document properties and zip timestamps (same bytes each time)."""
    return deterministic_bytes(book, stamp)


def write_template(root: Path, unit: str, period: str) -> Path:
    """Write the blank workbook of ``unit``/``period`` under ``root``; return its path.

    Raises TemplateExists when the file exists and something has been entered in it (or it
    cannot be read); CchcError for bad parameters (unit, period, missing params file)."""
    root = Path(root)
    params = load_params(root, unit, period)
    path = workbook_path(root, unit, period)
    shown = path.relative_to(root).as_posix()
    if path.exists():
        where = first_entry(path, shown)
        if where is not None:
            raise TemplateExists(shown, where)
    prior = before(period)
    prior_path = workbook_path(root, unit, prior)
    previous = stable_values(prior_path, prior_path.relative_to(root).as_posix()) if prior_path.is_file() else {}
    book = build_workbook(params.unit_name, period, params.window, previous, prior)
    stamp = dt.datetime.combine(params.window.start, dt.time())
    atomic.write_bytes(path, workbook_bytes(book, stamp))
    return path
