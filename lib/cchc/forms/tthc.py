"""Form 06a (by field, by agency) built from the TTHC figures."""

from __future__ import annotations

from typing import Any

from cchc.config.letter import Document
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet
from cchc.forms.frame import form_frame
from cchc.forms.model import Cell, Column, Form


def groups(figures: FigureSet, breakdown: str) -> list[tuple[str, str]]:
    """(key, name as shown) of every group of a breakdown, in key order: the groups the figures
    were computed for (cchc.figures.tthc.group_rows, one per name normalised, case aside), each
    a row of form 06a, ``key`` the part of their ids tthc.<breakdown>.<key>.*."""
    found = {}
    prefix = f"tthc.{breakdown}."
    for figure in figures:
        if figure.id.startswith(prefix) and "group" in figure.extra:
            found[figure.id[len(prefix):].partition(".")[0]] = figure.extra["group"]
    return sorted(found.items())


def _columns(data: list[dict[str, Any]], group_title: str) -> list[Column]:
    def resolve(item: dict[str, Any]) -> dict[str, Any]:
        title = group_title if item["title"] == "@group_title" else item["title"]
        return {**item, "title": title, "children": [resolve(c) for c in item.get("children", ())]}

    return [Column.from_data(resolve(item)) for item in data]


def form_06a(figures: FigureSet, document: Document, breakdown: str) -> Form:
    spec = load_yaml("forms/06a.yaml")
    variant = spec["variants"][breakdown]
    form = Form(id=variant["id"], code=spec["code"], title=spec["title"], sheet=variant["sheet"],
                lines=[variant["subtitle"], *document.form_lines], unit_of_measure=spec["unit_of_measure"],
                columns=_columns(spec["columns"], variant["group_title"]), frame=form_frame(document))
    leaves = form.leaves()

    def row(prefix: str, number: int | None, label: str) -> list[Cell]:
        cells = []
        for leaf in leaves:
            if leaf.key == "#":
                cells.append(Cell(number, kind="index"))
            elif leaf.key == "@group":
                cells.append(Cell(label, kind="text"))
            elif prefix + leaf.key not in figures:  # its data are absent (raw-exports.md §7)
                cells.append(Cell(spec["missing"], kind="text"))
            else:
                figure = figures[prefix + leaf.key]
                cells.append(Cell(figure.value, figure=figure.id, kind="rate" if figure.is_rate else "count"))
        return cells

    for number, (key, name) in enumerate(groups(figures, breakdown), start=1):
        form.rows.append(row(f"tthc.{breakdown}.{key}.", number, name))
    form.total = row("tthc.", None, spec["total_label"])
    return form


def tthc_forms(figures: FigureSet, document: Document) -> list[Form]:
    return [form_06a(figures, document, "by_field"), form_06a(figures, document, "by_agency")]
