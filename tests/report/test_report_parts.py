"""The report's pieces: outline numbering, document defaults, numbers with their counts."""

import datetime as dt

import pytest

from cchc.config.letter import build_document, period_phrase
from cchc.config.params import load_params
from cchc.figures.registry import FigureSet, count, rate
from cchc.report.numbers import Numbers
from cchc.report.outline import number_outline


def test_headings_numbered_by_the_program():
    tree = [{"id": "a", "title": "A", "children": [{"id": "a1", "title": "A1"}]},
            {"id": "b", "title": "B", "children": [
                {"id": "b1", "title": "B1"},
                {"id": "b2", "title": "B2", "children": [{"id": "b21", "title": "x"}, {"id": "b22", "title": "y"}]}]}]
    numbers = {key: h.number for key, h in number_outline(tree).items()}
    assert numbers == {"a": "I.", "a1": "1.", "b": "II.", "b1": "1.", "b2": "2.", "b21": "2.1.", "b22": "2.2."}


@pytest.mark.parametrize("period, phrase", [("2025", "năm 2025"), ("2025-H1", "6 tháng đầu năm 2025"),
                                            ("2025-H2", "6 tháng cuối năm 2025"), ("2025-Q3", "quý III năm 2025"),
                                            ("2025-07", "tháng 7 năm 2025")])
def test_period_phrases(period, phrase):
    assert period_phrase(period) == phrase


def test_a_period_file_with_only_unit_name_gives_a_complete_header(tmp_path):
    (tmp_path / "params/u").mkdir(parents=True)
    (tmp_path / "params/u/2025-H2.yaml").write_text('unit_name: "Phường Hòa Bình"\n', encoding="utf-8")
    doc = build_document(load_params(tmp_path, "u", "2025-H2"))
    assert doc.agency == ["ỦY BAN NHÂN DÂN", "PHƯỜNG HÒA BÌNH"]
    assert doc.date_line == "Hòa Bình, ngày 31 tháng 12 năm 2025"
    assert "/BC-UBND" in doc.number
    assert doc.subject == ["Kết quả thực hiện nhiệm vụ Cải cách hành chính 6 tháng cuối năm 2025,",
                           "phương hướng, nhiệm vụ công tác CCHC trọng tâm"]
    assert doc.intro.startswith("UBND phường Hòa Bình báo cáo")
    assert doc.basis == [] and doc.closing.endswith("UBND phường Hòa Bình báo cáo Sở Nội vụ thành phố tổng hợp theo quy định./.")
    assert doc.number == "Số:" + "\u00a0" * 12 + "/BC-UBND"  # the blank for the hand-written number
    assert doc.signer.capacity == "TM. ỦY BAN NHÂN DÂN" and doc.recipients
    assert doc.council == "UBND phường"  # "UBND phường đã tiếp …" in the sections, never "UBND xã"


def test_document_items_from_parameters(tmp_path):
    (tmp_path / "params/u").mkdir(parents=True)
    (tmp_path / "params/u/2025.yaml").write_text(
        'unit_name: "Xã A"\ndocument:\n  number: "Số: 512/BC-UBND"\n  date: 2025-12-10\n'
        '  basis: ["Căn cứ Kế hoạch số 1/KH-UBND;"]\n  signer: {capacity: "KT. CHỦ TỊCH", title: "PHÓ CHỦ TỊCH", name: "Nguyễn Văn B"}\n',
        encoding="utf-8")
    doc = build_document(load_params(tmp_path, "u", "2025"))
    assert doc.number == "Số: 512/BC-UBND" and doc.date == dt.date(2025, 12, 10)
    assert doc.basis == ["Căn cứ Kế hoạch số 1/KH-UBND;"] and doc.signer.name == "Nguyễn Văn B"


def test_unknown_document_key_is_an_error(tmp_path):
    from cchc.core.errors import CchcError

    (tmp_path / "params/u").mkdir(parents=True)
    (tmp_path / "params/u/2025.yaml").write_text('unit_name: "Xã A"\ndocument:\n  so: "1"\n', encoding="utf-8")
    with pytest.raises(CchcError, match="document.so"):
        load_params(tmp_path, "u", "2025")


def _numbers():
    meta = {"unit": "%", "label": "Tỷ lệ trực tiếp", "definition": "trực tiếp / tổng"}
    figures = FigureSet()
    figures.add(rate("tthc.rate.direct", 1475, 7026, meta, []))
    figures.add(rate("tthc.rate.early", 6553, 6703, meta, []))
    figures.add(rate("tthc.rate.none", 0, 0, meta, []))
    figures.add(count("tthc.received.total", 7026, {**meta, "unit": "hồ sơ"}, []))
    figures.apply_targets({"tthc.rate.direct": 0.2})
    return Numbers(figures)


def test_numbers_in_vietnamese_format_with_their_counts():
    numbers = _numbers()
    assert ">7.026<" in numbers.n("tthc.received.total")
    assert ">20,99% (1.475/7.026)<" in numbers.rate("tthc.rate.direct")
    assert ">97,76% (6.553/6.703)<" in numbers.rate("tthc.rate.early")  # not the hand-typed 97,83%
    assert "không có số liệu" in numbers.rate("tthc.rate.none")
    assert "chỉ tiêu 20% – Vượt chỉ tiêu" in numbers.target("tthc.rate.direct")
    assert numbers.target("tthc.rate.early") == ""


def test_every_number_links_its_figure_with_definition_and_fraction():
    html = str(_numbers().rate("tthc.rate.direct"))
    assert 'data-fig="tthc.rate.direct"' in html and 'href="kiem-tra.html#fig-tthc.rate.direct"' in html
    assert "trực tiếp / tổng" in html and "1.475/7.026" in html


def test_charts_are_deterministic_png_with_vietnamese_font():
    from cchc.figures.registry import count
    from cchc.report import charts

    meta = {"unit": "hồ sơ", "label": "x", "definition": "x"}
    figures = FigureSet()
    for month, total in (("2025-07", 5), ("2025-08", 7)):
        for channel, value in (("online", total - 2), ("direct", 1), ("postal", 1)):
            figures.add(count(f"tthc.by_month.{month}.received.{channel}", value, meta, [],
                              breakdown="by_month", group=month))
    for key in ("resolved.early", "resolved.on_time", "resolved.late", "pending.not_due", "pending.overdue"):
        figures.add(count(f"tthc.{key}", 3, meta, []))
    for draw in (charts.received_by_month, charts.timeliness):
        first, second = draw(figures), draw(figures)
        assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == second
    from matplotlib import rcParams

    assert rcParams["font.family"][0] in charts.FONT_FAMILIES
