"""The auditor's commands on a published run, through the real `cchc` command: verify says the
root it used and suggests --root for a copied outputs folder; an edited prose file is named;
explain FIGURE OUTPUT_DIR uses the run's manifest (parameters and raw files), refuses when a raw
file changed, lists a rate's rows outside or inside its numerator, and suggests close ids.
One run of the messy fixture for the module; each test that changes something has its copy."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import make_root, run_cli

pytestmark = pytest.mark.slow

UNIT, PERIOD = "xa-thu", "2025-07"
OUT = Path("outputs") / UNIT / PERIOD
PROSE = Path("params") / UNIT / "prose" / PERIOD / "tthc.results.md"
RATE = "tthc.rate.on_time"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A root with one published run of the messy data and one prose file."""
    root = make_root(tmp_path_factory.mktemp("auditor"))
    (root / PROSE).parent.mkdir(parents=True)
    (root / PROSE).write_text("Hồ sơ tiếp nhận trong kỳ: {{ tthc.received.total }} hồ sơ.\n", encoding="utf-8")
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture
def copy(published: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(published, tmp_path / "copy"))


def published_figure(root: Path, figure_id: str) -> dict:
    return json.loads((root / OUT / "figures.json").read_text(encoding="utf-8"))["figures"][figure_id]


def test_manifest_records_the_prose_files_and_the_notebook(published):
    manifest = json.loads((published / OUT / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["prose_files"]) == [PROSE.as_posix()]
    assert manifest["notebook"]["file"].endswith("report.ipynb") and len(manifest["notebook"]["sha256"]) == 64


def test_verify_of_a_copied_outputs_folder_names_the_root_and_suggests_root(published, tmp_path):
    elsewhere = tmp_path / "ban-sao" / UNIT / PERIOD  # copied: the folder above ban-sao/ is no project
    shutil.copytree(published / OUT, elsewhere)
    done = run_cli("verify", str(elsewhere), cwd=tmp_path)  # no params/ above the copy nor the working folder
    assert done.returncode == 1 and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("KHÔNG ĐẠT")
    assert f"Thư mục dự án dùng để kiểm tra (dữ liệu gốc, tham số, lời văn): {tmp_path.resolve()}" in lines[1]
    assert f"{tmp_path.resolve()}/data/raw/{UNIT}/{PERIOD}" in done.stdout
    assert f"cchc verify {elsewhere} --root" in done.stdout
    # with --root it finds the raw files again: no such hint
    done = run_cli("verify", str(elsewhere), "--root", str(published), "--json")
    verdict = json.loads(done.stdout)
    assert verdict["raw_not_found"] is None and verdict["root"] == published.resolve().as_posix()
    assert not verdict["raw_missing"] and not verdict["prose_changed"]


def test_verify_names_an_edited_prose_file(copy):
    (copy / PROSE).write_text("Lời văn đã sửa sau khi công bố: {{ tthc.received.total }} hồ sơ.\n", encoding="utf-8")
    added = copy / PROSE.parent / "tthc.feedback.md"
    added.write_text("Không có phản ánh, kiến nghị.\n", encoding="utf-8")
    done = run_cli("verify", str(copy / OUT))
    assert done.returncode == 1
    assert f"tệp lời văn {PROSE.as_posix()} đã thay đổi" in done.stdout
    assert f"tệp lời văn {PROSE.parent.as_posix()}/tthc.feedback.md mới thêm" in done.stdout
    assert "Tệp lời văn" in done.stdout  # its own heading, apart from the raw data and the parameters
    assert "dữ liệu gốc" not in done.stdout.split("Tệp lời văn")[1].split("\n\n")[0]


def test_explain_a_published_figure_from_its_outputs_folder(published):
    figure = published_figure(published, RATE)
    done = run_cli("explain", RATE, str(OUT), cwd=published)
    assert done.returncode == 0, done.stderr
    assert "Giải thích theo kết quả đã công bố tại outputs/xa-thu/2025-07" in done.stdout
    assert f"= {figure['numerator']}/{figure['denominator']}" in done.stdout
    assert f"Các dòng của mẫu số: {figure['denominator']} dòng, trong đó {figure['numerator']} dòng" in done.stdout


def test_explain_uses_the_runs_parameters_not_todays(copy):
    period_file = copy / "params" / UNIT / f"{PERIOD}.yaml"
    period_file.write_text(period_file.read_text(encoding="utf-8") + "cutoff: 2025-07-10\n", encoding="utf-8")
    now = run_cli("explain", RATE, "--unit", UNIT, "--period", PERIOD, "--root", str(copy))
    then = run_cli("explain", RATE, str(copy / OUT))
    assert now.returncode == 0 and then.returncode == 0, now.stderr + then.stderr
    assert "đến 10/07/2025" in now.stdout and "đến 31/07/2025" in then.stdout


def test_explain_refuses_when_a_raw_file_changed(copy):
    raw = copy / "data" / "raw" / UNIT / PERIOD / "ho-so-2025-07b.csv"
    raw.write_bytes(raw.read_bytes() + b"\n")
    done = run_cli("explain", RATE, str(copy / OUT))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"data/raw/{UNIT}/{PERIOD}/ho-so-2025-07b.csv đã thay đổi" in done.stderr
    assert "--root" in done.stderr


@pytest.mark.parametrize("only", ["outside", "inside"])
def test_only_lists_the_rows_outside_or_inside_the_numerator(published, tmp_path, only):
    figure = published_figure(published, RATE)
    path = tmp_path / f"{only}.csv"
    done = run_cli("explain", RATE, str(published / OUT), "--only", only, "--csv", str(path))
    assert done.returncode == 0, done.stderr
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    expected = figure["denominator"] - figure["numerator"] if only == "outside" else figure["numerator"]
    assert len(rows) == expected > 0
    assert {row["Thuộc tử số"] for row in rows} == {"không" if only == "outside" else "có"}
    assert {row["Vai trò"] for row in rows} == {"mẫu số"}


def test_only_refuses_a_figure_that_is_not_a_rate(published):
    done = run_cli("explain", "tthc.received.total", str(published / OUT), "--only", "outside")
    assert done.returncode == 1 and "chỉ số tỉ lệ" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_id_gets_did_you_mean(published):
    done = run_cli("explain", "tthc.rate.on_tim", str(published / OUT))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Có phải ý bạn là: tthc.rate.on_time" in done.stderr
