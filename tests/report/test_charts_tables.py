"""Charts, tables and the Excel appendix as a signer and a printer see them (issue 12, point 6):
charts numbered with a title and a source line, a partial month marked, series apart in
greyscale; no page holding a repeated header only for the total row; the workbook's totals as
formulas whose cached values are the figures, formats without a dangling separator, row heights
that fit, the "Kèm theo" line and the signature block on every appendix form."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx as python_docx
import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from PIL import Image, ImageColor

from cchc.config.letter import build_document
from cchc.config.params import Window, load_params
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet, count, load_figures
from cchc.forms import xlsx as forms_xlsx
from cchc.forms.indicators import indicator_forms
from cchc.forms.tthc import tthc_forms
from cchc.render import docx, pdf
from cchc.render.blocks import parse
from cchc.report import charts, raster

from conftest import REPO, run_cli
from programs import office_to_pdf, pdf_pages, pdftotext

UNIT, PERIOD = "nguyen-luong-bang", "2025"
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
META = {"unit": "hồ sơ", "label": "x", "definition": "x"}
HALF_YEAR = Window(dt.date(2025, 7, 1), dt.date(2025, 12, 9))


def monthly_figures() -> FigureSet:
    figures = FigureSet()
    for month, online, direct, postal in (("2025-10", 900, 300, 40), ("2025-11", 800, 350, 30),
                                          ("2025-12", 250, 90, 20)):
        for channel, value in (("online", online), ("direct", direct), ("postal", postal)):
            figures.add(count(f"tthc.by_month.{month}.received.{channel}", value, META, [],
                              breakdown="by_month", group=month))
    for key, value in (("resolved.early", 900), ("resolved.on_time", 120), ("resolved.late", 8),
                       ("pending.not_due", 300), ("pending.overdue", 12)):
        figures.add(count(f"tthc.{key}", value, META, []))
    return figures


# --- charts ------------------------------------------------------------------------------

def test_partial_month_is_marked_only_when_the_window_stops_mid_month():
    figures = monthly_figures()
    notes = charts.partial_months(figures, HALF_YEAR)
    assert len(notes) == 1 and "01–09/12/2025" in notes[0] and "09/12/2025" in notes[0]
    html = str(charts.chart_figure("received_by_month", figures, HALF_YEAR, 3))
    assert "01–09/12/2025" in html and notes[0] in html
    whole = Window(dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert charts.partial_months(figures, whole) == []
    assert "chart-note" not in str(charts.chart_figure("received_by_month", figures, whole, 3))
    # a window that starts mid-month marks its first month too
    late_start = Window(dt.date(2025, 10, 15), dt.date(2025, 12, 31))
    assert [n.split(":")[0] for n in charts.partial_months(figures, late_start)] == [
        load_yaml("report/labels.yaml")["charts"]["received_by_month"]["partial_note"].split(":")[0].format(
            first="15", last="31", month="10", year=2025)]
    # the bars differ: the partial month's tick is drawn, so the image changes with the window
    assert charts.received_by_month(figures, HALF_YEAR) != charts.received_by_month(figures, whole)
    assert charts.received_by_month(figures, HALF_YEAR) == charts.received_by_month(figures, HALF_YEAR)


def test_chart_caption_number_title_and_source():
    labels = load_yaml("report/labels.yaml")["charts"]
    for name in charts.CHARTS:
        node = parse(str(charts.chart_figure(name, monthly_figures(), HALF_YEAR, 7)))
        caption = _tag(node, "figcaption").text()
        assert caption.startswith(labels["caption_format"].format(number=7, title=labels[name]["title"]))
        source = node.first("span", "chart-source").text()
        assert source.startswith("Nguồn:") and "09/12/2025" in source
        assert _tag(node, "img").png()[:8] == b"\x89PNG\r\n\x1a\n"


def _tag(node, tag: str):
    return next(n for n in node.walk() if n.tag == tag)


def _grey(colour: str) -> int:
    return ImageColor.getcolor(colour, "L")


def test_series_apart_in_greyscale_and_each_visible():
    """Printed in greyscale, each series' fill is a distinct grey (and apart from the white
    page), and each grey is actually on the image (bars and legend)."""
    image = Image.open(io.BytesIO(charts.received_by_month(monthly_figures(), HALF_YEAR))).convert("L")
    histogram = image.histogram()
    greys = {name: _grey(look["fill"]) for name, look in charts.SERIES.items()}
    for (a, ga), (b, gb) in itertools.combinations([*greys.items(), ("page", 255)], 2):
        assert abs(ga - gb) >= 40, (a, b, ga, gb)
    for name, grey in greys.items():
        assert sum(histogram[max(grey - 2, 0): grey + 3]) >= 200, name
    bars = Image.open(io.BytesIO(charts.timeliness(monthly_figures(), HALF_YEAR))).convert("L").histogram()
    fills = sorted(_grey(look["fill"]) for look in charts.BARS.values())
    assert len(set(fills)) == len(fills)
    for grey in fills:
        assert sum(bars[max(grey - 2, 0): grey + 3]) >= 100, grey



def other_figures() -> FigureSet:
    """Another commune: fewer months, other values (other ticks), a zero month."""
    figures = FigureSet()
    for month, online, direct, postal in (("2025-11", 4100, 2300, 0), ("2025-12", 1900, 700, 7)):
        for channel, value in (("online", online), ("direct", direct), ("postal", postal)):
            figures.add(count(f"tthc.by_month.{month}.received.{channel}", value, META, [],
                              breakdown="by_month", group=month))
    for key, value in (("resolved.early", 15), ("resolved.on_time", 4200), ("resolved.late", 0),
                       ("pending.not_due", 2600), ("pending.overdue", 90)):
        figures.add(count(f"tthc.{key}", value, META, []))
    return figures


def _pixels(png: bytes):
    import numpy

    return numpy.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_chart_png_is_savefig_in_a_box_within_a_few_pixels_of_the_tight_one(monkeypatch):
    """A chart is drawn once (issue 14), not measured then drawn as savefig(bbox_inches="tight")
    does: its pixels are those matplotlib's own Agg canvas draws (no measure shared) with
    ``savefig(bbox_inches=larger)``, a box larger than the chart's whose top-left corner is whole
    inches from the figure's (the phase of the hatches), cropped to the chart's box (but for a
    line's end on a half pixel, which the canvas' size can round either way); that box is
    the tight box within a few pixels on each side, with exactly savefig.pad_inches of page
    around the ink."""
    import math

    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    made = []
    png = charts._png

    def both(figure) -> bytes:
        ours = png(figure)
        _, box = raster.cropped(figure)
        FigureCanvasAgg(figure)  # matplotlib's canvas and renderers
        top = figure.get_figheight() + math.ceil(box.y1 - figure.get_figheight()) + 1
        larger = Bbox([[math.floor(box.x0) - 1, box.y0 - 0.4], [box.x1 + 0.6, top]])  # whole pixels
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=charts.DPI, bbox_inches=larger)
        left, down = (round((box.x0 - larger.x0) * charts.DPI), round((larger.y1 - box.y1) * charts.DPI))
        saved = _pixels(buffer.getvalue())[down:down + round(box.height * charts.DPI),
                                           left:left + round(box.width * charts.DPI)]
        tight = figure.get_tightbbox(figure.canvas.get_renderer()).padded(rcParams["savefig.pad_inches"])
        made.append((ours, saved, box, tight))
        return ours

    monkeypatch.setattr(charts, "_KEPT", threading.local())  # the canvases replaced here stay here
    monkeypatch.setattr(charts, "_png", both)
    for figures in (monthly_figures(), other_figures()):
        for window in (HALF_YEAR, None):
            for draw in (charts.received_by_month, charts.timeliness):
                draw(figures, window)
    assert len(made) == 8
    pad = round(rcParams["savefig.pad_inches"] * charts.DPI)
    for ours, saved, box, tight in made:
        pixels = _pixels(ours)
        assert pixels.shape == saved.shape
        # equal but for the odd pixel where a line ends on a half pixel (float rounding either way)
        assert (pixels != saved).any(axis=2).sum() <= 16
        assert pixels.shape[:2] == (round(box.height * charts.DPI), round(box.width * charts.DPI))
        # a few pixels: the ink within the layout boxes (most: the frameless legend's border pad)
        border = rcParams["legend.borderpad"] * rcParams["font.size"] / 72 * charts.DPI
        for edge in ("x0", "x1", "y0", "y1"):
            assert abs(getattr(box, edge) - getattr(tight, edge)) * charts.DPI <= border + 2, (edge, box, tight)
        ink = (pixels != 255).any(axis=2)
        for side in (ink[:pad], ink[-pad:], ink[:, :pad], ink[:, -pad:]):
            assert not side.any()
        for side in (ink[pad], ink[-pad - 1], ink[:, pad], ink[:, -pad - 1]):
            assert side.any()


def test_chart_png_does_not_depend_on_the_room_drawn_around_the_figure(monkeypatch):
    """What lies further out than the margin drawn around the figure (MARGIN_INCHES) is not cut:
    the chart is drawn again with twice the room, and the PNG is the same."""
    expected = [draw(monthly_figures(), HALF_YEAR) for draw in (charts.received_by_month, charts.timeliness)]
    margins = []
    drawn = raster.drawn
    monkeypatch.setattr(raster, "drawn", lambda figure, margin: margins.append(margin) or drawn(figure, margin))
    monkeypatch.setattr(raster, "MARGIN_INCHES", 0.125)  # the legend and the bars' names lie further out
    assert [draw(monthly_figures(), HALF_YEAR) for draw in (charts.received_by_month, charts.timeliness)] == expected
    assert len(margins) > 2 and max(margins) > 0.125


def test_a_style_changed_between_reports_gives_a_new_figure():
    """A kept figure is drawn again only under the settings it was made with: a chart drawn
    under another style shows it, and the next one under the charts' style is as before."""
    from matplotlib import rc_context

    before = charts.timeliness(monthly_figures(), HALF_YEAR)
    with rc_context({"axes.linewidth": 3, "xtick.major.width": 3}):
        assert charts.timeliness(monthly_figures(), HALF_YEAR) != before
    assert charts.timeliness(monthly_figures(), HALF_YEAR) == before


