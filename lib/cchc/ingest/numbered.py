"""Tables whose header is several merged levels above a row of column numbers "(1) (2) … (13)":
the one-stop system's statistics of form 06a (raw-exports.md §7, data/sources/tthc_stats.yaml
``numbered``).

Such a table is recognised by a title row holding one of the source's ``title_words``. Its
columns are found by their numbers in the row of column numbers; without that row (or for a
number it lacks) by their words: the words of every merged level above the column, joined. A
merged cell is read as its first cell only (the readers give the others empty), so a level's
empty cell takes the text on its left when both stand under the same cells of the levels above
(they are one merged cell); a cell under a vertical merge stays empty.
"""

from __future__ import annotations

import re
from typing import Any

from cchc.core.text import match_key

NUMBER_CELL = re.compile(r"^\(\s*(\d{1,2})\s*\)$|^(\d{1,2})$")
LETTER_CELL = re.compile(r"^\(?\s*[A-Za-z]\s*\)?$")   # "A", "(B)": columns lettered, not numbered
NUMBER_LIKE = re.compile(r"^\s*[-+]?[\d.,\s]*\d[\d.,\s]*$")
MIN_NUMBERS = 5     # numbered cells a row of column numbers has at least
HEADER_LEVELS = 4   # merged levels of the header, at most


def _text(cell: Any) -> str | None:
    return " ".join(cell.split()) if isinstance(cell, str) and cell.strip() else None


def _number(cell: Any) -> int | None:
    """The column number a cell states: "(3)", "3" or 3."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int) or (isinstance(cell, float) and cell.is_integer()):
        return int(cell)
    found = NUMBER_CELL.match(cell.strip()) if isinstance(cell, str) else None
    return None if found is None else int(found.group(1) or found.group(2))


def numbers_row(row: list[Any]) -> dict[int, int] | None:
    """Column number -> position, when ``row`` is a row of column numbers: every filled cell a
    number, at least MIN_NUMBERS of them, each number k at position k + a constant."""
    found: dict[int, int] = {}
    for position, cell in enumerate(row):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        number = _number(cell)
        if number is None or number in found:
            return None
        found[number] = position
    if len(found) < MIN_NUMBERS or len({position - number for number, position in found.items()}) != 1:
        return None
    return found


def marks_row(row: list[Any]) -> bool:
    """A row that numbers or letters the columns ("(1) (2) …", "A B 1 2 …"): every filled cell a
    number or a letter, at least MIN_NUMBERS of them. Only one of numbers in order (``numbers_row``)
    finds the columns; another is a row of the header."""
    filled = [cell for cell in row if not (cell is None or (isinstance(cell, str) and not cell.strip()))]
    return len(filled) >= MIN_NUMBERS and all(
        _number(cell) is not None or (isinstance(cell, str) and LETTER_CELL.match(cell.strip())) for cell in filled)


def _holds(key: str, alternatives: list[list[str]]) -> bool:
    """Whether the match key ``key`` holds every phrase of one of ``alternatives``."""
    return any(all(match_key(phrase) in key for phrase in phrases) for phrases in alternatives)


def _numeric(row: list[Any]) -> bool:
    """A row with a number in it: a data row, never a header's."""
    return any((isinstance(c, int | float) and not isinstance(c, bool))
               or (isinstance(c, str) and NUMBER_LIKE.match(c) is not None) for c in row)


def levels(block: list[list[Any]]) -> list[list[str]]:
    """Each column's texts from the top level down (the merged cells spread: see the module)."""
    width = max((j + 1 for row in block for j, cell in enumerate(row) if _text(cell)), default=0)
    grid = [[_text(row[j]) if j < len(row) else None for j in range(width)] for row in block]
    filled: list[list[str | None]] = []
    for level, row in enumerate(grid):
        line: list[str | None] = []
        for j, text in enumerate(row):
            if text is None and j and line[j - 1] is not None and all(
                    filled[up][j] == filled[up][j - 1] for up in range(level)):
                text = line[j - 1]
            line.append(text)
        filled.append(line)
    return [[filled[level][j] for level in range(len(filled)) if filled[level][j]] for j in range(width)]


def _title(rows: list[list[Any]], words: list[str]) -> str | None:
    keys = [match_key(word) for word in words]
    for row in rows:
        for cell in row:
            text = _text(cell)
            if text and any(key in match_key(text) for key in keys):
                return text
    return None


def _header_top(rows: list[list[Any]], alternatives: list[list[str]], end: int) -> int | None:
    """The first row before ``end`` with a cell holding the key column's words by itself."""
    for index, row in enumerate(rows[:end]):
        if any(_text(cell) and _holds(match_key(_text(cell)), alternatives) for cell in row):
            return index
    return None


def locate(spec, rows: list[list[Any]]) -> dict[str, Any] | None:
    """The header of a numbered table of ``spec`` among ``rows`` (the first rows of a table), as
    the fields of cchc.ingest.headers.HeaderMatch (but ``personal``), or None: no title row with
    the source's words, or its key column not found."""
    layout = spec.numbered
    key_words = layout.columns[spec.key].words
    numbers_at = next((i for i, row in enumerate(rows) if marks_row(row)), None)
    if numbers_at is not None:
        top = _header_top(rows, key_words, numbers_at)
        if top is None or numbers_at - top > HEADER_LEVELS:
            top = numbers_at
        end = numbers_at            # the header's levels: rows top … end - 1; then the numbers
    else:
        top = _header_top(rows, key_words, len(rows))
        if top is None:
            return None
        end = top + 1
        while end < min(len(rows), top + HEADER_LEVELS) and not _numeric(rows[end]):
            end += 1
    title = _title(rows[:top], layout.title_words)
    if title is None:
        return None
    paths = levels(rows[top:end])
    by_number = (numbers_row(rows[numbers_at]) or {}) if numbers_at is not None else {}
    columns: dict[str, int] = {}
    for name, column in layout.columns.items():
        if column.number in by_number:
            columns[name] = by_number[column.number]
    used = set(columns.values())
    for position, path in enumerate(paths):
        if position in used or not path:
            continue
        key = match_key(" ".join(path))
        name = next((n for n, c in layout.columns.items() if n not in columns and _holds(key, c.words)), None)
        if name is not None:
            columns[name] = position
            used.add(position)
    if spec.key not in columns or (not by_number and len(columns) < layout.min_columns) or (
            numbers_at is not None and top == numbers_at and not by_number):
        return None
    number_of = {position: number for number, position in by_number.items()}

    def shown(position: int, name: str | None) -> str:
        number = layout.columns[name].number if name else number_of.get(position)
        words = " — ".join(paths[position]) if position < len(paths) and paths[position] else ""
        return " ".join(part for part in (f"({number})" if number else "", words) if part)

    headers = {name: shown(position, name) for name, position in columns.items()}
    width = max(len(paths), *(p + 1 for p in number_of), 0) if number_of else len(paths)
    unknown = [shown(position, None) for position in range(width)
               if position not in used and ((position < len(paths) and paths[position]) or position in number_of)]
    row_index = end if numbers_at is not None else end - 1
    return {"row_index": row_index, "columns": columns, "headers": headers, "unknown": unknown,
            "rows": row_index - top + 1,
            "recognised": {"title": title, "by": "numbers" if by_number else "words",
                           "header_rows": [top + 1, row_index + 1]}}
