"""The roll-up's figures, from the communes' published figures only.

Per commune ``communes.<unit>.<id>`` (the commune's own value, its source the commune's
figures.json and its SHA-256); for the city ``<id>``: counts are sums of the communes' counts,
rates are recomputed from the summed numerators and denominators (never averaged). Each key
rate of a commune carries its rank and, when the commune published the previous period, the
previous value and the change.

A figure some included commune does not publish (its raw files lacked what it needs:
raw-exports.md §7) has no city value: a sum or a rate over part of the city is not the city's
figure. The communes' own values stay, and ``absences`` says which communes lack what, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.core.resources import load_yaml
from cchc.figures.registry import Figure, FigureSet, count, rate
from cchc.rollup.errors import words
from cchc.rollup.inputs import Commune

COMMUNE_PREFIX = "communes."


def form_keys() -> list[str]:
    """The figure keys of form 06a's columns (tthc.<key>), in column order."""
    keys: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            key = item.get("key")
            if key and not key.startswith(("#", "@")):
                keys.append(key)
            walk(item.get("children", []))

    walk(load_yaml("forms/06a.yaml")["columns"])
    return keys


def key_rates() -> list[dict[str, Any]]:
    return words()["key_rates"]


def commune_id(unit: str, figure_id: str) -> str:
    return f"{COMMUNE_PREFIX}{unit}.{figure_id}"


def _source(commune: Commune, figure_id: str) -> dict[str, Any]:
    return {"file": commune.file, "sha256": commune.sha256, "figure": figure_id}


def _fraction(commune_data: dict[str, Any] | None, spec: dict[str, Any],
              lookup) -> tuple[int, int, dict[str, str]] | None:
    """(numerator, denominator, meta) of a key rate in one commune's figures, or None."""
    if "figure" in spec:
        item = lookup(spec["figure"])
        if item is None or item.get("denominator") is None:
            return None
        return int(item["numerator"]), int(item["denominator"]), {
            "label": item["label"], "definition": item["definition"], "unit": item["unit"]}
    top, bottom = lookup(spec["numerator"]), lookup(spec["denominator"])
    if top is None or bottom is None:
        return None
    return int(top["value"]), int(bottom["value"]), {"label": spec["label"], "definition": spec["definition"],
                                                     "unit": "%"}


def _inputs(spec: dict[str, Any]) -> list[str]:
    return [spec["figure"]] if "figure" in spec else [spec["numerator"], spec["denominator"]]


def aggregate(communes: list[Commune], previous: dict[str, Any] | None = None) -> FigureSet:
    """The roll-up's FigureSet. ``previous``: unit -> a published previous period
    (cchc.report.previous.Published) of the communes that have one."""
    text = words()
    previous = previous or {}
    included = [c for c in communes if c.included]
    figures = FigureSet()
    for key in form_keys():
        figure_id = f"tthc.{key}"
        total, sources, meta = 0, [], None
        for commune in included:
            item = commune.figure(figure_id)
            if item is None:
                continue
            meta = {"label": item["label"], "unit": item["unit"]}
            total += int(item["value"])
            sources.append(_source(commune, figure_id))
            figures.add(count(commune_id(commune.unit, figure_id), item["value"], {
                **meta, "definition": text["commune_definition"].format(figure=figure_id, commune=commune.name)},
                [_source(commune, figure_id)], commune=commune.unit, breakdown="commune"))
        if meta is not None and len(sources) == len(included):
            figures.add(count(figure_id, total, {**meta, "definition": text["total_definition"].format(
                figure=figure_id)}, sources))
    for spec in key_rates():
        _key_rate(figures, spec, included, previous, text)
    return figures


def _key_rate(figures: FigureSet, spec: dict[str, Any], included: list[Commune], previous: dict[str, Any],
              text: dict[str, Any]) -> None:
    rate_id = spec["id"]
    top = bottom = 0
    sources: list[dict[str, Any]] = []
    ranked: list[Figure] = []
    meta = None
    complete = True
    for commune in included:
        found = _fraction(commune.data, spec, commune.figure)
        if found is None:
            complete = False
            continue
        numerator, denominator, meta = found
        top, bottom = top + numerator, bottom + denominator
        own = [_source(commune, figure_id) for figure_id in _inputs(spec)]
        sources += own
        extra: dict[str, Any] = {"commune": commune.unit, "breakdown": "commune"}
        before = previous.get(commune.unit)
        if before is not None:
            lookup = lambda figure_id, b=before: (b.figures[figure_id].to_json()  # noqa: E731
                                                  if figure_id in b.figures else None)
            old = _fraction(None, spec, lookup)
            if old is not None:
                old_value = old[0] / old[1] if old[1] else None
                extra["previous"] = {"period": before.period, "value": old_value, "numerator": old[0],
                                     "denominator": old[1], "file": before.shown, "sha256": before.sha256}
                value = numerator / denominator if denominator else None
                extra["change"] = None if value is None or old_value is None else value - old_value
        figure = rate(commune_id(commune.unit, rate_id), numerator, denominator,
                      {**meta, "definition": text["commune_definition"].format(figure=rate_id, commune=commune.name)},
                      own, **extra)
        figures.add(figure)
        ranked.append(figure)
    if meta is None:
        return
    _rank(ranked, bool(spec.get("lower_is_better")))
    if not complete:
        return
    figures.add(rate(rate_id, top, bottom, {**meta, "definition": text["rate_definition"].format(
        definition=meta["definition"])}, sources))


def _rank(ranked: list[Figure], ascending: bool) -> None:
    """Competition ranking (1, 2, 2, 4) of the communes with a value; none for the others."""
    valued = sorted((f for f in ranked if f.value is not None),
                    key=lambda f: (f.value if ascending else -f.value, f.id))
    for position, figure in enumerate(valued, start=1):
        same = [f for f in valued[:position - 1] if f.value == figure.value]
        figure.extra["rank"] = same[0].extra["rank"] if same else position
    for figure in ranked:
        figure.extra.setdefault("rank", None)


@dataclass(frozen=True)
class Absence:
    """The figures of the roll-up one included commune does not publish, and why."""

    commune: Commune
    figures: tuple[str, ...]          # figure ids, in the roll-up's order
    reasons: tuple[str, ...] | None   # its ingest report's sentences; None: not published


def absences(communes: list[Commune]) -> list[Absence]:
    """The included communes lacking one of the roll-up's figures (form 06a's, the key rates)."""
    out = []
    for commune in (c for c in communes if c.included):
        lacking = [f"tthc.{key}" for key in form_keys() if commune.figure(f"tthc.{key}") is None]
        lacking += [spec["id"] for spec in key_rates() if _fraction(commune.data, spec, commune.figure) is None]
        if lacking:
            reasons = None if commune.missing is None else tuple(commune.missing)
            out.append(Absence(commune, tuple(dict.fromkeys(lacking)), reasons))
    return out
