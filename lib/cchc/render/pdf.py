"""The PDF writer: the report's content tree (cchc.render.blocks) as Typst markup, compiled by
the `typst` package (a self-contained compiler: no browser, no system libraries).

The official layout of NĐ 30/2020: A4, margins 20/20/30/15 mm, Liberation Serif (metric-
compatible with Times New Roman) 13 pt, page numbers centred at the top from page 2, table
headers repeated on every page, rows never split across pages. Fonts are the files of the
project's set-up (system fonts are not scanned); images are the report's own charts; the
compiler reads nothing else, so a text of the data can never make it fetch a file or a URL.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

import typst

from cchc.render.blocks import Node, parse

FONT_DIRS = [Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation")]
# The document's title (the PDF's metadata), set after the content: a style set before it would
# be part of every element's style chain, and Typst's memoized layout of a cell or a paragraph
# would then never serve a document of another title (see EVICTIONS). The same bytes either way.
DOCUMENT = "\n#set document(title: {}, author: (), date: none)\n"
# Cells of the zero-width column that keeps a total row with the row above (see _Writer.table).
_PAD, _PAD_TWO = "table.cell(inset: 0pt)[]", "table.cell(inset: 0pt, rowspan: 2)[]"
LABEL = re.compile(r"^[A-Za-z0-9_.:-]+$")
# The lines of the letter frame (header, recipients, signature) by their class; {} is the text.
FRAME_LINES = {"agency-top": "#strong(upper[{}])", "agency-name": "#strong(upper[{}])",
               "nation": '#text(size: 12pt, weight: "bold")[{}]', "slogan": "#strong(underline[{}])",
               "place-date": "#v(4pt)#emph[{}]",
               "recipients-title": '#text(size: 12pt, weight: "bold", style: "italic")[{}]',
               "sign-note": '#text(weight: "regular", style: "italic")[{}]', "sign-title": "#strong[{}]"}

PREAMBLE = r"""
#set page(paper: "a4", margin: (top: 20mm, bottom: 20mm, left: 30mm, right: 15mm),
  header: context { let n = counter(page).get().first(); if n > 1 { align(center, text(size: 13pt, str(n))) } },
  footer: BANNER)
#set text(font: ("Liberation Serif",), size: 13pt, lang: "vi", hyphenate: false, top-edge: "ascender",
  bottom-edge: "descender")
// CSS line-height 1.35 and 6 pt between paragraphs, as the HTML page: the glyph box is 1.107 em
#set par(justify: true, leading: 0.243em, spacing: 9.2pt, first-line-indent: (amount: 10mm, all: true))
#set table(stroke: 0.6pt)
#set table.cell(breakable: false)
#show heading: set text(size: 13pt, weight: "bold")
// CSS: 10 pt above and 6 pt below a heading, plus the half-leading of the lines around it
#let heading-block(body) = block(above: 13pt, below: 9.2pt, sticky: true,
  par(first-line-indent: 0pt, justify: true, body))
#show heading.where(level: 1): it => heading-block(upper(it.body))
#show heading.where(level: 2): it => heading-block([#h(10mm)#it.body])
#show heading.where(level: 3): it => heading-block([#h(10mm)#emph(it.body)])
"""
# What the body's blocks call: a module of its own, imported by each part of the body (see pdf).
DEFS = r"""
#let centred(body) = block(width: 100%, { set par(first-line-indent: 0pt, justify: false); align(center, body) })
// a short centred rule under the agency's name and under the subject (NĐ 30): a block of its own,
// clear of the descenders above it (a block's spacing counts from the text's baseline)
#let rule = block(above: 9pt, below: 6pt, width: 100%,
  align(center, block(width: 30%, line(length: 100%, stroke: 0.6pt))))
