"""The demo commune's filled manual-figures workbook: the blank template of cchc.manual, filled
with the reference report's numbers (data/demo/manual.yaml) and a little messy (an alias
header, new-style tones, a personal-data column, numbers typed as text, two bad rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment

from cchc.config.params import Window
from cchc.config.sources import load_spec
from cchc.manual import build_workbook, topics, workbook_bytes
from cchc.manual.template import TITLE_ROWS

from . import period as cal
from .naming import UnitName, words
from .writers import FIXED_TIMESTAMP

HEADER_ROW = TITLE_ROWS + 1


def _columns(ws, kind: str) -> dict[str, int]:
    """Canonical column -> 1-based column of the sheet's header row."""
    spec = load_spec(kind)
    found = {}
    for cell in ws[HEADER_ROW]:
        name = spec.column_for(cell.value)
        if name is not None:
            found.setdefault(name, cell.column)
    return found


def _put(ws, row: int, columns: dict[str, int], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value not in (None, ""):
            ws.cell(row=row, column=columns[name], value=value)


def _fill_key_values(book, sheet: topics.Sheet, data: dict[str, Any]) -> None:
    ws = book[sheet.name]
    columns = _columns(ws, topics.KEY_VALUE)
    last = HEADER_ROW
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        figure_id = ws.cell(row=number, column=columns["figure_id"]).value
        if not figure_id:
            continue
        last = number
        entry = data["values"].get(figure_id)
        if entry:
            _put(ws, number, columns, {"value": entry["value"], "source": entry["source"], "note": entry.get("note")})
    for extra in (e for e in data["extra_rows"] if e["topic"] == sheet.topic):
        last += 1
        _put(ws, last, columns, {"order": last - HEADER_ROW, "figure_id": extra["id"], "label": extra["label"],
                                 "unit": extra["unit"], "value": extra["value"], "source": extra["source"]})
    for name, header in data["alias_headers"].get(sheet.topic, {}).items():
        ws.cell(row=HEADER_ROW, column=columns[name], value=header)
    personal = data["personal_column"]
    if personal["topic"] == sheet.topic:
        column = ws.max_column + 1
        ws.cell(row=HEADER_ROW, column=column, value=personal["header"])
        for number in range(HEADER_ROW + 1, last + 1):
            ws.cell(row=number, column=column, value=personal["value"])


def _fill_table(book, sheet: topics.Sheet, rows: list[dict[str, Any]], footer: str | None,
                headers: dict[str, str] | None = None) -> None:
    ws = book[sheet.name]
    columns = _columns(ws, sheet.kind)
    for index, values in enumerate(rows, start=1):
        _put(ws, HEADER_ROW + index, columns, {"order": index, **values})
    if footer:
        cell = ws.cell(row=HEADER_ROW + len(rows) + 1, column=1, value=footer.format(n=len(rows)))
        cell.alignment = Alignment(wrap_text=False)
    for name, header in (headers or {}).items():
        ws.cell(row=HEADER_ROW, column=columns[name], value=header)


def build(data: dict[str, Any] | None = None):
    """The filled workbook (an openpyxl Workbook)."""
    data = data or words("manual")
    book = build_workbook(data["unit_name"], cal.PERIOD, Window(cal.START, cal.CUTOFF))
    for sheet in topics.sheets():
        if sheet.kind == topics.KEY_VALUE:
            _fill_key_values(book, sheet, data)
        elif sheet.kind == "manual_tasks":
            rows = [{"task": t["task"], "lead_unit": t["lead"], "result": t["result"], "note": t.get("note")}
                    for t in data["tasks"]]
            _fill_table(book, sheet, rows, data["tasks_footer"])
        elif sheet.kind == "manual_initiatives":
            rows = [{k: item[k] for k in ("name", "type", "novelty", "effectiveness")} for item in data["initiatives"]]
            _fill_table(book, sheet, rows, data["initiatives_footer"], data["initiative_headers"])
        elif sheet.kind == "manual_declared":
            _fill_table(book, sheet, [dict(item) for item in data["declared"]], None)
    return book


def write(folder: Path, unit: UnitName | None = None) -> list[Path]:
    """Write the workbook of ``unit`` (default: the demo commune) into ``folder``; return its path
    (deterministic bytes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / topics.file_name()
    path.write_bytes(workbook_bytes(build(words("manual", unit)), FIXED_TIMESTAMP))
    return [path]
