"""Forms to an XLSX workbook in a finished print layout: one sheet per form.

Each sheet: the title block (code, title, lines, unit of measure), the multi-level header
from ``Form.header_grid()`` with a row of column numbers under it, the rows and the total
row; A4 landscape, one page wide, header rows repeated on every page.

Strings are always written as strings (a value such as ``=SUM(A1:A2)`` never becomes a
formula) and in NFC. The file's bytes depend only on the forms: fixed document dates and
fixed zip entry times, entries in sorted order. The file is replaced atomically.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.atomic import write_bytes
from cchc.core.resources import load_yaml
from cchc.core.xlsx import deterministic_bytes
from cchc.forms.model import Cell, Form

MAX_SHEET_TITLE = 31
# Excel shows the user's locale separators (7.026 · 87,50 in Vietnamese). A format never ends in
# a separator: a whole number gets an integer format ("#,##0.##" showed 220 as "220,").
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
WHOLE_RATE_FORMAT = "0%"
MM = 1 / 25.4
SIGNING_ROWS = 4   # empty rows left for the signatures
A4_LONG_MM, A4_SHORT_MM = 297, 210
PT_PER_MM = 72 / 25.4
WIDTH_UNIT_PT = 6.1   # a column width unit (a digit of the 12 pt body font) in points, as LibreOffice prints
# The page's height is an estimate: the end is kept with the last data row if they would part
# on a page a little shorter, as long or a little longer than estimated.
PAGE_FACTORS = (0.98, 1.0, 1.02)
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# The alignments cells use.
WRAP = {side: Alignment(horizontal=side, vertical="center", wrap_text=True) for side in ("left", "center", "right")}
ONE_LINE = {side: Alignment(horizontal=side, vertical="center") for side in ("center", "right")}
NOTE = Alignment(horizontal="left", vertical="top", wrap_text=True)


def write_workbook(forms: list[Form], path: Path) -> None:
    """Write ``forms`` to ``path`` (one sheet each, titled ``form.sheet``), atomically."""
    write_bytes(Path(path), workbook_bytes(forms))


def workbook_bytes(forms: list[Form]) -> bytes:
    """The XLSX file of ``forms`` as bytes; the same forms always give the same bytes."""
    if not forms:
        raise ValueError("no forms to write")
    _check_sheet_titles(forms)
    style = _Style(load_yaml("forms/xlsx-style.yaml"))
    book = Workbook()
    book.remove(book.active)
    cached: dict[int, dict[str, int | float]] = {}
    for number, form in enumerate(forms, start=1):
        cached[number] = _write_sheet(book.create_sheet(_text(form.sheet)), form, style)
    # The body font is the Normal style's: Excel measures column widths in its digits, so widths
    # in characters match the text; empty cells print in it too.
    return deterministic_bytes(book, cached=cached, normal_font=style.body)


def number_format(kind: str, value: int | float | None) -> str:
    """The cell format of a value: counts and whole decimals as integers, rates as percentages
    (whole percentages without decimals)."""
    whole = value is None or float(value).is_integer()
    if kind == "rate":
        return WHOLE_RATE_FORMAT if value is not None and round(value * 100, 9).is_integer() else RATE_FORMAT
    if kind == "decimal" and not whole:
        return DECIMAL_FORMAT
    return COUNT_FORMAT


# ---------------------------------------------------------------------------------------

class _Style:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        name = data["font"]
        size = data["size"]
        self.body_size = size["body"]
        self.body = Font(name=name, size=size["body"])
        self.bold = Font(name=name, size=size["body"], bold=True)
        self.italic = Font(name=name, size=size["body"], italic=True)
        self.code = Font(name=name, size=size["code"], italic=True)
        self.title = Font(name=name, size=size["title"], bold=True)
        self.notes = Font(name=name, size=size["notes"], italic=True)
        self.fill = PatternFill("solid", fgColor=data["header_fill"])
        self.default_width = float(data["default_width"])
        self.header_row_min = float(data["header_row_min"])

def _look(cell: Any, font: Font, alignment: Alignment, border: Border | None = None,
          fill: PatternFill | None = None, number_format: str | None = None) -> None:
    """A cell's look (font, fill, border, alignment, number format) through openpyxl's style
    attributes, which register its parts in the workbook's style lists in the order of first use."""
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format


