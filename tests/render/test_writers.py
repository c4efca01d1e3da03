"""The PDF (Typst) and Word (python-docx) writers, from the report's HTML subset: layout
essentials, Vietnamese text, merged header cells, nothing fetched, the same bytes twice; and
Word's file opened in a real client (LibreOffice) when the machine has one."""

from __future__ import annotations

import base64
import io
import subprocess

import docx as python_docx
import pytest

from cchc.render import blocks, docx, pdf
from cchc.report.charts import _png, _pyplot

from programs import office_to_pdf, pdf_pages, pdftotext

CHART = None


def _chart_uri() -> str:
    global CHART
    if CHART is None:
        plt = _pyplot()
        figure, axes = plt.subplots(figsize=(3, 2))
        axes.bar(["07/2025", "08/2025"], [3, 5])
        CHART = "data:image/png;base64," + base64.b64encode(_png(figure)).decode("ascii")
        plt.close(figure)
    return CHART


def page(banner: str = "") -> str:
    """A page in the report's subset: the letter frame, headings, prose, a list, a form with a
    two-level header, a chart, the closing and an annex row a number links to."""
    return f"""<html><head><title>x</title><style>p {{}}</style></head><body>
{f'<div class="failed-checks-banner">{banner}</div>' if banner else ''}
<main class="document">
<table class="doc-header"><tr><td class="agency"><div class="agency-top">Ủy ban nhân dân</div>
<div class="agency-name">Xã Nguyễn Lương Bằng</div><div class="rule"></div><div class="number">Số: /BC-UBND</div></td>
<td class="motto"><div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
<div class="slogan"><span>Độc lập - Tự do - Hạnh phúc</span></div>
<div class="place-date">Nguyễn Lương Bằng, ngày 09 tháng 12 năm 2025</div></td></tr></table>
<div class="doc-title">BÁO CÁO</div><div class="doc-subject"><div>Kết quả thực hiện nhiệm vụ Cải cách hành chính</div>
<div class="rule"></div></div>
<p class="basis">Căn cứ Kế hoạch số 20/KH-UBND;</p>
<section id="sec-tthc"><h2 class="level-1"><span class="num">II.</span> KẾT QUẢ THỰC HIỆN</h2>
<h3 class="level-2"><span class="num">2.</span> Cải cách thủ tục hành chính</h3>
<h4 class="level-3"><span class="num">2.1.</span> Kết quả giải quyết hồ sơ</h4>
<p>Tiếp nhận <a class="fig" href="#fig-tthc.received.total" title="x">7.026</a> hồ sơ, đúng hạn
<span class="fig">97,76% (6.553/6.703)</span> <span class="target not_met">(chỉ tiêu 99% – Chưa đạt)</span>;
<strong>đậm</strong> <em>nghiêng</em> &amp; "ngoặc" \\ #dấu [x] $y$ &lt;z&gt; @w.</p>
<ul class="dash"><li>Hộ tịch: 3.527 hồ sơ;</li><li class="plus">Chứng thực: 1.170 hồ sơ.</li></ul>
<div class="form" id="form-06a"><div class="form-code">Biểu mẫu 06a/VPCP/KSTT</div>
<div class="form-title">TÌNH HÌNH GIẢI QUYẾT TTHC</div><div class="form-lines"><div>Đơn vị: Xã Thử</div></div>
<div class="form-unit">Đơn vị tính: hồ sơ</div>
<table class="form-table"><caption>Bảng 1: Kết quả theo lĩnh vực</caption>
<colgroup><col style="width:10%"><col style="width:40%"><col style="width:25%"><col style="width:25%"></colgroup>
<thead><tr><th rowspan="2">STT</th><th rowspan="2">Lĩnh vực</th><th colspan="2">Số hồ sơ</th></tr>
<tr><th>Tiếp nhận</th><th>Giải quyết</th></tr><tr class="colnum"><th>(1)</th><th>(2)</th><th>(3)</th><th>(4)</th></tr></thead>
<tbody><tr><td class="index">1</td><td class="text">Hộ tịch</td><td class="count">3.527</td><td class="rate">97,76%</td></tr>
<tr class="total"><td class="index"></td><td class="text">Tổng cộng</td><td class="count">7.026</td><td class="rate">–</td></tr>
</tbody></table></div>
<figure class="chart"><img alt="Biểu đồ" src="{_chart_uri()}"><figcaption>Biểu đồ: hồ sơ theo tháng</figcaption></figure>
</section>
<table class="doc-closing"><tr><td class="recipients"><div class="recipients-title">Nơi nhận:</div><div>- UBND Thành phố;</div></td>
<td class="signer"><div class="capacity">TM. ỦY BAN NHÂN DÂN</div><div class="signer-title">CHỦ TỊCH</div>
<div class="signature-space"></div><div class="signer-name">Nguyễn Văn A</div></td></tr></table>
<section class="annex"><h2 class="appendix-title">PHỤ LỤC: NGUỒN SỐ LIỆU</h2>
<table class="annex-table"><colgroup><col style="width:50%"><col style="width:50%"></colgroup>
<thead><tr><th>Mã chỉ số</th><th>Giá trị</th></tr></thead>
<tbody><tr id="fig-tthc.received.total"><td class="code">tthc.received.total</td><td>7.026</td></tr></tbody></table>
</section></main></body></html>"""


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return pdftotext(path, "-layout")


