"""The review sheet for the signer ("Bảng rà soát trước khi ký"), as plain data: every figure
of the report that differs from

1. a figure declared for this period by another body (the manual workbook's declared sheet,
   compared by the ``declared`` checks: a line for each check that did not pass);
2. the report of this same period published before this run (a re-run after a data
   correction): every figure whose value, numerator or denominator changed;
3. and, beside the previous period's published report, the key figures (data/report/audit.yaml),
   with both values and the change.

Each line carries both values as the report writes them, the source of the compared value
(body and document; file and SHA-256) and why the report's value is what it is (its counts
and definition).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from cchc.checks import PASS, Check
from cchc.config.checks import load_checks
from cchc.config.validation import Model, load_data
from cchc.core import fmt
from cchc.figures.registry import Figure, FigureSet
from cchc.report.previous import Published

COMPARED = ("value", "numerator", "denominator")


@dataclass(frozen=True)
class Line:
    figure_id: str
    label: str
    value: str          # the report's value, as written
    other: str          # the compared value, as written
    source: str         # where the compared value comes from
    why: str            # the report's value: counts and definition
    change: str = ""


@dataclass
class Review:
    declared: list[Line] = field(default_factory=list)
    republished: list[Line] = field(default_factory=list)
    previous: list[Line] = field(default_factory=list)
    before: Published | None = None       # the same period as published before this run
    previous_report: Published | None = None

    @property
    def differences(self) -> list[Line]:
        """The lines that differ, declared then republished (the previous period's key figures
        are context, not differences): the lines kiem-tra.html marks ``differs``."""
        return [*self.declared, *self.republished]

    @property
    def count(self) -> int:
        """How many lines differ."""
        return len(self.differences)


class ReviewWords(Model):
    """data/report/audit.yaml ``review``: the review sheet's words."""

    title: str
    intro: str
    declared: str
    republished: str
    previous: str                # {period}
    none_declared: str
    none_republished: str
    none_previous: str           # {period}
    columns: dict[str, str]      # label, value, other, change, source, why
    declared_source: str         # {body}, {document}
    published_source: str        # {file}, {sha256}
    unknown_figure: str
    why_rate: str                # {value}, {numerator}, {denominator}, {definition}
    why_count: str               # {value}, {unit}, {definition}
    points: str                  # {sign}, {value}
    summary: str                 # {count}, {path}
    key_figures: list[str]       # put beside the previous period's published report


class AuditWords(Model):
    """data/report/audit.yaml: the words of the companion document kiem-tra.html/.pdf (its
    reconciliation and sources parts as read: cchc.render.audit)."""

    title: str
    subtitle: str                # {unit_name}, {period}
    review: ReviewWords
    reconciliation: dict[str, str]
    sources: dict[str, Any]


def audit_words() -> AuditWords:
    """data/report/audit.yaml, validated once."""
    return load_data("report/audit.yaml", AuditWords)


def _words() -> ReviewWords:
    return audit_words().review


def shown(figure: Figure) -> str:
    value = figure.value
    if value is None:
        return fmt.MISSING
    return _shown(type(value), value, figure.is_rate)


@functools.lru_cache(maxsize=4096)
def _shown(kind: type, value: int | float, rate: bool) -> str:
    """A value as written (a pure function of the value: the same in every commune; ``kind`` keeps
    1 and 1.0 apart in the cache)."""
    return fmt.percent(value) if rate else fmt.amount(value)


def why(figure: Figure, words: ReviewWords | None = None) -> str:
    words = words or _words()
    if figure.is_rate and figure.numerator is not None:
        return words.why_rate.format(value=shown(figure), numerator=fmt.amount(figure.numerator),
                                        denominator=fmt.amount(figure.denominator), definition=figure.definition)
    return words.why_count.format(value=shown(figure), unit=figure.unit, definition=figure.definition)


def _declared_value(item: dict[str, Any]) -> str:
    value = item["value"]
    if not isinstance(value, int | float):
        return str(value)
    if item["is_percent"]:
        text = f"{value}"
        places = len(text.split(".")[1]) if "." in text else 0
        return fmt.decimal(float(value), places) + "%"
    return fmt.amount(value)


def declared_lines(figures: FigureSet, checks: list[Check], declared: list[dict[str, Any]],
                   words: ReviewWords | None = None) -> list[Line]:
    """A line for each declared figure whose ``declared`` check did not pass (``declared``: the
    rows of cchc.figures.manual.declared, in the order the checks number them)."""
    words = words or _words()
    prefixes = tuple(f"{spec.id}:" for spec in load_checks().checks if spec.kind == "declared")
    lines = []
    for check in checks:
        if not check.id.startswith(prefixes) or check.status == PASS or "#" not in check.id:
            continue
        item = declared[int(check.id.rsplit("#", 1)[1]) - 1]
        figure_id = item["figure_id"] or ""
        source = words.declared_source.format(body=item.get("body") or "", document=item.get("document") or "")
        if figure_id in figures:
            figure = figures[figure_id]
            lines.append(Line(figure_id, figure.label, shown(figure), _declared_value(item), source,
                              why(figure, words), _change(figure, item.get("comparable"), words)))
        else:
            lines.append(Line(figure_id, item.get("label") or figure_id, fmt.MISSING, _declared_value(item),
                              source, words.unknown_figure))
    return lines


def _change(figure: Figure, old: Any, words: ReviewWords) -> str:
    if not isinstance(old, int | float) or not isinstance(figure.value, int | float):
        return ""
    delta = figure.value - old
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    if figure.is_rate:
        return words.points.format(sign=sign, value=fmt.decimal(abs(delta) * 100, 2))
    text = sign + fmt.amount(abs(delta))
    return text + (f" ({sign}{fmt.percent(abs(delta) / abs(old))})" if old else "")


def _against(figure: Figure, old: Figure, report: Published, words: ReviewWords) -> Line:
    source = words.published_source.format(file=report.shown, sha256=report.sha256)
    return Line(figure.id, figure.label, shown(figure), shown(old), source, why(figure, words),
                _change(figure, old.value, words))


def republished_lines(figures: FigureSet, before: Published | None,
                      words: ReviewWords | None = None) -> list[Line]:
    """Every figure of both reports whose value, numerator or denominator changed."""
    if before is None:
        return []
    words = words or _words()
    return [_against(figure, before.figures[figure.id], before, words) for figure in figures
            if figure.id in before.figures
            and any(getattr(figure, k) != getattr(before.figures[figure.id], k) for k in COMPARED)]


def previous_lines(figures: FigureSet, report: Published | None,
                   words: ReviewWords | None = None) -> list[Line]:
    """The key figures beside the previous period's published report."""
    if report is None:
        return []
    words = words or _words()
    return [_against(figures[i], report.figures[i], report, words) for i in words.key_figures
            if i in figures and i in report.figures]


def review(figures: FigureSet, checks: list[Check], declared: list[dict[str, Any]],
           before: Published | None = None, previous_report: Published | None = None) -> Review:
    words = _words()
    return Review(declared_lines(figures, checks, declared, words), republished_lines(figures, before, words),
                  previous_lines(figures, previous_report, words), before, previous_report)
