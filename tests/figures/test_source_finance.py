"""Budget execution and investment disbursement exports (raw-exports.md §5): parsing, the
finance.* figures with hand-worked answers, and the demo files against the reference report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cchc.config.params import load_params
from cchc.config.sources import load_specs
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.figures import finance
from cchc.ingest.parse import classify
from cchc.ingest.run import ingest

from conftest import CATALOGUE_HEADER, DOSSIER_HEADER, make_root, write_csv, write_xlsx

UNIT, PERIOD = "xa-thu", "2025-07"
BUDGET_HEADER = ["STT", "Chỉ tiêu", "Dự toán năm", "Lũy kế", "Ước thực hiện", "Ghi chú"]
INVESTMENT_HEADER = ["STT", "Tên công trình", "Vốn đã cấp", "Đã giải ngân", "Cán bộ theo dõi", "Số điện thoại"]


def run(tmp_path: Path, files: dict[str, list[list]]) -> tuple[dict[str, pd.DataFrame], dict, list]:
    """Write ``files`` next to the minimal dossier export and catalogue, ingest, compute."""
    root = make_root(tmp_path)
    raw = Layout(root, UNIT, PERIOD).raw_dir
    for name, rows in files.items():
        (write_csv if name.endswith(".csv") else write_xlsx)(raw / name, rows)
    params = load_params(root, UNIT, PERIOD)
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / file) for name, file in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    return tables, result.report, finance.compute_section(tables, params, hashes)


def by_id(figures) -> dict:
    return {figure.id: figure for figure in figures}


def file_entry(report: dict, name: str) -> dict:
    return next(entry for entry in report["files"] if entry["file"].endswith(name))


def budget_rows(unit_line: str = "Đơn vị tính: đồng", period: str = "Từ ngày 01/01/2025 đến ngày 30/11/2025"):
    return [
        ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"], ["BÁO CÁO THỰC HIỆN THU, CHI NGÂN SÁCH"], [period], [unit_line], [],
        BUDGET_HEADER,
        [None, "Tổng thu ngân sách xã", "1.000.000.000", 1_250_500_000, "1.500.000.000", ""],   # row 7
        ["1", "Thu phí, lệ phí", 200_000_000, 150_000_000, None, ""],                          # row 8
        [None, "Thu kết dư", None, 35_000_000, None, "không có dự toán"],                       # row 9
        [None, "", 5_000_000, 1_000_000, None, "dòng thiếu chỉ tiêu"],                          # row 10: quarantined
        ["2", "Thu khác", 1_000_000, "1,2 tỷ", None, ""],                                       # row 11: quarantined
        ["B", "B. TỔNG CHI NGÂN SÁCH XÃ (I+II):", "800.000.000", "600.123.456", None, ""],      # row 12
        [None, "Tổng cộng các khoản chưa phân bổ", None, 7_000_000, None, ""],                  # row 13: footer
    ]


def test_budget_file_is_classified_and_parsed(tmp_path):
    tables, report, _ = run(tmp_path, {"ngan-sach.xlsx": budget_rows()})
    budget = tables["budget"]
    assert budget["line"].tolist() == ["Tổng thu ngân sách xã", "Thu phí, lệ phí", "Thu kết dư",
                                       "B. TỔNG CHI NGÂN SÁCH XÃ (I+II):"]
    assert budget["source_row"].tolist() == [7, 8, 9, 12]
    assert budget["estimate"].tolist()[:2] == [1_000_000_000, 200_000_000]
    assert pd.isna(budget["estimate"][2])                      # a line without estimate is kept
    assert budget["to_date"].tolist() == [1_250_500_000, 150_000_000, 35_000_000, 600_123_456]
    assert set(budget["unit"]) == {"đồng"}
    assert set(budget["as_of"]) == {pd.Timestamp("2025-11-30")}
    entry = file_entry(report, "ngan-sach.xlsx")
    assert entry["kind"] == "budget" and entry["header_row"] == 6
    # a total line starting with "Tổng" and without STT is data (the key is the estimate);
    # a "Tổng" row without an estimate is a footer
    assert entry["account"]["footer"] == 1 and entry["footer"]["row"] == 13
    assert entry["unknown_columns"] == ["STT", "Ghi chú"]
    quarantine = tables["quarantine"]
    mine = quarantine[quarantine["file"].str.endswith("ngan-sach.xlsx")]
    assert mine[["row", "column", "reason"]].values.tolist() == [
        [10, "Chỉ tiêu", "missing_value"], [11, "Lũy kế", "bad_number"]]
    assert entry["balanced"]


def test_investment_file_is_classified_and_parsed(tmp_path):
    rows = [["UBND XÃ THỬ NGHIỆM"], ["BÁO CÁO GIẢI NGÂN VỐN ĐẦU TƯ CÔNG"],
            ["Tổng vốn đã cấp đến ngày 19/11/2025; vốn đã giải ngân đến hết ngày 30/11/2025"],
            ["ĐVT: nghìn đồng"],
            INVESTMENT_HEADER,
            [1, "Đường giao thông thôn Đông", "2.000.500", "1.000.000", "Nguyễn Văn A", "0912345678"],
            [2, "Nhà văn hoá thôn Tây", 3_000_000, 2_999_999, "Trần Thị B", ""],
            [3, "Trường mầm non", "chưa cấp", 0, "", ""],
            ["Tổng cộng: 3 dự án", None, "5.000.500", "3.999.999", None, None]]
    tables, report, _ = run(tmp_path, {"dau-tu.csv": [[("" if c is None else str(c)) for c in r] for r in rows]})
    investment = tables["investment"]
    assert investment["project"].tolist() == ["Đường giao thông thôn Đông", "Nhà văn hóa thôn Tây"]  # tones
    assert investment["allocated"].tolist() == [2_000_500, 3_000_000]
    assert investment["allocated_as_of"].tolist() == [pd.Timestamp("2025-11-19")] * 2
    assert investment["disbursed_as_of"].tolist() == [pd.Timestamp("2025-11-30")] * 2
    assert investment["unit"].tolist() == ["nghìn đồng"] * 2
    entry = file_entry(report, "dau-tu.csv")
    assert entry["kind"] == "investment"
    assert entry["personal_columns"] == ["Cán bộ theo dõi", "Số điện thoại"]
    assert "Cán bộ theo dõi" not in investment.columns and "Nguyễn Văn A" not in investment.to_string()
    assert entry["footer"] == {"row": 9, "text": "Tổng cộng: 3 dự án", "declared": 3, "data_rows": 3,
                               "matches": True}
    quarantine = tables["quarantine"]
    assert quarantine[quarantine["file"].str.endswith("dau-tu.csv")][["row", "column", "value"]].values.tolist() == [
        [8, "Vốn đã cấp", "chưa cấp"]]


def test_budget_and_investment_headers_never_take_dossier_or_catalogue_files():
    specs = load_specs()
    assert classify(specs, [DOSSIER_HEADER], "a.xlsx")[0].kind == "dossiers"
    assert classify(specs, [CATALOGUE_HEADER], "b.xlsx")[0].kind == "catalogue"
    assert classify(specs, [BUDGET_HEADER], "c.xlsx")[0].kind == "budget"
    assert classify(specs, [INVESTMENT_HEADER], "d.xlsx")[0].kind == "investment"
    # "Chỉ tiêu" alone (a manual-figures sheet) is not a budget table
    with pytest.raises(CchcError):
        classify(specs, [["Chỉ tiêu", "Số liệu", "Ghi chú"]], "e.xlsx")


def test_budget_figures_in_trieu_dong_from_a_report_in_dong(tmp_path):
    _, _, figures = run(tmp_path, {"ngan-sach.xlsx": budget_rows()})
    f = by_id(figures)
    assert sorted(f) == sorted(["finance.revenue.estimate", "finance.revenue.to_date", "finance.revenue.forecast",
                                "finance.revenue.rate_to_date", "finance.revenue.rate_forecast",
                                "finance.spending.estimate", "finance.spending.to_date",
                                "finance.spending.rate_to_date"])   # no spending forecast in the file
    assert f["finance.revenue.estimate"].value == 1000 and isinstance(f["finance.revenue.estimate"].value, int)
    assert f["finance.revenue.to_date"].value == 1250.5
    assert f["finance.revenue.forecast"].value == 1500
    rate = f["finance.revenue.rate_to_date"]
    assert (rate.numerator, rate.denominator, rate.value) == (1250.5, 1000, 1.2505)
    assert f["finance.revenue.rate_forecast"].value == 1.5
    assert f["finance.spending.to_date"].value == 600.123456          # exact decimal, not 600.1234559999
    assert f["finance.spending.rate_to_date"].numerator == 600.123456
    assert f["finance.spending.estimate"].extra == {"line": "B. TỔNG CHI NGÂN SÁCH XÃ (I+II):", "as_of": "2025-11-30",
                                                    "since": "2025-01-01"}
    assert f["finance.revenue.to_date"].unit == "triệu đồng" and rate.unit == "%"
    assert f["finance.revenue.to_date"].sources[0]["rows"] == 1
    assert f["finance.revenue.to_date"].sources[0]["sha256"]


def test_budget_takes_each_line_from_the_latest_report(tmp_path):
    older = budget_rows("Đơn vị tính: triệu đồng", "Lũy kế từ 01/01/2025 đến 31/10/2025")
    later = [["BÁO CÁO THU NGÂN SÁCH"], ["Lũy kế từ 01/01/2025 đến 04/12/2025"],
             ["STT", "Nội dung", "Dự toán", "Thực hiện lũy kế", "Ước thực hiện năm"],
             ["A", "Tổng thu NSNN trên địa bàn", "137.790", "302.784", "304.784"],
             ["B", "Tổng thu ngân sách xã", 1, 1, 1]]           # a second revenue line: the first is taken
    # the file names sort the other way round: the dates decide
    _, _, figures = run(tmp_path, {"a-thang-12.xlsx": later, "b-thang-10.xlsx": older})
    f = by_id(figures)
    assert f["finance.revenue.to_date"].value == 302784
    assert f["finance.revenue.to_date"].extra == {"line": "Tổng thu NSNN trên địa bàn", "as_of": "2025-12-04",
                                                  "since": "2025-01-01"}
    assert f["finance.revenue.rate_forecast"].value == pytest.approx(2.2119457)
    assert fmt.percent(f["finance.revenue.rate_forecast"].value) == "221,19%"
    assert f["finance.revenue.to_date"].sources[0]["file"].endswith("a-thang-12.xlsx")
    # spending only in the older report (amounts already in triệu đồng)
    assert f["finance.spending.estimate"].value == 800_000_000
    assert f["finance.spending.estimate"].extra["as_of"] == "2025-10-31"


def test_a_date_column_overrides_the_title_date():
    budget = pd.DataFrame({
        "line": ["Tổng chi ngân sách", "Tổng chi ngân sách"], "estimate": [10.0, 10.0], "to_date": [4.0, 5.0],
        "forecast": [None, None], "to_date_as_of": pd.to_datetime([None, "2025-12-01"]),
        "unit": ["triệu đồng"] * 2, "as_of": pd.to_datetime(["2025-12-05"] * 2),
        "source_file": ["x.xlsx"] * 2, "source_sheet": ["S"] * 2, "source_row": [5, 6]})
    f = by_id(finance.compute_section({"budget": budget}, None, {}))
    assert f["finance.spending.to_date"].value == 4                      # 05/12 (title) is later than 01/12
    assert f["finance.spending.to_date"].extra["as_of"] == "2025-12-05"
    assert f["finance.spending.rate_to_date"].value == 0.4
    assert "finance.spending.forecast" not in f


def test_investment_figures_sum_the_project_rows(tmp_path):
    rows = [["BÁO CÁO GIẢI NGÂN"], ["Đơn vị tính: nghìn đồng"], ["Số liệu đến ngày 30/11/2025"],
            ["Dự án", "Vốn được cấp", "Vốn đã giải ngân", "Còn lại"],
            ["Dự án A", 1_500_500, 1_000_000, 500_500], ["Dự án B", 2_000_000, 2_000_000, 0],
            ["Tổng cộng", 3_500_500, 3_000_000, 500_500]]
    _, _, figures = run(tmp_path, {"dau-tu.xlsx": rows})
    f = by_id(figures)
    assert f["finance.investment.allocated"].value == 3500.5
    assert f["finance.investment.disbursed"].value == 3000
    assert f["finance.investment.remaining"].value == 500.5
    rate = f["finance.investment.rate_disbursed"]
    assert (rate.numerator, rate.denominator) == (3000, 3500.5) and rate.value == pytest.approx(3000 / 3500.5)
    # one date for both amounts: the general "đến ngày"
    assert f["finance.investment.allocated"].extra["as_of"] == "2025-11-30"
    assert f["finance.investment.allocated"].sources[0]["rows"] == 2
    assert not any(i.startswith("finance.revenue") for i in f)


def test_absent_tables_give_no_figures():
    assert finance.compute_section({}, None, {}) == []
    empty = pd.DataFrame(columns=["project", "allocated", "disbursed", "unit", "allocated_as_of",
                                  "disbursed_as_of", "as_of", "source_file"])
    assert finance.compute_section({"investment": empty}, None, {}) == []


def test_budget_line_names_are_normalised():
    assert finance.line_key("A. TỔNG THU NGÂN SÁCH XÃ NĂM 2025 (I+II):") == "tổng thu ngân sách xã"
    assert finance.line_key("II- Tổng chi NSNN") == "tổng chi nsnn"
    assert finance.line_key("Thu bổ sung") == "thu bổ sung"


# ---------------------------------------------------------------------------
# demo data: the reference report's numbers (section 5.1)
# ---------------------------------------------------------------------------

def test_demo_files_reproduce_the_reference_report(tmp_path):
    from cchc.demo import finance as demo

    root = make_root(tmp_path)
    raw = Layout(root, UNIT, PERIOD).raw_dir
    written = demo.write(raw)
    assert [p.name for p in written] == ["bao-cao-thu-chi-ngan-sach-2025.xlsx",
                                         "giai-ngan-von-dau-tu-cong-2025-11.csv"]
    params = load_params(root, UNIT, PERIOD)
    result = ingest(root, params)
    tables = {n: pd.read_parquet(result.processed_dir / f) for n, f in result.report["tables"].items()}
    hashes = {e["file"]: e["sha256"] for e in result.report["files"]}
    f = by_id(finance.compute_section(tables, params, hashes))
    values = {i: f[i].value for i in f if not f[i].is_rate}
    assert values == {
        "finance.revenue.estimate": 137790, "finance.revenue.to_date": 302784, "finance.revenue.forecast": 304784,
        "finance.spending.estimate": 137790, "finance.spending.to_date": 204145,
        "finance.spending.forecast": 289784,
        "finance.investment.allocated": 74603, "finance.investment.disbursed": 65049,
        "finance.investment.remaining": 9554}
    shown = {i: fmt.percent(f[i].value) for i in f if f[i].is_rate}
    assert shown == {
        "finance.revenue.rate_to_date": "219,74%", "finance.revenue.rate_forecast": "221,19%",
        "finance.spending.rate_to_date": "148,16%", "finance.spending.rate_forecast": "210,31%",
        "finance.investment.rate_disbursed": "87,19%"}
    assert (f["finance.investment.rate_disbursed"].numerator, f["finance.investment.rate_disbursed"].denominator) \
        == (65049, 74603)
    assert {f[i].extra["as_of"] for i in f if i.startswith(("finance.revenue", "finance.spending"))} == {"2025-12-04"}
    assert f["finance.investment.allocated"].extra["as_of"] == "2025-11-19"
    assert f["finance.investment.disbursed"].extra["as_of"] == "2025-11-30"
    # the budget is stated in nghìn đồng; sub-lines are kept but make no figure
    assert set(tables["budget"]["unit"]) == {"nghìn đồng"}
    assert len(tables["budget"]) == 6 and len(tables["investment"]) == 6
    quarantine = tables["quarantine"]
    mine = quarantine[~quarantine["file"].str.contains("ho-so")]
    assert sorted(mine["reason"]) == ["bad_number", "bad_number", "missing_value"]
    entries = {e["file"].rsplit("/", 1)[1]: e for e in result.report["files"]}
    assert entries["giai-ngan-von-dau-tu-cong-2025-11.csv"]["footer"]["matches"] is True
    assert entries["giai-ngan-von-dau-tu-cong-2025-11.csv"]["personal_columns"] == ["Cán bộ theo dõi"]
    assert all(e["balanced"] for e in entries.values())


def test_demo_files_have_deterministic_bytes(tmp_path):
    from cchc.demo import finance as demo

    first = [p.read_bytes() for p in demo.write(tmp_path / "a")]
    second = [p.read_bytes() for p in demo.write(tmp_path / "b")]
    assert first == second
