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

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cchc.core.xlsx import FIXED_TIME, deterministic_zip
from cchc.render.blocks import Node, parse

FONT = "Times New Roman"
BODY, LIST_ITEM, TABLE_TEXT, CENTRED = "Body Text", "List Item", "Table Text", "Centred"
TEXT_WIDTH_MM = 165  # A4 210 mm less 30 + 15 mm
ALIGN = {"count": WD_ALIGN_PARAGRAPH.RIGHT, "rate": WD_ALIGN_PARAGRAPH.RIGHT,
         "decimal": WD_ALIGN_PARAGRAPH.RIGHT, "index": WD_ALIGN_PARAGRAPH.CENTER}
TABLE_SIZES = {"form-table": 9, "annex-table": 8.5, "prose-table": 11}


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
        run._r.append(element)


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self.table_style = document.styles["Table Grid"]
        # Style ids looked up once: python-docx resolves a style name on every assignment
        self.ids = {name: document.styles[name].style_id
                    for name in (BODY, LIST_ITEM, TABLE_TEXT, CENTRED, "Heading 1", "Heading 2", "Heading 3")}

    def add(self, container, style: str):
        """A new paragraph of ``style`` at the end of ``container`` (the document or a cell)."""
        paragraph = container.add_paragraph()
        paragraph._p.style = self.ids[style]
        return paragraph

    # -- inline -----------------------------------------------------------------------------
    def runs(self, paragraph, children, bold: bool = False, italic: bool = False, underline: bool = False,
             size: float | None = None, caps: bool = False, red: bool = False, mono: bool = False) -> None:
        for child in children:
            if isinstance(child, str):
                text = re.sub(r"[^\S\u00a0]+", " ", child)  # non-breaking spaces kept (after "Số:")
                if not text:
                    continue
                if not paragraph.runs and not paragraph.text:
                    text = text.lstrip()
                if not text:
                    continue
                run = paragraph.add_run(text.upper() if caps else text)  # font and colour: the style's
                if size is not None:
                    run.font.size = Pt(size)
                if bold:
                    run.font.bold = True
                if italic:
                    run.font.italic = True
                if underline:
                    run.font.underline = True
                if red:
                    run.font.color.rgb = RGBColor(0xAA, 0, 0)
                if mono:
                    run.font.name = "Courier New"
                continue
            if child.tag == "br":
                paragraph.add_run().add_break()
                continue
            self.runs(paragraph, child.children, bold=bold or child.tag in ("strong", "b"),
                      italic=italic or child.tag in ("em", "i"), underline=underline, size=size, caps=caps,
                      red=red or child.has("not_met"), mono=mono)

    def paragraph(self, node: Node, style: str = BODY, container=None, **options):
        paragraph = self.add(container if container is not None else self.document, style)
        self.runs(paragraph, node.children, **options)
        return paragraph

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, nodes) -> None:
        for node in nodes:
            if isinstance(node, Node):
                self.block(node)

    def page_break(self) -> None:
        paragraphs = self.document.paragraphs
        if paragraphs:
            paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

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
            heading = self.add(self.document, f"Heading {level}")
            self.runs(heading, node.children)
            if node.has("appendix-title"):
                heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif tag == "ul":
            for li in node.elements("li"):
                paragraph = self.add(self.document, LIST_ITEM)
                paragraph.add_run("+ " if li.has("plus") else "- ")
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
                paragraph.alignment = align
                paragraph.paragraph_format.keep_with_next = True
                if css == "doc-title":
                    paragraph.paragraph_format.space_before = Pt(16)
                return
        if node.has("form"):
            self.blocks(node.children)
        elif node.has("form-lines"):
            for line in node.elements("div"):
                paragraph = self.paragraph(line, CENTRED, size=11)
                paragraph.paragraph_format.keep_with_next = True
        elif node.has("doc-subject"):
            lines = [d for d in node.elements("div") if not d.has("rule")]
            for line in lines:
                self.paragraph(line, CENTRED, bold=True)
            self.rule(self.document)
        elif node.has("failed-checks-banner"):
            footer = self.document.sections[0].footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.runs(footer, node.children, size=9, red=True)
        elif node.elements():
            self.blocks(node.children)
        else:
            self.paragraph(node)

    def rule(self, container) -> None:
        """A short centred line (under the agency's name and under the subject)."""
        paragraph = self.add(container, CENTRED)
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Mm(22)
        fmt.space_after = Pt(6)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    def figure(self, node: Node) -> None:
        image = node.find("img")
        paragraph = self.add(self.document, CENTRED)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(image.png()), width=Mm(150))
        caption = node.find("figcaption")
        if caption is not None:
            self.paragraph(caption, CENTRED, italic=True, size=11).paragraph_format.space_after = Pt(8)

    # -- the letter frame -------------------------------------------------------------------
    def frame(self, node: Node, widths: tuple[float, float]) -> None:
        cells = node.find("tr").elements("td")
        table = self.document.add_table(rows=1, cols=len(cells))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for index, td in enumerate(cells):
            cell = table.rows[0].cells[index]
            cell.width = Mm(TEXT_WIDTH_MM * widths[index])
            table.columns[index].width = cell.width  # the grid too: LibreOffice lays out by it
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            for div in td.elements("div"):
                if div.has("rule"):
                    self.rule(cell)
                    continue
                if div.has("signature-space"):
                    self.add(cell, CENTRED).paragraph_format.space_after = Pt(56)
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
                paragraph = self.add(cell, style)
                self.runs(paragraph, div.children, **options)
            if not cell.paragraphs:
                cell.add_paragraph()
        _no_borders(table)
        _cell_margins(table, 0)
        self.add(self.document, CENTRED)

    # -- tables -----------------------------------------------------------------------------
    def table(self, node: Node) -> None:
        if node.has("doc-header"):
            return self.frame(node, (0.40, 0.60))
        if node.has("form-signature"):  # under an appendix form, never split across pages
            _keep_with_form(self.document)
            self.frame(node, (0.35, 0.65))
            return _row_flag(self.document.tables[-1].rows[0], "w:cantSplit")
        if node.has("doc-closing"):
            return self.frame(node, (0.45, 0.55))
        size = next((s for css, s in TABLE_SIZES.items() if node.has(css)), 11)
        head_rows, body_rows = node.rows()
        rows = head_rows + body_rows
        width = sum(int(c.attrs.get("colspan", 1)) for c in rows[0].elements()) if rows else 1
        grid = _grid(rows, width)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table, 0.8)
        cells = table._cells  # once: python-docx recomputes the whole grid on every cell lookup
        for c, mm in enumerate(_widths(node, width)):
            table.columns[c].width = Mm(mm)
            for r in range(len(rows)):
                cells[r * width + c].width = Mm(mm)
        for r, (tr, placed) in enumerate(zip(rows, grid)):
            row = table.rows[r]
            _row_flag(row, "w:cantSplit")
            if r < len(head_rows):
                _row_flag(row, "w:tblHeader")
            for source, (c, rowspan, colspan) in placed:
                cell = cells[r * width + c]
                if rowspan > 1 or colspan > 1:
                    cell = cell.merge(cells[(r + rowspan - 1) * width + c + colspan - 1])
                self.cell(cell, source, tr, header=r < len(head_rows), size=size)
        if len(body_rows) > 1 and body_rows[-1].has("total"):  # the total row stays with the row above
            for cell in table.rows[len(rows) - 2].cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        caption = node.find("caption")
        if caption is not None:
            self.paragraph(caption, CENTRED, italic=True, size=10).paragraph_format.space_after = Pt(10)
        else:
            self.add(self.document, CENTRED).paragraph_format.space_after = Pt(4)

    def cell(self, cell, node: Node, row: Node, header: bool, size: float) -> None:
        paragraph = cell.paragraphs[0]
        paragraph._p.style = self.ids[TABLE_TEXT]
        if header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            colnum = row.has("colnum")
            self.runs(paragraph, node.children, bold=not colnum, italic=colnum, size=size)
            if not colnum:
                _shade(cell, "EEEEEE")
            return
        paragraph.alignment = next((a for css, a in ALIGN.items() if node.has(css)), WD_ALIGN_PARAGRAPH.LEFT)
        self.runs(paragraph, node.children, bold=row.has("total") or row.has("error"), size=size,
                  red=row.has("error"), mono=node.has("code"))


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


