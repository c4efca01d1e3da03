"""Read an existing manual workbook: has anything been entered (never overwrite it), and the
previous period's stable figures (to pre-fill a new period's workbook)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc.config.sources import SourceSpec, load_spec
from cchc.core.errors import CchcError
from cchc.ingest import cells as V
from cchc.ingest.headers import find_header
from cchc.ingest.parse import parse_table
from cchc.ingest.readers import read_tables
from cchc.manual import topics
from cchc.manual.errors import TemplateExists, manual_message

TABLE_KINDS = ("manual_tasks", "manual_initiatives", "manual_declared")
# Columns the template itself writes in a key-value sheet (anything else is the user's entry).
WRITTEN = ("order", "figure_id", "label", "unit")


def _specs() -> dict[str, SourceSpec]:
    return {kind: load_spec(kind) for kind in (topics.KEY_VALUE, *TABLE_KINDS)}


def _tables(path: Path, display: str):
    try:
        return read_tables(path, display)
    except CchcError as exc:
        raise TemplateExists(display, reason=str(exc)) from exc


def first_entry(path: Path, display: str) -> str | None:
    """Where the first entered cell of the workbook is ('trang "…", dòng n'), or None for a
    workbook as the template wrote it without pre-filled values. Entered: a value, source or
    note of a key-value row, a row id the topics do not know, any cell of a table sheet's data
    rows, any cell of a sheet no manual source recognises. Unreadable -> TemplateExists."""
    specs = _specs()
    known = set(topics.rows())
    for table in _tables(path, display):
        where = None
        for kind, spec in specs.items():
            match = find_header(spec, table.rows)
            if match is None:
                continue
            skip = {match.columns[c] for c in WRITTEN if c in match.columns} if kind == topics.KEY_VALUE else set()
            id_column = match.columns.get("figure_id") if kind == topics.KEY_VALUE else None
            for number, row in enumerate(table.rows[match.row_index + 1:], start=match.row_index + 2):
                typed = [i for i, cell in enumerate(row) if not V.is_empty(cell) and i not in skip]
                unknown_id = (id_column is not None and id_column < len(row)
                              and not V.is_empty(row[id_column]) and str(row[id_column]).strip() not in known)
                if typed or unknown_id:
                    where = number
                    break
            break
        else:  # no manual source recognises the sheet
            filled = [n for n, row in enumerate(table.rows, start=1) if any(not V.is_empty(c) for c in row)]
            where = filled[0] if filled else None
        if where is not None:
            return manual_message("where_sheet_row", sheet=table.sheet, row=where)
    return None


def stable_values(path: Path, display: str) -> dict[str, dict[str, Any]]:
    """The entered values (and their sources) of the key-value rows marked stable, by id."""
    spec = load_spec(topics.KEY_VALUE)
    stable = {row.id for row in topics.rows().values() if row.stable}
    found: dict[str, dict[str, Any]] = {}
    try:
        tables = read_tables(path, display)
    except CchcError:
        return {}
    for table in tables:
        if find_header(spec, table.rows) is None:
            continue
        records = parse_table(table, display, "", spec, {spec.kind: spec}).records
        for figure_id, value, source in zip(records["figure_id"], records["value"], records["source"]):
            if figure_id in stable and value is not None:
                found[figure_id] = {"value": value, "source": source}
    return found
