"""Wording as a careful official writes it (issue 12): the rules of data/report/wording.yaml,
applied where figures become text (core/fmt.py, report/numbers.py, report/prose.py, the
section view)."""

import re
import shutil

import pytest

from cchc.compute import compute
from cchc.core import fmt
from cchc.core.layout import Layout
from cchc.figures.registry import FigureSet, count, rate
from cchc.report import wording
from cchc.report.numbers import Numbers
from cchc.report.outline import parts
from cchc.report.prose import ProseText, render_prose
from cchc.report.view import Report

from conftest import REPO, meta, run_cli

TAG = re.compile(r"<[^>]+>")
BLOCK = re.compile(r"</?(?:p|li|ul)\b[^>]*>")


@pytest.fixture
def figures():
    figures = FigureSet()
    figures.extend([
        count("tthc.received.total", 7026, meta("Tổng số hồ sơ tiếp nhận"), []),
        count("tthc.received.online", 5513, meta("Số hồ sơ tiếp nhận trực tuyến"), []),
        rate("tthc.rate.online", 5513, 7026, meta("Tỷ lệ hồ sơ tiếp nhận trực tuyến", "%"), []),
        rate("tthc.catalogue.rate.published", 378, 378, meta("Tỷ lệ thủ tục công khai", "%"), []),
        count("manual.review.legal_expired", 0, meta("Số văn bản hết hiệu lực", "văn bản"), []),
        count("manual.review.legal_documents", 3, meta("Số văn bản được rà soát", "văn bản"), []),
        count("citizens.petitions.received.complaint", 0, meta("Đơn khiếu nại", "đơn"), []),
        count("citizens.petitions.received.denunciation", 0, meta("Đơn tố cáo", "đơn"), []),
        count("citizens.petitions.received.recommendation", 31, meta("Đơn kiến nghị, phản ánh", "đơn"), []),
    ])
    return figures


def shown(html) -> str:
    """The text a reader sees."""
    return re.sub(r"\s+", " ", TAG.sub("", BLOCK.sub(" ", str(html)))).strip()


def prose(text, figures) -> str:
    numbers = Numbers(figures)
    html = render_prose(ProseText("tthc.results", "params/x/prose/2025/tthc.results.md", text), figures, numbers)
    return wording.one_level_of_parentheses(str(html))


@pytest.mark.parametrize(("fraction", "expected"), [
    (1.0, "100%"), (0.5, "50%"), (0.6, "60%"), (2.0, "200%"),
    (0.977618, "97,76%"), (5513 / 7026, "78,47%"), (2.2119, "221,19%"), (0.9999999, "100,00%"),
])
def test_whole_percentages_have_no_decimals_other_rates_two(fraction, expected):
    assert fmt.percent(fraction) == expected


def test_a_rate_inside_a_parenthesis_shows_its_counts_after_a_comma(figures):
    text = prose("Trực tuyến {{ tthc.received.online }} hồ sơ (tỷ lệ {{ rate tthc.rate.online }}); "
                 "tỷ lệ trực tuyến đạt {{ rate tthc.rate.online }}.", figures)
    assert shown(text) == ("Trực tuyến 5.513 hồ sơ (tỷ lệ 78,47%, 5.513/7.026); "
                           "tỷ lệ trực tuyến đạt 78,47% (5.513/7.026).")
    assert "((" not in shown(text) and not re.search(r"\([^()]*\(", shown(text))


def test_a_whole_rate_with_its_counts(figures):
    assert shown(Numbers(figures).rate("tthc.catalogue.rate.published")) == "100% (378/378)"


def test_a_zero_count_in_a_list_reads_khong_co(figures):
    text = prose("- Số văn bản được rà soát: {{ manual.review.legal_documents }} văn bản;\n"
                 "- Số văn bản hết hiệu lực: {{ manual.review.legal_expired }} văn bản.", figures)
    assert shown(text) == "Số văn bản được rà soát: 3 văn bản; Số văn bản hết hiệu lực: không có."
    numbers = Numbers(figures)
    assert shown(numbers.count("manual.review.legal_expired")) == "không có"
    assert shown(numbers.count("manual.review.legal_documents")) == "3 văn bản"


def test_zero_parts_of_a_breakdown_are_worded_together(figures):
    assert shown(Numbers(figures).phrase("petitions_by_kind")) == \
        "kiến nghị, phản ánh 31 đơn; không có đơn khiếu nại, tố cáo"
    figures["citizens.petitions.received.complaint"].value = 2
    assert shown(Numbers(figures).phrase("petitions_by_kind")) == \
        "khiếu nại 2 đơn, kiến nghị, phản ánh 31 đơn; không có đơn tố cáo"


