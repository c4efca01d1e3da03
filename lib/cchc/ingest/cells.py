"""Parse raw cell values column by column: dates, numbers, categories, text.

Every parser takes the raw cells of one column (as read from xlsx or csv) and returns the
parsed values plus a list of problems ``(index, raw value, reason key)``; reason keys are
messages in data/messages.yaml. Work is done once per distinct value, so columns with few
distinct values (statuses, channels, dates) are cheap whatever their length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from cchc.core import fmt
from cchc.core.text import match_key, normalize

Problem = tuple[int, Any, str]
_MISSING = object()
EXCEL_EPOCH = dt.date(1899, 12, 30)

_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_VN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _date_from_text(text: str) -> dt.date | None:
    text = text.strip()
    date_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    time_part = time_part.strip()
    if time_part:
        found = _TIME.match(time_part)
        if not found:
            return None
        hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
    if found := _DMY.match(date_part):
        day, month, year = int(found[1]), int(found[2]), int(found[3])
    elif found := _YMD.match(date_part):
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date | None | object:
    """One cell -> date, None (empty) or _MISSING-like sentinel for a bad value."""
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return _MISSING
    if isinstance(value, int | float):
        if value != value or not 1 <= value < 2958466:  # NaN or outside Excel's range
            return _MISSING
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    if isinstance(value, str):
        parsed = _date_from_text(value)
        return _MISSING if parsed is None else parsed
    return _MISSING


def parse_number(value: Any) -> float | int | None | object:
    """One cell -> number, None (empty) or _MISSING for a bad value. Vietnamese style text."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return _MISSING
    if isinstance(value, int | float):
        return value
    if not isinstance(value, str):
        return _MISSING
    text = value.replace("\u00a0", "").replace(" ", "").rstrip("%")
    if _VN_NUMBER.match(text):
        whole = text.replace(".", "").replace(",", ".")
        return float(whole) if "." in whole else int(whole)
    if _PLAIN_DECIMAL.match(text):  # "87.5": a lone decimal point, not a thousands group
        return float(text)
    return _MISSING


def text_value(value: Any) -> str | None:
    """Text cell -> normalised text; numbers that are whole print without '.0'."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime | dt.date):
        value = fmt.date(value)
    text = str(value)
    if text.isascii():
        return " ".join(text.split())
    return normalize(text)


def _map_distinct(cells: Sequence[Any], convert: Callable[[Any], Any], reason: str
                  ) -> tuple[list[Any], list[Problem]]:
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    problems: list[Problem] = []
    append = out.append
    for index, cell in enumerate(cells):
        if type(cell) is bool:  # True == 1 == 1.0 share a hash: keep them apart
            result = convert(cell)
        else:
            try:
                result = cache[cell]
            except KeyError:
                result = cache[cell] = convert(cell)
        if result is _MISSING:
            problems.append((index, cell, reason))
            append(None)
        else:
            append(result)
    return out, problems


def parse_dates(cells: Sequence[Any]) -> tuple[list[dt.date | None], list[Problem]]:
    # Excel date cells are mostly distinct (times to the minute): convert them directly and
    # leave the distinct-value cache to the text forms.
    if any(type(cell) is dt.datetime for cell in cells):
        direct = [cell.date() if type(cell) is dt.datetime else cell for cell in cells]
        return _map_distinct(direct, parse_date, "bad_date")
    return _map_distinct(cells, parse_date, "bad_date")


def parse_ids(cells: Sequence[Any]) -> tuple[list[str | None], list[Problem]]:
    """Key-like text (dossier ids, procedure codes): mostly distinct, so no cache; plain ASCII
    without spaces is already normal."""
    out: list[str | None] = []
    append = out.append
    for cell in cells:
        if type(cell) is str and cell.isascii() and cell.isprintable() and " " not in cell and cell:
            append(cell)
        else:
            append(text_value(cell))
    return out, []


def parse_numbers(cells: Sequence[Any]) -> tuple[list[float | int | None], list[Problem]]:
    return _map_distinct(cells, parse_number, "bad_number")


def parse_texts(cells: Sequence[Any]) -> tuple[list[str | None], list[Problem]]:
    return _map_distinct(cells, text_value, "bad_text")


def category_lookup(vocabulary: dict[str, Any], extra: dict[str, list[str]] | None = None
                    ) -> dict[str, Any]:
    """Label match key -> canonical code, from a vocabulary of data/vocab.yaml."""
    lookup: dict[str, Any] = {}
    for code, labels in vocabulary["values"].items():
        for label in [*labels, *(extra or {}).get(str(code), [])]:
            lookup[match_key(str(label))] = code
    return lookup


def parse_categories(cells: Sequence[Any], vocabulary: dict[str, Any],
                     extra: dict[str, list[str]] | None = None
                     ) -> tuple[list[Any], list[Problem]]:
    lookup = category_lookup(vocabulary, extra)
    empty = vocabulary.get("empty")

    def convert(cell: Any) -> Any:
        if is_empty(cell):
            return empty
        if isinstance(cell, bool):
            cell = str(cell)
        elif isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        return lookup.get(match_key(str(cell)), _MISSING)

    return _map_distinct(cells, convert, "bad_category")
