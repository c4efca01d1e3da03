"""Header detection: which row of a raw table is the header of a source, and what each of its
cells is (a known column, a personal-data column, or unknown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.config.sources import SourceSpec
from cchc.core.text import match_key
from cchc.ingest import numbered

HEADER_SCAN_ROWS = 16  # up to 15 title rows, then the header


@dataclass
class HeaderMatch:
    row_index: int                 # 0-based index in the rows
    columns: dict[str, int]        # canonical name -> column index
    headers: dict[str, str]        # canonical name -> header text as in the file
    unknown: list[str]             # headers matching nothing
    personal: list[str]            # personal-data headers (dropped)
    rows: int = 1                  # header rows, ending at row_index (merged levels, numbers row)
    recognised: dict[str, Any] | None = None  # how a numbered table was recognised (cchc.ingest.numbered)


def header_keys(rows: list[list[Any]]) -> list[list[str | None]]:
    """The match key of each header-like cell of the first HEADER_SCAN_ROWS rows (None for
    others), as SourceSpec.column_for computes it: computed once for a table, then looked up
    in every source's aliases (classify tries each source on the same rows)."""
    return [[_header_key(cell) if isinstance(cell, str) and cell.strip() else None
             for cell in row] for row in rows[:HEADER_SCAN_ROWS]]


def _header_key(cell: str) -> str:
    """match_key(cell.rstrip(" :*")); for ASCII text (most data cells of the scanned rows: keys,
    dates, numbers) what it comes to: whitespace collapsed and trimmed, lower case (tested)."""
    text = cell.rstrip(" :*")
    return " ".join(text.split()).lower() if text.isascii() else match_key(text)


def find_header(spec: SourceSpec, rows: list[list[Any]], keys: list[list[str | None]] | None = None
                ) -> HeaderMatch | None:
    """The first row among the first HEADER_SCAN_ROWS holding the key column (or an alias).
    ``keys``: header_keys(rows), when the caller tries several sources on the same rows. A
    source of numbered columns under merged levels (form 06a) is found by cchc.ingest.numbered."""
    if spec.numbered is not None:
        found = numbered.locate(spec, rows[:HEADER_SCAN_ROWS])
        return None if found is None else HeaderMatch(personal=[], **found)
    lookup = spec.header_lookup.get  # what column_for looks the key up in
    # The match keys naming the key column: a row holds the key column iff it holds one of them.
    key_names = {key for key, name in spec.header_lookup.items() if name == spec.key} if keys is not None else None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if keys is None:
            mapped = [spec.column_for(cell) for cell in row]
        elif key_names.isdisjoint(keys[index]):
            continue
        else:
            mapped = [None if key is None else lookup(key) for key in keys[index]]
        if spec.key not in mapped:
            continue
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        personal: list[str] = []
        for position, (cell, name) in enumerate(zip(row, mapped)):
            if name is not None and name not in columns:
                columns[name] = position
                headers[name] = str(cell).strip()
            elif spec.is_personal(cell):
                personal.append(str(cell).strip())
            elif isinstance(cell, str) and cell.strip():
                unknown.append(cell.strip())  # includes a second header for one column
        return HeaderMatch(index, columns, headers, unknown, personal)
    return None