def test_parser_refuses_tags_and_images_outside_the_subset():
    with pytest.raises(blocks.UnknownTag):
        blocks.parse("<main><iframe src='http://127.0.0.1/'></iframe></main>")
    node = blocks.parse("<img src='file:///etc/passwd'>").elements()[0]
    with pytest.raises(ValueError, match="outside the report"):
        node.png()


def test_pdf_layout_text_and_same_bytes(tmp_path):
    first = pdf.pdf(page(), "Báo cáo")
    assert first == pdf.pdf(page(), "Báo cáo")  # byte-identical re-runs
    text = _pdftotext(first, tmp_path)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ",
                     "97,76% (6.553/6.703)", '& "ngoặc" \\ #dấu [x] $y$ <z> @w.', "Tổng cộng", "Nơi nhận:",
                     "Biểu đồ: hồ sơ theo tháng", "KẾT QUẢ THỰC HIỆN"):
        assert expected in " ".join(text.split()) or expected in text, expected
    info = subprocess.run(["pdfinfo", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info or "595.28 x 841.89" in info
    fonts = subprocess.run(["pdffonts", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert {row[0].split("+")[-1] for row in rows} >= {"LiberationSerif", "LiberationSerif-Bold",
                                                        "LiberationSerif-Italic"}
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, unicode


def test_pdf_page_numbers_from_page_two(tmp_path):
    long = page().replace("<ul class=\"dash\">", "<p>" + "Đoạn văn dài để sang trang. " * 400 + "</p><ul class=\"dash\">")
    data = pdf.pdf(long, "")
    (tmp_path / "long.pdf").write_bytes(data)
    pages = [pdftotext(tmp_path / "long.pdf", page=n) for n in (1, 2)]
    assert not pages[0].lstrip().startswith("1")
    assert pages[1].lstrip().startswith("2")


def test_pdf_banner_on_every_page(tmp_path):
    long = page().replace("<ul class=\"dash\">", "<p>" + "Đoạn văn dài để sang trang. " * 900 + "</p><ul class=\"dash\">")
    (tmp_path / "banner.pdf").write_bytes(pdf.pdf(long, "", banner="Đã công bố dù 2 kiểm tra lỗi"))
    count = pdf_pages(tmp_path / "banner.pdf")
    assert count >= 3
    pages = [pdftotext(tmp_path / "banner.pdf", page=n) for n in range(1, count + 1)]
    assert [n for n, text in enumerate(pages, start=1) if "Đã công bố dù 2 kiểm tra lỗi" not in text] == []


def test_docx_styles_headings_tables_and_same_bytes():
    first = docx.docx(page(), "Báo cáo")
    assert first == docx.docx(page(), "Báo cáo")
    document = python_docx.Document(io.BytesIO(first))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "II. KẾT QUẢ THỰC HIỆN"), ("Heading 2", "2. Cải cách thủ tục hành chính"),
                        ("Heading 3", "2.1. Kết quả giải quyết hồ sơ"), ("Heading 1", "PHỤ LỤC: NGUỒN SỐ LIỆU")]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer
    header, form, closing, annex = document.tables[0], document.tables[1], document.tables[2], document.tables[3]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert form.cell(0, 0).text == "STT" and form.cell(1, 0)._tc is form.cell(0, 0)._tc  # rowspan merged
    assert form.cell(0, 2).text == "Số hồ sơ" and form.cell(0, 3)._tc is form.cell(0, 2)._tc  # colspan merged
    assert [form.cell(1, 2).text, form.cell(1, 3).text] == ["Tiếp nhận", "Giải quyết"]
    assert form.cell(3, 2).paragraphs[0].alignment == 2  # numbers right-aligned
    assert "tblHeader" in form.rows[0]._tr.xml and "cantSplit" in form.rows[3]._tr.xml
    assert "Nguyễn Văn A" in closing.cell(0, 1).text and "Nơi nhận:" in closing.cell(0, 0).text
    assert annex.cell(1, 0).text == "tthc.received.total"
    assert len(document.inline_shapes) == 1  # the chart, as an image
    body = "\n".join(p.text for p in document.paragraphs)
    assert '97,76% (6.553/6.703)' in body and "Chứng thực: 1.170 hồ sơ." in body


@pytest.mark.slow
def test_docx_opens_in_libreoffice(tmp_path):
    (tmp_path / "report.docx").write_bytes(docx.docx(page(), "Báo cáo"))
    text = pdftotext(office_to_pdf(tmp_path / "report.docx", tmp_path))
    flat = " ".join(text.split())
    for expected in ("KẾT QUẢ THỰC HIỆN", "Kết quả giải quyết hồ sơ", "Độc lập - Tự do - Hạnh phúc", "Tổng cộng",
                     "TM. ỦY BAN NHÂN DÂN"):
        assert expected in flat, expected


def test_docx_long_title_is_cut_to_words_limit():
    title = "Báo cáo " + "rất dài " * 80
    document = python_docx.Document(io.BytesIO(docx.docx(page(), title)))
    assert document.core_properties.title == title[:255]


def test_writers_from_the_parsed_tree_equal_the_writers_from_the_html():
    """The export parses the page once and gives the tree to both writers: same PDF source, same
    Word bytes as from the HTML, and the tree read by one writer is unchanged for the other."""
    html = page("Đã công bố dù 2 kiểm tra lỗi")
    tree = blocks.parse(html)
    assert pdf.markup(tree, "Báo cáo") == pdf.markup(html, "Báo cáo")
    assert docx.docx(tree, "Báo cáo") == docx.docx(html, "Báo cáo")
    assert pdf.markup(tree, "Báo cáo") == pdf.markup(html, "Báo cáo")


SPANS = """<main><table class="form-table"><colgroup><col style="width:20%"><col style="width:0%">
<col style="width:30%"><col style="width:50%"></colgroup>
<thead><tr><th rowspan="3">A</th><th colspan="2">B</th><th rowspan="2">C</th></tr><tr><th>b1</th><th>b2</th></tr>
<tr><th colspan="3">D</th></tr></thead>
<tbody><tr><td rowspan="2" colspan="2">E</td><td>1</td><td>2</td></tr><tr><td>3</td></tr>
<tr class="total"><td>T</td><td colspan="2">4</td><td>5</td></tr></tbody></table></main>"""


def _cells(tr) -> list[tuple[str | None, ...]]:
    """A row's w:tc as (width, horizontal span, vertical merge) attribute values."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for tc in tr.iter(f"{w}tc"):
        found = [tc.find(f"{w}tcPr/{w}{tag}") for tag in ("tcW", "gridSpan", "vMerge")]
        out.append(tuple(None if e is None else e.get(f"{w}w" if i == 0 else f"{w}val", "") for i, e in enumerate(found)))
    return out


def test_docx_merged_cells_as_python_docx_merges_them():
    """The Word writer lays rowspan/colspan out itself (widths added, spans, continuation
    cells, a column 0 mm wide, a row the HTML leaves short): the same cells as python-docx's
    own Table.cell().merge() on a table of the same grid."""
    document = python_docx.Document(io.BytesIO(docx.docx(SPANS)))
    written = [_cells(row._tr) for row in document.tables[0].rows]
    expected = python_docx.Document().add_table(rows=6, cols=4)
    for c, share in enumerate((20, 0, 30, 50)):
        for cell in [expected.columns[c]] + [expected.cell(r, c) for r in range(6)]:
            cell.width = python_docx.shared.Mm(165 * share / 100)
    for (r, c), (r2, c2) in (((0, 0), (2, 0)), ((0, 1), (0, 2)), ((0, 3), (1, 3)), ((2, 1), (2, 3)),
                             ((3, 0), (4, 1)), ((5, 1), (5, 2))):
        expected.cell(r, c).merge(expected.cell(r2, c2))
    assert written == [_cells(row._tr) for row in expected.rows]
    assert [c.text for c in document.tables[0].rows[4].cells] == ["E", "E", "3", ""]
    # the row above the total row stays with it: the cell that spans into it too
    assert all(p.paragraph_format.keep_with_next for c in document.tables[0].rows[4].cells for p in c.paragraphs)
    with pytest.raises(ValueError, match="overlap"):
        docx.docx("<main><table><tr><th>a</th><th rowspan='2'>b</th></tr><tr><td colspan='2'>c</td></tr></table></main>")
