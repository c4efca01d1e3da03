"""The analyst's prose: placeholders, the hand-typed-number check, the small Markdown, neutral
text and starter files."""

import pickle
import re

import pytest

from cchc.config.figures import figure_definitions
from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet, count, rate
from cchc.report.numbers import Numbers
from cchc.report.prose import (
    ProseError,
    ProseText,
    load_prose,
    neutral_templates,
    neutral_text,
    prose_path,
    render_prose,
    section_prose,
    write_starters,
)

from conftest import meta

UNIT, PERIOD = "xa-a", "2025"
FILE = f"params/{UNIT}/prose/{PERIOD}/tthc.results.md"


@pytest.fixture
def figures():
    figures = FigureSet()
    figures.extend([
        count("tthc.received.total", 7026, meta("Tổng số hồ sơ tiếp nhận"), []),
        count("tthc.resolved.total", 6703, meta("Số hồ sơ đã giải quyết"), []),
        count("tthc.pending.total", 323, meta("Số hồ sơ đang giải quyết"), []),
        count("tthc.pending.overdue", 4, meta("Số hồ sơ đang giải quyết quá hạn"), []),
        rate("tthc.rate.on_time", 6553, 6703, meta("Tỷ lệ giải quyết đúng và trước hạn", "%"), []),
        rate("tthc.rate.online_payment", 700, 800, meta("Tỷ lệ thanh toán trực tuyến", "%"), []),
        count("tthc.satisfaction.rated", 1200, meta("Số hồ sơ được đánh giá"), []),
        rate("tthc.rate.satisfaction", 1190, 1200, meta("Tỷ lệ hài lòng", "%"), []),
    ])
    figures.apply_targets({"tthc.rate.online_payment": 0.6})
    return figures


@pytest.fixture
def numbers(figures):
    return Numbers(figures)


def render(text, figures, numbers, file=FILE):
    return str(render_prose(ProseText("tthc.results", file, text), figures, numbers))


def error(text, figures, numbers):
    with pytest.raises(ProseError) as caught:
        render(text, figures, numbers)
    return caught.value


# --- placeholders ------------------------------------------------------------------------

def test_plain_placeholder_shows_the_linked_value(figures, numbers):
    html = render("Tiếp nhận {{ tthc.received.total }} hồ sơ.", figures, numbers)
    assert "7.026" in html and 'data-fig="tthc.received.total"' in html
    assert html.startswith("<p>Tiếp nhận <a class=\"fig\"") and html.endswith(" hồ sơ.</p>")
    assert str(numbers.n("tthc.received.total")) in html  # exactly as the report links figures


def test_placeholder_whitespace_is_free(figures, numbers):
    assert render("{{tthc.received.total}}", figures, numbers) == render("{{   tthc.received.total  }}", figures, numbers)


def test_a_rate_shown_plainly_and_with_its_counts(figures, numbers):
    assert "97,76%" in render("{{ tthc.rate.on_time }}", figures, numbers)
    html = render("đạt {{ rate tthc.rate.on_time }}", figures, numbers)
    assert "97,76% (6.553/6.703)" in html and 'data-fig="tthc.rate.on_time"' in html


def test_target_text_or_nothing(figures, numbers):
    html = render("{{ rate tthc.rate.online_payment }}{{ target tthc.rate.online_payment }}", figures, numbers)
    assert "87,50% (700/800)" in html
    assert "(chỉ tiêu 60% – Vượt chỉ tiêu)" in html and 'class="target exceeded"' in html
    assert render("x{{ target tthc.rate.on_time }}y", figures, numbers) == "<p>xy</p>"  # no target


