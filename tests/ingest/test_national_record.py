"""The national portal's dossier record (raw-exports.md §7, issues 21 and 26): read as JSON (a
list, or JSON lines) and as a table (csv, xlsx) with its headers; its coded values per header,
its dates (yyyyMMddHHmmss, ISO 8601), its personal fields dropped; hostile JSON refused."""

import json
from collections import Counter

import pandas as pd
import pytest

from cchc.compute import compute
from cchc.config.params import load_params
from cchc.config.sources import load_spec, read_source_file, specs_fingerprint
from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.core.resources import load_yaml
from cchc.ingest.run import ingest

from conftest import make_root, run_cli, write_csv, write_xlsx

RAW = "data/raw/xa-thu/2025-07"
HEADERS = ["MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
           "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChiChuHoSo", "NgayNopHoSo", "NgayTiepNhan",
           "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "TrangThaiHoSo", "DonViXuLy",
           "HoSoCoThanhPhanSoHoa", "DuocThanhToanTrucTuyen"]
# Distinctive personal values, planted in every personal field of every record.
PERSONAL = {"ChuHoSo": "Hoàng Thị Riêngtư", "SoGiayToChuHoSo": "079188012345", "SoDienThoai": "0987000111",
            "Email": "rieng.tu.bimat@example.vn", "DiaChiChuHoSo": "Số 9 ngõ Bíẩn Kínđáo"}
MARKS = ["Riêngtư", "079188012345", "0987000111", "rieng.tu.bimat", "Bíẩn", "Kínđáo"]
CHANNELS = {1: "direct", 2: "online", 3: "postal"}
STATES = {2: "processing", 3: "rejected", 4: "processing", 5: "paused", 6: "paused", 7: "withdrawn",
          8: "paused", 9: "resolved", 10: "resolved"}
PAYMENTS = {1: "online", 2: "online", 0: "not_online", None: "not_online"}


def record(n, channel, status, received, due=None, end=None, returned=None, digitized=1, payment=0,
           field="Hộ tịch", when=None):
    """One national record of July 2025 (dates as yyyyMMddHHmmss unless ``when`` rewrites them)."""
    write = when or (lambda day, time: None if day is None else f"202507{day:02d}{time}")
    return {"MaHoSo": f"H12.34-2507-{n:04d}", "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh",
            "MaLinhVuc": "G09-TP01", "TenLinhVuc": field, "KenhThucHien": channel, **PERSONAL,
            "NgayNopHoSo": write(received, "073000") if received else write(1, "070000"),
            "NgayTiepNhan": write(received, "083000"), "NgayHenTra": write(due, "170000"),
            "NgayKetThucXuLy": write(end, "100000"), "NgayTra": write(returned, "150000"), "NgayTuChoi": None,
            "TrangThaiHoSo": status, "DonViXuLy": "UBND xã Thử Nghiệm", "HoSoCoThanhPhanSoHoa": digitized,
            "DuocThanhToanTrucTuyen": payment}


def iso(day, time):
    return None if day is None else f"2025-07-{day:02d}T{time[:2]}:{time[2:4]}:{time[4:]}+07:00"


def number(day, time):
    return None if day is None else int(f"202507{day:02d}{time}")


def good_records():
    """Twelve dossiers received in July 2025, each counted."""
    return [
        record(1, 2, 10, 2, due=5, end=4, returned=4, payment=1),
        record(2, 2, 9, 3, due=8, end=7, payment=2),
        record(3, 1, 4, 4, due=20, digitized=0, when=number),             # dates as numbers
        record(4, "1", "10", 5, due=6, end=9, returned=9, digitized="0"),   # codes as strings
        record(5, 3, 4, 7, due=25, field="Chứng thực"),
        record(6, 2, 5, 8, due=28, field="Chứng thực", payment=None),
        record(7, 1, 3, 9),                                                 # rejected: never counted
        record(8, 2, 7, 10, due=15, end=12),
        record(9, 2, 6, 11, due=30, field="Đất đai", when=iso),           # ISO 8601 with offset
        record(10, 3, 8, 14, due=31, field="Đất đai"),
        record(11, 1, 2, 15, due=18, payment=1, when=iso),
        record(12, 2, 9, 16, due=18, end=17, digitized=True),
    ]


