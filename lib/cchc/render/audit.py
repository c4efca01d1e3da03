"""The companion document of the report, kiem-tra.html and kiem-tra.pdf: what the signer and the
auditor read, and the commune never sends. The review sheet for the signer first
(cchc.report.review), then every reconciliation check (the table of reconciliation.html) and
the sources of the figures of figures.json, grouped by section. One Jinja template in the
report's HTML subset, with the report's stylesheet, rendered once for each file; the PDF by the
report's own Typst writer.

kiem-tra.html lists every figure, breakdowns included, one row and one ``id="fig-<id>"`` anchor
each (the numbers of report.html link to them). kiem-tra.pdf, the printed companion the signer
reads, holds the same review sheet and every check (the passed ones in four cells a row:
id, description, expected / actual, evidence), but its sources are compact: every base figure
one row (id, label, value, files with the rows counted), and the breakdown figures (by field,
agency, month: about five in six figures) one row a group, with its name, how many figures,
their common id (``tthc.by_field.ho-tich.*``) and the source files once; the intro names
kiem-tra.html and the ``cchc explain`` command that list each of them: about a third of the
pages the full table took (Typst lays out a table row in about a millisecond; the PDF's time is
its rows)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cchc.checks import Check, summary
from cchc.checks.html import environment
from cchc.checks.html import rows as check_rows
from cchc.compute import Computed
from cchc.core import layout as names
from cchc.figures.manual import declared as declared_rows
from cchc.figures.registry import Figure, FigureSet
from cchc.manual.periods import previous_period
from cchc.render import pdf
from cchc.report.previous import Published, previous
from cchc.report.review import Review, audit_words, review, shown
from cchc.report.style import stylesheet


def build_review(computed: Computed, before: Published | None) -> Review:
    """The review sheet of a computed period: ``before``, the same period as published before
    this run (cchc.report.previous.published, read before the run replaces it)."""
    return review(computed.figures, computed.checks, declared_rows(computed.tables), before,
                  previous(computed.layout))


def _files(figure: Figure, words: dict[str, Any]) -> str:
    if not figure.sources:
        return words["no_source"]
    parts = []
    for source in figure.sources:
        text = source["file"].rsplit("/", 1)[-1]
        if source.get("sheet"):
            text += f" [{source['sheet']}]"
        if source.get("row"):
            text += ", " + words["row"].format(row=source["row"])
        elif source.get("rows") is not None:
            text += ": " + words["rows"].format(count=source["rows"])
        parts.append(text)
    return "; ".join(parts)


def _items(figures: FigureSet, words: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, str]]]:
    """Every figure as a row of the sources, by (section, breakdown: "" for a base figure)."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for figure in sorted(figures, key=lambda f: f.id):
        key = (figure.id.split(".", 1)[0], figure.extra.get("breakdown") or "")
        groups.setdefault(key, []).append({"id": figure.id, "label": figure.label, "value": shown(figure),
                                           "files": _files(figure, words)})
    return groups


def source_groups(figures: FigureSet, words: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure, grouped by section (the first part of its id), base figures before the
    breakdowns (by field, agency, month) of the same section."""
    return _source_groups(_items(figures, words), words)


def _source_groups(items: dict[tuple[str, str], list[dict[str, str]]], words: dict[str, Any],
                   breakdowns: bool = True) -> list[dict[str, Any]]:
    merged: dict[tuple[str, bool], list[dict[str, str]]] = {}
    for (section, breakdown), rows in sorted(items.items()):
        if breakdowns or not breakdown:
            merged.setdefault((section, bool(breakdown)), []).extend(rows)
    out = []
    for (section, breakdown), rows in sorted(merged.items()):
        title = words["sections"].get(section, section)
        out.append({"title": f"{title} — {words['breakdowns']}" if breakdown else title,
                    "items": sorted(rows, key=lambda row: row["id"])})
    return out


def breakdown_groups(figures: FigureSet, words: dict[str, Any]) -> list[dict[str, Any]]:
    """The breakdown figures as the PDF shows them: a table for each breakdown of a section
    (by field, agency, month), one row a group: its name, how many figures, the ids' common
    part and every source file once."""
    tables: dict[tuple[str, str], dict[str, list[Figure]]] = {}
    for figure in sorted(figures, key=lambda f: f.id):
        breakdown = figure.extra.get("breakdown")
        if breakdown:
            section = figure.id.split(".", 1)[0]
            group = str(figure.extra.get("group", ""))
            tables.setdefault((section, breakdown), {}).setdefault(group, []).append(figure)
    out = []
    for (section, breakdown), groups in sorted(tables.items()):
        title = words["sections"].get(section, section)
        rows = [{"name": name, "count": len(members), "ids": _common_id([f.id for f in members]),
                 "files": ", ".join(sorted({s["file"].rsplit("/", 1)[-1] for f in members for s in f.sources}))
                 or words["no_source"]}
                for name, members in groups.items()]
        out.append({"title": f"{title} — {words['breakdown_kinds'].get(breakdown, breakdown)}", "rows": rows,
                    "count": sum(row["count"] for row in rows)})
    return out


def _common_id(ids: list[str]) -> str:
    """``tthc.by_field.ho-tich.*`` for the ids of a group (the id itself for a group of one)."""
    if len(ids) == 1:
        return ids[0]
    common = os.path.commonprefix(ids)
    return common[:common.rfind(".") + 1] + "*"


def render(computed: Computed, audit: Review) -> tuple[str, str]:
    """kiem-tra.html of a computed period, and the page its PDF is written from: the same
    review sheet and checks (ids may wrap after their dots), the sources compact (see the
    module's docstring)."""
    words = audit_words()
    params = computed.params
    checks: list[Check] = computed.checks
    table = check_rows(checks)
    items = _items(computed.figures, words.sources)
    context = dict(
        words=words, css=stylesheet(), unit_name=params.unit_name, period=params.period,
        previous_period=previous_period(params.period), review=audit, checks=table,
        counts="".join(f"; {label}: {count}" for label, count in summary(checks).items()),
        notable=[c for c in table if c["status_code"] != "pass"],
        passed=[c for c in table if c["status_code"] == "pass"],
        command=words.sources["command"].format(unit=params.unit, period=params.period),
        missing=computed.ingest.report.get("missing", []))  # what the raw files lack (cchc.ingest.absent)
    html = environment().get_template("audit.html.j2").render(
        **context, printed=False, groups=_source_groups(items, words.sources), breakdowns=[])
    printed = environment(wrap_ids=True).get_template("audit.html.j2").render(
        **context, printed=True, groups=_source_groups(items, words.sources, breakdowns=False),
        breakdowns=breakdown_groups(computed.figures, words.sources))
    return html, printed


def summary_line(review: Review | None, shown: str) -> str | None:
    """The line ``cchc run`` prints when the review sheet it wrote lists figures that differ
    (its declared and republished lines: Review.differences; ``shown``: kiem-tra.html as the
    user reads its path); None otherwise."""
    count = len(review.differences) if review is not None else 0
    return audit_words().review.summary.format(count=count, path=shown) if count else None


def write(computed: Computed, folder: Path, audit: Review) -> None:
    """kiem-tra.html and kiem-tra.pdf into ``folder`` (the run's staging folder)."""
    html, printed = render(computed, audit)
    (folder / names.AUDIT_HTML).write_text(html, encoding="utf-8")
    title = audit_words().title + " — " + computed.params.unit_name
    (folder / names.AUDIT_PDF).write_bytes(pdf.pdf(printed, title))
