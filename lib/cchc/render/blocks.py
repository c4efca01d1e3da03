"""The report's content as a tree: the HTML subset that the report's templates write (sections,
forms, the letter frame, charts, annexes), read back into nodes that the PDF and Word writers
walk. One parser for every writer; a tag outside the subset is an error, never dropped, so the
subset cannot grow without the writers learning it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

# Tags of the report's HTML subset; anything else in the document body is refused.
BLOCK_TAGS = {"main", "section", "div", "p", "ul", "li", "h2", "h3", "h4", "table", "caption", "colgroup",
              "col", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img"}
INLINE_TAGS = {"a", "span", "strong", "b", "em", "i", "br"}
VOID_TAGS = {"col", "img", "br", "meta"}
SKIPPED_TAGS = {"head", "style", "title", "script"}   # the page's own head: not content
_WIDTH = re.compile(r"width:\s*([\d.]+)%")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @cached_property
    def classes(self) -> frozenset[str]:
        """The node's CSS classes (read once: a node's attributes do not change after parsing)."""
        return frozenset(self.attrs.get("class", "").split())

    def has(self, css_class: str) -> bool:
        return css_class in self.classes

    def elements(self, tag: str | None = None) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and (tag is None or c.tag == tag)]

    def walk(self) -> Iterator[Node]:
        """Every element below this one, depth first."""
        for child in self.elements():
            yield child
            yield from child.walk()

    def first(self, tag: str, css_class: str) -> Node | None:
        """The first descendant ``tag`` with ``css_class``."""
        return next((n for n in self.walk() if n.tag == tag and n.has(css_class)), None)

    def rows(self) -> tuple[list[Node], list[Node]]:
        """A table's header rows and body rows (a first row of th only is the header)."""
        head, body = self.find("thead"), self.find("tbody")
        head_rows = head.elements("tr") if head is not None else []
        body_rows = body.elements("tr") if body is not None else self.elements("tr")
        if not head_rows and body_rows and all(c.tag == "th" for c in body_rows[0].elements()):
            head_rows, body_rows = body_rows[:1], body_rows[1:]
        return head_rows, body_rows

    def column_shares(self) -> list[float]:
        """A table's column widths as given by its colgroup (percent; 10 when a col says none)."""
        colgroup = self.find("colgroup")
        if colgroup is None:
            return []
        return [float(found.group(1)) if (found := _WIDTH.search(col.attrs.get("style", ""))) else 10.0
                for col in colgroup.elements("col")]

    def find(self, tag: str) -> Node | None:
        """The first descendant with ``tag`` (depth first)."""
        for child in self.elements():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None

    def text(self) -> str:
        """The text of the node, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join("".join(parts).split())

    def png(self) -> bytes:
        """An img node's PNG (a data URI of the report's own charts; nothing else is read)."""
        source = self.attrs.get("src", "")
        head, _, data = source.partition(",")
        if head != "data:image/png;base64":
            raise ValueError(f"image source outside the report: {source[:40]!r}")
        return base64.b64decode(data)


class UnknownTag(ValueError):
    pass


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS or self.skipping:
            self.skipping += tag not in VOID_TAGS
            return
        if tag in ("html", "body", "meta"):
            return
        if tag not in BLOCK_TAGS | INLINE_TAGS:
            raise UnknownTag(tag)
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= tag not in VOID_TAGS
            return
        if tag in ("html", "body") or tag in VOID_TAGS:
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping and data:
            self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """The content tree of a report page (or fragment)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
