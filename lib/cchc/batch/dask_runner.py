"""The batch on an existing Dask distributed cluster (``--scheduler tcp://HOST:PORT``): one task
per unit, cchc.batch.worker.produce. Each Dask worker process keeps its kernels warm between
tasks (cchc.batch.worker keeps one per thread, for the life of the process) and exports each
report itself, so a long-lived cluster pays their start once. The workers must see the same root (same path)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from cchc.batch import worker
from cchc.batch.errors import BatchError
from cchc.batch.units import raw_size
from cchc.batch.worker import FAILED, Outcome

CONNECT_TIMEOUT = "20s"


def run_dask(address: str, root: Path, units: list[str], period: str, force: bool,
             on_outcome: Callable[[Outcome], None]) -> None:
    from distributed import Client, as_completed  # noqa: PLC0415 (only with --scheduler)

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError("scheduler_unreachable", address=address, reason=exc) from None
    token = uuid.uuid4().hex[:8]
    order = sorted(units, key=lambda unit: (-raw_size(root, unit, period), unit))
    with client:
        futures = {client.submit(worker.produce, str(root), unit, period, force, pure=False, retries=0,
                                 priority=len(order) - rank, key=f"cchc-batch-{period}-{unit}-{token}"): unit
                   for rank, unit in enumerate(order)}
        for future in as_completed(futures, loop=client.loop):
            unit = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the task's worker died (KilledWorker…): this unit failed
                outcome = Outcome(unit, unit, FAILED, 0.0,
                                  reason=str(BatchError("worker_lost", reason=f"{type(exc).__name__}: {exc}")))
            on_outcome(outcome)
