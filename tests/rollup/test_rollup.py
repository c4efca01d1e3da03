"""`cchc rollup`: the city's report from its communes' published outputs, through the real commands.

Two communes are real runs of the demo data (the second without one month's export, so their
numbers differ; it also has a published previous period); the others are published folders
laid out as a commune would send them: one published with a failed check, one whose
figures.json was edited after publication (refused), one with a failed run, one published whose
later run failed, one missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc.core import fmt, jsontext
from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, HTML, MANIFEST, RECONCILIATION_JSON, XLSX, Layout
from cchc.render.blocks import parse
from cchc.rollup.figures import form_keys, key_rates

from conftest import CCHC, REPO, run_cli
from programs import pdftotext

pytestmark = pytest.mark.slow

PERIOD = "2025"
CITY = "hai-phong"
A, B = "nguyen-luong-bang", "phuong-binh-minh"
FAILED_CHECKS, TAMPERED, FAILED, MISSING = "xa-canh-bao", "xa-sua-so", "xa-chay-loi", "xa-chua-nop"
FAILED_RERUN = "xa-chay-lai-loi"
COMMUNES = [A, B, FAILED_CHECKS, TAMPERED, FAILED, MISSING, FAILED_RERUN]
INCLUDED = [A, B, FAILED_CHECKS, FAILED_RERUN]
PREVIOUS = {"tthc.received.total": (5000, None, None), "tthc.rate.on_time": (0.9, 90, 100),
            "tthc.rate.online": (0.5, 50, 100)}


def _published_previous(root: Path, unit: str) -> Path:
    """A published figures.json of the previous period (what the comparison reads)."""
    figures = {}
    for figure_id, (value, numerator, denominator) in PREVIOUS.items():
        item = {"value": value, "unit": "%" if numerator is not None else "hồ sơ", "label": figure_id,
                "definition": "", "sources": []}
        if numerator is not None:
            item.update(numerator=numerator, denominator=denominator)
        figures[figure_id] = item
    path = Layout(root, unit, "2024").outputs_dir / FIGURES
    path.parent.mkdir(parents=True)
    path.write_text(jsontext.dumps({"unit": unit, "period": "2024", "start": "2024-01-01", "cutoff": "2024-12-31",
                                    "figures": figures, "lists": {}}), encoding="utf-8")
    return path


def _copy_published(root: Path, source: str, unit: str, name: str, failed_check: bool = False) -> Path:
    """``source``'s published figures.json, manifest and reconciliation as ``unit``'s, consistent
    (hashes in the manifest), optionally with a check that failed."""
    src, dst = Layout(root, source, PERIOD).outputs_dir, Layout(root, unit, PERIOD).outputs_dir
    dst.mkdir(parents=True)
    figures = json.loads((src / FIGURES).read_text(encoding="utf-8"))
    figures["unit"] = unit
    (dst / FIGURES).write_text(jsontext.dumps(figures), encoding="utf-8")
    checks = json.loads((src / RECONCILIATION_JSON).read_text(encoding="utf-8"))
    if failed_check:
        checks["checks"].append({"id": "identity.to_handle", "status_code": "error", "status": "lỗi"})
    (dst / RECONCILIATION_JSON).write_text(jsontext.dumps(checks), encoding="utf-8")
    manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    manifest["unit"] = unit
    manifest["parameters"]["unit_name"] = name
    manifest["outputs"] = {n: sha256_file(dst / n) for n in (FIGURES, RECONCILIATION_JSON)}
    (dst / MANIFEST).write_text(jsontext.dumps(manifest), encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rollup") / "root"
    root.mkdir()
    shutil.copytree(REPO / "params" / A, root / "params" / A)
    assert run_cli("demo", "--root", str(root)).returncode == 0
    shutil.copytree(root / "params" / A, root / "params" / B)
    unit_file = root / "params" / B / "unit.yaml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("Xã Nguyễn Lương Bằng", "Phường Bình Minh"),
                         encoding="utf-8")
    shutil.copytree(Layout(root, A, PERIOD).raw_dir, Layout(root, B, PERIOD).raw_dir)
    (Layout(root, B, PERIOD).raw_dir / "ho-so-2025-10.csv").unlink()
    _published_previous(root, B)
    runs = [subprocess.Popen([*CCHC, "run", "--root", str(root), "--unit", unit, "--period", PERIOD],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for unit in (A, B)]
    for process in runs:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    _copy_published(root, B, FAILED_CHECKS, "Xã Cảnh Báo", failed_check=True)
    tampered = _copy_published(root, A, TAMPERED, "Xã Sửa Số")
    data = json.loads((tampered / FIGURES).read_text(encoding="utf-8"))
    data["figures"]["tthc.received.online"]["value"] += 1000
    (tampered / FIGURES).write_text(jsontext.dumps(data), encoding="utf-8")
    Layout(root, FAILED, PERIOD).failed_dir.mkdir(parents=True)
    _copy_published(root, A, FAILED_RERUN, "Xã Chạy Lại Lỗi")
    Layout(root, FAILED_RERUN, PERIOD).failed_dir.mkdir()
    (root / "params" / CITY).mkdir()
    (root / "params" / CITY / "city.yaml").write_text(
        'name: "Thành phố Hải Phòng"\ncommunes:\n' + "".join(f"  - {u}\n" for u in COMMUNES), encoding="utf-8")
    done = run_cli("rollup", "--root", str(root), "--period", PERIOD)
    assert done.returncode == 0, done.stderr
    assert "4/7" in done.stdout
    return root


def _figures(root: Path, unit: str) -> dict:
    return json.loads((Layout(root, unit, PERIOD).outputs_dir / FIGURES).read_text(encoding="utf-8"))


def test_rollup_outputs_are_the_report_files(city):
    folder = Layout(city, CITY, PERIOD).outputs_dir
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == sorted(["figures.json", "report.html", "report.pdf", "report.docx",
                                                  "phu-luc.xlsx"])
    for name, digest in manifest["outputs"].items():
        assert sha256_file(folder / name) == digest
    pdf_text = " ".join(pdftotext(folder / "report.pdf").split())
    assert "Thành phố Hải Phòng" in pdf_text and "Toàn thành phố" in pdf_text and "Phường Bình Minh" in pdf_text
    # every commune figures.json summed is named with its SHA-256
    assert manifest["figure_files"] == {f"outputs/{u}/{PERIOD}/figures.json":
                                        sha256_file(Layout(city, u, PERIOD).outputs_dir / FIGURES) for u in INCLUDED}


def test_every_06a_cell_and_total_is_the_communes_figure_and_their_sum(city):
    rollup = _figures(city, CITY)["figures"]
    communes = {u: _figures(city, u)["figures"] for u in INCLUDED}
    book = openpyxl.load_workbook(Layout(city, CITY, PERIOD).outputs_dir / XLSX, data_only=True)
    sheet = book.worksheets[0]
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[1], str)}
    page = parse((Layout(city, CITY, PERIOD).outputs_dir / HTML).read_text(encoding="utf-8"))
    form = page.first("table", "form-table")
    _, body = form.rows()
    total_cells = [td.text() for td in body[-1].elements()]
    names = {A: "Xã Nguyễn Lương Bằng", B: "Phường Bình Minh", FAILED_CHECKS: "Xã Cảnh Báo",
             FAILED_RERUN: "Xã Chạy Lại Lỗi"}
    for column, key in enumerate(form_keys(), start=2):
        figure_id = f"tthc.{key}"
        values = {u: communes[u][figure_id]["value"] for u in INCLUDED}
        for unit, value in values.items():
            assert rollup[f"communes.{unit}.{figure_id}"]["value"] == value
            assert rows[names[unit]][column] == value
            source = rollup[f"communes.{unit}.{figure_id}"]["sources"][0]
            assert source == {"file": f"outputs/{unit}/{PERIOD}/figures.json", "figure": figure_id,
                              "sha256": sha256_file(Layout(city, unit, PERIOD).outputs_dir / FIGURES)}
        assert rollup[figure_id]["value"] == sum(values.values())
        assert rows["Tổng cộng"][column] == sum(values.values())
        assert total_cells[column] == fmt.integer(sum(values.values()))
    assert len(body) == len(INCLUDED) + 1


def test_city_rates_are_recomputed_from_summed_counts_and_ranked(city):
    rollup = _figures(city, CITY)["figures"]
    communes = {u: _figures(city, u)["figures"] for u in INCLUDED}
    for spec in key_rates():
        if "figure" in spec:
            parts = [(communes[u][spec["figure"]]["numerator"], communes[u][spec["figure"]]["denominator"])
                     for u in INCLUDED]
        else:
            parts = [(communes[u][spec["numerator"]]["value"], communes[u][spec["denominator"]]["value"])
                     for u in INCLUDED]
        numerator, denominator = sum(p[0] for p in parts), sum(p[1] for p in parts)
        city_rate = rollup[spec["id"]]
        assert (city_rate["numerator"], city_rate["denominator"]) == (numerator, denominator)
        assert city_rate["value"] == numerator / denominator
        ranks = {u: rollup[f"communes.{u}.{spec['id']}"]["rank"] for u in INCLUDED}
        values = {u: rollup[f"communes.{u}.{spec['id']}"]["value"] for u in INCLUDED}
        best = (min if spec.get("lower_is_better") else max)(values.values())
        assert all(ranks[u] == 1 for u in INCLUDED if values[u] == best)
        assert all(ranks[u] > 1 for u in INCLUDED if values[u] != best)
    # the change from the previous period: only the commune that published one
    on_time = rollup[f"communes.{B}.tthc.rate.on_time"]
    assert on_time["previous"]["period"] == "2024" and on_time["previous"]["numerator"] == 90
    assert on_time["change"] == pytest.approx(on_time["value"] - 0.9)
    assert "previous" not in rollup[f"communes.{A}.tthc.rate.on_time"]


def test_missing_failed_refused_and_failed_checks_communes_are_listed(city):
    statuses = {u: c["status"] for u, c in _figures(city, CITY)["communes"].items()}
    assert statuses == {A: "ok", B: "ok", FAILED_CHECKS: "failed_checks", TAMPERED: "refused", FAILED: "failed",
                        MISSING: "missing", FAILED_RERUN: "failed_rerun"}
    rollup = _figures(city, CITY)["figures"]
    assert not any(figure_id.startswith(f"communes.{TAMPERED}.") for figure_id in rollup)
    page = parse((Layout(city, CITY, PERIOD).outputs_dir / HTML).read_text(encoding="utf-8"))
    _, body = page.first("table", "status-table").rows()
    shown = {row.elements()[2].text(): row.elements()[3].text() for row in body}
    assert "identity.to_handle" in shown[FAILED_CHECKS]
    assert "SHA-256" in shown[TAMPERED] and f"{FAILED}/{PERIOD}.failed" in shown[FAILED]
    assert f"{FAILED_RERUN}/{PERIOD}.failed" in shown[FAILED_RERUN]
    assert shown[MISSING] and shown[A] == shown[B]


def test_numbers_carry_their_source_file_and_hash_on_hover(city):
    page = (Layout(city, CITY, PERIOD).outputs_dir / HTML).read_text(encoding="utf-8")
    digest = sha256_file(Layout(city, B, PERIOD).outputs_dir / FIGURES)
    cell = parse(page).first("span", "fig")
    assert cell is not None
    assert f"outputs/{B}/{PERIOD}/figures.json (SHA-256 {digest})" in page


def test_rollup_bytes_are_the_same_on_a_second_run(city, tmp_path):
    folder = Layout(city, CITY, PERIOD).outputs_dir
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != MANIFEST}
    assert run_cli("rollup", "--root", str(city), "--period", PERIOD, "--city", CITY).returncode == 0
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != MANIFEST}
    assert before.keys() == after.keys() and all(before[n] == after[n] for n in before)


def test_verify_passes_on_the_rollup_and_fails_after_tampering(city, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(city / "params", root / "params")
    shutil.copytree(city / "outputs", root / "outputs")
    folder = Layout(root, CITY, PERIOD).outputs_dir
    done = run_cli("verify", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    path = Layout(root, B, PERIOD).outputs_dir / FIGURES
    data = json.loads(path.read_text(encoding="utf-8"))
    data["figures"]["tthc.resolved.late"]["value"] += 7
    path.write_text(jsontext.dumps(data), encoding="utf-8")
    done = run_cli("verify", str(folder), "--json")
    assert done.returncode == 1
    verdict = json.loads(done.stdout)
    assert any(f"outputs/{B}/{PERIOD}/figures.json" in error for error in verdict["errors"])
    assert "tthc.resolved.late" in {item["id"] for item in verdict["figures_changed"]}


def test_comparison_table_only_in_the_report_with_a_published_previous_period(city):
    with_previous = parse((Layout(city, B, PERIOD).outputs_dir / HTML).read_text(encoding="utf-8"))
    without = parse((Layout(city, A, PERIOD).outputs_dir / HTML).read_text(encoding="utf-8"))
    assert without.first("table", "comparison-table") is None
    table = with_previous.first("table", "comparison-table")
    assert table is not None
    _, body = table.rows()
    rows = {row.elements()[0].text(): [c.text() for c in row.elements()[1:]] for row in body}
    now = _figures(city, B)["figures"]["tthc.rate.on_time"]
    points = round((now["value"] - 0.9) * 100, 2)
    sign = "+" if points > 0 else "−" if points < 0 else ""
    assert rows[now["label"]] == [fmt.percent(now["value"]), "90%", f"{sign}{fmt.decimal(abs(points), 2)} điểm %"]
    # the re-run of `cchc verify` reads the same published previous period: the report still verifies
    done = run_cli("verify", str(Layout(city, B, PERIOD).outputs_dir))
    assert done.returncode == 0, done.stdout + done.stderr
