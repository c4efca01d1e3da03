"""Parse raw cell values column by column: dates, numbers, categories, text.

Every parser takes the raw cells of one column (as read from xlsx or csv) and returns the
parsed values plus a list of problems ``(index, raw value, reason key)``; reason keys are
messages in data/messages.yaml. Work is done once per distinct value, so columns with few
distinct values (statuses, channels, dates) are cheap whatever their length.

Whatever the column, a cell that is an Excel error (``#REF!``, ``#N/A``…, read from a workbook
as a ``Fault`` or written as text in a csv) or a formula saved without its value is a problem
showing the error; numbers and dates outside the column's plausible bounds are problems too;
text is masked of personal values (cchc.ingest.privacy), and a key that looks personal is a
problem (masking it could merge two keys).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cchc.config.sources import ingest_rules
from cchc.core import fmt
from cchc.core.text import match_key, normalize
from cchc.ingest.privacy import looks_personal, mask, personal_among, personal_in_number

Problem = tuple[int, Any, str]
_MISSING = object()
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_ERROR = "excel_error"
UNCACHED_FORMULA = "uncached_formula"
PERSONAL_VALUE = "personal_value"


@dataclass(frozen=True, slots=True)
class Fault:
    """A workbook cell that has no usable value: an error (``#REF!``) or a formula saved
    without its computed value (shown as ``=SUM(B2:B9)``). ``reason`` is a reason key."""

    shown: str
    reason: str

    def __str__(self) -> str:
        return self.shown


@dataclass(frozen=True, slots=True)
class Bad:
    """What a cell converter returns for a bad value whose reason is not the column's own."""

    reason: str


@functools.lru_cache(maxsize=1)
def _error_rules() -> tuple[frozenset[str], re.Pattern[str]]:
    rules = ingest_rules()
    return frozenset(rules.excel_errors), re.compile(rules.error_pattern)


_ERROR_STARTS = ("#", "Err:", " ")  # how the text of an error value may start


def excel_error(value: Any) -> bool:
    """Text that is an Excel (or LibreOffice) error value: '#REF!', '#N/A', 'Err:502'."""
    if type(value) is not str or not value.startswith(_ERROR_STARTS):
        return False
    errors, pattern = _error_rules()
    text = value.strip()
    return text in errors or pattern.match(text) is not None


def fault_of(value: Any) -> Bad | None:
    """The problem of a cell that has no value at all (an Excel error, an uncached formula)."""
    if type(value) is Fault:
        return Bad(value.reason)
    if excel_error(value):
        return Bad(EXCEL_ERROR)
    return None

# Characters that are never text and that XML (hence the Word and Excel writers) refuses:
# the C0 controls but tab, line feed and carriage return, DEL and the C1 controls, the
# zero-width characters and the byte order mark, the two non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\ufffe\uffff]")
# Of those, the ones that separate words (vertical tab, form feed, the information
# separators, next line): a space, so that the words on either side stay apart.
_CONTROL_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")


def clean_text(text: str) -> str:
    """``text`` without the characters of _CONTROL (a word-separating one becomes a space)."""
    return _CONTROL.sub("", _CONTROL_SPACE.sub(" ", text))


def strip_controls(cells: Sequence[Any]) -> tuple[Sequence[Any], int]:
    """The cells of one column with every text cleaned of control and zero-width characters
    (clean_text), and how many cells were cleaned. The texts are tested at once, joined: a
    column without such a character (nearly every one) is returned as it is, cell by cell
    work being left to the rare column that has one."""
    kinds = set(map(type, cells))
    if str not in kinds:
        return cells, 0
    if kinds <= _TEXT_KINDS:  # a csv's column, or a workbook's text one: joined without a Python step
        joined = "".join(filter(None, cells))
    else:
        joined = "".join([cell for cell in cells if type(cell) is str])
    if joined.isprintable() or _CONTROL.search(joined) is None:  # every character of _CONTROL is unprintable
        return cells, 0
    dirty = {cell: clean_text(cell) for cell in dict.fromkeys(cells)
             if type(cell) is str and _CONTROL.search(cell) is not None}
    count = sum(map(dirty.__contains__, cells))
    return [dirty.get(cell, cell) for cell in cells], count


_TEXT_KINDS = frozenset({str, type(None)})


_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$")
# yyyyMMddHHmmss, the national portal's dates (raw-exports.md §7): 20250715083000.
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")
_COMPACT_LOW, _COMPACT_HIGH = 10**13, 10**14  # that form as a JSON integer
# A time with an offset (ISO 8601 "…T08:30:00+07:00", "…Z") is read in Vietnam's time.
_LOCAL = dt.timezone(dt.timedelta(hours=7))
_VN_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@functools.lru_cache(maxsize=8192)
def _date_from_text(text: str) -> dt.date | None:
    """The day a text names (dd/mm/yyyy or yyyy-mm-dd, a valid time of day after it allowed,
    ISO 8601's "T" and offset too; or yyyyMMddHHmmss), or None. Cached: the texts of a period's
    days recur in every column and every commune."""
    text = text.strip()
    if found := _COMPACT.match(text):
        if int(found[4]) > 23 or int(found[5]) > 59 or int(found[6]) > 59:
            return None
        return _date(int(found[1]), int(found[2]), int(found[3]))
    date_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    time_part = time_part.strip()
    if time_part:
        found = _TIME.match(time_part)
        if not found:
            return None
        hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        if found[4] and _YMD.match(date_part):  # an offset: the day in Vietnam's time
            try:
                moment = dt.datetime.fromisoformat(f"{date_part} {time_part}".replace("Z", "+00:00"))
            except ValueError:
                return None
            return _date(*moment.astimezone(_LOCAL).timetuple()[:3])
    if found := _DMY.match(date_part):
        day, month, year = int(found[1]), int(found[2]), int(found[3])
    elif found := _YMD.match(date_part):
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    else:
        return None
    return _date(year, month, day)


@functools.lru_cache(maxsize=100_000)
def _date(year: int, month: int, day: int) -> dt.date | None:
    """One object per day (a million rows name a few hundred days), or None if impossible."""
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
    if type(value) in (int, float) and _COMPACT_LOW <= value < _COMPACT_HIGH and value == int(value):
        value = str(int(value))  # yyyyMMddHHmmss as a number (JSON, or a workbook's number cell)
    elif isinstance(value, int | float):
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
        return _MISSING if value != value or value in (float("inf"), float("-inf")) else value
    if not isinstance(value, str):
        return _MISSING
    text = value.replace("\u00a0", "").replace(" ", "").rstrip("%")
    if _VN_NUMBER.match(text):
        whole = text.replace(".", "").replace(",", ".")
        return float(whole) if "." in whole else int(whole)
    if _PLAIN_DECIMAL.match(text):  # "87.5": a lone decimal point, not a thousands group
        return float(text)
    return _MISSING


def _plain_text(value: Any) -> str | None:
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


def text_value(value: Any) -> str | None:
    """Text cell -> normalised text, personal values masked; numbers that are whole print
    without '.0'."""
    text = _plain_text(value)
    return None if text is None else mask(text)


def _text_cell(value: Any) -> Any:
    return fault_of(value) or text_value(value)


def _map_distinct(cells: Sequence[Any], convert: Callable[[Any], Any], reason: str
                  ) -> tuple[list[Any], list[Problem]]:
    """``convert`` returns the value, _MISSING (a bad value: ``reason``) or a Bad (its own).

    Each distinct cell is converted once (the first of equal cells, as it comes), then the
    column is mapped through the results without a Python step per cell."""
    if bool in set(map(type, cells)):  # True == 1 == 1.0 share a hash: cell by cell
        return _map_each(cells, convert, reason)
    results = {cell: convert(cell) for cell in dict.fromkeys(cells)}
    bad = {cell: result for cell, result in results.items() if result is _MISSING or type(result) is Bad}
    if not bad:
        return list(map(results.__getitem__, cells)), []
    for cell in bad:
        results[cell] = None
    problems = [(index, cell, reason if bad[cell] is _MISSING else bad[cell].reason)
                for index, cell in enumerate(cells) if cell in bad]
    return list(map(results.__getitem__, cells)), problems


def _map_each(cells: Sequence[Any], convert: Callable[[Any], Any], reason: str
              ) -> tuple[list[Any], list[Problem]]:
    """_map_distinct for a column holding booleans (kept apart from the equal numbers)."""
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
        elif type(result) is Bad:
            problems.append((index, cell, result.reason))
            append(None)
        else:
            append(result)
    return out, problems


def _bounded(convert: Callable[[Any], Any], low: Any, high: Any, reasons: tuple[str, str]
             ) -> Callable[[Any], Any]:
    """``convert``, then values below ``low`` or above ``high`` (None: no bound) are Bad."""
    def check(cell: Any) -> Any:
        result = fault_of(cell) or convert(cell)
        if result is None or result is _MISSING or type(result) is Bad:
            return result
        if low is not None and result < low:
            return Bad(reasons[0])
        if high is not None and result > high:
            return Bad(reasons[1])
        return result
    return check


# A day's text and a time after one space: the common text form of a date cell with its time.
_DAY_AND_TIME = re.compile(r"(\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{1,2}-\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?")


def _by_day(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` (a date cell's check), computed once a day for the cells that differ only by
    the time of day: an Excel serial number (float) converts as its whole days, a text of a
    day and a time as the day's text when the time is valid (else it is bad, as
    _date_from_text says). Other cells are converted as they are."""
    days: dict[Any, Any] = {}

    def check(cell: Any) -> Any:
        kind = type(cell)
        if (kind is int or kind is float) and _COMPACT_LOW <= cell < _COMPACT_HIGH and cell == int(cell):
            cell, kind = str(int(cell)), str  # yyyyMMddHHmmss as a number
        if kind is float and 1 <= cell < 2958466:  # NaN and out of range: converted as they are
            day: Any = int(cell)
        elif kind is str and len(cell) == 14 and cell.isdigit():  # yyyyMMddHHmmss: once a day
            if int(cell[8:10]) > 23 or int(cell[10:12]) > 59 or int(cell[12:]) > 59:
                return _MISSING
            day = cell[:8] + "000000"
        elif kind is str and (found := _DAY_AND_TIME.fullmatch(cell)) is not None:
            if int(found[2]) > 23 or int(found[3]) > 59 or int(found[4] or 0) > 59:  # as _date_from_text
                return _MISSING
            day = found[1]
        else:
            return convert(cell)
        try:
            return days[day]
        except KeyError:
            result = days[day] = convert(day)
            return result
    return check


def parse_dates(cells: Sequence[Any], low: dt.date | None = None, high: dt.date | None = None
                ) -> tuple[list[dt.date | None], list[Problem]]:
    """Dates; ``low``/``high``: the plausible ones (a date outside is 'too_early'/'too_late')."""
    convert = _by_day(_bounded(parse_date, low, high, ("too_early", "too_late")))
    # Excel date cells are mostly distinct (times to the minute): convert them directly and
    # leave the distinct-value cache to the text forms.
    if any(type(cell) is dt.datetime for cell in cells):
        direct = [cell.date() if type(cell) is dt.datetime else cell for cell in cells]
        return _map_distinct(direct, convert, "bad_date")
    return _map_distinct(cells, convert, "bad_date")


def _id_text(cell: Any) -> str | None:
    """A key cell's text: plain ASCII without spaces is already normal."""
    if type(cell) is str and cell.isascii() and cell.isprintable() and " " not in cell and cell:
        return cell
    return None if type(cell) is Fault else _plain_text(cell)


def _plain_keys(distinct: list[Any]) -> bool:
    """Whether every cell is text that _id_text keeps as it is (ASCII, printable, without
    spaces, not empty) and no Excel error (none starts with '#' or 'Err:'): tested on the
    texts joined, not cell by cell."""
    if set(map(type, distinct)) != {str} or not all(distinct):
        return False
    plain = "".join(distinct)
    if not (plain.isascii() and plain.isprintable() and " " not in plain):
        return False
    joined = "\n" + "\n".join(distinct)  # each cell after a line break (none holds one: printable)
    return not any("\n" + start in joined for start in _ERROR_STARTS)


def parse_ids(cells: Sequence[Any]) -> tuple[list[str | None], list[Problem]]:
    """Key-like text (dossier ids, procedure codes), each distinct cell read once. A key that
    is an Excel error or looks personal is a problem (its personal test is run over all the
    keys at once: privacy.personal_among)."""
    if bool in set(map(type, cells)):  # True == 1 share a hash but not a text: cell by cell
        return _parse_ids_each(cells)
    distinct = list(dict.fromkeys(cells))
    if _plain_keys(distinct):  # each cell its own text: only the personal test is left
        personal = personal_among(distinct)
        if not personal:
            return list(cells), []
        return ([None if cell in personal else cell for cell in cells],
                [(index, cell, PERSONAL_VALUE) for index, cell in enumerate(cells) if cell in personal])
    texts = [_id_text(cell) for cell in distinct]
    reasons = [bad.reason if (bad := fault_of(cell)) is not None else None for cell in distinct]
    personal = personal_among([t for t, r in zip(texts, reasons) if r is None and t is not None])
    values, bad = {}, {}
    for cell, text, reason in zip(distinct, texts, reasons):
        if reason is None and text is not None and text in personal:
            reason = PERSONAL_VALUE
        if reason is None:
            values[cell] = text
        else:
            values[cell], bad[cell] = None, reason
    problems = [(index, cell, bad[cell]) for index, cell in enumerate(cells) if cell in bad] if bad else []
    return list(map(values.__getitem__, cells)), problems


def _parse_ids_each(cells: Sequence[Any]) -> tuple[list[str | None], list[Problem]]:
    """parse_ids cell by cell (a column holding booleans)."""
    out: list[str | None] = []
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        value = _id_text(cell)
        bad = fault_of(cell)
        if bad is None and value is not None and looks_personal(value):
            bad = Bad(PERSONAL_VALUE)
        if bad is not None:
            problems.append((index, cell, bad.reason))
            value = None
        out.append(value)
    return out, problems


def _number_cell(value: Any) -> Any:
    if type(value) is str and personal_in_number(value):
        return Bad(PERSONAL_VALUE)
    return parse_number(value)


def parse_numbers(cells: Sequence[Any], low: float | None = None, high: float | None = None
                  ) -> tuple[list[float | int | None], list[Problem]]:
    """Numbers; ``low``/``high``: the plausible ones (a number outside is 'too_small'/'too_large')."""
    return _map_distinct(cells, _bounded(_number_cell, low, high, ("too_small", "too_large")), "bad_number")


def parse_texts(cells: Sequence[Any]) -> tuple[list[str | None], list[Problem]]:
    return _map_distinct(cells, _text_cell, "bad_text")


BAD_CATEGORY = "bad_category"   # the reason of a value outside its vocabulary


def category_lookup(vocabulary: dict[str, Any], extra: dict[str, list[str]] | None = None
                    ) -> dict[str, Any]:
    """Label match key -> canonical code, from a vocabulary of data/vocab.yaml."""
    lookup: dict[str, Any] = {}
    for code, labels in vocabulary["values"].items():
        for label in [*labels, *(extra or {}).get(str(code), [])]:
            lookup[match_key(str(label))] = code
    return lookup


def parse_categories(cells: Sequence[Any], vocabulary: dict[str, Any],
                     extra: dict[str, list[str]] | None = None, codes: dict[str, Any] | None = None
                     ) -> tuple[list[Any], list[Problem]]:
    """Categories; ``codes``: the coded values of the file's header (value's match key -> code,
    or a Bad: the row is set aside), before the vocabulary's labels; its "" is the code of an
    empty cell under that header (else the vocabulary's ``empty``)."""
    lookup = category_lookup(vocabulary, extra)
    if codes:
        lookup.update(codes)
    empty = (codes or {}).get("", vocabulary.get("empty"))

    def convert(cell: Any) -> Any:
        if is_empty(cell):
            return empty
        if (bad := fault_of(cell)) is not None:
            return bad
        if isinstance(cell, bool):
            cell = str(cell)
        elif isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        return lookup.get(match_key(str(cell)), _MISSING)

    return _map_distinct(cells, convert, BAD_CATEGORY)
