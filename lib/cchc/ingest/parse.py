"""Parse one raw file into canonical rows, quarantined problems and an account of every row.

Nothing here knows about other files: deduplication across files is in cchc.ingest.run.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from cchc.config.sources import Column, SetAside, SourceSpec, date_bound
from cchc.core import fmt
from cchc.core.errors import CchcError, UnrecognisedFile
from cchc.core.text import match_key
from cchc.ingest import cells as V
from cchc.ingest.headers import HEADER_SCAN_ROWS, HeaderMatch, find_header, header_keys
from cchc.ingest.privacy import mask, mask_value
from cchc.ingest.readers import Table, read_table, read_tables
from cchc.ingest.row_rules import apply_row_rules

FOOTER_WORDS = ("tổng", "cộng")
_date_type = _dt.date
SOURCE_FILE = "source_file"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"
CHUNK_ROWS = 20_000   # data rows parsed at a time: a streamed csv is never held whole
# Reasons whose message names the column's bound ({limit}).
BOUND_REASONS = {"too_small": "min", "too_large": "max", "too_early": "min", "too_late": "max"}


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
    cleaned: dict[str, int] = field(default_factory=dict)  # header text -> cells cleaned of controls
    recognised: dict[str, Any] | None = None  # how a numbered table was recognised (cchc.ingest.numbered)
    records: dict[str, list[Any]] = field(default_factory=dict)  # canonical columns, valid rows

    def meta(self) -> dict[str, Any]:
        """Everything but the records, as asdict would give it (lists and dicts copied one
        level: asdict's deep copy of every quarantined item cost more than the parse)."""
        data: dict[str, Any] = {}
        for item in fields(self):
            if item.name == "records":
                continue
            value = getattr(self, item.name)
            if isinstance(value, FileAccount):
                value = asdict(value)
            elif isinstance(value, list):
                value = [dict(v) if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                value = dict(value)
            data[item.name] = value
        return data


def classify(specs: dict[str, SourceSpec], rows: list[list[Any]], display: str
             ) -> tuple[SourceSpec, HeaderMatch]:
    """The source whose key column heads the file and which recognises most of its columns."""
    found = []
    keys = header_keys(rows)
    for spec in specs.values():
        match = find_header(spec, rows, keys)
        if match is not None:
            found.append((len(match.columns), spec.kind, spec, match))
    if not found:
        keys = ", ".join(f"'{spec.columns[spec.key].header}'" for spec in specs.values())
        raise CchcError("unrecognised_file", file=display, keys=keys)
    found.sort(key=lambda item: (-item[0], item[1]))
    return found[0][2], found[0][3]


def _ascii_label(text: str) -> bool:
    """Non-blank ASCII text: never a footer's label, every FOOTER_WORDS being non-ASCII (the
    match key of ASCII text is ASCII), so no match key is computed for it (a key column's
    every cell would be a new one)."""
    return _FOOTER_WORDS_NON_ASCII and text.isascii() and not text.isspace() and text != ""


_FOOTER_WORDS_NON_ASCII = not any(word.isascii() for word in FOOTER_WORDS)


def _is_footer(row: list[Any], key: Any) -> bool:
    """A totals row: its first non-empty cell starts with "Tổng"/"Cộng" and the key column is
    empty or is that very cell (exports whose first column is the key put the label there)."""
    for cell in row:
        if not V.is_empty(cell):
            is_label = isinstance(cell, str) and match_key(cell).startswith(FOOTER_WORDS)
            return is_label and (V.is_empty(key) or cell is key)
    return False


_NUMBER_TEXT = re.compile(r"^\s*-?[\d.,]+\s*$")


def _holds_numbers(row: list[Any], key_index: int) -> bool:
    """Whether a row has a number beside its key and its first cell (a row of a table, not a
    line of the signature block under it)."""
    for index, cell in enumerate(row):
        if index in (0, key_index) or isinstance(cell, bool):
            continue
        if isinstance(cell, int | float) or (isinstance(cell, str) and _NUMBER_TEXT.match(cell)):
            return True
    return False


def _labelled(row: list[Any], key_index: int) -> list[Any]:
    """A total row kept as a row: its label ("Tổng cộng", wherever it stands) in the key column."""
    if key_index < len(row) and not V.is_empty(row[key_index]):
        return row
    label = next(str(cell).strip() for cell in row if not V.is_empty(cell))
    out = [*row, *([None] * (key_index + 1 - len(row)))]
    out[key_index] = label
    return out


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
        except UnrecognisedFile:
            ignored.append(table.sheet)
    return parsed, ignored


def _title_values(spec: SourceSpec, rows: list[list[Any]]) -> dict[str, Any]:
    """Values a source reads from its title rows (e.g. 'Đơn vị tính: triệu đồng', 'đến ngày …')."""
    if not spec.title_fields:  # most sources read none: their title rows are not keyed
        return {}
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
            values[name] = None if raw is None else mask(raw)
    return values


def _bounds(column: Column, today: _dt.date) -> tuple[Any, Any]:
    """A column's plausible range, dates resolved against the day of the run."""
    if column.type == "date":
        return (None if column.min is None else date_bound(column.min, today),
                None if column.max is None else date_bound(column.max, today))
    return column.min, column.max


def _shown_bound(column: Column, reason: str, today: _dt.date) -> str:
    bound = _bounds(column, today)[0 if BOUND_REASONS[reason] == "min" else 1]
    if isinstance(bound, _date_type):
        return fmt.date(bound)
    return fmt.integer(bound) if float(bound).is_integer() else str(bound).replace(".", ",")


def parse_table(table: Table, display: str, sha256: str, spec: SourceSpec | None,
                specs: dict[str, SourceSpec], today: _dt.date | None = None) -> ParsedFile:
    """One table: header found, every row accounted for, data rows parsed ``CHUNK_ROWS`` at a
    time as the rows stream in. ``today``: the day of the run (date bounds)."""
    today = today or _dt.date.today()
    stream = table.iter_rows()
    head = list(itertools.islice(stream, HEADER_SCAN_ROWS))
    # The rows where titles and the header are looked for, cleaned of control characters (a
    # header with a zero-width space is still its column); the data rows are cleaned, and
    # counted, column by column in _parse_chunk.
    scan = [[V.clean_text(cell) if type(cell) is str else cell for cell in row] for row in head]
    if spec is None:
        spec, match = classify(specs, scan, display)
    else:
        match = find_header(spec, scan)
        if match is None:
            raise CchcError("missing_column", file=display, column=spec.columns[spec.key].header,
                            aliases=", ".join(spec.names_for(spec.key)[1:]) or "—")
    for column in spec.columns.values():
        if column.required and column.name not in match.columns:
            raise CchcError("missing_column", file=display, column=column.header,
                            aliases=", ".join(column.aliases) or "—")

    account = FileAccount(title=match.row_index + 1 - match.rows, header=match.rows)
    key_index = match.columns[spec.key]
    records: dict[str, list[Any]] = {name: [] for name in spec.columns}
    problems: list[tuple[int, str, Any, str]] = []
    cleaned: dict[str, int] = {}  # canonical column -> cells cleaned of control characters
    data_numbers = array("q")  # the Excel row of each data row
    footer: dict[str, Any] | None = None
    # A source that keeps its total row (``totals``): the data rows that are total rows; after the
    # first one, a row without a number is its signature block (footer rows), a row with numbers
    # is data still (a total standing above the rows).
    totals = array("q") if spec.totals else None
    chunk: list[list[Any]] = []
    # The number of the row before the first data row: rows are numbered from table.first_row
    # (a JSON file's keys are row 0, so that its record N is row N).
    read = match.row_index + table.first_row
    for row in itertools.chain(head[match.row_index + 1:], stream):
        read += 1
        if totals:
            if all(V.is_empty(cell) for cell in row):
                account.blank += 1
                continue
            if not _holds_numbers(row, key_index):   # the signature block under the table
                account.footer += 1
                continue
            # a row of numbers after a total row: the total stood first (some systems put it on top)
        key = row[key_index] if key_index < len(row) else None
        first = row[0] if row else None
        # The common data row needs no test of every cell: a key, and another first cell, both
        # filled (the row is neither blank nor a footer, whose label is its first filled cell).
        # A key in the first column: an ASCII text key is data too (a footer's label starts
        # with a Vietnamese word, never an ASCII one: see _ascii_label).
        surely_data = ((first is not key and first is not None and key is not None
                        and not (isinstance(key, str) and not key.strip())
                        and not (isinstance(first, str) and not first.strip()))
                       or (first is key and type(key) is str and _ascii_label(key)))
        if not surely_data:
            if V.is_empty(key) and all(V.is_empty(cell) for cell in row):
                account.blank += 1
                continue
            if totals is not None and _is_footer(row, key):
                totals.append(len(data_numbers))
                row = _labelled(row, key_index)
            elif _is_footer(row, key):
                account.footer += 1
                if footer is None:
                    text = V.clean_text(next(str(c).strip() for c in row if not V.is_empty(c)))
                    footer = {"row": read, "text": mask(text), "declared": _declared_total(row)}
                continue
        chunk.append(row)
        data_numbers.append(read)
        if len(chunk) >= CHUNK_ROWS:
            _parse_chunk(spec, match, chunk, len(data_numbers) - len(chunk), records, problems, cleaned, today)
            chunk = []
    if chunk:
        _parse_chunk(spec, match, chunk, len(data_numbers) - len(chunk), records, problems, cleaned, today)
    chunk = []
    account.read = read + 1 - table.first_row
    account.data = len(data_numbers)

    warnings: list[tuple[int, str, Any, str]] = []
    if spec.row_rules:
        apply_row_rules(spec.row_rules, records, problems, warnings)

    quarantine = []
    bad_rows = set()
    for index, column, raw, reason in sorted(problems, key=lambda p: (p[0], p[1])):
        bad_rows.add(index)
        item = {"file": display, "sheet": table.sheet, "row": data_numbers[index],
                "column": mask(match.headers.get(column, column)), "value": mask_value(raw), "reason": reason}
        if reason in BOUND_REASONS and column in spec.columns:
            item["limit"] = _shown_bound(spec.columns[column], reason, today)
        elif reason == V.BAD_CATEGORY and column in spec.columns and spec.columns[column].vocab:
            item.update(_vocabulary_hint(spec, spec.columns[column].vocab))
            if hint := _code_hint(spec, spec.columns[column], match.headers.get(column)):  # outside its header's codes
                item.update(reason=BAD_CODE, codes=hint)
        quarantine.append(item)
    account.quarantined = len(bad_rows)
    keep = [i for i in range(len(data_numbers)) if i not in bad_rows] if bad_rows else None
    if keep is not None:
        records = {name: list(map(col.__getitem__, keep)) for name, col in records.items()}
        numbers = array("q", map(data_numbers.__getitem__, keep))
    else:
        numbers = data_numbers
    for name, value in _title_values(spec, scan[: match.row_index + 1 - match.rows]).items():
        records[name] = [value] * len(numbers)
    if totals is not None:
        marked = set(totals)
        records[spec.totals] = [index in marked for index in (keep if keep is not None else range(len(data_numbers)))]
    records[SOURCE_FILE] = [display] * len(numbers)
    records[SOURCE_SHEET] = [table.sheet] * len(numbers)
    records[SOURCE_ROW] = numbers.tolist()

    return ParsedFile(
        file=display, sha256=sha256, kind=spec.kind, sheet=table.sheet,
        header_row=match.row_index + 1, headers={name: mask(text) for name, text in match.headers.items()},
        unknown_columns=[mask(text) for text in match.unknown], personal_columns=match.personal,
        missing_columns=[col.header for c, col in spec.columns.items() if c not in match.columns],
        account=account, footer=footer, quarantine=quarantine,
        warnings=[{"file": display, "sheet": table.sheet, "row": data_numbers[i],
                   "column": mask(match.headers.get(c, c)), "value": mask_value(raw), "reason": reason}
                  for i, c, raw, reason in warnings if i not in bad_rows],
        cleaned={mask(match.headers.get(name, name)): count for name, count in cleaned.items()},
        recognised=match.recognised, records=records,
    )


def _vocabulary_hint(spec: SourceSpec, name: str) -> dict[str, str]:
    """What the message of an unknown category names: its vocabulary (the key of the parameter
    ``vocabularies`` that adds a label) and the vocabulary's codes."""
    return {"vocab": name, "codes": ", ".join(str(code) for code in spec.vocabulary(name)["values"])}


BAD_CODE = "bad_code"  # a value outside the coded values of its header (ColumnSpec.codes)


def _code_hint(spec: SourceSpec, column: Column, header: str | None) -> str:
    """The coded values of a header, with the labels of their codes: '1 (Trực tiếp), 2 (…)';
    "" for a header without codes."""
    labels = spec.vocabulary(column.vocab)["labels"]
    return ", ".join(f"{value} ({labels[code]})" for value, code in column.codes_for(header).items()
                     if not isinstance(code, SetAside))


Parsed = tuple[list[Any], list[V.Problem]]


def _categories(cells: Sequence[Any], spec: SourceSpec, column: Column, today: _dt.date,
                header: str | None = None) -> Parsed:
    """A category column; ``header``: the file's header of it, whose coded values apply
    (ColumnSpec.codes; a value set aside is quarantined with its reason)."""
    codes = {value: V.Bad(code.reason) if isinstance(code, SetAside) else code
             for value, code in column.codes_for(header).items()}
    return V.parse_categories(cells, spec.vocabulary(column.vocab), spec.labels_for(column.vocab), codes)


def _numbers(cells: Sequence[Any], spec: SourceSpec, column: Column, today: _dt.date) -> Parsed:
    return V.parse_numbers(cells, *_bounds(column, today))


def _dates(cells: Sequence[Any], spec: SourceSpec, column: Column, today: _dt.date) -> Parsed:
    return V.parse_dates(cells, *_bounds(column, today))


# Column type (cchc.config.sources.COLUMN_TYPES) -> parser of a column's cells.
PARSERS: dict[str, Callable[[Sequence[Any], SourceSpec, Column, _dt.date], Parsed]] = {
    "id": lambda cells, spec, column, today: V.parse_ids(cells),
    "text": lambda cells, spec, column, today: V.parse_texts(cells),
    "number": _numbers,
    "date": _dates,
    "category": _categories,
}


def _parse_chunk(spec: SourceSpec, match: HeaderMatch, rows: list[list[Any]], offset: int,
                 records: dict[str, list[Any]], problems: list[tuple[int, str, Any, str]],
                 cleaned: dict[str, int], today: _dt.date) -> None:
    """Parse ``rows`` (data rows ``offset``… of the table) column by column, appending the
    values to ``records``, the problems, with their row index, to ``problems`` and the number
    of cells cleaned of control characters (cells.strip_controls) to ``cleaned``."""
    count = len(rows)
    width = max(match.columns.values(), default=-1) + 1
    if count and min(map(len, rows)) < width:  # a workbook's rows are all as wide: csv's may not be
        rows = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in rows]
    columns = list(zip(*rows)) if count else [()] * width  # one transposition for all columns
    for name, column in spec.columns.items():
        position = match.columns.get(name)
        if position is None:
            records[name].extend([None] * count)
            continue
        cells, dirty = V.strip_controls(columns[position])
        if dirty:
            cleaned[name] = cleaned.get(name, 0) + dirty
        if column.codes:  # coded values of the header the file has
            parsed, bad = _categories(cells, spec, column, today, match.headers.get(name))
        else:
            parsed, bad = PARSERS[column.type](cells, spec, column, today)
        problems.extend((offset + index, name, raw, reason) for index, raw, reason in bad)
        if (column.required or column.filled) and None in parsed:
            flagged = {index for index, _, _ in bad}
            problems.extend((offset + index, name, cells[index], "missing_value")
                            for index, value in enumerate(parsed)
                            if value is None and index not in flagged and V.is_empty(cells[index]))
        records[name].extend(parsed)