def test_chart_png_encoding_reads_back_as_its_pixels():
    """The PNG written without PIL's encoder (issue 14) reads back, through PIL, as the pixels
    given: RGB when all are opaque, RGBA otherwise; at the charts' resolution."""
    import numpy

    for opaque, mode in ((True, "RGB"), (False, "RGBA")):
        pixels = numpy.random.default_rng(1).integers(0, 256, (37, 53, 4), dtype=numpy.uint8)
        if opaque:
            pixels[..., 3] = 255
        image = Image.open(io.BytesIO(raster.encode(pixels)))
        assert image.mode == mode and image.size == (53, 37)
        assert numpy.array_equal(numpy.asarray(image), pixels[..., :len(mode)])
        assert round(image.info["dpi"][0]) == charts.DPI


FRESH = """
import base64, json, sys
sys.path[:0] = sys.argv[1:3]  # this test's folder, and the tests' (conftest, programs)
from test_charts_tables import HALF_YEAR, other_figures
from cchc.report import charts
print(json.dumps([base64.b64encode(draw(other_figures(), HALF_YEAR)).decode()
                  for draw in (charts.received_by_month, charts.timeliness)]))
"""


def test_chart_after_another_commune_is_the_chart_of_a_fresh_process_and_of_matplotlibs_canvas(monkeypatch):
    """Each chart keeps its figure for the next report (issue 14): a commune's chart drawn after
    another commune's is byte for byte the one a fresh process draws, and the one matplotlib's
    own Agg canvas draws on a new figure (no measure shared, nothing kept)."""
    import base64
    import sys

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draws = (charts.received_by_month, charts.timeliness)
    for draw in draws:
        draw(monthly_figures(), None)
    warm = [draw(other_figures(), HALF_YEAR) for draw in draws]
    assert warm != [draw(monthly_figures(), HALF_YEAR) for draw in draws]
    assert warm == [draw(other_figures(), HALF_YEAR) for draw in draws]
    done = subprocess.run([sys.executable, "-c", FRESH, str(Path(__file__).parent), str(Path(__file__).parents[1])], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert warm == [base64.b64decode(png) for png in json.loads(done.stdout)]
    monkeypatch.setattr(charts, "_KEPT", threading.local())
    monkeypatch.setattr(charts, "_canvas_type", lambda: FigureCanvasAgg)
    assert warm == [draw(other_figures(), HALF_YEAR) for draw in draws]


# --- tables: the total row keeps company ----------------------------------------------------

def _table_page(rows: int) -> str:
    body = "".join(f"<tr><td class='index'>{i}</td><td class='text'>Lĩnh vực số {i}</td>"
                   f"<td class='count'>{i * 7}</td></tr>" for i in range(1, rows + 1))
    return ("<html><body><main><table class='form-table'><colgroup><col style='width:10%'>"
            "<col style='width:60%'><col style='width:30%'></colgroup><thead><tr><th>STT</th>"
            "<th>Lĩnh vực giải quyết</th><th>Số hồ sơ</th></tr></thead><tbody>"
            f"{body}<tr class='total'><td class='index'></td><td class='text'>Tổng cộng</td>"
            f"<td class='count'>{rows}</td></tr></tbody></table></main></body></html>")


def _pages(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return [pdftotext(path, page=n) for n in range(1, pdf_pages(path) + 1)]


def test_no_pdf_page_holds_only_the_header_and_the_total(tmp_path):
    """Around the page break, the total row always has a data row beside it; the case where it
    would have been alone (header + total) is met and moves a data row with it."""
    first_fit = None
    for rows in range(40, 80):  # find where the table first overflows one page
        if len(_pages(pdf.pdf(_table_page(rows)), tmp_path)) > 1:
            first_fit = rows
            break
    assert first_fit is not None
    met = False
    for rows in range(first_fit - 1, first_fit + 3):
        pages = _pages(pdf.pdf(_table_page(rows)), tmp_path)
        for text in pages:
            if "Tổng cộng" in text:
                assert "Lĩnh vực số" in text, (rows, text)
                met = met or (len(pages) > 1 and text.count("Lĩnh vực số") == 1)
    assert met  # the total row did pull one data row onto its page


def test_word_keeps_the_total_row_with_the_row_above():
    document = python_docx.Document(io.BytesIO(docx.docx(_table_page(12))))
    table = document.tables[0]
    keep = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in table.rows]
    assert keep[-2] and not keep[-3] and not keep[-1]


# --- the demo: XLSX, HTML and PDF --------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("charts-tables")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    # checks owned elsewhere may fail while in progress: this module is about layout
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--allow-failed-checks")
    assert done.returncode == 0, done.stderr
    out = root / "outputs" / UNIT / PERIOD
    figures = load_figures(out / "figures.json")
    document = build_document(load_params(root, UNIT, PERIOD))
    return root, out, figures, document


def _sheets(path: Path) -> list[ElementTree.Element]:
    with zipfile.ZipFile(path) as archive:
        names = sorted((n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n)[0]))
        return [ElementTree.fromstring(archive.read(n)) for n in names]


