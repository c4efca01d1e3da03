"""Public finance figures (report section 5.1): budget execution and public investment
disbursement, pure functions of the processed `budget` and `investment` tables.

Money is in triệu đồng, converted from the unit stated in each table's title rows (data:
``money_units`` in data/figures/finance.yaml), computed exactly (fractions) and kept as an
int when whole. Rates are built here rather than with ``registry.rate()`` (which casts to
int): their numerator and denominator are the amounts in triệu đồng, ints when whole.
Every figure carries ``extra["as_of"]`` (ISO date) when the export states its date; a budget
figure also ``extra["since"]``, the first day of its year (its data run from 01/01).
``rows_of`` selects the rows each figure is read from or sums (cchc.figures.provenance).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from cchc.config.figures import FigureFile, FigureMeta, figure_definitions
from cchc.core.resources import load_yaml
from cchc.core.text import match_key
from cchc.figures.provenance import Selection, every_row
from cchc.figures.registry import Figure
from cchc.figures.tthc import file_codes
from cchc.ingest.cells import category_lookup
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET

SECTION = "finance"
BUDGET_CODES = ("revenue", "spending")
BUDGET_AMOUNTS = ("estimate", "to_date", "forecast")
BUDGET_RATES = {"rate_to_date": ("to_date", "estimate"), "rate_forecast": ("forecast", "estimate")}
# finance.investment.<name>: the columns summed over the project rows (a value, a value minus
# another, or a rate of two sums), and the as-of date the figure carries.
INVESTMENT = {
    "allocated": ({"value": "allocated"}, "allocated_as_of"),
    "disbursed": ({"value": "disbursed"}, "disbursed_as_of"),
    "remaining": ({"value": "allocated", "minus": "disbursed"}, "disbursed_as_of"),
    "rate_disbursed": ({"numerator": "disbursed", "denominator": "allocated"}, "disbursed_as_of"),
}
UNIT = "unit"   # the column of each row's money unit (read from the title rows)
_NUMBERING = re.compile(r"^(?:(?:[a-zđ]|[ivxlc]+)\s*[.)/-]|\d+(?:\.\d+)*\s*[.)/-]?)\s*")
_TRAILING = re.compile(r"(?:\s+năm \d{4})?(?:\s*\([^()]*\))?[\s:*]*$")

Number = int | float


def line_key(text: Any) -> str:
    """A budget line label as matched against the vocabulary: numbering, a trailing year, bracket
    and colon removed ('A. TỔNG THU NGÂN SÁCH XÃ NĂM 2025 (I+II):' -> 'tổng thu ngân sách xã')."""
    key = match_key(str(text))
    return _TRAILING.sub("", _NUMBERING.sub("", key, count=1), count=1)


def _scale(unit: Any, scales: dict[str, str]) -> Fraction:
    """Multiplier to triệu đồng of a unit read from the title rows (no unit: already triệu đồng)."""
    return Fraction(1) if unit is None or pd.isna(unit) else Fraction(scales[match_key(str(unit))])


def _number(value: Fraction) -> Number:
    return int(value) if value.denominator == 1 else float(value)


def _million(value: Any, unit: Any, scales: dict[str, str]) -> Fraction | None:
    """An amount in the table's unit -> triệu đồng (exact), or None when the cell is empty."""
    if value is None or pd.isna(value):
        return None
    return Fraction(repr(float(value))) * _scale(unit, scales)  # the decimal as written


