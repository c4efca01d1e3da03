"""The letter frame and the city's outline (issue 12): the demo report's frame and headings are
the reference report's (its typos fixed, numbering by the program) in HTML, PDF and Word, with
the "gửi kèm theo" lines; a unit's own outline (params `outline:`) changes the headings of
all three; a bad one is refused in Vietnamese, naming the file and the key."""

import re
import shutil
from html.parser import HTMLParser

import docx
import pytest

from cchc.config.params import load_params
from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.figures.registry import FigureSet
from cchc.report.view import Report

from conftest import REPO, make_root, run_cli
from programs import pdftotext

NBSP = "\u00a0"
# The reference report's frame (bao-cao-cchc-2025-nguyen-luong-bang.txt), its typos fixed and its
# dates in the report's one date style (docs/wording.md: the parameters type "26/7/2025").
SUBJECT = ["Kết quả thực hiện nhiệm vụ Cải cách hành chính năm 2025,",
           "phương hướng, nhiệm vụ công tác CCHC trọng tâm"]
BASIS = ["Căn cứ Quyết định số 3041/SNV-CCHC ngày 26/07/2025 của Sở Nội vụ về việc ban hành Kế hoạch Cải cách "
         "hành chính nhà nước thành phố Hải Phòng 6 tháng cuối năm 2025;",
         "Thực hiện Công văn số 2237/UBND-NVKTGS ngày 27 tháng 8 năm 2025 của Ủy ban nhân dân thành phố Hải Phòng "
         "về việc thực hiện chế độ báo cáo Cải cách hành chính (CCHC) định kỳ;"]
CLOSING = ("Trên đây là kết quả thực hiện công tác Cải cách hành chính năm 2025, phương hướng, nhiệm vụ Cải cách "
           "hành chính trọng tâm. UBND xã Nguyễn Lương Bằng báo cáo Sở Nội vụ thành phố tổng hợp theo quy định./.")
RECIPIENTS = ["UBND Thành phố;", "Sở Nội vụ Thành phố;", "Thường trực Đảng uỷ;", "Thường trực HĐND xã;",
              "Chủ tịch, các PCT UBND xã;", "Các phòng, cơ quan, đơn vị xã;", "Lưu: VT, VH-XH."]
