"""`cchc run` on the demo data against the naive chain on a trivial notebook, in one run.

The naive chain is three commands, as people chain them by hand:
    papermill trivial.ipynb out.ipynb ; jupyter nbconvert --to html out.ipynb ; weasyprint out.html out.pdf
`cchc run` does the real work on the demo commune (ingest, 900+ figures, checks, the report
notebook, HTML, the 32-page PDF with tables and charts, the Excel appendix). Repeats are
interleaved (A, B, A, B, ...) so that a noisy machine hurts all alike; medians are compared.
Two variants of `cchc run`: "warm" (unchanged raw files: the ingest cache is used, as on every
re-run) and "cold" (data/processed removed first: every raw file is parsed).

Two more measures explain the result (they are not the target):
- `weasyprint_report_pdf`: the `weasyprint` command alone on the report.html of the run, i.e. the
  PDF step of any pipeline that prints this report with WeasyPrint;
- `naive_chain_report`: the naive chain on the project's own report notebook (papermill computes
  the figures in the kernel; default nbconvert template; no checks, no Excel appendix).
The phases of `cchc run` (manifest.json `durations_s`, medians of the warm runs) are listed too.

The demo workspace is rebuilt from the shipped parameters and `cchc demo` at every start.
Usage: .venv/bin/python benchmarks/bench_run.py [--repeats N]
Results: benchmarks/results/run.json and run.md. Target: warm run <= 0.6 x naive chain.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "scratch" / "run"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
TARGET = 0.6
UNIT, PERIOD = "nguyen-luong-bang", "2025"


def _timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def _prepare() -> tuple[Path, Path]:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    shutil.rmtree(WORK, ignore_errors=True)
    naive = WORK / "naive"
    naive.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1\nprint(x)")], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        naive / "trivial.ipynb")
    root = WORK / "demo"
    shutil.copytree(REPO / "params", root / "params")
    subprocess.run([str(BIN / "cchc"), "demo", "--root", str(root)], check=True, capture_output=True)
    (WORK / "naive-report").mkdir()
    return naive, root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    naive, root = _prepare()
    naive_chain = [
        [str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", "trivial.ipynb", "out.ipynb"],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "out.ipynb"],
        [str(BIN / "weasyprint"), "out.html", "out.pdf"],
    ]
    run = [str(BIN / "cchc"), "run", "--unit", UNIT, "--period", PERIOD, "--root", str(root)]
    outputs = root / "outputs" / UNIT / PERIOD
    weasyprint_report = [[str(BIN / "weasyprint"), str(outputs / "report.html"), str(WORK / "report-alone.pdf")]]
    naive_report = [
        [str(BIN / "papermill"), "--no-progress-bar", "-k", "python3", str(REPO / "notebooks" / "report.ipynb"),
         "out.ipynb", "-p", "unit", UNIT, "-p", "period", PERIOD, "-p", "root", str(root)],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "out.ipynb"],
        [str(BIN / "weasyprint"), "out.html", "out.pdf"],
    ]
    _timed([run], root)  # a first run fills the ingest cache and the font caches
    _timed(naive_chain, naive)
    names = ["naive_chain", "cchc_run_warm", "cchc_run_cold", "weasyprint_report_pdf", "naive_chain_report"]
    samples: dict[str, list[float]] = {name: [] for name in names}
    phases: list[dict[str, float]] = []
    for _ in range(args.repeats):
        samples["naive_chain"].append(_timed(naive_chain, naive))
        samples["cchc_run_warm"].append(_timed([run], root))
        phases.append(json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))["durations_s"])
        samples["weasyprint_report_pdf"].append(_timed(weasyprint_report, root))
        shutil.rmtree(root / "data" / "processed", ignore_errors=True)
        samples["cchc_run_cold"].append(_timed([run], root))
        samples["naive_chain_report"].append(_timed(naive_report, WORK / "naive-report"))
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {name: median[name] / median["naive_chain"] for name in names[1:]}
    phase_median = {name: round(statistics.median(p.get(name, 0.0) for p in phases), 3) for name in phases[0]}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "repeats": args.repeats,
        "seconds": {name: [round(v, 3) for v in values] for name, values in samples.items()},
        "median_seconds": {name: round(v, 3) for name, v in median.items()},
        "ratio_to_naive_chain": {name: round(v, 3) for name, v in ratios.items()},
        "cchc_run_warm_phases_median_s": phase_median,
        "target_ratio": TARGET,
        "meets_target": {name: ratios[name] <= TARGET for name in ("cchc_run_warm", "cchc_run_cold")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "run.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# `cchc run` vs the naive chain", "",
             f"{args.repeats} interleaved repeats on {os.cpu_count()} cores, Python {platform.python_version()}.", "",
             "| what | median s | ratio to naive | target ≤ 0.6 |", "|---|---|---|---|",
             "| naive chain (papermill + nbconvert + weasyprint, trivial notebook) | "
             f"{median['naive_chain']:.2f} | 1.00 | |"]
    for name in ("cchc_run_warm", "cchc_run_cold"):
        lines.append(f"| {name} (demo data, all outputs) | {median[name]:.2f} | {ratios[name]:.2f} | "
                     f"{'yes' if ratios[name] <= TARGET else 'no'} |")
    lines += [f"| weasyprint_report_pdf (the `weasyprint` command alone on the run's report.html) | "
              f"{median['weasyprint_report_pdf']:.2f} | {ratios['weasyprint_report_pdf']:.2f} | (not a target) |",
              f"| naive_chain_report (the naive chain on the project's report notebook) | "
              f"{median['naive_chain_report']:.2f} | {ratios['naive_chain_report']:.2f} | (not a target) |",
              "", "Phases of the warm `cchc run` (manifest.json `durations_s`, medians; the export worker "
              "writes the HTML and PDF while this process writes the Excel appendix):", "",
              "| phase | s |", "|---|---|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in phase_median.items()]
    (RESULTS / "run.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
