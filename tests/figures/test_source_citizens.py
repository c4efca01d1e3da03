"""Citizen reception log and petition register (raw-exports.md §3): parsing, the citizens.*
figures on hand-built files with answers worked out by hand, and the demo's reference numbers.

Hand-built window: S = 01/07/2025, E = 31/07/2025 (period 2025-07 of the test root).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from cchc.config.params import Window, load_params
from cchc.config.sources import load_specs
from cchc.demo import citizens as demo_citizens
from cchc.figures import citizens
from cchc.figures.registry import FigureSet
from cchc.ingest.parse import classify
from cchc.ingest.run import ingest

from conftest import make_root, write_csv

RECEPTION = [
    ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"], ["SỔ TIẾP CÔNG DÂN"], [],
    ["STT", "Ngày tiếp", "Họ và tên", "Hình thức tiếp", "Số lượt tiếp", "Nội dung", "Ghi chú"],  # row 4
    [1, "30/06/2025", "Nguyễn Văn A", "Trực tiếp", 2, "Đất đai", ""],                    # 5: before S
    [2, "01/07/2025", "Trần Thị B", "Trực tiếp", 1, "Hộ tịch", ""],                      # 6: direct 1
    [3, dt.datetime(2025, 7, 15), "Lê C", "Qua điện thoại, bưu điện", 3, "Môi trường", ""],  # 7: remote 3
    [4, "20-07-2025", "Phạm D", "Qua bưu điện", "1", "Chính sách", ""],                  # 8: remote 1
    [5, "31/07/2025 16:30", "Vũ E", "trực tiếp", 4, "Đoàn đông người", ""],              # 9: direct 4 (on E)
    [6, "01/08/2025", "Đỗ F", "Trực tiếp", 1, "", ""],                                  # 10: after E
    [7, "12/07/2025", "Hồ G", "Gặp mặt", 1, "", ""],                                    # 11: bad form
    [8, "13/07/2025", "Ngô H", "Trực tiếp", None, "", ""],                               # 12: no visits (key)
    [9, "13/07/2025", "Ngô H", "Trực tiếp", 1, "Văn hoá", ""],                           # 13: direct 1
    [],
    ["Tổng cộng: 9 lần tiếp"],                                                            # 15
]
PETITIONS = [
    ["SỔ THEO DÕI ĐƠN THƯ"], ["Năm 2025"],
    ["Số thứ tự", "Ngày nhận", "Người gửi", "Loại đơn", "Lĩnh vực", "Đủ điều kiện xử lý", "Thuộc thẩm quyền",
     "Kết quả", "Ngày giải quyết"],                                                                       # 3
    [1, "28/06/2025", "A", "Khiếu nại", "Đất đai", "Có", "Có", "Đã giải quyết", "05/07/2025"],           # 4: before S
    [2, "01/07/2025", "B", "Khiếu nại", "Đất đai", "Có", "Có", "Đã giải quyết", "10/07/2025"],           # 5: resolved
    [3, "02/07/2025", "C", "Tố cáo", "Đất đai", "Nặc danh", "Không", "Lưu đơn", ""],                      # 6: filed
    [4, "03/07/2025", "D", "Kiến nghị, phản ánh", "Môi trường", "Có", "Không", "Chuyển đơn", "04/07/2025"],  # 7: forwarded
    [5, "05/07/2025", "E", "Kiến nghị", "Xây dựng", "Có", "Có", "Đang giải quyết", ""],                 # 8: pending
    [6, "10/07/2025", "F", "Phản ánh", "Xây dựng", "Có", "Có", "", ""],                                  # 9: pending (empty)
    [7, "20/07/2025", "G", "kiến nghị, phản ánh", "Xây dựng", "Có", "Có", "Đã giải quyết", "02/08/2025"],  # 10: pending at E
    [8, "25/07/2025", "H", "Kiến nghị, phản ánh", "Giao thông", "Có", "x", "Đã giải quyết", ""],          # 11: resolved, no date
    [9, "31/07/2025", "I", "Kiến nghị, phản ánh", "Giao thông", "Mạo danh", "Không", "Lưu đơn", ""],      # 12: filed
    [10, "01/08/2025", "J", "Khiếu nại", "Đất đai", "Có", "Có", "Đang giải quyết", ""],                  # 13: after E
    [11, "15/07/2025", "K", "Đơn xin việc", "Khác", "Có", "Có", "Đang giải quyết", ""],                  # 14: bad type
    [12, "16/07/2025", "L", "", "Khác", "Có", "Có", "Đang giải quyết", ""],                              # 15: no type (key)
    ["Tổng số: 12 đơn"],                                                                                  # 16
]
RAW = "data/raw/xa-thu/2025-07/"
BOOK = RAW + "tiep-dan-don-thu.xlsx"
CSV = RAW + "tiep-dan-bo-sung.csv"


def write_book(path: Path) -> None:
    book = openpyxl.Workbook()
    for index, (name, rows) in enumerate((("Tiếp dân", RECEPTION), ("Đơn thư", PETITIONS), ("Ghi chú", [["Sổ ghi tay"]]))):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = name
        for row in rows:
            sheet.append(row)
    book.save(path)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("citizens"))
    write_book(root / BOOK)
    # a second log (csv): the same kind of event again is another event (rows are never collapsed)
    write_csv(root / CSV, [["Ngày", "Hình thức", "Số lượt", "Nội dung", "Họ tên"],
                           ["13/07/2025", "Trực tiếp", "1", "Văn hóa", "Ngô H"]])
    params = load_params(root, "xa-thu", "2025-07")
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / file) for name, file in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    figures = FigureSet()
    figures.extend(citizens.compute_section(tables, params, hashes))
    return result, tables, figures, hashes


def test_sheets_classified_and_every_row_accounted(ingested):
    result, *_ = ingested
    files = {(f["file"], f["sheet"]): f for f in result.report["files"]}
    reception = files[(BOOK, "Tiếp dân")]
    assert reception["kind"] == "reception" and reception["header_row"] == 4
    assert reception["account"] == {"read": 15, "title": 3, "header": 1, "blank": 1, "footer": 1, "data": 9,
                                    "quarantined": 2, "collapsed": 0, "kept": 7}
    assert reception["footer"]["declared"] == 9 and reception["footer"]["matches"] is True
    assert reception["personal_columns"] == ["Họ và tên"]
    assert reception["unknown_columns"] == ["STT", "Ghi chú"]
    petitions = files[(BOOK, "Đơn thư")]
    assert petitions["kind"] == "petitions" and petitions["header_row"] == 3
    assert petitions["account"] == {"read": 16, "title": 2, "header": 1, "blank": 0, "footer": 1, "data": 12,
                                    "quarantined": 2, "collapsed": 0, "kept": 10}
    assert petitions["personal_columns"] == ["Người gửi"]
    assert petitions["headers"]["received_at"] == "Ngày nhận"      # the alias
    assert files[(CSV, None)]["kind"] == "reception"
    assert result.report["ignored_sheets"] == [{"file": BOOK, "sheet": "Ghi chú"}]
    assert result.report["balanced"] is True


def test_quarantined_rows_name_sheet_row_column_and_reason(ingested):
    result, *_ = ingested
    mine = [(q["sheet"], q["row"], q["column"], q["value"], q["reason"])
            for q in result.report["quarantine"]["items"] if q["file"] == BOOK]
    assert mine == [("Tiếp dân", 11, "Hình thức tiếp", "Gặp mặt", "bad_category"),
                    ("Tiếp dân", 12, "Số lượt tiếp", "", "missing_value"),
                    ("Đơn thư", 14, "Loại đơn", "Đơn xin việc", "bad_category"),
                    ("Đơn thư", 15, "Loại đơn", "", "missing_value")]


def test_processed_values_are_codes_and_personal_data_is_gone(ingested):
    _, tables, *_ = ingested
    p = tables["petitions"].set_index("number")
    assert p.loc["3", "petition_type"] == "denunciation" and p.loc["3", "eligibility"] == "anonymous"
    assert p.loc["9", "eligibility"] == "impersonated" and p.loc["6", "result"] == "pending"  # empty result
    assert bool(p.loc["8", "within_authority"]) is True and p.loc["8", "source_row"] == 11
    assert p.loc["2", "received_at"] == pd.Timestamp("2025-07-01")
    r = tables["reception"]
    book = r[r["source_file"] == BOOK].set_index("source_row")
    assert book["form"].to_dict() == {5: "direct", 6: "direct", 7: "remote", 8: "remote", 9: "direct",
                                      10: "direct", 13: "direct"}
    assert book.loc[9, "received_at"] == pd.Timestamp("2025-07-31")  # time of day dropped
    assert sorted(r["visits"].tolist()) == [1, 1, 1, 1, 1, 2, 3, 4]
    assert r.loc[r["content"] == "Văn hóa", "source_file"].tolist() == [CSV, BOOK]  # tones normalised
    for frame in (tables["petitions"], tables["reception"]):
        text = frame.astype(str).to_numpy().ravel().tolist()
        assert not any(name in text for name in ("Nguyễn Văn A", "Ngô H", "B", "Trần Thị B"))
        assert not {"Người gửi", "Họ và tên", "Họ tên"} & set(frame.columns)


def test_reception_visits_in_the_window(ingested):
    *_, figures, hashes = ingested
    # direct: row 6 (1) + row 9 (4) + row 13 (1) + the csv (1) = 7; remote: row 7 (3) + row 8 (1) = 4
    assert figures["citizens.reception.visits.direct"].value == 7
    assert figures["citizens.reception.visits.remote"].value == 4
    total = figures["citizens.reception.visits.total"]
    assert total.value == 11 and total.unit == "lượt" and total.label == "Số lượt tiếp công dân"
    assert total.sources == [{"file": CSV, "sha256": hashes[CSV], "rows": 1},
                             {"file": BOOK, "sha256": hashes[BOOK], "rows": 5}]


PETITION_ANSWERS = {
    "received.total": 8,            # rows 5-12
    "received.complaint": 1,        # 5
    "received.denunciation": 1,     # 6
    "received.recommendation": 6,   # 7-12
    "resolved": 2,                  # 5, 11 (no date: resolved)
    "forwarded": 1,                 # 7
    "filed": 2,                     # 6, 12
    "pending": 3,                   # 8, 9 (empty), 10 (resolved after E)
    "eligible": 6,                  # 5, 7, 8, 9, 10, 11
    "anonymous": 1,                 # 6
    "impersonated": 1,              # 12
    "within_authority": 5,          # 5, 8, 9, 10, 11 ("x")
}


@pytest.mark.parametrize("suffix,expected", PETITION_ANSWERS.items())
def test_petition_counts(ingested, suffix, expected):
    *_, figures, _ = ingested
    assert figures[f"citizens.petitions.{suffix}"].value == expected


def test_petition_identity_and_rate(ingested):
    *_, figures, hashes = ingested
    value = lambda s: figures[f"citizens.petitions.{s}"].value  # noqa: E731
    assert value("received.total") == value("resolved") + value("forwarded") + value("filed") + value("pending")
    assert value("received.total") == sum(value(f"received.{k}") for k in ("complaint", "denunciation",
                                                                            "recommendation"))
    rate = figures["citizens.petitions.rate.resolved"]
    assert (rate.numerator, rate.denominator, rate.value) == (2, 8, 0.25) and rate.unit == "%"
    assert rate.sources == [{"file": BOOK, "sha256": hashes[BOOK], "rows": 8}]
    assert figures["citizens.petitions.received.complaint"].sources[0]["rows"] == 1


def test_absent_sources_give_no_figures(ingested):
    _, tables, _, hashes = ingested
    params = SimpleNamespace(window=Window(dt.date(2025, 7, 1), dt.date(2025, 7, 31)))
    assert citizens.compute_section({"dossiers": tables["dossiers"]}, params, hashes) == []
    only = citizens.compute_section({"reception": tables["reception"]}, params, hashes)
    assert {f.id.split(".")[1] for f in only} == {"reception"}


def test_classification_keeps_other_exports_apart():
    specs = load_specs()
    assert classify(specs, [PETITIONS[2]], "a.xlsx")[0].kind == "petitions"
    assert classify(specs, [RECEPTION[3]], "b.xlsx")[0].kind == "reception"
    dossier = ["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Ngày nhận", "Trạng thái", "Người gửi"]
    assert classify(specs, [dossier], "c.xlsx")[0].kind == "dossiers"


# ---------------------------------------------------------------------------
# demo: the reference report's numbers
# ---------------------------------------------------------------------------

DEMO_PARAMS = 'unit_name: "Xã Thử Nghiệm"\nstart: 2025-07-01\ncutoff: 2025-12-09\n'


def test_demo_reproduces_the_reference_report(tmp_path):
    root = make_root(tmp_path, params=DEMO_PARAMS)
    raw = root / RAW
    paths = demo_citizens.write(raw)
    assert [p.name for p in paths] == ["so-tiep-cong-dan-don-thu-2025.xlsx"]
    params = load_params(root, "xa-thu", "2025-07")
    result = ingest(root, params)
    report = result.report
    assert report["balanced"] is True
    mine = [f for f in report["files"] if f["file"].endswith(paths[0].name)]
    assert [f["kind"] for f in mine] == ["reception", "petitions"]
    assert all(f["footer"]["matches"] for f in mine)
    assert [f["account"]["quarantined"] for f in mine] == [2, 2]
    assert report["ignored_sheets"] == [{"file": RAW + paths[0].name, "sheet": "Ghi chú"}]
    tables = {name: pd.read_parquet(result.processed_dir / file) for name, file in report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in report["files"]}
    figures = FigureSet()
    figures.extend(citizens.compute_section(tables, params, hashes))
    value = lambda s: figures[f"citizens.{s}"].value  # noqa: E731
    # "54 lượt công dân đến kiến nghị, phản ánh trực tiếp và qua điện bưu điện"
    assert value("reception.visits.total") == 54
    assert value("reception.visits.direct") + value("reception.visits.remote") == 54
    # "không có đơn khiếu nại, tố cáo … Tổng số đơn tiếp nhận: 31 đơn, đã giải quyết 29 đơn,
    # chưa giải quyết 02 đơn."
    assert value("petitions.received.complaint") == value("petitions.received.denunciation") == 0
    assert value("petitions.received.total") == value("petitions.received.recommendation") == 31
    assert value("petitions.resolved") == 29 and value("petitions.pending") == 2
    assert value("petitions.forwarded") == value("petitions.filed") == 0
    assert figures["citizens.petitions.rate.resolved"].numerator == 29
    processed = (result.processed_dir / "petitions.parquet").read_bytes() + \
        (result.processed_dir / "reception.parquet").read_bytes()
    assert "Thôn".encode() not in processed  # addresses dropped


def test_demo_bytes_are_deterministic(tmp_path):
    first = demo_citizens.write(tmp_path / "a")[0].read_bytes()
    assert demo_citizens.write(tmp_path / "b")[0].read_bytes() == first
