"""Write the demo exports: xlsx (deterministic bytes) and CSV, with title rows and footers."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cchc.core import fmt
from cchc.core.xlsx import deterministic_bytes

from . import vocab
from .catalogue import Procedure
from .exports import BOOL_COLUMNS, DATE_COLUMNS, ExportFile
from .naming import UnitName
from .naming import words as named_words
from .text import new_style_tones, nfd, thousands

FIXED_TIMESTAMP = dt.datetime(2025, 12, 12, 17, 30, 0)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
BOLD = Font(bold=True)
WIDTHS = {"dossier_id": 24, "procedure_name": 60, "field": 22, "agency": 30, "status": 18,
          "holder": 24, "address": 45, "interlink_group": 40, "note": 30, "receiver": 24,
          "procedure_code": 12, "received_at": 18, "due_at": 18, "resolved_at": 18, "returned_at": 18}


# ---------------------------------------------------------------------------
# value formatting
# ---------------------------------------------------------------------------

def format_date(value: dt.datetime, style: str) -> Any:
    """One date value in one of the accepted written forms (day first)."""
    if style == "cell":
        return value
    if style == "cell_date":
        return dt.datetime.combine(value.date(), dt.time())
    if style == "serial":
        return round((value - EXCEL_EPOCH).total_seconds() / 86400, 6)
    if style == "serial_date":
        return (value.date() - EXCEL_EPOCH.date()).days
    if style == "dmy":
        return fmt.date(value)
    if style == "dmy_short":
        return f"{value.day}/{value.month}/{value.year}"
    if style == "dmy_hm":
        return value.strftime("%d/%m/%Y %H:%M")
    if style == "dmy_hms":
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if style == "dmy_dash":
        return value.strftime("%d-%m-%Y")
    if style == "iso_hms":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if style == "iso_date":
        return value.strftime("%Y-%m-%d")
    raise ValueError(f"unknown date style {style!r}")


def format_bool(value: bool, style: str, rng: random.Random) -> Any:
    words = vocab.labels()["yes_no"]
    if style == "mixed":
        style = rng.choices(("co_khong", "x_blank", "one_zero"), weights=(70, 15, 15))[0]
    if style == "co_khong":
        return words["yes"] if value else words["no"]
    if style == "x_blank":
        return "x" if value else None
    if style == "one_zero":
        return 1 if value else 0
    raise ValueError(f"unknown boolean style {style!r}")


def _text_transform(export: ExportFile | None) -> Callable[[str], str]:
    def transform(text: str) -> str:
        if export is not None and export.new_tones:
            text = new_style_tones(text)
        if export is not None and export.nfd:
            text = nfd(text)
        return text
    return transform


def title_text(key: str, export: ExportFile, unit: UnitName | None = None) -> str:
    words = named_words("labels", unit)
    texts = {
        "committee": words["unit"]["committee_upper"],
        "center": words["unit"]["center_upper"],
        "land_parent": words["unit"]["land_office_parent_upper"],
        "land_office": words["unit"]["land_office_upper"],
        "title": words["titles"]["dossier_list"],
        "title_land": words["titles"]["dossier_list_land"],
        "period": words["titles"]["period"].format(start=fmt.date(export.start),
                                                   end=fmt.date(export.end)),
        "blank": "",
    }
    return texts[key]


def _format_row(export: ExportFile, row: dict[str, Any], rng: random.Random,
                text: Callable[[str], str]) -> list[Any]:
    out: list[Any] = []
    for column in export.columns:
        value = row.get(column)
        if column in DATE_COLUMNS and isinstance(value, dt.datetime):
            value = format_date(value, rng.choice(export.date_styles))
        elif column in BOOL_COLUMNS and isinstance(value, bool):
            value = format_bool(value, export.bool_style, rng)
        if isinstance(value, str):
            value = text(value) if value else None
        if export.is_csv:
            value = "" if value is None else str(value)
        out.append(value)
    return out


# ---------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------

def _save_deterministic(workbook: Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps (identical bytes every run)."""
    path.write_bytes(deterministic_bytes(workbook, FIXED_TIMESTAMP))


def append_sheet(workbook: Workbook, sheet_name: str, titles: list[str], header: list[str],
                 rows: list[list[Any]], footer: str | None, widths: list[float],
                 date_format: str = "dd/mm/yyyy hh:mm") -> None:
    """One export-like sheet: bold title rows, a bold header (if any), rows (datetimes as Excel
    date cells: midnight as a date, else ``date_format``), a bold footer (if any)."""
    sheet = workbook.create_sheet(sheet_name)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def bold(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = BOLD
        return cell

    for title in titles:
        sheet.append([bold(title)] if title else [])
    if header:
        sheet.append([bold(h) for h in header])
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                is_midnight = value.time() == dt.time()
                cell.number_format = "dd/mm/yyyy" if is_midnight else date_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    if footer:
        sheet.append([bold(footer)])


def _write_xlsx(path: Path, sheet_name: str, titles: list[str], header: list[str],
                rows: list[list[Any]], footer: str, widths: list[float],
                date_format: str = "dd/mm/yyyy hh:mm") -> None:
    workbook = Workbook(write_only=True)
    append_sheet(workbook, sheet_name, titles, header, rows, footer, widths, date_format)
    _save_deterministic(workbook, path)


# ---------------------------------------------------------------------------
# public writers
# ---------------------------------------------------------------------------

def write_dossiers(path: Path, export: ExportFile, rows: list[dict[str, Any]], rng: random.Random,
                   unit: UnitName | None = None) -> Path:
    words = vocab.labels()
    text = _text_transform(export)
    header = [text(words["headers"][export.headers][c]) for c in export.columns]
    titles = [text(title_text(key, export, unit)) for key in export.titles]
    body = [_format_row(export, row, rng, text) for row in rows]
    footer = text(words["footers"][export.footer].format(n=thousands(len(rows))))
    if export.is_csv:
        width = len(header)
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            for title in titles:
                writer.writerow([title] + [""] * (width - 1))
            writer.writerow(header)
            writer.writerows(body)
            writer.writerow([footer] + [""] * (width - 1))
    else:
        widths = [WIDTHS.get(c, 14) for c in export.columns]
        _write_xlsx(path, words["sheet_names"]["dossiers"], titles, header, body, footer, widths)
    return path


def write_catalogue(path: Path, procedures: list[Procedure], updated: dt.date, unit: UnitName | None = None) -> Path:
    words = named_words("labels", unit)
    spec = vocab.catalogue()
    headers = spec["headers"]
    yes, no = words["yes_no"]["yes"], words["yes_no"]["no"]
    field_rank: dict[str, int] = {}
    for entry in spec["fields"]:
        field_rank.setdefault(entry["name"], len(field_rank))
    ordered = sorted(procedures, key=lambda p: (field_rank[p.field], p.level != "commune", p.code))
    columns = ("procedure_code", "procedure_name", "field", "level", "online_level", "published",
               "e_process", "deadline_days", "has_fee")
    rows = [[p.code, p.name, p.field, spec["levels"][p.level], words["service_levels"][p.online_level],
             yes, yes, p.deadline, yes if p.fee else no] for p in ordered]
    titles = [
        words["unit"]["committee_upper"],
        words["titles"]["catalogue"],
        words["titles"]["catalogue_updated"].format(date=fmt.date(updated)),
        "",
    ]
    footer = words["footers"]["catalogue"].format(n=thousands(len(rows)))
    widths = [12, 80, 26, 12, 12, 12, 12, 12, 10]
    _write_xlsx(path, words["sheet_names"]["catalogue"], titles, [headers[c] for c in columns],
                rows, footer, widths)
    return path