SIGNER = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
# The reference's headings in its order; numbers by the program (its "2 → 3.3" and double 3.5 gone).
HEADINGS = """I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH
1. Về công tác chỉ đạo điều hành
2. Về công tác thông tin, tuyên truyền CCHC
3. Kết quả thực hiện các nhiệm vụ của UBND thành phố, Chủ tịch UBND thành phố giao
4. Về công tác kiểm tra CCHC
5. Những mô hình, sáng kiến, giải pháp mới trong CCHC được thí điểm, nhân rộng và triển khai có hiệu quả tại địa phương
II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH
1. Cải cách thể chế
1.1. Kết quả xây dựng, ban hành văn bản quy phạm pháp luật
1.2. Kết quả tổ chức thi hành pháp luật và theo dõi, thi hành pháp luật
1.3. Kết quả thực hiện tuyên truyền, phổ biến giáo dục pháp luật
1.4. Kết quả kiểm tra, rà soát và hệ thống hóa văn bản quy phạm pháp luật
2. Cải cách thủ tục hành chính (TTHC)
2.1. Kết quả rà soát, cắt giảm, đơn giản hóa TTHC
2.2. Tổng hợp, cập nhật số lượng TTHC thuộc thẩm quyền giải quyết của địa phương
2.3. Thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết TTHC
2.4. Kết quả tổ chức và hoạt động của Trung tâm PVHCC (Cơ sở vật chất, trang thiết bị, phần mềm ứng dụng, nhân sự, \
cơ chế phối hợp, chế độ hỗ trợ cho công chức, viên chức và người lao động)
2.5. Kết quả thực hiện số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC
2.6. Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của người dân, tổ chức liên quan đến quy định TTHC
2.7. Tổng hợp, cập nhật kết quả giải quyết hồ sơ TTHC
2.8. Kết quả việc thực hiện đánh giá chất lượng giải quyết TTHC
3. Cải cách tổ chức bộ máy
3.1. Kết quả rà soát, hoàn thiện các quy định về vị trí, chức năng, nhiệm vụ, quyền hạn, cơ cấu tổ chức của các cơ \
quan, tổ chức hành chính và đơn vị sự nghiệp công lập tại địa phương
3.2. Kết quả rà soát, sắp xếp, tổ chức lại các cơ quan, tổ chức hành chính và đơn vị sự nghiệp công lập tại địa phương
3.3. Đánh giá về tình hình quản lý, sử dụng biên chế công chức, viên chức
3.4. Đánh giá kết quả thực hiện các quy định về phân cấp quản lý nhà nước giữa các cấp chính quyền ở địa phương
4. Cải cách chế độ công vụ
4.1. Kết quả xây dựng, ban hành các quy định về vị trí việc làm của công chức, viên chức
4.2. Kết quả thực hiện bổ nhiệm, đề bạt công chức, viên chức
4.3. Tình hình chấp hành kỷ luật, kỷ cương hành chính của cán bộ, công chức, viên chức tại địa phương
5. Cải cách tài chính công
5.1. Kết quả thực hiện các quy định về quản lý tài chính - ngân sách
5.2. Việc thực hiện các kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, ngân sách
5.3. Kết quả thực hiện quy định về quản lý, sử dụng tài sản công
5.4. Kết quả thực hiện cơ chế tự chủ tài chính tại các đơn vị sự nghiệp công lập thực hiện cơ chế tự chủ và Nghị \
định số 60/2021/NĐ-CP
6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số
6.1. Kết quả hoàn thiện thể chế phục vụ xây dựng, phát triển Chính quyền điện tử, Chính quyền số vào hoạt động của \
UBND xã
6.2. Kết quả xây dựng, phát triển hạ tầng kỹ thuật
6.3. Kết quả xây dựng, phát triển các hệ thống nền tảng
6.4. Kết quả xây dựng, phát triển dữ liệu
6.5. Kết quả xây dựng, phát triển các ứng dụng, dịch vụ nội bộ
6.6. Kết quả xây dựng, phát triển ứng dụng, dịch vụ phục vụ người dân, doanh nghiệp
6.7. Kết quả xây dựng, phát triển đô thị thông minh
6.8. Kết quả cung cấp dịch vụ công trực tuyến
III. ĐÁNH GIÁ CHUNG
1. Ưu điểm
2. Tồn tại, hạn chế
IV. PHƯƠNG HƯỚNG, NHIỆM VỤ CCHC TRỌNG TÂM
1. Công tác chỉ đạo, điều hành CCHC
2. Cải cách thể chế
3. Cải cách thủ tục hành chính
4. Cải cách tổ chức bộ máy hành chính
5. Cải cách chế độ công vụ
6. Cải cách tài chính công
7. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số""".splitlines()
# "(Có Phụ lục III, biểu mẫu N gửi kèm theo)" closes these sections (the reference's places).
ATTACHED = {1: "2. Về công tác thông tin", 2: "2. Cải cách thủ tục hành chính", 3: "3. Cải cách tổ chức bộ máy",
            4: "4. Cải cách chế độ công vụ", 5: "5. Cải cách tài chính công", 6: "6. Xây dựng và phát triển",
            7: "III. ĐÁNH GIÁ CHUNG"}


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Headings(HTMLParser):
    """The text of the report's numbered headings (<h2>–<h4> of the body), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4") and "level-" in (dict(attrs).get("class") or ""):
            self._open = []

    def handle_endtag(self, tag):
        if tag in ("h2", "h3", "h4") and self._open is not None:
            self.found.append(_flat("".join(self._open)))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def html_headings(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def pdf_text(path) -> str:
    return pdftotext(path, "-layout")


def docx_lines(path) -> list[str]:
    """Every paragraph of the Word file, frame tables' cells included, in order."""
    document = docx.Document(str(path))
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append(docx.text.paragraph.Paragraph(block, document).text)
        elif block.tag.endswith("}tbl"):
            for row in docx.table.Table(block, document).rows:
                for cell in row.cells:
                    lines += [p.text for p in cell.paragraphs]
    return lines


def in_order(text: str, items: list[str]) -> bool:
    at = 0
    for item in items:
        at = text.find(item, at)
        if at < 0:
            return False
        at += len(item)
    return True


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("frame")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root))
    assert done.returncode == 0, done.stderr
    return root / "outputs/nguyen-luong-bang/2025"