def bad_records():
    """Three records quarantined: registered only, a channel code outside its list, month 13."""
    registered = record(13, 2, 1, None)           # TrangThaiHoSo 1 Mới đăng ký: not received
    unknown = record(14, 7, 4, 18, due=25)        # KenhThucHien 7: no such code
    impossible = record(15, 2, 4, 19, due=25)
    impossible["NgayTiepNhan"] = "20251319083000"
    return [registered, unknown, impossible]


def records():
    return good_records() + bad_records()


def as_table(items):
    return [HEADERS] + [[item[header] for header in HEADERS] for item in items]


def write_json_list(path, items):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_json_lines(path, items):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(item, ensure_ascii=False) + "\n"
                                               for item in items).encode("utf-8"))
    return path


def written_texts(root):
    """Each file a run wrote (the raw folder aside) as bytes to search: a zip (docx, xlsx) by
    its members inflated, a parquet table by its cells (its pages are compressed)."""
    import zipfile

    for path in root.rglob("*"):
        if not path.is_file() or "raw" in path.relative_to(root).parts:
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                yield path, b"".join(archive.read(name) for name in archive.namelist())
        elif path.suffix == ".parquet":
            yield path, pd.read_parquet(path).to_csv().encode("utf-8")
        else:
            yield path, path.read_bytes()


def assert_no_personal_value(root):
    texts = list(written_texts(root))
    assert any(path.suffix == ".parquet" for path, _ in texts) and len(texts) > 3
    for path, data in texts:
        for mark in MARKS:
            assert mark.encode() not in data, (path, mark)
    return [path for path, _ in texts]


WRITERS = {
    "ho-so.json": write_json_list,
    "ho-so.jsonl": write_json_lines,
    "ho-so.csv": lambda path, items: write_csv(path, as_table(items)),
    "ho-so.xlsx": lambda path, items: write_xlsx(path, as_table(items)),
}


@pytest.fixture(params=sorted(WRITERS))
def national_root(request, tmp_path):
    root = make_root(tmp_path, with_data=False)
    WRITERS[request.param](root / RAW / request.param, records())
    return root, request.param


def _ingest(root):
    return ingest(root, load_params(root, "xa-thu", "2025-07"))


def test_every_shape_is_read_with_its_codes_and_dates(national_root):
    root, name = national_root
    result = _ingest(root)
    [entry] = result.report["files"]
    assert entry["kind"] == "dossiers"
    assert set(entry["unknown_columns"]) == {"MaLinhVuc", "NgayNopHoSo", "NgayTuChoi"}
    assert set(entry["personal_columns"]) == set(PERSONAL)
    assert entry["headers"]["channel"] == "KenhThucHien" and entry["headers"]["status"] == "TrangThaiHoSo"
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet").set_index("dossier_id")
    planted = {item["MaHoSo"]: item for item in good_records()}
    assert set(dossiers.index) == set(planted)
    for key, item in planted.items():
        row = dossiers.loc[key]
        assert row["channel"] == CHANNELS[int(item["KenhThucHien"])]
        assert row["status"] == STATES[int(item["TrangThaiHoSo"])]
        assert row["payment"] == PAYMENTS[item["DuocThanhToanTrucTuyen"]]
        assert row["digitized"] == (item["HoSoCoThanhPhanSoHoa"] in (1, True))
        received = str(item["NgayTiepNhan"])
        assert pd.Timestamp(row["received_at"]).strftime("%Y%m%d") == received[:10].replace("-", "")[:8]
        assert pd.isna(row["resolved_at"]) == (item["NgayKetThucXuLy"] is None)
    # Every record is counted: kept or quarantined, each quarantined one named.
    assert entry["account"]["data"] == len(records())
    assert entry["account"]["kept"] == len(good_records()) and entry["account"]["quarantined"] == 3


