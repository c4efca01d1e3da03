"""Audit material out of the signed report: the companion document kiem-tra.html / kiem-tra.pdf
(review sheet for the signer, reconciliation, sources) beside it, the review sheet's logic
(cchc.report.review) and the loader of published periods (cchc.report.previous)."""

import json
import re
import shutil
import subprocess

import docx as python_docx
import pytest

from cchc.checks import PASS, WARNING, Check
from cchc.checks.html import environment
from cchc.core.hashing import sha256_file
from cchc.core.layout import AUDIT_HTML, AUDIT_PDF, REPLACED_FIGURES, Layout
from cchc.figures.registry import Figure, FigureSet
from cchc.render.audit import breakdown_groups
from cchc.render.blocks import parse
from cchc.report.previous import Published, previous, published, year_before, year_before_period
from cchc.report.review import declared_lines, previous_lines, republished_lines, shown

from conftest import DOSSIER_HEADER, REPO, catalogue_rows, d, make_root, run_cli, write_xlsx
from programs import pdftotext

UNIT, PERIOD = "nguyen-luong-bang", "2025"
AUDIT_WORDS = ("Đối chiếu số liệu", "Nguồn số liệu", "Nguồn của từng số liệu", "Bảng rà soát", "tthc.rate.",
               "tthc.received.", "cchc ", "figures.json", "reconciliation")


# --- the review sheet and the published periods, alone -----------------------------------------

def _figures(**values) -> FigureSet:
    figures = FigureSet()
    figures.add(Figure("tthc.rate.online_payment", values.get("rate", 1946 / 2237), "%",
                       "Tỷ lệ thanh toán trực tuyến", "Hồ sơ thanh toán trực tuyến / hồ sơ có thu phí",
                       numerator=values.get("num", 1946), denominator=2237))
    figures.add(Figure("tthc.received.total", values.get("total", 7026), "hồ sơ", "Tổng số hồ sơ tiếp nhận",
                       "Hồ sơ tiếp nhận trong kỳ"))
    return figures


def _declared(figure_id, value, unit, comparable):
    return {"figure_id": figure_id, "value": value, "unit": unit, "is_percent": unit == "%",
            "comparable": comparable, "body": "Cổng Dịch vụ công quốc gia", "document": "Bộ chỉ số ngày 09/12/2025",
            "label": "x"}


def test_declared_lines_are_the_checks_that_did_not_pass_with_both_values_source_and_counts():
    declared = [_declared("tthc.rate.online_payment", 87.52, "%", 0.8752),
                _declared("tthc.received.total", 7026, "hồ sơ", 7026),
                _declared("tthc.received.total", 7078, "hồ sơ", 7078)]
    checks = [Check("declared:tthc.rate.online_payment#1", "", "87.52%", "86.99%", WARNING),
              Check("declared:tthc.received.total#2", "", 7026, 7026, PASS),
              Check("declared:tthc.received.total#3", "", 7078, 7026, WARNING),
              Check("identity.to_handle", "", 1, 2, WARNING)]  # not a declared check
    lines = declared_lines(_figures(), checks, declared)
    assert [(line.figure_id, line.value, line.other) for line in lines] == [
        ("tthc.rate.online_payment", "86,99%", "87,52%"), ("tthc.received.total", "7.026", "7.078")]
    rate, count = lines
    assert rate.source == "Cổng Dịch vụ công quốc gia: Bộ chỉ số ngày 09/12/2025"
    assert rate.why.startswith("86,99% = 1.946/2.237: Hồ sơ thanh toán trực tuyến")
    assert rate.change == "−0,53 điểm phần trăm" and count.change == "−52 (−0,73%)"


def _published(tmp_path, period, figures) -> Published:
    path = tmp_path / f"{period}.json"
    path.write_text(json.dumps({"figures": {f.id: f.to_json() for f in figures}}), encoding="utf-8")
    return Published(period, path, f"outputs/x/{period}/figures.json", sha256_file(path), figures)