@pytest.mark.slow
def test_demo_frame_is_the_reference_frame_in_html_pdf_and_word(demo):
    html = (demo / "report.html").read_text(encoding="utf-8")
    pdf = _flat(pdf_text(demo / "report.pdf"))
    words = docx_lines(demo / "report.docx")
    word = _flat("\n".join(words))
    frame = [*SUBJECT, *BASIS, CLOSING, *RECIPIENTS, *SIGNER]
    for item in frame:
        assert item in _flat(html.replace("&#39;", "'")), item
        assert item in pdf, item
        assert item in word, item
    assert in_order(pdf, [SUBJECT[0], SUBJECT[1], BASIS[0], BASIS[1], HEADINGS[0], CLOSING, *RECIPIENTS])
    assert in_order(word, [SUBJECT[0], SUBJECT[1], BASIS[0], BASIS[1], HEADINGS[0], CLOSING, *RECIPIENTS])
    # the blank left for the number is kept: non-breaking spaces in HTML and Word, room in the PDF
    blank = "Số:" + NBSP * 12 + "/BC-UBND"
    assert blank in html and blank in words
    assert re.search(r"Số: {8,}/BC-UBND", pdf_text(demo / "report.pdf"))
    # "ỦY BAN NHÂN DÂN" (the agency's parent) is bold like the unit's name
    document = docx.Document(str(demo / "report.docx"))
    agency = [run for row in document.tables[0].rows for cell in row.cells for p in cell.paragraphs
              for run in p.runs if run.text in ("ỦY BAN NHÂN DÂN", "XÃ NGUYỄN LƯƠNG BẰNG")]
    assert len(agency) == 2 and all(run.font.bold for run in agency)
    assert re.search(r"\.agency-top\s*\{[^}]*font-weight:\s*bold", html)


