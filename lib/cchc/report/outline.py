"""Numbered headings from the outline (data/report/outline.yaml): I → 1 → 1.1."""

from __future__ import annotations

from dataclasses import dataclass

from cchc.core import fmt
from cchc.core.resources import load_yaml



@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int
    number: str     # "II.", "2.", "2.1."
    children: tuple[str, ...]


def number_outline(tree: list[dict]) -> dict[str, Heading]:
    headings: dict[str, Heading] = {}

    def walk(nodes: list[dict], level: int, parent: str) -> None:
        for index, node in enumerate(nodes, start=1):
            if level == 1:
                number = f"{fmt.roman(index)}."
            elif level == 2:
                number = f"{index}."
            else:
                number = f"{parent}{index}."
            children = node.get("children", [])
            headings[node["id"]] = Heading(node["id"], node["title"], level, number,
                                           tuple(child["id"] for child in children))
            walk(children, level + 1, number)

    walk(tree, 1, "")
    return headings


def outline() -> dict[str, Heading]:
    return number_outline(load_yaml("report/outline.yaml"))