def test_republished_lines_list_every_changed_figure_and_previous_lines_the_key_figures(tmp_path):
    before = _published(tmp_path, "2025", _figures(num=1900, rate=1900 / 2237))
    lines = republished_lines(_figures(), before)
    assert [(line.figure_id, line.value, line.other) for line in lines] == [
        ("tthc.rate.online_payment", "86,99%", "84,94%")]  # tthc.received.total unchanged: not listed
    assert lines[0].source == f"outputs/x/2025/figures.json, sha256 {before.sha256}"
    assert republished_lines(_figures(), None) == [] and republished_lines(_figures(), _published(
        tmp_path, "same", _figures())) == []
    last_year = _published(tmp_path, "2024", _figures(total=6000, num=1500, rate=1500 / 2237))
    context = {line.figure_id: line for line in previous_lines(_figures(), last_year)}
    assert (context["tthc.received.total"].other, context["tthc.received.total"].change) == ("6.000", "+1.026 (+17,10%)")
    assert context["tthc.rate.online_payment"].change == "+19,94 điểm phần trăm"  # 446/2.237


def test_previous_loads_the_published_previous_period_and_the_same_period_a_year_before(tmp_path):
    layout = Layout(tmp_path, "xa", "2025-H2")
    assert (published(layout), previous(layout), year_before(layout)) == (None, None, None)
    for period, total in (("2025-H1", 10), ("2024-H2", 20)):
        folder = layout.at(period).outputs_dir
        folder.mkdir(parents=True)
        (folder / "figures.json").write_text(json.dumps({"figures": {"tthc.received.total": {
            "value": total, "unit": "hồ sơ", "label": "Tổng", "definition": "d", "sources": []}}}), encoding="utf-8")
    found = previous(layout)
    assert (found.period, found.shown, found.figures["tthc.received.total"].value) == (
        "2025-H1", "outputs/xa/2025-H1/figures.json", 10)
    assert found.sha256 == sha256_file(layout.at("2025-H1").outputs_dir / "figures.json")
    assert year_before(layout).figures["tthc.received.total"].value == 20
    assert [year_before_period(p) for p in ("2025", "2025-Q3", "2025-03")] == ["2024", "2024-Q3", "2024-03"]
    (layout.at("2025-H1").outputs_dir / "figures.json").write_text("not json", encoding="utf-8")
    assert previous(layout) is None  # not a run's figures.json: nothing to compare against


def _breakdown(figure_id, value, group, files, breakdown="by_field"):
    figure = Figure(figure_id, value, "hồ sơ", "x", "x", sources=[{"file": f"data/raw/xa/2025/{name}", "rows": 1}
                                                                 for name in files])
    figure.extra.update({"breakdown": breakdown, "group": group})
    return figure


def test_the_printed_sources_give_a_breakdown_group_one_row_its_count_common_id_and_files_once():
    figures = _figures()
    for figure in (_breakdown("tthc.by_field.ho-tich.received.total", 5, "Hộ tịch", ["b.xlsx", "a.xlsx"]),
                   _breakdown("tthc.by_field.ho-tich.rate.online", 0.5, "Hộ tịch", ["a.xlsx"]),
                   _breakdown("tthc.by_field.dat-dai.received.total", 2, "Đất đai", []),
                   _breakdown("tthc.by_month.2025-07.received.total", 7, "2025-07", ["a.xlsx"], "by_month")):
        figures.add(figure)
    words = {"sections": {"tthc": "Thủ tục hành chính"}, "no_source": "(none)",
             "breakdown_kinds": {"by_field": "theo lĩnh vực", "by_month": "theo tháng"}}
    tables = breakdown_groups(figures, words)
    assert [(t["title"], t["count"]) for t in tables] == [("Thủ tục hành chính — theo lĩnh vực", 3),
                                                          ("Thủ tục hành chính — theo tháng", 1)]
    assert tables[0]["rows"] == [  # base figures (tthc.received.total, ...) are not among them
        {"name": "Đất đai", "count": 1, "ids": "tthc.by_field.dat-dai.received.total", "files": "(none)"},
        {"name": "Hộ tịch", "count": 2, "ids": "tthc.by_field.ho-tich.*", "files": "a.xlsx, b.xlsx"}]


def test_one_template_environment_a_process_for_each_variant_and_values_shown_by_their_type():
    assert environment() is environment() and environment(wrap_ids=True) is environment(wrap_ids=True)
    assert environment().filters["breakable"]("a.b") == "a.b"
    assert environment(wrap_ids=True).filters["breakable"]("a.b") == "a.\u200bb"
    count = Figure("x.count", 1, "hồ sơ", "x", "x")
    rate = Figure("x.rate", 1, "%", "x", "x", numerator=2, denominator=2)
    fraction = Figure("x.amount", 1.5, "tỷ đồng", "x", "x")
    assert [shown(count), shown(rate), shown(fraction)] == ["1", "100%", "1,5"]


