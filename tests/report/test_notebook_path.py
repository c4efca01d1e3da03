"""The report notebook as papermill and nbconvert users run it (issue 13, points 1–5): the root
found from any working directory, every period parameter accepted (and an unknown one refused),
the publication policy of `cchc run`, nbconvert to the official HTML/PDF/Word, impossible dates."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import nbformat
import pytest

from cchc.checks.base import Check
from cchc.compute import compute
from cchc.config.params import ParamsFile, load_params
from cchc.core.errors import CchcError
from cchc.core.layout import ROOT_ENV, Layout, find_root
from cchc.report.notebook import enforce_policy, known_parameters, overrides, parameters
from cchc.report.view import Report

from conftest import REPO, make_root, run_cli
from programs import pdftotext

BIN = Path(sys.executable).parent
NOTEBOOK = REPO / "notebooks" / "report.ipynb"
UNIT, PERIOD = "nguyen-luong-bang", "2025"


def _environment(**env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in (ROOT_ENV, "PWD")}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    return {**environment, **env}


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """``command`` as a user types it in a shell standing in ``cwd`` (the shell sets $PWD)."""
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env=_environment(**env))


def papermill(out: Path, *arguments: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    words = " ".join(shlex.quote(a) for a in arguments)
    return shell(f"papermill {shlex.quote(str(NOTEBOOK))} {shlex.quote(str(out))} --no-progress-bar {words}",
                 cwd, **env)


# -- fast: root discovery, the parameters cell, impossible dates, missing files ---------------------
def test_root_is_the_parameter_then_the_environment_then_the_nearest_folder_holding_params(tmp_path,
                                                                                         monkeypatch):
    root = make_root(tmp_path, with_data=False)
    deep = root / "data" / "raw" / "xa-thu"
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.delenv(ROOT_ENV, raising=False)
    assert find_root(None, [deep]) == root.resolve()
    assert find_root(None, [other, deep]) == root.resolve()  # the next start when the first finds none
    assert find_root("..", [root / "data"]) == root.resolve()  # relative to where the user stands
    monkeypatch.setenv(ROOT_ENV, str(other))
    assert find_root(None, [deep]) == other.resolve()
    assert find_root(str(root), [deep]) == root.resolve()
    monkeypatch.delenv(ROOT_ENV)
    with pytest.raises(CchcError) as refused:
        find_root(None, [other])
    assert str(other.resolve()) in str(refused.value) and ROOT_ENV in str(refused.value)


def test_help_notebook_lists_every_parameter_with_its_meaning():
    done = shell(f"papermill --help-notebook {shlex.quote(str(NOTEBOOK))}", REPO)
    assert done.returncode == 0, done.stderr
    text = done.stdout.split("Parameters inferred")[1]
    listed = {block.split(":")[0]: block for block in re.split(r"\n  (?=\w+: )", text)[1:]}
    assert set(listed) == set(known_parameters())
    assert set(ParamsFile.model_fields) <= set(listed)  # every period parameter can be given
    for name, block in listed.items():  # each with its meaning, after "(default …)"
        assert block.split(")", 1)[1].strip(), name


def test_given_values_override_the_files_and_are_validated_as_they_are(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử"\ncutoff: 2025-07-20\n', with_data=False)
    values = parameters({"unit": "xa-thu", "period": 2025, "cutoff": "2025-07-25", "targets": None,
                         "display": print, "In": [], "_": None})  # names Jupyter and the load cell add
    assert values["cutoff"] == "2025-07-25" and overrides(values) == {"cutoff": "2025-07-25"}
    params = load_params(root, "xa-thu", "2025-07", overrides(values))
    assert params.window.cutoff == dt.date(2025, 7, 25) and params.unit_name == "Xã Thử"
    with pytest.raises(CchcError) as refused:
        load_params(root, "xa-thu", "2025-07", {"start": "2025-02-30"})
    assert "'start'" in str(refused.value) and "2025-02-30" in str(refused.value)
    injected = '# Parameters\nunit = "xa-thu"\nperod = "2025-Q3"\n'  # the cell papermill injects
    with pytest.raises(CchcError) as refused:
        parameters({"unit": "xa-thu", "perod": "2025-Q3", "In": ["", "unit = None", injected]})
    assert "'perod'" in str(refused.value) and "'period'" in str(refused.value)
    # a variable an analyst defines by hand in Jupyter is not a parameter
    assert parameters({"unit": "xa-thu", "x": 5, "In": ["", "unit = None", "x = 5"]})["unit"] == "xa-thu"


def test_impossible_date_is_an_input_error_naming_file_key_and_value(tmp_path):
    root = make_root(tmp_path, params='unit_name: "Xã Thử"\ncutoff: 2025-09-31\n', with_data=False)
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 1, done.stderr
    assert "params/xa-thu/2025-07.yaml" in done.stderr and "'cutoff'" in done.stderr
    assert "2025-09-31" in done.stderr and "Traceback" not in done.stderr


def test_missing_parameter_file_names_the_absolute_folder_searched(tmp_path):
    root = make_root(tmp_path, with_data=False)
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-08", "--root", str(root))
    assert done.returncode == 1
    assert "params/xa-thu/2025-08.yaml" in done.stderr and str(root.resolve()) in done.stderr
    shutil.rmtree(root / "data")
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 1 and str((root / "data/raw/xa-thu/2025-07").resolve()) in done.stderr


# -- slow: papermill and nbconvert on the demo commune ----------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbpath") / "project"
    shutil.copytree(REPO / "params", root / "params")
    assert run_cli("demo", "--root", str(root)).returncode == 0
    return root


@pytest.fixture(scope="module")
def executed(demo):
    """papermill run from a folder deep inside the project, with the demo's period file, by a
    program rather than a shell (no $PWD: the kernel finds where papermill stands)."""
    out = demo.parent / "executed.ipynb"
    done = subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), str(out), "--no-progress-bar",
                           "-f", f"../../params/{UNIT}/{PERIOD}.yaml", "-p", "unit", UNIT, "-p", "period", PERIOD,
                           "-p", "allow_failed_checks", "True"],  # the policy: a test of its own
                          cwd=demo / "data" / "raw", capture_output=True, text=True, timeout=600, env=_environment())
    assert done.returncode == 0, done.stderr[-3000:]
    return out, done


@pytest.mark.slow
def test_papermill_from_inside_the_project_with_the_period_file(demo, executed):
    out, done = executed
    assert "unknown parameter" not in done.stderr  # start and cutoff are declared parameters
    nb = nbformat.read(out, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "cutoff" in injected.source and "start" in injected.source
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Nguyễn Lương Bằng" in html
    folder = demo / "outputs" / UNIT / f"{PERIOD}.notebook"  # the policy's files, apart from outputs/U/P
    checks = json.loads((folder / "reconciliation.json").read_text(encoding="utf-8"))
    assert checks["checks"] and all(c["status"] in checks["summary"] for c in checks["checks"])
    failed = [c["id"] for c in checks["checks"] if c["status"] == "lỗi"]  # allowed: the page says so
    load = next(c for c in nb.cells if c.get("id") == "load")
    shown = "".join(o.get("data", {}).get("text/html", "") for o in load.outputs)
    assert ("failed-checks-banner" in shown) == bool(failed) and all(i in shown for i in failed[:8])
    assert (folder / "reconciliation.html").is_file() and not (demo / "outputs" / UNIT / PERIOD).exists()


@pytest.mark.slow
def test_unknown_parameter_stops_the_run_naming_the_closest(demo, tmp_path):
    done = papermill(tmp_path / "out.ipynb", "-p", "perod", "2025-Q3", cwd=demo)
    assert done.returncode != 0
    assert "'perod'" in done.stderr and "'period'" in done.stderr


@pytest.mark.slow
def test_root_from_the_environment_and_messages_with_absolute_folders(demo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    done = papermill(tmp_path / "a.ipynb", "-p", "unit", "khong-co", cwd=outside, **{ROOT_ENV: str(demo)})
    assert done.returncode != 0 and f"params/khong-co/{PERIOD}.yaml" in done.stderr
    assert str(demo.resolve()) in done.stderr  # the root the variable named, absolute
    done = papermill(tmp_path / "b.ipynb", "-p", "figures_file", "nope.json", cwd=demo)
    assert done.returncode != 0 and "nope.json" in done.stderr and str(demo.resolve()) in done.stderr


@pytest.mark.slow
def test_notebook_policy_refuses_a_failed_check_and_writes_the_reconciliation_files(demo, executed, tmp_path):
    """The function the notebook's load cell runs in notebook mode, on the demo's computed period
    with one failed check added (the demo's data fail none at severity lỗi)."""
    computed = compute(Layout(demo, UNIT, PERIOD))
    computed.checks.insert(0, Check("identity.test", "kiểm tra thử", expected=1, actual=2, status="error"))
    with pytest.raises(CchcError) as refused:
        enforce_policy(computed, tmp_path / "rec", allow_failed_checks=False)
    assert "identity.test" in str(refused.value) and "allow_failed_checks" in str(refused.value)
    written = json.loads((tmp_path / "rec" / "reconciliation.json").read_text(encoding="utf-8"))
    assert written["summary"]["lỗi"] == len(computed.failed_checks) >= 1
    assert "identity.test" in (tmp_path / "rec" / "reconciliation.html").read_text(encoding="utf-8")
    assert enforce_policy(computed, tmp_path / "ok", allow_failed_checks=True) == tmp_path / "ok"
    report = Report.from_computed(computed)
    assert report.banner() == ""  # under cchc run: the run passes its own banner
    report.allowed_failures = tuple(c.id for c in computed.failed_checks)
    assert "failed-checks-banner" in report.banner() and "identity.test" in report.banner()


@pytest.mark.slow
def test_nbconvert_gives_the_official_html_pdf_and_word(executed, tmp_path):
    out, _ = executed
    for command in ("--to html --template cchc", "--to cchc-pdf", "--to cchc-docx"):
        done = shell(f"jupyter nbconvert {command} {shlex.quote(str(out))} --output-dir {shlex.quote(str(tmp_path))}",
                     tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
    html = (tmp_path / "executed.html").read_text(encoding="utf-8")
    for absent in ("<script", "cdn.", "papermill", "Report.from_notebook", "CCHC_ROOT", 'class="input'):
        assert absent not in html, absent
    assert html.count("<style") == 1 and "<title>Báo cáo" in html and "Nguyễn Lương Bằng" in html
    pdf = pdftotext(tmp_path / "executed.pdf")
    assert "BÁO CÁO" in pdf and "papermill" not in pdf
    word = "\n".join(p.text for p in docx.Document(str(tmp_path / "executed.docx")).paragraphs)
    assert "BÁO CÁO" in word and "papermill" not in word
