"""The contradictions a reviewer spots (issue 12): each fixed at its cause in the demo, and each
kind caught by a reconciliation check that fails on a commune where the contradiction exists."""

import copy
import shutil
from pathlib import Path

import openpyxl
import pytest

from cchc.checks import Context
from cchc.checks.kinds import KINDS
from cchc.compute import compute
from cchc.config.checks import load_checks
from cchc.config.letter import build_document
from cchc.core.layout import Layout
from cchc.figures.registry import Figure, FigureSet
from cchc.forms.indicators import indicator_form

from conftest import REPO, run_cli

pytestmark = pytest.mark.slow  # one demo generation and computation for the module
UNIT, PERIOD = "nguyen-luong-bang", "2025"
NEW_CHECKS = ("within.appointments", "within.legal_in_force", "within.autonomy", "within.vertical_land",
              "within.petitions_resolved", "as_of.body_forms", "text_zero.complaints",
              "text_zero.denunciations", "window.covers")



def _copy_of_demo(demo, tmp_path: Path) -> Path:
    """A commune built in the test: the demo's parameters and raw exports in a root of its own."""
    root = tmp_path / "r"
    shutil.copytree(demo.layout.root / "params", root / "params")
    shutil.copytree(demo.layout.root / "data" / "raw", root / "data" / "raw")
    return root

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo commune, computed once (ingest, figures, checks; nothing published)."""
    root = tmp_path_factory.mktemp("contradictions")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    return compute(Layout(root, UNIT, PERIOD))


def spec(check_id):
    return next(s for s in load_checks().checks if s.id == check_id)


def run(check_id, computed, figures=None, root=None):
    """The check ``check_id`` of data/checks.yaml on ``computed``, with other figures or root."""
    context = Context(root or computed.layout.root, computed.params, figures or computed.figures,
                      computed.ingest.report, computed.tables)
    return KINDS[spec(check_id).kind](spec(check_id), context)


def changed(figures: FigureSet, *replaced: Figure) -> FigureSet:
    """A copy of ``figures`` with some figures replaced or added."""
    out = FigureSet()
    by_id = {f.id: f for f in replaced}
    for figure in figures:
        out.add(by_id.pop(figure.id, figure))
    out.extend(list(by_id.values()))
    out.lists = figures.lists
    return out


def with_value(figure: Figure, value, **extra) -> Figure:
    other = copy.deepcopy(figure)
    other.value = value
    other.extra.update(extra)
    return other


def test_the_demo_passes_every_contradiction_check(demo):
    results = {c.id: c for c in demo.checks}
    for check_id in NEW_CHECKS:
        assert check_id in results, check_id
        assert results[check_id].status == "pass", (check_id, results[check_id].details)


def test_a_breakdown_larger_than_its_whole_is_an_error(demo):
    figures = demo.figures
    passing = run("within.appointments", demo)[0]
    assert (passing.status, passing.expected, passing.actual) == ("pass", 9, 9)  # 8 + 1 appointed; 4 + 5
    # the reviewer's reading of biểu mẫu 5 before the fix: 4 heads and 5 deputies under 1 person
    alone = changed(figures, with_value(figures["manual.appointments.officials"], 0))
    failed = run("within.appointments", demo, alone)[0]
    assert (failed.status, failed.expected, failed.actual) == ("error", 1, 9)


def test_form_5_labels_heads_and_deputies_as_a_breakdown_of_everyone_appointed(demo):
    form = indicator_form(5, demo.figures, build_document(demo.params))
    labels = [row[1].value for row in form.rows]
    assert labels[2].startswith("Trong tổng số người được bổ nhiệm (dòng 1 và 2)") and labels[2].endswith("cấp trưởng")
    assert "dòng 1 và 2" in labels[3] and labels[3].endswith("cấp phó")
    assert all(label != "Trong đó: cấp trưởng" for label in labels)


def test_a_body_date_that_disagrees_with_the_forms_as_of_is_an_error(demo, tmp_path):
    as_of = demo.figures["documents.legal.issued"].extra["as_of"]
    assert as_of == "2025-12-04" and demo.params.window.cutoff.isoformat() == "2025-12-09"
    root = tmp_path / "r"
    shutil.copytree(demo.layout.root / "params", root / "params")
    prose = Layout(root, UNIT, PERIOD).prose_file("institutions.legislation")
    prose.write_text("Từ ngày 01/7/2025 đến ngày 09/12/2025, UBND xã đã ban hành "
                     "{{ documents.legal.issued }} văn bản quy phạm pháp luật.\n", encoding="utf-8")
    failed = run("as_of.body_forms", demo, root=root)[0]
    assert failed.status == "error" and failed.actual == 1
    assert failed.details == [{"file": "params/nguyen-luong-bang/prose/2025/institutions.legislation.md",
                               "figure": "documents.legal.issued", "stated": "09/12/2025", "as_of": "04/12/2025"}]
    prose.write_text("Đến ngày 04/12/2025, UBND xã đã ban hành {{ documents.legal.issued }} văn bản.\n",
                     encoding="utf-8")
    assert run("as_of.body_forms", demo, root=root)[0].status == "pass"
    prose.write_text("Đến ngày 31/02/2025 có {{ documents.legal.issued }} văn bản.\n", encoding="utf-8")
    assert run("as_of.body_forms", demo, root=root)[0].status == "pass"  # no date: nothing stated


def test_a_zero_the_text_words_as_none_against_a_non_zero_form_row_is_an_error(demo):
    figures = demo.figures
    assert figures["citizens.petitions.received.complaint"].value == 0
    # the demo's cause, fixed: no TTHC dossiers in the complaint and denunciation fields
    assert not [f.id for f in figures if "khieu-nai" in f.id or "to-cao" in f.id]
    row = Figure("tthc.by_field.giai-quyet-khieu-nai.to_handle", 1, "hồ sơ", "Giải quyết khiếu nại", "")
    failed = run("text_zero.complaints", demo, changed(figures, row))[0]
    assert failed.status == "error" and failed.details == [
        {"figure": "tthc.by_field.giai-quyet-khieu-nai.to_handle", "value": 1}]
    complaints = with_value(figures["citizens.petitions.received.complaint"], 1)
    assert run("text_zero.complaints", demo, changed(figures, row, complaints)) == []  # no "không có" then


def test_a_period_line_that_does_not_cover_a_figures_window_is_an_error(demo):
    figures = demo.figures
    to_date = figures["finance.revenue.to_date"]
    assert to_date.extra["since"] == "2025-01-01" and to_date.extra["as_of"] == "2025-12-04"
    unstated = copy.deepcopy(to_date)
    del unstated.extra["since"]
    failed = run("window.covers", demo, changed(figures, unstated))[0]
    assert failed.status == "error" and failed.figures == ["finance.revenue.to_date"]
    assert "01/07/2025" in failed.description and "09/12/2025" in failed.description
    late = with_value(figures["documents.outgoing.total"], figures["documents.outgoing.total"].value,
                      as_of="2025-12-20")
    failed = run("window.covers", demo, changed(figures, late))[0]
    assert failed.status == "error" and failed.details[0]["reason"] == "after cutoff"


def test_budget_rows_of_form_6_state_their_own_window(demo):
    form = indicator_form(6, demo.figures, build_document(demo.params))
    notes = {row[1].value: row[4].value for row in form.rows}
    assert "số liệu từ 01/01/2025 đến 04/12/2025" in notes["Thu ngân sách lũy kế"]
    assert notes["Vốn đầu tư công đã được cấp"] == "số liệu đến 19/11/2025"  # no window of its own


def test_a_budget_export_dated_after_the_cutoff_fails_the_window_check(demo, tmp_path):
    """A commune whose budget report runs to 20/12 under a period line ending 09/12."""
    root = _copy_of_demo(demo, tmp_path)
    path = root / "data/raw/nguyen-luong-bang/2025/bao-cao-thu-chi-ngan-sach-2025.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet["A3"].value == "(Luỹ kế từ 01/01/2025 đến 04/12/2025)"
    sheet["A3"] = "(Luỹ kế từ 01/01/2025 đến 20/12/2025)"
    book.save(path)
    computed = compute(Layout(root, UNIT, PERIOD))
    check = next(c for c in computed.checks if c.id == "window.covers")
    assert check.status == "error" and "finance.revenue.to_date" in check.figures
    assert {d["as_of"] for d in check.details} == {"20/12/2025"}


def test_heads_and_deputies_over_the_people_appointed_fail_within_whole(demo, tmp_path):
    """A commune whose manual workbook lists 4 heads and 5 deputies for 1 person appointed."""
    root = _copy_of_demo(demo, tmp_path)
    path = root / "data/raw/nguyen-luong-bang/2025/so-lieu-nhap-tay.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Bổ nhiệm"]
    assert (sheet["B8"].value, sheet["E8"].value) == ("appointments.officials", 8)
    assert sheet["C10"].value.startswith("Số người được bổ nhiệm là cấp trưởng")  # not "Trong đó" under row 2
    sheet["E8"] = 0
    book.save(path)
    check = next(c for c in compute(Layout(root, UNIT, PERIOD)).checks if c.id == "within.appointments")
    assert (check.status, check.expected, check.actual) == ("error", 1, 9)