# --- the demo: signed documents without audit material, the companion beside them ---------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit")
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root))
    assert done.returncode == 0, done.stderr
    return root, root / "outputs" / UNIT / PERIOD, done


def _pdf_text(path) -> str:
    return " ".join(pdftotext(path).split())


@pytest.mark.slow
def test_signed_documents_hold_no_audit_material(demo):
    _, out, _ = demo
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    raw_names = [name.rsplit("/", 1)[-1] for name in manifest["raw_files"]]
    document = python_docx.Document(str(out / "report.docx"))
    texts = {
        "html": parse((out / "report.html").read_text(encoding="utf-8")).text(),  # what the reader sees
        "pdf": _pdf_text(out / "report.pdf"),
        "docx": " ".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells]),
    }
    for name, text in texts.items():
        assert "Xã Nguyễn Lương Bằng" in text or "XÃ NGUYỄN LƯƠNG BẰNG" in text, name  # the document itself
        for word in (*AUDIT_WORDS, *raw_names):
            assert word not in text, (name, word)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'data-fig="tthc.rate.online_payment"' in html  # the hover provenance stays
    # every number links to its row among the companion's sources, and that row exists
    targets = set(re.findall(r'href="kiem-tra\.html#(fig-[^"]+)"', html))
    companion = (out / "kiem-tra.html").read_text(encoding="utf-8")
    assert "fig-tthc.rate.online_payment" in targets
    assert targets <= set(re.findall(r'id="(fig-[^"]+)"', companion))
    assert 'href="#fig-' not in html  # no link into an annex the signed document no longer has


@pytest.mark.slow
def test_companion_beside_the_report_holds_review_reconciliation_and_sources(demo):
    root, out, done = demo
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name in (AUDIT_HTML, AUDIT_PDF):
        assert manifest["outputs"][name] == sha256_file(out / name)
    html = (out / AUDIT_HTML).read_text(encoding="utf-8")
    tree = parse(html)
    review = next(n for n in tree.walk() if n.attrs.get("id") == "review")
    rows = {row.attrs["data-fig"]: [c.text() for c in row.elements("td")] for row in review.walk()
            if row.tag == "tr" and "review-line" in row.classes}
    payment, received = rows["tthc.rate.online_payment"], rows["tthc.received.total"]
    assert payment[1:3] == ["86,99%", "87,52%"] and "Cổng Dịch vụ công quốc gia" in payment[4]
    assert re.match(r"86,99% = [\d.]+/[\d.]+: ", payment[5])
    assert received[1:3] == ["7.026", "7.078"]
    assert len(rows) == 2  # the demo's other declared figures agree; no report published before
    checks = json.loads((out / "reconciliation.json").read_text(encoding="utf-8"))["checks"]
    reconciliation = next(n for n in tree.walk() if n.attrs.get("id") == "reconciliation").text()
    assert all(c["id"] in reconciliation for c in checks)
    assert "declared:tthc.rate.online_payment#1" in reconciliation and "cảnh báo" in reconciliation
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    sources = {n.attrs["id"][4:] for n in tree.walk() if n.tag == "tr" and n.attrs.get("id", "").startswith("fig-")}
    assert sources == set(figures)  # every figure, breakdowns included
    assert "cchc explain" in tree.text() and "ho-so-2025-07.xlsx" in tree.text()
    text = _pdf_text(out / AUDIT_PDF)
    for expected in ("BẢNG RÀ SOÁT TRƯỚC KHI KÝ", "87,52%", "86,99%", "7.078", "ĐỐI CHIẾU SỐ LIỆU",
                     "NGUỒN CỦA TỪNG SỐ LIỆU", "ho-so-2025-07.xlsx"):
        assert expected in text or expected.capitalize() in text, expected
    assert "Bảng rà soát trước khi ký: 2 số liệu" in done.stdout + done.stderr and "kiem-tra.html" in done.stderr


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.slow
def test_printed_companion_lists_base_figures_and_each_breakdown_group_once(demo):
    _, out, _ = demo
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))["figures"]
    breakdowns = {(f["breakdown"], f["group"]) for f in figures.values() if f.get("breakdown")}
    count = sum(1 for f in figures.values() if f.get("breakdown"))
    assert len(breakdowns) > 10 and count > len(figures) / 2  # the demo has groups by field, agency, month
    text = _pdf_text(out / AUDIT_PDF).replace("\u200b", "")
    assert f"({count} số liệu)" in text and "cchc explain" in text and "kiem-tra.html" in text
    for _, group in breakdowns:
        assert group in text, group
    for title in ("theo lĩnh vực", "theo cơ quan giải quyết", "theo tháng"):
        assert f"Thủ tục hành chính — {title}" in text
    assert "tthc.by_field." in text and ".*" in text  # each group's common id
    html_rows = (out / AUDIT_HTML).read_text(encoding="utf-8").count('<tr id="fig-')
    assert html_rows == len(figures)
    assert _pages(out / AUDIT_PDF) * 25 < html_rows  # the full table took a page for every 14 figures


