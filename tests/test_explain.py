"""`cchc explain`: the raw rows behind a figure are exactly the rows the figure counted.

Hand-known rows from conftest.messy_dossier_files (see test_cli.EXPECTED): HS001 online, resolved
early (xlsx row 6) · HS002 direct, resolved late (the CSV's update wins: ho-so-2025-07b.csv row 4)
· HS003 postal, pending overdue (csv row 5) · HS008 online, no due date, on time (csv row 6).
"""

from __future__ import annotations

import csv
import dataclasses
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from cchc import explain as ex
from cchc.config.params import load_params
from cchc.core.errors import CchcError
from cchc.figures import compute_all
from cchc.figures.tthc import DOSSIER_RATES, absent
from cchc.ingest.run import ingest

from conftest import REPO, make_root, run_cli

UNIT, PERIOD = "xa-thu", "2025-07"
RAW = "data/raw/xa-thu/2025-07/"
XLSX, CSV = RAW + "ho-so-2025-07a.xlsx", RAW + "ho-so-2025-07b.csv"
PERSONAL = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Dũng", "Vũ Em", "Đỗ Phương", "Hồ Giang",
            "0912345678", "0987654321"]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return make_root(tmp_path_factory.mktemp("explain"))


@pytest.fixture(scope="module")
def computed(root):
    """Params, figures and processed tables of the fixture, computed once."""
    params = load_params(root, UNIT, PERIOD)
    ingested = ingest(root, params)
    figures = compute_all(ingested.processed_dir, params, ingested.report)
    tables = {name: pd.read_parquet(ingested.processed_dir / file) for name, file in ingested.report["tables"].items()}
    return params, figures, tables


def _explained(computed, figure_id: str) -> ex.Explanation:
    params, figures, tables = computed
    return ex.explain_figure(figures[figure_id], tables, params)


def _where(explanation: ex.Explanation) -> list[tuple[str, object, int, str]]:
    rows = explanation.rows
    return list(zip(rows["file"], rows["sheet"], rows["row"], rows["dossier_id"]))


def test_resolved_late_is_hs002_with_its_file_and_excel_row(root):
    explanation = ex.explain(root, UNIT, PERIOD, "tthc.resolved.late")
    assert (explanation.id, explanation.value) == ("tthc.resolved.late", 1)
    assert explanation.label == "Số hồ sơ giải quyết quá hạn" and explanation.definition
    rows = explanation.rows
    assert list(rows.columns[:5]) == ["file", "sheet", "row", "role", "in_numerator"]
    assert list(rows.columns[5:]) == ["dossier_id", "procedure_code", "field", "agency", "channel", "received_at",
                                      "due_at", "resolved_at", "status"]
    assert _where(explanation) == [(CSV, None, 4, "HS002")]
    assert rows["role"].tolist() == ["counted"]
    assert rows["resolved_at"].iloc[0] == pd.Timestamp("2025-07-10") > rows["due_at"].iloc[0]


def test_rate_lists_every_denominator_row_once_with_the_numerator_flag(computed):
    explanation = _explained(computed, "tthc.rate.online")
    assert (explanation.numerator, explanation.denominator, explanation.value) == (2, 4, 0.5)
    rows = explanation.rows
    assert rows["role"].tolist() == ["denominator"] * 4
    assert _where(explanation) == [(XLSX, "Sheet", 6, "HS001"), (CSV, None, 4, "HS002"), (CSV, None, 5, "HS003"),
                                   (CSV, None, 6, "HS008")]
    assert rows["in_numerator"].tolist() == [True, False, False, True]
    assert explanation.numerator_rows == 2 and explanation.count("denominator") == 4


def test_rate_shows_the_column_its_rule_reads(computed):
    explanation = _explained(computed, "tthc.rate.online_payment")
    assert explanation.rows["dossier_id"].tolist() == ["HS001", "HS003"]   # payment not "free"
    assert explanation.rows["payment"].tolist() == ["online", "direct"]
    assert explanation.rows["in_numerator"].tolist() == [True, False]


def test_breakdown_figures(computed):
    field = _explained(computed, "tthc.by_field.ho-tich.resolved.total")
    assert field.value == 2 and field.rows["dossier_id"].tolist() == ["HS001", "HS008"]
    assert set(field.rows["field"]) == {"Hộ tịch"}
    agency = _explained(computed, "tthc.by_agency.chi-nhanh-van-phong-dang-ky-dat-dai.pending.overdue")
    assert _where(agency) == [(CSV, None, 5, "HS003")]
    rate = _explained(computed, "tthc.by_agency.ubnd-xa.rate.on_time")
    assert rate.rows["dossier_id"].tolist() == ["HS001", "HS002", "HS008"]
    assert rate.rows["in_numerator"].tolist() == [True, False, True]
    month = _explained(computed, "tthc.by_month.2025-07.received.online")
    assert month.rows["dossier_id"].tolist() == ["HS001", "HS008"]