@pytest.mark.slow
def test_xlsx_totals_are_formulas_whose_cached_values_are_the_figures(demo):
    _, out, figures, document = demo
    forms = tthc_forms(figures, document) + indicator_forms(figures, document)
    book = openpyxl.load_workbook(out / "phu-luc.xlsx")
    formulas = 0
    for form, sheet, ws in zip(forms, _sheets(out / "phu-luc.xlsx"), book.worksheets, strict=True):
        for cell in sheet.iter(NS + "c"):
            f = cell.find(NS + "f")
            if f is None:
                continue
            formulas += 1
            found = re.fullmatch(r"SUM\(([A-Z]+)(\d+):\1(\d+)\)", f.text)
            assert found, f.text
            cached = float(cell.find(NS + "v").text)
            column, top, bottom = found[1], int(found[2]), int(found[3])
            assert cached == sum(ws[f"{column}{r}"].value for r in range(top, bottom + 1))  # recomputed
            total = form.total[column_index_from_string(column) - 1]
            assert cached == json.loads(json.dumps(figures[total.figure].value))  # figures.json
            assert bottom - top + 1 == len(form.rows)
    # every 06a total column that sums its rows is a formula (both variants)
    assert formulas >= 2 * 10


@pytest.mark.slow
def test_xlsx_formats_heights_attached_line_and_signature(demo):
    _, out, figures, document = demo
    with zipfile.ZipFile(out / "phu-luc.xlsx") as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    book = openpyxl.load_workbook(out / "phu-luc.xlsx")
    codes = {f.get("formatCode") for f in styles.iter(NS + "numFmt")}
    codes |= {cell.number_format for ws in book.worksheets for row in ws.iter_rows() for cell in row}
    assert {"#,##0", "0.00%"} <= codes
    for code in codes:  # "#,##0.##" showed 220 as "220,": no optional decimals, no trailing separator
        assert not re.search(r"\.#*(?:$|%|;)", code), code  # "." is the decimal point in a code
    forms = tthc_forms(figures, document) + indicator_forms(figures, document)
    style = load_yaml("forms/xlsx-style.yaml")
    for form, ws in zip(forms, book.worksheets, strict=True):
        texts = {ws.cell(row=r, column=c).value: r for r in range(1, ws.max_row + 1)
                 for c in range(1, ws.max_column + 1) if isinstance(ws.cell(row=r, column=c).value, str)}
        attached = ws["A3"].value
        assert attached.startswith("(Kèm theo Báo cáo số") and "09/12/2025" in attached
        assert attached.endswith("của UBND xã Nguyễn Lương Bằng)")
        last_row = max(r for text, r in texts.items() if text in {c.value for row in form.rows for c in row})
        for title in ("Người lập biểu", "Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên)"):
            assert texts.get(title, 0) > last_row, (form.id, title)
        print_area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        assert int(re.search(r"(\d+)$", print_area)[1]) >= max(texts.values())
        # every wrapped label's row is at least as high as its lines
        widths = {c: ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)}
        first = int(re.search(r"\d+", ws.freeze_panes)[0])
        for r in range(first, first + len(form.rows)):
            for c in range(1, ws.max_column + 1):
                value = ws.cell(row=r, column=c).value
                if isinstance(value, str) and value:
                    lines = forms_xlsx._line_count(value, widths[c], style["size"]["body"], False)
                    assert ws.row_dimensions[r].height >= lines * 15.75, (form.id, r, value)


