"""Numbered headings from the outline (data/report/outline.yaml): I → 1 → 1.1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.config.outline import OutlineNode, load_outline, read_outline
from cchc.core import fmt


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int
    number: str     # "II.", "2.", "2.1."
    children: tuple[str, ...]


def number_outline(tree: list[OutlineNode] | list[dict[str, Any]]) -> dict[str, Heading]:
    """Headings by id, numbered by their place in ``tree`` (nodes, or mappings as in the file)."""
    nodes = read_outline(tree) if any(isinstance(node, dict) for node in tree) else tree
    headings: dict[str, Heading] = {}

    def walk(nodes: list[OutlineNode], level: int, parent: str) -> None:
        for index, node in enumerate(nodes, start=1):
            if level == 1:
                number = f"{fmt.roman(index)}."
            elif level == 2:
                number = f"{index}."
            else:
                number = f"{parent}{index}."
            headings[node.id] = Heading(node.id, node.title, level, number,
                                        tuple(child.id for child in node.children))
            walk(node.children, level + 1, number)

    walk(nodes, 1, "")
    return headings


def outline() -> dict[str, Heading]:
    return number_outline(load_outline())
