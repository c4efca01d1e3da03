"""The real `cchc` command end to end on a messy fixture, and bad inputs."""

import json

import pytest

from conftest import DOSSIER_HEADER, make_root, run_cli, write_xlsx

pytestmark = pytest.mark.slow

# Worked out by hand from conftest.messy_dossier_files (window 01/07/2025 – 31/07/2025):
# HS001 online, resolved early · HS002 direct, resolved late (the CSV's update wins) ·
# HS003 postal, pending, due 30/07 < 31/07: overdue · HS008 online, no due date: on time ·
# HS007 rejected · HS009 received after the cut-off · HS004–HS006 quarantined.
EXPECTED = {
    "tthc.received.total": 4, "tthc.received.online": 2, "tthc.received.direct": 1,
    "tthc.received.postal": 1, "tthc.carried_over": 0, "tthc.to_handle": 4,
    "tthc.resolved.total": 3, "tthc.resolved.early": 1, "tthc.resolved.on_time": 1,
    "tthc.resolved.late": 1, "tthc.pending.total": 1, "tthc.pending.overdue": 1,
    "tthc.pending.not_due": 0, "tthc.catalogue.total": 3, "tthc.catalogue.e_process": 2,
    "tthc.by_agency.chi-nhanh-van-phong-dang-ky-dat-dai.pending.total": 1,
    "tthc.by_field.ho-tich.resolved.total": 2,
}


def test_run_on_a_messy_fixture(messy_root):
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(messy_root))
    assert done.returncode == 0, done.stderr
    assert "3 dòng bị cách ly" in done.stderr
    out = messy_root / "outputs/xa-thu/2025-07"
    text = (out / "figures.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"  # keys sorted
    assert (data["unit"], data["period"], data["start"], data["cutoff"]) == ("xa-thu", "2025-07", "2025-07-01", "2025-07-31")
    figures = data["figures"]
    for figure_id, value in EXPECTED.items():
        assert figures[figure_id]["value"] == value, figure_id
    online = figures["tthc.rate.online"]
    assert (online["value"], online["numerator"], online["denominator"], online["unit"]) == (0.5, 2, 4, "%")
    # no file has a rating column: the satisfaction rate is absent, not 0/0 (raw-exports.md §7)
    assert "tthc.rate.satisfaction" not in figures
    assert figures["tthc.rate.online_payment"]["numerator"] == 1 and figures["tthc.rate.online_payment"]["denominator"] == 2
    total = figures["tthc.received.total"]
    assert total["label"] == "Tổng số hồ sơ tiếp nhận" and total["definition"]
    assert sum(s["rows"] for s in total["sources"]) == 4 and all(len(s["sha256"]) == 64 for s in total["sources"])
    assert (out / "ingest-report.json").is_file() and (out / "ingest-report.md").is_file()


def test_targets_in_figures_json(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử"\ntargets:\n  tthc.rate.digitized: "100%"\n'
                                      '  tthc.rate.online_payment: 0.6\n')
    assert run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root)).returncode == 0
    figures = json.loads((root / "outputs/xa-thu/2025-07/figures.json").read_text(encoding="utf-8"))["figures"]
    digitized = figures["tthc.rate.digitized"]
    assert (digitized["target"], digitized["met"], digitized["assessment"]) == (1.0, True, "met")
    assert figures["tthc.rate.online_payment"]["assessment"] == "not_met"


def test_help_documents_every_option():
    done = run_cli("run", "--help")
    assert done.returncode == 0
    for option in ("--unit", "--period", "--root", "--force", "--quiet", "--log-format"):
        assert option in done.stdout
    done = run_cli("explain", "--help")
    for option in ("OUTPUT_DIR", "--only", "--unit", "--period", "--root", "--csv"):
        assert option in done.stdout


def _bad(root, *args):
    done = run_cli(*(args or ("run", "--unit", "xa-thu", "--period", "2025-07")), "--root", str(root))
    assert done.returncode == 1, done.stdout + done.stderr
    assert not (root / "outputs").exists()
    assert not (root / "data/processed/xa-thu").exists()
    assert "Traceback" not in done.stderr
    return done.stderr


def test_missing_required_column(tmp_path):
    root = make_root(tmp_path)
    # Only the key and the received date are required (raw-exports.md §7): another missing
    # column takes away its figures (tests/ingest/test_vendor_list.py).
    header = [h for h in DOSSIER_HEADER if h != "Ngày tiếp nhận"]
    write_xlsx(root / "data/raw/xa-thu/2025-07/ho-so-thieu.xlsx", [header, ["1", "HS100"]])
    message = _bad(root)
    assert "ho-so-thieu.xlsx" in message and "'Ngày tiếp nhận'" in message and "Ngày nhận" in message


