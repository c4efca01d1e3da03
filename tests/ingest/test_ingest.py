"""Raw folder -> processed tables: accounting, duplicates, conflicts, cache, raw untouched."""

import hashlib
import json

import pandas as pd
import pytest

from cchc.config.params import load_params
from cchc.core.errors import CchcError
from cchc.ingest import parse as parse_module
from cchc.ingest.run import ingest

from conftest import make_root, write_xlsx


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def ingested(messy_root):
    raw = messy_root / "data/raw/xa-thu/2025-07"
    before = _hashes(raw)
    result = ingest(messy_root, load_params(messy_root, "xa-thu", "2025-07"))
    assert _hashes(raw) == before, "raw files must never be modified"
    return messy_root, result


def test_every_raw_row_is_accounted_for(ingested):
    _, result = ingested
    report = result.report
    assert report["balanced"] is True
    files = {f["file"].rsplit("/", 1)[1]: f["account"] for f in report["files"]}
    assert files["ho-so-2025-07a.xlsx"] == {"read": 14, "title": 4, "header": 1, "blank": 1, "footer": 1,
                                            "data": 7, "quarantined": 3, "collapsed": 2, "kept": 2}
    assert files["ho-so-2025-07b.csv"] == {"read": 8, "title": 2, "header": 1, "blank": 0, "footer": 1,
                                           "data": 4, "quarantined": 0, "collapsed": 0, "kept": 4}
    for account in files.values():
        assert account["read"] == sum(account[k] for k in ("title", "header", "blank", "footer",
                                                           "quarantined", "collapsed", "kept"))


def test_later_file_wins_and_conflicts_are_listed(ingested):
    root, result = ingested
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet")
    assert sorted(dossiers["dossier_id"]) == ["HS001", "HS002", "HS003", "HS007", "HS008", "HS009"]
    hs002 = dossiers.set_index("dossier_id").loc["HS002"]
    assert hs002["status"] == "resolved" and hs002["source_file"].endswith("ho-so-2025-07b.csv")
    conflicts = result.report["sources"]["dossiers"]["conflicts"]
    assert [c["key"] for c in conflicts] == ["HS002"]  # HS003 is an identical duplicate
    assert conflicts[0]["columns"]["Trạng thái"] == ["Đang xử lý", "Đã giải quyết"]
    assert conflicts[0]["columns"]["Ngày hoàn thành"] == ["", "10/07/2025"]
    assert conflicts[0]["dropped"] == {"file": "data/raw/xa-thu/2025-07/ho-so-2025-07a.xlsx", "row": 7}


def test_nfd_alias_file_is_normalised(ingested):
    _, result = ingested
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet").set_index("dossier_id")
    assert dossiers.loc["HS003", "agency"] == "Chi nhánh Văn phòng đăng ký đất đai"
    assert dossiers.loc["HS008", "field"] == "Hộ tịch"
    assert bool(dossiers.loc["HS008", "digitized"]) is True  # header "Đã số hoá" (new tone, NFD)


def test_quarantine_table_and_report(ingested):
    _, result = ingested
    quarantine = pd.read_parquet(result.processed_dir / "quarantine.parquet")
    assert sorted(zip(quarantine["row"], quarantine["column"], quarantine["reason"])) == [
        (9, "Ngày tiếp nhận", "bad_date"), (10, "Hình thức nộp", "bad_category"),
        (11, "Ngày hoàn thành", "ended_without_date")]
    markdown = (result.processed_dir / "ingest-report.md").read_text(encoding="utf-8")
    assert "31/02/2025" in markdown and "không phải ngày hợp lệ" in markdown


def test_personal_data_never_reaches_processed(ingested):
    _, result = ingested
    blob = b"".join(p.read_bytes() for p in result.processed_dir.iterdir())
    for secret in ("Nguyễn Văn An", "0912345678", "Trần Thị Bình", "Lê Văn Cường"):
        assert secret.encode() not in blob
    report = json.loads((result.processed_dir / "ingest-report.json").read_text(encoding="utf-8"))
    assert any("Chủ hồ sơ" in f["personal_columns"] for f in report["files"])