def test_catalogue_figure(computed):
    explanation = _explained(computed, "tthc.catalogue.e_process")
    assert explanation.kind == "catalogue" and explanation.value == 2
    assert explanation.rows["procedure_code"].tolist() == ["1.001", "1.002"]
    assert explanation.rows["row"].tolist() == [4, 5]


def _check_counts(explanation: ex.Explanation) -> None:
    figure, rows = explanation.figure, explanation.rows
    if figure.is_rate:
        assert explanation.numerator_rows == figure.numerator, figure.id
        assert explanation.count("denominator") == figure.denominator == len(rows), figure.id
    else:
        assert explanation.count("counted") == len(rows) == figure.value, figure.id
    assert not rows.duplicated(["file", "sheet", "row"]).any(), figure.id


def test_every_tthc_base_figure_lists_as_many_rows_as_it_counts(computed):
    _params, figures, tables = computed
    base = [f for f in figures if f.id.startswith("tthc.") and not f.id.startswith("tthc.by_")]
    # the fixture's files have no Đánh giá, Liên thông or Số hóa kết quả column: the figures
    # needing them are absent (raw-exports.md §7), every other one is counted
    lacking = {"interlinked.received", "interlinked.resolved", "rate.result_digitized", "rate.satisfaction",
               "satisfaction.rated"}
    assert absent(tables) == lacking
    assert len(base) == 17 + len(DOSSIER_RATES) + 5 + 2 - len(lacking)
    for figure in base:
        _check_counts(_explained(computed, figure.id))
    assert _explained(computed, "tthc.received.total").value == 4


def test_breakdown_figures_list_as_many_rows_as_they_count(computed):
    _params, figures, _tables = computed
    breakdowns = [f for f in figures if f.id.startswith("tthc.by_")]
    assert {f.id.split(".")[1] for f in breakdowns} == {"by_field", "by_agency", "by_month"}
    for figure in breakdowns:
        _check_counts(_explained(computed, figure.id))


def test_unknown_figure(root):
    with pytest.raises(CchcError) as caught:
        ex.explain(root, UNIT, PERIOD, "tthc.nothing")
    assert caught.value.name == "unknown_figure" and "tthc.nothing" in str(caught.value)
    with pytest.raises(CchcError):  # a section whose source is absent has no figures
        ex.explain(root, UNIT, PERIOD, "citizens.petitions.received.total")


def _no_personal_data(text: str) -> None:
    for value in PERSONAL:
        for form in ("NFC", "NFD"):
            assert unicodedata.normalize(form, value) not in text, value