"""


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _collapse(text: str) -> str:
    """Runs of white space as one space; non-breaking spaces (the blank after "Số:") are kept."""
    return re.sub(r"[^\S\u00a0]+", " ", text)


class _Writer:
    def __init__(self, root: Node) -> None:
        self.images: dict[str, bytes] = {}
        self.labels = {node.attrs["id"] for node in root.walk() if node.tag == "tr" and "id" in node.attrs}

    # -- inline -----------------------------------------------------------------------------
    def inline(self, children: Iterable[Node | str]) -> str:
        out = []
        for child in children:
            if isinstance(child, str):
                text = _collapse(child)
                if text:
                    out.append("#" + _string(text))
                continue
            body = self.inline(child.children)
            if child.tag in ("strong", "b"):
                out.append(f"#strong[{body}]")
            elif child.tag in ("em", "i"):
                out.append(f"#emph[{body}]")
            elif child.tag == "br":
                out.append("#linebreak()")
            elif child.tag == "a" and child.attrs.get("href", "").startswith("#"):
                target = child.attrs["href"][1:]
                out.append(f"#link(<{target}>)[{body}]" if target in self.labels and LABEL.match(target) else body)
            elif child.tag == "span" and child.has("not_met"):
                out.append(f'#text(fill: rgb("#aa0000"))[{body}]')
            else:
                out.append(body)
        return "".join(out)

    def text_of(self, node: Node) -> str:
        return self.inline(node.children).strip()

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, nodes: Iterable[Node | str]) -> str:
        return "".join(self.statements(nodes))

    def statements(self, nodes: Iterable[Node | str]) -> list[str]:
        """The blocks of ``nodes`` one by one, those of a section or main element flattened."""
        out = []
        for node in nodes:
            if not isinstance(node, Node):
                continue
            if node.tag in ("main", "section"):
                if node.has("appendix") or node.has("annex"):
                    out.append("#pagebreak(weak: true)\n")
                out += self.statements(node.children)
            else:
                out.append(self.block(node))
        return out

    def block(self, node: Node) -> str:
        tag = node.tag
        if tag in ("main", "section"):
            return self.blocks([node])
        if tag == "p":
            body = self.text_of(node)
            if node.has("basis"):
                body = f"#emph[{body}]"
            elif node.has("no-prose"):
                body = f'#text(style: "italic", fill: luma(85))[{body}]'
            return f"#par[{body}]\n"
        if tag in ("h2", "h3", "h4"):
            level = 1 if tag == "h2" else 2 if tag == "h3" else 3
            heading = f"#heading(level: {level})[{self.text_of(node)}]"
            return (f"#align(center)[{heading}]\n" if node.has("appendix-title") else heading + "\n")
        if tag == "ul":
            return "".join(self.item(li) for li in node.elements("li"))
        if tag == "table":
            return self.table(node)
        if tag == "figure":
            return self.figure(node)
        if tag == "div":
            return self.div(node)
        raise ValueError(f"block <{tag}> outside the report's subset")

    def item(self, li: Node) -> str:
        marker = "+ " if li.has("plus") else "- "
        return f"#par[#{_string(marker)}{self.text_of(li)}]\n"

    def div(self, node: Node) -> str:
        if node.has("form"):  # its title lines stay on the page of the table's start
            titles = [d for d in node.elements("div")]
            tables = [n for n in node.elements() if n.tag != "div"]
            return f"#block(sticky: true, width: 100%)[{self.blocks(titles)}]\n" + self.blocks(tables)
        if node.has("form-code"):
            return f'#align(right, text(size: 10pt, style: "italic")[{self.text_of(node)}])\n'
        if node.has("form-title"):
            return f'#centred(text(size: 12pt, weight: "bold")[{self.text_of(node)}])\n'
        if node.has("form-lines"):
            lines = "#linebreak()".join(self.text_of(d) for d in node.elements("div"))
            return f"#centred(text(size: 11pt)[{lines}])\n" if lines else ""
        if node.has("form-attached"):
            return f'#centred(text(size: 11pt, style: "italic")[{self.text_of(node)}])\n'
        if node.has("form-unit"):
            body = self.text_of(node)
            return f'#align(right, text(size: 10pt, style: "italic")[{body}])\n' if body else ""
        if node.has("doc-title"):
            return f'#v(10pt)#centred(text(size: 14pt, weight: "bold")[{self.text_of(node)}])\n'
        if node.has("doc-subject"):
            lines = "#linebreak()".join(self.text_of(d) for d in node.elements("div") if not d.has("rule"))
            return f'#centred(text(weight: "bold")[{lines}])\n#rule\n#v(8pt)\n'
        if node.has("failed-checks-banner"):
            return ""  # on every page, as the footer (see pdf)
        return self.blocks(node.children) if node.elements() else f"#par[{self.text_of(node)}]\n"

    def figure(self, node: Node) -> str:
        img = node.find("img")
        name = f"chart-{len(self.images) + 1}.png"
        self.images[name] = img.png()
        caption = node.find("figcaption")
        text = f'#text(size: 11pt, style: "italic")[{self.text_of(caption)}]' if caption else ""
        return (f"#block(breakable: false, width: 100%)[#align(center)[#image({_string(name)}, width: 100%)"
                f"#linebreak(){text}]]\n")

    # -- the letter frame -------------------------------------------------------------------
    def frame_cell(self, td: Node) -> str:
        lines = []
        for div in td.elements("div"):
            if div.has("rule"):
                lines.append("#rule")
                continue
            if div.has("signature-space"):
                lines.append("#v(22mm)")
                continue
            body = self.text_of(div)
            style = next((FRAME_LINES[css] for css in div.classes if css in FRAME_LINES), "{}")
            body = style.replace("{}", body)
            lines.append(f"#block(above: 0pt, below: 0pt)[{body}]")
        return "".join(lines)

    def frame(self, node: Node, widths: tuple[str, str]) -> str:
        cells = node.find("tr").elements("td")
        rendered = []
        for td in cells:
            body = self.frame_cell(td)
            if td.has("recipients"):
                rendered.append(f"[#set par(first-line-indent: 0pt, justify: false); #set text(size: 11pt); {body}]")
            else:
                weight = '#set text(weight: "bold"); ' if td.has("signer") else ""
                rendered.append(f"[#set par(first-line-indent: 0pt, justify: false); {weight}#align(center)[{body}]]")
        space = "#v(14pt)" if node.has("doc-closing") else ""
        return (f"{space}#block(breakable: false)[#grid(columns: ({widths[0]}, {widths[1]}), column-gutter: 4pt, "
                + ", ".join(rendered) + ")]\n#v(8pt)\n")

    # -- tables -----------------------------------------------------------------------------
    def table(self, node: Node) -> str:
        if node.has("doc-header"):
            return self.frame(node, ("40%", "60%"))
        if node.has("form-signature"):  # under an appendix form
            return f'#[#set text(size: 12pt); {self.frame(node, ("35%", "65%"))}]\n'
        if node.has("doc-closing"):
            return self.frame(node, ("45%", "55%"))
        size = "9pt" if node.has("form-table") else "8.5pt" if node.has("annex-table") else "11pt"
        widths = [f"{share:g}fr" for share in node.column_shares()]
        head_rows, rows = node.rows()
        if not widths:
            first = (head_rows or rows)[0]
            widths = ["1fr"] * sum(int(c.attrs.get("colspan", 1)) for c in first.elements())
        # A total row stays with the row above it: a zero-width column whose one cell spans both
        # (an unbreakable rowspan), so no page holds the repeated header and the total alone.
        keep = len(rows) > 1 and rows[-1].has("total")
        tails = [[] for _ in rows]
        if keep:
            widths.append("0pt")
            tails = [[_PAD] for _ in rows[:-2]] + [[_PAD_TWO], []]
        head_tail = [_PAD] if keep else []
        header_cells = [c for tr in head_rows
                        for c in [*(self.cell(th, header=True, row=tr) for th in tr.elements()), *head_tail]]
        cells = [c for tr, tail in zip(rows, tails)
                 for c in [*(self.cell(td, header=False, row=tr) for td in tr.elements()), *tail]]
        parts = []
        if header_cells:
            parts.append("table.header(repeat: true, " + ", ".join(header_cells) + ")")
        parts += cells
        inset = "(x: 3pt, y: 2pt)" if not node.has("annex-table") else "(x: 3pt, y: 1.5pt)"
        table = f"table(columns: ({', '.join(widths)},), inset: {inset}, " + ", ".join(parts) + ")"
        caption = node.find("caption")
        below = (f'#block(above: 3pt, width: 100%)[#align(center, text(size: 10pt, style: "italic")'
                 f'[{self.text_of(caption)}])]'
                 if caption is not None else "")
        return (f"#block(above: 6pt, below: 10pt, width: 100%)[#set text(size: {size}); "
                f"#set par(justify: false, first-line-indent: 0pt, leading: 0.1em, spacing: 3pt); #{table}{below}]\n")

    def cell(self, node: Node, header: bool, row: Node) -> str:
        body = self.text_of(node)
        spans = ""
        if int(node.attrs.get("rowspan", 1)) > 1:
            spans += f", rowspan: {int(node.attrs['rowspan'])}"
        if int(node.attrs.get("colspan", 1)) > 1:
            spans += f", colspan: {int(node.attrs['colspan'])}"
        label = ""
        if "id" in row.attrs and LABEL.match(row.attrs["id"]) and node is row.elements()[0]:
            label = f"#metadata(none) <{row.attrs['id']}>"
        if header:
            if row.has("colnum"):
                return f"table.cell(align: center{spans})[#emph[{body}]]"
            return f"table.cell(align: center + horizon, fill: luma(238){spans})[#strong[{body}]]"
        classes = node.classes
        align = ("right" if classes & {"count", "rate", "decimal"} else "center" if "index" in classes
                 else "left")
        if "code" in classes:  # an id may break after a dot (as CSS overflow-wrap: anywhere)
            body = self.inline([node.text().replace(".", ".\u200b").replace("_", "_\u200b")])
            body = f'#text(font: "Liberation Mono", size: 7.5pt)[{body}]'
        if row.has("total"):
            body = f"#strong[{body}]"
        if row.has("error"):
            body = f'#text(fill: rgb("#b00020"), weight: "bold")[{body}]'
        return f"table.cell(align: {align}{spans})[{label}{body}]"


def markup(html: str | Node, title: str = "", banner: str | None = None) -> tuple[str, dict[str, bytes]]:
    """The Typst source of a report page (its HTML, or its content tree already parsed), and the
    images it reads (name -> PNG bytes): the document pdf compiles, in one source."""
    preamble, statements, images = _document(html, banner)
    return preamble + DEFS + "".join(statements) + DOCUMENT.format(_string(title)), images


def _document(html: str | Node, banner: str | None) -> tuple[str, list[str], dict[str, bytes]]:
    root = html if isinstance(html, Node) else parse(html)
    writer = _Writer(root)
    if banner is None:  # a run published with failed checks: the page's banner, on every page
        node = root.first("div", "failed-checks-banner")
        banner = node.text() if node is not None else None
    footer = (f'align(center, text(size: 9pt, fill: rgb("#b00020"))[{writer.inline([banner])}])'
              if banner else "none")
    return PREAMBLE.replace("BANNER", footer), writer.statements(root.children), writer.images


# A Typst element's identity holds its span: its file and its node's number there, numbers spread
# over the file by its count of nodes. In one source, a row more anywhere renumbers every element
# and a document never finds another's memoized work (see EVICTIONS). So the body is compiled as
# parts read by a main file that is the same for every document: each large block (a table) a
# file of its own, the small ones between (paragraphs, headings) a file together; a file named by
# its shape (its text with the texts left out) and the how-many-th of that shape it is. A part of
# the same shape as another commune's has the same spans, and its cells, lines and words the same
# as there are found again. Same pages, same bytes.
LITERAL = re.compile(r'#"(?:[^"\\]|\\.)*"')
MAIN = '#for part in json("parts.json") { include part }\n'
LARGE = 1000  # characters of a block that is a part of its own


def _parts(statements: list[str]) -> dict[str, str]:
    """The body's files (name -> Typst source), in the order of the body."""
    groups: list[list[str]] = []
    for statement in statements:
        if len(statement) >= LARGE or not groups or len(groups[-1][-1]) >= LARGE:
            groups.append([])
        groups[-1].append(statement)
    seen: dict[str, int] = {}
    parts = {}
    for group in groups:
        text = "".join(group)
        shape = hashlib.sha1(LITERAL.sub('#""', text).encode("utf-8")).hexdigest()[:16]
        count = seen.get(shape, 0)
        seen[shape] = count + 1
        parts[f"part-{shape}-{count}.typ"] = '#import "defs.typ": *\n' + text
    return parts


