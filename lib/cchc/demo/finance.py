"""Demo finance exports (raw-exports.md §5): the budget execution report (xlsx, amounts in
nghìn đồng so that the conversion to triệu đồng is exercised) and the public investment
disbursement report (semicolon csv with a BOM, Vietnamese-style text numbers, a footer
total). Title rows, an alias header, a personal-data column, bad rows that ingest
quarantines and new-style tones are all in data/demo/finance.yaml; this module only lays
them out, with deterministic bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .naming import UnitName, words
from .writers import _save_deterministic

BOLD = Font(bold=True)


def _write_budget(folder: Path, spec: dict[str, Any]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec["sheet"]
    for index, width in enumerate(spec["widths"], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for title in spec["titles"]:
        sheet.append([title] if title else [])
        if title:
            sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.append(spec["header"])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in spec["rows"]:
        sheet.append([None if value == "" else value for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    path = folder / spec["file"]
    _save_deterministic(workbook, path)
    return path


def _write_investment(folder: Path, spec: dict[str, Any]) -> Path:
    width = len(spec["header"])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for title in spec["titles"]:
        writer.writerow([title] + [""] * (width - 1))
    writer.writerow(spec["header"])
    writer.writerows(spec["rows"])
    writer.writerow(spec["footer"])
    path = folder / spec["file"]
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def write(folder: Path, unit: UnitName | None = None) -> list[Path]:
    """Write the budget and investment exports of ``unit`` (default: the demo commune) into
    ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = words("finance", unit)
    return [_write_budget(folder, data["budget"]), _write_investment(folder, data["investment"])]
