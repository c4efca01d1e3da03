"""Orchestration used by the `cchc` command, the Makefile and the tests."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from cchc.core import atomic
from cchc.core.errors import CchcError, message
from cchc.ingest.run import REPORT_JSON, REPORT_MD, IngestResult, ingest
from cchc.config.params import Params, load_params


@dataclass
class RunResult:
    params: Params
    ingest: IngestResult
    output_dir: Path
    figure_count: int


def output_dir(root: Path, unit: str, period: str) -> Path:
    return root / "outputs" / unit / period


def run_ingest(root: Path, unit: str, period: str, force: bool = False) -> IngestResult:
    return ingest(root, load_params(root, unit, period), force=force)


def run(root: Path, unit: str, period: str, force: bool = False, documents: bool = True,
        allow_failed_checks: bool = False, cell_timeout: int | None = None) -> RunResult:
    """Ingest, compute every figure, and publish the outputs of one unit and period.

    Outputs are staged and replace outputs/<unit>/<period>/ only when everything succeeded;
    with ``documents`` the report notebook is executed and exported (HTML, PDF, XLSX).
    """
    from cchc.render.manifest import now
    from cchc.core.timing import Stopwatch

    clock = Stopwatch()
    started = now()
    root = root.resolve()
    params = load_params(root, unit, period)
    kernel = worker = None
    try:
        if documents:  # the kernel and the export worker start now, on the other core
            from cchc.render.kernel import start_kernel
            from cchc.render.publish import find_notebook
            from cchc.render.worker import ExportWorker

            kernel = start_kernel(find_notebook(root).parent)
            worker = ExportWorker()
        return _run(root, params, force, documents, kernel, worker, started, allow_failed_checks, clock,
                    cell_timeout)
    finally:
        if worker is not None:
            worker.close()
        if kernel is not None:
            from cchc.render.kernel import stop_kernel

            stop_kernel(kernel)


def _run(root: Path, params: Params, force: bool, documents: bool, kernel, worker, started: str,
         allow_failed_checks: bool, clock, cell_timeout: int | None) -> RunResult:
    unit, period = params.unit, params.period
    with clock.phase("ingest"):
        ingested = ingest(root, params, force=force)
    from cchc import checks as reconciliation
    from cchc.figures import compute_all, load_tables

    with clock.phase("figures"):
        tables = load_tables(ingested.processed_dir, ingested.report)
        figures = compute_all(ingested.processed_dir, params, ingested.report, tables)
    with clock.phase("checks"):
        if documents:
            check_prose(root, params, figures)
        results = reconciliation.run_checks(reconciliation.Context(root, params, figures, ingested.report,
                                                                   tables))
    failed_checks = [c for c in results if c.status == reconciliation.ERROR]
    target = output_dir(root, unit, period)
    failed = target.parent / f"{target.name}.failed"
    if failed_checks and not allow_failed_checks:  # publish nothing; show why
        failed.mkdir(parents=True, exist_ok=True)
        _write_reconciliation(failed, results, params)
        raise CchcError("checks_failed", count=len(failed_checks),
                        ids=", ".join(c.id for c in failed_checks[:10]),
                        path=(failed / "reconciliation.html").relative_to(root).as_posix())
    with atomic.staged_dir(target) as staging:
        (staging / "figures.json").write_text(figures.dumps(params), encoding="utf-8")
        _write_reconciliation(staging, results, params)
        for name in (REPORT_JSON, REPORT_MD):
            shutil.copyfile(ingested.processed_dir / name, staging / name)
        if documents:
            from cchc.render.publish import NOTEBOOK, render_documents

            try:
                banner = ([c.id for c in failed_checks] if failed_checks else None)
                render_documents(root, params, figures, staging, kernel=kernel, worker=worker, banner=banner,
                                 clock=clock, cell_timeout=cell_timeout)
            except Exception as exc:
                if (staging / NOTEBOOK).is_file():  # keep the failed run log for inspection
                    failed.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(staging / NOTEBOOK, failed / NOTEBOOK)
                    exc.add_note(message("notebook_kept", path=(failed / NOTEBOOK).relative_to(root).as_posix()))
                raise
        from cchc.render.manifest import build

        manifest = build(root, params, ingested.report, staging, started, clock.report())
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                                                          indent=2, default=str) + "\n", encoding="utf-8")
    shutil.rmtree(failed, ignore_errors=True)
    return RunResult(params, ingested, target, len(figures))


def compute_figures(root: Path, params: Params):
    """Figures of a unit and period from the processed data, ingesting first when needed."""
    from cchc.figures import compute_all

    ingested = ingest(root.resolve(), params)
    return compute_all(ingested.processed_dir, params, ingested.report)


def check_prose(root: Path, params: Params, figures) -> None:
    """Every prose file of the period is valid (placeholders, no hand-typed numbers) before
    anything runs: the error names the file and the line."""
    from cchc.report.prose import load_prose, render_prose
    from cchc.report.numbers import Numbers
    from cchc.report.outline import outline

    numbers = Numbers(figures)
    for section in outline():
        prose = load_prose(root, params.unit, params.period, section)
        if prose is not None:
            render_prose(prose, figures, numbers)


def _write_reconciliation(folder: Path, results, params: Params) -> None:
    from cchc import checks as reconciliation
    from cchc.checks.html import render

    (folder / "reconciliation.json").write_text(reconciliation.dumps(results), encoding="utf-8")
    (folder / "reconciliation.html").write_text(render(results, params), encoding="utf-8")


def compute_checks(root: Path, params: Params, figures):
    """The reconciliation checks of a unit and period (the analyst's notebook, outside a run)."""
    from cchc import checks as reconciliation
    from cchc.figures import load_tables

    ingested = ingest(root.resolve(), params)
    tables = load_tables(ingested.processed_dir, ingested.report)
    return reconciliation.run_checks(reconciliation.Context(root.resolve(), params, figures, ingested.report, tables))
