"""A vendor's dossier list (raw-exports.md §7, issue 21): title rows above its own header, no
procedure code, no channel, its own status labels, and no catalogue beside it. It is read; what
it lacks is absent (never zero) and said, with what it takes away."""

import json

import pandas as pd
import pytest

from cchc.compute import compute
from cchc.config.params import load_params
from cchc.core.layout import Layout
from cchc.forms.indicators import indicator_forms
from cchc.forms.tthc import tthc_forms
from cchc.ingest.run import ingest
from cchc.report.view import Report

from conftest import make_root, run_cli, write_xlsx

VENDOR_HEADER = ["STT", "Đơn vị tiếp nhận", "Lĩnh vực", "Tên thủ tục hành chính", "Mã hồ sơ", "Trạng thái",
                 "Địa chỉ", "Chủ hồ sơ", "Ngày nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý",
                 "Đơn vị/ cá nhân giải quyết"]
OFFICER = "Nguyễn Văn Bảo - Công chức tư pháp"
CHANNEL_TAKEN = ("không có cột Hình thức nộp: không tính được số hồ sơ trực tuyến, trực tiếp, bưu chính "
                 "và tỷ lệ trực tuyến")
CHANNEL_FIGURES = ["tthc.received.online", "tthc.received.direct", "tthc.received.postal",
                   "tthc.received.offline", "tthc.rate.online", "tthc.rate.direct"]


def vendor_rows() -> list[list]:
    """Eight dossiers of July 2025: six counted, one rejected, one with an unknown status."""
    def row(n, status, received, due="", end="", field="Hộ tịch", agency="UBND xã Thử Nghiệm"):
        return [n, agency, field, "Đăng ký khai sinh", f"VD00{n}", status, "Thôn Đông, xã Thử Nghiệm",
                "Trần Thị Hoa", received, due, end, OFFICER]
    return [
        ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"], ["DANH SÁCH HỒ SƠ"], ["Từ ngày 01/07/2025 đến ngày 31/07/2025"], [],
        VENDOR_HEADER,
        row(1, "Được tiếp nhận", "02/07/2025", "05/08/2025"),
        row(2, "Đã xử lý xong", "03/07/2025", "05/07/2025", "04/07/2025"),
        row(3, "Yêu cầu bổ sung giấy tờ", "04/07/2025", "10/08/2025", field="Chứng thực"),
        row(4, "Công dân yêu cầu rút hồ sơ", "05/07/2025", "09/07/2025", "06/07/2025"),
        row(5, "Yêu cầu thực hiện nghĩa vụ tài chính", "06/07/2025", "20/08/2025", field="Đất đai"),
        row(6, "Đã trả kết quả", "07/07/2025", "08/07/2025", "10/07/2025"),
        row(7, "Không được tiếp nhận", "08/07/2025"),
        row(8, "Chuyển một cửa", "09/07/2025"),          # a label no vocabulary knows
    ]


@pytest.fixture
def vendor_root(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_xlsx(root / "data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx", vendor_rows())
    return root


def test_the_vendor_list_is_read_and_what_it_lacks_is_said(vendor_root):
    result = ingest(vendor_root, load_params(vendor_root, "xa-thu", "2025-07"))
    report = result.report
    [entry] = report["files"]
    assert entry["kind"] == "dossiers" and entry["header_row"] == 5
    assert set(entry["personal_columns"]) == {"Địa chỉ", "Chủ hồ sơ", "Đơn vị/ cá nhân giải quyết"}
    texts = {item.get("column", item["kind"]): item["text"] for item in report["missing"]}
    assert texts["channel"] == CHANNEL_TAKEN
    assert texts["catalogue"].startswith("không có Danh mục thủ tục hành chính: không tính được số thủ tục")
    assert "procedure_code" not in texts  # no figure needs it: missing, not taking anything away
    markdown = (result.processed_dir / "ingest-report.md").read_text(encoding="utf-8")
    assert f"Danh sách hồ sơ TTHC: {CHANNEL_TAKEN}" in markdown
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet")
    assert "channel" not in dossiers.columns  # absent from every file: absent from the table
    assert set(dossiers["agency"]) == {"UBND xã Thử Nghiệm"}  # the receiving unit; the officer is dropped
    assert dossiers.set_index("dossier_id")["status"].to_dict() == {
        "VD001": "processing", "VD002": "resolved", "VD003": "paused", "VD004": "withdrawn",
        "VD005": "paused", "VD006": "resolved", "VD007": "rejected"}
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in result.processed_dir.iterdir())
    assert OFFICER not in written and "Trần Thị Hoa" not in written