def _widths(node: Node, count: int) -> list[float]:
    shares = node.column_shares()
    if len(shares) != count:
        shares = [1.0] * count
    total = sum(shares)
    return [TEXT_WIDTH_MM * share / total for share in shares]


def _keep_with_form(document) -> None:
    """The form's last row and its caption stay on the page of the signature block below."""
    last = document.tables[-1] if document.tables else None
    for paragraph in [p for cell in (last.rows[-1].cells if last is not None else []) for p in cell.paragraphs] + \
            document.paragraphs[-1:]:
        paragraph.paragraph_format.keep_with_next = True


def _row_flag(row, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", color)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_margins(table, mm: float) -> None:
    """Left and right cell margins of ``table`` (Word's default, 1.9 mm, wraps narrow numbers)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(mm * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def docx(html: str, title: str = "", stamp: dt.datetime = FIXED_TIME) -> bytes:
    """The .docx of a report page (the HTML of the report's templates); same input, same bytes."""
    document = Document()
    _styles(document)
    _page(document)
    document.paragraphs[0]._p.getparent().remove(document.paragraphs[0]._p) if document.paragraphs else None
    _Writer(document).blocks(parse(html).children)
    properties = document.core_properties
    properties.title = title[:255]  # Word's limit for a document property
    properties.author, properties.last_modified_by = "cchc", "cchc"
    properties.created = properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue(), stamp)
