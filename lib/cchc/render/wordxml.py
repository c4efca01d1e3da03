"""The Word file's body XML, made fast for the Word writer (cchc.render.docx).

python-docx builds a property element one child at a time, finding each child's place among its
possible siblings: thousands of paragraphs, runs and cells made that way cost most of the time
of a report's .docx. Here each distinct property element (a paragraph's w:pPr, a run's w:rPr, a
cell's w:tcPr, a row's w:trPr, a table's w:tblPr) is made once by python-docx itself, replaying
the writer's calls, and copied wherever it is needed (lxml copies an element with its children);
paragraphs, runs, rows and cells are plain lxml children. The same calls give the same elements,
so the document's bytes are those of python-docx writing every property itself. The cached
elements hold formatting only (styles, sizes, widths), never a text of the report.
"""

from __future__ import annotations

import re
from copy import copy
from functools import lru_cache

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml.etree import SubElement

FONT_MONO = "Courier New"
P, R, T, BR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:br")
TBL, TBL_GRID, GRID_COL, TR, TC = qn("w:tbl"), qn("w:tblGrid"), qn("w:gridCol"), qn("w:tr"), qn("w:tc")
W_VAL, XML_SPACE = qn("w:w"), qn("xml:space")
# What XML 1.0 refuses (lxml raises on it, and the Word file would not be written): the C0
# controls but tab, line feed and carriage return, the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML refuses (a text reaching the writer with one, from a
    parameter or a prose, loses the character rather than the document)."""
    return text if text.isprintable() else _NOT_XML.sub("", text)


class Para:
    """A paragraph being written: its ``w:p`` and the paragraph-property calls made on it, in
    order (``ops``; None: a paragraph whose properties python-docx set itself, left alone)."""

    __slots__ = ("p", "ops")

    def __init__(self, p, ops: list[tuple] | None) -> None:
        self.p, self.ops = p, ops

    def set(self, op: str, value: object = None) -> Para:
        self.ops.append((op, value))
        return self

    def finish(self) -> None:
        """The paragraph's w:pPr, first child, from its calls (none without calls)."""
        if self.ops:
            self.p.insert(0, copy(paragraph_properties(tuple(self.ops))))


def add_run(p, text: str, properties) -> None:
    """A run of ``text`` at the end of ``p``: what ``Paragraph.add_run(text)`` then its font's
    settings give (``properties``: a run_properties element, or None)."""
    text = xml_text(text)
    r = SubElement(p, R)
    if properties is not None:
        r.append(copy(properties))
    if "\t" in text or "\r" in text or "\n" in text:  # tabs and line breaks: python-docx's own split
        Run(r, None).text = text
        return
    t = SubElement(r, T)
    t.text = text
    if len(text.strip()) < len(text):
        t.set(XML_SPACE, "preserve")


def add_break(p) -> None:
    """A run holding a line break (``add_run().add_break()``)."""
    SubElement(SubElement(p, R), BR)


def _border(pPr) -> None:
    """The short rule under a paragraph (cchc.render.docx: the agency's name, the subject)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    pPr.append(borders)


@lru_cache(maxsize=1024)
def paragraph_properties(ops: tuple[tuple, ...]):
    """The w:pPr that python-docx writes for these calls on a new paragraph."""
    p = OxmlElement("w:p")
    paragraph = Paragraph(p, None)
    fmt = paragraph.paragraph_format
    for op, value in ops:
        if op == "style":
            p.style = value
        elif op == "align":
            paragraph.alignment = value
        elif op == "keep":
            fmt.keep_with_next = True
        elif op == "before":
            fmt.space_before = Pt(value)
        elif op == "after":
            fmt.space_after = Pt(value)
        elif op == "indent":
            fmt.left_indent = fmt.right_indent = Mm(value)
        elif op == "rule":
            _border(p.get_or_add_pPr())
        else:
            raise ValueError(f"unknown paragraph property {op!r}")
    return p.pPr


@lru_cache(maxsize=1024)
def run_properties(size: float | None, bold: bool, italic: bool, underline: bool, red: bool, mono: bool):
    """The w:rPr that python-docx writes for these font settings of a run (None: no settings)."""
    run = Run(OxmlElement("w:r"), None)
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
        run.font.name = FONT_MONO
    return run._r.rPr  # noqa: SLF001 (python-docx: the run's properties element, copied to later runs)


@lru_cache(maxsize=1024)
def cell_properties(twips: int, span: int = 1, merge: str | None = None, centred: bool = False,
                    shade: str | None = None):
    """The w:tcPr of a cell of python-docx's new table given its width (twips), a horizontal
    span, a vertical merge ("restart" or "continue"), centred vertically, a shading colour."""
    tc = parse_xml(f'<w:tc {nsdecls("w")}><w:tcPr><w:tcW w:type="dxa" w:w="0"/></w:tcPr><w:p/></w:tc>')
    tc.width = Twips(twips)
    if span > 1:
        tc.grid_span = span
    tc.vMerge = merge
    if centred:
        _Cell(tc, None).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if shade is not None:
        shading = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", shade)):
            shading.set(qn(key), value)
        tc.tcPr.append(shading)
    return tc.tcPr


@lru_cache(maxsize=1024)
def row_properties(flags: tuple[str, ...]):
    """The w:trPr of a row with these on/off flags ("w:cantSplit", "w:tblHeader"), in order."""
    tr = OxmlElement("w:tr")
    properties = tr.get_or_add_trPr()
    for tag in flags:
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        properties.append(flag)
    return properties


@lru_cache(maxsize=1024)
def table_properties(style_id: str | None, margin_mm: float, borders: bool):
    """The w:tblPr of python-docx's new table with the style ``style_id``, centred, fixed
    layout, no borders (when ``borders`` is False: the letter frame) and left/right cell
    margins of ``margin_mm``."""
    tbl = CT_Tbl.new_tbl(0, 1, Emu(0))
    table = Table(tbl, None)
    if style_id is not None:
        tbl.tblStyle_val = style_id
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = tbl.tblPr
    if not borders:
        element = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            SubElement(element, qn(f"w:{edge}")).set(qn("w:val"), "nil")
        properties.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(margin_mm * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.append(margins)
    return properties


def add_table(body, properties, twips: list[int]):
    """A new w:tbl at the end of ``body`` with a copy of ``properties`` and a grid of columns
    ``twips`` wide."""
    tbl = SubElement(body, TBL)
    tbl.append(copy(properties))
    grid = SubElement(tbl, TBL_GRID)
    for width in twips:
        SubElement(grid, GRID_COL).set(W_VAL, str(width))
    return tbl


def add_row(tbl, flags: tuple[str, ...]):
    tr = SubElement(tbl, TR)
    if flags:
        tr.append(copy(row_properties(flags)))
    return tr


def add_cell(tr, properties):
    tc = SubElement(tr, TC)
    tc.append(copy(properties))
    return tc


def mm_twips(mm: float) -> int:
    """A width in mm as python-docx writes it (twips)."""
    return Mm(mm).twips