def test_an_unknown_status_is_quarantined_naming_the_parameter_that_adds_it(vendor_root):
    result = ingest(vendor_root, load_params(vendor_root, "xa-thu", "2025-07"))
    [item] = result.report["quarantine"]["items"]
    assert (item["file"], item["row"], item["column"], item["value"]) == (
        "data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx", 13, "Trạng thái", "Chuyển một cửa")
    assert "vocabularies: dossier_status: <mã>: [\"Chuyển một cửa\"]" in item["reason_text"]
    assert "processing, paused, resolved, withdrawn, rejected" in item["reason_text"]
    # The parameter named does add it.
    (vendor_root / "params/xa-thu/2025-07.yaml").write_text(
        'unit_name: "Xã Thử Nghiệm"\nvocabularies:\n  dossier_status:\n    processing: ["Chuyển một cửa"]\n',
        encoding="utf-8")
    again = ingest(vendor_root, load_params(vendor_root, "xa-thu", "2025-07"))
    assert again.from_cache is False and again.report["quarantine"]["items"] == []
    dossiers = pd.read_parquet(again.processed_dir / "dossiers.parquet").set_index("dossier_id")
    assert dossiers.loc["VD008", "status"] == "processing"


def test_a_vocabulary_parameter_names_known_vocabularies_and_codes(vendor_root):
    from cchc.core.errors import CchcError

    params = vendor_root / "params/xa-thu/2025-07.yaml"
    params.write_text('unit_name: "X"\nvocabularies:\n  dossier_status:\n    finished: ["Xong"]\n', encoding="utf-8")
    with pytest.raises(CchcError, match="finished"):
        load_params(vendor_root, "xa-thu", "2025-07")
    params.write_text('unit_name: "X"\nvocabularies:\n  trang_thai:\n    resolved: ["Xong"]\n', encoding="utf-8")
    with pytest.raises(CchcError, match="trang_thai"):
        load_params(vendor_root, "xa-thu", "2025-07")
    params.write_text('unit_name: "X"\nvocabularies:\n  yes_no:\n    true: ["Rồi"]\n', encoding="utf-8")
    assert load_params(vendor_root, "xa-thu", "2025-07").vocabularies == {"yes_no": {"True": ["Rồi"]}}


def test_figures_needing_an_absent_column_are_absent_not_zero(vendor_root):
    (vendor_root / "params/xa-thu/2025-07.yaml").write_text(
        'unit_name: "Xã Thử Nghiệm"\ntargets:\n  tthc.rate.online: "60%"\n  tthc.rate.on_time: "90%"\n',
        encoding="utf-8")
    computed = compute(Layout(vendor_root, "xa-thu", "2025-07"))
    figures = computed.figures
    assert figures["tthc.received.total"].value == 6  # without a channel: every dossier received
    assert figures["tthc.resolved.total"].value == 3 and figures["tthc.resolved.late"].value == 1
    assert figures["tthc.rate.on_time"].extra["target"] == 0.9
    written = json.loads(figures.dumps(computed.params))["figures"]
    for figure_id in CHANNEL_FIGURES:
        assert figure_id not in written
    assert not [i for i in written if i.startswith("tthc.catalogue.")]
    assert not [i for i in written if i.startswith("tthc.by_month.") and ".received.online" in i]
    assert written["tthc.by_month.2025-07.received.total"]["value"] == 6
    assert written["tthc.by_field.ho-tich.received.total"]["value"] == 4
    for absent in ("tthc.rate.digitized", "tthc.rate.online_payment", "tthc.rate.satisfaction",
                   "tthc.interlinked.received"):
        assert absent not in written  # their columns are absent too

    missing = "chưa có số liệu"
    by_field = next(f for f in tthc_forms(figures, Report.from_computed(computed).document)
                    if f.id == "06a-linh-vuc")
    keys = [leaf.key for leaf in by_field.leaves()]
    total = dict(zip(keys, by_field.total))
    assert total["received.online"].value == missing and total["received.offline"].value == missing
    assert total["to_handle"].value == figures["tthc.to_handle"].value
    assert [row[1].value for row in by_field.rows] == ["Chứng thực", "Đất đai", "Hộ tịch"]
    form_3 = next(f for f in indicator_forms(figures, Report.from_computed(computed).document) if f.id == "bieu-mau-3")
    catalogue_rows = [row for row in form_3.rows if row[1].value.startswith("tthc.catalogue.")]
    assert catalogue_rows and all(row[4].value == missing for row in catalogue_rows)


def test_the_report_text_says_nothing_of_absent_figures(vendor_root):
    computed = compute(Layout(vendor_root, "xa-thu", "2025-07"))
    report = Report.from_computed(computed)
    html = str(report.section("tthc")) + str(report.section("egov"))
    assert 'data-fig="tthc.received.total"' in html and 'data-fig="tthc.rate.on_time"' in html
    for figure_id in [*CHANNEL_FIGURES, "tthc.catalogue.total", "tthc.rate.digitized"]:
        assert f'data-fig="{figure_id}"' not in html
    assert "trực tuyến" not in html.split("Tổng số hồ sơ tiếp nhận trong kỳ")[1].split("</li>")[0]