@pytest.mark.slow
def test_html_appendix_forms_carry_attached_line_and_signature_body_tables_do_not(demo):
    _, out, _, _ = demo
    root = parse((out / "report.html").read_text(encoding="utf-8"))
    appendix = root.first("section", "appendix")
    forms = [n for n in appendix.walk() if n.tag == "div" and n.has("form")]
    assert len(forms) == len(load_yaml("forms/bieu-mau.yaml")["forms"])
    for form in forms:
        attached = form.first("div", "form-attached").text()
        assert attached.startswith("(Kèm theo Báo cáo số") and "UBND xã Nguyễn Lương Bằng" in attached
        signature = form.first("table", "form-signature").text()
        assert "Người lập biểu" in signature and "Thủ trưởng đơn vị" in signature
        assert signature.count("(Ký, ghi rõ họ tên") == 2
    body_forms = [n for n in root.walk() if n.tag == "div" and n.has("form") and n not in forms]
    assert body_forms and all(f.first("table", "form-signature") is None for f in body_forms)


@pytest.mark.slow
def test_pdf_charts_numbered_with_source_and_partial_month(demo, tmp_path):
    _, out, figures, _ = demo
    pages = _pages((out / "report.pdf").read_bytes(), tmp_path)
    text = " ".join(" ".join(pages).split())
    labels = load_yaml("report/labels.yaml")["charts"]
    first = text.index(labels["caption_format"].format(number=1, title=labels["received_by_month"]["title"]))
    second = text.index(labels["caption_format"].format(number=2, title=labels["timeliness"]["title"]))
    assert first < second and "Biểu đồ 3." not in text
    assert text.count("Nguồn: Danh sách hồ sơ TTHC") == 2
    assert "01–09/12/2025" in text and "chưa đủ tháng" in text  # the demo stops on 09/12
    # the signed document's appendix forms: each with its "Kèm theo" line and signature block
    assert text.count("(Kèm theo Báo cáo số") == len(load_yaml("forms/bieu-mau.yaml")["forms"])
    assert text.count("Người lập biểu") == len(load_yaml("forms/bieu-mau.yaml")["forms"])
    # no page carries the 06a header only for the total row
    names = {f.extra["group"] for f in figures if f.extra.get("breakdown") in ("by_field", "by_agency")}
    for page in pages:
        if "Tổng cộng" in page and "STT" in page:
            flat = " ".join(page.split())
            assert any(name in flat for name in names), page[:400]