def test_a_phrase_for_a_single_zero_figure(figures):
    figures.add(count("citizens.petitions.pending", 2, meta("Số đơn chưa giải quyết", "đơn"), []))
    assert shown(Numbers(figures).phrase("petitions_pending")) == "chưa giải quyết 2 đơn"
    figures["citizens.petitions.pending"].value = 0
    assert shown(Numbers(figures).phrase("petitions_pending")) == "không còn đơn chưa giải quyết"


def test_typed_dates_take_one_style_dd_mm_yyyy(figures):
    text = prose("Kế hoạch số 20/KH-UBND ngày 06/8/2025; từ ngày 1/7/2025 đến ngày 09/12/2025; "
                 "ngày 13/10; tháng 12/2025.", figures)
    assert shown(text) == ("Kế hoạch số 20/KH-UBND ngày 06/08/2025; từ ngày 01/07/2025 đến ngày 09/12/2025; "
                           "ngày 13/10; tháng 12/2025.")


def test_counts_in_words_read_as_digits_terms_stay_words(figures):
    text = prose("Thành phố yêu cầu chín xã; gồm một Phó Giám đốc Trung tâm và năm chuyên viên; "
                 "do một Phó Chủ tịch kiêm nhiệm; thực hiện cơ chế một cửa; chính quyền địa phương hai cấp; "
                 "năm 2025; trong năm người dân; một số hồ sơ.", figures)
    assert shown(text) == ("Thành phố yêu cầu 9 xã; gồm 1 Phó Giám đốc Trung tâm và 5 chuyên viên; "
                           "do một Phó Chủ tịch kiêm nhiệm; thực hiện cơ chế một cửa; chính quyền địa phương hai cấp; "
                           "năm 2025; trong năm người dân; một số hồ sơ.")


def test_a_document_is_cited_once():
    rows = {"steering": [{"number": "478/QĐ-UBND"}, {"number": "64/KH-UBND"}, {"number": "20/KH-UBND"}],
            "communication": [], "inspection": [{"number": "64/KH-UBND"}]}
    prose_of = {"steering": "", "communication": "UBND xã đã ban hành Kế hoạch số 20/KH-UBND ngày 06/8/2025",
                "inspection": ""}
    order = ["steering", "communication", "inspection"]
    listed = {s: wording.citations_to_list(s, order, rows.get, prose_of.get) for s in order}
    assert listed == {"steering": [{"number": "478/QĐ-UBND"}, {"number": "64/KH-UBND"}],
                      "communication": [], "inspection": []}


def test_rules_are_data():
    data = wording.rules()
    assert {"rate", "zero", "phrases", "dates", "number_words", "citations"} <= set(data)
    assert data["dates"]["style"] == "dd/mm/yyyy" and fmt.DATE == "%d/%m/%Y"


@pytest.fixture(scope="module")
def demo_text(tmp_path_factory):
    """The text of the demo report's parts I–IV as the section view renders them (no notebook)."""
    root = tmp_path_factory.mktemp("wording")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    report = Report.from_computed(compute(Layout(root, "nguyen-luong-bang", "2025")))
    return shown("".join(str(report.part(n)) for n in range(1, len(parts(report.headings)) + 1)))


@pytest.mark.slow
def test_the_demo_report_reads_as_an_official_writes_it(demo_text):
    assert not re.search(r"\([^()]*\(", demo_text)  # one level of parentheses
    assert not re.search(r"\d,00%", demo_text)  # no 100,00%
    assert "100% (378/378)" in demo_text or "100%, 378/378" in demo_text
    assert not re.search(r"(?<![\d/])\d{1,2}/\d/20\d\d|(?<![\d/])\d/\d{1,2}/20\d\d", demo_text)  # dd/mm/yyyy
    assert "ngày 06/08/2025" in demo_text and "06/8/2025" not in demo_text
    assert "không có đơn khiếu nại, tố cáo" in demo_text and "khiếu nại 0 đơn" not in demo_text
    assert "đã giải quyết 29/31 đơn, đạt 93,55%" in demo_text
    assert " 0 văn bản" not in demo_text and " 0 đơn vị" not in demo_text
    assert "9 xã" in demo_text and "chín xã" not in demo_text
    assert demo_text.count("Kế hoạch số 20/KH-UBND") == 1  # cited by the prose, not listed again
    assert demo_text.count("Kế hoạch số 64/KH-UBND") == 1
