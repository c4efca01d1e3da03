"""The manual-figures workbook: template, never overwriting, pre-fill, parsing, figures, demo."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc.config.params import load_params
from cchc.config.sources import load_specs
from cchc.figures.manual import compute_section, declared, initiatives, tasks
from cchc.ingest.parse import classify
from cchc.ingest.readers import read_tables
from cchc.ingest.run import ingest
from cchc.manual import TemplateExists, previous_period, topics, write_template
from cchc.manual.template import TITLE_ROWS

from conftest import CATALOGUE_HEADER, DOSSIER_HEADER, make_root

HEADER_ROW = TITLE_ROWS + 1
FILE = "so-lieu-nhap-tay.xlsx"


def _root(tmp_path: Path, periods=("2025",), unit="xa-thu") -> Path:
    root = tmp_path / "r"
    for period in periods:
        (root / "params" / unit).mkdir(parents=True, exist_ok=True)
        (root / "params" / unit / f"{period}.yaml").write_text('unit_name: "Xã Thử Nghiệm"\n', encoding="utf-8")
    return root


def _tables(root: Path, unit: str, period: str):
    params = load_params(root, unit, period)
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / f) for name, f in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    return params, result.report, tables, hashes


def _row_of(ws, figure_id: str) -> int:
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row=number, column=2).value == figure_id:
            return number
    raise KeyError(figure_id)


# --- previous period -------------------------------------------------------------------------

@pytest.mark.parametrize("period, before", [("2025", "2024"), ("2025-H2", "2025-H1"), ("2025-H1", "2024-H2"),
                                            ("2025-Q1", "2024-Q4"), ("2025-Q3", "2025-Q2"),
                                            ("2025-01", "2024-12"), ("2025-10", "2025-09")])
def test_previous_period(period, before):
    assert previous_period(period) == before


def test_previous_period_of_a_malformed_period_is_an_error():
    from cchc.core.errors import CchcError

    with pytest.raises(CchcError):
        previous_period("2025-S1")


# --- the template ----------------------------------------------------------------------------

def test_template_sheets_headers_titles_and_validation(tmp_path):
    root = _root(tmp_path)
    path = write_template(root, "xa-thu", "2025")
    assert path == root / "data/raw/xa-thu/2025" / FILE
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [s.name for s in topics.sheets()]
    assert len(book.sheetnames) == 13
    ws = book["Tuyên truyền"]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"
    assert ws["A4"].value == "Kỳ báo cáo: năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)"
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == ["STT", "Mã chỉ số", "Nội dung", "Đơn vị tính", "Giá trị", "Nguồn số liệu", "Ghi chú"]
    assert all(c.font.bold and c.border.left.style == "thin" for c in ws[HEADER_ROW])
    assert ws.cell(row=HEADER_ROW + 1, column=2).value == "propaganda.loudspeaker"
    assert ws.cell(row=HEADER_ROW + 1, column=4).value == "tin, bài"
    assert ws.column_dimensions["C"].width == 64
    # whole numbers >= 0 on the value cells of count rows, decimals >= 0 on areas
    rules = {(v.type, v.operator, v.formula1): str(v.sqref) for v in ws.data_validations.dataValidation}
    assert rules == {("whole", "greaterThanOrEqual", "0"): "E8 E9 E10 E11 E12"}
    centre = book["Trung tâm PVHCC"]
    rules = {v.type: str(v.sqref) for v in centre.data_validations.dataValidation}
    assert rules["decimal"] == f"E{_row_of(centre, 'centre.area')}"
    # lists where categories
    tasks_ws = book["Nhiệm vụ KH CCHC"]
    assert [c.value for c in tasks_ws[HEADER_ROW]] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Kết quả", "Ghi chú"]
    (rule,) = tasks_ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"Hoàn thành,Đang thực hiện,Chưa thực hiện"'
    assert str(rule.sqref) == "D8:D87"
    declared_ws = book["Số liệu công bố"]
    assert [c.value for c in declared_ws[HEADER_ROW]][:5] == ["STT", "Chỉ số được công bố", "Nội dung",
                                                             "Giá trị công bố", "Đơn vị"]
    (unit_rule,) = declared_ws.data_validations.dataValidation
    assert unit_rule.errorStyle == "warning" and '%' in unit_rule.formula1


def test_every_template_sheet_classifies_as_its_own_kind_and_exports_do_not(tmp_path):
    path = write_template(_root(tmp_path), "xa-thu", "2025")
    specs = load_specs()
    kinds = {table.sheet: classify(specs, table.rows, "x")[0].kind for table in read_tables(path, "x")}
    assert kinds == {s.name: s.kind for s in topics.sheets()}
    assert classify(specs, [DOSSIER_HEADER], "a")[0].kind == "dossiers"
    assert classify(specs, [CATALOGUE_HEADER], "b")[0].kind == "catalogue"
    for kind in ("manual", "manual_tasks", "manual_initiatives", "manual_declared"):
        key = specs[kind].columns[specs[kind].key]
        others = [k for k in specs if k != kind]
        assert all(specs[k].column_for(key.header) != specs[k].key for k in others)


def test_blank_template_is_rewritten_a_filled_one_never(tmp_path):
    root = _root(tmp_path)
    path = write_template(root, "xa-thu", "2025")
    first = path.read_bytes()
    assert write_template(root, "xa-thu", "2025").read_bytes() == first  # blank: rewritten, same bytes
    book = openpyxl.load_workbook(path)
    ws = book["Biên chế"]
    ws.cell(row=_row_of(ws, "staffing.seconded"), column=6, value="Văn phòng")  # only a source
    book.save(path)
    filled = path.read_bytes()
    with pytest.raises(TemplateExists) as info:
        write_template(root, "xa-thu", "2025")
    assert 'trang "Biên chế", dòng 9' in str(info.value) and "không ghi đè" in str(info.value)
    assert path.read_bytes() == filled


def test_a_row_typed_into_a_table_sheet_counts_as_entered(tmp_path):
    root = _root(tmp_path)
    path = write_template(root, "xa-thu", "2025")
    book = openpyxl.load_workbook(path)
    book["Mô hình, sáng kiến"].cell(row=HEADER_ROW + 1, column=2, value="Ngày thứ Bảy vì dân")
    book.save(path)
    with pytest.raises(TemplateExists, match="Mô hình, sáng kiến"):
        write_template(root, "xa-thu", "2025")


def test_an_unreadable_file_is_not_overwritten(tmp_path):
    root = _root(tmp_path)
    path = root / "data/raw/xa-thu/2025" / FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a workbook")
    with pytest.raises(TemplateExists, match="không đọc được"):
        write_template(root, "xa-thu", "2025")
    assert path.read_bytes() == b"not a workbook"


def test_stable_rows_are_prefilled_from_the_previous_period(tmp_path):
    root = _root(tmp_path, periods=("2025-H1", "2025-H2"))
    old = write_template(root, "xa-thu", "2025-H1")
    book = openpyxl.load_workbook(old)
    ws = book["Biên chế"]
    ws.cell(row=_row_of(ws, "staffing.officials"), column=5, value=37)
    ws.cell(row=_row_of(ws, "staffing.officials"), column=6, value="Văn phòng HĐND và UBND")
    centre = book["Trung tâm PVHCC"]
    centre.cell(row=_row_of(centre, "centre.area"), column=5, value="220,5")
    propaganda = book["Tuyên truyền"]
    propaganda.cell(row=_row_of(propaganda, "propaganda.loudspeaker"), column=5, value=55)  # not stable
    book.save(old)

    new = openpyxl.load_workbook(write_template(root, "xa-thu", "2025-H2"))
    ws = new["Biên chế"]
    row = _row_of(ws, "staffing.officials")
    assert [ws.cell(row=row, column=c).value for c in (5, 6, 7)] == [
        37, "Văn phòng HĐND và UBND", "Chép từ kỳ 2025-H1; kiểm tra lại"]
    assert ws.cell(row=_row_of(ws, "staffing.seconded"), column=5).value is None
    centre = new["Trung tâm PVHCC"]
    assert centre.cell(row=_row_of(centre, "centre.area"), column=5).value == 220.5
    propaganda = new["Tuyên truyền"]
    assert propaganda.cell(row=_row_of(propaganda, "propaganda.loudspeaker"), column=5).value is None
    assert "6 tháng cuối năm 2025" in propaganda["A4"].value
    # the pre-filled workbook is a filled one: never overwritten
    with pytest.raises(TemplateExists):
        write_template(root, "xa-thu", "2025-H2")


def test_prefilled_text_that_looks_like_a_formula_stays_text(tmp_path):
    root = _root(tmp_path, periods=("2025-H1", "2025-H2"))
    old = write_template(root, "xa-thu", "2025-H1")
    book = openpyxl.load_workbook(old)
    ws = book["Biên chế"]
    ws.cell(row=_row_of(ws, "staffing.officials"), column=5, value=37)
    source = ws.cell(row=_row_of(ws, "staffing.officials"), column=6)
    source.value, source.data_type = "=HYPERLINK(\"http://127.0.0.1/\")", "s"
    book.save(old)
    new = openpyxl.load_workbook(write_template(root, "xa-thu", "2025-H2"))["Biên chế"]
    cell = new.cell(row=_row_of(new, "staffing.officials"), column=6)
    assert cell.value == "=HYPERLINK(\"http://127.0.0.1/\")" and cell.data_type == "s"


# --- parsing and figures on a hand-built workbook ---------------------------------------------

def _hand_built(path: Path) -> None:
    """Two key-value sheets, plan tasks, initiatives, declared figures; worked answers below."""
    book = openpyxl.Workbook()
    kv = book.active
    kv.title = "Tuyên truyền"
    for row in [["UBND XÃ THỬ NGHIỆM"], ["SỐ LIỆU NHẬP TAY"], [],
                ["STT", "Mã chỉ số", "Nội dung", "ĐVT", "Số liệu", "Nguồn", "Ghi chú", "Người nhập số liệu"],
                [1, "propaganda.loudspeaker", "Tin bài loa", "tin", 55, "Trung tâm Văn hoá", None, "Lê A"],
                [2, "propaganda.web_posts", "Bài viết", "bài", None, None, "chưa có", "Lê A"],       # not entered
                [3, "propaganda.social_reach", "Lượt tiếp cận", "lượt", "3.500", None, None, "Lê A"],
                [4, "propaganda.leaflets", "Tờ rơi", "tờ", "khoảng 500", "VP", None, None],        # bad number
                [5, None, "Dòng thiếu mã", "tờ", 7, None, None, None],                              # no id
                [6, "own.metric", "Chỉ số tự thêm", "cái", 2.5, "Tự đếm", None, None]]:
        kv.append(row)
    staff = book.create_sheet("Biên chế")
    for row in [["Biên chế"], ["STT", "Mã chỉ số", "Nội dung", "Đơn vị tính", "Giá trị", "Nguồn số liệu"],
                [1, "staffing.education_quota", "", "", 408, "Phòng VH-XH"],
                [2, "staffing.education_staff", "", "", 379, "Phòng VH-XH"],
                [3, "centre.area", "", "", 220, "Trung tâm"],
                [4, "review.legal_documents", "", "", 0, ""],
                [5, "review.legal_in_force", "", "", 0, ""]]:
        staff.append(row)
    plan = book.create_sheet("Nhiệm vụ")
    for row in [["KẾ HOẠCH CCHC"], ["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Người phụ trách"],
                [1, "Ban hành kế hoạch", "Hoàn thành", "X"], [2, "Rà soát TTHC", "đã hoàn thành", "Y"],
                [3, "Đánh giá", "Đang triển khai", "Z"], [4, "Kiểm tra", "Xong rồi", ""],            # bad category
                [5, "Tuyên truyền", "Chưa thực hiện", ""], [6, "Báo cáo", None, ""],                # no result
                ["Tổng số: 6 nhiệm vụ"]]:
        plan.append(row)
    ideas = book.create_sheet("Sáng kiến")
    for row in [["STT", "Nội dung Mô hình/Sáng kiến", "Loại", "Tính mới, tính sáng tạo", "Tính hiệu quả"],
                [1, "Ngày thứ Bảy vì dân", "Giải pháp", "Trực sáng thứ Bảy", "Thuận lợi cho dân"],
                [2, "Zalo OA", "sáng kiến", "Tài khoản Zalo", "Nhanh"], ["Cộng: 2"]]:
        ideas.append(row)
    public = book.create_sheet("Công bố")
    for row in [["STT", "Chỉ số được công bố", "Nội dung", "Giá trị công bố", "Đơn vị", "Cơ quan công bố",
                 "Văn bản, nguồn"],
                [1, "tthc.rate.online_payment", "Thanh toán trực tuyến", "87,52%", "%", "Cổng DVC", "Bảng chỉ số"],
                [2, "tthc.received.total", "Hồ sơ", "7.078", "hồ sơ", "Sở", None],
                [3, None, "Không mã", "12", "%", "Sở", None]]:
        public.append(row)
    book.save(path)


@pytest.fixture
def hand_root(tmp_path):
    root = make_root(tmp_path)
    _hand_built(root / "data/raw/xa-thu/2025-07" / FILE)
    return root


def test_hand_built_workbook_is_parsed_with_aliases_personal_data_footers_and_quarantine(hand_root):
    _, report, tables, _ = _tables(hand_root, "xa-thu", "2025-07")
    entries = {e["sheet"]: e for e in report["files"] if e["file"].endswith(FILE)}
    assert {sheet: e["kind"] for sheet, e in entries.items()} == {
        "Tuyên truyền": "manual", "Biên chế": "manual", "Nhiệm vụ": "manual_tasks",
        "Sáng kiến": "manual_initiatives", "Công bố": "manual_declared"}
    kv = entries["Tuyên truyền"]
    assert kv["headers"]["value"] == "Số liệu" and kv["headers"]["unit"] == "ĐVT" and kv["headers"]["source"] == "Nguồn"
    assert kv["personal_columns"] == ["Người nhập số liệu"]
    assert kv["account"] == {"read": 10, "title": 3, "header": 1, "blank": 0, "footer": 0, "data": 6,
                             "quarantined": 2, "collapsed": 0, "kept": 4}
    assert entries["Nhiệm vụ"]["footer"] == {"row": 9, "text": "Tổng số: 6 nhiệm vụ", "declared": 6,
                                             "data_rows": 6, "matches": True}
    assert entries["Nhiệm vụ"]["personal_columns"] == ["Người phụ trách"]
    assert entries["Sáng kiến"]["footer"]["declared"] == 2 and entries["Sáng kiến"]["footer"]["matches"]
    quarantine = {(q["sheet"], q["row"], q["column"], q["reason"]) for q in report["quarantine"]["items"]
                  if q["file"].endswith(FILE)}
    assert quarantine == {("Tuyên truyền", 8, "Số liệu", "bad_number"),
                          ("Tuyên truyền", 9, "Mã chỉ số", "missing_value"),
                          ("Nhiệm vụ", 6, "Kết quả thực hiện", "bad_category"),
                          ("Nhiệm vụ", 8, "Kết quả thực hiện", "missing_value"),
                          ("Công bố", 4, "Chỉ số được công bố", "missing_value")}
    manual = tables["manual"].set_index("figure_id")
    assert pd.isna(manual.loc["propaganda.web_posts", "value"])            # kept, not entered
    assert manual.loc["propaganda.social_reach", "value"] == 3500
    assert manual.loc["propaganda.loudspeaker", "source"] == "Trung tâm Văn hóa"  # traditional tones
    assert "Người nhập số liệu" not in tables["manual"].columns
    assert list(tables["manual_tasks"]["result"]) == ["done", "done", "in_progress", "not_started"]


def test_figures_from_the_hand_built_workbook(hand_root):
    params, _, tables, hashes = _tables(hand_root, "xa-thu", "2025-07")
    figures = {f.id: f for f in compute_section(tables, params, hashes)}
    manual_ids = sorted(i for i in figures)
    assert manual_ids == sorted([
        "manual.propaganda.loudspeaker", "manual.propaganda.social_reach", "manual.own.metric",
        "manual.staffing.education_quota", "manual.staffing.education_staff", "manual.centre.area",
        "manual.review.legal_documents", "manual.review.legal_in_force",
        "manual.staffing.rate.education_filled", "manual.review.rate.legal_in_force",
        "manual.plan_tasks.total", "manual.plan_tasks.done", "manual.plan_tasks.in_progress",
        "manual.plan_tasks.not_started", "manual.plan_tasks.rate_done", "manual.initiatives.count"])
    loud = figures["manual.propaganda.loudspeaker"]
    assert loud.value == 55 and isinstance(loud.value, int)
    assert loud.label == "Số lượng tin, bài phát trên hệ thống loa truyền thanh xã về CCHC"  # from the topics
    assert loud.unit == "tin, bài"
    assert loud.definition == ("Số liệu nhập tay: Số lượng tin, bài phát trên hệ thống loa truyền thanh xã "
                               "về CCHC; nguồn: Trung tâm Văn hóa")
    file = "data/raw/xa-thu/2025-07/" + FILE
    assert loud.sources == [{"file": file, "sha256": hashes[file], "rows": 1, "sheet": "Tuyên truyền", "row": 5}]
    assert figures["manual.propaganda.social_reach"].definition.endswith("nguồn: không ghi nguồn")
    area = figures["manual.centre.area"]
    assert area.value == 220.0 and isinstance(area.value, float) and area.unit == "m²"
    own = figures["manual.own.metric"]
    assert (own.value, own.label, own.unit) == (2.5, "Chỉ số tự thêm", "cái")
    filled = figures["manual.staffing.rate.education_filled"]
    assert (filled.numerator, filled.denominator) == (379, 408)
    assert filled.value == pytest.approx(379 / 408)
    assert [s["row"] for s in filled.sources] == [4, 3]
    in_force = figures["manual.review.rate.legal_in_force"]
    assert in_force.value is None and (in_force.numerator, in_force.denominator) == (0, 0)
    assert figures["manual.plan_tasks.total"].value == 4
    assert figures["manual.plan_tasks.done"].value == 2
    assert figures["manual.plan_tasks.in_progress"].value == 1
    assert figures["manual.plan_tasks.not_started"].value == 1
    done = figures["manual.plan_tasks.rate_done"]
    assert (done.numerator, done.denominator, done.value) == (2, 4, 0.5)
    assert done.sources == [{"file": file, "sha256": hashes[file], "rows": 4}]
    assert figures["manual.initiatives.count"].value == 2


def test_helpers_list_tasks_initiatives_and_declared_figures(hand_root):
    _, _, tables, _ = _tables(hand_root, "xa-thu", "2025-07")
    listed = initiatives(tables)
    assert [(i["name"], i["type"], i["type_label"]) for i in listed] == [
        ("Ngày thứ Bảy vì dân", "solution", "Giải pháp"), ("Zalo OA", "initiative", "Sáng kiến")]
    assert listed[0]["novelty"] == "Trực sáng thứ Bảy" and listed[0]["source_row"] == 2
    rows = declared(tables)
    assert [(d["figure_id"], d["value"], d["unit"], d["is_percent"], d["comparable"]) for d in rows] == [
        ("tthc.rate.online_payment", 87.52, "%", True, pytest.approx(0.8752)),
        ("tthc.received.total", 7078, "hồ sơ", False, 7078)]
    assert rows[0]["body"] == "Cổng DVC" and rows[0]["document"] == "Bảng chỉ số"
    assert [t["result_label"] for t in tasks(tables)] == ["Hoàn thành", "Hoàn thành", "Đang thực hiện",
                                                          "Chưa thực hiện"]


def test_absent_tables_give_no_figures_and_empty_lists():
    assert compute_section({}, None, {}) == []
    assert initiatives({}) == [] and declared({}) == [] and tasks({}) == []


def test_a_blank_template_next_to_the_exports_ingests_and_gives_no_figures(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử Nghiệm"\n')
    write_template(root, "xa-thu", "2025-07")
    params, report, tables, hashes = _tables(root, "xa-thu", "2025-07")
    assert report["ignored_sheets"] == [] and report["quarantine"]["rows"] == 3  # the dossiers' own
    figures = {f.id: f.value for f in compute_section(tables, params, hashes)}
    assert figures == {}


# --- the demo workbook -------------------------------------------------------------------------

REFERENCE = {
    "plan_tasks.total": 28, "plan_tasks.done": 27,
    "propaganda.loudspeaker": 55, "propaganda.web_posts": 35, "propaganda.leaflets": 500,
    "propaganda.social_reach": 3500, "propaganda.dialogues": 3,
    "law.sessions": 8, "law.session_attendees": 640, "law.contests": 2, "law.contest_participants": 150,
    "law.posts": 30, "law.new_document_posts": 15,
    "review.legal_documents": 3, "review.legal_in_force": 3, "review.legal_to_amend": 0,
    "review.procedures_reviewed": 378, "review.procedures_total": 378,
    "centre.area": 220.0, "centre.seats": 30, "centre.staff": 6, "centre.computers": 13, "centre.printers": 9,
    "centre.scanners_a4": 8, "centre.scanners_a3": 1,
    "vertical.land.procedures_at_centre": 13, "vertical.land.procedures_total": 18,
    "vertical.military.procedures_at_centre": 2,
    "feedback.portal": 2, "feedback.website_answered": 1022,
    "org.specialist_bodies": 3, "org.admin_organisations": 1, "org.units.total": 13, "org.units.preschool": 4,
    "org.units.primary": 4, "org.units.lower_secondary": 4, "org.units.culture_media": 1,
    "staffing.officials": 37, "staffing.seconded": 2, "staffing.education_staff": 379,
    "staffing.education_quota": 408, "staffing.other_quota": 5, "staffing.other_staff": 2,
    "staffing.other_contract": 1,
    "appointments.officials": 8, "appointments.unit_managers": 1, "appointments.deputies": 5,
    "appointments.heads": 4,
    "org.units.autonomy_required": 13, "org.units.spending_rules": 13, "org.units.autonomy_not_implemented": 0,
    "inspections.internal_plans": 1, "initiatives.count": 3,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from cchc.demo.manual import write

    root = make_root(tmp_path_factory.mktemp("demo"))
    paths = write(root / "data/raw/xa-thu/2025-07")
    params, report, tables, hashes = _tables(root, "xa-thu", "2025-07")
    figures = {f.id: f for f in compute_section(tables, params, hashes)}
    return paths, report, tables, figures


def test_demo_workbook_gives_the_reference_numbers(demo):
    _, _, _, figures = demo
    assert {key: figures[f"manual.{key}"].value for key in REFERENCE} == REFERENCE
    assert figures["manual.plan_tasks.rate_done"].value == pytest.approx(27 / 28)
    assert (figures["manual.review.rate.procedures_reviewed"].numerator,
            figures["manual.review.rate.procedures_reviewed"].denominator) == (378, 378)
    assert "manual.centre.kiosks" not in figures                      # left blank: not entered
    assert "manual.propaganda.zalo_messages" not in figures           # quarantined
    assert "nguồn: Trung tâm Văn hóa, Thể thao và Truyền thông" in figures["manual.propaganda.loudspeaker"].definition


def test_demo_workbook_is_messy_and_accounted_for(demo):
    _, report, tables, _ = demo
    entries = {e["sheet"]: e for e in report["files"] if e["file"].endswith(FILE)}
    assert entries["Phổ biến pháp luật"]["headers"]["value"] == "Số liệu"
    assert entries["Biên chế"]["personal_columns"] == ["Người nhập số liệu"]
    assert entries["Nhiệm vụ KH CCHC"]["footer"]["matches"] and entries["Mô hình, sáng kiến"]["footer"]["matches"]
    assert all(e["balanced"] for e in entries.values())
    quarantine = sorted((q["sheet"], q["reason"]) for q in report["quarantine"]["items"] if q["file"].endswith(FILE))
    assert quarantine == [("Số liệu công bố", "missing_value"), ("Tuyên truyền", "bad_number")]
    names = [i["name"] for i in initiatives(tables)]
    assert names == ['Giải pháp "Ngày thứ Bảy vì dân"',
                     'Sáng kiến "Zalo Official Account" (Zalo OA) trong tuyên truyền TTHC',
                     'Mô hình "Thành lập các đội thanh niên tình nguyện"']
    assert initiatives(tables)[2]["effectiveness"].startswith("Đẩy mạnh tỷ lệ nộp hồ sơ trực tuyến.")
    assert [d["figure_id"] for d in declared(tables)] == ["tthc.rate.online_payment", "tthc.received.total",
                                                          "tthc.catalogue.published"]
    # the demo declares the reference report's 87,52% (computed: 86,99%), listed on the review sheet
    assert declared(tables)[0]["comparable"] == pytest.approx(0.8752)


def test_demo_workbook_bytes_are_deterministic(demo, tmp_path):
    from cchc.demo.manual import write

    (first,) = demo[0]
    (again,) = write(tmp_path)
    assert again.read_bytes() == first.read_bytes()
    assert again.name == FILE



def test_topic_data_is_consistent():
    sheets = topics.sheets()
    assert sheets[0].kind == "manual"                       # ingest requires the first sheet recognised
    names = [s.name for s in sheets]
    assert len(set(names)) == len(names) and all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    ids = [row.id for s in sheets for row in s.rows]
    assert len(set(ids)) == len(ids)
    assert all(row.kind in topics.KINDS and row.id.isascii() and " " not in row.id for s in sheets for row in s.rows)
    rows = topics.rows()
    for rule in topics.rates().values():
        assert rows[rule["numerator"]].kind == rows[rule["denominator"]].kind == "count"
    assert {s.kind for s in sheets} == {"manual", "manual_tasks", "manual_initiatives", "manual_declared"}
    assert not set(topics.rates()) & set(ids)
