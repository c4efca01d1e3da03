"""Vietnamese number and date formats: 7.026 · 97,76% · 09/12/2025."""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal

LOCALE = "vi_VN"


def integer(value: int | float | None) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0", locale=LOCALE)


def decimal(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * places, locale=LOCALE)


def percent(fraction: float | None, places: int = 2) -> str:
    return "–" if fraction is None else decimal(fraction * 100, places) + "%"


def date(value: dt.date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")