def test_second_run_with_unchanged_files_does_not_parse(ingested, monkeypatch):
    root, _ = ingested

    def boom(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(parse_module, "parse_workbook", boom)
    assert ingest(root, load_params(root, "xa-thu", "2025-07")).from_cache is True


def test_only_a_new_file_is_parsed(ingested, monkeypatch):
    root, _ = ingested
    raw = root / "data/raw/xa-thu/2025-07"
    write_xlsx(raw / "ho-so-2025-07c.xlsx", [["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Cơ quan giải quyết",
                                              "Hình thức nộp", "Ngày tiếp nhận", "Trạng thái"],
                                             ["HS010", "1.001", "Hộ tịch", "UBND xã", "Trực tuyến",
                                              "20/07/2025", "Đang xử lý"]])
    parsed = []
    real = parse_module.parse_workbook
    monkeypatch.setattr(parse_module, "parse_workbook", lambda path, *a, **k: parsed.append(path.name) or real(path, *a, **k))
    result = ingest(root, load_params(root, "xa-thu", "2025-07"))
    assert result.from_cache is False and parsed == ["ho-so-2025-07c.xlsx"]
    assert "HS010" in set(pd.read_parquet(result.processed_dir / "dossiers.parquet")["dossier_id"])


def test_sources_override_and_ignore(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử"\nsources:\n  ghi-chu.xlsx: ignore\n')
    write_xlsx(root / "data/raw/xa-thu/2025-07/ghi-chu.xlsx", [["Nội dung"], ["không phải dữ liệu"]])
    result = ingest(root, load_params(root, "xa-thu", "2025-07"))
    assert result.report["ignored_files"] == ["ghi-chu.xlsx"]


def test_missing_catalogue_is_said_and_a_missing_dossier_list_is_an_error(tmp_path):
    # The catalogue is optional (raw-exports.md §7, issue 21): its absence is named, with what it
    # takes away, in the ingest report; the dossier list stays required.
    root = make_root(tmp_path)
    (root / "data/raw/xa-thu/2025-07/danh-muc.xlsx").unlink()
    result = ingest(root, load_params(root, "xa-thu", "2025-07"))
    [entry] = [e for e in result.report["missing"] if "column" not in e]
    assert entry["kind"] == "catalogue" and "Danh mục thủ tục hành chính" in entry["text"]
    assert "không tính được số thủ tục" in entry["text"]
    assert "catalogue" not in result.report["tables"]
    for path in (root / "data/raw/xa-thu/2025-07").glob("ho-so*"):
        path.unlink()
    with pytest.raises(CchcError, match="Danh sách hồ sơ TTHC"):
        ingest(root, load_params(root, "xa-thu", "2025-07"))


def test_failed_ingest_keeps_previous_processed_data(ingested):
    root, result = ingested
    before = _hashes(result.processed_dir)
    (root / "data/raw/xa-thu/2025-07/hong.xlsx").write_text("không phải Excel", encoding="utf-8")
    with pytest.raises(CchcError, match="hong.xlsx"):
        ingest(root, load_params(root, "xa-thu", "2025-07"))
    assert _hashes(result.processed_dir) == before


def test_every_recognised_sheet_of_a_workbook_is_read_and_others_listed(tmp_path):
    import openpyxl

    from conftest import CATALOGUE_HEADER

    root = make_root(tmp_path)
    path = root / "data/raw/xa-thu/2025-07/danh-muc.xlsx"
    book = openpyxl.load_workbook(path)
    extra = book.create_sheet("Bổ sung")
    extra.append(CATALOGUE_HEADER)
    extra.append(["3.001", "Thủ tục thêm", "Tư pháp", "Toàn trình", "Có", "Có"])
    book.create_sheet("Ghi chú").append(["Ghi chú của người nhập"])
    book.save(path)
    result = ingest(root, load_params(root, "xa-thu", "2025-07"))
    catalogue = pd.read_parquet(result.processed_dir / "catalogue.parquet")
    assert "3.001" in set(catalogue["procedure_code"])
    assert catalogue.set_index("procedure_code").loc["3.001", "source_sheet"] == "Bổ sung"
    assert result.report["ignored_sheets"] == [{"file": "data/raw/xa-thu/2025-07/danh-muc.xlsx", "sheet": "Ghi chú"}]
    assert result.report["balanced"]


@pytest.mark.parametrize("dtype, values", [
    ("string", ["a", "b", None, "a", None]),
    ("Float64", [1.0, 2.5, None, 1.0, None]),
    ("boolean", [True, False, None, True, None]),
    ("datetime64[s]", ["2025-07-01", "2025-07-02", None, "2025-07-01", None]),
])
def test_conflicting_cells_are_those_series_comparison_finds(dtype, values):
    """combine._unequal on the arrays = the Series' (left != right).fillna(True) & not both missing."""
    from cchc.ingest.combine import _unequal

    left = pd.Series(values, dtype=dtype)
    right = pd.Series([values[i] for i in (0, 3, 2, 2, 1)], dtype=dtype)  # equal, differ, NA/NA, value/NA, NA/value
    expected = ((left != right).fillna(True).astype(bool) & ~(left.isna() & right.isna())).tolist()
    assert _unequal(left.array, right.array).tolist() == expected
    assert expected == [False, True, False, True, True]


@pytest.mark.parametrize("cells", [["Hộ tịch", None, "", "a"], [], [None, None], ["1", 2, None], ["x", float("nan")]])
def test_text_columns_are_what_a_string_series_makes_of_them(cells):
    """combine._text_series (an Arrow array made at once when every cell is text or None) = the
    public pd.Series(cells, dtype="string"), other cells included (converted by pandas)."""
    from cchc.ingest.combine import _text_series

    made, expected = _text_series(list(cells)), pd.Series(list(cells), dtype="string")
    assert made.dtype == expected.dtype and type(made.array) is type(expected.array)
    pd.testing.assert_series_equal(made, expected)
    assert made.isna().tolist() == expected.isna().tolist()


def test_date_columns_keep_each_day_and_missing_cells():
    import datetime as dt

    from cchc.ingest.combine import _date_series

    days = [dt.date(2025, 7, 1), None, dt.date(1900, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 2, 28)]
    series = _date_series(days)
    assert str(series.dtype) == "datetime64[s]"
    assert [None if pd.isna(v) else v.date() for v in series] == days


def test_kept_rows_written_from_the_converted_table_as_pandas_writes_them(tmp_path):
    """run._ingest writes a source whose duplicates collapsed as its converted Arrow table
    filtered by the kept rows: the same Parquet bytes as the kept frame's to_parquet."""
    import datetime as dt

    import numpy as np

    from cchc.ingest import cache
    from cchc.ingest.combine import _date_series, _text_series

    frame = pd.DataFrame({
        "key": _text_series(["H1", "H2", "H1", None, "H3"]).array,
        "amount": pd.array([1.5, None, 2.0, 3.0, None], dtype="Float64"),
        "online": pd.array([True, None, False, True, False], dtype="boolean"),
        "day": _date_series([dt.date(2025, 7, 1), None, dt.date(2025, 7, 3), dt.date(2025, 7, 4), None]).array,
        "source_row": pd.array([2, 3, 4, 5, 6], dtype="int64"),
    })
    kept = np.array([False, True, True, True, False])
    table = cache.arrow_tables({"dossiers": frame})["dossiers"]
    cache.write_parquet(table.filter(kept), tmp_path / "filtered.parquet")
    frame[kept].reset_index(drop=True).to_parquet(tmp_path / "pandas.parquet", index=False)
    assert (tmp_path / "filtered.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
    # without a converted table (every file from the parse cache): the frame under the mask, as it is
    frame[kept].to_parquet(tmp_path / "masked.parquet", index=False)
    assert (tmp_path / "masked.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
