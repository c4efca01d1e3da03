"""Parse one raw file into canonical rows, quarantined problems and an account of every row.

Nothing here knows about other files: deduplication across files is in cchc.ingest.run.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cchc.config.sources import Column, SourceSpec
from cchc.core.errors import CchcError
from cchc.core.text import match_key
from cchc.ingest import cells as V
from cchc.ingest.headers import HeaderMatch, find_header
from cchc.ingest.readers import read_table, read_tables
from cchc.ingest.row_rules import apply_row_rules

FOOTER_WORDS = ("tổng", "cộng")
_date_type = _dt.date
SOURCE_FILE = "source_file"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"


@dataclass
class FileAccount:
    """Where every row of one file went. read = title + header + blank + footer + data."""

    read: int = 0
    title: int = 0
    header: int = 0
    blank: int = 0
    footer: int = 0
    data: int = 0
    quarantined: int = 0
    collapsed: int = 0   # filled in by the cross-file deduplication
    kept: int = 0        # filled in by the cross-file deduplication


@dataclass
class ParsedFile:
    file: str                      # path relative to the root, posix
    sha256: str
    kind: str
    sheet: str | None
    header_row: int                # as seen in Excel (1-based)
    headers: dict[str, str]        # canonical column -> header text in the file
    unknown_columns: list[str]
    personal_columns: list[str]
    missing_columns: list[str]     # optional canonical columns absent from the file
    account: FileAccount
    footer: dict[str, Any] | None  # {"row", "text", "declared"} when the file states a total
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, list[Any]] = field(default_factory=dict)  # canonical columns, valid rows

    def meta(self) -> dict[str, Any]:
        """Everything but the records (asdict would deep-copy every parsed cell)."""
        records, self.records = self.records, {}
        try:
            data = asdict(self)
        finally:
            self.records = records
        data.pop("records")
        return data


def classify(specs: dict[str, SourceSpec], rows: list[list[Any]], display: str
             ) -> tuple[SourceSpec, HeaderMatch]:
    """The source whose key column heads the file and which recognises most of its columns."""
    found = []
    for spec in specs.values():
        match = find_header(spec, rows)
        if match is not None:
            found.append((len(match.columns), spec.kind, spec, match))
    if not found:
        keys = ", ".join(f"'{spec.columns[spec.key].header}'" for spec in specs.values())
        raise CchcError("unrecognised_file", file=display, keys=keys)
    found.sort(key=lambda item: (-item[0], item[1]))
    return found[0][2], found[0][3]


def _is_footer(row: list[Any], key: Any) -> bool:
    """A totals row: its first non-empty cell starts with "Tổng"/"Cộng" and the key column is
    empty or is that very cell (exports whose first column is the key put the label there)."""
    for cell in row:
        if not V.is_empty(cell):
            is_label = isinstance(cell, str) and match_key(cell).startswith(FOOTER_WORDS)
            return is_label and (V.is_empty(key) or cell is key)
    return False


def _declared_total(row: list[Any]) -> int | None:
    """The first number in a footer row: 'Tổng số: 7.026 hồ sơ' -> 7026."""
    for cell in row:
        if isinstance(cell, bool) or V.is_empty(cell):
            continue
        if isinstance(cell, int | float):
            return int(cell)
        found = re.search(r"\d{1,3}(?:[.\s\u00a0]\d{3})+(?!\d)|\d+", str(cell))
        if found:
            return int(re.sub(r"\D", "", found.group(0)))
    return None


def parse_file(path: Path, display: str, sha256: str, spec: SourceSpec | None,
               specs: dict[str, SourceSpec], sheet: str | None = None) -> ParsedFile:
    """The first (or configured) sheet of a file."""
    return parse_table(read_table(path, display, sheet), display, sha256, spec, specs)


def parse_workbook(path: Path, display: str, sha256: str, spec: SourceSpec | None,
                   specs: dict[str, SourceSpec], sheet: str | None = None
                   ) -> tuple[list[ParsedFile], list[str]]:
    """Every recognised sheet of a file: the first (or configured) one must be recognised; the
    others are read when a source recognises them and listed as ignored otherwise."""
    tables = read_tables(path, display, sheet)
    parsed = [parse_table(tables[0], display, sha256, spec, specs)]
    ignored = []
    for table in tables[1:]:
        try:
            parsed.append(parse_table(table, display, sha256, None, specs))
        except CchcError as exc:
            if exc.name != "unrecognised_file":
                raise
            ignored.append(table.sheet)
    return parsed, ignored


def _title_values(spec: SourceSpec, rows: list[list[Any]]) -> dict[str, Any]:
    """Values a source reads from its title rows (e.g. 'Đơn vị tính: triệu đồng', 'đến ngày …')."""
    text = " | ".join(str(cell) for row in rows for cell in row if not V.is_empty(cell))
    text = match_key(text) if text else ""
    values: dict[str, Any] = {}
    for name, field_spec in spec.title_fields.items():
        found = re.search(field_spec["pattern"], text)
        raw = found.group(1) if found else field_spec.get("default")
        if field_spec.get("type") == "date" and raw is not None:
            parsed = V.parse_date(raw)
            values[name] = parsed if isinstance(parsed, _date_type) else None
        else:
            values[name] = raw
    return values


def parse_table(table, display: str, sha256: str, spec: SourceSpec | None,
                specs: dict[str, SourceSpec]) -> ParsedFile:
    rows = table.rows
    if spec is None:
        spec, match = classify(specs, rows, display)
    else:
        match = find_header(spec, rows)
        if match is None:
            raise CchcError("missing_column", file=display, column=spec.columns[spec.key].header,
                            aliases=", ".join(spec.names_for(spec.key)[1:]) or "—")
    for column in spec.columns.values():
        if column.required and column.name not in match.columns:
            raise CchcError("missing_column", file=display, column=column.header,
                            aliases=", ".join(column.aliases) or "—")

    account = FileAccount(read=len(rows), title=match.row_index, header=1)
    key_index = match.columns[spec.key]
    data_rows: list[list[Any]] = []
    data_numbers: list[int] = []
    footer: dict[str, Any] | None = None
    for index in range(match.row_index + 1, len(rows)):
        row = rows[index]
        key = row[key_index] if key_index < len(row) else None
        if V.is_empty(key) and all(V.is_empty(cell) for cell in row):
            account.blank += 1
        elif _is_footer(row, key):
            account.footer += 1
            if footer is None:
                text = next(str(c).strip() for c in row if not V.is_empty(c))
                footer = {"row": index + 1, "text": text, "declared": _declared_total(row)}
        else:
            data_rows.append(row)
            data_numbers.append(index + 1)
    account.data = len(data_rows)

    records, problems = _parse_columns(spec, match, data_rows)
    warnings: list[tuple[int, str, Any, str]] = []
    if spec.row_rules:
        apply_row_rules(spec.row_rules, records, problems, warnings)

    quarantine = []
    bad_rows = set()
    for index, column, raw, reason in sorted(problems, key=lambda p: (p[0], p[1])):
        bad_rows.add(index)
        quarantine.append({"file": display, "sheet": table.sheet, "row": data_numbers[index],
                           "column": match.headers.get(column, column),
                           "value": "" if raw is None else str(raw), "reason": reason})
    account.quarantined = len(bad_rows)
    keep = [i for i in range(len(data_rows)) if i not in bad_rows] if bad_rows else None
    if keep is not None:
        records = {name: [col[i] for i in keep] for name, col in records.items()}
        numbers = [data_numbers[i] for i in keep]
    else:
        numbers = data_numbers
    for name, value in _title_values(spec, rows[: match.row_index]).items():
        records[name] = [value] * len(numbers)
    records[SOURCE_FILE] = [display] * len(numbers)
    records[SOURCE_SHEET] = [table.sheet] * len(numbers)
    records[SOURCE_ROW] = numbers

    return ParsedFile(
        file=display, sha256=sha256, kind=spec.kind, sheet=table.sheet,
        header_row=match.row_index + 1, headers=match.headers,
        unknown_columns=match.unknown, personal_columns=match.personal,
        missing_columns=[col.header for c, col in spec.columns.items() if c not in match.columns],
        account=account, footer=footer, quarantine=quarantine,
        warnings=[{"file": display, "row": data_numbers[i], "column": match.headers.get(c, c),
                   "value": "" if raw is None else str(raw), "reason": reason}
                  for i, c, raw, reason in warnings if i not in bad_rows],
        records=records,
    )


Parsed = tuple[list[Any], list[V.Problem]]


def _categories(cells: Sequence[Any], spec: SourceSpec, column: Column) -> Parsed:
    return V.parse_categories(cells, spec.vocabulary(column.vocab))


# Column type (cchc.config.sources.COLUMN_TYPES) -> parser of a column's cells.
PARSERS: dict[str, Callable[[Sequence[Any], SourceSpec, Column], Parsed]] = {
    "id": lambda cells, spec, column: V.parse_ids(cells),
    "text": lambda cells, spec, column: V.parse_texts(cells),
    "number": lambda cells, spec, column: V.parse_numbers(cells),
    "date": lambda cells, spec, column: V.parse_dates(cells),
    "category": _categories,
}


def _parse_columns(spec: SourceSpec, match: HeaderMatch, rows: list[list[Any]]
                   ) -> tuple[dict[str, list[Any]], list[tuple[int, str, Any, str]]]:
    records: dict[str, list[Any]] = {}
    problems: list[tuple[int, str, Any, str]] = []
    count = len(rows)
    width = max(match.columns.values(), default=-1) + 1
    padded = (row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in rows)
    columns = list(zip(*padded)) if count else [()] * width  # one transposition for all columns
    for name, column in spec.columns.items():
        position = match.columns.get(name)
        if position is None:
            records[name] = [None] * count
            continue
        cells = columns[position]
        parsed, bad = PARSERS[column.type](cells, spec, column)
        problems.extend((index, name, raw, reason) for index, raw, reason in bad)
        if column.required:
            problems.extend((index, name, cells[index], "missing_value")
                            for index, value in enumerate(parsed)
                            if value is None and V.is_empty(cells[index]))
        records[name] = parsed
    return records, problems