def test_quarantined_records_are_named_by_file_record_column_value(national_root):
    root, name = national_root
    items = {(item["column"], str(item["value"]), item["reason"]): item
             for item in _ingest(root).report["quarantine"]["items"]}
    number = {item["MaHoSo"]: index + 1 for index, item in enumerate(records())}  # record N
    row = (lambda key: number[key]) if name.startswith("ho-so.json") else (lambda key: number[key] + 1)
    registered = items[("TrangThaiHoSo", "1", "not_received")]
    assert registered["row"] == row("H12.34-2507-0013") and registered["file"] == f"{RAW}/{name}"
    assert "chưa được tiếp nhận" in registered["reason_text"]
    channel = items[("KenhThucHien", "7", "bad_code")]
    assert channel["row"] == row("H12.34-2507-0014")
    assert channel["reason_text"].endswith("(các mã: 1 (Trực tiếp), 2 (Trực tuyến), 3 (Bưu chính))")
    date = items[("NgayTiepNhan", "20251319083000", "bad_date")]
    assert date["row"] == row("H12.34-2507-0015")


def test_cchc_sources_lists_a_code_outside_its_header(national_root):
    root, name = national_root
    _ingest(root)
    done = run_cli("sources", "--root", str(root), "--unit", "xa-thu", "--period", "2025-07", "--json")
    assert done.returncode == 0, done.stderr
    [entry] = [item for item in json.loads(done.stdout)["files"] if item["file"].endswith(name)]
    assert entry["bad_codes"] == [{"column": "KenhThucHien", "value": "7", "count": 1}]
    text = run_cli("sources", "--root", str(root), "--unit", "xa-thu", "--period", "2025-07").stdout
    assert "Mã không có trong danh sách mã của cột" in text and "cột 'KenhThucHien': '7' — 1 dòng" in text