def test_the_last_line_of_an_ingest_names_the_missing_column(vendor_root):
    done = run_cli("ingest", "--unit", "xa-thu", "--period", "2025-07", "--root", str(vendor_root))
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert CHANNEL_TAKEN in last and "Danh mục thủ tục hành chính" in last


@pytest.mark.slow
def test_a_full_run_of_the_vendor_list_publishes_without_the_absent_figures(vendor_root):
    # Also without a due date: the timeliness figures go too.
    rows = vendor_rows()
    due = VENDOR_HEADER.index("Ngày hẹn trả")
    write_xlsx(vendor_root / "data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx",
               [row[:due] + row[due + 1:] if len(row) > due else row for row in rows])
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(vendor_root))
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert "Tổng kết: 1 báo cáo" in last and CHANNEL_TAKEN in last and "không có cột Ngày hẹn trả" in last
    out = vendor_root / "outputs/xa-thu/2025-07"
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert figures["tthc.received.total"]["value"] == 6 and figures["tthc.resolved.total"]["value"] == 3
    for absent in [*CHANNEL_FIGURES, "tthc.resolved.early", "tthc.rate.on_time", "tthc.pending.overdue"]:
        assert absent not in figures
    audit = (out / "kiem-tra.html").read_text(encoding="utf-8")
    assert CHANNEL_TAKEN in audit and "không có cột Ngày hẹn trả" in audit
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "chưa có số liệu" in html and 'data-fig="tthc.received.online"' not in html
    import openpyxl

    book = openpyxl.load_workbook(out / "phu-luc.xlsx", read_only=True)
    cells = [cell for row in book["06a theo lĩnh vực"].iter_rows(values_only=True) for cell in row]
    assert "chưa có số liệu" in cells


def _check(computed, check_id):
    return next(c for c in computed.checks if c.id == check_id)


def test_a_dossier_without_a_code_is_matched_to_the_catalogue_by_its_name(vendor_root):
    from conftest import catalogue_rows

    raw = vendor_root / "data/raw/xa-thu/2025-07"
    write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
    rows = vendor_rows()
    name = VENDOR_HEADER.index("Tên thủ tục hành chính")
    rows[5][name] = "  ĐĂNG KÝ   khai sinh "  # the catalogue's name, another case and spacing
    rows[6][name] = "Thủ tục không có trong danh mục"
    write_xlsx(raw / "danh-sach-ho-so.xlsx", rows)
    computed = compute(Layout(vendor_root, "xa-thu", "2025-07"))
    assert computed.figures["tthc.catalogue.total"].value == 3  # present with its source
    check = _check(computed, "reference.procedures")
    assert check.actual == 1
    assert [(d["dossier"], d["procedure_name"]) for d in check.details] == [
        ("VD002", "Thủ tục không có trong danh mục")]
    assert not [e for e in computed.ingest.report["missing"] if e["kind"] == "catalogue"]


def test_a_column_missing_from_some_files_only_keeps_its_figures(messy_root):
    # The messy July exports have a channel; a vendor list beside them has none: the channel
    # figures are computed from the rows that have one, and the vendor file is listed as lacking it.
    write_xlsx(messy_root / "data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx", vendor_rows())
    computed = compute(Layout(messy_root, "xa-thu", "2025-07"))
    report = computed.ingest.report
    [partly] = [e for e in report["missing"] if e.get("column") == "channel"]
    assert partly["files"] == ["data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx"]
    assert partly["text"].startswith("tệp danh-sach-ho-so.xlsx không có cột Hình thức nộp")
    vendor = next(f for f in report["files"] if f["file"].endswith("danh-sach-ho-so.xlsx"))
    assert "Hình thức nộp" in vendor["missing_columns"]
    assert computed.figures["tthc.received.online"].value == 2
    assert computed.figures["tthc.received.total"].value == 4  # the rows without a channel are in no channel


def test_a_figure_needs_columns_of_its_source_that_say_what_they_take_away():
    import copy

    from cchc.config.figures import read_figure_definitions
    from cchc.core.errors import CchcError
    from cchc.core.resources import load_yaml

    data = load_yaml("figures/tthc.yaml")
    assert read_figure_definitions("tthc", data).figures["rate.online"].needs == ["status", "channel"]
    for bad in ("kenh", "procedure_code"):  # not a column; a column no figure's absence is said of
        changed = copy.deepcopy(data)
        changed["figures"]["rate.online"]["needs"] = [bad]
        with pytest.raises(CchcError, match=bad):
            read_figure_definitions("tthc", changed)