@pytest.mark.slow
def test_xlsx_printed_by_libreoffice_has_no_page_with_only_header_and_signature(demo, tmp_path):
    """The workbook as a real client prints it: every page with a signature block (or a total
    row) also holds a data row of its form."""
    _, out, _, _ = demo
    shutil.copy(out / "phu-luc.xlsx", tmp_path / "phu-luc.xlsx")
    printed = office_to_pdf(tmp_path / "phu-luc.xlsx", tmp_path)
    pages = [pdftotext(printed, "-layout", page=n) for n in range(1, pdf_pages(printed) + 1)]
    ends = [page for page in pages if "Người lập biểu" in page or "Tổng cộng" in page]
    assert len([p for p in pages if "Người lập biểu" in p]) == len(_sheets(out / "phu-luc.xlsx"))
    for page in ends:
        assert re.search(r"^\s*\d+\s+\S", page, re.M), page[:500]


def test_word_keeps_an_appendix_form_end_with_its_signature_block():
    from markupsafe import Markup

    from cchc.forms.html import render_form
    from cchc.forms.model import Cell, Column, Form, FormFrame

    frame = FormFrame(attached="(Kèm theo Báo cáo số 12/BC-UBND ngày 09/12/2025 của UBND xã Thử)",
                      date_line="Thử, ngày 09 tháng 12 năm 2025", left=("Người lập biểu", "(Ký, ghi rõ họ tên)"),
                      right=("Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên, đóng dấu)"))
    form = Form(id="t", code="Biểu mẫu T", title="THỬ", sheet="T", lines=[], unit_of_measure="",
                columns=[Column("STT", "#", width=5), Column("Nội dung", "@label", width=40), Column("Số", "n")],
                rows=[[Cell(i, kind="index"), Cell(f"Dòng {i}", kind="text"), Cell(i)] for i in range(1, 6)],
                frame=frame)
    html = f"<html><body><main>{render_form(form, 'Thử', lambda _id, text: Markup(text))}</main></body></html>"
    assert "(Kèm theo Báo cáo số 12/BC-UBND" in html
    document = python_docx.Document(io.BytesIO(docx.docx(html)))
    table, signature = document.tables
    assert all(p.paragraph_format.keep_with_next for c in table.rows[-1].cells for p in c.paragraphs)
    caption = next(p for p in document.paragraphs if p.text == "Thử")
    assert caption.paragraph_format.keep_with_next
    assert signature.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit") is not None
    texts = [c.text for c in signature.rows[0].cells]
    assert "Người lập biểu" in texts[0] and "Thủ trưởng đơn vị" in texts[1] and "(Ký, ghi rõ họ tên" in texts[0]
