"""`cchc run` on the demo data against the naive chain on a trivial notebook, in one run.

The naive chain is three commands, as people chain them by hand:
    papermill trivial.ipynb out.ipynb ; jupyter nbconvert --to html out.ipynb ; weasyprint out.html out.pdf
`cchc run` does the real work on the demo commune (ingest, 900+ figures, the report notebook,
HTML, a 4-page PDF with tables and charts, the Excel appendix). Repeats are interleaved
(A, B, A, B, …) so that a noisy machine hurts both alike; medians are compared.
Two variants of `cchc run`: "warm" (unchanged raw files: the ingest cache is used, as on every
re-run) and "cold" (data/processed removed first: every raw file is parsed).

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

    naive = WORK / "naive"
    naive.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1\nprint(x)")], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        naive / "trivial.ipynb")
    root = WORK / "demo"
    if not (root / "data" / "raw").is_dir():
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(REPO / "params", root / "params")
        subprocess.run([str(BIN / "cchc"), "demo", "--root", str(root)], check=True, capture_output=True)
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
    run = [str(BIN / "cchc"), "run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root)]
    _timed([run], root)  # a first run fills the ingest cache and the font caches
    _timed(naive_chain, naive)
    samples: dict[str, list[float]] = {"naive_chain": [], "cchc_run_warm": [], "cchc_run_cold": []}
    for _ in range(args.repeats):
        samples["naive_chain"].append(_timed(naive_chain, naive))
        samples["cchc_run_warm"].append(_timed([run], root))
        shutil.rmtree(root / "data" / "processed", ignore_errors=True)
        samples["cchc_run_cold"].append(_timed([run], root))
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {name: median[name] / median["naive_chain"] for name in ("cchc_run_warm", "cchc_run_cold")}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "repeats": args.repeats,
        "seconds": {name: [round(v, 3) for v in values] for name, values in samples.items()},
        "median_seconds": {name: round(v, 3) for name, v in median.items()},
        "ratio_to_naive_chain": {name: round(v, 3) for name, v in ratios.items()},
        "target_ratio": TARGET,
        "meets_target": {name: v <= TARGET for name, v in ratios.items()},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "run.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# `cchc run` vs the naive chain", "",
             f"{args.repeats} interleaved repeats on {os.cpu_count()} cores, Python {platform.python_version()}.", "",
             "| what | median s | ratio to naive | target ≤ 0.6 |", "|---|---|---|---|",
             f"| naive chain (papermill + nbconvert + weasyprint, trivial notebook) | {median['naive_chain']:.2f} | 1.00 | |"]
    for name in ("cchc_run_warm", "cchc_run_cold"):
        lines.append(f"| {name} (demo data, all outputs) | {median[name]:.2f} | {ratios[name]:.2f} | "
                     f"{'yes' if ratios[name] <= TARGET else 'no'} |")
    (RESULTS / "run.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