@pytest.mark.slow
def test_demo_headings_are_the_reference_outline_in_order(demo):
    assert html_headings((demo / "report.html").read_text(encoding="utf-8")) == HEADINGS
    document = docx.Document(str(demo / "report.docx"))
    word = [_flat(p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert word[:len(HEADINGS)] == HEADINGS
    # the PDF: every heading, in order (long ones wrap over lines)
    assert in_order(_flat(pdf_text(demo / "report.pdf")), HEADINGS)


@pytest.mark.slow
def test_attached_form_lines_close_the_sections_that_have_a_form(demo):
    html = html_headings_and_attached((demo / "report.html").read_text(encoding="utf-8"))
    pdf = _flat(pdf_text(demo / "report.pdf"))
    word = _flat("\n".join(docx_lines(demo / "report.docx")))
    for number, next_heading in ATTACHED.items():
        line = f"(Có Phụ lục III, biểu mẫu {number} gửi kèm theo)"
        # the line comes right before the next section's heading
        assert html[html.index(line) + 1].startswith(next_heading), number
        for text in (pdf, word):  # nothing between them but, in the PDF, a page's number
            assert text.count(line) == 1
            assert re.search(re.escape(line) + r" (?:\d+ )?" + re.escape(next_heading), text), number


def html_headings_and_attached(html: str) -> list[str]:
    """The headings and the 'gửi kèm theo' lines of the HTML, in order."""
    items = re.findall(r"<h[234] class=[\"']level-\d[\"']>(.*?)</h[234]>"
                       r"|<p class=[\"']forms-sent[\"']><em>(.*?)</em></p>", html)
    return [_flat(re.sub(r"<[^>]+>", "", heading or attached)) for heading, attached in items]


OWN_OUTLINE = """unit_name: "Xã Thử Nghiệm"
outline:
  - id: tong_quan
    title: "TÌNH HÌNH CHUNG"
    children:
      - {id: tong_quan.dac_diem, title: "Đặc điểm tình hình của xã"}
  - id: thu_tuc
    title: "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    children:
      - id: tthc
        title: "Giải quyết thủ tục hành chính"
        form: 3
        children:
          - {id: tthc.results, title: "Kết quả giải quyết hồ sơ"}
          - {id: thu_tuc.rieng, title: "Mục riêng của đề cương"}
"""


@pytest.mark.slow
def test_a_units_own_outline_gives_its_headings_in_html_pdf_and_word(tmp_path):
    root = make_root(tmp_path, params=OWN_OUTLINE)
    prose = root / "params/xa-thu/prose/2025-07"
    prose.mkdir(parents=True)
    (prose / "tong_quan.dac_diem.md").write_text("Xã có địa bàn rộng, dân cư đông.\n", encoding="utf-8")
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    out = root / "outputs/xa-thu/2025-07"
    expected = ["I. TÌNH HÌNH CHUNG", "1. Đặc điểm tình hình của xã", "II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
                "1. Giải quyết thủ tục hành chính", "1.1. Kết quả giải quyết hồ sơ", "1.2. Mục riêng của đề cương"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html_headings(html) == expected
    assert "Xã có địa bàn rộng, dân cư đông." in html  # the generic section shows its prose
    document = docx.Document(str(out / "report.docx"))
    assert [_flat(p.text) for p in document.paragraphs if p.style.name.startswith("Heading")][:6] == expected
    pdf = _flat(pdf_text(out / "report.pdf"))
    assert in_order(pdf, [*expected, "(Có Phụ lục III, biểu mẫu 3 gửi kèm theo)"])
    assert "I. CÔNG TÁC CHỈ ĐẠO" not in pdf and "Cải cách thể chế" not in pdf  # not the city's outline


def test_the_report_refuses_to_close_with_a_part_left_out(tmp_path):
    """An outline with more parts than the notebook shows: the closing cell stops the run."""
    parts = "\n".join(f"  - {{id: p{n}, title: \"PHẦN {n}\"}}" for n in range(1, 6))
    root = make_root(tmp_path, params=f'unit_name: "Xã Thử Nghiệm"\noutline:\n{parts}\n', with_data=False)
    report = Report(load_params(root, "xa-thu", "2025-07"), FigureSet(), root)
    shown = "".join(report.part(n) for n in range(1, 5))
    assert "PHẦN 4" in shown and report.part(6) == ""
    with pytest.raises(CchcError, match="V. PHẦN 5"):
        report.closing()
    report.part(5)
    assert "Nơi nhận:" in report.closing()


@pytest.mark.parametrize("name, council", [("Phường Hòa Bình", "UBND phường"), ("Xã An Hưng", "UBND xã"),
                                           ("Đặc khu Cát Hải", "UBND đặc khu")])
def test_a_heading_naming_the_people_s_committee_says_the_unit_s_kind(tmp_path, name, council):
    root = make_root(tmp_path, params=f'unit_name: "{name}"\n', with_data=False)
    report = Report(load_params(root, "xa-thu", "2025-07"), FigureSet(), root)
    title = report.headings["egov.institutions"].title
    assert title.endswith(f"vào hoạt động của {council}") and "{" not in title
    assert all("{council}" not in heading.title for heading in report.headings.values())


def test_a_prose_edit_shows_when_the_part_runs_again(tmp_path):
    """The analyst edits a prose file and re-runs the part's cell (not the load cell): the new
    text shows (prose is read once per call, not once per report)."""
    parts = "\n".join(f"  - {{id: p{n}, title: \"PHẦN {n}\"}}" for n in range(1, 3))
    root = make_root(tmp_path, params=f'unit_name: "Xã Thử Nghiệm"\noutline:\n{parts}\n', with_data=False)
    report = Report(load_params(root, "xa-thu", "2025-07"), FigureSet(), root)
    prose = Layout(root, "xa-thu", "2025-07").prose_file("p1")
    prose.parent.mkdir(parents=True, exist_ok=True)
    prose.write_text("Bản nháp đầu tiên.\n", encoding="utf-8")
    assert "Bản nháp đầu tiên." in report.part(1)
    prose.write_text("Bản đã sửa.\n", encoding="utf-8")
    again = report.part(1)
    assert "Bản đã sửa." in again and "Bản nháp đầu tiên." not in again
    assert "Bản đã sửa." in report.section("p1")


@pytest.mark.parametrize("outline, key, words", [
    ('  - {id: "Phần 1", title: "A"}', "outline.0.id", "mã mục"),
    ('  - {id: a, title: "A", titel: "B"}', "outline.0.titel", "không được hỗ trợ"),
    ('  - {id: a, title: "A", children: [{id: a, title: "B"}]}', "outline.0.children.0.id", "chưa dùng"),
    ('  - {id: a, title: "A", form: "ba"}', "outline.0.form", "một số"),
    ("  []", "outline", ""),
])
def test_a_bad_outline_is_refused_in_vietnamese_naming_file_and_key(tmp_path, outline, key, words):
    text = f'unit_name: "Xã Thử Nghiệm"\noutline:\n{outline}\n'.replace("outline:\n  []", "outline: []")
    root = make_root(tmp_path, params=text, with_data=False)
    with pytest.raises(CchcError) as refused:
        load_params(root, "xa-thu", "2025-07")
    said = str(refused.value)
    assert "params/xa-thu/2025-07.yaml" in said and key in said and words in said