def _check_sheet_titles(forms: list[Form]) -> None:
    seen: set[str] = set()
    for form in forms:
        title = _text(form.sheet)
        if not title or len(title) > MAX_SHEET_TITLE or any(c in title for c in "[]:*?/\\"):
            raise ValueError(f"form {form.id}: sheet name {form.sheet!r} is not a valid Excel sheet name")
        if title.casefold() in seen:
            raise ValueError(f"form {form.id}: sheet name {form.sheet!r} is used twice")
        seen.add(title.casefold())


def _text(value: str) -> str:
    """NFC, without the control characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", value))


def _put_text(cell: Any, value: str) -> None:
    """A string as a string, whatever its first character (never a formula)."""
    cell.value = _text(value)
    cell.data_type = "s"


def _put(cell: Any, value: int | float | str | None) -> None:
    if value is None:
        return
    if isinstance(value, str):
        _put_text(cell, value)
    elif isinstance(value, bool):
        cell.value = int(value)
    elif isinstance(value, float) and not math.isfinite(value):
        return  # NaN/inf have no place in a form: leave the cell empty
    else:
        cell.value = value


# -- layout ------------------------------------------------------------------------------

def _char_units(text: str, size: float, bold: bool) -> float:
    """Rough width of ``text`` in Excel width units (digits of the 12 pt body font)."""
    units = 0.0
    for char in text:
        if char == " ":
            units += 0.5
        elif char.isdigit():
            units += 1.0
        elif char.isupper():
            units += 1.35
        elif char in ",.;:()[]'|!il":
            units += 0.5
        else:
            units += 0.9
    # 10 % over the glyphs' average: a label a little too wide wraps in Excel and LibreOffice;
    # a row a line too high is harmless, a line too low cuts the label.
    return units * (size / 12) * (1.08 if bold else 1.0) * 1.1


def _line_count(text: str, width: float, size: float, bold: bool) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` characters wide (word wrap)."""
    room = max(width - 1.0, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            need = _char_units(word, size, bold)
            gap = _char_units(" ", size, bold) if used else 0.0
            if used and used + gap + need > room:
                lines += 1 + int(need // room)
                used = need % room
            else:
                used += gap + need
                if used > room:
                    lines += int(used // room)
                    used = used % room
    return lines


def _line_height(size: float) -> float:
    return size * 1.3125  # Excel's row height for one line of 12 pt text: 15.75


def _text_height(text: str, width: float, size: float, bold: bool) -> float:
    return _line_count(text, width, size, bold) * _line_height(size) + 4


def _write_sheet(ws: Worksheet, form: Form, style: _Style) -> dict[str, int | float]:
    """Write one form; returns the cached value of each formula cell (its reference -> value)."""
    leaves = form.leaves()
    ncols = len(leaves)
    widths = [leaf.width if leaf.width else style.default_width for leaf in leaves]
    table_width = sum(widths)
    last_col = get_column_letter(ncols)
    for number, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(number)].width = width

    row = 1

    def banner(text: str, font: Font, horizontal: str) -> None:
        nonlocal row
        cell = ws.cell(row=row, column=1)
        _put_text(cell, text)
        _look(cell, font, WRAP[horizontal])
        if ncols > 1:
            _merge(ws, row, 1, row, ncols)
        lines = _line_count(_text(text), table_width, font.sz, bool(font.b))
        ws.row_dimensions[row].height = max(lines * _line_height(font.sz) + 4, _line_height(font.sz) + 3)
        row += 1

    # Title block
    banner(form.code, style.code, "right")
    banner(form.title, style.title, "center")
    if form.frame is not None:
        banner(form.frame.attached, style.italic, "center")
    for line in form.lines:
        banner(line, style.body, "center")
    banner(form.unit_of_measure, style.italic, "right")
    row += 1  # one empty row before the header

    # Header
    header_top = row
    depth = form.header_depth()
    heights = [style.header_row_min] * depth
    grid = sorted(form.header_grid(), key=lambda h: (h.rowspan, h.row, h.col))
    for head in grid:
        top, left = header_top + head.row, 1 + head.col
        bottom, right = top + head.rowspan - 1, left + head.colspan - 1
        cell = ws.cell(row=top, column=left)
        _put_text(cell, head.title)
        if head.rowspan > 1 or head.colspan > 1:
            _merge(ws, top, left, bottom, right)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                _look(ws.cell(row=r, column=c), style.bold, WRAP["center"], BORDER, style.fill)
        span_width = sum(widths[head.col: head.col + head.colspan])
        need = _text_height(_text(head.title), span_width, style.body_size, True)
        rows = range(head.row, head.row + head.rowspan)
        short = need - sum(heights[i] for i in rows)
        if short > 0:  # single-row cells come first; a tall spanning cell grows its last row
            heights[rows[-1]] += short
    for i, height in enumerate(heights):
        ws.row_dimensions[header_top + i].height = round(height, 2)
    row = header_top + depth

    # Column numbers
    numbering_row = row
    for c, label in enumerate(form.column_numbers(), start=1):
        cell = ws.cell(row=row, column=c)
        _put_text(cell, label)
        _look(cell, style.italic, ONE_LINE["center"], BORDER)
    ws.row_dimensions[row].height = _line_height(style.body_size) + 3
    row += 1

    # Rows and the total row
    first_data_row = row
    for cells in form.rows:
        _write_row(ws, row, cells, widths, style, bold=False)
        row += 1
    cached: dict[str, int | float] = {}
    if form.total is not None:
        _write_row(ws, row, form.total, widths, style, bold=True)
        cached = _total_formulas(ws, row, form, first_data_row)
        row += 1
    last_table_row = row - 1

    # Notes under the table
    if form.notes:
        row += 1
        for note in form.notes:
            banner(note, style.notes, "left")
            ws.cell(row=row - 1, column=1).alignment = NOTE

    if form.frame is not None:
        row = _signature(ws, row + 1, form, style)
    last_data_row = last_table_row - (1 if form.total is not None else 0)
    if last_data_row > first_data_row:
        _keep_end_together(ws, widths, style, range(header_top, numbering_row + 1), last_data_row, row - 1)

    # Sheet view and print setup
    ws.freeze_panes = f"A{first_data_row}"
    ws.sheet_view.showGridLines = False
    ws.print_title_rows = f"{header_top}:{numbering_row}"
    ws.print_area = f"A1:{last_col}{max(row - 1, last_table_row)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = style.data["margins_mm"]
    ws.page_margins = PageMargins(left=round(margins["left"] * MM, 3), right=round(margins["right"] * MM, 3),
                                  top=round(margins["top"] * MM, 3), bottom=round(margins["bottom"] * MM, 3),
                                  header=round(margins["header"] * MM, 3), footer=round(margins["footer"] * MM, 3))
    footer = ws.oddFooter.center
    footer.text = style.data["footer"]
    footer.font = f"{style.data['font']},Italic"
    footer.size = style.data["size"]["notes"]
    return cached


def _total_formulas(ws: Worksheet, row: int, form: Form, first: int) -> dict[str, int | float]:
    """A total that is the sum of its column becomes ``=SUM(…)`` of the rows above, with the
    computed figure as its cached value; any other total stays a value."""
    cached: dict[str, int | float] = {}
    if not form.rows:
        return cached
    for c, total in enumerate(form.total or [], start=1):
        column = [cells[c - 1].value for cells in form.rows]
        if total.kind != "count" or not isinstance(total.value, int | float) or isinstance(total.value, bool):
            continue
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in column):
            continue
        if sum(column) != total.value:
            continue  # a total that is not the column's sum (e.g. counted once across groups)
        letter = get_column_letter(c)
        ws.cell(row=row, column=c).value = f"=SUM({letter}{first}:{letter}{row - 1})"
        cached[f"{letter}{row}"] = total.value
    return cached


def _keep_end_together(ws: Worksheet, widths: list[float], style: _Style, titles: range, last_data: int,
                       end: int) -> None:
    """No page holds the repeated header with only the end of the sheet (the total row, the
    notes, the signature block): when the pages, as estimated from the row heights, the paper
    and the fit-to-width scale, could leave that end without a data row, a manual break before
    the last data row moves it with them. A break one row early costs little; a header page
    holding only a signature is what the reader must not get."""
    margins = style.data["margins_mm"]
    width_pt = (A4_LONG_MM - margins["left"] - margins["right"]) * PT_PER_MM
    height_pt = (A4_SHORT_MM - margins["top"] - margins["bottom"]) * PT_PER_MM
    scale = min(1.0, width_pt / (sum(widths) * WIDTH_UNIT_PT))
    heights = {r: ws.row_dimensions[r].height or _line_height(style.body_size) for r in range(1, end + 1)}
    titles_height = sum(heights[r] for r in titles)

    def apart(room: float) -> bool:
        page, used, page_of = 1, 0.0, {}
        for r in range(1, end + 1):
            if used + heights[r] > room and used > (titles_height if page > 1 else 0.0):
                page, used = page + 1, titles_height
            used += heights[r]
            page_of[r] = page
        return page_of[end] != page_of[last_data]

    if any(apart(height_pt * factor / scale) for factor in PAGE_FACTORS):
        ws.row_breaks.append(Break(id=last_data - 1))


def _signature(ws: Worksheet, row: int, form: Form, style: _Style) -> int:
    """The signature block under the table: "Người lập biểu" on the left, the date line and
    "Thủ trưởng đơn vị" on the right, each with its "(Ký, ghi rõ họ tên)" line, then room to
    sign. Returns the row after the block."""
    frame = form.frame
    ncols = len(form.leaves())
    half = max(ncols // 2, 1)
    halves = ((1, half), (half + 1, ncols)) if ncols > 1 else ((1, 1), (1, 1))
    lines = [(None, frame.date_line, style.italic), (frame.left[0], frame.right[0], style.bold),
             (frame.left[1], frame.right[1], style.italic)]
    for left, right, font in lines:
        for text, (start, end) in ((left, halves[0]), (right, halves[1])):
            if text is None:
                continue
            cell = ws.cell(row=row, column=start)
            _put_text(cell, text)
            _look(cell, font, WRAP["center"])
            if end > start:
                _merge(ws, row, start, row, end)
        ws.row_dimensions[row].height = _line_height(style.body_size) + 4
        row += 1
    for _ in range(SIGNING_ROWS):  # room for the signatures
        ws.row_dimensions[row].height = _line_height(style.body_size) + 4
        row += 1
    return row


def _merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range (the first cell keeps its value and look; the header's cells get their
    borders after merging)."""
    ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)


def _write_row(ws: Worksheet, row: int, cells: list[Cell], widths: list[float], style: _Style,
               bold: bool) -> None:
    font = style.bold if bold else style.body
    lines = 1
    for c, item in enumerate(cells, start=1):
        cell = ws.cell(row=row, column=c)
        value = item.value
        if item.kind == "text" or isinstance(value, str):
            _look(cell, font, WRAP["left"], BORDER)
            if value is not None:
                text = _text(str(value))
                _put_text(cell, text)
                lines = max(lines, _line_count(text, widths[c - 1], style.body_size, bold))
            continue
        if item.kind == "index":
            _look(cell, font, ONE_LINE["center"], BORDER)
            _put(cell, int(value) if isinstance(value, float) and value.is_integer() else value)
            continue
        _look(cell, font, ONE_LINE["right"], BORDER,
                        number_format=number_format(item.kind, value if isinstance(value, int | float) else None))
        _put(cell, value)
    ws.row_dimensions[row].height = lines * _line_height(style.body_size) + 4


__all__ = ["write_workbook", "workbook_bytes"]
