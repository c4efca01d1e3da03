"""The XLSX writer of the forms: layout, types, print setup, safety and deterministic bytes."""

import datetime as dt
import os
import re
import subprocess
import sys
import time
import types
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from cchc.figures.registry import FigureSet, count
from cchc.forms.model import Cell, Column, Form
from cchc.forms.tthc import form_06a
from cchc.forms.xlsx import workbook_bytes, write_workbook

LAND = "Chi nhánh Văn phòng đăng ký đất đai"
DANGEROUS = ["=SUM(A1:A2)", "-Hộ tịch", "@x", "+1"]
KEYS = ["to_handle", "received.online", "received.offline", "carried_over", "resolved.total",
        "resolved.early", "resolved.on_time", "resolved.late", "pending.total", "pending.not_due",
        "pending.overdue"]
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
META = {"unit": "hồ sơ", "label": "x", "definition": "x"}


def figures() -> FigureSet:
    """Overall figures and, by field, one group per name (the dangerous names included)."""
    fs = FigureSet()
    names = [LAND, *DANGEROUS]
    for position, key in enumerate(KEYS):
        fs.add(count(f"tthc.{key}", 1000 * (position + 1) + 26, META, []))
    for number, name in enumerate(names):
        slug = f"g{number}"
        for position, key in enumerate(KEYS):
            fs.add(count(f"tthc.by_field.{slug}.{key}", number * 10 + position, META, [], group=name))
    return fs


DOCUMENT = types.SimpleNamespace(form_lines=["Đơn vị báo cáo: Xã Thử Nghiệm",
                                             "Kỳ báo cáo: tháng 7 năm 2025"],
                                 number="Số:\u00a0\u00a0\u00a0/BC-UBND", date=dt.date(2025, 8, 5),
                                 intro="UBND xã Thử Nghiệm báo cáo kết quả …",
                                 date_line="Thử Nghiệm, ngày 05 tháng 8 năm 2025")


def real_06a() -> Form:
    return form_06a(figures(), DOCUMENT, "by_field")


def rate_form() -> Form:
    """A hand-built form with a rate column, a missing value and notes."""
    return Form(id="rates", code="Biểu mẫu X", title="TỶ LỆ", sheet="Tỷ lệ", lines=["(Thử)"],
                unit_of_measure="Đơn vị tính: %",
                columns=[Column("STT", "#", width=5), Column("Nội dung", "@group", width=30),
                         Column("Kết quả", children=(Column("Số", "n"), Column("Tỷ lệ", "r", width=12)))],
                rows=[[Cell(1, kind="index"), Cell("Đúng hạn", kind="text"), Cell(7026), Cell(0.9776, kind="rate")],
                      [Cell(2, kind="index"), Cell("Không có số", kind="text"), Cell(0), Cell(None, kind="rate")]],
                total=[Cell(None, kind="index"), Cell("Tổng cộng", kind="text"), Cell(7026),
                       Cell(0.5, kind="rate")],
                notes=["Ghi chú: tỷ lệ tính trên số hồ sơ đã giải quyết."])


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "forms.xlsx"
    write_workbook([real_06a(), rate_form()], path)
    return path, openpyxl.load_workbook(path)


def header_top(ws) -> int:
    """The first header row: the row holding "STT" in column A."""
    return next(row for row in range(1, 20) if ws.cell(row=row, column=1).value == "STT")


def test_sheets_and_title_block(book):
    _, wb = book
    assert wb.sheetnames == ["06a theo lĩnh vực", "Tỷ lệ"]
    ws = wb["06a theo lĩnh vực"]
    form = real_06a()
    ncols = len(form.leaves())
    assert ws["A1"].value == form.code
    assert ws["A1"].alignment.horizontal == "right" and ws["A1"].font.i
    assert ws["A2"].value == form.title and ws["A2"].font.b and ws["A2"].alignment.horizontal == "center"
    assert ws["A3"].value == "(Kèm theo Báo cáo số \u00a0\u00a0\u00a0/BC-UBND ngày 05/08/2025 của UBND xã Thử Nghiệm)"
    assert ws["A3"].font.i and ws["A3"].alignment.horizontal == "center"
    for offset, line in enumerate(form.lines):
        assert ws.cell(row=4 + offset, column=1).value == line
    uom = ws.cell(row=4 + len(form.lines), column=1)
    assert uom.value == form.unit_of_measure and uom.alignment.horizontal == "right" and uom.font.i
    assert header_top(ws) == 4 + len(form.lines) + 2  # one empty row before the header
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(ncols)
    for row in range(1, 5 + len(form.lines)):
        assert f"A{row}:{last}{row}" in merged


