"""Ingest benchmark: a generated 200.000-row dossier export (xlsx and csv).

Measured in one run, repetitions interleaved, median of N repeats:
  (a) bare python_calamine read of the xlsx (the floor any xlsx ingest pays);
  (b) ingest(force=True) of a root holding only that xlsx + a small catalogue, with
      data/processed/ (and so the per-file parse cache) deleted before every repeat;
      target: (b) / (a) <= 1.3;
  (c) the same for the csv export: rows per second;
  (d) the cached re-run: wall time of the real `cchc ingest` command in a fresh process
      (target < 0.5 s), and in-process ingest() when cached;
  (e) imports of `cchc ingest` (cached and forced) in a fresh process: no Jupyter
      machinery (jupyter*, nbformat, nbconvert, nbclient, papermill, ipykernel, IPython,
      matplotlib, weasyprint), and the command's total import time (-X importtime).

Results: benchmarks/results/ingest.json and ingest.md (for another --rows than 200000:
ingest-<rows>rows.json/.md, so a quick run does not overwrite the full one).

    .venv/bin/python benchmarks/bench_ingest.py [--rows N] [--repeats N] [--profile]

Memory (--memory): peak RSS of `cchc ingest --force` in a fresh process on a generated csv of
1.000.000 rows (or --rows), against the size of the raw files; target < 3x. Results:
benchmarks/results/ingest-memory.json/.md. With --format json, the same rows as a JSON list of
the national portal's dossier records: benchmarks/results/ingest-memory-json.json/.md.

    .venv/bin/python benchmarks/bench_ingest.py --memory [--format json] [--rows N] [--repeats N]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_big_export as gen  # noqa: E402

REPO = HERE.parent
WORK = HERE / "scratch"
RESULTS = HERE / "results"
UNIT, PERIOD = "bench", "2025"
TARGET_RATIO = 1.3
TARGET_CACHED_S = 0.5
FORBIDDEN = ("jupyter", "nbformat", "nbconvert", "nbclient", "papermill", "ipykernel", "IPython",
             "matplotlib", "weasyprint")
WATCHED = ("pandas", "pyarrow", "numpy", "openpyxl", "python_calamine", "yaml", "babel", "zmq",
           "tornado", "jinja2", "PIL")
WARMUP_ROWS = 2000


def log(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------- setup

def make_root(name: str, dossiers: Path, catalogue: Path) -> Path:
    """A project root with params/bench/2025.yaml and data/raw/bench/2025/{dossiers,catalogue}."""
    root = WORK / "roots" / name
    raw = root / "data" / "raw" / UNIT / PERIOD
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    for source, target in ((dossiers, raw / f"danh-sach-ho-so{dossiers.suffix}"),
                           (catalogue, raw / f"danh-muc-tthc{catalogue.suffix}")):
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    params = root / "params" / UNIT
    params.mkdir(parents=True, exist_ok=True)
    (params / f"{PERIOD}.yaml").write_text('unit_name: "Xã Bình An (benchmark)"\n', encoding="utf-8")
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)
    return root


def machine_info() -> dict:
    import pandas
    import pyarrow

    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False).stdout.strip()
        except OSError:
            return ""

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version
        versions = {name: version(name) for name in ("python-calamine", "pandas", "pyarrow", "openpyxl", "cchc")}
    except Exception:  # pragma: no cover
        versions = {"pandas": pandas.__version__, "pyarrow": pyarrow.__version__}
    mem = ""
    try:
        mem = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
        "git_commit": run("git", "rev-parse", "--short", "HEAD"),
        "git_lib_dirty": bool(run("git", "status", "--porcelain", "--", "lib")),
        "loadavg_start": os.getloadavg(),
        "env": {k: os.environ[k] for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "OMP_NUM_THREADS")
                if k in os.environ},
    }


# --------------------------------------------------------------------------- timings

class Clock:
    """Wall time (perf_counter) and CPU time of this process (all threads) of one measurement."""

    def __enter__(self) -> "Clock":
        gc.collect()
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def bare_read(path: Path, sheet: str) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return len(rows)


def forced_ingest(root: Path):
    from cchc.config.params import load_params
    from cchc.ingest.run import ingest

    params = load_params(root, UNIT, PERIOD)
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)  # the per-file cache too
    with Clock() as clock:
        result = ingest(root, params, force=True)
    assert not result.from_cache
    return clock, result


def cached_ingest(root: Path) -> float:
    from cchc.config.params import load_params
    from cchc.ingest.run import ingest

    params = load_params(root, UNIT, PERIOD)
    gc.collect()
    start = time.perf_counter()
    result = ingest(root, params)
    elapsed = time.perf_counter() - start
    assert result.from_cache, "expected a cached ingest"
    return elapsed


def cchc_command() -> list[str]:
    script = Path(sys.executable).with_name("cchc")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cchc"]


def cached_command(root: Path) -> float:
    report = root / "data" / "processed" / UNIT / PERIOD / "ingest-report.json"
    before = report.stat().st_mtime_ns
    cmd = cchc_command() + ["ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    if report.stat().st_mtime_ns != before:
        raise RuntimeError("the cached command rewrote the ingest report: it was not a cached run")
    return elapsed


def forced_command(root: Path) -> float:
    """Wall time of `cchc ingest --force` in a fresh process (imports included), cache emptied."""
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)
    cmd = cchc_command() + ["ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--force"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def summary(times: list[float]) -> dict:
    return {"median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
            "max_s": round(max(times), 4), "repeats_s": [round(t, 4) for t in times]}


def account(result) -> dict:
    report = result.report
    dossiers = report["sources"]["dossiers"]["rows"]
    files = {f["file"].rsplit("/", 1)[-1]: f for f in report["files"]}
    dossier_file = next(f for name, f in files.items() if name.startswith("danh-sach-ho-so"))
    return {"rows": dossiers, "conflicts": report["sources"]["dossiers"]["conflict_count"],
            "quarantine_problems": report["quarantine"]["problems"], "warnings": len(report["warnings"]),
            "balanced": report["balanced"], "footer": dossier_file.get("footer"),
            "personal_columns_dropped": dossier_file.get("personal_columns")}


# --------------------------------------------------------------------------- imports

_PROBE = textwrap.dedent("""
    import json, sys, time
    start = time.perf_counter()
    from cchc.cli import main
    rc = main(sys.argv[2:])
    elapsed = time.perf_counter() - start
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump({"rc": rc, "seconds": elapsed, "modules": sorted(sys.modules)}, out)
""")


def _parse_importtime(stderr: str) -> tuple[float, list[tuple[str, float]]]:
    """Total import time (sum of the top-level cumulative times) and the heaviest top-levels."""
    top: list[tuple[str, float]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        try:
            micros = int(cumulative.strip())
        except ValueError:
            continue  # the header line
        if name.startswith(" ") and not name.startswith("  "):
            top.append((name.strip(), micros / 1e6))
    total = sum(t for _, t in top)
    return total, sorted(top, key=lambda item: -item[1])


def import_check(root: Path, force: bool) -> dict:
    out = WORK / f"modules-{os.getpid()}.json"
    args = ["ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root)] + (["--force"] if force else [])
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", _PROBE, str(out), *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"import probe failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    modules = data["modules"]
    tops = sorted({m.split(".")[0] for m in modules})
    forbidden = sorted(m for m in tops if m.startswith(FORBIDDEN) or m.lower().startswith("jupyter"))
    total, heaviest = _parse_importtime(proc.stderr)
    return {
        "command": "cchc " + " ".join(args).replace(str(root), "<root>"),
        "exit_code": data["rc"],
        "forbidden_found": forbidden,
        "watched_loaded": [m for m in WATCHED if m in tops],
        "module_count": len(modules),
        "import_time_s": round(total, 4),
        "heaviest_imports_s": [[name, round(t, 4)] for name, t in heaviest[:8]],
        "main_seconds_under_importtime": round(data["seconds"], 4),
    }


def python_startup(repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------- profile

# (module, attribute, label): functions timed by stage_breakdown(). Wrapped in this process
# only, for one measurement, then restored; missing names are skipped (the library may move).
STAGES = [
    ("cchc.ingest.run", "sha256_file", "sha256 of the raw files"),
    ("cchc.ingest.parse", "parse_file", "parse_file (read + classify + parse + quarantine)"),
    ("cchc.ingest.parse", "read_table", "  read_table (calamine / csv)"),
    ("cchc.ingest.parse", "_parse_columns", "  _parse_columns (cells -> values)"),
    ("cchc.ingest.cells", "parse_dates", "    parse_dates"),
    ("cchc.ingest.cells", "parse_texts", "    parse_texts"),
    ("cchc.ingest.cells", "parse_categories", "    parse_categories"),
    ("cchc.ingest.parse", "apply_row_rules", "  apply_row_rules"),
    ("cchc.ingest.parse.ParsedFile", "meta", "ParsedFile.meta (cache metadata + report)"),
    ("cchc.ingest.combine", "to_frame", "to_frame (lists -> typed DataFrame)"),
    ("pandas.DataFrame", "to_parquet", "DataFrame.to_parquet (cache + outputs)"),
    ("cchc.ingest.combine", "combine", "combine (dedup, conflicts, report)"),
    ("cchc.ingest.combine", "find_conflicts", "  find_conflicts"),
    ("cchc.ingest.report", "render_markdown", "render_markdown"),
]


def _resolve(dotted: str):
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def stage_breakdown(root: Path) -> dict:
    """One forced ingest with the STAGES wrapped by timers (no profiler: no distortion)."""
    import functools

    totals: dict[str, float] = {}
    restore = []
    for owner_name, attr, label in STAGES:
        try:
            owner = _resolve(owner_name)
            original = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
        except (ImportError, AttributeError, KeyError):
            continue

        def make(original=original, label=label):
            @functools.wraps(original)
            def timed_call(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    totals[label] = totals.get(label, 0.0) + time.perf_counter() - start
            return timed_call

        setattr(owner, attr, make())
        restore.append((owner, attr, original))
    try:
        clock, _ = forced_ingest(root)
    finally:
        for owner, attr, original in reversed(restore):
            setattr(owner, attr, original)
    stages = {label: {"s": round(totals[label], 3), "share": round(totals[label] / clock.wall, 3)}
              for _, _, label in STAGES if label in totals}
    return {"total_s": round(clock.wall, 3), "stages": stages}


def profile_forced(root: Path, out: Path, top: int = 40) -> dict:
    import cProfile
    import io
    import pstats

    from cchc.config.params import load_params
    from cchc.ingest.run import ingest

    breakdown = stage_breakdown(root)
    buffer = io.StringIO()
    buffer.write(f"# Stages of one forced ingest of {root.name}, timed without a profiler "
                 f"(nested stages are indented and included in their parent)\n\n")
    buffer.write(f"total {breakdown['total_s']:8.3f} s\n")
    for label, item in breakdown["stages"].items():
        buffer.write(f"{item['s']:8.3f} s {100 * item['share']:5.1f} %  {label}\n")

    params = load_params(root, UNIT, PERIOD)
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)
    profiler = cProfile.Profile()
    gc.collect()
    start = time.perf_counter()
    profiler.enable()
    ingest(root, params, force=True)
    profiler.disable()
    elapsed = time.perf_counter() - start
    buffer.write(f"\n# cProfile of one forced ingest of {root.name} ({elapsed:.2f} s under the profiler; "
                 "the profiler inflates pure-Python call-heavy code, use the stages above for shares)\n")
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    out.write_text(relative_paths(buffer.getvalue()), encoding="utf-8")
    log(f"profile written to {out}")
    return breakdown


def relative_paths(text: str) -> str:
    """No machine paths in committed results: <repo>/…, <stdlib>/…, <site-packages>/…."""
    import site
    import sysconfig

    prefixes = [(str(Path(p)), "<site-packages>") for p in site.getsitepackages()]
    prefixes += [(sysconfig.get_paths()["stdlib"], "<stdlib>"), (str(REPO), "<repo>")]
    for prefix, name in sorted(prefixes, key=lambda item: -len(item[0])):
        text = text.replace(prefix, name)
    return text


# --------------------------------------------------------------------------- report

def write_markdown(results: dict, path: Path) -> None:
    m, r = results["machine"], results["results"]
    ok = lambda flag: "PASS" if flag else "FAIL"  # noqa: E731
    lines = [
        f"# Ingest benchmark — {gen.vn_int(results['rows'])} rows",
        "",
        f"{results['started']} · {m['nproc']} CPU ({m['cpu']}) · Python {m['python']} · "
        f"python-calamine {m['packages'].get('python-calamine')} · pandas {m['packages'].get('pandas')} · "
        f"pyarrow {m['packages'].get('pyarrow')} · commit {m['git_commit']}"
        + (" (lib/ modified)" if m["git_lib_dirty"] else ""),
        f"Median of {results['repeats']} interleaved repeats (all repeats in ingest.json). "
        f"Inputs: xlsx {results['inputs']['xlsx_mb']} MB, csv {results['inputs']['csv_mb']} MB.",
        "",
        "| Measure | Median | Target | |",
        "|---|---|---|---|",
        f"| (a) bare calamine read of the xlsx | {r['bare_read_xlsx']['median_s']:.2f} s | | |",
        f"| (b) ingest --force, xlsx | {r['ingest_xlsx']['median_s']:.2f} s | | |",
        f"| ratio (b)/(a) | {r['ratio_xlsx']:.2f}× | ≤ {TARGET_RATIO}× | {ok(r['pass']['ratio'])} |",
        f"| same ratio in process CPU time (cross-check) | "
        f"{r['cpu_time']['ratio_xlsx']:.2f}× | | |",
        f"| (c) ingest --force, csv | {r['ingest_csv']['median_s']:.2f} s "
        f"({gen.vn_int(r['csv_rows_per_s'])} rows/s) | | |",
        f"| (d) cached `cchc ingest` command, xlsx root | {r['cached_command_xlsx']['median_s']:.3f} s | "
        f"< {TARGET_CACHED_S} s | {ok(r['pass']['cached_command_xlsx'])} |",
        f"| (d) cached `cchc ingest` command, csv root | {r['cached_command_csv']['median_s']:.3f} s | "
        f"< {TARGET_CACHED_S} s | {ok(r['pass']['cached_command_csv'])} |",
        f"| (d) in-process cached ingest(), xlsx / csv | {r['cached_inprocess_xlsx']['median_s']:.3f} s / "
        f"{r['cached_inprocess_csv']['median_s']:.3f} s | | |",
        f"| `cchc ingest --force` in a fresh process, once (imports included), xlsx / csv | "
        f"{r['forced_command_once_s']['xlsx']:.2f} s / {r['forced_command_once_s']['csv']:.2f} s | | |",
        f"| python -c pass (interpreter start, for scale) | {r['python_startup_s']:.3f} s | | |",
    ]
    for key, label in (("imports_cached", "cached"), ("imports_forced", "forced, small root")):
        imp = r[key]
        lines.append(f"| (e) Jupyter machinery imported by `cchc ingest` ({label}) | "
                     f"{', '.join(imp['forbidden_found']) or 'none'} | none | "
                     f"{ok(not imp['forbidden_found'])} |")
        lines.append(f"| (e) import time of `cchc ingest` ({label}) | {imp['import_time_s']:.3f} s "
                     f"({imp['module_count']} modules) | | |")
    acc = r["ingest_xlsx_account"]
    lines += [
        "",
        f"Rows of the xlsx run: {acc['rows']} — conflicts {acc['conflicts']}, "
        f"balanced {acc['balanced']}, footer {acc['footer']}.",
        "",
        f"Overall: **{ok(all(r['pass'].values()))}**. Load average at start / end: "
        f"{' / '.join(f'{x:.2f}' for x in (m['loadavg_start'][0], m['loadavg_end'][0]))} "
        f"({m['nproc']} CPUs; other work on the machine shows up in the spread of the repeats).",
        "",
    ]
    if "profile_stages_xlsx" in results:
        prof = results["profile_stages_xlsx"]
        lines += [f"## Where a forced xlsx ingest spends its time (one run, {prof['total_s']:.2f} s, "
                  "no profiler; nested stages indented)", "", "| Stage | s | share |", "|---|---|---|"]
        lines += [f"| {label.strip() if not label.startswith(' ') else '↳ ' + label.strip()} | "
                  f"{item['s']:.2f} | {100 * item['share']:.0f} % |" for label, item in prof["stages"].items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- main

# --------------------------------------------------------------------------- memory

MEMORY_ROWS = 1_000_000
TARGET_MEMORY_RATIO = 3.0


def _memory_probe(root: Path) -> dict:
    """Peak RSS of one `cchc ingest --force` on ``root``, run as the only child of a fresh
    probe process (so RUSAGE_CHILDREN is that command's own peak, whatever this process did)."""
    shutil.rmtree(root / "data" / "processed", ignore_errors=True)
    cmd = cchc_command() + ["ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--force"]
    probe = textwrap.dedent(f"""
        import json, resource, subprocess, sys, time
        start = time.perf_counter()
        proc = subprocess.run({cmd!r}, capture_output=True, text=True)
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({{"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                          "wall_s": wall, "maxrss_kib": usage.ru_maxrss,
                          "cpu_s": usage.ru_utime + usage.ru_stime}}))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result['returncode']}):\n{result['stderr']}")
    return result


def memory_benchmark(rows: int, seed: int, repeats: int, stem: Path, form: str = "csv") -> int:
    """Peak RSS of `cchc ingest --force` on a generated csv of ``rows`` rows (``form`` json: the
    same rows as a JSON list of the national portal's records), against its size."""
    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    files = gen.ensure_exports(rows, seed, log=log, csv_only=True)
    dossiers = files.dossiers_csv if form == "csv" else gen.ensure_national_json(rows, seed, log=log)
    root = make_root(f"memory-{form}-{rows}", dossiers, files.catalogue_csv)
    size = dossiers.stat().st_size + files.catalogue_csv.stat().st_size
    machine = machine_info()
    runs = []
    for repeat in range(repeats):
        log(f"memory: cchc ingest --force, {rows} rows {form} ({size / 1e6:.1f} MB), repeat {repeat + 1} ...")
        result = _memory_probe(root)
        peak = result["maxrss_kib"] * 1024
        runs.append({"peak_rss_bytes": peak, "ratio": peak / size, "wall_s": round(result["wall_s"], 2),
                     "cpu_s": round(result["cpu_s"], 2), "summary": result["stdout"].strip()})
        log(f"  peak RSS {peak / 1e6:.0f} MB = {peak / size:.2f}x the raw files, {result['wall_s']:.1f} s")
    worst = max(run["ratio"] for run in runs)
    results = {"started": started, "rows": rows, "seed": seed, "raw_bytes": size,
               "format": form, "raw_files": {dossiers.name: dossiers.stat().st_size,
                             files.catalogue_csv.name: files.catalogue_csv.stat().st_size},
               "target_ratio": TARGET_MEMORY_RATIO, "worst_ratio": worst,
               "pass": worst < TARGET_MEMORY_RATIO, "runs": runs, "machine": machine,
               "loadavg_end": os.getloadavg()}
    stem.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    shape = "csv" if form == "csv" else "JSON (national records)"
    lines = [f"# Ingest memory — {rows:,} rows {shape}".replace(",", "."), "",
             f"{started} · {machine['nproc']} CPU · Python {machine['python']} · commit {machine['git_commit']}"
             + (" (lib dirty)" if machine["git_lib_dirty"] else ""), "",
             "Peak resident memory of `cchc ingest --force` (a fresh process; `ru_maxrss` of the child) "
             f"on a root holding the generated dossier {shape} and the catalogue csv, against the size of "
             "the raw files.", "",
             "| Run | Raw files | Peak RSS | Ratio | Target | Wall time |", "|---|---|---|---|---|---|"]
    for number, run in enumerate(runs, 1):
        lines.append(f"| {number} | {size / 1e6:.1f} MB | {run['peak_rss_bytes'] / 1e6:.0f} MB | "
                     f"{run['ratio']:.2f}× | < {TARGET_MEMORY_RATIO:.0f}× | {run['wall_s']:.1f} s |")
    lines += ["", f"Overall: **{'PASS' if results['pass'] else 'FAIL'}** (worst ratio {worst:.2f}×).", "",
              "Command: `.venv/bin/python benchmarks/bench_ingest.py --memory "
              + ("" if form == "csv" else "--format json ") + f"[--rows {rows}]`", ""]
    stem.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    log(f"wrote {stem.with_suffix('.md')} and .json")
    return 0 if results["pass"] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=gen.DEFAULT_ROWS, help="data rows (default 200000)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of (a), (b), (c) (default 3)")
    parser.add_argument("--cached-repeats", type=int, default=5, help="repeats of (d) (default 5)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile one forced xlsx ingest -> results/ingest-profile.txt")
    parser.add_argument("--out", type=Path, default=None, help="results stem (default results/ingest)")
    parser.add_argument("--memory", action="store_true",
                        help="only the peak memory of `cchc ingest` on a csv (default 1.000.000 rows) "
                             "-> results/ingest-memory.json/.md")
    parser.add_argument("--format", choices=("csv", "json"), default="csv",
                        help="--memory on the csv, or on the same rows as national JSON records "
                             "-> results/ingest-memory-json.json/.md")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.cached_repeats < 1:
        parser.error("repeats must be at least 1")
    if args.memory:
        rows = args.rows if "--rows" in (argv if argv is not None else sys.argv) else MEMORY_ROWS
        name = "ingest-memory" + ("" if args.format == "csv" else "-json")
        stem = args.out or RESULTS / (name if rows == MEMORY_ROWS else f"{name}-{rows}rows")
        stem.parent.mkdir(parents=True, exist_ok=True)
        return memory_benchmark(rows, args.seed, min(args.repeats, 3), stem, args.format)
    stem = args.out or RESULTS / ("ingest" if args.rows == gen.DEFAULT_ROWS else f"ingest-{args.rows}rows")
    stem.parent.mkdir(parents=True, exist_ok=True)

    started = time.strftime("%Y-%m-%d %H:%M:%S %z")
    files = gen.ensure_exports(args.rows, args.seed, log=log)
    warm_files = gen.ensure_exports(WARMUP_ROWS, args.seed, log=lambda _: None)
    xlsx_root = make_root(f"xlsx-{args.rows}", files.dossiers_xlsx, files.catalogue_xlsx)
    csv_root = make_root(f"csv-{args.rows}", files.dossiers_csv, files.catalogue_csv)
    warm_root = make_root(f"warmup-{WARMUP_ROWS}", warm_files.dossiers_xlsx, files.catalogue_csv)
    machine = machine_info()

    # Warm-up (not timed): imports, parquet writer, yaml, page cache of the inputs.
    log("warm-up ...")
    forced_ingest(warm_root)
    make_root(f"warmup-csv-{WARMUP_ROWS}", warm_files.dossiers_csv, files.catalogue_csv)
    forced_ingest(WORK / "roots" / f"warmup-csv-{WARMUP_ROWS}")
    bare_read(warm_files.dossiers_xlsx, gen.DOSSIER_SHEET)
    for path in (files.dossiers_xlsx, files.dossiers_csv):
        path.read_bytes()

    bare, ing_x, ing_c = [], [], []
    bare_cpu, ing_x_cpu, ing_c_cpu = [], [], []
    last_x = last_c = None
    expected_rows = args.rows + 2 + 1 + 1  # titles + header + data + footer
    for rep in range(args.repeats):
        steps = ["bare", "xlsx", "csv"]
        if rep % 2:
            steps.reverse()
        for step in steps:
            if step == "bare":
                with Clock() as clock:
                    count = bare_read(files.dossiers_xlsx, gen.DOSSIER_SHEET)
                assert count == expected_rows, (count, expected_rows)
                bare.append(clock.wall)
                bare_cpu.append(clock.cpu)
            elif step == "xlsx":
                clock, last_x = forced_ingest(xlsx_root)
                ing_x.append(clock.wall)
                ing_x_cpu.append(clock.cpu)
            else:
                clock, last_c = forced_ingest(csv_root)
                ing_c.append(clock.wall)
                ing_c_cpu.append(clock.cpu)
            log(f"  repeat {rep + 1}/{args.repeats} {step:5s} {clock.wall:7.3f} s (cpu {clock.cpu:7.3f} s)"
                f"  load {os.getloadavg()[0]:.2f}")
        gc.collect()

    # (d) cached: both roots hold a complete processed/ from their last forced run.
    log("cached re-runs ...")
    cmd_x, cmd_c, inp_x, inp_c = [], [], [], []
    for rep in range(args.cached_repeats):
        cmd_x.append(cached_command(xlsx_root))
        cmd_c.append(cached_command(csv_root))
        inp_x.append(cached_ingest(xlsx_root))
        inp_c.append(cached_ingest(csv_root))
        log(f"  repeat {rep + 1}/{args.cached_repeats} command xlsx {cmd_x[-1]:.3f} s, csv {cmd_c[-1]:.3f} s;"
            f" in-process xlsx {inp_x[-1]:.3f} s, csv {inp_c[-1]:.3f} s")
    startup = python_startup(args.cached_repeats)
    log("forced command, once per format (informational) ...")
    forced_cmd = {"xlsx": round(forced_command(xlsx_root), 3), "csv": round(forced_command(csv_root), 3)}
    log(f"  cchc ingest --force: xlsx {forced_cmd['xlsx']:.3f} s, csv {forced_cmd['csv']:.3f} s")

    # (e) imports of the real command, cached (big root) and forced (small root).
    log("import checks ...")
    imports_cached = import_check(xlsx_root, force=False)
    imports_forced = import_check(warm_root, force=True)

    ratio = statistics.median(ing_x) / statistics.median(bare)
    data_rows = last_c.report["sources"]["dossiers"]["rows"]["data"]
    csv_rate = data_rows / statistics.median(ing_c)
    results = {
        "benchmark": "ingest",
        "started": started,
        "rows": args.rows,
        "seed": args.seed,
        "repeats": args.repeats,
        "cached_repeats": args.cached_repeats,
        "machine": machine,
        "inputs": {
            "xlsx": files.dossiers_xlsx.name, "csv": files.dossiers_csv.name,
            "xlsx_mb": round(files.dossiers_xlsx.stat().st_size / 1e6, 1),
            "csv_mb": round(files.dossiers_csv.stat().st_size / 1e6, 1),
            "catalogue_rows": len(gen.PROCEDURES), "columns": len(gen.HEADERS),
        },
        "method": {
            "bare_read": "CalamineWorkbook.from_path(p).get_sheet_by_name(sheet).to_python(skip_empty_area=False)",
            "ingest": "cchc.ingest.run.ingest(root, load_params(root), force=True); data/processed/ "
                      "(incl. the .cache) deleted before each repeat, deletion not timed",
            "order": "repeats interleaved: bare, xlsx, csv then reversed on odd repeats; gc.collect() "
                     "before each timing; one untimed warm-up ingest of a 2000-row root first",
            "cached_command": "wall time of `cchc ingest --unit bench --period 2025 --root <root>` in a "
                              "fresh process after a forced run (report file checked untouched)",
            "imports": "python -X importtime -c '<from cchc.cli import main; main([...])>', then "
                       "sys.modules; import time = sum of the top-level cumulative times",
        },
        "results": {
            "bare_read_xlsx": summary(bare),
            "ingest_xlsx": summary(ing_x),
            "ingest_csv": summary(ing_c),
            "ratio_xlsx": round(ratio, 3),
            "cpu_time": {"bare_read_xlsx": summary(bare_cpu), "ingest_xlsx": summary(ing_x_cpu),
                         "ingest_csv": summary(ing_c_cpu),
                         "ratio_xlsx": round(statistics.median(ing_x_cpu) / statistics.median(bare_cpu), 3),
                         "note": "process CPU time (all threads), a cross-check: cpu << wall means the "
                                 "process waited; the target applies to the wall-time ratio"},
            "csv_rows_per_s": round(csv_rate),
            "xlsx_rows_per_s": round(data_rows / statistics.median(ing_x)),
            "cached_command_xlsx": summary(cmd_x),
            "cached_command_csv": summary(cmd_c),
            "cached_inprocess_xlsx": summary(inp_x),
            "cached_inprocess_csv": summary(inp_c),
            "python_startup_s": round(startup, 4),
            "forced_command_once_s": forced_cmd,
            "imports_cached": imports_cached,
            "imports_forced": imports_forced,
            "ingest_xlsx_account": account(last_x),
            "ingest_csv_account": account(last_c),
            "targets": {"ratio_max": TARGET_RATIO, "cached_command_max_s": TARGET_CACHED_S,
                        "forbidden_imports": list(FORBIDDEN)},
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    r = results["results"]
    r["pass"] = {
        "ratio": ratio <= TARGET_RATIO,
        "cached_command_xlsx": r["cached_command_xlsx"]["median_s"] < TARGET_CACHED_S,
        "cached_command_csv": r["cached_command_csv"]["median_s"] < TARGET_CACHED_S,
        "no_forbidden_imports": not imports_cached["forbidden_found"] and not imports_forced["forbidden_found"],
    }
    machine["loadavg_end"] = os.getloadavg()

    if args.profile:
        results["profile_stages_xlsx"] = profile_forced(
            xlsx_root, stem.with_name(stem.name + "-profile.txt"))

    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_markdown(results, md_path)
    log(md_path.read_text(encoding="utf-8"))
    log(f"written {json_path.relative_to(REPO)} and {md_path.relative_to(REPO)}")

    return 0


if __name__ == "__main__":
    sys.exit(main())