def test_csv_opens_in_excel_with_header_and_every_row(computed, tmp_path):
    explanation = _explained(computed, "tthc.rate.online")
    path = ex.to_csv(explanation, tmp_path / "out" / "giai-trinh.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                      # UTF-8 BOM: Excel reads the Vietnamese
    text = data.decode("utf-8-sig")
    _no_personal_data(text)
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[0] == ["Tệp", "Trang tính", "Dòng Excel", "Vai trò", "Thuộc tử số", "Mã hồ sơ", "Mã thủ tục",
                       "Lĩnh vực", "Cơ quan giải quyết", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
                       "Ngày hoàn thành", "Trạng thái"]
    assert len(rows) == 1 + 4
    assert rows[2] == [CSV, "", "4", "mẫu số", "không", "HS002", "1.002", "Chứng thực", "UBND xã", "Trực tiếp",
                       "03/07/2025", "03/07/2025", "10/07/2025", "Đã giải quyết"]
    assert rows[1][:5] == [XLSX, "Sheet", "6", "mẫu số", "có"]


def test_csv_of_a_count_has_no_numerator_column(computed, tmp_path):
    path = ex.to_csv(_explained(computed, "tthc.received.total"), tmp_path / "count.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:5] == ["Tệp", "Trang tính", "Dòng Excel", "Vai trò", "Mã hồ sơ"]
    assert [r[4] for r in rows[1:]] == ["HS001", "HS002", "HS003", "HS008"]
    assert {r[3] for r in rows[1:]} == {"được đếm"}


def test_text_listing(computed):
    text = ex.to_text(_explained(computed, "tthc.rate.online"))
    assert "tthc.rate.online" in text and "Tỷ lệ hồ sơ tiếp nhận trực tuyến" in text
    assert "50% = 2/4" in text
    assert "4 dòng, trong đó 2 dòng thuộc tử số" in text
    assert "Định nghĩa: " in text and "01/07/2025" in text and "31/07/2025" in text
    assert CSV in text and "HS002" in text and "--csv" not in text
    _no_personal_data(text)
    late = ex.to_text(_explained(computed, "tthc.resolved.late"))
    assert "Giá trị: 1 hồ sơ" in late and "1 dòng (đúng bằng giá trị" in late


def test_text_shows_the_first_200_rows_and_suggests_csv(computed):
    explanation = _explained(computed, "tthc.received.total")
    many = pd.concat([explanation.rows] * 63, ignore_index=True)      # 252 rows
    text = ex.to_text(dataclasses.replace(explanation, rows=many))
    listed = [line for line in text.splitlines() if line.startswith(RAW)]
    assert len(listed) == 200
    assert "còn 52 dòng nữa" in text and "tổng 252 dòng" in text and "--csv" in text
    written = ex.to_text(dataclasses.replace(explanation, rows=many), csv_path="x.csv")
    assert "x.csv" in written and "--csv" not in written


def test_no_personal_data_in_the_listings(computed, tmp_path):
    _params, figures, _tables = computed
    allowed = set(ex._data()["columns"]["dossiers"]) | set(ex._data()["dossier_rule_columns"].values())
    for figure in figures:
        if figure.id.count(".") > 2 and not figure.id.startswith("tthc.catalogue."):
            continue  # base figures: every row of the fixture that any figure counts
        explanation = _explained(computed, figure.id)
        _no_personal_data(ex.to_text(explanation))
        _no_personal_data(ex.to_csv(explanation, tmp_path / "x.csv").read_text(encoding="utf-8-sig"))
        if explanation.kind == "dossiers":
            assert set(explanation.rows.columns) - {"file", "sheet", "row", "role", "in_numerator"} <= allowed


@pytest.mark.slow
def test_every_demo_figure_of_the_other_sections(tmp_path_factory):
    """Demo data: petitions, reception, documents, finance, manual; each figure's rows, and the
    numbers they give back."""
    from cchc import demo

    root = tmp_path_factory.mktemp("explain-demo")
    shutil.copytree(REPO / "params", root / "params")
    demo.generate(root)
    params = load_params(root, "nguyen-luong-bang", "2025")
    ingested = ingest(root, params)
    figures = compute_all(ingested.processed_dir, params, ingested.report)
    tables = {name: pd.read_parquet(ingested.processed_dir / file) for name, file in ingested.report["tables"].items()}
    kinds = set()
    for figure in figures:
        if figure.id.startswith("tthc.by_"):
            continue
        explanation = ex.explain_figure(figure, tables, params)
        kinds.add(explanation.kind)
        rows = explanation.rows
        assert rows["row"].gt(0).all(), figure.id
        if explanation.kind == "reception":
            assert round(rows["visits"].sum()) == figure.value
        elif explanation.kind == "manual":
            values = dict(zip(rows["role"], rows["value"]))
            if figure.is_rate:
                assert (values.get("numerator", figure.numerator), values["denominator"]) \
                    == (figure.numerator, figure.denominator), figure.id
            else:
                assert values == {"entered": figure.value}, figure.id
        elif explanation.kind == "budget":
            assert len(rows) == 1 and rows["role"].tolist() == ["summed"]
        elif explanation.kind == "investment":
            assert len(rows) == len(tables["investment"])
        else:
            _check_counts(explanation)
        ex.to_text(explanation)
    assert kinds == {"dossiers", "catalogue", "petitions", "reception", "documents", "budget", "investment",
                     "manual", "manual_tasks", "manual_initiatives"}
    revenue = ex.explain_figure(figures["finance.revenue.to_date"], tables, params)
    text = ex.to_text(revenue)
    assert "Thực hiện lũy kế" in text and "triệu đồng" in text


def test_an_absent_figure_is_explained_by_what_the_raw_files_lack(tmp_path):
    """A figure the files do not allow (here: no Đánh giá column) is not 'unknown': explain says
    it is absent and why, in the ingest report's words; a mistyped id is still unknown."""
    root = make_root(tmp_path)
    done = run_cli("explain", "--root", str(root), "--unit", "xa-thu", "--period", "2025-07",
                   "tthc.rate.satisfaction")
    assert done.returncode != 0
    assert "không tính được từ dữ liệu gốc" in done.stderr and "không có cột Đánh giá" in done.stderr
    assert "Không có chỉ số" not in done.stderr
    typo = run_cli("explain", "--root", str(root), "--unit", "xa-thu", "--period", "2025-07", "tthc.rate.satisfied")
    assert typo.returncode != 0 and "Không có chỉ số 'tthc.rate.satisfied'" in typo.stderr
