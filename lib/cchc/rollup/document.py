"""The roll-up as documents: its forms (06a with one row per commune and the city total; the key
rates with ranks) for the HTML and the XLSX, and report.html (data/report/rollup.html.j2, the
report's strict HTML subset, which the PDF and Word writers read back)."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup

from cchc.core import fmt
from cchc.core.resources import DATA_DIR, load_yaml
from cchc.figures.registry import FigureSet
from cchc.forms.html import render_form
from cchc.forms.model import Cell, Column, Form
from cchc.forms.tthc import _columns
from cchc.report.comparison import points
from cchc.report.style import stylesheet
from cchc.rollup.errors import words
from cchc.rollup.figures import Absence, absences, commune_id, form_keys, key_rates
from cchc.rollup.inputs import City, Commune


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "report"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _lines(city: City, period: str, window: dict[str, str]) -> list[str]:
    return [city.name, words()["document"]["form_window"].format(period=period, **window)]


def form_06a(figures: FigureSet, communes: list[Commune], city: City, period: str,
             window: dict[str, str]) -> Form:
    spec, text = load_yaml("forms/06a.yaml"), words()["form"]
    form = Form(id=text["id"], code=spec["code"], title=spec["title"], sheet=text["sheet"],
                lines=[text["subtitle"], *_lines(city, period, window)], unit_of_measure=spec["unit_of_measure"],
                columns=_columns(spec["columns"], text["group_title"]))
    keys = {leaf.key for leaf in form.leaves()}
    assert keys >= set(form_keys())

    def row(prefix: str, number: int | None, label: str) -> list[Cell]:
        cells = []
        for leaf in form.leaves():
            if leaf.key == "#":
                cells.append(Cell(number, kind="index"))
            elif leaf.key == "@group":
                cells.append(Cell(label, kind="text"))
            else:
                figure_id = prefix + "tthc." + leaf.key
                found = figure_id in figures
                cells.append(Cell(figures[figure_id].value if found else None, figure=figure_id if found else None))
        return cells

    included = [c for c in communes if c.included]
    for number, commune in enumerate(included, start=1):
        form.rows.append(row(commune_id(commune.unit, ""), number, commune.name))
    form.total = row("", None, spec["total_label"])
    return form


def rates_form(figures: FigureSet, communes: list[Commune], city: City, period: str,
               window: dict[str, str]) -> Form:
    """The key rates of every commune with its rank (the XLSX sheet): two columns per rate."""
    text = words()["rates_form"]
    labels = words()["rates_columns"]
    columns = [Column(text["index_title"], key="#", width=5), Column(text["commune_title"], key="@group", width=26)]
    for spec in key_rates():
        columns.append(Column(spec["short"], children=(Column(labels["rate"], key=spec["id"], width=9),
                                                       Column(labels["rank"], key="rank:" + spec["id"], width=6))))
    form = Form(id=text["id"], code=text["code"], title=text["title"], sheet=text["sheet"],
                lines=_lines(city, period, window), unit_of_measure=text["unit_of_measure"], columns=columns)

    def row(prefix: str, number: int | None, label: str) -> list[Cell]:
        cells = []
        for leaf in form.leaves():
            if leaf.key == "#":
                cells.append(Cell(number, kind="index"))
            elif leaf.key == "@group":
                cells.append(Cell(label, kind="text"))
            elif leaf.key.startswith("rank:"):
                figure_id = prefix + leaf.key[len("rank:"):]
                rank = figures[figure_id].extra.get("rank") if figure_id in figures else None
                cells.append(Cell(rank, kind="index"))
            else:
                figure_id = prefix + leaf.key
                found = figure_id in figures
                cells.append(Cell(figures[figure_id].value if found else None, figure=figure_id if found else None,
                                  kind="rate"))
        return cells

    for number, commune in enumerate([c for c in communes if c.included], start=1):
        form.rows.append(row(commune_id(commune.unit, ""), number, commune.name))
    form.total = row("", None, text["total_label"])
    return form


def forms(figures: FigureSet, communes: list[Commune], city: City, period: str,
          window: dict[str, str]) -> list[Form]:
    return [form_06a(figures, communes, city, period, window), rates_form(figures, communes, city, period, window)]


class _Shown:
    """Numbers of the roll-up as text with their provenance on hover."""

    def __init__(self, figures: FigureSet, communes: list[Commune]) -> None:
        self.figures = figures
        self.names = {c.unit: c.name for c in communes}
        self.text = words()

    def title(self, figure_id: str) -> str:
        figure = self.figures[figure_id]
        commune = figure.extra.get("commune")
        if commune is None:
            return self.text["tooltip_total"].format(label=figure.label, figure=figure_id,
                                                     count=len({s["file"] for s in figure.sources}))
        source = figure.sources[0]
        return self.text["tooltip"].format(label=figure.label, commune=self.names.get(commune, commune),
                                           figure=source["figure"], file=source["file"], sha256=source["sha256"])

    def link(self, figure_id: str, text: str) -> Markup:
        return Markup('<span class="fig" data-fig="{}" title="{}">{}</span>').format(
            figure_id, self.title(figure_id), text)

    def rate(self, figure_id: str, with_rank: bool = False) -> Markup:
        if figure_id not in self.figures:
            return Markup(fmt.MISSING)
        figure = self.figures[figure_id]
        shown = fmt.percent(figure.value)
        if with_rank and figure.extra.get("rank") is not None:
            shown = self.text["rank"].format(value=shown, rank=figure.extra["rank"])
        return self.link(figure_id, shown)

    def change(self, figure_id: str) -> Markup:
        figure = self.figures[figure_id] if figure_id in self.figures else None
        change = None if figure is None else figure.extra.get("change")
        if change is None:
            return Markup(self.text["change_absent"])
        text = points(change)
        before = figure.extra["previous"]
        title = f"{self.title(figure_id)}; {before['period']}: {fmt.percent(before['value'])} — {before['file']} " \
                f"(SHA-256 {before['sha256']})"
        return Markup('<span class="fig" data-fig="{}" title="{}">{}</span>').format(figure_id, title, text)


def html(figures: FigureSet, communes: list[Commune], city: City, period: str, window: dict[str, str],
         previous_period: str) -> str:
    """report.html of the roll-up."""
    text = words()
    shown = _Shown(figures, communes)
    included = [c for c in communes if c.included]
    counts = {status: sum(c.status == status for c in communes) for status in text["status"]}
    form = form_06a(figures, communes, city, period, window)
    with_previous = [c for c in included if any("previous" in figures[commune_id(c.unit, s["id"])].extra
                                                for s in key_rates() if commune_id(c.unit, s["id"]) in figures)]
    statuses = [{"commune": c, "status": text["status"][c.status].format(**c.detail)} for c in communes]
    document = text["document"]
    values: dict[str, Any] = {
        "period": period, "city_name": city.name, "included": len(included), "total": len(communes), **window}
    return _environment().get_template("rollup.html.j2").render(
        css=Markup(stylesheet()), text=text, doc={k: v.format(**values) for k, v in document.items()},
        form=render_form(form, text["form"]["caption"], shown.link), rates=key_rates(), included=included,
        shown=shown, commune_id=commune_id, with_previous=with_previous, statuses=statuses,
        status_intro=text["status_intro"].format(
            total=len(communes), included=len(included), missing=counts["missing"],
            failed=counts["failed"] + counts["unreadable"] + counts["failed_rerun"],
            refused=counts["refused"] + counts["wrong_period"], failed_checks=counts["failed_checks"]),
        previous_period=previous_period, change_columns=_change_columns(with_previous, figures),
        absent=_absent_rows(absences(communes), communes))


def _label(figure_id: str, communes: list[Commune]) -> str:
    """A figure's label as the communes publish it (a key rate: its short name)."""
    for spec in key_rates():
        if spec["id"] == figure_id:
            return spec["short"]
    for commune in communes:
        item = commune.figure(figure_id)
        if item is not None:
            return str(item["label"])
    return figure_id


def _absent_rows(found: list[Absence], communes: list[Commune]) -> list[dict[str, str]]:
    """One row per commune lacking figures: its name, the figures, why (its ingest report)."""
    text = words()["absent_table"]
    return [{"commune": absence.commune.name,
             "figures": "; ".join(_label(f, communes) for f in absence.figures),
             "reasons": "; ".join(absence.reasons) if absence.reasons else text["no_reason"]}
            for absence in found]


def _change_columns(with_previous: list[Commune], figures: FigureSet) -> list[str]:
    """The previous period of each commune shown in the change table."""
    periods = []
    for commune in with_previous:
        found = next(figures[commune_id(commune.unit, s["id"])].extra["previous"]["period"] for s in key_rates()
                     if commune_id(commune.unit, s["id"]) in figures
                     and "previous" in figures[commune_id(commune.unit, s["id"])].extra)
        periods.append(found)
    return periods
