"""A warm `cchc run` of the demo against the hand chain on the same report notebook, in one run.

(A) `cchc run` of the demo commune: every output (ingest, 900+ figures, checks, the report
    notebook, report.html/.pdf/.docx, the Excel appendix, the companion kiem-tra.html/.pdf,
    the manifest). "Warm": not the first run on the machine; `cchc demo` then one untimed run
    first, so that the parse cache and the processed data exist and the font caches are filled.
(B) the hand chain on the same notebook (notebooks/report.ipynb), three commands as people chain
    them by hand:
        papermill notebooks/report.ipynb out.ipynb -p unit U -p period P -p root R
        jupyter nbconvert --to html --no-input out.ipynb
        weasyprint out.html out.pdf
    (papermill computes the figures in the kernel from the same demo data: the same report,
    default nbconvert template, no checks published, no Excel appendix, no Word file.)

Repeats are interleaved (A, B, A, B, …; one untimed B first as well) so that a noisy machine
hurts both alike; medians are compared. For A the phases of the manifest (`durations_s`,
medians) are reported with the time nobody accounts for: inside `total` (`total` minus the phases
on the run's path one after the other: ingest, figures, checks, the notebook, then the export in
the worker, html + pdf + docx, which the run waits for; xlsx and audit are written in a thread
beside the notebook) and outside it (the command's wall time minus `total`: interpreter start,
the imports before the run's clock starts, the exit). The load average of the machine before
and after is recorded.

Needs WeasyPrint (`pip install -e '.[bench]'` and the Debian packages of BENCH_DEB_PACKAGES in
the Makefile).
Usage: .venv/bin/python benchmarks/bench_run.py [--repeats N]
Results: benchmarks/results/run.json and run.md. Target: A <= 0.25 x B.
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
TARGET = 0.25
UNIT, PERIOD = "nguyen-luong-bang", "2025"
PATH_PHASES = ("ingest", "figures", "checks", "notebook", "html", "pdf", "docx")  # one after another


def _timed(commands: list[list[str]], cwd: Path) -> float:
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def _prepare() -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    root = WORK / "demo"
    shutil.copytree(REPO / "params", root / "params")
    subprocess.run([str(BIN / "cchc"), "demo", "--root", str(root)], check=True, capture_output=True)
    (WORK / "hand").mkdir()
    return root


def _load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    root = _prepare()
    run = [str(BIN / "cchc"), "run", "--unit", UNIT, "--period", PERIOD, "--root", str(root)]
    outputs = root / "outputs" / UNIT / PERIOD
    hand = [
        [str(BIN / "papermill"), "--no-progress-bar", str(REPO / "notebooks" / "report.ipynb"), "out.ipynb",
         "-p", "unit", UNIT, "-p", "period", PERIOD, "-p", "root", str(root)],
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "out.ipynb"],
        [str(BIN / "weasyprint"), "out.html", "out.pdf"],
    ]
    load_before = _load()
    _timed([run], root)  # the first run on the machine: fills the parse cache and the font caches
    _timed(hand, WORK / "hand")
    samples: dict[str, list[float]] = {"cchc_run_warm": [], "hand_chain": []}
    phases: list[dict[str, float]] = []
    outside: list[float] = []
    for _ in range(args.repeats):
        wall = _timed([run], root)
        samples["cchc_run_warm"].append(wall)
        durations = json.loads((outputs / "manifest.json").read_text(encoding="utf-8"))["durations_s"]
        phases.append(durations)
        outside.append(wall - durations["total"])
        samples["hand_chain"].append(_timed(hand, WORK / "hand"))
    load_after = _load()
    median = {name: _median(values) for name, values in samples.items()}
    ratio = round(median["cchc_run_warm"] / median["hand_chain"], 3)
    names = sorted({name for p in phases for name in p})
    phase_median = {name: _median([p.get(name, 0.0) for p in phases]) for name in names}
    inside = [p["total"] - sum(p.get(name, 0.0) for name in PATH_PHASES) for p in phases]
    unaccounted = {"inside_total": _median(inside), "outside_total": _median(outside)}
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_1_5_15_before": load_before, "load_average_1_5_15_after": load_after},
        "repeats": args.repeats,
        "seconds": {name: [round(v, 3) for v in values] for name, values in samples.items()},
        "median_seconds": median,
        "ratio_warm_run_to_hand_chain": ratio,
        "cchc_run_warm_phases_median_s": phase_median,
        "cchc_run_warm_unaccounted_median_s": unaccounted,
        "target_ratio": TARGET,
        "meets_target": ratio <= TARGET,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "run.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# A warm `cchc run` against the hand chain on the same notebook", "",
             f"{args.repeats} interleaved repeats on {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"load average (1, 5, 15 min) {load_before} before, {load_after} after.", "",
             f"| what | median s | all repeats s | ratio | target ≤ {TARGET} |", "|---|---|---|---|---|",
             f"| (B) hand chain: papermill + nbconvert --no-input + weasyprint on notebooks/report.ipynb | "
             f"{median['hand_chain']:.2f} | {', '.join(f'{v:.2f}' for v in samples['hand_chain'])} | 1.00 | |",
             f"| (A) warm `cchc run` of the demo (all outputs) | {median['cchc_run_warm']:.2f} | "
             f"{', '.join(f'{v:.2f}' for v in samples['cchc_run_warm'])} | {ratio:.2f} | "
             f"{'yes' if ratio <= TARGET else 'no'} |",
             "", "Phases of (A) (manifest.json `durations_s`, medians; xlsx and audit are written in a thread "
             "beside the notebook; html, pdf and docx in the export worker after it):", "",
             "| phase | s |", "|---|---|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in phase_median.items()]
    lines += ["", "Unaccounted time of (A) (medians):", "", "| where | s |", "|---|---|",
              "| inside `total` (total − ingest, figures, checks, notebook, html, pdf, docx) | "
              f"{unaccounted['inside_total']:.2f} |",
              f"| outside `total` (wall − total: start, imports, exit) | {unaccounted['outside_total']:.2f} |"]
    (RESULTS / "run.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
