"""The companion document of the report, kiem-tra.html and kiem-tra.pdf: what the signer and the
auditor read, and the commune never sends. The review sheet for the signer first
(cchc.report.review), then every reconciliation check (the table of reconciliation.html) and
the sources of every figure of figures.json, grouped by section. One Jinja page in the report's
HTML subset, with the report's stylesheet; the PDF by the report's own Typst writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc.checks import Check, summary
from cchc.checks.html import environment
from cchc.checks.html import rows as check_rows
from cchc.compute import Computed
from cchc.core import layout as names
from cchc.core.resources import load_yaml
from cchc.figures.manual import declared as declared_rows
from cchc.figures.registry import Figure, FigureSet
from cchc.manual.periods import previous_period
from cchc.render import pdf
from cchc.report.previous import Published, previous
from cchc.report.review import Review, review, shown
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


def source_groups(figures: FigureSet, words: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure, grouped by section (the first part of its id), base figures before the
    breakdowns (by field, agency, month) of the same section."""
    groups: dict[tuple[str, bool], list[dict[str, str]]] = {}
    for figure in sorted(figures, key=lambda f: f.id):
        key = (figure.id.split(".", 1)[0], bool(figure.extra.get("breakdown")))
        groups.setdefault(key, []).append({"id": figure.id, "label": figure.label, "value": shown(figure),
                                           "files": _files(figure, words)})
    out = []
    for (section, breakdown), items in sorted(groups.items()):
        title = words["sections"].get(section, section)
        out.append({"title": f"{title} — {words['breakdowns']}" if breakdown else title, "items": items})
    return out


def render(computed: Computed, audit: Review, for_pdf: bool = False) -> str:
    """kiem-tra.html of a computed period (``for_pdf``: the page the PDF is written from, whose
    ids may wrap after their dots)."""
    words = load_yaml("report/audit.yaml")
    params = computed.params
    checks: list[Check] = computed.checks
    counts = "".join(f"; {label}: {count}" for label, count in summary(checks).items())
    table = check_rows(checks)
    command = words["sources"]["command"].format(unit=params.unit, period=params.period)
    return environment(wrap_ids=for_pdf).get_template("audit.html.j2").render(
        words=words, css=stylesheet(), unit_name=params.unit_name, period=params.period,
        previous_period=previous_period(params.period), review=audit, checks=table, counts=counts,
        notable=[c for c in table if c["status_code"] != "pass"],
        passed=[c for c in table if c["status_code"] == "pass"], command=command,
        groups=source_groups(computed.figures, words["sources"]))


DIFFERS = 'class="review-line differs"'  # a line of the review sheet that differs (audit.html.j2)


def summary_line(output_dir: Path, shown: str) -> str | None:
    """The line ``cchc run`` prints when the review sheet of the published ``output_dir`` lists
    figures that differ (``shown``: kiem-tra.html as the user reads its path); None otherwise."""
    path = Path(output_dir) / names.AUDIT_HTML
    count = path.read_text(encoding="utf-8").count(DIFFERS) if path.is_file() else 0
    return load_yaml("report/audit.yaml")["review"]["summary"].format(count=count, path=shown) if count else None


def write(computed: Computed, folder: Path, audit: Review) -> None:
    """kiem-tra.html and kiem-tra.pdf into ``folder`` (the run's staging folder)."""
    (folder / names.AUDIT_HTML).write_text(render(computed, audit), encoding="utf-8")
    title = load_yaml("report/audit.yaml")["title"] + " — " + computed.params.unit_name
    (folder / names.AUDIT_PDF).write_bytes(pdf.pdf(render(computed, audit, for_pdf=True), title))
