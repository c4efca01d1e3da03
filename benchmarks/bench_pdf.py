"""The PDF step on the demo report: the project's writer (Typst) against WeasyPrint on the same
report.html, each in a fresh process (cold start included: interpreter, imports, fonts),
interleaved (A, B, A, B, ...) so that a noisy machine hurts both alike; medians compared.
Also the Word writer, and each writer warm (in one process, after a first call).

The report.html comes from a `cchc run` on the demo, in a workspace rebuilt from the shipped
parameters and `cchc demo` at every start. Needs WeasyPrint importable (pip install weasyprint).
Usage: .venv/bin/python benchmarks/bench_pdf.py [--repeats N]
Results: benchmarks/results/pdf.json and pdf.md. Target: Typst cold <= 0.15 x WeasyPrint cold; the
PDF phase of the run (its manifest) is reported against the same WeasyPrint median.
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
WORK = HERE / "scratch" / "pdf"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
TARGET = 0.15
UNIT, PERIOD = "nguyen-luong-bang", "2025"

TYPST = "from pathlib import Path; from cchc.render import pdf; import sys; " \
        "Path(sys.argv[2]).write_bytes(pdf.pdf(Path(sys.argv[1]).read_text(encoding='utf-8')))"
WEASY = "from weasyprint import HTML; import sys; HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
DOCX = "from pathlib import Path; from cchc.render import docx; import sys; " \
       "Path(sys.argv[2]).write_bytes(docx.docx(Path(sys.argv[1]).read_text(encoding='utf-8')))"
WARM = """
import sys, time, json
from pathlib import Path
from cchc.render import docx, pdf
html = Path(sys.argv[1]).read_text(encoding='utf-8')
out = {}
for name, write in (("typst", pdf.pdf), ("docx", docx.docx)):
    write(html)
    start = time.perf_counter(); write(html); out[name] = time.perf_counter() - start
print(json.dumps(out))
"""


def _seconds(code: str, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "946684800"})
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return time.perf_counter() - start


def _report_html() -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    shutil.copytree(REPO / "params", WORK / "params")
    for command in (["demo", "--root", str(WORK)], ["run", "--unit", UNIT, "--period", PERIOD, "--root", str(WORK)]):
        done = subprocess.run([str(BIN / "cchc"), *command], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
    return WORK / "outputs" / UNIT / PERIOD / "report.html"


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    html = _report_html()
    manifest = json.loads((html.parent / "manifest.json").read_text(encoding="utf-8"))
    outputs = {"typst": WORK / "typst.pdf", "weasyprint": WORK / "weasyprint.pdf", "docx": WORK / "report.docx"}
    samples: dict[str, list[float]] = {name: [] for name in outputs}
    for _ in range(args.repeats):
        samples["weasyprint"].append(_seconds(WEASY, str(html), str(outputs["weasyprint"])))
        samples["typst"].append(_seconds(TYPST, str(html), str(outputs["typst"])))
        samples["docx"].append(_seconds(DOCX, str(html), str(outputs["docx"])))
    warm = json.loads(subprocess.run([sys.executable, "-c", WARM, str(html)], capture_output=True, text=True,
                                     check=True).stdout)
    median = {name: statistics.median(values) for name, values in samples.items()}
    ratio = median["typst"] / median["weasyprint"]
    result = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "repeats": args.repeats, "samples_s": samples, "median_s": median, "warm_s": warm,
        "ratio_typst_to_weasyprint": ratio, "target": TARGET, "met": ratio <= TARGET,
        "pages": {"typst": _pages(outputs["typst"]), "weasyprint": _pages(outputs["weasyprint"])},
        "run_pdf_phase_s": manifest.get("durations_s", {}).get("pdf"),
        "ratio_run_pdf_phase_to_weasyprint": (manifest.get("durations_s", {}).get("pdf") or 0) / median["weasyprint"],
        "html_bytes": html.stat().st_size,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pdf.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# The PDF step on the demo report", "",
        f"{args.repeats} interleaved repeats, each writer in a fresh process (cold start included), "
        f"on {os.cpu_count()} cores, Python {platform.python_version()}; the same report.html "
        f"({result['html_bytes']:,} bytes) for all.", "",
        "| writer | median s (cold, fresh process) | warm s (in process) | pages | × WeasyPrint |",
        "|---|---|---|---|---|",
        f"| WeasyPrint (before) | {median['weasyprint']:.2f} | | {result['pages']['weasyprint']} | 1.00 |",
        f"| Typst (`cchc.render.pdf`) | {median['typst']:.2f} | {warm['typst']:.2f} | {result['pages']['typst']} "
        f"| **{ratio:.3f}** |",
        f"| Word (`cchc.render.docx`) | {median['docx']:.2f} | {warm['docx']:.2f} | | "
        f"{median['docx'] / median['weasyprint']:.2f} |", "",
        f"Target: Typst ≤ {TARGET} × WeasyPrint — {'met' if result['met'] else 'NOT met'}.",
        f"The PDF phase of the `cchc run` that made the report (manifest `durations_s.pdf`, in the export "
        f"worker): {result['run_pdf_phase_s']} s = {result['ratio_run_pdf_phase_to_weasyprint']:.3f} × WeasyPrint.", "",
    ]
    (RESULTS / "pdf.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
