"""`cchc batch` against one `cchc run` per commune (the shell loop), measured in one run.

For each N (default 20, 50, 114) of synthetic communes (`cchc demo --communes`):
- fixed size: N communes of the same size (--per-year dossiers a year), `cchc batch --force`:
  wall time, per report = wall / N, against one `cchc run` of a commune of that size, and against
  the shell loop `for u in ...; do cchc run ...; done` measured on a sample of the same communes
  (--sample, in the same run, on a fresh copy so that nothing is cached);
- mixed sizes (1.000-20.000 dossiers a year, seed 1): the batch's wall time;
- memory: the peak of the summed RSS of the batch's process tree (pool workers, kernels, export
  workers), sampled every 0,25 s;
- Dask: the fixed-size batch of the smallest N on a local cluster (`dask scheduler` + `dask worker`
  processes, as many workers as the pool) against the local pool.
The machine is shared: the load (uptime) is written before and after.

Usage: .venv/bin/python benchmarks/bench_batch.py [--communes 20 50 114] [--sample 5] [--workers N]
Results: benchmarks/results/batch.json and batch.md. Targets: 114 reports <= 120 s on 2 cores
(<= 0,25x one cchc run per report), flat cost per report, memory < 2 GB, Dask within 20% of the pool.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
WORK = HERE / "scratch" / "batch"
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
CCHC = str(BIN / "cchc")
PERIOD = "2025"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Peak:
    """The peak of the summed RSS of a process and its descendants (sampled in a thread)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak, self._stop = pids, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self.pids:
                try:
                    root = psutil.Process(pid)
                    for process in [root, *root.children(recursive=True)]:
                        total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.25)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(command: list[str], watch: list[int] = ()) -> tuple[float, int, int, float]:
    """Seconds, exit code, memory peak (the command's tree plus ``watch``) and CPU seconds (user +
    system of the command and every descendant it waited for: kernels, pool workers) of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = Peak([process.pid, *watch])
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = code = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, code, peak.stop(), usage.ru_utime + usage.ru_stime


def demo(root: Path, n: int, per_year: int | None) -> list[str]:
    from cchc.demo.communes import generate_communes, plan_communes

    if not (root / "params").is_dir():
        generate_communes(root, n, seed=1, per_year=per_year)
    return [c.unit for c in plan_communes(n, seed=1, per_year=per_year)]


def inputs(root: Path, to: Path, units: list[str]) -> Path:
    shutil.rmtree(to, ignore_errors=True)
    for unit in units:
        for part in ("params", "data/raw"):
            source = root / part / unit
            shutil.copytree(source, to / part / unit)
    return to


def batch(root: Path, units: list[str], workers: int, scheduler: str | None = None,
          watch: list[int] = ()) -> dict:
    for part in ("data/processed", "outputs"):  # cold, as the shell loop's fresh copies: nothing parsed yet
        shutil.rmtree(root / part, ignore_errors=True)
    command = [CCHC, "batch", "--period", PERIOD, "--root", str(root), "--force", "--workers", str(workers)]
    command += [arg for unit in units for arg in ("--unit", unit)]
    if scheduler:
        command += ["--scheduler", scheduler]
    seconds, code, peak, cpu = timed(command, watch)
    return {"n": len(units), "seconds": round(seconds, 2), "per_report": round(seconds / len(units), 2),
            "exit": code, "peak_rss_mb": round(peak / 2**20), "cpu_per_report": round(cpu / len(units), 2)}


def shell_loop(root: Path, units: list[str], work: Path) -> dict:
    fresh = inputs(root, work, units)
    started = time.perf_counter()
    peak, codes, cpu = 0, [], 0.0
    for unit in units:
        _, code, rss, used = timed([CCHC, "run", "--unit", unit, "--period", PERIOD, "--root", str(fresh)])
        codes.append(code)
        peak, cpu = max(peak, rss), cpu + used
    seconds = time.perf_counter() - started
    return {"n": len(units), "seconds": round(seconds, 2), "per_report": round(seconds / len(units), 2),
            "exit": max(codes), "peak_rss_mb": round(peak / 2**20), "cpu_per_report": round(cpu / len(units), 2)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    processes.append(subprocess.Popen([dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1",
                                       "--no-dashboard", "--memory-limit", "0"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, nargs="+", default=[20, 50, 114])
    parser.add_argument("--fixed", type=int, nargs="+", default=None,
                        help="the N of the fixed-size batches (default: --communes)")
    parser.add_argument("--sample", type=int, default=5)
    parser.add_argument("--per-year", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    fixed_ns = args.fixed or args.communes
    most = max(args.communes)
    result: dict = {"load_before": load(), "cores": len(os.sched_getaffinity(0)), "workers": args.workers,
                    "per_year": args.per_year, "communes": args.communes}
    fixed_units = demo(WORK / "fixed", max(fixed_ns), args.per_year)
    mixed_units = demo(WORK / "mixed", most, None)
    one = shell_loop(WORK / "fixed", fixed_units[:1], WORK / "one")
    result["one_run"] = one
    result["shell_loop"] = shell_loop(WORK / "fixed", fixed_units[1:1 + args.sample], WORK / "loop")
    result["fixed"], result["mixed"] = [], []
    for n in sorted(fixed_ns):
        result["fixed"].append(batch(WORK / "fixed", fixed_units[:n], args.workers))
        save(result)
    for n in sorted(args.communes):
        result["mixed"].append(batch(WORK / "mixed", mixed_units[:n], args.workers))
        save(result)
    if not args.no_dask:
        n = min(fixed_ns)
        address, processes = dask_cluster(args.workers)
        try:
            on_dask = batch(WORK / "fixed", fixed_units[:n], args.workers, address, [p.pid for p in processes])
        finally:
            for process in reversed(processes):
                process.terminate()
                process.wait(timeout=60)
        local = batch(WORK / "fixed", fixed_units[:n], args.workers)
        result["dask"] = {"dask": on_dask, "local_pool": local}
    result["one_run_end"] = shell_loop(WORK / "fixed", fixed_units[:1], WORK / "one")
    save(result)
    print(markdown(result))


def save(result: dict) -> None:
    """Write what is measured so far (a long run that is stopped keeps its first rows)."""
    result["load_after"] = load()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "batch.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (RESULTS / "batch.md").write_text(markdown(result), encoding="utf-8")


def markdown(r: dict) -> str:
    one = r["one_run"]["per_report"]
    lines = ["# cchc batch: benchmark", "",
             f"{r['cores']} cores, {r['workers']} pool workers; load (1, 5, 15 min) before {r['load_before']}, "
             f"after {r['load_after']}. Fixed-size communes: {r['per_year']} dossiers a year.", "",
             f"One `cchc run` of a fixed-size commune: {one} s at the start, "
             f"{r.get('one_run_end', {}).get('per_report', '-')} s at the end. Shell loop of `cchc run` on "
             f"{r['shell_loop']['n']} of them: {r['shell_loop']['per_report']} s a report "
             f"({r['shell_loop'].get('cpu_per_report', '-')} s of CPU).", "",
             "| communes | kind | batch wall (s) | per report (s) | / one cchc run | / shell loop "
             "| CPU a report (s) | peak RSS (MB) | exit |",
             "|---|---|---|---|---|---|---|---|---|"]
    for kind in ("fixed", "mixed"):
        for row in r[kind]:
            lines.append(f"| {row['n']} | {kind} | {row['seconds']} | {row['per_report']} | "
                         f"{row['per_report'] / one:.2f}x | {row['per_report'] / r['shell_loop']['per_report']:.2f}x | "
                         f"{row.get('cpu_per_report', '-')} | {row['peak_rss_mb']} | {row['exit']} |")
    if "dask" in r:
        d = r["dask"]
        lines += ["", "Dask (local cluster of `dask scheduler` + `dask worker` processes) against the local pool, "
                  "same communes (fixed size):", "",
                  "| run | n | wall (s) | per report (s) | / local pool | peak RSS (MB, incl. cluster) |",
                  "|---|---|---|---|---|---|"]
        for name in ("dask", "local_pool"):
            row = d[name]
            lines.append(f"| {name} | {row['n']} | {row['seconds']} | {row['per_report']} | "
                         f"{row['seconds'] / d['local_pool']['seconds']:.2f}x | {row['peak_rss_mb']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