def test_text_file_named_xlsx(tmp_path):
    root = make_root(tmp_path)
    (root / "data/raw/xa-thu/2025-07/bao-cao.xlsx").write_text("Mã hồ sơ;Trạng thái\n", encoding="utf-8")
    message = _bad(root)
    assert "bao-cao.xlsx" in message and "Excel" in message


def test_unreadable_truncated_xlsx(tmp_path):
    root = make_root(tmp_path)
    good = (root / "data/raw/xa-thu/2025-07/ho-so-2025-07a.xlsx").read_bytes()
    (root / "data/raw/xa-thu/2025-07/hong.xlsx").write_bytes(good[: len(good) // 2])
    assert "hong.xlsx" in _bad(root)


def test_csv_not_in_utf8(tmp_path):
    root = make_root(tmp_path)
    (root / "data/raw/xa-thu/2025-07/cu.csv").write_bytes("Mã hồ sơ;Ghi chú\nA;Đã trả\n".encode("latin-1", errors="replace") + "é".encode("latin-1"))
    message = _bad(root)
    assert "cu.csv" in message and "UTF-8" in message


def test_empty_file(tmp_path):
    root = make_root(tmp_path)
    (root / "data/raw/xa-thu/2025-07/trong.xlsx").write_bytes(b"")
    message = _bad(root)
    assert "trong.xlsx" in message and "rỗng" in message


def test_wrong_period(tmp_path):
    root = make_root(tmp_path)
    assert "2025-H3" in _bad(root, "run", "--unit", "xa-thu", "--period", "2025-H3")
    assert "params/xa-thu/2025-H2.yaml" in _bad(root, "run", "--unit", "xa-thu", "--period", "2025-H2")


def test_ingest_alone_then_cached(messy_root):
    args = ("ingest", "--unit", "xa-thu", "--period", "2025-07", "--root", str(messy_root))
    first = run_cli(*args)
    assert first.returncode == 0 and "Đã đọc 3 tệp" in first.stdout
    second = run_cli(*args)
    assert second.returncode == 0 and "không đổi" in second.stdout
    assert not (messy_root / "outputs").exists()


def test_template_command_writes_once_and_never_over_a_filled_workbook(tmp_path):
    import openpyxl

    root = make_root(tmp_path, with_data=False)
    args = ("template", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    path = root / "data/raw/xa-thu/2025-07/so-lieu-nhap-tay.xlsx"
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) > 10 and any(ws.data_validations.dataValidation for ws in book)
    sheet = book[book.sheetnames[0]]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Giá trị" for c in r))
    value_col = next(i for i, c in enumerate(header) if c.value == "Giá trị")
    row = next(r for r in sheet.iter_rows() if any(str(c.value or "").startswith("propaganda.") for c in r))
    row[value_col].value = 55
    book.save(path)
    before = path.read_bytes()
    second = run_cli(*args)
    assert second.returncode == 1 and "so-lieu-nhap-tay.xlsx" in second.stderr
    assert path.read_bytes() == before


def test_explain_command_lists_the_rows_and_writes_csv(messy_root, tmp_path):
    args = ("--unit", "xa-thu", "--period", "2025-07", "--root", str(messy_root))
    done = run_cli("explain", "tthc.resolved.late", *args)
    assert done.returncode == 0, done.stderr
    assert "HS002" in done.stdout and "ho-so-2025-07b.csv" in done.stdout
    csv_path = tmp_path / "rows.csv"
    done = run_cli("explain", "tthc.rate.online", *args, "--csv", str(csv_path))
    assert done.returncode == 0 and csv_path.is_file()
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "HS001" in text and "Nguyễn Văn An" not in text
    unknown = run_cli("explain", "tthc.khong.co", *args)
    assert unknown.returncode == 1 and "tthc.khong.co" in unknown.stderr
    close = run_cli("explain", "tthc.rate.onlin", *args)
    assert close.returncode == 1 and "Có phải ý bạn là: tthc.rate.online" in close.stderr
    nowhere = run_cli("explain", "tthc.rate.online", "--root", str(messy_root))
    assert nowhere.returncode == 1 and "OUTPUT_DIR" in nowhere.stderr and "Traceback" not in nowhere.stderr


@pytest.mark.slow
def test_verify_command_exit_status(messy_root):
    assert run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(messy_root)).returncode == 0
    ok = run_cli("verify", str(messy_root / "outputs/xa-thu/2025-07"))
    assert ok.returncode == 0 and ok.stdout.startswith("ĐẠT"), ok.stdout + ok.stderr
    figures = messy_root / "outputs/xa-thu/2025-07/figures.json"
    data = json.loads(figures.read_text(encoding="utf-8"))
    data["figures"]["tthc.received.total"]["value"] = 5
    figures.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    bad = run_cli("verify", str(messy_root / "outputs/xa-thu/2025-07"), "--json")
    assert bad.returncode == 1 and '"ok": false' in bad.stdout
