"""Publish a computed period: figures.json, the reconciliation files, the ingest report, the
executed notebook (the run log), report.html, report.pdf, report.docx, the Excel appendix phu-luc.xlsx, the
companion document for the signer and the auditor (kiem-tra.html, kiem-tra.pdf: cchc.render.audit) and
manifest.json, written into a staging directory that replaces outputs/<unit>/<period>/ only
when everything succeeded; the processed data a run staged (cchc.compute) go in place right
after them, and are dropped when anything failed."""

from __future__ import annotations

import contextlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cchc.checks import dumps as checks_json
from cchc.checks.html import render as checks_html
from cchc.compute import Computed
from cchc.config.letter import build_document
from cchc.core import atomic
from cchc.core import layout as names
from cchc.core.errors import CchcError, message
from cchc.core.timing import Stopwatch
from cchc.forms.indicators import indicator_forms
from cchc.forms.tthc import tthc_forms
from cchc.forms.xlsx import write_workbook
from cchc.render import audit, manifest
from cchc.render.execute import execute
from cchc.render.kernel import stop_kernel
from cchc.report.previous import published
from cchc.report.prose import check_prose
from cchc.report.review import Review
from cchc.report.style import stylesheet


@dataclass(frozen=True)
class Publication:
    """What ``publish`` wrote: the outputs folder, and the review sheet of kiem-tra.html (None
    without the documents), whose lines that differ the run's summary counts."""

    folder: Path
    review: Review | None = None


def publish(computed: Computed, documents: bool = True, allow_failed_checks: bool = False, kernel=None,
            worker=None, started: str | None = None, clock: Stopwatch | None = None,
            cell_timeout: int | None = None) -> Publication:
    """Write every output of ``computed``; return the outputs folder and the review sheet.

    A failed check (status lỗi) publishes nothing unless ``allow_failed_checks`` (then every
    page carries a banner naming it); the reconciliation files go to the failed folder.
    With ``documents`` the notebook is executed (on ``kernel``, a started kernel manager, when
    given) and exported (in ``worker``, an ExportWorker, when given)."""
    clock = clock or Stopwatch()
    started = started or manifest.now()
    layout = computed.layout
    try:
        with atomic.write_errors(layout.outputs_dir.parent, layout.shown):
            done = _publish(computed, documents, allow_failed_checks, kernel, worker, started, clock,
                            cell_timeout)
            computed.ingest.publish()  # staged processed data go in with the outputs, never before
    finally:
        computed.ingest.discard()  # still staged: the run failed, the processed data stay as they were
    return done


def _publish(computed: Computed, documents: bool, allow_failed_checks: bool, kernel, worker, started: str,
             clock: Stopwatch, cell_timeout: int | None) -> Publication:
    layout, params = computed.layout, computed.params
    if documents:  # every prose file is valid before anything runs: the error names file and line
        check_prose(layout, computed.figures)
    failed_checks = computed.failed_checks
    target, failed = layout.outputs_dir, layout.failed_dir
    if failed_checks and not allow_failed_checks:  # publish nothing; show why
        failed.mkdir(parents=True, exist_ok=True)
        _write_reconciliation(failed, computed)
        raise CchcError("checks_failed", count=len(failed_checks),
                        ids=", ".join(c.id for c in failed_checks[:10]),
                        path=layout.shown(failed / names.RECONCILIATION_HTML))
    before = published(layout) if documents else None  # this period as published before: replaced below
    review = None
    with atomic.staged_dir(target) as staging:
        (staging / names.FIGURES).write_text(computed.figures.dumps(params), encoding="utf-8")
        _write_reconciliation(staging, computed)
        for name in (names.INGEST_REPORT_JSON, names.INGEST_REPORT_MD):
            shutil.copyfile(computed.ingest.processed_dir / name, staging / name)
        if documents:
            try:
                banner = [c.id for c in failed_checks] or None
                review = render_documents(computed, staging, kernel=kernel, worker=worker, banner=banner, clock=clock,
                                 cell_timeout=cell_timeout, before=before)
            except Exception as exc:
                if (staging / names.NOTEBOOK).is_file():  # keep the failed run log for inspection
                    with contextlib.suppress(OSError):
                        failed.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(staging / names.NOTEBOOK, failed / names.NOTEBOOK)
                        exc.add_note(message("notebook_kept", path=layout.shown(failed / names.NOTEBOOK)))
                raise
        manifest.build(layout, params, computed.ingest.report, staging, started, clock.report()).write(staging)
    shutil.rmtree(failed, ignore_errors=True)
    return Publication(target, review)