@pytest.mark.parametrize("line, name, shown", [
    ("Tiếp nhận {{ tthc.recieved.total }} hồ sơ.", "unknown_figure", "{{ tthc.recieved.total }}"),
    ("Đạt {{ percent tthc.rate.on_time }}.", "unknown_function", "{{ percent tthc.rate.on_time }}"),
    ("Đạt {{ tthc.received.total + 1 }}.", "bad_placeholder", "{{ tthc.received.total + 1 }}"),
    ("Đạt {{ tthc.received.total }.", "bad_placeholder", "{{ tthc.received.total }."),
    ("Đạt {{ rate tthc.received.total }}.", "not_a_rate", "{{ rate tthc.received.total }}"),
    ("Đạt {{ __import__('os') }}.", "bad_placeholder", "{{ __import__('os') }}"),
])
def test_unknown_placeholder_names_file_line_and_placeholder(figures, numbers, line, name, shown):
    exc = error(f"Dòng đầu.\n\n{line}\n", figures, numbers)
    assert exc.name == name and isinstance(exc, CchcError)
    assert FILE in str(exc) and "dòng 3" in str(exc) and shown in str(exc)


def test_every_problem_is_reported_first_as_message_then_as_notes(figures, numbers):
    exc = error("Đạt 97,83%.\n{{ tthc.nope }}\n55 tin bài", figures, numbers)
    assert "dòng 1" in str(exc) and "'97,83%'" in str(exc)
    assert len(exc.__notes__) == 2 and "dòng 2" in exc.__notes__[0] and "'55'" in exc.__notes__[1]
    again = pickle.loads(pickle.dumps(exc))
    assert str(again) == str(exc) and again.__notes__ == exc.__notes__


# --- hand-typed numbers ------------------------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("Tỷ lệ giải quyết đúng hạn đạt 97,83% tại Trung tâm.", "97,83%"),
    ("Thu phí trực tuyến đạt 86,99 %.", "86,99 %"),
    ("Số lượng tin, bài phát trên hệ thống loa truyền thanh xã về CCHC 55 tin bài", "55"),
    ("Lượt tiếp cận thông tin qua mạng xã hội 3.500 lượt", "3.500"),
    ("Tổng số văn bản đi là 2996 văn bản (trừ các văn bản mật)", "2996"),
    ("doanh nghiệp 1022 liên quan đến hoạt động của Đài truyền thanh", "1022"),
    ("Tiếp nhận 02 ý kiến phản ánh của người dân", "02"),
    ("Đã hoàn thành 27/28 nhiệm vụ", "27/28"),
    ("- Thủ tục công khai: 378/378 thủ tục", "378/378"),
    ("| Tổng | 417 |", "417"),
    ("Diện tích 220m2", "220"),
    ("Từ năm 2021 đến 2025", "2025"),
    ("tháng 13/2025", "13/2025"),
    ("ngày 35/7/2025", "35/7/2025"),
    ("Quyết định số 20/kh-ubnd", "20"),
    ("đạt **100%**", "100%"),
])
def test_hand_typed_number_refused_with_file_line_and_number(figures, numbers, text, number):
    exc = error(f"Mở đầu.\n{text}", figures, numbers)
    assert exc.name == "hand_typed_number"
    assert FILE in str(exc) and "dòng 2" in str(exc) and f"'{number}'" in str(exc)


