"""The shape of the code, as measured by its tools: lint and import order (ruff), the layers
of the library (import-linter's contracts in pyproject.toml), and a built wheel that runs a
report on a root holding only params/ and data/raw/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BIN = Path(sys.executable).parent


def _tool(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*args], capture_output=True, text=True, cwd=cwd, timeout=600, env=env)


def test_ruff_lint_and_import_order():
    done = _tool(str(BIN / "ruff"), "check", "--no-cache", "lib", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_contracts_layers_and_forbidden_libraries():
    done = _tool(str(BIN / "lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_module_importing_a_layer_above_it_breaks_the_contract(tmp_path):
    """The contract can fail: a figures module that imports the report view is refused."""
    copy = tmp_path / "src"
    shutil.copytree(REPO / "lib", copy / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", copy / "pyproject.toml")
    (copy / "lib" / "cchc" / "figures" / "probe.py").write_text("import cchc.report.view\n", encoding="utf-8")
    done = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], capture_output=True, text=True, cwd=copy,
                          env={"PYTHONPATH": str(copy / "lib"), "PATH": str(BIN)}, timeout=600)
    assert done.returncode != 0
    assert "cchc.figures.probe -> cchc.report.view" in done.stdout


@pytest.mark.slow
def test_wheel_installs_and_runs_a_report_on_a_bare_root(tmp_path):
    """Build the wheel from the tracked sources, install it into a fresh venv (its third-party
    dependencies taken from this environment's site-packages, not the project's sources), and
    run `cchc run` on a root that has only params/ and data/raw/."""
    source = tmp_path / "source"
    tracked = _tool("git", "ls-files", "-z", "--", "lib", "pyproject.toml", "README.md").stdout.split("\0")
    for name in filter(None, tracked):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    done = _tool(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                 str(source), cwd=source)
    assert done.returncode == 0, done.stdout + done.stderr
    wheel = next((tmp_path / "dist").glob("cchc-*.whl"))

    venv = tmp_path / "venv"
    assert _tool(sys.executable, "-m", "venv", "--without-pip", str(venv)).returncode == 0
    python = venv / "bin" / "python"
    site = Path(_tool(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    shutil.unpack_archive(wheel, site, "zip")  # a wheel is a zip laid out for site-packages
    deps = Path(_tool(sys.executable, "-c", "import pandas, pathlib; print(pathlib.Path(pandas.__file__).parents[1])")
                .stdout.strip())
    (site / "zz_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")  # after the wheel's own cchc

    root = tmp_path / "root"
    shutil.copytree(REPO / "params", root / "params")
    demo = _tool(str(python), "-m", "cchc", "demo", "--root", str(root), cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert sorted(p.name for p in root.iterdir()) == ["data", "params"]
    where = _tool(str(python), "-c", "import cchc; print(cchc.__file__)", cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(site), where  # the installed wheel, not the checkout

    # nbconvert's own templates are data files of its installation (<prefix>/share/jupyter)
    jupyter = Path(sys.prefix) / "share" / "jupyter"
    run = _tool(str(python), "-m", "cchc", "run", "--unit", "nguyen-luong-bang", "--period", "2025",
                "--root", str(root), cwd=tmp_path, env={**os.environ, "JUPYTER_PATH": str(jupyter)})
    assert run.returncode == 0, run.stdout + run.stderr
    outputs = root / "outputs" / "nguyen-luong-bang" / "2025"
    for name in ("figures.json", "report.ipynb", "report.html", "report.pdf", "phu-luc.xlsx", "manifest.json"):
        assert (outputs / name).stat().st_size > 0, name
    assert "Kết quả thực hiện nhiệm vụ Cải cách hành chính" in (outputs / "report.html").read_text(encoding="utf-8")