def _write_reconciliation(folder: Path, computed: Computed) -> None:
    (folder / names.RECONCILIATION_JSON).write_text(checks_json(computed.checks), encoding="utf-8")
    (folder / names.RECONCILIATION_HTML).write_text(checks_html(computed.checks, computed.params),
                                                    encoding="utf-8")


def render_documents(computed: Computed, staging: Path, kernel=None, worker=None,
                     banner: list[str] | None = None, clock: Stopwatch | None = None,
                     cell_timeout: int | None = None, before=None) -> Review:
    """Execute the notebook (on ``kernel`` when given, stopped as soon as it is done), then
    export it (in ``worker`` when given). The Excel appendix and the companion document
    kiem-tra.html/.pdf, which need no notebook (``before``: this period's report as published
    before the run, cchc.report.previous.Published), are written in a thread of this process
    meanwhile: this process only waits for the kernel while the notebook runs, and for the
    worker while it exports. ``clock`` is told each phase (those of the thread when it is done).
    Returns the review sheet written into kiem-tra.html."""
    clock = clock or Stopwatch()
    layout, params = computed.layout, computed.params
    notebook = layout.notebook()
    document = build_document(params)
    executed = staging / names.NOTEBOOK
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-appendix") as pool:
        side = pool.submit(_side_documents, computed, staging, before)
        try:
            with clock.phase("notebook"):
                execute(notebook, executed, {"unit": params.unit, "period": params.period,
                                             "root": str(layout.root), "figures_file": str(staging / names.FIGURES)},
                        cwd=notebook.parent, kernel=kernel, cell_timeout=cell_timeout)
        except BaseException:
            stop_kernel(kernel)
            side.cancel()
            raise
        title = " ".join([document.title.capitalize(), *document.subject, "—", params.unit_name])
        arguments = (executed, title, stylesheet(), staging / names.HTML, staging / names.PDF,
                     staging / names.DOCX, banner)
        exported = worker.export(*arguments) if worker is not None else None  # the worker starts now
        stop_kernel(kernel)
        seconds = exported.result() if exported is not None else _export_here(*arguments)
        side_seconds, review = side.result()
        for name, value in side_seconds.items():
            clock.add(name, value)
    for name, value in seconds.items():
        clock.add(name, value)
    return review


def _side_documents(computed: Computed, staging: Path, before) -> tuple[dict[str, float], Review]:
    """The Excel appendix and the companion document: the seconds of each, and the review sheet."""
    clock = Stopwatch()
    with clock.phase("xlsx"):
        write_appendix(computed, staging / names.XLSX)
    with clock.phase("audit"):
        review = write_audit(computed, staging, before)
    return clock.seconds, review


def _export_here(*arguments) -> dict[str, float]:
    from cchc.render.export import export  # noqa: PLC0415 (the writers: only when no worker exports)

    return export(*arguments)


def write_audit(computed: Computed, staging: Path, before) -> Review:
    """The companion document, and its review sheet returned; when figures changed since this
    period was published before, that figures.json is kept beside the new one so the review
    sheet can be re-run by verify."""
    review = audit.build_review(computed, before)
    audit.write(computed, staging, review)
    if review.republished:
        shutil.copyfile(before.path, staging / names.REPLACED_FIGURES)
    return review


def write_appendix(computed: Computed, xlsx: Path) -> None:
    document = build_document(computed.params)
    write_workbook(tthc_forms(computed.figures, document) + indicator_forms(computed.figures, document), xlsx)