def test_figures_are_the_counts_planted(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_json_list(root / RAW / "ho-so.json", records())
    figures = compute(Layout(root, "xa-thu", "2025-07")).figures
    counted = [item for item in good_records() if int(item["TrangThaiHoSo"]) != 3]
    channels = Counter(CHANNELS[int(item["KenhThucHien"])] for item in counted)
    for channel in ("online", "direct", "postal"):
        assert figures[f"tthc.received.{channel}"].value == channels[channel]
    assert figures["tthc.received.total"].value == len(counted)
    ended = [item for item in counted if item["NgayKetThucXuLy"] is not None]
    assert figures["tthc.resolved.total"].value == len(ended)
    digitized = [item for item in counted if item["HoSoCoThanhPhanSoHoa"] in (1, True)]
    assert figures["tthc.rate.digitized"].value == pytest.approx(len(digitized) / len(counted))


def test_not_paid_online_pays_when_the_catalogue_gives_its_procedure_a_fee(tmp_path):
    """DuocThanhToanTrucTuyen 0 is "not paid online": at the counter when the procedure has a
    fee, nothing to pay when it has none; a procedure the catalogue does not name is in neither."""
    root = make_root(tmp_path, with_data=False)
    fee, free, unknown = "1.000001", "1.000002", "9.999999"
    items = [record(n, 2, 4, 2 + n, due=28) for n in range(1, 8)]
    payments = [(fee, 1), (fee, 0), (fee, 0), (free, 0), (free, 2), (unknown, 0), (fee, None)]
    for item, (code, payment) in zip(items, payments, strict=True):
        item.update(MaTTHC=code, DuocThanhToanTrucTuyen=payment)
    write_json_list(root / RAW / "ho-so.json", items)
    write_xlsx(root / RAW / "danh-muc.xlsx", [
        ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Phí, lệ phí"],
        [fee, "Đăng ký khai sinh", "Hộ tịch", "Có"], [free, "Chứng thực bản sao", "Chứng thực", "Không"]])
    figures = compute(Layout(root, "xa-thu", "2025-07")).figures
    paid_online = figures["tthc.rate.online_payment"]
    # online: the two paid online (1, 2); paying: those two and the three not paid online (0, or
    # empty) of a fee procedure
    assert (paid_online.numerator, paid_online.denominator) == (2, 5)


def test_a_refused_record_without_a_received_date_is_set_aside_not_a_fault(tmp_path):
    root = make_root(tmp_path, with_data=False)
    refused = record(2, 2, 3, None)                # TrangThaiHoSo 3, no NgayTiepNhan
    missing = record(3, 2, 4, None)                # being processed, no NgayTiepNhan: a fault
    write_json_list(root / RAW / "ho-so.json", [record(1, 2, 4, 2, due=20), refused, missing])
    reasons = {item["row"]: item["reason"] for item in _ingest(root).report["quarantine"]["items"]}
    assert reasons == {2: "rejected_not_received", 3: "missing_value"}


def test_a_code_applies_only_under_its_own_header(tmp_path):
    root = make_root(tmp_path, with_data=False)
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Hình thức nộp", "Trạng thái", "Thanh toán"]
    write_csv(root / RAW / "ho-so.csv", [header, ["HS1", "02/07/2025", "1", "Đang xử lý", "Trực tuyến"],
                                         ["HS2", "03/07/2025", "Trực tiếp", "10", "0"]])
    items = {(item["column"], item["value"]): item for item in _ingest(root).report["quarantine"]["items"]}
    assert set(items) == {("Hình thức nộp", "1"), ("Trạng thái", "10"), ("Thanh toán", "0")}
    assert all(item["reason"] == "bad_category" for item in items.values())
    assert "vocabularies: channel" in items[("Hình thức nộp", "1")]["reason_text"]


def test_the_parse_cache_fingerprint_holds_the_codes(tmp_path, monkeypatch):
    import shutil

    import cchc.config.sources as sources

    copy = tmp_path / "data"
    shutil.copytree(sources.DATA_DIR, copy)
    monkeypatch.setattr(sources, "DATA_DIR", copy)
    before = specs_fingerprint({})
    spec = copy / "sources/dossiers.yaml"
    text = spec.read_text(encoding="utf-8")
    assert '"3": postal' in text
    spec.write_text(text.replace('"3": postal', '"3": online'), encoding="utf-8")
    assert specs_fingerprint({}) != before


def test_registered_only_is_set_aside_under_any_status_header(tmp_path):
    root = make_root(tmp_path, with_data=False)
    header = ["Mã hồ sơ", "Ngày tiếp nhận", "Trạng thái"]
    write_csv(root / RAW / "ho-so.csv", [header, ["HS1", "02/07/2025", "Mới đăng ký"],
                                         ["HS2", "03/07/2025", "Đang xử lý"]])
    result = _ingest(root)
    [item] = result.report["quarantine"]["items"]
    assert (item["row"], item["column"], item["value"], item["reason"]) == (2, "Trạng thái", "Mới đăng ký",
                                                                           "not_received")
    assert list(pd.read_parquet(result.processed_dir / "dossiers.parquet")["dossier_id"]) == ["HS2"]


def test_codes_are_validated_against_the_vocabulary():
    import copy

    data = copy.deepcopy(load_yaml("sources/dossiers.yaml"))  # the cached text is read-only
    data["columns"]["channel"]["codes"] = {"KenhThucHien": {"1": "by_pigeon"}}
    with pytest.raises(CchcError, match="by_pigeon"):
        read_source_file("dossiers", data)
    data["columns"]["channel"]["codes"] = {"Mã hồ sơ": {"1": "direct"}}  # not a header of the column
    with pytest.raises(CchcError, match="Mã hồ sơ"):
        read_source_file("dossiers", data)
    assert load_spec("dossiers").columns["channel"].codes_for("KenhThucHien") == {
        "1": "direct", "2": "online", "3": "postal"}
    assert load_spec("dossiers").columns["channel"].codes_for("Hình thức nộp") == {}
    for name in ("channel", "dossier_status", "payment"):  # no bare code holds under every header
        labels = [label for values in load_yaml("vocab.yaml")[name]["values"].values() for label in values]
        assert not [label for label in labels if str(label).isdigit()]


def test_personal_values_are_nowhere_the_run_writes(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_json_lines(root / RAW / "ho-so.jsonl", records())
    write_xlsx(root / RAW / "ho-so-2.xlsx", as_table(records()[:3]))
    compute(Layout(root, "xa-thu", "2025-07"))
    done = run_cli("sources", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    assert_no_personal_value(root)
    for mark in MARKS:
        assert mark not in done.stdout
    assert "jsonl" in done.stdout and "KenhThucHien" in done.stdout and "MaHoSo" in done.stdout


def test_many_empty_records_are_blank_rows_not_a_runaway_value(tmp_path):
    root = make_root(tmp_path, with_data=False)
    path = root / RAW / "ho-so.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'[{"MaHoSo": "A1", "NgayTiepNhan": "20250702083000", "KenhThucHien": 2, '
                     b'"TrangThaiHoSo": 4}' + b", {}" * 600_000 + b"]")
    entry = _ingest(root).report["files"][0]
    assert entry["account"]["blank"] == 600_000 and entry["account"]["kept"] == 1


def test_a_key_first_seen_in_a_later_record_is_a_column(tmp_path):
    root = make_root(tmp_path, with_data=False)
    items = [{"MaHoSo": "A1", "NgayTiepNhan": "20250702083000"},
             {"MaHoSo": "A2", "NgayTiepNhan": "20250703083000", "KenhThucHien": 2, "TrangThaiHoSo": 4}]
    write_json_lines(root / RAW / "ho-so.ndjson", items)
    result = _ingest(root)
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet").set_index("dossier_id")
    assert dossiers.loc["A2", "channel"] == "online" and dossiers.loc["A2", "status"] == "processing"
    assert [(i["row"], i["column"]) for i in result.report["quarantine"]["items"]] == [
        (1, "KenhThucHien"), (1, "TrangThaiHoSo")]  # filled columns, empty in record 1


HOSTILE = {
    "truncated": (lambda: json.dumps(records()).encode()[:-40], "json_invalid", ["bản ghi 15", "cắt cụt"]),
    "latin1": (lambda: json.dumps([{"MaHoSo": "A1"}, {"MaHoSo": "Nguyễn"}], ensure_ascii=False, indent=1)
               .encode("cp1258", errors="replace").replace(b"Nguy", b"Nguy\xe9"), "json_not_utf8", ["dòng 6"]),
    "utf16": (lambda: json.dumps(records()).encode("utf-16"), "json_not_utf8", ["dòng 1"]),
    "huge": (lambda: json.dumps([{"MaHoSo": "A1", "TenTTHC": "x" * 200_000}]).encode(), "json_value_too_long",
             ["bản ghi 1", "TenTTHC", "200.000"]),
    "runaway": (lambda: b'[{"MaHoSo": "A1", "TenTTHC": "' + b"x" * 3_000_000 + b'"}]', "json_value_runaway",
                ["bản ghi 1", "TenTTHC", "100.000"]),
    "deep": (lambda: b'[{"MaHoSo": "A1", "TenTTHC": ' + b"[" * 500_000 + b"]" * 500_000 + b"}]",
             "json_nested_value", ["bản ghi 1", "TenTTHC"]),
    "nested": (lambda: json.dumps([{"MaHoSo": "A1"}, {"MaHoSo": "A2", "ChuHoSo": {"Ten": "Riêngtư"}}]).encode(),
               "json_nested_value", ["bản ghi 2", "ChuHoSo"]),
    "list": (lambda: json.dumps([{"MaHoSo": "A1"}, ["A2", "20250702"]]).encode(), "json_not_record",
             ["bản ghi 2", "danh sách"]),
    "number": (lambda: b'{"MaHoSo": "A1"}\n{"MaHoSo": "A2"}\n7\n', "json_not_record", ["bản ghi 3", "một số"]),
    "wrapped": (lambda: json.dumps({"data": records()}).encode(), "json_wrapped", ["'data'"]),
    "keys": (lambda: json.dumps([{f"k{i}": i for i in range(1001)}]).encode(), "json_too_many_keys", ["1.000"]),
    "columns": (lambda: json.dumps([{"MaHoSo": f"A{i}", f"k{i}": i} for i in range(16_400)]).encode(),
                "json_too_many_columns", ["bản ghi 16.384", "16.384"]),
    "duplicate": (lambda: b'[{"MaHoSo": "A1", "MaHoSo": "A2"}]', "json_duplicate_key", ["MaHoSo"]),
    "empty list": (lambda: b" [ ] ", "json_no_records", []),
    "not json": (lambda: b"MaHoSo,NgayTiepNhan\nA1,02/07/2025\n", "json_not_records", []),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_json_is_refused_naming_where(tmp_path, case):
    make, name, words = HOSTILE[case]
    root = make_root(tmp_path, with_data=False)
    (root / RAW).mkdir(parents=True, exist_ok=True)
    (root / RAW / "ho-so.json").write_bytes(make())
    with pytest.raises(CchcError) as caught:
        _ingest(root)
    assert caught.value.name == name
    text = str(caught.value)
    assert f"{RAW}/ho-so.json" in text
    for word in words:
        assert word in text
    assert "Riêngtư" not in text and "parse error" not in text


def test_a_hostile_json_exits_1_with_its_message(tmp_path):
    root = make_root(tmp_path, with_data=False)
    (root / RAW).mkdir(parents=True, exist_ok=True)
    (root / RAW / "ho-so.json").write_bytes(json.dumps([{"MaHoSo": "A1"}, 5]).encode())
    done = run_cli("ingest", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 1
    assert "bản ghi 2" in done.stderr and "không phải một bản ghi" in done.stderr


@pytest.mark.parametrize(("cell", "day"), [
    ("20250715083000", "2025-07-15"), (20250715083000, "2025-07-15"), ("2025-07-15T08:30:00", "2025-07-15"),
    ("2025-07-15T08:30:00+07:00", "2025-07-15"), ("2025-07-14T20:00:00Z", "2025-07-15"),  # Vietnam's day
    ("2025-07-15T23:30:00.250+07:00", "2025-07-15"), ("15/07/2025", "2025-07-15"), ("15/07/2025 08:30", "2025-07-15"),
    ("5/7/2025", "2025-07-05"), ("2025-07-15 08:30:00", "2025-07-15"), (45853.35, "2025-07-15"),
    (20250715083000.0, "2025-07-15"),  # a workbook's number cell
])
def test_national_and_iso_dates_beside_the_others(cell, day):
    from cchc.ingest import cells as V

    parsed, problems = V.parse_dates([cell, cell])
    assert problems == [] and [value.isoformat() for value in parsed] == [day, day]


@pytest.mark.parametrize("cell", ["20251315083000", "20250732083000", "20250715246000", 20251315083000,
                                  "2025-13-15T08:30:00Z", "2025-07-15T08:30:00+25:00", "202507150830"])
def test_impossible_national_dates_are_bad(cell):
    from cchc.ingest import cells as V

    assert V.parse_dates([cell])[1] == [(0, cell, "bad_date")]


def test_ijson_parses_with_its_c_backend():
    import ijson

    assert ijson.backend == "yajl2_c"  # the pure Python backend is many times slower on a large file


@pytest.mark.slow
def test_a_full_run_of_national_records_writes_no_personal_value(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_json_list(root / RAW / "ho-so.json", records())
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    out = root / "outputs/xa-thu/2025-07"
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    counted = [item for item in good_records() if int(item["TrangThaiHoSo"]) != 3]
    assert figures["tthc.received.total"]["value"] == len(counted)
    written = assert_no_personal_value(root)
    assert {".docx", ".xlsx", ".html"} <= {path.suffix for path in written}
    for mark in MARKS:
        assert mark not in done.stdout + done.stderr