def _iso(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _figure(figure_id: str, value: Fraction, meta: FigureMeta, sources: list[dict[str, Any]],
            extra: dict[str, Any]) -> Figure:
    return Figure(id=figure_id, value=_number(value), unit=meta.unit, label=meta.label,
                  definition=meta.definition, sources=sources, extra=dict(extra))


def _rate(figure_id: str, numerator: Fraction, denominator: Fraction, meta: FigureMeta,
          sources: list[dict[str, Any]], extra: dict[str, Any]) -> Figure:
    value = float(numerator / denominator) if denominator else None
    return Figure(id=figure_id, value=value, unit=meta.unit, label=meta.label,
                  definition=meta.definition, sources=sources, numerator=_number(numerator),
                  denominator=_number(denominator), extra=dict(extra))


def budget_figures(budget: pd.DataFrame, spec: FigureFile, hashes: dict[str, str]) -> list[Figure]:
    """finance.revenue.* and finance.spending.*: each from the known line of the latest report."""
    meta, scales = spec.figures, spec.money_units
    as_of = _budget_as_of(budget)
    figures: list[Figure] = []
    for code, chosen in budget_line_rows(budget).items():
        row = budget.loc[chosen]
        extra = {"line": row["line"]}
        if (date := _iso(as_of[row.name])) is not None:
            # a budget line is the year's: the estimate, the total from 01/01 and the forecast
            extra |= {"as_of": date, "since": date[:4] + "-01-01"}
        file = row[SOURCE_FILE]
        sources = [{"file": file, "sha256": hashes.get(file, ""), "rows": 1}]
        amounts = {name: _million(row[name], row[UNIT], scales) for name in BUDGET_AMOUNTS}
        for name in BUDGET_AMOUNTS:
            if amounts[name] is not None:
                key = f"{code}.{name}"
                figures.append(_figure(f"{SECTION}.{key}", amounts[name], meta[key], sources, extra))
        for name, (num, den) in BUDGET_RATES.items():
            if amounts[num] is not None and amounts[den] is not None:
                key = f"{code}.{name}"
                figures.append(_rate(f"{SECTION}.{key}", amounts[num], amounts[den], meta[key], sources, extra))
    return figures


def budget_line_rows(budget: pd.DataFrame) -> dict[str, Any]:
    """Code (revenue, spending) -> index label of the budget row its finance.<code>.* figures
    are read from (same choice as ``budget_figures``: the known line of the latest report)."""
    vocabulary = load_yaml("sources/budget.yaml")["vocabularies"]["budget_line"]
    lookup = category_lookup(vocabulary)
    codes = [None if pd.isna(text) else lookup.get(line_key(text)) for text in budget["line"].tolist()]
    order = _report_order(budget, _budget_as_of(budget))
    chosen: dict[str, Any] = {}
    for code in BUDGET_CODES:
        rows = [i for i, found in enumerate(codes) if found == code]
        if rows:
            chosen[code] = budget.index[max(rows, key=order.__getitem__)]
    return chosen


def _report_order(frame: pd.DataFrame, as_of: pd.Series) -> list[tuple]:
    """Each row's rank key, the greatest read first: the latest as-of date (no date = oldest), then
    the file (and sheet) whose name sorts last, then the first row of the sheet, then the last
    row of the table (plain values: a report has few rows)."""
    def known(value: Any) -> tuple:
        return (0,) if pd.isna(value) else (1, value)

    files, sheets = frame[SOURCE_FILE].tolist(), frame[SOURCE_SHEET].tolist()
    return [(known(date), "" if pd.isna(file) else file, "" if pd.isna(sheet) else sheet, known(-row), i)
            for i, (date, file, sheet, row) in enumerate(zip(as_of.tolist(), files, sheets,
                                                             frame[SOURCE_ROW].tolist()))]


def _budget_as_of(budget: pd.DataFrame) -> pd.Series:
    """The date each budget row's amounts are at: its "lũy kế đến ngày", else the report's date."""
    return budget["to_date_as_of"].fillna(budget["as_of"])


def investment_figures(investment: pd.DataFrame, spec: FigureFile, hashes: dict[str, str]
                       ) -> list[Figure]:
    """finance.investment.*: sums of the project rows (footer totals are not data)."""
    if investment.empty:
        return []
    meta, scales = spec.figures, spec.money_units

    units, sums = investment[UNIT].tolist(), {}

    def total(column: str) -> Fraction:   # each column summed once
        if column not in sums:
            sums[column] = sum((amount for value, unit in zip(investment[column].tolist(), units)
                                if (amount := _million(value, unit, scales)) is not None), Fraction(0))
        return sums[column]

    all_dates = {name: _iso(investment[name].fillna(investment["as_of"]).max())
                 for name in ("allocated_as_of", "disbursed_as_of")}
    dates = {name: date for name, date in all_dates.items() if date is not None}
    codes, files = file_codes(investment[SOURCE_FILE])
    per_file = np.bincount(codes[codes >= 0], minlength=len(files)).tolist()
    sources = [{"file": file, "sha256": hashes.get(file, ""), "rows": n} for file, n in zip(files, per_file)]

    def extra(as_of: str | None) -> dict[str, Any]:
        return ({"as_of": as_of} if as_of is not None else {}) | dates

    figures: list[Figure] = []
    for name, (summed, date) in INVESTMENT.items():
        key = f"investment.{name}"
        if "numerator" in summed:
            figures.append(_rate(f"{SECTION}.{key}", total(summed["numerator"]), total(summed["denominator"]),
                                 meta[key], sources, extra(all_dates[date])))
            continue
        value = total(summed["value"]) - (total(summed["minus"]) if "minus" in summed else 0)
        figures.append(_figure(f"{SECTION}.{key}", value, meta[key], sources, extra(all_dates[date])))
    return figures


def compute_section(tables: dict[str, pd.DataFrame], params, hashes: dict[str, str]) -> list[Figure]:
    """Every finance.* figure whose source table is present (none when it is absent)."""
    spec = figure_definitions(SECTION)
    figures: list[Figure] = []
    if "budget" in tables:
        figures += budget_figures(tables["budget"], spec, hashes)
    if "investment" in tables:
        figures += investment_figures(tables["investment"], spec, hashes)
    return figures


def rows_of(name: str, figure: Figure, tables: dict[str, pd.DataFrame], params) -> Selection | None:
    """The rows figure ``finance.<name>`` is read from (the budget line ``budget_figures`` takes)
    or sums (every project row), with the columns it reads."""
    code, _, item = name.partition(".")
    if code in BUDGET_CODES and "budget" in tables:
        budget = tables["budget"]
        chosen = budget_line_rows(budget).get(code)
        if chosen is None:
            return None
        if item in BUDGET_AMOUNTS:
            summed = {"value": item}
        elif item in BUDGET_RATES:
            num, den = BUDGET_RATES[item]
            summed = {"numerator": num, "denominator": den}
        else:
            return None
        rows = pd.Series(budget.index == chosen, index=budget.index)
        return Selection("budget", counted=rows, role="summed", summed=summed, scale=UNIT, check=None)
    if code == "investment" and "investment" in tables and item in INVESTMENT:
        investment = tables["investment"]
        return Selection("investment", counted=every_row(investment), role="summed",
                         summed=dict(INVESTMENT[item][0]), scale=UNIT, check=None)
    return None
