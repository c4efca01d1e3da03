"""TTHC figures from the one-stop system's own statistics of form 06a (data/sources/tthc_stats.yaml,
raw-exports.md §7): pure functions of its processed table.

Alone (no dossier list for the period) the table is the source of the TTHC figures it holds
(``declares``): a count is the sum of its columns over the field rows (by field: on the field's
rows), a rate the sum of its numerator columns over the sum of its denominator columns; every
figure's sources are the file and Excel row of each row summed. Every other TTHC figure is
absent (``absent``), as when a column is missing. Beside a dossier list, each cell is a figure
declared by the system, compared with the computed one (``declared``, for the ``declared`` check).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cchc.config.figures import figure_definitions
from cchc.config.sources import Declared, source_file
from cchc.core.errors import message
from cchc.core.text import slug
from cchc.figures.breakdowns import group_ids, group_rows, grouping
from cchc.figures.groups import group_key
from cchc.figures.provenance import SUM, Selection
from cchc.figures.registry import Figure, count, rate
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET

KIND = "tthc_stats"
SECTION = "tthc"   # the figures it holds are the TTHC section's (data/figures/tthc.yaml)


def _declares() -> dict[str, Declared]:
    spec = source_file(KIND)
    return dict(spec.declares)


def total_column() -> str:
    return source_file(KIND).totals


def field_rows(stats: pd.DataFrame) -> pd.Series:
    """The rows of the fields (the total rows aside)."""
    return ~stats[total_column()].fillna(False).astype(bool)


def _columns(item: Declared) -> list[str]:
    return [*item.columns, *item.numerator, *item.denominator]


def held(stats: pd.DataFrame) -> dict[str, Declared]:
    """The figures (id suffixes) the table holds: declared, and every column they read present."""
    return {name: item for name, item in _declares().items()
            if all(column in stats.columns for column in _columns(item))}


def absent(stats: pd.DataFrame) -> set[str]:
    """The dossier figures of data/figures/tthc.yaml the table does not hold (its catalogue
    figures are the catalogue's business: cchc.figures.tthc.absent)."""
    spec = figure_definitions(SECTION)
    kept = held(stats)
    return {name for name, meta in spec.figures.items()
            if (meta.source or spec.source) == "dossiers" and name not in kept}


def _sum(rows: pd.DataFrame, columns: list[str]) -> int:
    return int(round(float(rows[columns].fillna(0).to_numpy(dtype=float).sum())))


def _sources(rows: pd.DataFrame, hashes: dict[str, str]) -> list[dict[str, Any]]:
    """The file, sheet and Excel row of each row summed."""
    out = []
    for file, sheet, row in zip(rows[SOURCE_FILE].tolist(), rows[SOURCE_SHEET].tolist(), rows[SOURCE_ROW].tolist()):
        source: dict[str, Any] = {"file": file, "sha256": hashes.get(file, "")}
        if isinstance(sheet, str):
            source["sheet"] = sheet
        source["row"] = int(row)
        out.append(source)
    return out


def _figures(rows: pd.DataFrame, kept: dict[str, Declared], prefix: str, describe,
             hashes: dict[str, str]) -> list[Figure]:
    sources = _sources(rows, hashes)
    out = []
    for name, item in kept.items():
        if item.columns:
            out.append(count(prefix + name, _sum(rows, item.columns), describe(name), sources))
        else:
            out.append(rate(prefix + name, _sum(rows, item.numerator), _sum(rows, item.denominator),
                            describe(name), sources))
    return out


def compute(stats: pd.DataFrame, hashes: dict[str, str]) -> list[Figure]:
    """The TTHC figures the table holds, for the unit (its field rows summed) and by field."""
    meta = figure_definitions(SECTION)
    labels = meta.figures
    kept = held(stats)

    def base(name: str) -> dict[str, str]:
        return {"unit": labels[name].unit, "label": labels[name].label, "definition": kept[name].definition}

    fields = stats[field_rows(stats)]
    figures = _figures(fields, kept, "tthc.", base, hashes)
    rule = meta.breakdowns["by_field"]
    if not len(fields):
        return figures
    codes, order, shown = grouping(fields["field"])
    for position, group in enumerate(order):
        name = shown[group]

        def describe(key: str, name: str = name) -> dict[str, str]:
            item = base(key)
            return {"unit": item["unit"], "label": rule.label.format(label=item["label"], name=name),
                    "definition": rule.definition.format(definition=item["definition"], name=name)}

        group_figures = _figures(fields[codes == position], kept, f"tthc.by_field.{group}.", describe, hashes)
        for figure in group_figures:
            figure.extra.update({"breakdown": "by_field", "group": name})
        figures += group_figures
    return figures


def rows_of(name: str, tables: dict[str, pd.DataFrame]) -> Selection | None:
    """The rows figure ``tthc.<name>`` sums: the field rows (tthc.by_field.<group>.<x>: that
    field's rows), the columns it reads shown beside them; a count checked as their sum."""
    stats = tables[KIND]
    rows = field_rows(stats)
    parts = name.split(".")
    if parts[0] == "by_field" and len(parts) > 2:
        groups = group_rows(stats.loc[rows, "field"])[0].reindex(stats.index)
        rows, name = rows & (groups == parts[1]).fillna(False).astype(bool), ".".join(parts[2:])
    item = held(stats).get(name)
    if item is None:
        return None
    shown = list(dict.fromkeys(_columns(item)))
    if item.columns:   # a count: the sum of its columns over the rows, checked (cchc.explain: "a+b")
        return Selection(KIND, counted=rows, role="summed", summed={"value": "+".join(item.columns)},
                         check=SUM, extra_columns=shown)
    return Selection(KIND, counted=rows, role="summed", check=None, extra_columns=shown,
                     summed={"numerator": "+".join(item.numerator), "denominator": "+".join(item.denominator)})


def declared(tables: dict[str, pd.DataFrame], left_out: set[str] = frozenset()) -> list[dict[str, Any]]:
    """Beside a dossier list: every cell of the statistics as a figure the system declares, in
    the items of cchc.figures.manual.declared (figure_id, label, value, unit, body, document …):
    a field's row against tthc.by_field.<group>.<x>, the total row against tthc.<x>. Cells of a
    figure the list cannot give (its columns absent) are left out, and so are zeros of a field
    the list does not have (nothing to differ). ``left_out``: the figures the list cannot give
    (cchc.figures.tthc.absent of the list alone)."""
    if KIND not in tables or "dossiers" not in tables:
        return []
    stats, dossiers = tables[KIND], tables["dossiers"]
    spec = source_file(KIND)
    numbers = {name: column.number for name, column in spec.numbered.columns.items()}
    has_fields = "field" in dossiers.columns
    ids = group_ids({group_key(n) for n in dossiers["field"].dropna().unique()}) if has_fields else {}
    labels = figure_definitions(SECTION).figures
    body = message("stats_declared_body")
    totals = (~field_rows(stats)).tolist()
    out = []
    for index, row in enumerate(stats.to_dict("records")):
        if totals[index]:
            prefix = "tthc."
        elif not has_fields or row["field"] is None or row["field"] is pd.NA:
            continue
        else:
            key = group_key(row["field"])
            prefix = f"tthc.by_field.{ids.get(key) or slug(key)}."
        for name, item in _declares().items():
            if len(item.columns) != 1 or name in left_out or item.columns[0] not in stats.columns:
                continue
            column = item.columns[0]
            value = row[column]
            if value is None or pd.isna(value):
                continue
            value = int(value) if float(value).is_integer() else float(value)
            if not totals[index] and value == 0 and prefix.split(".")[2] not in ids.values():
                continue
            where = message("stats_declared_document", file=row[SOURCE_FILE].rsplit("/", 1)[-1],
                            row=int(row[SOURCE_ROW]), number=numbers[column],
                            header=spec.columns[column].header, field=row["field"])
            out.append({"figure_id": prefix + name, "label": labels[name].label, "value": value,
                        "unit": labels[name].unit, "body": body, "document": where, "note": None,
                        SOURCE_FILE: row[SOURCE_FILE], SOURCE_SHEET: row[SOURCE_SHEET],
                        SOURCE_ROW: int(row[SOURCE_ROW]), "is_percent": False, "comparable": value})
    return out
