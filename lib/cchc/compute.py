"""Compute a period: ingest once, then the processed tables, every figure and every
reconciliation check. The result is a value; publishing it (cchc.render.publish) is another
step, so that many periods can be computed and published apart (the batch, worker processes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cchc.checks import ERROR, Check, Context, run_checks
from cchc.config.params import Params, load_params
from cchc.core.layout import Layout
from cchc.core.timing import Stopwatch
from cchc.figures import compute_all, load_tables
from cchc.figures.registry import FigureSet
from cchc.ingest.run import IngestResult, ingest


@dataclass
class Computed:
    """Everything known about one unit and period before anything is published."""

    layout: Layout
    params: Params
    ingest: IngestResult
    tables: dict[str, Any]          # kind -> DataFrame (processed)
    figures: FigureSet
    checks: list[Check]
    durations: dict[str, float] = field(default_factory=dict)  # seconds per phase

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if check.status == ERROR]


def compute(layout: Layout, params: Params | None = None, force: bool = False,
            clock: Stopwatch | None = None, staged: bool = False) -> Computed:
    """Ingest the raw files of ``layout`` (cached when unchanged, unless ``force``), compute
    every figure and run every check. ``clock`` is told the phases ingest, figures, checks.

    With ``staged`` (the caller holds the period's lock, see cchc.pipeline) fresh processed
    data stay in a staging folder until ``computed.ingest.publish()``, and are dropped when
    this fails."""
    clock = clock or Stopwatch()
    params = params or load_params(layout.root, layout.unit, layout.period)
    with clock.phase("ingest"):
        ingested = ingest(layout.root, params, force=force, staged=staged)
    try:
        with clock.phase("figures"):
            tables = load_tables(ingested.processed_dir, ingested.report)
            figures = compute_all(ingested.processed_dir, params, ingested.report, tables)
        with clock.phase("checks"):
            checks = run_checks(Context(layout.root, params, figures, ingested.report, tables))
    except BaseException:
        ingested.discard()
        raise
    return Computed(layout, params, ingested, tables, figures, checks, dict(clock.seconds))
