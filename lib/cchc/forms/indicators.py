"""Appendix forms 1–7 (biểu mẫu): one indicator per row, each row a figure of the registry.

A form is data (data/forms/bieu-mau.yaml): its title and rows (figure id, optional label). A
row whose figure is absent (its source was not supplied) is kept and says so, so the form's
shape does not depend on the data.
"""

from __future__ import annotations

from cchc.config.letter import Document
from cchc.core import fmt
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet, assessment_label
from cchc.forms.frame import form_frame
from cchc.forms.model import Cell, Column, Form


def _note(figure, labels: dict[str, str]) -> str:
    parts = []
    if figure.is_rate and figure.denominator is not None:
        parts.append(labels["fraction"].format(num=fmt.integer(figure.numerator), den=fmt.integer(figure.denominator)))
    if figure.extra.get("as_of") and figure.extra.get("since"):
        parts.append(labels["window"].format(since=fmt.iso_date(figure.extra["since"]),
                                             date=fmt.iso_date(figure.extra["as_of"])))
    elif figure.extra.get("as_of"):
        parts.append(labels["as_of"].format(date=fmt.iso_date(figure.extra["as_of"])))
    if figure.extra.get("assessment"):
        parts.append(labels["target"].format(target=fmt.percent(figure.extra["target"], 0),
                                             assessment=assessment_label(figure.extra["assessment"])))
    return "; ".join(parts)


def indicator_form(number: int, figures: FigureSet, document: Document) -> Form:
    spec = load_yaml("forms/bieu-mau.yaml")
    form_spec = spec["forms"][number]
    labels = spec["labels"]
    columns = [Column.from_data(c) for c in spec["columns"]]
    form = Form(id=f"bieu-mau-{number}", code=spec["code"].format(number=number), title=form_spec["title"],
                sheet=spec["sheet"].format(number=number), lines=list(document.form_lines),
                unit_of_measure="", columns=columns, frame=form_frame(document))
    for index, row in enumerate(form_spec["rows"], start=1):
        figure_id = row["figure"]
        if figure_id in figures:
            figure = figures[figure_id]
            form.rows.append([
                Cell(index, kind="index"), Cell(row.get("label") or figure.label, kind="text"),
                Cell(figure.unit, kind="text"),
                Cell(figure.value, figure=figure.id, kind="rate" if figure.is_rate else
                     ("count" if isinstance(figure.value, int) else "decimal")),
                Cell(_note(figure, labels), kind="text")])
        else:
            form.rows.append([Cell(index, kind="index"), Cell(row.get("label") or figure_id, kind="text"),
                              Cell("", kind="text"), Cell(None, kind="count"),
                              Cell(labels["missing"], kind="text")])
    return form


def indicator_forms(figures: FigureSet, document: Document) -> list[Form]:
    return [indicator_form(n, figures, document) for n in sorted(load_yaml("forms/bieu-mau.yaml")["forms"])]
