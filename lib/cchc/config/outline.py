"""The model of data/report/outline.yaml (and of a unit's `outline:` parameter): the report's
sections, a tree of ids and titles (ids unique in the whole tree); `form` names the appendix
form (biểu mẫu N) the section sends with it."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainValidator, TypeAdapter

from cchc.config.validation import Model, load_data, problem, validate_data

OUTLINE_FILE = "report/outline.yaml"
_ID = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")


def _section_id(value: Any) -> str:
    """tthc, tthc.results: lower-case ASCII words joined by dots (prose files are named by them)."""
    if not isinstance(value, str) or not _ID.match(value):
        raise problem("expect_section_id")
    return value


SectionId = Annotated[str, PlainValidator(_section_id)]


class OutlineNode(Model):
    id: SectionId
    title: str
    form: Annotated[int, Field(strict=True, ge=1)] | None = None
    children: list[OutlineNode] = []


def _unique_ids(tree: list[OutlineNode]) -> list[OutlineNode]:
    seen: set[str] = set()

    def walk(nodes: list[OutlineNode], path: str) -> None:
        for index, node in enumerate(nodes):
            if node.id in seen:
                raise problem("expect_unique", at=f"{path}{index}.id", value=node.id)
            seen.add(node.id)
            walk(node.children, f"{path}{index}.children.")

    walk(tree, "")
    return tree


Outline = Annotated[list[OutlineNode], Field(min_length=1), AfterValidator(_unique_ids)]
OUTLINE = TypeAdapter(Outline)


def load_outline() -> list[OutlineNode]:
    """data/report/outline.yaml, validated (once)."""
    return load_data(OUTLINE_FILE, OUTLINE)


def read_outline(data: Any) -> list[OutlineNode]:
    """Another outline (already parsed), validated; errors name data/report/outline.yaml."""
    return validate_data(OUTLINE, data, OUTLINE_FILE)