ALLOWED = [
    "Kế hoạch số 20/KH-UBND ngày 06/8/2025 của UBND xã",
    "Quyết định số 478/QĐ-UBND ngày 30/7/2025",
    "Từ ngày 01/7/2025, UBND xã đã triển khai",
    "Quyết định Số 05/2025/QĐ-UBND ngày 14/7/2025",
    "theo quy định của Nghị định 118/2025/NĐ-CP",
    "theo quy định tại Nghị định số 34/2016/NĐ-CP",
    "Trên cơ sở Quyết định 3149/QĐ-UBND ngày 04/8/2025",
    "Công văn số 2237/UBND-NVKTGS ngày 27 tháng 8 năm 2025",
    "Công văn số 2237/UBND-NVKTGS ngày 27 tháng 8 năm\n2025 của UBND thành phố",
    "Kế hoạch CCHC 6 tháng cuối năm 2025",
    "Kế hoạch 6 tháng đầu năm",
    "từ tháng 7 đến tháng 12/2025",
    "Kết quả năm 2025",
    "Chương trình tổng thể CCHC giai đoạn 2021-2030",
    "Quốc hội khóa XV thông qua tại Kỳ họp thứ 9",
    "nhân dịp ngày Doanh nhân Việt Nam 13/10",
    "dịch vụ công trực tuyến mức độ 3, mức độ 4",
    "camera theo dõi giám sát 24/24 và hỗ trợ 24/7",
    "(Có Phụ lục III, biểu mẫu 1 gửi kèm theo)",
    "Nghị quyết số 18-NQ/TW",
    "theo khoản 2 Điều 5 Nghị định số 118/2025/NĐ-CP",
    "báo cáo định kỳ 6 tháng và hàng năm",
    "quý I/2025",
    "máy scan A4",
    "| Stt | Nội dung |\n| --- | --- |\n| 1 | Giải pháp \"Ngày thứ Bảy vì dân\" |",
    "Trang https://nguyenluongbang.haiphong.gov.vn/2025",
    "Đạt {{ rate tthc.rate.on_time }}<!-- không phải 97,83% -->",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_dates_and_document_numbers_are_accepted(figures, numbers, text):
    render(text, figures, numbers)


def test_every_allowed_pattern_has_accepted_examples(figures, numbers):
    for rule in load_yaml("prose.yaml")["allowed"]:
        assert rule["examples"], rule["name"]
        for example in rule["examples"]:
            assert re.search(rule["pattern"], example, re.M), (rule["name"], example)
            render(example, figures, numbers)


# --- Markdown ----------------------------------------------------------------------------

def test_paragraphs_lists_bold_italic(figures, numbers):
    html = render("Đoạn **một**\ndòng *hai*.\n\nĐoạn hai:\n- ý một\n  tiếp theo\n+ ý con\n\nKết.", figures, numbers)
    assert html == ('<p>Đoạn <strong>một</strong>\ndòng <em>hai</em>.</p>\n<p>Đoạn hai:</p>\n'
                    '<ul class="dash"><li>ý một\ntiếp theo</li><li class="plus">ý con</li></ul>\n<p>Kết.</p>')


def test_bold_around_a_placeholder(figures, numbers):
    html = render("**{{ tthc.received.total }} hồ sơ**", figures, numbers)
    assert html.startswith("<p><strong><a") and "7.026</a> hồ sơ</strong>" in html


def test_pipe_table_with_header(figures, numbers):
    html = render("Các mô hình:\n\n| Stt | Nội dung | Hiệu quả |\n|:---|---|---:|\n"
                  "| 1 | Giải pháp **mới** | {{ tthc.received.total }} hồ sơ |\n| 2 | Zalo OA |\n", figures, numbers)
    assert html.startswith("<p>Các mô hình:</p>\n<table class=\"prose-table\"><thead><tr><th>Stt</th>")
    assert "<tbody><tr><td>1</td><td>Giải pháp <strong>mới</strong></td><td><a" in html
    assert "<tr><td>2</td><td>Zalo OA</td><td></td></tr></tbody></table>" in html


def test_html_in_prose_is_escaped(figures, numbers):
    html = render('<script>alert("x")</script> & <b>đậm</b>', figures, numbers)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html and "<b>" not in html


def test_html_comments_dropped_and_line_numbers_kept(figures, numbers):
    html = render("<!-- ghi chú\nnhiều dòng {{ x }} 55 -->\nVăn bản <!-- giữa --> tiếp.", figures, numbers)
    assert html == "<p>Văn bản  tiếp.</p>"
    exc = error("<!--\n\n-->\n{{ nope }}", figures, numbers)
    assert "dòng 4" in str(exc)
    exc = error("Văn bản.\n<!-- quên đóng", figures, numbers)
    assert exc.name == "unclosed_comment" and "dòng 2" in str(exc)


# --- files, neutral text, starters -------------------------------------------------------

def test_load_prose_reads_the_section_file_or_none(tmp_path):
    assert load_prose(tmp_path, UNIT, PERIOD, "tthc.results") is None
    path = prose_path(tmp_path, UNIT, PERIOD, "tthc.results")
    path.parent.mkdir(parents=True)
    path.write_bytes("\ufeffDòng một\r\nDòng hai".encode("utf-8"))
    prose = load_prose(tmp_path, UNIT, PERIOD, "tthc.results")
    assert prose == ProseText("tthc.results", FILE, "Dòng một\nDòng hai")
    path.write_bytes(b"Dong mot\nDong \xe0 hai")
    with pytest.raises(ProseError, match=f"{FILE}, dòng 2"):
        load_prose(tmp_path, UNIT, PERIOD, "tthc.results")


def test_neutral_text_from_the_figures(figures, numbers):
    html = str(neutral_text("tthc.results", figures, numbers))
    assert "Trong kỳ, đơn vị tiếp nhận" in html and "7.026" in html and "97,76% (6.553/6.703)" in html
    # the template needing figures this set does not have (online, digitized) is left out
    assert "trực tuyến" not in html and html.count("<p>") == 2
    assert str(neutral_text("tthc.centre", figures, numbers)) == ""
    assert str(neutral_text("no.such.section", figures, numbers)) == ""


def test_neutral_templates_pass_the_check_with_all_figures():
    figures = FigureSet()
    for templates in load_yaml("prose.yaml")["neutral"].values():
        for function, figure in re.findall(r"\{\{\s*(?:(\w+)\s+)?([\w.]+)\s*\}\}", "".join(templates)):
            if figure not in figures:
                is_rate = bool(function) or ".rate." in figure
                figures.add(rate(figure, 1, 2, meta(figure), []) if is_rate else count(figure, 1, meta(figure), []))
    defined = {f"tthc.{key}" for key in figure_definitions("tthc").figures}
    assert set(figures.ids()) <= defined  # no typo in a template's figure id
    numbers = Numbers(figures)
    for section, templates in load_yaml("prose.yaml")["neutral"].items():
        assert len(neutral_templates(section, figures)) == len(templates)
        neutral_text(section, figures, numbers)


def test_write_starters_never_overwrites(tmp_path, figures, numbers):
    sections = ["tthc.results", "tthc.centre"]
    written = write_starters(tmp_path, UNIT, PERIOD, sections, figures)
    assert written == [prose_path(tmp_path, UNIT, PERIOD, s) for s in sections]
    text = written[0].read_text(encoding="utf-8")
    header, body = text.split("-->\n")
    assert header.startswith("<!--") and "{{ rate tthc.rate.on_time }}" in body and "7.026" not in body
    assert "Tổng hợp, cập nhật kết quả giải quyết hồ sơ TTHC" in text  # the outline's title
    # the starter renders as the neutral text; a header-only file falls back to it
    assert section_prose(load_prose(tmp_path, UNIT, PERIOD, "tthc.results"), "tthc.results", figures, numbers) == \
        neutral_text("tthc.results", figures, numbers)
    assert section_prose(load_prose(tmp_path, UNIT, PERIOD, "tthc.satisfaction"), "tthc.satisfaction", figures, numbers) == \
        neutral_text("tthc.satisfaction", figures, numbers)

    edited = "Văn bản của chuyên viên: {{ tthc.received.total }} hồ sơ.\n"
    written[0].write_text(edited, encoding="utf-8")
    assert write_starters(tmp_path, UNIT, PERIOD, sections + ["tthc.satisfaction"], figures) == \
        [prose_path(tmp_path, UNIT, PERIOD, "tthc.satisfaction")]
    assert written[0].read_text(encoding="utf-8") == edited
    html = str(section_prose(load_prose(tmp_path, UNIT, PERIOD, "tthc.results"), "tthc.results", figures, numbers))
    assert html.startswith("<p>Văn bản của chuyên viên: <a") and "7.026" in html