def font_paths() -> list[str]:
    return [str(d) for d in FONT_DIRS if d.is_dir()]


@functools.lru_cache(maxsize=4)
def _fonts(paths: tuple[str, ...]) -> typst.Fonts:
    """The fonts of the project's set-up, found and read once a process (the same set as
    ``font_paths=paths, ignore_system_fonts=True``: those files and Typst's embedded fonts)."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(paths))


def pdf(html: str | Node, title: str = "", banner: str | None = None) -> bytes:
    """The PDF of a report page (the HTML of the report's templates, or its content tree)."""
    preamble, statements, images = _document(html, banner)
    parts = _parts(statements)
    with tempfile.TemporaryDirectory(prefix="cchc-typst-") as folder:
        root = Path(folder)
        for name, data in images.items():
            (root / name).write_bytes(data)
        for name, text in parts.items():
            (root / name).write_text(text, encoding="utf-8")
        (root / "defs.typ").write_text(DEFS, encoding="utf-8")
        (root / "parts.json").write_text(json.dumps(list(parts)), encoding="utf-8")
        (root / "report.typ").write_text(preamble + MAIN + DOCUMENT.format(_string(title)), encoding="utf-8")
        try:
            return typst.compile(str(root / "report.typ"), root=str(root), font_paths=_fonts(tuple(font_paths())))
        finally:
            _age(EVICTIONS)


# Typst memoizes its work in one cache per process (comemo): a result is found again only for
# the same inputs (hashes of the source, of every file, font and style it read, checked again on
# reuse), so a compile never takes another document's content, only its work: the shaped words
# and laid-out cells the two documents have in common. The `typst` package ages every entry by one
# after each compilation and drops what went unused for MAX_AGE of them (`comemo::evict(10)`; it
# offers no eviction of its own); each compile of an empty document is one more ageing. Kept as
# the package leaves it, the cache grew by about 100 MB a report in a process that writes report
# after report (a batch worker, the export worker) up to about 1 GB. After each PDF, EVICTIONS
# more: what a compile used is kept for the next KEEP compiles, then dropped ((1 + 3) x 2 = 8 <=
# 10 < (1 + 3) x 3 ageings), so the cache holds at most the work of the last two PDFs. A batch
# worker writes two a report (report.pdf, kiem-tra.pdf): each finds the same PDF of the previous
# commune, as much of it as is alike (the parts of the same shape, see _parts: their cells, lines
# and words; the PDF's own writing is never memoized): on the demo communes report.pdf about a
# third less Typst time, kiem-tra.pdf a tenth to a third (its tables differ more from commune to
# commune). Memoized results are the same as computed ones: the PDF's bytes do not change (tested
# against a cold cache).
MAX_AGE, KEEP = 10, 2
EVICTIONS = (MAX_AGE + KEEP + 1) // (KEEP + 1) - 1  # the fewest with (1 + EVICTIONS) x (KEEP + 1) > MAX_AGE


_local = threading.local()


def _ageing_compiler() -> typst.Compiler:
    """A compiler of an empty document (package data only), kept: each compile is one ageing. One
    a thread: a compiler compiles one document at a time (a Dask worker's threads write PDFs at once)."""
    if not hasattr(_local, "empty"):
        _local.empty = typst.Compiler(ignore_system_fonts=True)
    return _local.empty


def _age(times: int) -> None:
    empty = _ageing_compiler()
    for _ in range(times):
        empty.compile(b"")


def forget() -> None:
    """Empty Typst's memo cache: the next PDF is compiled from nothing (tests compare with it)."""
    _age(MAX_AGE + 1)
