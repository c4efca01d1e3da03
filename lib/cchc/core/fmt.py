"""Every way a value is shown to people, in Vietnamese conventions (babel, locale vi_VN):
7.026 · 97,76% · 100% · 09/12/2025 · 09/12/2025 08:30 · quý III · chart axis ticks."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

LOCALE = "vi_VN"
DATE = "%d/%m/%Y"                 # the one date format of every text, message and listing
DATE_TIME = "%d/%m/%Y %H:%M"
MISSING = "–"
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


@functools.lru_cache(maxsize=None)
def _number_format(pattern: str) -> tuple[NumberPattern, Locale]:
    return parse_pattern(pattern), Locale.parse(LOCALE)


def format_decimal(value: int | float | Decimal, format: str, locale: str = LOCALE) -> str:
    """babel.numbers.format_decimal with the pattern and the locale parsed once (a report formats
    a few thousand numbers)."""
    pattern, parsed = _number_format(format) if locale == LOCALE else (parse_pattern(format), Locale.parse(locale))
    return pattern.apply(value, parsed)


def integer(value: int | float | None) -> str:
    return MISSING if value is None else _integer(type(value), value)


@functools.lru_cache(maxsize=4096)
def _integer(kind: type, value: int | float) -> str:
    """A report shows the same counts again and again (its text, its forms, the annex); the
    type is in the key, as 1 and 1.0 are one key to a cache."""
    return format_decimal(value, format="#,##0", locale=LOCALE)


def decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return MISSING
    return format_decimal(value, format="#,##0." + "0" * places, locale=LOCALE)


def amount(value: int | float | None) -> str:
    """A whole number with thousands dots, else as many decimals as it has (7.026 · 87,5)."""
    if value is None:
        return MISSING
    if float(value).is_integer():
        return integer(int(value))
    return format_decimal(value, format="#,##0.######", locale=LOCALE)


def plain(value: int | float) -> str:
    """A number as a cell of a listing or CSV: no thousands separator, every decimal, a decimal
    comma (Excel with Vietnamese settings reads it as a number): 7026 · 87,5 · 0,125."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")


def percent(fraction: float | None, places: int = 2) -> str:
    """97,76% · a whole percentage without decimals: 100% and 50%, never 100,00%. A rate that
    only rounds to a whole number keeps its decimals (99,999...% -> 100,00% is not 100%)."""
    if fraction is None:
        return MISSING
    hundred = fraction * 100
    whole = round(hundred)
    if abs(hundred - whole) < 1e-9:
        return integer(whole) + "%"
    return decimal(hundred, places) + "%"


def date(value: dt.date | None) -> str:
    return "" if value is None else value.strftime(DATE)


def date_or_time(value: Any) -> str:
    """A date as dd/mm/yyyy, a moment with a time of day as dd/mm/yyyy hh:mm."""
    if isinstance(value, dt.datetime):
        return value.strftime(DATE if value.time() == dt.time() else DATE_TIME)
    return date(value)


def iso_date(text: str | dt.date) -> str:
    """'2025-12-04' (or a longer ISO stamp) -> '04/12/2025'."""
    return date(dt.date.fromisoformat(str(text)[:10]))


def roman(number: int) -> str:
    """4 -> 'IV' (parts of the outline, quarters)."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def axis_integer(value: float, _position: Any = None) -> str:
    """A chart axis tick or bar label: whole, thousands dots (matplotlib formatter)."""
    return integer(round(value))
