"""Figures of the manual-figures workbook (section ``manual``): pure functions of the processed
tables ``manual`` (key-value rows), ``manual_tasks``, ``manual_initiatives`` and
``manual_declared``. Labels and definitions: data/figures/manual.yaml and data/manual/topics.yaml.

- every entered key-value row -> ``manual.<id>`` (counts as int, areas and other numbers as
  float), labelled as topics.yaml names the row for the unit's kind ("UBND xã", "UBND phường");
  a row whose "Giá trị" is empty was not entered and gives no figure;
- the rates of topics.yaml ``rates:`` -> ``manual.<id>`` when both rows are entered;
- plan tasks -> ``manual.plan_tasks.{total,done,in_progress,not_started,rate_done}``;
- initiatives -> ``manual.initiatives.count``.
A table sheet with no row (as the template leaves it) was not entered: no figure, not zero.
Declared figures give no figure: ``declared(tables)`` lists them for the audit.
``rows_of`` selects the rows each figure is entered in or counts (cchc.figures.provenance).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cchc.config.figures import figure_definitions
from cchc.config.sources import load_spec
from cchc.figures import tthc_stats
from cchc.figures.provenance import Selection, every_row, flag, from_masks, values
from cchc.figures.registry import Figure, rate
from cchc.figures.tthc import absent, emit
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from cchc.manual import topics

SECTION = "manual"
PREFIX = "manual."
TASK_COUNTS = ["plan_tasks.total", "plan_tasks.done", "plan_tasks.in_progress", "plan_tasks.not_started"]
TASK_RATES = {"plan_tasks.rate_done": ("plan_tasks.done", "plan_tasks.total")}
INITIATIVE_COUNTS = ["initiatives.count"]
VALUE = "value"   # the column of the key-value rows holding the value entered


def _plain(value: Any) -> Any:
    """A cell of a processed table as a plain Python value (NA -> None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _number(value: float, kind: str) -> int | float:
    return int(value) if kind == "count" and float(value).is_integer() else float(value)


def _table_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``table`` as dicts of column -> value (a table of a few rows, read column by column)."""
    columns = [table[name].tolist() for name in table.columns]
    return [dict(zip(table.columns, values)) for values in zip(*columns)]


def _row_source(row: dict[str, Any], hashes: dict[str, str]) -> dict[str, Any]:
    file = str(row[SOURCE_FILE])
    return {"file": file, "sha256": hashes.get(file, ""), "rows": 1,
            "sheet": _plain(row[SOURCE_SHEET]), "row": int(row[SOURCE_ROW])}


def key_value_figures(table: pd.DataFrame, hashes: dict[str, str], unit_name: str | None = None) -> list[Figure]:
    """One figure per entered row, then the rates whose rows are both entered. A known row's
    label is the topics' label naming the unit ``unit_name`` by its kind ("UBND phường")."""
    spec = figure_definitions(SECTION)
    known = topics.rows(unit_name)
    figures: list[Figure] = []
    entered: dict[str, tuple[int | float, dict[str, Any]]] = {}
    order = {figure_id: i for i, figure_id in enumerate(known)}
    rows = [row for row in _table_rows(table) if _plain(row[VALUE]) is not None]
    rows.sort(key=lambda r: (order.get(str(r["figure_id"]), len(order)), str(r["figure_id"])))
    for row in rows:
        figure_id = str(row["figure_id"])
        meta = known.get(figure_id)
        label = meta.label if meta else (_plain(row["label"]) or figure_id)
        unit = meta.unit if meta else (_plain(row["unit"]) or "")
        kind = meta.kind if meta else ("count" if float(row[VALUE]).is_integer() else "number")
        value = _number(row[VALUE], kind)
        source_text = _plain(row["source"]) or spec.no_source
        source = _row_source(row, hashes)
        figure = Figure(id=PREFIX + figure_id, value=value, unit=unit, label=label,
                        definition=spec.row_definition.format(label=label, source=source_text),
                        sources=[source], extra={"manual_source": _plain(row["source"]),
                                                 "manual_kind": kind})
        figures.append(figure)
        entered[figure_id] = (value, source)
    for rate_id, rule in topics.rates().items():
        num, den = entered.get(rule["numerator"]), entered.get(rule["denominator"])
        if num is None or den is None:
            continue
        meta = {"label": rule["label"], "unit": "%", "definition": rule["definition"]}
        figures.append(rate(PREFIX + rate_id, num[0], den[0], meta, [num[1], den[1]]))
    return figures


def task_masks(tasks: pd.DataFrame) -> pd.DataFrame:
    """The plan tasks each manual.plan_tasks.* figure counts."""
    result = values(tasks["result"])
    return pd.DataFrame({
        "plan_tasks.total": every_row(tasks).to_numpy(),
        "plan_tasks.done": result == "done",
        "plan_tasks.in_progress": result == "in_progress",
        "plan_tasks.not_started": result == "not_started",
    }, index=tasks.index)


def task_figures(tasks: pd.DataFrame, hashes: dict[str, str]) -> list[Figure]:
    meta = figure_definitions(SECTION).figures
    return emit(task_masks(tasks), tasks[SOURCE_FILE], TASK_COUNTS, TASK_RATES, hashes, PREFIX,
                meta.__getitem__)


def initiative_masks(table: pd.DataFrame) -> pd.DataFrame:
    """The initiatives manual.initiatives.count counts: every row of the table."""
    return pd.DataFrame({"initiatives.count": every_row(table)}, index=table.index)


def initiative_figures(table: pd.DataFrame, hashes: dict[str, str]) -> list[Figure]:
    meta = figure_definitions(SECTION).figures
    return emit(initiative_masks(table), table[SOURCE_FILE], INITIATIVE_COUNTS, {}, hashes, PREFIX,
                meta.__getitem__)


def compute_section(tables: dict[str, pd.DataFrame], params, hashes: dict[str, str]) -> list[Figure]:
    """Absent tables, and table sheets left empty (a blank template), give no figures."""
    figures: list[Figure] = []
    if "manual" in tables:
        figures += key_value_figures(tables["manual"], hashes, params.unit_name if params else None)
    if len(tables.get("manual_tasks", ())):
        figures += task_figures(tables["manual_tasks"], hashes)
    if len(tables.get("manual_initiatives", ())):
        figures += initiative_figures(tables["manual_initiatives"], hashes)
    return figures


def rows_of(name: str, figure: Figure, tables: dict[str, pd.DataFrame], params) -> Selection | None:
    """The rows figure ``manual.<name>`` counts (plan tasks, initiatives) or is entered in (a
    key-value row: the workbook row its source names; a rate: its two rows)."""
    if name.startswith("plan_tasks.") and "manual_tasks" in tables:
        return from_masks("manual_tasks", task_masks(tables["manual_tasks"]), name, TASK_COUNTS, TASK_RATES)
    if name in INITIATIVE_COUNTS and "manual_initiatives" in tables:
        return from_masks("manual_initiatives", initiative_masks(tables["manual_initiatives"]), name,
                          INITIATIVE_COUNTS, {})
    if "manual" not in tables or not figure.sources or any("row" not in s for s in figure.sources):
        return None
    table = tables["manual"]
    rows = [_source_rows(table, source) for source in figure.sources]
    if figure.is_rate:
        return Selection("manual", numerator=rows[0], denominator=rows[1], summed={"value": VALUE},
                         entered=True, check=None)
    return Selection("manual", counted=rows[0], role="entered", summed={"value": VALUE}, entered=True,
                     check=None)


def _source_rows(table: pd.DataFrame, source: dict[str, Any]) -> pd.Series:
    """The row of ``table`` a source names (its file, sheet and Excel row)."""
    sheet = table[SOURCE_SHEET].astype(object).where(table[SOURCE_SHEET].notna(), None)
    return flag((table[SOURCE_FILE] == source["file"]) & (sheet == source.get("sheet"))
                & (table[SOURCE_ROW] == int(source["row"])))


def _records(table: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    keep = [*columns, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW]
    return [{name: _plain(row[name]) for name in keep} for row in _table_rows(table[keep])]


def _labels(kind: str, vocab: str) -> dict[str, str]:
    return load_spec(kind).vocabulary(vocab)["labels"]


def tasks(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The plan's tasks in workbook order, with ``result`` (code) and ``result_label``."""
    if "manual_tasks" not in tables:
        return []
    labels = _labels("manual_tasks", "task_result")
    out = _records(tables["manual_tasks"], ["order", "task", "lead_unit", "result", "note"])
    for item in out:
        item["result_label"] = labels.get(item["result"], "")
    return out


def initiatives(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The initiatives table (report section I.5) in workbook order: order, name, type (code),
    type_label, novelty, effectiveness, note, and where each row comes from."""
    if "manual_initiatives" not in tables:
        return []
    labels = _labels("manual_initiatives", "initiative_type")
    out = _records(tables["manual_initiatives"], ["order", "name", "type", "novelty", "effectiveness", "note"])
    for item in out:
        item["type_label"] = labels.get(item["type"], "") if item["type"] else ""
    return out


def declared(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Figures declared by other bodies, in workbook order: figure_id (a figure id of the
    report, e.g. 'tthc.rate.online_payment'), label, value as written (87.52 for "87,52%"),
    unit, body, document, note, where each row comes from; ``is_percent`` when the unit is '%'
    and ``comparable``, the value in the registry's terms (a fraction for '%'). Then, beside a
    dossier list, every cell of the statistics of form 06a (cchc.figures.tthc_stats.declared)."""
    stats = tthc_stats.declared(tables, absent({"dossiers": tables["dossiers"]}) if "dossiers" in tables else set())
    if "manual_declared" not in tables:
        return stats
    out = _records(tables["manual_declared"], ["figure_id", "label", "value", "unit", "body", "document", "note"])
    for item in out:
        value = item["value"]
        if isinstance(value, float) and value.is_integer():
            value = item["value"] = int(value)
        item["is_percent"] = (item["unit"] or "").strip() == "%"
        item["comparable"] = None if value is None else (value / 100 if item["is_percent"] else value)
    return out + stats
