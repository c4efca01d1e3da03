"""One batch worker: a process (a pool's, or a Dask worker's thread) that pays the imports and the
kernel's start once, then produces report after report.

Each report is `cchc.pipeline.run` on the kept kernel; the export (HTML, PDF, Word) runs in this
process. A single `cchc run` exports in a process of its own so that its start-up overlaps the
kernel's; a batch keeps every core busy with other reports instead, and a second process per
worker would only add its memory (about 250 MB). Before each report the kernel is reset: figures
closed, the namespace cleared and the execution count back to 1 (IPython's
``reset(new_session=True)``), so that the notebook runs as on a fresh kernel and writes the same
bytes; imported modules stay (the notebook's imports cost nothing the second time). A kernel
that died or does not answer the reset is replaced. After each report both processes give the
memory they no longer use back to the system (glibc's trim threshold, set by cchc.batch.local
as Dask's nanny sets it for its workers). The reset is asked for as soon as a report is done,
so that the kernel clears itself while this process starts on the next report.

``produce`` is the task a pool or a Dask cluster runs: it never raises; it returns an ``Outcome``
(done, skipped or failed with the Vietnamese reason), plain data that pickles.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil
from jupyter_core.utils import run_sync

from cchc.batch.units import up_to_date
from cchc.config.params import load_params
from cchc.core.errors import CchcError, message
from cchc.core.layout import Layout
from cchc.pipeline import run
from cchc.render.export import warm_up
from cchc.render.kernel import keep, start_kernel, stop_kernel
from cchc.report.style import stylesheet

DONE, SKIPPED, FAILED = "done", "skipped", "failed"
RESET = ("import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt\n"
         "get_ipython().reset(new_session=True, aggressive=False)\n"
         "__import__('gc').collect()\n__import__('gc').freeze()\n")
RESET_TIMEOUT_S = 60


@dataclass
class Outcome:
    unit: str
    name: str                 # the unit's name (unit_name), or its id when its parameters do not load
    status: str               # done | skipped | failed
    seconds: float
    reason: str = ""          # why it failed, in the user's words
    folder: str = ""          # outputs/<unit>/<period> as shown from the root
    worker: str = ""          # which process made it (pid, host)

    def to_dict(self) -> dict:
        return asdict(self)


class ReportWorker:
    """A kept kernel, reused by every report of this worker."""

    def __init__(self) -> None:
        self._kernel = None
        self._cwd: Path | None = None
        self._reset_id: str | None = None  # the reset asked for after the last report, not yet answered
        self.reports = 0

    def start(self, root: Path) -> None:
        """Boot the kernel now (it starts on the other core) while this process loads the export's
        templates and fonts."""
        self._kernel_for(Layout(root).notebook().parent, reset=False)
        warm_up(stylesheet())
        _set_aside_what_is_kept()

    def memory(self) -> int:
        """Bytes of resident memory of this worker and its kernel."""
        total = psutil.Process().memory_info().rss
        kernel = getattr(getattr(self._kernel, "provisioner", None), "process", None)
        if kernel is not None:
            with contextlib.suppress(psutil.Error):
                total += psutil.Process(kernel.pid).memory_info().rss
        return total

    def _kernel_for(self, cwd: Path, reset: bool = True):
        alive = self._kernel is not None and self._cwd == cwd and run_sync(self._kernel.is_alive)()
        if alive and reset and not self._reset():
            alive = False
        if not alive:
            self._stop_kernel()
            self._kernel, self._cwd = keep(start_kernel(cwd)), cwd
            _track_clients(self._kernel)
        return self._kernel

    def _close_clients(self) -> None:
        """Close the clients papermill opened on the kept kernel (it leaves them open when the
        kernel is not its own: three threads and fourteen descriptors a report, else), but the
        one every report is executed through (cchc.render.kernel.report_client)."""
        clients = getattr(self._kernel, "batch_clients", [])
        lasting = getattr(self._kernel, "report_client", None)  # kept for the next report
        while clients:
            client = clients.pop()
            if client is lasting:
                continue
            try:
                client.stop_channels()
            except Exception:  # already closed
                pass

    def _ask_reset(self) -> None:
        """Ask the kernel to clear itself for the next report (answered in ``_reset``)."""
        client = getattr(self._kernel, "warm_up_client", None)
        self._reset_id = None
        if client is not None:
            with contextlib.suppress(Exception):  # a closed channel: _reset finds no answer, a new kernel
                self._reset_id = client.execute(RESET, silent=True, store_history=False)

    def _reset(self) -> bool:
        """Wait until the kernel is cleared for the next report (asked for now when it was not
        after the last one); False when it does not answer."""
        client = getattr(self._kernel, "warm_up_client", None)
        if client is None:
            return False
        if self._reset_id is None:
            self._ask_reset()
        msg_id, self._reset_id = self._reset_id, None
        if msg_id is None:
            return False
        try:
            deadline = time.monotonic() + RESET_TIMEOUT_S
            while time.monotonic() < deadline:
                reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"].get("status") == "ok"
        except Exception:  # no answer (queue.Empty), a closed channel: a new kernel
            return False
        return False

    def _stop_kernel(self) -> None:
        if self._kernel is not None:
            stop_kernel(keep(self._kernel, False))
        self._kernel, self._reset_id = None, None

    def produce(self, root: Path, unit: str, period: str, force: bool = False) -> Outcome:
        started = time.perf_counter()
        layout = Layout(root, unit, period)
        name = unit
        try:
            name = load_params(layout.root, unit, period).unit_name
            if not force and up_to_date(layout.root, unit, period):
                return Outcome(unit, name, SKIPPED, time.perf_counter() - started,
                               folder=layout.shown(layout.outputs_dir))
            kernel = self._kernel_for(layout.notebook().parent)
            try:
                result = run(layout.root, unit, period, force=force, kernel=kernel)  # exported here
            finally:
                self._close_clients()
                self._ask_reset()
                _set_aside_what_is_kept()
            self.reports += 1
            return Outcome(unit, name, DONE, time.perf_counter() - started, folder=layout.shown(result.output_dir))
        except CchcError as exc:
            reason = " ".join([str(exc), *getattr(exc, "__notes__", ())])
        except Exception as exc:  # a bug: the unit fails, the others go on; the traceback for developers
            reason = message("internal_error", reason=f"{type(exc).__name__}: {exc}")
            reason += "\n" + traceback.format_exc(limit=5)
        return Outcome(unit, name, FAILED, time.perf_counter() - started, reason=reason)

    def close(self) -> None:
        self._stop_kernel()


def _set_aside_what_is_kept() -> None:
    """Collect the last report's garbage, then leave what survives (modules, templates, fonts,
    caches) out of every later collection (``gc.freeze``): a full collection otherwise walks
    those objects again, about 0,1 s a report."""
    gc.collect()
    gc.freeze()


def _track_clients(manager) -> None:
    """Remember every client made on ``manager`` (ReportWorker._close_clients closes them)."""
    manager.batch_clients = []
    make = manager.client

    def client(**kwargs):
        made = make(**kwargs)
        manager.batch_clients.append(made)
        return made

    manager.client = client


_workers: dict[int, ReportWorker] = {}  # one per thread: a Dask worker may run tasks in several threads
_lock = threading.Lock()


def current() -> ReportWorker:
    """This thread's worker (made on first use, kept for the life of the process)."""
    key = threading.get_ident()
    with _lock:
        worker = _workers.get(key)
        if worker is None:
            worker = _workers[key] = ReportWorker()
        return worker


def start(root: str) -> None:
    """A pool process's initializer: boot this process's kernel, warm the export."""
    current().start(Path(root))


def produce(root: str, unit: str, period: str, force: bool = False) -> Outcome:
    """The batch's task: one unit's full report with this process's kept kernel."""
    outcome = current().produce(Path(root), unit, period, force)
    outcome.worker = f"{socket.gethostname()}:{os.getpid()}"
    return outcome


def memory() -> int:
    """Resident bytes of this thread's worker and its kernel."""
    return current().memory()


def close_all() -> None:
    with _lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()
