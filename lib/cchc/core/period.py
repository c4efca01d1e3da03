"""A reporting period: the one reading of the period text (``2025``, ``2025-H1``, ``2025-Q3``,
``2025-07``), its days, the periods before it, and its words in the report.

``Period.parse("2025-Q3")`` is the only parser of that text; a malformed one raises
CchcError('bad_period'). ``str(period)`` gives the text back. The words (``năm 2025``,
``quý III năm 2025``) are data/report/document.yaml ``period_phrases``."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml

Kind = Literal["year", "half", "quarter", "month"]

_TEXT = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?")
_PARTS = {"year": 1, "half": 2, "quarter": 4, "month": 12}   # parts of a year, by kind
_MONTHS = {kind: 12 // parts for kind, parts in _PARTS.items()}  # months in one part


class PeriodPhrases(BaseModel):
    """data/report/document.yaml ``period_phrases``: a period in words, by its kind ({year},
    and {roman} for a quarter, {month} for a month)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: str
    H1: str   # the halves, as the period's text names them
    H2: str
    quarter: str
    month: str


@functools.lru_cache(maxsize=1)
def phrases() -> PeriodPhrases:
    return PeriodPhrases.model_validate(load_yaml("report/document.yaml")["period_phrases"])


@dataclass(frozen=True)
class Period:
    """One period: its ``year``, its ``kind`` and its ``number`` within the year (1 for a
    year; 1–2 halves, 1–4 quarters, 1–12 months)."""

    year: int
    kind: Kind = "year"
    number: int = 1

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """'2025' -> the year; '2025-H1'/'H2' -> a half; '2025-Q1'..'Q4' -> a quarter; '2025-07'
        -> a month. ``text`` may be an int (``papermill -p period 2025`` passes one)."""
        found = _TEXT.fullmatch(str(text))
        if not found:
            raise CchcError("bad_period", period=text)
        year, part = int(found[1]), found[2]
        if part is None:
            return cls(year)
        if part[0] == "H":
            return cls(year, "half", int(part[1]))
        if part[0] == "Q":
            return cls(year, "quarter", int(part[1]))
        return cls(year, "month", int(part))

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-{'H' if self.kind == 'half' else 'Q'}{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * _MONTHS[self.kind] + 1, 1)

    @property
    def last_day(self) -> dt.date:
        last = self.number * _MONTHS[self.kind]  # the last month
        return dt.date(self.year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)

    @property
    def previous(self) -> Period:
        """The period just before, of the same kind: 2025-H1 -> 2024-H2, 2025-Q3 -> 2025-Q2."""
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, _PARTS[self.kind])

    @property
    def year_before(self) -> Period:
        """The same period a year earlier: 2025-H2 -> 2024-H2."""
        return Period(self.year - 1, self.kind, self.number)

    @property
    def phrase(self) -> str:
        """The period in the report's words: 'năm 2025', '6 tháng đầu năm 2025', 'quý III năm
        2025', 'tháng 7 năm 2025' (data/report/document.yaml ``period_phrases``)."""
        words = phrases()
        if self.kind == "half":
            return (words.H1 if self.number == 1 else words.H2).format(year=self.year)
        if self.kind == "quarter":
            return words.quarter.format(year=self.year, roman=fmt.roman(self.number))
        if self.kind == "month":
            return words.month.format(year=self.year, month=self.number)
        return words.year.format(year=self.year)


__all__ = ["Period", "PeriodPhrases", "phrases"]
