"""The batch on this machine: worker processes (spawned, so that nothing of the caller's state is
copied), each serving reports from one queue until it is empty; the largest units go first so
that the workers end together. A worker that dies fails the unit it had; the others go on.

A worker process whose memory (its own and its kernel's resident memory, with freed memory
given back as it goes: TRIM_ENV) has grown past ``RECYCLE_MB`` ends after its report; a fresh one takes
its place: a leak in a library cannot exhaust the machine, and a start (imports, kernel: a few
seconds of CPU) is paid only when needed, not every so many reports. (The growth measured in
benchmarks/results/batch.md before, about 100 MB a report, was Typst's memo cache; cchc.render.pdf
now keeps only what the last two PDFs used, and a worker with its kernel stays near 700 MB.)"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterator
from pathlib import Path

from cchc.batch import worker
from cchc.batch.errors import BatchError
from cchc.batch.units import raw_size
from cchc.batch.worker import FAILED, Outcome

POLL_S = 1.0
RECYCLE_MB = 1000
# glibc gives freed memory back to the system past this many bytes at the heap's top (its default
# grows with the largest block freed, and a worker then keeps about 80 MB it no longer uses). Set for
# the workers and their kernels, as Dask's nanny does for its workers; a value the user set is kept.
TRIM_ENV = {"MALLOC_TRIM_THRESHOLD_": "65536"}


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Within the block, ``values`` in os.environ (those not already set), for the processes started."""
    added = {name: value for name, value in values.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _serve(root: str, tasks, results, recycle_mb: int) -> None:
    try:
        worker.start(root)
        while True:
            item = tasks.get()
            if item is None:
                return
            unit, period, force = item
            results.put(("start", unit, os.getpid()))
            results.put(("end", worker.produce(root, unit, period, force), os.getpid()))
            if worker.memory() > recycle_mb * 2**20:
                break
        results.put(("recycled", None, os.getpid()))  # the main process starts a fresh worker
    finally:
        worker.close_all()


def run_local(root: Path, units: list[str], period: str, force: bool, workers: int,
              on_outcome: Callable[[Outcome], None], recycle_mb: int = RECYCLE_MB) -> None:
    """Produce every unit's report with ``workers`` processes; ``on_outcome`` is told each one.
    ``recycle_mb``: a worker using more memory than this after a report is replaced."""
    order = sorted(units, key=lambda unit: (-raw_size(root, unit, period), unit))
    context = multiprocessing.get_context("spawn")
    tasks, results = context.Queue(), context.Queue()
    for unit in order:
        tasks.put((unit, period, force))
    count = max(1, min(workers, len(order)))
    for _ in range(count):
        tasks.put(None)

    def spawn():
        process = context.Process(target=_serve, args=(str(root), tasks, results, recycle_mb), daemon=True)
        with _environment(TRIM_ENV):
            process.start()
        return process

    processes = [spawn() for _ in range(count)]
    running: dict[int, str] = {}   # pid -> the unit it is producing
    left = set(order)
    try:
        while left:
            try:
                kind, value, pid = results.get(timeout=POLL_S)
            except queue.Empty:
                dead = {p.pid for p in processes if not p.is_alive()}
                for pid in dead & set(running):
                    unit = running.pop(pid)
                    left.discard(unit)
                    on_outcome(Outcome(unit, unit, FAILED, 0.0, reason=str(BatchError(
                        "worker_lost", reason=f"exit {next(p.exitcode for p in processes if p.pid == pid)}"))))
                if all(not p.is_alive() for p in processes) and left:  # nobody left to take the rest
                    for unit in sorted(left):
                        on_outcome(Outcome(unit, unit, FAILED, 0.0, reason=str(BatchError("worker_lost", reason="-"))))
                    left.clear()
                continue
            if kind == "recycled":
                processes.append(spawn())
            elif kind == "start":
                running[pid] = value
            else:
                running.pop(pid, None)
                left.discard(value.unit)
                on_outcome(value)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