def boxed_cells(path, sheet_xml="xl/worksheets/sheet1.xml") -> dict[str, bool]:
    """Coordinate -> the cell has a thin border on all four sides, read from the file itself
    (openpyxl's reader rebuilds the inner cells of merged ranges and drops their borders)."""
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(archive.read(sheet_xml))
    borders = [all(side is not None and side.get("style") == "thin"
                   for side in (b.find(NS + s) for s in ("left", "right", "top", "bottom")))
               for b in styles.find(NS + "borders")]
    xfs = [borders[int(xf.get("borderId", 0))] for xf in styles.find(NS + "cellXfs")]
    return {c.get("r"): xfs[int(c.get("s", 0))] for c in sheet.iter(NS + "c")}


def test_header_matches_grid(book):
    path, wb = book
    boxed = boxed_cells(path)
    ws = wb["06a theo lĩnh vực"]
    form = real_06a()
    top = header_top(ws)
    expected = set()
    for head in form.header_grid():
        r, c = top + head.row, 1 + head.col
        cell = ws.cell(row=r, column=c)
        assert cell.value == head.title
        assert cell.font.b and cell.alignment.horizontal == "center" and cell.alignment.vertical == "center"
        assert cell.alignment.wrap_text and cell.fill.fgColor.rgb.endswith("D9D9D9")
        if head.rowspan > 1 or head.colspan > 1:
            expected.add((r, c, r + head.rowspan - 1, c + head.colspan - 1))
        for rr in range(r, r + head.rowspan):   # borders on every cell of the range
            for cc in range(c, c + head.colspan):
                assert boxed[openpyxl.utils.get_column_letter(cc) + str(rr)], (rr, cc)
    header_rows = range(top, top + form.header_depth())
    got = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges if m.min_row in header_rows}
    assert got == expected
    assert form.header_depth() == 4
    for row in header_rows:
        assert ws.row_dimensions[row].height >= 30
    numbering = top + form.header_depth()
    assert [ws.cell(row=numbering, column=c).value for c in range(1, len(form.leaves()) + 1)] == \
        form.column_numbers()
    assert ws.cell(row=numbering, column=1).font.i and ws.cell(row=numbering, column=1).alignment.horizontal == "center"
    assert ws.freeze_panes == f"A{numbering + 1}"


def test_values_types_and_formats(book):
    _, wb = book
    ws = wb["06a theo lĩnh vực"]
    form = real_06a()
    first = header_top(ws) + form.header_depth() + 1
    assert ws.column_dimensions["A"].width == 5 and ws.column_dimensions["B"].width == 34
    for r, cells in enumerate([*form.rows, form.total], start=first):
        for c, item in enumerate(cells, start=1):
            cell = ws.cell(row=r, column=c)
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
            assert cell.font.name == "Times New Roman" and cell.font.sz == 12
            if item.kind == "count":
                assert type(cell.value) is int and cell.value == item.value
                assert cell.number_format == "#,##0" and cell.data_type == "n"
            elif item.kind == "index":
                assert cell.value == item.value and cell.alignment.horizontal == "center"
            else:
                assert cell.value == item.value and cell.data_type == "s"
    total_row = first + len(form.rows)
    assert ws.cell(row=total_row, column=2).value == "Tổng cộng"
    assert ws.cell(row=total_row, column=1).value is None
    assert all(ws.cell(row=total_row, column=c).font.b for c in range(1, len(form.leaves()) + 1))
    assert not ws.cell(row=first, column=3).font.b
    assert ws.cell(row=total_row, column=3).value == 1026

    ws = wb["Tỷ lệ"]
    first = header_top(ws) + 2 + 1
    assert ws.cell(row=first, column=3).value == 7026 and ws.cell(row=first, column=3).number_format == "#,##0"
    share = ws.cell(row=first, column=4)
    assert isinstance(share.value, float) and share.value == pytest.approx(0.9776)
    assert share.number_format == "0.00%"
    assert ws.cell(row=first + 1, column=4).value is None  # None -> empty cell
    assert ws.cell(row=first + 1, column=3).value == 0
    assert ws.cell(row=first + 2, column=4).font.b and ws.cell(row=first + 2, column=4).value == 0.5
    assert ws.cell(row=first + 4, column=1).value.startswith("Ghi chú")
    assert ws.column_dimensions["C"].width == 10  # default width