@pytest.mark.slow
def test_verify_passes_on_the_demo_outputs(demo):
    root, out, _ = demo
    done = run_cli("verify", str(out), "--root", str(root), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert AUDIT_HTML in json.loads(done.stdout)["checked"]["outputs"]


# --- a commune built here: the previous period published, a re-run after a correction ----------

def _june(raw, rows):
    write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
    write_xlsx(raw / "ho-so-2025-06.xlsx", [DOSSIER_HEADER, *[
        [i, f"HS6{i:02d}", "1.001", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Trực tuyến", d(f"{i + 1:02d}/06/2025"),
         d("28/06/2025"), d(f"{i + 2:02d}/06/2025"), "Đã trả kết quả", "Có", "", "Không thu phí", "A", ""]
        for i in range(1, rows + 1)]])


def _review_rows(out) -> dict[str, dict[str, list[str]]]:
    tree = parse((out / AUDIT_HTML).read_text(encoding="utf-8"))
    found: dict[str, dict[str, list[str]]] = {"differs": {}, "context": {}}
    for row in tree.walk():
        if row.tag == "tr" and "review-line" in row.classes:
            kind = "differs" if "differs" in row.classes else "context"
            found[kind][row.attrs["data-fig"]] = [c.text() for c in row.elements("td")]
    return found


@pytest.mark.slow
def test_review_sheet_lists_a_corrected_rerun_and_the_previous_period(tmp_path):
    root = make_root(tmp_path)  # xa-thu, 2025-07
    (root / "params/xa-thu/2025-06.yaml").write_text('unit_name: "Xã Thử Nghiệm"\n', encoding="utf-8")
    june = root / "data/raw/xa-thu/2025-06"
    _june(june, 3)
    assert run_cli("run", "--unit", "xa-thu", "--period", "2025-06", "--root", str(root)).returncode == 0
    first = root / "outputs/xa-thu/2025-06/figures.json"
    first_hash = sha256_file(first)
    _june(june, 4)  # a row added to June's export after publication: June is run again
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-06", "--root", str(root))
    assert done.returncode == 0, done.stderr
    rows = _review_rows(root / "outputs/xa-thu/2025-06")
    received = rows["differs"]["tthc.received.total"]
    assert received[1:4] == ["4", "3", "+1 (+33,33%)"]
    assert received[4] == f"outputs/xa-thu/2025-06/figures.json, sha256 {first_hash}"
    assert "Bảng rà soát trước khi ký" in done.stderr
    # the figures.json the re-run replaced is kept (in the manifest), so the auditor re-runs the same review
    kept = root / "outputs/xa-thu/2025-06" / REPLACED_FIGURES
    assert sha256_file(kept) == first_hash
    june_manifest = json.loads((root / "outputs/xa-thu/2025-06/manifest.json").read_text(encoding="utf-8"))
    assert june_manifest["outputs"][REPLACED_FIGURES] == first_hash
    verified = run_cli("verify", str(root / "outputs/xa-thu/2025-06"), "--root", str(root))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    rows = _review_rows(root / "outputs/xa-thu/2025-07")
    july = json.loads((root / "outputs/xa-thu/2025-07/figures.json").read_text(encoding="utf-8"))["figures"]
    received = rows["context"]["tthc.received.total"]
    assert received[1:3] == [str(july["tthc.received.total"]["value"]), "4"]  # beside June as published last
    assert received[4].startswith("outputs/xa-thu/2025-06/figures.json, sha256 ")
    assert rows["differs"] == {}  # July: nothing declared, never published before
