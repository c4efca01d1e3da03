"""The figure registry: every number of a report with its id, value, definition and sources.

A figure is built once, by a pure function of processed tables and the window; everything
that shows a number (figures.json, the report, the appendix) reads it from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.config.figures import FigureMeta
from cchc.config.params import Params, Window
from cchc.core import jsontext
from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml


@dataclass
class Figure:
    id: str
    value: int | float | None
    unit: str
    label: str
    definition: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    numerator: int | None = None
    denominator: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "unit": self.unit, "label": self.label,
                                "definition": self.definition, "sources": self.sources}
        if self.is_rate:
            data["numerator"] = self.numerator
            data["denominator"] = self.denominator
        data.update(self.extra)
        return data


# What a figure says of itself: its validated definition (data/figures/<section>.yaml), or the
# words a section builds for it (a breakdown's, a roll-up's) under the keys unit, label, definition.
Meta = FigureMeta | Mapping[str, str]


def words(meta: Meta) -> dict[str, str]:
    """The unit, label and definition of ``meta``, as Figure's fields."""
    if isinstance(meta, FigureMeta):
        return {"unit": meta.unit, "label": meta.label, "definition": meta.definition}
    return {"unit": meta["unit"], "label": meta["label"], "definition": meta["definition"]}


def count(id: str, value: int, meta: Meta, sources: list[dict[str, Any]], **extra: Any) -> Figure:
    return Figure(id=id, value=int(value), **words(meta), sources=sources, extra=extra)


def rate(id: str, numerator: int, denominator: int, meta: Meta,
         sources: list[dict[str, Any]], **extra: Any) -> Figure:
    numerator, denominator = int(numerator), int(denominator)
    return Figure(id=id, value=numerator / denominator if denominator else None, **words(meta),
                  sources=sources, numerator=numerator, denominator=denominator, extra=extra)


class FigureSet:
    """An ordered collection of figures, unique by id."""

    def __init__(self) -> None:
        self._figures: dict[str, Figure] = {}
        # Lists the report cites (documents issued, plans, initiatives): name -> rows of plain
        # values, each row with its source file and Excel row. Not numbers, but computed once too.
        self.lists: dict[str, list[dict[str, Any]]] = {}

    def add(self, figure: Figure) -> None:
        if figure.id in self._figures:
            raise ValueError(f"figure {figure.id} registered twice")
        self._figures[figure.id] = figure

    def extend(self, figures: list[Figure]) -> None:
        for figure in figures:
            self.add(figure)

    def __getitem__(self, figure_id: str) -> Figure:
        try:
            return self._figures[figure_id]
        except KeyError:
            raise CchcError("unknown_figure", figure=figure_id) from None

    def __contains__(self, figure_id: str) -> bool:
        return figure_id in self._figures

    def __iter__(self):
        return iter(self._figures.values())

    def __len__(self) -> int:
        return len(self._figures)

    def ids(self) -> list[str]:
        return list(self._figures)

    def apply_targets(self, targets: dict[str, float], absent: set[str] | frozenset[str] = frozenset()) -> None:
        """Attach each target to its figure with the computed assessment. ``absent``: figures not
        computed because their data are absent (raw-exports.md §7); their targets are not applied."""
        known = [f.id for f in self if f.is_rate]
        for figure_id, target in sorted(targets.items()):
            if figure_id in absent and figure_id not in self._figures:
                continue
            if figure_id not in self._figures or not self._figures[figure_id].is_rate:
                raise CchcError("unknown_target", figure=figure_id,
                                known=", ".join(k for k in known if k.count(".") <= 2))
            figure = self._figures[figure_id]
            figure.extra["target"] = target
            if figure.value is None:
                figure.extra["met"] = None
                figure.extra["assessment"] = None
            else:
                figure.extra["met"] = figure.value >= target
                figure.extra["assessment"] = ("exceeded" if figure.value > target else
                                              "met" if figure.value == target else "not_met")

    def to_json(self, params: Params) -> dict[str, Any]:
        return {"unit": params.unit, "period": params.period,
                "start": params.window.start.isoformat(), "cutoff": params.window.cutoff.isoformat(),
                "figures": {figure.id: figure.to_json() for figure in self},
                "lists": self.lists}

    def dumps(self, params: Params) -> str:
        return jsontext.dumps(self.to_json(params))


def assessment_label(code: str | None) -> str:
    return "" if code is None else load_yaml("targets.yaml")["assessment"][code]


__all__ = ["Figure", "FigureSet", "Meta", "Window", "count", "rate", "words", "assessment_label"]


def load_figures(path) -> FigureSet:
    """Read a figures.json back into a FigureSet (what the report notebook does)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    figures = FigureSet()
    core = {"value", "unit", "label", "definition", "sources", "numerator", "denominator"}
    for figure_id in data["figures"]:  # sorted ids; order is presentation's business
        item = data["figures"][figure_id]
        figures.add(Figure(id=figure_id, value=item["value"], unit=item["unit"], label=item["label"],
                           definition=item["definition"], sources=item["sources"],
                           numerator=item.get("numerator"), denominator=item.get("denominator"),
                           extra={k: v for k, v in item.items() if k not in core}))
    figures.lists = data.get("lists", {})
    return figures
