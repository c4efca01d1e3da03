"""The Word writer: the report's content tree (cchc.render.blocks) as an editable .docx
(python-docx), for the edits an official makes before the chairman signs.

A4 with the margins of NĐ 30/2020; styles for the body, the headings (Word's own Heading 1–3,
so the navigation pane shows the outline), list items and table text, in Times New Roman
(LibreOffice shows it in the metric-compatible Liberation Serif); the two-column letter header
and the signature block as borderless tables; forms as Word tables with merged header cells,
header rows repeated on every page, rows never split, numbers right-aligned; charts as images;
page numbers centred at the top from page 2. The same content always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from cchc.core.xlsx import FIXED_TIME, zip_parts
from cchc.render import wordxml as xml
from cchc.render.blocks import Node, parse

FONT = "Times New Roman"
BODY, LIST_ITEM, TABLE_TEXT, CENTRED = "Body Text", "List Item", "Table Text", "Centred"
TEXT_WIDTH_MM = 165  # A4 210 mm less 30 + 15 mm
ALIGN = {"count": WD_ALIGN_PARAGRAPH.RIGHT, "rate": WD_ALIGN_PARAGRAPH.RIGHT,
         "decimal": WD_ALIGN_PARAGRAPH.RIGHT, "index": WD_ALIGN_PARAGRAPH.CENTER}
TABLE_SIZES = {"form-table": 9, "annex-table": 8.5, "prose-table": 11}
_SPACES = re.compile(r"[^\S\u00a0]+")  # runs of white space but the non-breaking space


def _font(style_or_run, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    element = style_or_run.element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)
    for key in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):  # a theme font wins
        fonts.attrib.pop(qn(key), None)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _font(normal, 13)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    body = styles.add_style(BODY, WD_STYLE_TYPE.PARAGRAPH) if BODY not in styles else styles[BODY]
    body.base_style = normal
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Mm(10)
    item = styles.add_style(LIST_ITEM, WD_STYLE_TYPE.PARAGRAPH)
    item.base_style = body
    item.paragraph_format.space_after = Pt(4)
    cell = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.first_line_indent = Mm(0)
    centred = styles.add_style(CENTRED, WD_STYLE_TYPE.PARAGRAPH)
    centred.base_style = normal
    centred.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centred.paragraph_format.space_after = Pt(0)
    for level in (1, 2, 3):
        heading = styles[f"Heading {level}"]
        _font(heading, 13, bold=True, italic=level == 3)
        heading.paragraph_format.space_before = Pt(10)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        heading.paragraph_format.first_line_indent = Mm(0 if level == 1 else 10)
        heading.font.all_caps = level == 1


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True  # no number on page 1
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE")


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)  # noqa: SLF001 (python-docx: a field code has no API; the run's element)


class _Writer:
    """Writes the content tree into the document's body: paragraphs, runs and tables as lxml
    elements whose property elements are made once and copied (cchc.render.wordxml)."""

    def __init__(self, document) -> None:
        self.document = document
        self.body = document.element.body
        self.paras: list[xml.Para] = []
        self.last: xml.Para | None = None  # the body's last paragraph
        self.last_table: list[list[xml.Para]] | None = None  # the last table's paragraphs, by row
        # Style ids looked up once: python-docx resolves a style name on every assignment
        self.ids = {name: document.styles[name].style_id
                    for name in (BODY, LIST_ITEM, TABLE_TEXT, CENTRED, "Heading 1", "Heading 2", "Heading 3")}
        self.table_style = document.part.get_style_id(document.styles["Table Grid"], WD_STYLE_TYPE.TABLE)

    def add(self, container, style: str | None) -> xml.Para:
        """A new paragraph of ``style`` at the end of ``container`` (the body or a cell's w:tc)."""
        paragraph = xml.Para(SubElement(container, xml.P), [("style", self.ids[style])] if style else [])
        self.paras.append(paragraph)
        if container is self.body:
            self.last = paragraph
        return paragraph

    def finish(self) -> None:
        """Every paragraph's properties, and the section's properties last in the body again."""
        for paragraph in self.paras:
            paragraph.finish()
        self.body.append(self.body.sectPr)

    # -- inline -----------------------------------------------------------------------------
    def runs(self, paragraph: xml.Para, children, bold: bool = False, italic: bool = False,
             underline: bool = False, size: float | None = None, caps: bool = False, red: bool = False,
             mono: bool = False) -> None:
        p = paragraph.p
        for child in children:
            if isinstance(child, str):
                text = _SPACES.sub(" ", child)  # non-breaking spaces kept (after "Số:")
                if p.find(xml.R) is None:  # the paragraph's first text
                    text = text.lstrip()
                if not text:
                    continue
                # font and colour: the style's
                xml.add_run(p, text.upper() if caps else text,
                            xml.run_properties(size, bold, italic, underline, red, mono))
                continue
            if child.tag == "br":
                xml.add_break(p)
                continue
            self.runs(paragraph, child.children, bold=bold or child.tag in ("strong", "b"),
                      italic=italic or child.tag in ("em", "i"), underline=underline, size=size, caps=caps,
                      red=red or child.has("not_met"), mono=mono)

    def paragraph(self, node: Node, style: str = BODY, container=None, **options) -> xml.Para:
        paragraph = self.add(container if container is not None else self.body, style)
        self.runs(paragraph, node.children, **options)
        return paragraph

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, nodes) -> None:
        for node in nodes:
            if isinstance(node, Node):
                self.block(node)

    def page_break(self) -> None:
        if self.last is not None:
            Paragraph(self.last.p, self.document).add_run().add_break(WD_BREAK.PAGE)

    def block(self, node: Node) -> None:
        tag = node.tag
        if tag in ("main", "section"):
            if node.has("appendix") or node.has("annex"):
                self.page_break()
            self.blocks(node.children)
        elif tag == "p":
            self.paragraph(node, italic=node.has("basis") or node.has("no-prose"))
        elif tag in ("h2", "h3", "h4"):
            level = 1 if tag == "h2" else 2 if tag == "h3" else 3
            heading = self.add(self.body, f"Heading {level}")
            self.runs(heading, node.children)
            if node.has("appendix-title"):
                heading.set("align", WD_ALIGN_PARAGRAPH.CENTER)
        elif tag == "ul":
            for li in node.elements("li"):
                paragraph = self.add(self.body, LIST_ITEM)
                xml.add_run(paragraph.p, "+ " if li.has("plus") else "- ", None)
                self.runs(paragraph, li.children)
        elif tag == "table":
            self.table(node)
        elif tag == "figure":
            self.figure(node)
        elif tag == "div":
            self.div(node)
        else:
            raise ValueError(f"block <{tag}> outside the report's subset")

    def div(self, node: Node) -> None:
        simple = {"form-code": (WD_ALIGN_PARAGRAPH.RIGHT, 10, False, True),
                  "form-title": (WD_ALIGN_PARAGRAPH.CENTER, 12, True, False),
                  "form-unit": (WD_ALIGN_PARAGRAPH.RIGHT, 10, False, True),
                  "form-attached": (WD_ALIGN_PARAGRAPH.CENTER, 11, False, True),
                  "doc-title": (WD_ALIGN_PARAGRAPH.CENTER, 14, True, False)}
        for css, (align, size, bold, italic) in simple.items():
            if node.has(css):
                if not node.text():
                    return
                paragraph = self.paragraph(node, CENTRED, size=size, bold=bold, italic=italic)
                paragraph.set("align", align).set("keep")
                if css == "doc-title":
                    paragraph.set("before", 16)
                return
        if node.has("form"):
            self.blocks(node.children)
        elif node.has("form-lines"):
            for line in node.elements("div"):
                self.paragraph(line, CENTRED, size=11).set("keep")
        elif node.has("doc-subject"):
            lines = [d for d in node.elements("div") if not d.has("rule")]
            for line in lines:
                self.paragraph(line, CENTRED, bold=True)
            self.rule(self.body)
        elif node.has("failed-checks-banner"):
            footer = self.document.sections[0].footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            footer_p = footer._p  # noqa: SLF001 (python-docx: the paragraph's element, written into as the body's)
            self.runs(xml.Para(footer_p, None), node.children, size=9, red=True)
        elif node.elements():
            self.blocks(node.children)
        else:
            self.paragraph(node)

    def rule(self, container) -> None:
        """A short centred line (under the agency's name and under the subject)."""
        self.add(container, CENTRED).set("indent", 22).set("after", 6).set("rule")

    def figure(self, node: Node) -> None:
        image = node.find("img")
        paragraph = self.add(self.body, CENTRED).set("keep")
        Paragraph(paragraph.p, self.document).add_run().add_picture(io.BytesIO(image.png()), width=Mm(150))
        caption = node.find("figcaption")
        if caption is not None:
            self.paragraph(caption, CENTRED, italic=True, size=11).set("after", 8)

    # -- the letter frame -------------------------------------------------------------------
    def frame(self, node: Node, widths: tuple[float, float], cant_split: bool = False) -> None:
        cells = node.find("tr").elements("td")
        twips = [xml.mm_twips(TEXT_WIDTH_MM * widths[index]) for index in range(len(cells))]
        tbl = xml.add_table(self.body, xml.table_properties(None, 0, False), twips)
        tr = xml.add_row(tbl, ("w:cantSplit",) if cant_split else ())
        start = len(self.paras)
        for index, td in enumerate(cells):
            tc = xml.add_cell(tr, xml.cell_properties(twips[index]))
            for div in td.elements("div"):
                if div.has("rule"):
                    self.rule(tc)
                    continue
                if div.has("signature-space"):
                    self.add(tc, CENTRED).set("after", 56)
                    continue
                style = TABLE_TEXT if td.has("recipients") else CENTRED
                options = {"size": 11 if td.has("recipients") else 13, "bold": td.has("signer")}
                if div.has("agency-top") or div.has("agency-name"):
                    options.update(caps=True, bold=True)
                elif div.has("nation"):
                    options.update(bold=True, size=12)
                elif div.has("slogan"):
                    options.update(bold=True, underline=True)
                elif div.has("place-date"):
                    options["italic"] = True
                elif div.has("recipients-title"):
                    options.update(bold=True, italic=True, size=12)
                elif div.has("sign-note"):
                    options.update(bold=False, italic=True)
                elif div.has("sign-title"):
                    options["bold"] = True
                if td.has("form-signer"):
                    options["size"] = 12
                self.runs(self.add(tc, style), div.children, **options)
            if tc.find(xml.P) is None:
                self.add(tc, None)
        self.last_table = [self.paras[start:]]
        self.add(self.body, CENTRED)

    # -- tables -----------------------------------------------------------------------------
    def table(self, node: Node) -> None:
        if node.has("doc-header"):
            return self.frame(node, (0.40, 0.60))
        if node.has("form-signature"):  # under an appendix form, never split across pages
            self.keep_with_form()
            return self.frame(node, (0.35, 0.65), cant_split=True)
        if node.has("doc-closing"):
            return self.frame(node, (0.45, 0.55))
        size = next((s for css, s in TABLE_SIZES.items() if node.has(css)), 11)
        head_rows, body_rows = node.rows()
        rows = head_rows + body_rows
        width = sum(int(c.attrs.get("colspan", 1)) for c in rows[0].elements()) if rows else 1
        twips = [xml.mm_twips(mm) for mm in _widths(node, width)]
        tbl = xml.add_table(self.body, xml.table_properties(self.table_style, 0.8, True), twips)
        owners = _spans(_grid(rows, width), len(rows), width)
        by_row: list[list[xml.Para]] = []
        made: dict[tuple[int, int], xml.Para] = {}  # a span's first cell -> its paragraph
        for r, tr in enumerate(rows):
            header = r < len(head_rows)
            row = xml.add_row(tbl, ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",))
            paragraphs: list[xml.Para] = []
            c = 0
            while c < width:
                owner = owners[r][c]
                if owner is None:  # a grid place no cell of the HTML fills
                    paragraph = self.add(xml.add_cell(row, xml.cell_properties(twips[c])), None)
                    paragraphs.append(paragraph)
                    c += 1
                    continue
                source, top, left, rowspan, colspan = owner
                merge = None if rowspan == 1 else "restart" if top == r else "continue"
                cell_twips = _merged_width(twips[c:c + colspan])
                if top < r:  # below the first row of a vertical span: an empty continuation
                    self.add(xml.add_cell(row, xml.cell_properties(cell_twips, colspan, merge)), None)
                    paragraphs.append(made[top, left])
                else:
                    paragraph = self.cell(row, cell_twips, colspan, merge, source, tr, header, size)
                    made[top, left] = paragraph
                    paragraphs.append(paragraph)
                c += colspan
            by_row.append(paragraphs)
        self.last_table = by_row
        if len(body_rows) > 1 and body_rows[-1].has("total"):  # the total row stays with the row above
            for paragraph in by_row[len(rows) - 2]:
                paragraph.set("keep")
        caption = node.find("caption")
        if caption is not None:
            self.paragraph(caption, CENTRED, italic=True, size=10).set("after", 10)
        else:
            self.add(self.body, CENTRED).set("after", 4)

    def cell(self, row, twips: int, colspan: int, merge: str | None, node: Node, tr: Node, header: bool,
             size: float) -> xml.Para:
        """A cell of a table (its first row when it spans several) with its text."""
        colnum = header and tr.has("colnum")
        properties = xml.cell_properties(twips, colspan, merge, centred=header,
                                         shade="EEEEEE" if header and not colnum else None)
        paragraph = self.add(xml.add_cell(row, properties), TABLE_TEXT)
        if header:
            paragraph.set("align", WD_ALIGN_PARAGRAPH.CENTER)
            self.runs(paragraph, node.children, bold=not colnum, italic=colnum, size=size)
            return paragraph
        paragraph.set("align", next((a for css, a in ALIGN.items() if node.has(css)), WD_ALIGN_PARAGRAPH.LEFT))
        self.runs(paragraph, node.children, bold=tr.has("total") or tr.has("error"), size=size,
                  red=tr.has("error"), mono=node.has("code"))
        return paragraph

    def keep_with_form(self) -> None:
        """The form's last row and its caption stay on the page of the signature block below."""
        for paragraph in (self.last_table[-1] if self.last_table else []) + ([self.last] if self.last else []):
            paragraph.set("keep")


def _grid(rows: list[Node], width: int) -> list[list[tuple[Node, tuple[int, int, int]]]]:
    """Each row's cells with their column and spans, HTML's rowspan/colspan laid on a grid."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, tr in enumerate(rows):
        placed = []
        c = 0
        for cell in tr.elements():
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(cell.attrs.get("rowspan", 1)), int(cell.attrs.get("colspan", 1))
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            if c < width:
                placed.append((cell, (c, rowspan, colspan)))
            c += colspan
        out.append(placed)
    return out


def _spans(grid, height: int, width: int) -> list[list[tuple | None]]:
    """For each row and column of the table's grid, the cell that covers it: (its node, its first
    row and column, its rowspan and colspan), or None."""
    owners: list[list[tuple | None]] = [[None] * width for _ in range(height)]
    for r, placed in enumerate(grid):
        for source, (c, rowspan, colspan) in placed:
            if r + rowspan > height or c + colspan > width:
                raise ValueError("a table cell spans beyond the table's grid")
            for dr in range(rowspan):
                for dc in range(colspan):
                    if owners[r + dr][c + dc] is not None:
                        raise ValueError("table cells overlap")
                    owners[r + dr][c + dc] = (source, r, c, rowspan, colspan)
    return owners


def _merged_width(twips: list[int]) -> int:
    """A merged cell's width: its columns' widths added (as python-docx merges cells)."""
    total = twips[0]
    for width in twips[1:]:
        if total and width:
            total += width
    return total


def _widths(node: Node, count: int) -> list[float]:
    shares = node.column_shares()
    if len(shares) != count:
        shares = [1.0] * count
    total = sum(shares)
    return [TEXT_WIDTH_MM * share / total for share in shares]


@lru_cache(maxsize=1)
def _blank() -> bytes:
    """The empty document with the report's styles and page, saved once per process (it holds no
    text of a report) and opened for each report: the same document as set up anew."""
    document = Document()
    _styles(document)
    _page(document)
    if document.paragraphs:  # python-docx has no API to delete a paragraph: its element, removed
        empty = document.paragraphs[0]._p  # noqa: SLF001
        empty.getparent().remove(empty)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx(html: str | Node, title: str = "", stamp: dt.datetime = FIXED_TIME) -> bytes:
    """The .docx of a report page (the HTML of the report's templates, or its content tree
    already parsed by cchc.render.blocks.parse); same input, same bytes."""
    root = html if isinstance(html, Node) else parse(html)
    document = Document(io.BytesIO(_blank()))
    writer = _Writer(document)
    writer.blocks(root.children)
    writer.finish()
    properties = document.core_properties
    properties.title = xml.xml_text(title)[:255]  # Word's limit for a document property
    properties.author, properties.last_modified_by = "cchc", "cchc"
    properties.created = properties.modified = stamp
    properties.revision = 1
    return zip_parts(package_parts(document), stamp)


def package_parts(document) -> dict[str, bytes]:
    """The files ``document.save()`` puts in its zip, by name and uncompressed (then sorted and
    dated by zip_parts)."""
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
