"""A run of one unit and period, as the `cchc run` command does it: compute, then publish.

The kernel starts first, so that its start-up (Jupyter, matplotlib, cchc.report) happens on the
other core while this process imports pandas and papermill (about 0,7 s, hence the marked imports
in ``run``); the export worker (nbconvert and the writers) starts right after those imports, while
this process ingests, computes and runs the notebook, which leaves it about 1 s to be ready.
Started with the kernel, it took CPU from those imports, on the path of the run, for a start it
has time for anyway (6 alternating pairs of warm runs of the demo: median 3,40 s -> 3,08 s).
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cchc.config.params import Params, load_params
from cchc.core import atomic, log
from cchc.core.layout import HTML, Layout
from cchc.ingest.run import IngestResult, list_raw_files, period_lock, writing
from cchc.render.kernel import start_kernel, stop_kernel
from cchc.render.manifest import now
from cchc.render.worker import ExportWorker

if TYPE_CHECKING:  # the review sheet's module loads pandas: after the kernel started
    from cchc.report.review import Review


@dataclass
class RunResult:
    params: Params
    ingest: IngestResult
    output_dir: Path
    figure_count: int
    failed_checks: list[str] = field(default_factory=list)   # published anyway (allow_failed_checks)
    warning_checks: list[str] = field(default_factory=list)
    unfilled: tuple[int, int] = (0, 0)                       # sections without the analyst's prose, of all
    notes: int = 0                                           # of which show only the "no prose" note
    seconds: float = 0.0
    review: Review | None = None                             # the review sheet of kiem-tra.html (with documents)


def unfilled_sections(layout: Layout) -> tuple[int, int]:
    """How many of the outline's sections (the leaves, which take prose) have no prose file
    with content, so that the report shows their neutral sentences or the "no prose" note;
    and how many sections there are."""
    from cchc.report.outline import outline  # noqa: PLC0415 (pandas: after the kernel started)
    from cchc.report.prose import load_prose  # noqa: PLC0415

    leaves = [section for section, heading in outline().items() if not heading.children]
    missing = 0
    for section in leaves:
        prose = load_prose(layout.root, layout.unit, layout.period, section)
        missing += prose is None or not prose.text.strip()
    return missing, len(leaves)


_FROZEN: list[bool] = []  # once a process: see _imports


@contextlib.contextmanager
def _imports() -> Iterator[None]:
    """The run's heavy imports (pandas, pyarrow, papermill, pydantic's models), without the
    cyclic garbage collector, which would walk the new modules again and again (they are no
    garbage), then left out of every later collection (``gc.freeze``), the interpreter's last one
    at exit included: about 0,25 s of GC in a warm run of the demo. Once a process: what a process
    that runs report after report makes later is collected as usual."""
    if _FROZEN:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _FROZEN.append(True)
        gc.freeze()
        if enabled:
            gc.enable()


NO_PROSE_NOTE = re.compile(r"""<p class=["']no-prose["']""")  # report.view.Report._prose_or_note


def no_prose_notes(html: Path) -> int:
    """Sections of the written report that show only the "no prose" note (nothing to say)."""
    return len(NO_PROSE_NOTE.findall(html.read_text(encoding="utf-8"))) if html.is_file() else 0


def run(root: Path, unit: str, period: str, force: bool = False, documents: bool = True,
        allow_failed_checks: bool = False, cell_timeout: int | None = None, wait: bool = True,
        kernel=None, worker=None) -> RunResult:
    """Ingest, compute every figure and check, and publish the outputs of one unit and period.

    ``kernel`` (a started kernel, kept: see cchc.render.kernel.keep) and ``worker`` (an
    ExportWorker), when given, are used and left running for the caller's next run; else the run
    starts its own and stops them. A batch (cchc.batch.worker) gives its kept kernel and no
    worker: the export then runs in the batch's process.

    The run holds the period's lock throughout (another run of the same unit and period waits,
    or with ``wait`` false this one stops; other pairs run in parallel) and first clears what
    a dead run left (its staging folders). Outputs and fresh processed data are staged and
    replace outputs/<unit>/<period>/ and data/processed/<unit>/<period>/ only when everything
    succeeded; with ``documents`` the report notebook is executed and exported (HTML, PDF, DOCX, XLSX).
    """
    clock = log.LoggedStopwatch(log.current())
    started = now()
    layout = Layout(root, unit, period)
    params = load_params(layout.root, unit, period)
    with period_lock(layout, wait=wait):
        with writing(layout, layout.root):
            for target in (layout.processed_dir, layout.outputs_dir):
                atomic.recover(target)
        list_raw_files(layout, params)  # an unknown file stops the run at once, before the kernel boots
        own = kernel is None and worker is None
        try:
            if documents and own:
                kernel = start_kernel(layout.notebook().parent)
            with _imports():
                from cchc.checks.base import WARNING  # noqa: PLC0415 (pandas: loads while the kernel boots)
                from cchc.compute import compute  # noqa: PLC0415 (pandas: loads while the kernel boots)
                from cchc.render.publish import publish  # noqa: PLC0415 (papermill, likewise)
            if documents and own:
                worker = ExportWorker()
            computed = compute(layout, params, force=force, clock=clock, staged=True)
            done = publish(computed, documents=documents, allow_failed_checks=allow_failed_checks,
                           kernel=kernel, worker=worker, started=started, clock=clock,
                           cell_timeout=cell_timeout)
            target = done.folder
            return RunResult(params, computed.ingest, target, len(computed.figures),
                             failed_checks=[c.id for c in computed.failed_checks],
                             warning_checks=[c.id for c in computed.checks if c.status == WARNING],
                             unfilled=unfilled_sections(layout) if documents else (0, 0),
                             notes=no_prose_notes(target / HTML),
                             seconds=clock.report()["total"], review=done.review)
        finally:
            if own and worker is not None:
                worker.close()
            if own:
                stop_kernel(kernel)