def test_print_setup(book):
    _, wb = book
    for ws in wb.worksheets:
        top = header_top(ws)
        depth = 4 if ws.title.startswith("06a") else 2
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"${top}:${top + depth}"
        assert ws.print_options.horizontalCentered
        m = ws.page_margins
        assert (m.top, m.bottom, m.left, m.right) == pytest.approx((20 / 25.4, 20 / 25.4, 20 / 25.4, 15 / 25.4),
                                                                    abs=0.01)


def test_formula_like_text_stays_text(book):
    path, wb = book
    ws = wb["06a theo lĩnh vực"]
    labels = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=2) for r in range(1, ws.max_row + 1)}
    for text in DANGEROUS:
        assert labels[text].data_type == "s" and labels[text].value == text
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):  # no text became a formula: only the totals' sums
                formulas = re.findall(rb"<(?:\w+:)?f[ >/]([^<]*)", archive.read(name))
                assert all(re.fullmatch(rb"SUM\(([A-Z]+)\d+:\1\d+\)", f) for f in formulas), (name, formulas)
    formula = openpyxl.load_workbook(path, data_only=False)["06a theo lĩnh vực"]
    assert "=SUM(A1:A2)" in [formula.cell(row=r, column=2).value for r in range(1, formula.max_row + 1)]


def test_vietnamese_round_trip_nfc(tmp_path):
    form = rate_form()
    form.rows[0][1] = Cell(unicodedata.normalize("NFD", LAND), kind="text")
    path = tmp_path / "vi.xlsx"
    write_workbook([form], path)
    ws = openpyxl.load_workbook(path)["Tỷ lệ"]
    values = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)]
    assert LAND in values  # NFD in, NFC out, every diacritic kept
    assert openpyxl.load_workbook(path)["Tỷ lệ"]["A2"].value == "TỶ LỆ"


def test_default_font_is_the_body_font(tmp_path):
    path = tmp_path / "font.xlsx"
    write_workbook([rate_form()], path)
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    first_font = re.search(r"<font>.*?</font>", styles, re.S).group(0)
    assert 'val="Times New Roman"' in first_font and 'val="12"' in first_font


def test_deterministic_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook([real_06a(), rate_form()], first)
    time.sleep(1.1)
    write_workbook([real_06a(), rate_form()], second)
    assert first.read_bytes() == second.read_bytes()
    wb = openpyxl.load_workbook(first)
    assert wb.properties.creator == "cchc"
    assert wb.properties.created.year == 2000 and wb.properties.modified.year == 2000
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == sorted(names) and names[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}



def test_atomic_replace_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    write_workbook([rate_form()], path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_bad_sheet_names():
    form = rate_form()
    with pytest.raises(ValueError, match="twice"):
        workbook_bytes([form, rate_form()])
    form.sheet = "a/b"
    with pytest.raises(ValueError, match="sheet name"):
        workbook_bytes([form])
    with pytest.raises(ValueError):
        workbook_bytes([])


def test_deterministic_across_processes(tmp_path):
    """Same bytes from separate interpreters with different string-hash seeds (set orders)."""
    script = ("import sys, pathlib; sys.path.insert(0, sys.argv[2]); import test_forms_xlsx as t; "
              "t.write_workbook([t.real_06a(), t.rate_form()], pathlib.Path(sys.argv[1]))")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.xlsx"
        subprocess.run([sys.executable, "-c", script, str(out), str(Path(__file__).parent)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_text_beginning_with_a_tab_or_carriage_return_stays_text(tmp_path):
    form = rate_form()
    form.rows[0][1] = Cell("\t=1+2", kind="text")
    form.rows[1][1] = Cell("\r@SUM(A1)", kind="text")
    path = tmp_path / "forms.xlsx"
    write_workbook([form], path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):  # the one formula: the total of column C
                assert re.findall(rb"<(?:\w+:)?f[ >/][^<]*", archive.read(name)) == [b"<f>SUM(C9:C10)"], name
    ws = openpyxl.load_workbook(path)["Tỷ lệ"]
    cells = [ws.cell(row=r, column=2) for r in range(1, ws.max_row + 1)]
    found = {c.value: c.data_type for c in cells if isinstance(c.value, str) and c.value[:1] in "\t\r"}
    assert found == {"\t=1+2": "s", "\r@SUM(A1)": "s"}
