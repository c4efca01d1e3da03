"""Reconciliation checks, the publishing policy and the reference report's contradictions."""

import datetime as dt
import json
import re
import shutil

import pandas as pd
import pytest

from conftest import REPO, make_root, run_cli, write_xlsx
from programs import pdf_pages, pdftotext

pytestmark = pytest.mark.slow
DECLARED_HEADER = ["STT", "Chỉ số được công bố", "Nội dung", "Giá trị công bố", "Đơn vị", "Cơ quan công bố",
                   "Văn bản/nguồn"]
# The reference report's hand-typed figures (spec/report.md): each contradicts the data.
REFERENCE = [
    [1, "tthc.rate.direct", "Tỷ lệ hồ sơ tiếp nhận trực tiếp", "21,9%", "%", "UBND xã", "Báo cáo CCHC năm 2025, mục 3.6"],
    [2, "tthc.rate.early", "Hồ sơ giải quyết trước hạn", "97,83%", "%", "UBND xã", "Báo cáo CCHC năm 2025, mục 3.6"],
    [3, "tthc.received.total", "Hồ sơ được cập nhật trên hệ thống", "7.078", "hồ sơ", "UBND xã", "Báo cáo CCHC năm 2025, mục 6.8"],
    [4, "tthc.rate.online_payment", "Thanh toán trực tuyến", "87,52%", "%", "UBND xã", "Báo cáo CCHC năm 2025, mục 6.8"],
    [5, "tthc.received.total", "Tổng số hồ sơ tiếp nhận", "7.026", "hồ sơ", "UBND xã", "Báo cáo CCHC năm 2025, mục 3.6"],
    [6, "tthc.rate.online_payment", "Thu phí trực tuyến", "86,99%", "%", "UBND xã", "Báo cáo CCHC năm 2025, mục 3.6"],
]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("rec")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    return root


def _copy(demo_root, tmp_path):
    root = tmp_path / "r"
    shutil.copytree(demo_root, root)
    return root


def test_demo_publishes_with_its_checks(demo_root, tmp_path):
    root = _copy(demo_root, tmp_path)
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root))
    assert done.returncode == 0, done.stderr
    out = root / "outputs/nguyen-luong-bang/2025"
    data = json.loads((out / "reconciliation.json").read_text(encoding="utf-8"))
    statuses = {c["status"] for c in data["checks"]}
    assert statuses <= {"đạt", "cảnh báo", "lỗi"} and data["summary"]["lỗi"] == 0
    ids = {c["id"] for c in data["checks"]}
    assert {"identity.to_handle", "identity.resolved", "identity.pending", "identity.received",
            "identity.petitions", "identity.investment", "breakdown.by_field.to_handle"} <= ids
    assert any(i.startswith("export.footer:") for i in ids) and any(i.startswith("declared:") for i in ids)
    assert any(i.startswith("identity.to_handle@tthc.by_field.") for i in ids)
    assert "Đối chiếu số liệu" in (out / "reconciliation.html").read_text(encoding="utf-8")


def test_reference_contradictions_are_reported_with_both_numbers(demo_root, tmp_path):
    root = _copy(demo_root, tmp_path)
    write_xlsx(root / "data/raw/nguyen-luong-bang/2025/so-lieu-bao-cao-tay.xlsx", [DECLARED_HEADER, *REFERENCE])
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root))
    # A declared figure that differs is a warning: published, and listed for the signer on the
    # review sheet (kiem-tra.html) and in the run's output.
    assert done.returncode == 0, done.stderr
    out = root / "outputs/nguyen-luong-bang/2025"
    data = json.loads((out / "reconciliation.json").read_text(encoding="utf-8"))
    review = (out / "kiem-tra.html").read_text(encoding="utf-8")
    differing = sum(c["status_code"] != "pass" for c in data["checks"] if c["id"].startswith("declared:"))
    assert review.count('class="review-line differs"') == differing >= 4
    assert f"Bảng rà soát trước khi ký: {differing} số liệu" in done.stderr
    declared = {(c["id"].split(":")[1].split("#")[0], str(c["expected"])): c for c in data["checks"]
                if c["id"].startswith("declared:")}
    expectations = {  # (figure, typed by hand) -> computed, status
        ("tthc.rate.direct", "21.9%"): ("21.0%", "cảnh báo"),        # 1.475/7.026 = 20,99%
        ("tthc.rate.early", "97.83%"): ("97.76%", "cảnh báo"),       # 6.553/6.703
        ("tthc.received.total", "7078"): (7026, "cảnh báo"),         # 7.078 in one section, 7.026 in another
        ("tthc.rate.online_payment", "87.52%"): ("86.99%", "cảnh báo"),
        ("tthc.received.total", "7026"): (7026, "đạt"),
        ("tthc.rate.online_payment", "86.99%"): ("86.99%", "đạt"),
    }
    for key, (actual, status) in expectations.items():
        check = declared[key]
        assert (check["actual"], check["status"]) == (actual, status), key
    for written in ("21,9%", "97,83%", "7.078", "87,52%"):  # each differing figure, beside the computed one
        assert re.search(r'<tr class="review-line differs"[^>]*><td>[^<]*</td><td><b>[^<]+</b></td><td><b>'
                         + re.escape(written) + "</b>", review), written


