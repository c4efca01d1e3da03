"""The `cchc batch` subcommand's run (its arguments: cchc.batch.arguments)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cchc.batch.dask_runner import run_dask
from cchc.batch.local import default_workers, run_local
from cchc.batch.summary import Summary
from cchc.batch.units import units_for
from cchc.core.layout import Layout


def batch(root: Path, period: str, units: list[str] | None = None, force: bool = False,
          workers: int | None = None, scheduler: str | None = None, stream=None) -> Summary:
    """Run the batch; return its summary (written to outputs/batch-<period>.json and .md)."""
    root = Layout(root).root
    chosen = units_for(root, str(period), units)
    summary = Summary(root, str(period), len(chosen), **({"stream": stream} if stream is not None else {}))
    started = time.perf_counter()
    if scheduler:
        run_dask(scheduler, root, chosen, str(period), force, summary.add)
    else:
        run_local(root, chosen, str(period), force, workers or default_workers(), summary.add)
    summary.finish(time.perf_counter() - started)
    return summary


def dispatch(args: argparse.Namespace) -> int:
    """Exit code: 0 when every unit is made or up to date, 1 when any failed."""
    summary = batch(args.root, args.period, args.unit, args.force, args.workers, args.scheduler)
    return 1 if summary.failed else 0
