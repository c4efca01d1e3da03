"""Numbered headings from the outline (data/report/outline.yaml, or the unit's `outline:`
parameter): I → 1 → 1.1."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from cchc.config.letter import default_council
from cchc.config.outline import OutlineNode, load_outline, read_outline
from cchc.core import fmt

COUNCIL = "{council}"  # in a title: the unit's people's committee ("UBND phường")


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    level: int
    number: str     # "II.", "2.", "2.1."
    children: tuple[str, ...]
    form: int | None = None  # the appendix form (biểu mẫu N) sent with the section


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
                                        tuple(child.id for child in node.children), node.form)
            walk(node.children, level + 1, number)

    walk(nodes, 1, "")
    return headings


def outline(tree: list[OutlineNode] | None = None, council: str | None = None) -> dict[str, Heading]:
    """The numbered headings of ``tree`` (a unit's `outline:` parameter), else of the city's
    outline (data/report/outline.yaml), ``{council}`` in a title written as ``council`` (the
    unit's "UBND phường", cchc.config.letter.Document.council; document.yaml's default else)."""
    headings = number_outline(tree if tree else load_outline())
    council = council or default_council()
    return {key: replace(heading, title=heading.title.replace(COUNCIL, council)) if COUNCIL in heading.title
            else heading for key, heading in headings.items()}


def parts(headings: dict[str, Heading]) -> list[Heading]:
    """The level-1 parts (I, II, …), in order."""
    return [heading for heading in headings.values() if heading.level == 1]
