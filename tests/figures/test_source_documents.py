"""Outgoing document register (raw-exports.md §4): parsing (title-row date, aliases, footer,
quarantine, duplicates across files), the documents.* figures on hand-built files with answers
worked out by hand, the citation helpers, and the demo's reference numbers.

Hand-built window: S = 01/07/2025, E = 31/07/2025 (period 2025-07 of the test root).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from cchc.config.params import Window, load_params
from cchc.config.sources import load_spec, load_specs
from cchc.demo import documents as demo_documents
from cchc.figures import outgoing as documents
from cchc.figures.registry import FigureSet
from cchc.ingest.combine import to_frame
from cchc.ingest.parse import classify
from cchc.ingest.run import ingest

from conftest import make_root, write_xlsx

W = Window(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
RAW = "data/raw/xa-thu/2025-07/"
A = RAW + "so-van-ban-di-a.xlsx"
B = RAW + "so-van-ban-di-b.xlsx"
HEADER_A = ["STT", "Số ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Hình thức gửi", "Độ mật",
            "Ký số", "Văn bản QPPL", "Chủ đề", "Người soạn thảo"]
ROWS_A = [
    ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"], ["SỔ VĂN BẢN ĐI"], ["Từ ngày 01/07/2025 đến ngày 20/07/2025"], [],
    HEADER_A,                                                                                             # 5
    [1, "9/QĐ-UBND", "30/06/2025", "Quyết định", "Trước kỳ", "Điện tử", "", "Có", "Không", "CCHC", "X"],   # 6: before S
    [2, "10/QĐ-UBND", "01/07/2025", "Quyết định", "Ban hành Kế hoạch CCHC", "Điện tử", "", "Có", "", "CCHC", "X"],  # 7
    [3, "2/KH-UBND", dt.datetime(2025, 7, 3), "Kế hoạch", "Tuyên truyền CCHC", "Điện tử và giấy", "", "Có", "",
     "CCHC; tuyên truyền", "X"],                                                                         # 8: both
    [4, "1/KH-UBND", "03/07/2025", "KH", "Kiểm tra nội bộ", "Điện tử", "", "x", "", "kiểm tra, cchc", "X"],  # 9
    [5, "01/2025/QĐ-UBND", "05/07/2025", "Quyết định", "Quy định chức năng", "điện tử", "", "Có", "Có", "", "X"],  # 10: QPPL
    [6, "3/BC-UBND", "06/07/2025", "Báo cáo", "Tình hình an ninh", "Giấy", "Mật", "Không", "", "CCHC", "X"],  # 11: classified
    [7, "15/UBND-VP", "07/07/2025", "Công văn", "V/v CCHC", "Giấy", "", "Không", "", "CCHC", "X"],        # 12: replaced by B
    [8, "16/UBND-VP", "08/07/2025", "Công điện", "Khẩn", "", "", "", "", "", "X"],                         # 13: mode unknown
    [9, "", "09/07/2025", "Công văn", "Chưa cấp số", "Điện tử", "", "Có", "", "", "X"],                   # 14: no number
    [10, "17/UBND-VP", "32/07/2025", "Công văn", "Ngày sai", "Điện tử", "", "Có", "", "", "X"],           # 15: bad date
    [11, "18/UBND-VP", "10/07/2025", "Công văn", "V/v x", "Điện tử", "Tối mật", "Không", "", "", "X"],    # 16: classified
    ["Tổng số: 11 văn bản"],                                                                              # 17
]
ROWS_B = [
    ["SỔ VĂN BẢN ĐI"], ["Từ ngày 15/07/2025 đến ngày 25/07/2025"],
    ["Số/Ký hiệu", "Ngày văn bản", "Loại VB", "Trích yếu", "Hình thức gửi", "Độ mật", "Ký số", "QPPL", "Từ khóa"],
    ["15/UBND-VP", "07/07/2025", "Công văn", "V/v CCHC", "Điện tử", "", "Có", "", "CCHC"],              # 4: wins
    ["20/QĐ-UBND", "25/07/2025", "Quyết định", "Về việc khen thưởng", "Điện tử", "", "Có", "Không", ""],  # 5
    ["21/QĐ-UBND", "01/08/2025", "Quyết định", "Sau kỳ", "Điện tử", "", "Có", "Không", ""],              # 6: after E
]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("documents"))
    write_xlsx(root / A, ROWS_A)
    write_xlsx(root / B, ROWS_B)
    params = load_params(root, "xa-thu", "2025-07")
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / file) for name, file in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    figures = FigureSet()
    figures.extend(documents.compute_section(tables, params, hashes))
    return result, tables["documents"], figures, hashes


def test_register_parsed_with_title_date_aliases_footer_and_quarantine(ingested):
    result, table, *_ = ingested
    files = {f["file"]: f for f in result.report["files"]}
    a = files[A]
    assert a["kind"] == "documents" and a["header_row"] == 5
    assert a["account"] == {"read": 17, "title": 4, "header": 1, "blank": 0, "footer": 1, "data": 11,
                            "quarantined": 2, "collapsed": 1, "kept": 8}
    assert a["footer"]["declared"] == 11 and a["footer"]["matches"] is True
    assert a["personal_columns"] == ["Người soạn thảo"] and a["unknown_columns"] == ["STT"]
    assert files[B]["headers"]["number"] == "Số/Ký hiệu" and files[B]["headers"]["legal"] == "QPPL"
    assert result.report["balanced"] is True
    bad = [(q["row"], q["column"], q["value"], q["reason"]) for q in result.report["quarantine"]["items"]
           if q["file"] == A]
    assert bad == [(14, "Số ký hiệu", "", "missing_value"), (15, "Ngày ban hành", "32/07/2025", "bad_date")]
    t = table.set_index("number")
    assert t.loc["9/QĐ-UBND", "as_of"] == pd.Timestamp("2025-07-20")
    assert t.loc["20/QĐ-UBND", "as_of"] == pd.Timestamp("2025-07-25")
    assert t.loc["10/QĐ-UBND", "secrecy"] == "none" and t.loc["3/BC-UBND", "secrecy"] == "secret"
    assert t.loc["18/UBND-VP", "secrecy"] == "top_secret" and t.loc["2/KH-UBND", "send_mode"] == "both"
    assert t.loc["01/2025/QĐ-UBND", "send_mode"] == "electronic" and bool(t.loc["01/2025/QĐ-UBND", "legal"])
    assert bool(t.loc["1/KH-UBND", "signed"]) and not bool(t.loc["16/UBND-VP", "signed"])  # empty = Không
    assert pd.isna(t.loc["16/UBND-VP", "send_mode"])
    assert "Người soạn thảo" not in table.columns


def test_the_later_file_wins_a_duplicate_number(ingested):
    result, table, *_ = ingested
    row = table.set_index("number").loc["15/UBND-VP"]
    assert row["send_mode"] == "electronic" and row["source_file"] == B
    conflicts = result.report["sources"]["documents"]["conflicts"]
    assert [c["key"] for c in conflicts] == ["15/UBND-VP"]
    assert conflicts[0]["columns"]["Hình thức gửi"] == ["Giấy", "Điện tử"]


ANSWERS = {
    # in the window, not classified: A rows 7, 8, 9, 10, 13 and B rows 4, 5
    "outgoing.total": 7,
    "outgoing.electronic": 5,              # A 7, 9, 10; B 4, 5
    "outgoing.electronic_and_paper": 1,    # A 8
    "outgoing.paper": 0,                   # A 12 was replaced by B 4
    "outgoing.signed": 6,                  # all but A 13 (empty)
    "outgoing.classified": 2,              # A 11 (Mật), 16 (Tối mật)
    "legal.issued": 1,                     # A 10
}


@pytest.mark.parametrize("suffix,expected", ANSWERS.items())
def test_document_counts(ingested, suffix, expected):
    *_, figures, _ = ingested
    figure = figures[f"documents.{suffix}"]
    assert figure.value == expected
    assert figure.extra["as_of"] == "2025-07-25"   # the registers stop before E = 31/07


def test_document_rates_and_sources(ingested):
    *_, figures, hashes = ingested
    electronic = figures["documents.outgoing.rate.electronic"]
    assert (electronic.numerator, electronic.denominator) == (5, 7) and electronic.value == pytest.approx(5 / 7)
    signed = figures["documents.outgoing.rate.signed"]
    assert (signed.numerator, signed.denominator) == (6, 7)
    assert electronic.sources == [{"file": A, "sha256": hashes[A], "rows": 5},
                                  {"file": B, "sha256": hashes[B], "rows": 2}]
    assert figures["documents.outgoing.total"].label == "Tổng số văn bản đi (trừ văn bản mật)"


def test_legal_documents_helper(ingested):
    _, table, *_ = ingested
    assert documents.legal_documents(table, W) == [
        {"number": "01/2025/QĐ-UBND", "date": dt.date(2025, 7, 5), "title": "Quy định chức năng"}]
    assert documents.legal_documents(table, Window(dt.date(2025, 7, 6), dt.date(2025, 7, 31))) == []


def test_citations_by_type_and_tag(ingested):
    _, table, *_ = ingested
    cited = documents.citations(table, W, types=["decision", "Kế hoạch"], tags=["CCHC"])
    assert [(c["type"], c["number"], c["date"]) for c in cited] == [
        ("Quyết định", "10/QĐ-UBND", dt.date(2025, 7, 1)),
        ("Kế hoạch", "1/KH-UBND", dt.date(2025, 7, 3)),    # "KH", tags "kiểm tra, cchc"
        ("Kế hoạch", "2/KH-UBND", dt.date(2025, 7, 3)),
    ]
    assert cited[1]["title"] == "Kiểm tra nội bộ" and cited[1]["tags"] == ["kiểm tra", "cchc"]
    assert cited[1]["type_code"] == "plan"
    # any type; the classified report (A 11) and the one before S (A 6) never
    assert [c["number"] for c in documents.citations(table, W, tags=["cchc"])] == [
        "10/QĐ-UBND", "1/KH-UBND", "2/KH-UBND", "15/UBND-VP"]
    assert [c["number"] for c in documents.citations(table, W, tags=["kiểm tra"])] == ["1/KH-UBND"]
    unknown = documents.citations(table, W, types=["Công điện"])
    assert [(c["type"], c["type_code"], c["number"]) for c in unknown] == [("Công điện", None, "16/UBND-VP")]
    assert len(documents.citations(table, W)) == 7


def test_as_of_only_when_the_register_stops_before_the_cut_off():
    spec = load_spec("documents")

    def table(as_of):
        records = {name: [None] for name in spec.columns}
        records.update(number=["1/UBND-VP"], issued_at=[dt.date(2025, 7, 2)], send_mode=["electronic"],
                       secrecy=["none"], signed=[True], legal=[False], as_of=[as_of],
                       source_file=["f.xlsx"], source_row=[2])
        return {"documents": to_frame(records, spec)}

    params = SimpleNamespace(window=W)
    for as_of in (None, dt.date(2025, 7, 31), dt.date(2025, 8, 15)):
        figures = documents.compute_section(table(as_of), params, {})
        assert all("as_of" not in f.extra for f in figures)
        assert figures[0].value == 1
    figures = documents.compute_section(table(dt.date(2025, 7, 30)), params, {})
    assert {f.extra["as_of"] for f in figures} == {"2025-07-30"}
    assert documents.compute_section({}, params, {}) == []


def test_classification_of_the_register():
    specs = load_specs()
    assert classify(specs, [HEADER_A], "a.xlsx")[0].kind == "documents"
    assert classify(specs, [ROWS_B[2]], "b.xlsx")[0].kind == "documents"


# ---------------------------------------------------------------------------
# demo: the reference report's numbers
# ---------------------------------------------------------------------------

DEMO_PARAMS = 'unit_name: "Xã Thử Nghiệm"\nstart: 2025-07-01\ncutoff: 2025-12-09\n'
LEGAL = [
    ("05/2025/QĐ-UBND", dt.date(2025, 7, 14),
     "Quy định chức năng nhiệm vụ của các phòng chuyên môn và tổ chức hành chính thuộc UBND xã"),
    ("06/2025/QĐ-UBND", dt.date(2025, 11, 18),
     "Ban hành Quy chế phối hợp quản lý nhà nước về bảo vệ quyền lợi người tiêu dùng và tiếp nhận, giải "
     "quyết phản ánh, yêu cầu, khiếu nại của người tiêu dùng trên địa bàn xã Nguyễn Lương Bằng"),
    ("07/2025/QĐ-UBND", dt.date(2025, 11, 21),
     "Ban hành Quy chế thực hiện dân chủ ở cơ sở trên địa bàn xã Nguyễn Lương Bằng"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("demo-documents"), params=DEMO_PARAMS)
    paths = demo_documents.write(root / RAW)
    params = load_params(root, "xa-thu", "2025-07")
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / file) for name, file in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    figures = FigureSet()
    figures.extend(documents.compute_section(tables, params, hashes))
    return paths, result.report, tables["documents"], figures, params.window


def test_demo_reproduces_the_reference_report(demo):
    paths, report, table, figures, window = demo
    assert [p.name for p in paths] == ["so-van-ban-di-2025.xlsx"]
    entry = next(f for f in report["files"] if f["kind"] == "documents")
    assert entry["footer"]["matches"] is True and entry["account"]["quarantined"] == 3
    assert report["balanced"] is True
    # "Tổng số văn bản đi … gửi hoàn toàn dưới dạng điện tử từ ngày 01/7/2025 đến ngày 04/12/2025
    # là 2996 văn bản (trừ các văn bản mật), đạt tỷ lệ 100%."
    rate = figures["documents.outgoing.rate.electronic"]
    assert (rate.numerator, rate.denominator, rate.value) == (2996, 2996, 1.0)
    assert figures["documents.outgoing.total"].value == 2996
    assert figures["documents.outgoing.classified"].value > 0
    assert rate.extra["as_of"] == "2025-12-04"
    # "đã ban hành 3 văn bản QPPL"
    assert figures["documents.legal.issued"].value == 3
    assert [(d["number"], d["date"], d["title"]) for d in documents.legal_documents(table, window)] == LEGAL


def test_demo_citations_of_the_reference_report(demo):
    _, _, table, _, window = demo

    def cited(types, tags):
        return [(c["type"], c["number"], c["date"]) for c in documents.citations(table, window, types, tags)]

    assert cited(["decision", "plan"], ["CCHC"]) == [
        ("Quyết định", "478/QĐ-UBND", dt.date(2025, 7, 30)),
        ("Kế hoạch", "64/KH-UBND", dt.date(2025, 8, 4)),
        ("Kế hoạch", "20/KH-UBND", dt.date(2025, 8, 6)),
    ]
    assert cited(["decision", "plan"], ["pháp luật"]) == [
        ("Quyết định", "429/QĐ-UBND", dt.date(2025, 7, 30)),
        ("Kế hoạch", "24/KH-UBND", dt.date(2025, 8, 12)),
        ("Kế hoạch", "97/KH-UBND", dt.date(2025, 11, 5)),
    ]
    assert cited(None, ["tài sản công"]) == [
        ("Báo cáo", "15/BC-UBND", dt.date(2025, 7, 15)),
        ("Công văn", "51/UBND-KT", dt.date(2025, 7, 16)),
        ("Quyết định", "811/QĐ-UBND", dt.date(2025, 10, 6)),
        ("Công văn", "565/UBND-KT", dt.date(2025, 10, 16)),
        ("Công văn", "818/UBND-KT", dt.date(2025, 11, 19)),
        ("Công văn", "860/UBND-KT", dt.date(2025, 11, 26)),
    ]
    plan_24 = documents.citations(table, window, ["plan"], ["pháp luật"])[0]
    assert "Quốc hội khóa XV" in plan_24["title"]          # written "khoá" in the register
    # Other CCHC documents exist, of other types
    assert len(documents.citations(table, window, None, ["CCHC"])) == 5


def test_demo_bytes_are_deterministic(demo, tmp_path):
    paths, *_ = demo
    assert demo_documents.write(tmp_path)[0].read_bytes() == paths[0].read_bytes()
