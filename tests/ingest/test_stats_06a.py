"""The one-stop system's own statistics of form 06a (raw-exports.md §7, issue 21): title rows, a
header of three merged levels, a row of column numbers (1)…(13), a row per field and "Tổng cộng".
Alone it is the source of form 06a and of the TTHC figures it holds (the others absent); beside
a dossier list each of its cells is a declared figure compared with the computed one."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from cchc.compute import compute
from cchc.config.params import load_params
from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.explain import explain_figure
from cchc.forms.indicators import indicator_forms
from cchc.forms.tthc import tthc_forms
from cchc.ingest.run import ingest
from cchc.render.audit import build_review
from cchc.report.view import Report

from conftest import catalogue_rows, make_root, run_cli, write_csv, write_xlsx

UNIT, PERIOD = "xa-thu", "2025-07"
RAW = Path("data/raw") / UNIT / PERIOD
NAME = "thong-ke-06a.xlsx"
TITLE = ["Biểu số II.06a/VPCP/KSTT"]
# (field, (3) … (13)): every identity holds on every row
FIELDS = [("Hộ tịch", 10, 6, 3, 1, 8, 2, 5, 1, 2, 1, 1),
          ("Chứng thực", 20, 15, 5, 0, 19, 10, 9, 0, 1, 1, 0),
          ("Lĩnh vực thử nghiệm ABC", 4, 1, 1, 2, 3, 0, 3, 0, 1, 0, 1)]   # a field no list knows
# form 06a's leaves (data/forms/06a.yaml) in the order of columns (3) … (13)
LEAVES = ["to_handle", "received.online", "received.offline", "carried_over", "resolved.total",
          "resolved.early", "resolved.on_time", "resolved.late", "pending.total", "pending.not_due",
          "pending.overdue"]
FIRST_DATA_ROW = 10   # 5 title rows, 3 header levels, the numbers row


def header(width: int = 13) -> list[list[Any]]:
    """The three merged levels (a merged cell's text in its first cell only) and the numbers row."""
    levels = [
        ["STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", None, None, None, "Kết quả giải quyết", *[None] * 6],
        [None, None, "Tổng số", "Số mới tiếp nhận", None, "Kỳ trước chuyển qua", "Số hồ sơ đã giải quyết",
         None, None, None, "Số hồ sơ đang giải quyết", None, None],
        [None, None, None, "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", None, "Tổng số", "Trước hạn",
         "Đúng hạn", "Quá hạn", "Tổng số", "Chưa đến hạn (trong hạn)", "Quá hạn"],
        [f"({i})" for i in range(1, 14)],
    ]
    return [row[:width] for row in levels]


def stats_rows(fields=FIELDS, period=("01/07/2025", "31/07/2025"), width: int = 13,
               numbers: bool = True, total: list[Any] | None = None) -> list[list[Any]]:
    rows = [TITLE,
            ["TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"],
            [f"Kỳ báo cáo: Tháng 7 năm 2025 (Từ ngày {period[0]} đến ngày {period[1]})"],
            ["Đơn vị báo cáo: UBND xã Thử Nghiệm"], ["Đơn vị tính: Số hồ sơ TTHC"],
            *header(width)[: 4 if numbers else 3]]
    for number, (name, *values) in enumerate(fields, start=1):
        rows.append([number, name, *values][:width])
    sums = [sum(f[k] for f in fields) for k in range(1, 12)]
    rows.append(["Tổng cộng", None, *(total or sums)][:width])
    rows += [[], ["Người lập biểu", None, None, None, None, None, None, None, "Thủ trưởng đơn vị"]]
    return rows


def write_stats(path: Path, rows: list[list[Any]] | None = None, merges: bool = True) -> Path:
    """An xlsx as the system exports it: the header's levels merged (openpyxl merge_cells)."""
    rows = rows if rows is not None else stats_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merges:
        width = len(rows[5])
        for cells in ("A6:A8", "B6:B8", "C6:F6", f"G6:{'M' if width == 13 else 'L'}6", "C7:C8", "D7:E7",
                      "F7:F8", "G7:J7", f"K7:{'M' if width == 13 else 'L'}7"):
            sheet.merge_cells(cells)
        total_at = next(i for i, row in enumerate(rows, start=1) if row and row[0] == "Tổng cộng")
        sheet.merge_cells(f"A{total_at}:B{total_at}")
    book.save(path)
    return path


@pytest.fixture
def alone(tmp_path) -> Path:
    root = make_root(tmp_path, with_data=False)
    write_stats(root / RAW / NAME)
    return root


def form_rows(computed) -> dict[str, dict[str, Any]]:
    """Form 06a by field: field -> leaf -> value, and the total row under "Tổng cộng"."""
    form = next(f for f in tthc_forms(computed.figures, Report.from_computed(computed).document)
                if f.id == "06a-linh-vuc")
    keys = [leaf.key for leaf in form.leaves()]
    out = {row[1].value: dict(zip(keys, (cell.value for cell in row))) for row in form.rows}
    out["Tổng cộng"] = dict(zip(keys, (cell.value for cell in form.total)))
    return out


# --------------------------------------------------------------------------- alone

def test_alone_the_statistics_are_the_figures_and_form_06a(alone):
    computed = compute(Layout(alone, UNIT, PERIOD))
    figures = computed.figures
    assert not computed.failed_checks, [c.id for c in computed.failed_checks]
    [entry] = computed.ingest.report["files"]
    assert entry["kind"] == "tthc_stats" and entry["recognised"]["by"] == "numbers"
    assert entry["account"]["data"] == len(FIELDS) + 1 and entry["balanced"]   # the fields and the total
    rows = form_rows(computed)
    for offset, (name, *values) in enumerate(FIELDS):
        assert [rows[name][leaf] for leaf in LEAVES] == values
        group = next(f.id.split(".")[2] for f in figures if f.extra.get("group") == name)
        resolved = figures[f"tthc.by_field.{group}.resolved.total"]
        assert resolved.value == values[4]
        assert [(s["file"], s["row"]) for s in resolved.sources] == [(f"{RAW.as_posix()}/{NAME}",
                                                                      FIRST_DATA_ROW + offset)]
    sums = [sum(f[k] for f in FIELDS) for k in range(1, 12)]
    assert [rows["Tổng cộng"][leaf] for leaf in LEAVES] == sums
    assert [figures[f"tthc.{leaf}"].value for leaf in LEAVES] == sums
    unit = figures["tthc.to_handle"]
    assert sorted(s["row"] for s in unit.sources) == [FIRST_DATA_ROW + i for i in range(len(FIELDS))]
    # rates from its own numbers: online (4)/((4)+(5)), on time ((8)+(9))/(7)
    online = figures["tthc.rate.online"]
    assert (online.numerator, online.denominator) == (sums[1], sums[1] + sums[2])
    assert figures["tthc.received.total"].value == sums[1] + sums[2]
    on_time = figures["tthc.rate.on_time"]
    assert (on_time.numerator, on_time.denominator) == (sums[5] + sums[6], sums[4])


def test_a_total_row_standing_above_the_fields_keeps_them(tmp_path):
    """Some systems put "Tổng cộng" first: the field rows under it are still data, the signature
    block under them still its footer."""
    root = make_root(tmp_path, with_data=False)
    rows = stats_rows()
    total_at = next(i for i, row in enumerate(rows) if row and row[0] == "Tổng cộng")
    total = rows.pop(total_at)
    rows.insert(FIRST_DATA_ROW - 1, total)
    write_stats(root / RAW / NAME, rows)
    computed = compute(Layout(root, UNIT, PERIOD))
    assert not computed.failed_checks, [c.id for c in computed.failed_checks]
    [entry] = computed.ingest.report["files"]
    assert entry["account"]["data"] == len(FIELDS) + 1 and entry["account"]["footer"] == 1
    sums = [sum(f[k] for f in FIELDS) for k in range(1, 12)]
    assert [computed.figures[f"tthc.{leaf}"].value for leaf in LEAVES] == sums
    assert sorted(form_rows(computed)) == sorted([name for name, *_ in FIELDS] + ["Tổng cộng"])


def test_alone_what_it_cannot_hold_is_absent_and_said(alone):
    computed = compute(Layout(alone, UNIT, PERIOD))
    written = json.loads(computed.figures.dumps(computed.params))["figures"]
    for absent in ("tthc.received.direct", "tthc.received.postal", "tthc.rate.direct", "tthc.rate.digitized",
                   "tthc.rate.online_payment", "tthc.rate.satisfaction", "tthc.interlinked.received"):
        assert absent not in written
    assert not [i for i in written if i.startswith(("tthc.by_agency.", "tthc.by_month."))]
    assert "tthc.received.offline" in written and "tthc.rate.online" in written
    [said] = [e for e in computed.ingest.report["missing"] if e["kind"] == "dossiers"]
    assert said["text"].startswith("không có Danh sách hồ sơ TTHC: chỉ có biểu thống kê 06a")
    assert "không tách được hồ sơ trực tiếp và qua bưu chính" in said["text"]
    form_3 = next(f for f in indicator_forms(computed.figures, Report.from_computed(computed).document)
                  if f.id == "bieu-mau-3")
    digitized = [row for row in form_3.rows if row[1].value == "tthc.rate.digitized"]
    assert digitized and all(row[4].value == "chưa có số liệu" for row in digitized)
    done = run_cli("ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(alone))
    assert done.returncode == 0, done.stderr
    assert "chỉ có biểu thống kê 06a" in done.stdout.strip().splitlines()[-1]


def test_explain_lists_the_row_of_the_file(alone):
    computed = compute(Layout(alone, UNIT, PERIOD))
    figure = computed.figures["tthc.by_field.ho-tich.resolved.total"]
    explained = explain_figure(figure, computed.tables, computed.params)
    assert explained.rows[["file", "row"]].values.tolist() == [[f"{RAW.as_posix()}/{NAME}", FIRST_DATA_ROW]]
    assert explained.rows["resolved_total"].tolist() == [FIELDS[0][5]]
    whole = explain_figure(computed.figures["tthc.rate.on_time"], computed.tables, computed.params)
    assert whole.rows["row"].tolist() == [FIRST_DATA_ROW + i for i in range(len(FIELDS))]   # never the total
    assert whole.summed == {"numerator": "resolved_early+resolved_on_time", "denominator": "resolved_total"}
    # a count of two columns: the rows listed give it back as the sum of both (checked by explain)
    received = explain_figure(computed.figures["tthc.received.total"], computed.tables, computed.params)
    assert int(received.rows[["received_online", "received_offline"]].to_numpy().sum()) == sum(
        f[2] + f[3] for f in FIELDS)


def test_a_csv_export_gives_the_same_figures(tmp_path, alone):
    root = make_root(tmp_path / "csv", with_data=False)
    write_csv(root / RAW / "thong-ke-06a.csv", [[("" if c is None else c) for c in row] for row in stats_rows()])
    from_csv, from_xlsx = compute(Layout(root, UNIT, PERIOD)), compute(Layout(alone, UNIT, PERIOD))
    assert {f.id: f.value for f in from_csv.figures} == {f.id: f.value for f in from_xlsx.figures}
    assert from_csv.ingest.report["files"][0]["kind"] == "tthc_stats"


def test_an_ods_export_gives_the_same_figures(tmp_path, alone):
    from test_hostile_ingest import write_ods

    root = make_root(tmp_path / "ods", with_data=False)
    write_ods(root / RAW / "thong-ke-06a.ods", stats_rows())   # a merged cell's others empty, as covered cells
    from_ods, from_xlsx = compute(Layout(root, UNIT, PERIOD)), compute(Layout(alone, UNIT, PERIOD))
    assert {f.id: f.value for f in from_ods.figures} == {f.id: f.value for f in from_xlsx.figures}
    assert not from_ods.failed_checks


def test_without_the_numbers_row_the_columns_are_found_by_their_words(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_csv(root / RAW / "thong-ke.csv", [[("" if c is None else c) for c in row]
                                            for row in stats_rows(numbers=False)])
    computed = compute(Layout(root, UNIT, PERIOD))
    [entry] = computed.ingest.report["files"]
    assert entry["recognised"]["by"] == "words" and not entry["missing_columns"]
    # named by the number of the column they are (the form's), and the file's words
    assert entry["headers"]["pending_not_due"] == (
        "(12) Kết quả giải quyết — Số hồ sơ đang giải quyết — Chưa đến hạn (trong hạn)")
    assert entry["headers"]["carried_over"] == "(6) Số hồ sơ nhận giải quyết — Kỳ trước chuyển qua"
    assert computed.figures["tthc.carried_over"].value == sum(f[4] for f in FIELDS)
    assert computed.figures["tthc.pending.overdue"].value == sum(f[11] for f in FIELDS)


def test_neither_a_list_nor_the_statistics_fails_clearly(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_xlsx(root / RAW / "danh-muc.xlsx", catalogue_rows())
    with pytest.raises(CchcError, match="Danh sách hồ sơ TTHC.*Biểu thống kê 06a"):
        ingest(root, load_params(root, UNIT, PERIOD))


def test_cchc_sources_shows_the_kind_and_by_which_title_and_header(alone):
    done = run_cli("sources", "--unit", UNIT, "--period", PERIOD, "--root", str(alone))
    assert done.returncode == 0, done.stderr
    assert "Biểu thống kê 06a của hệ thống một cửa (tthc_stats)" in done.stdout
    assert "dòng tiêu đề 'Biểu số II.06a/VPCP/KSTT'" in done.stdout
    assert "số thứ tự cột (1), (2), … ở dòng 9 (tiêu đề cột ở dòng 6–9)" in done.stdout
    assert "'(13) Kết quả giải quyết — Số hồ sơ đang giải quyết — Quá hạn' → pending_overdue" in done.stdout


# --------------------------------------------------------------------------- its identities

def _failed(computed, prefix: str) -> list:
    return [c for c in computed.checks if c.id.startswith(prefix) and c.status == "error"]


def test_a_broken_identity_is_a_failed_check_naming_row_and_columns(tmp_path):
    root = make_root(tmp_path, with_data=False)
    fields = [list(FIELDS[0]), *FIELDS[1:]]
    fields[0][1] = 11                          # (3) = 11, but (4)+(5)+(6) = 10 and (7)+(11) = 10
    write_stats(root / RAW / NAME, stats_rows(fields=[tuple(f) for f in fields]))
    computed = compute(Layout(root, UNIT, PERIOD))
    # on the field's row, and on the total row, which sums it
    received, on_total = _failed(computed, "stats.received")
    assert received.id == f"stats.received:{NAME}#{FIRST_DATA_ROW}"
    assert on_total.id == f"stats.received:{NAME}#{FIRST_DATA_ROW + len(FIELDS)}"
    assert (received.expected, received.actual) == ("11", "10")
    [detail] = received.details
    assert (detail["file"], detail["row"]) == (f"{RAW.as_posix()}/{NAME}", FIRST_DATA_ROW)
    assert detail["value"].startswith('lĩnh vực "Hộ tịch": cột (3) Số hồ sơ nhận giải quyết — Tổng số = 11')
    assert "(4) Số hồ sơ nhận giải quyết — Số mới tiếp nhận — Trực tuyến" in detail["value"]
    assert "= 10" in detail["value"]
    assert _failed(computed, "stats.handled")
    assert not _failed(computed, "stats.resolved") and not _failed(computed, "stats.pending")
    assert received in computed.failed_checks     # nothing is published as sound


def test_a_total_row_that_is_not_the_sum_of_the_rows_fails_per_column(tmp_path):
    root = make_root(tmp_path, with_data=False)
    sums = [sum(f[k] for f in FIELDS) for k in range(1, 12)]
    sums[4] += 1                             # (7) of the total row
    write_stats(root / RAW / NAME, stats_rows(total=sums))
    computed = compute(Layout(root, UNIT, PERIOD))
    total_at = FIRST_DATA_ROW + len(FIELDS)
    failed = _failed(computed, "stats.total_row")
    assert [c.id for c in failed] == [f"stats.total_row:{NAME}#{total_at}.resolved_total"]
    assert (failed[0].expected, failed[0].actual) == (str(sums[4]), str(sums[4] - 1))
    assert "cột (7) Kết quả giải quyết — Số hồ sơ đã giải quyết — Tổng số" in failed[0].details[0]["value"]
    # the total row's own identities break too: (3) = (7) + (11) on it
    assert [c.id for c in _failed(computed, "stats.handled")] == [f"stats.handled:{NAME}#{total_at}"]


def test_a_period_other_than_the_run_is_a_failed_check(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_stats(root / RAW / NAME, stats_rows(period=("01/06/2025", "30/06/2025")))
    computed = compute(Layout(root, UNIT, PERIOD))
    [period] = _failed(computed, "stats.period")
    assert (period.expected, period.actual) == ("từ 01/07/2025 đến 31/07/2025", "từ 01/06/2025 đến 30/06/2025")


# --------------------------------------------------------------------------- beside a dossier list

def test_beside_a_list_each_cell_is_compared_and_differences_are_warnings(messy_root):
    before = compute(Layout(messy_root, UNIT, PERIOD)).figures
    assert "tthc.by_field.ho-tich.to_handle" in before

    def row(group: str, name: str, plus: int = 0) -> tuple:
        values = [before[f"tthc.by_field.{group}.{leaf}"].value for leaf in LEAVES]
        for leaf in ("to_handle", "carried_over", "pending.total", "pending.not_due"):  # identities kept
            values[LEAVES.index(leaf)] += plus
        return (name, *values)

    write_stats(messy_root / RAW / NAME, stats_rows(fields=[row("ho-tich", "Hộ tịch"),
                                                            row("chung-thuc", "Chứng thực", plus=1),
                                                            FIELDS[2]]))
    computed = compute(Layout(messy_root, UNIT, PERIOD))
    assert computed.ingest.report["sources"]["tthc_stats"]["files"] == [f"{RAW.as_posix()}/{NAME}"]
    assert computed.figures["tthc.to_handle"].value == before["tthc.to_handle"].value   # the list stays the source
    assert not _failed(computed, "stats.") and not _failed(computed, "declared")
    declared = {c.details[0]["document"]: c for c in computed.checks if c.id.startswith("declared:")}
    ho_tich = [c for doc, c in declared.items() if '"Hộ tịch"' in doc]
    assert len(ho_tich) == len(LEAVES) and all(c.status == "pass" for c in ho_tich)
    differing = sorted((c.id.split(":")[1].split("#")[0], c.expected, c.actual) for doc, c in declared.items()
                       if '"Chứng thực"' in doc and c.status == "warning")
    assert differing == sorted((f"tthc.by_field.chung-thuc.{leaf}", before[f"tthc.by_field.chung-thuc.{leaf}"].value
                                + 1, before[f"tthc.by_field.chung-thuc.{leaf}"].value)
                               for leaf in ("to_handle", "carried_over", "pending.total", "pending.not_due"))
    carried = next(c for doc, c in declared.items() if '"Chứng thực"' in doc and "cột (6)" in doc)
    assert carried.details[0]["label"] == "Số hồ sơ kỳ trước chuyển qua — lĩnh vực Chứng thực"
    assert carried.details[0]["document"] == (f'tệp {NAME}, dòng {FIRST_DATA_ROW + 1}, lĩnh vực "Chứng thực", '
                                              "cột (6) Số kỳ trước chuyển qua")
    # a field the list does not have: its non-zero cells have no figure to agree with
    unknown = [c for doc, c in declared.items() if '"Lĩnh vực thử nghiệm ABC"' in doc]
    assert {c.status for c in unknown} == {"warning"} and {c.actual for c in unknown} == {None}
    assert len(unknown) == sum(1 for value in FIELDS[2][1:] if value)   # its zeros differ from nothing
    review = build_review(computed, None)
    lines = {line.figure_id: line for line in review.declared}
    assert "tthc.by_field.chung-thuc.carried_over" in lines
    assert not [i for i in lines if i.startswith("tthc.by_field.ho-tich.")]
    line = lines["tthc.by_field.chung-thuc.carried_over"]
    assert (line.value, line.other) == (str(before["tthc.by_field.chung-thuc.carried_over"].value),
                                        str(before["tthc.by_field.chung-thuc.carried_over"].value + 1))
    assert "Biểu thống kê 06a của hệ thống một cửa" in line.source and "cột (6)" in line.source


def test_two_files_of_one_period_are_a_failed_check(alone):
    write_csv(alone / RAW / "thong-ke-06a.csv", [[("" if c is None else c) for c in row] for row in stats_rows()])
    computed = compute(Layout(alone, UNIT, PERIOD))
    [several] = _failed(computed, "stats.period")
    assert several.id == "stats.period:several" and several.actual == 2
    assert "bị cộng lại" in several.details[0]


def test_columns_lettered_then_numbered_are_found_by_their_words(tmp_path):
    # "A | B | 1 | 2 … 11": the numbers are not the form's (1)…(13); the row is part of the header
    root = make_root(tmp_path, with_data=False)
    rows = stats_rows()
    rows[8] = ["A", "B", *range(1, 12)]
    write_stats(root / RAW / NAME, rows)
    computed = compute(Layout(root, UNIT, PERIOD))
    [entry] = computed.ingest.report["files"]
    assert entry["recognised"] == {"title": TITLE[0], "by": "words", "header_rows": [6, 9]}
    assert entry["account"]["data"] == len(FIELDS) + 1 and not computed.failed_checks
    assert computed.figures["tthc.resolved.late"].value == sum(f[8] for f in FIELDS)


def test_beside_a_list_its_own_faults_are_warnings_only(messy_root):
    # another period, a broken identity, a quarantined cell: the list is the source, the table compared
    rows = stats_rows(period=("01/06/2025", "30/06/2025"))
    rows[FIRST_DATA_ROW - 1][2] += 1          # (3) of Hộ tịch
    rows[FIRST_DATA_ROW][6] = "12a"
    write_stats(messy_root / RAW / NAME, rows)
    computed = compute(Layout(messy_root, UNIT, PERIOD))
    faults = {c.id.split(":")[0]: c.status for c in computed.checks if c.id.startswith("stats.")
              and c.status != "pass"}
    assert faults == {"stats.period": "warning", "stats.received": "warning", "stats.handled": "warning",
                      "stats.rows": "warning", "stats.total_row": "warning"}
    assert not [c for c in computed.failed_checks if c.id.startswith("stats.")]


# --------------------------------------------------------------------------- hostile files

def test_text_in_a_number_cell_is_quarantined_and_a_failed_check(tmp_path):
    root = make_root(tmp_path, with_data=False)
    rows = stats_rows()
    rows[FIRST_DATA_ROW][6] = "12a"          # (7) of Chứng thực (the second field, Excel row 11)
    write_stats(root / RAW / NAME, rows)
    computed = compute(Layout(root, UNIT, PERIOD))
    [item] = computed.ingest.report["quarantine"]["items"]
    assert (item["row"], item["value"]) == (FIRST_DATA_ROW + 1, "12a")
    assert item["column"] == "(7) Kết quả giải quyết — Số hồ sơ đã giải quyết — Tổng số"
    [failed] = _failed(computed, "stats.rows")
    assert failed.id == f"stats.rows:{NAME}#{FIRST_DATA_ROW + 1}"
    assert failed.details[0]["value"].startswith("cột (7) Kết quả giải quyết — Số hồ sơ đã giải quyết — Tổng số: '12a'")
    assert "tthc.by_field.chung-thuc.to_handle" not in computed.figures   # its row is left out …
    assert _failed(computed, "stats.total_row")                          # … so the total disagrees


def test_a_negative_number_is_quarantined(tmp_path):
    root = make_root(tmp_path, with_data=False)
    rows = stats_rows()
    rows[FIRST_DATA_ROW - 1][12] = -1        # (13) of Hộ tịch
    write_stats(root / RAW / NAME, rows)
    computed = compute(Layout(root, UNIT, PERIOD))
    [item] = computed.ingest.report["quarantine"]["items"]
    assert (item["row"], item["reason"]) == (FIRST_DATA_ROW, "too_small")
    assert _failed(computed, "stats.rows")


def test_without_column_13_only_what_needs_it_is_absent(tmp_path):
    root = make_root(tmp_path, with_data=False)
    write_stats(root / RAW / NAME, stats_rows(width=12))
    computed = compute(Layout(root, UNIT, PERIOD))
    figures = computed.figures
    assert not computed.failed_checks
    assert "tthc.pending.overdue" not in figures
    assert not [f.id for f in figures if f.id.endswith(".pending.overdue")]
    assert figures["tthc.pending.not_due"].value == sum(f[10] for f in FIELDS)
    assert figures["tthc.pending.total"].value == sum(f[9] for f in FIELDS)
    assert not [c for c in computed.checks if c.id.startswith("stats.pending")]   # cannot be checked
    assert [c.status for c in computed.checks if c.id.startswith("stats.handled")] == ["pass"]
    texts = [e["text"] for e in computed.ingest.report["missing"] if e["kind"] == "tthc_stats"]
    assert texts == ["không có cột Số hồ sơ đang giải quyết: quá hạn: không có số hồ sơ đang giải quyết quá hạn "
                     "(cột 13)"]
    assert form_rows(computed)["Hộ tịch"]["pending.overdue"] == "chưa có số liệu"
    assert form_rows(computed)["Hộ tịch"]["pending.not_due"] == FIELDS[0][11]


def test_an_unknown_field_is_only_a_label(alone):
    computed = compute(Layout(alone, UNIT, PERIOD))
    name, *values = FIELDS[2]
    assert computed.figures["tthc.by_field.linh-vuc-thu-nghiem-abc.to_handle"].value == values[0]
    assert computed.figures["tthc.by_field.linh-vuc-thu-nghiem-abc.to_handle"].extra["group"] == name


def refused(root: Path, name: str, *words: str) -> str:
    done = run_cli("ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root))
    assert done.returncode == 1, done.stdout
    assert name in done.stderr and "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr
    return done.stderr


def test_a_truncated_file_is_refused_naming_it(tmp_path):
    root = make_root(tmp_path, with_data=False)
    path = write_stats(root / RAW / NAME)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(root, NAME)


def test_a_csv_not_in_utf8_is_refused_naming_its_line(tmp_path):
    root = make_root(tmp_path, with_data=False)
    text = "\n".join(";".join("" if c is None else str(c) for c in row) for row in stats_rows())
    (root / RAW / "thong-ke.csv").write_bytes(text.encode("cp1258", errors="replace"))
    refused(root, "thong-ke.csv", "UTF-8")


def test_a_huge_declared_sheet_is_refused_by_the_guards(tmp_path):
    root = make_root(tmp_path, with_data=False)
    path = write_stats(root / RAW / NAME)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    refused(root, NAME, "A1:XFD1048576")


def test_the_processed_table_keeps_the_total_row_marked(alone):
    result = ingest(alone, load_params(alone, UNIT, PERIOD))
    table = pd.read_parquet(result.processed_dir / "tthc_stats.parquet")
    assert table["total"].tolist() == [False] * len(FIELDS) + [True]
    assert table.loc[table["total"], "field"].tolist() == ["Tổng cộng"]
    assert table["source_row"].tolist() == [FIRST_DATA_ROW + i for i in range(len(FIELDS) + 1)]
    assert str(table["period_start"].iat[0])[:10] == "2025-07-01"
    # the signature block after the total row is no data
    assert result.report["files"][0]["account"]["footer"] == 1
    again = ingest(alone, load_params(alone, UNIT, PERIOD), force=True)   # from the parse cache
    assert pd.read_parquet(again.processed_dir / "tthc_stats.parquet").equals(table)
    assert again.report["files"][0]["recognised"] == result.report["files"][0]["recognised"]


def test_the_source_file_is_validated():
    import copy

    from cchc.config.sources import read_source_file
    from cchc.core.resources import load_yaml

    data = load_yaml("sources/tthc_stats.yaml")
    assert read_source_file("tthc_stats", data).declares["rate.on_time"].numerator == [
        "resolved_early", "resolved_on_time"]
    from cchc.config.figures import figure_definitions

    figures = figure_definitions("tthc").figures   # each figure it declares is a TTHC figure, rate or count
    declares = read_source_file("tthc_stats", data).declares
    assert set(declares) <= set(figures)
    assert all((figures[name].unit == "%") == bool(item.numerator) for name, item in declares.items())
    for change in (lambda d: d["declares"]["to_handle"].update(columns=["tong_so"]),
                   lambda d: d["numbered"]["columns"].update(cot_14={"number": 14, "words": [["x"]]}),
                   lambda d: d["declares"]["rate.online"].pop("denominator")):
        changed = copy.deepcopy(data)
        change(changed)
        with pytest.raises(CchcError):
            read_source_file("tthc_stats", changed)
    dossiers = copy.deepcopy(load_yaml("sources/dossiers.yaml"))
    dossiers["instead"] = ["thong_ke"]
    with pytest.raises(CchcError, match="thong_ke"):
        read_source_file("dossiers", dossiers)


@pytest.mark.slow
def test_a_full_run_of_the_statistics_alone_publishes_form_06a_and_a_broken_one_publishes_nothing(alone):
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(alone))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chỉ có biểu thống kê 06a" in done.stdout.strip().splitlines()[-1]
    out = alone / "outputs" / UNIT / PERIOD
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    assert figures["tthc.to_handle"]["value"] == sum(f[1] for f in FIELDS)
    assert "tthc.received.direct" not in figures and "tthc.rate.digitized" not in figures
    book = openpyxl.load_workbook(out / "phu-luc.xlsx", read_only=True)
    sheet = [row for row in book["06a theo lĩnh vực"].iter_rows(values_only=True)]
    ho_tich = next(row for row in sheet if "Hộ tịch" in row)
    values = [cell for cell in ho_tich[ho_tich.index("Hộ tịch") + 1:] if cell is not None]
    assert values[: len(LEAVES)] == list(FIELDS[0][1:])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "trực tiếp và qua dịch vụ bưu chính công ích" in html
    assert 'data-fig="tthc.received.direct"' not in html

    fields = [list(FIELDS[0]), *FIELDS[1:]]
    fields[0][1] += 1                               # (3) of Hộ tịch: two identities broken
    write_stats(alone / RAW / NAME, stats_rows(fields=[tuple(f) for f in fields]))
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(alone))
    assert done.returncode == 1
    assert f"stats.received:{NAME}#{FIRST_DATA_ROW}" in done.stderr + done.stdout
    assert json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"] == figures  # unchanged