def test_allow_failed_checks_publishes_with_a_banner_on_every_page(demo_root, tmp_path):
    root = _copy(demo_root, tmp_path)
    import openpyxl

    workbook = root / "data/raw/nguyen-luong-bang/2025/so-lieu-nhap-tay.xlsx"
    book = openpyxl.load_workbook(workbook)
    heads = next(row for row in book["Bổ nhiệm"].iter_rows() if row[1].value == "appointments.heads")
    heads[4].value = 40  # "trong đó: cấp trưởng" 40 of 9 appointed: a breakdown larger than its whole
    book.save(workbook)
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root))
    assert done.returncode == 1 and "lỗi" in done.stderr and "--allow-failed-checks" in done.stderr
    assert not (root / "outputs/nguyen-luong-bang/2025").exists()  # nothing published
    failed = json.loads((root / "outputs/nguyen-luong-bang/2025.failed/reconciliation.json").read_text(encoding="utf-8"))
    assert next(c for c in failed["checks"] if c["id"].startswith("within.appointments"))["status"] == "lỗi"
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root),
                   "--allow-failed-checks")
    assert done.returncode == 0, done.stderr
    out = root / "outputs/nguyen-luong-bang/2025"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="failed-checks-banner"' in html and "within.appointments" in html
    count = pdf_pages(out / "report.pdf")
    text = pdftotext(out / "report.pdf")
    per_page = text.split("\f")[:count]
    assert all("CẢNH BÁO" in " ".join(page.split()) for page in per_page)


def test_footer_mismatch_is_a_warning_and_identity_checks_pass(tmp_path):
    root = make_root(tmp_path)
    path = root / "data/raw/xa-thu/2025-07/danh-muc.xlsx"
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.cell(row=sheet.max_row, column=1).value = "Tổng số: 5 thủ tục"  # 3 rows in the file
    book.save(path)
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "outputs/xa-thu/2025-07/reconciliation.json").read_text(encoding="utf-8"))
    footer = next(c for c in data["checks"] if c["id"].startswith("export.footer:") and "danh-muc" in c["id"])
    assert (footer["expected"], footer["actual"], footer["status"]) == (5, 3, "cảnh báo")
    assert all(c["status"] == "đạt" for c in data["checks"] if c["id"].startswith("identity."))


def test_previous_period_jumps_and_unknown_agencies_are_flagged(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử"\nagencies: ["UBND xã"]\n')
    previous = root / "outputs/xa-thu/2025-06"
    previous.mkdir(parents=True)
    (previous / "figures.json").write_text(json.dumps({"figures": {
        "tthc.catalogue.total": {"value": 300}, "tthc.received.total": {"value": 4}}}), encoding="utf-8")
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    checks = {c["id"]: c for c in json.loads(
        (root / "outputs/xa-thu/2025-07/reconciliation.json").read_text(encoding="utf-8"))["checks"]}
    jump = checks["previous.jump:tthc.catalogue.total"]  # 300 -> 3
    assert (jump["expected"], jump["actual"], jump["status"]) == (300, 3, "cảnh báo")
    assert "previous.jump:tthc.received.total" not in checks  # unchanged
    agencies = checks["reference.agencies"]
    assert agencies["status"] == "cảnh báo" and agencies["actual"] == ["Chi nhánh Văn phòng đăng ký đất đai"]


def test_rows_dated_after_the_cutoff_are_flagged_with_their_places():
    from cchc.checks.base import Context
    from cchc.checks.kinds import after_cutoff
    from cchc.config.checks import AfterCutoffCheck
    from cchc.config.params import Window

    frame = pd.DataFrame({"received_at": pd.to_datetime(["2025-07-01 00:00", "2025-07-31 18:00", "2025-08-01 00:00"]),
                          "source_file": ["a.xlsx", "a.xlsx", "b.csv"], "source_row": [5, 6, 2]})
    params = type("P", (), {"window": Window(dt.date(2025, 7, 1), dt.date(2025, 7, 31))})()
    spec = AfterCutoffCheck(id="dates.after_cutoff", kind="after_cutoff", severity="warning",
                            description="sau {cutoff}", columns={"dossiers": ["received_at"], "budget": ["x"]})
    [check] = after_cutoff(spec, Context(None, params, None, {}, {"dossiers": frame}))
    assert (check.id, check.actual, check.status, check.files) == ("dates.after_cutoff.dossiers.received_at", 1,
                                                                   "warning", ["b.csv"])
    assert check.description == "sau 31/07/2025" and check.details == [{"file": "b.csv", "row": 2, "value": "01/08/2025"}]


def test_a_check_as_json_is_asdict_with_its_status():
    """Check.to_json copies plain values itself (faster than dataclasses.asdict): the same dict
    as asdict, and a copy (changing it leaves the check as it was); other values go to asdict."""
    from dataclasses import asdict

    from cchc.checks.base import Check, status_label

    plain = Check("a.b", "mô tả", expected=[1, 2.5], actual={"x": None, "y": [True, "z"]}, status="warning",
                  figures=["tthc.x"], files=["a.xlsx"], details=[{"row": 2, "value": float("nan")}, "text"])
    dated = Check("c", "d", expected=dt.date(2025, 7, 1), actual=(1, 2), status="pass",
                  details=[{"at": dt.datetime(2025, 7, 1, 8)}])
    for check in (plain, dated):
        data = check.to_json()
        expected = {**asdict(check), "status": status_label(check.status), "status_code": check.status}
        assert json.dumps(data, default=str, sort_keys=True) == json.dumps(expected, default=str, sort_keys=True)
        assert list(data) == list(expected)
    data = plain.to_json()
    data["details"][0]["row"] = 99
    data["actual"]["y"].append(1)
    assert plain.details[0]["row"] == 2 and plain.actual == {"x": None, "y": [True, "z"]}
