"""A commune report's key figures beside its published previous period's (and the same period
a year before's, when published and not the same period), with the change: counts as a
difference (and its share of the earlier value), rates in percentage points. Each earlier
value names its figures.json and SHA-256 (cchc.report.previous). Nothing when no earlier
report was published: never an empty table."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from cchc.core import fmt
from cchc.core.layout import Layout
from cchc.core.resources import DATA_DIR, load_yaml
from cchc.figures.registry import Figure, FigureSet
from cchc.report.numbers import Numbers
from cchc.report.previous import Published, previous, year_before


@dataclass(frozen=True)
class Earlier:
    kind: str             # previous | year_before
    published: Published


def earlier(layout: Layout) -> list[Earlier]:
    """The published previous period and, when another period, the same period a year before."""
    found = []
    before = previous(layout)
    if before is not None:
        found.append(Earlier("previous", before))
    year = year_before(layout)
    if year is not None and (before is None or year.period != before.period):
        found.append(Earlier("year_before", year))
    return found


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "report"), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("comparison.html.j2")


def _value(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return fmt.MISSING
    return fmt.percent(figure.value) if figure.is_rate else fmt.amount(figure.value)


def points(difference: float) -> str:
    """A change of a rate (fractions) in percentage points: '+1,23 điểm %', '−0,50 điểm %', '0,00 điểm %'."""
    shown = round(difference * 100, 2)
    sign = "+" if shown > 0 else "−" if shown < 0 else ""
    return load_yaml("report/comparison.yaml")["change_points"].format(sign=sign, value=fmt.decimal(abs(shown), 2))


def change(now: Figure, then: Figure | None, text: dict[str, Any]) -> str:
    """'+1,23 điểm %' for a rate, '+120 (+3,45%)' for a count, '–' when either is missing."""
    if then is None or now.value is None or then.value is None or now.is_rate != then.is_rate:
        return text["absent"]
    difference = now.value - then.value
    if now.is_rate:
        return points(difference)
    sign = "+" if difference > 0 else "−" if difference < 0 else ""
    if then.value:
        return text["change_count_relative"].format(sign=sign, value=fmt.amount(abs(difference)),
                                                    relative=fmt.percent(abs(difference) / abs(then.value)))
    return text["change_count"].format(sign=sign, value=fmt.amount(abs(difference)))


def render(figures: FigureSet, layout: Layout, numbers: Numbers | None = None) -> Markup:
    """The comparison (intro, table, sources note), or nothing when no earlier report is published."""
    found = earlier(layout)
    if not found:
        return Markup("")
    text = load_yaml("report/comparison.yaml")
    numbers = numbers or Numbers(figures)
    rows = []
    for figure_id in text["figures"]:
        if figure_id not in figures:
            continue
        now = figures[figure_id]
        if not any(figure_id in item.published.figures for item in found):
            continue  # no earlier report has it: nothing to compare
        cells = []
        for item in found:
            then = item.published.figures[figure_id] if figure_id in item.published.figures else None
            title = text["source"].format(period=item.published.period, label=now.label, value=_value(then),
                                          file=item.published.shown, sha256=item.published.sha256)
            cells.append({"value": Markup('<span class="prev" title="{}">{}</span>').format(title, _value(then)),
                          "change": change(now, then, text)})
        rows.append({"label": now.label, "kind": "rate" if now.is_rate else "count",
                     "current": numbers.link(figure_id, _value(now)), "cells": cells})
    if not rows:
        return Markup("")
    periods = text["joiner"].join(text[f"period_{item.kind}"].format(period=item.published.period) for item in found)
    columns = [{"title": text["columns"][item.kind].format(period=item.published.period)} for item in found]
    files = "; ".join(text["source_file"].format(file=item.published.shown, sha256=item.published.sha256)
                      for item in found)
    first = 34
    return Markup(_template().render(
        text=text, intro=text["intro"].format(periods=periods), columns=columns, rows=rows,
        period=layout.period, first=first, other=(100 - first) / (1 + 2 * len(found)),
        caption=text["caption_sources"].format(caption=text["caption"], files=files)))


__all__ = ["Earlier", "change", "earlier", "points", "render"]
