"""The kernel of a run is always this environment's Python, whatever kernel specs the
machine has (no "No such kernel", no other interpreter from cron or CI).

`start_kernel` boots it at the very start of a run, so that its start-up and the imports the
report needs (matplotlib, cchc.report) happen on the other core while this process ingests and
computes the figures. The warm-up only imports modules: it runs no notebook code, stores no
history and changes no execution count.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

KERNEL_NAME = "python3"
WARM_UP = "import cchc.report.view, cchc.report.charts as _c; _c._pyplot(); del _c"


def project_spec() -> KernelSpec:
    """This environment's Python as a kernel: loopback TCP; the kernel's own start-up warnings
    are not the user's business; no history database."""
    return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                            "--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
                      display_name="cchc (Python 3)", language="python", resource_dir="")


class ProjectKernelManager(AsyncKernelManager):
    """Async, as nbclient expects: with a blocking manager nbclient gets a blocking client, whose
    wait for IOPub messages (no timeout) blocks nbclient's event loop, shell replies included;
    a run then hung now and then for ever on a cell the kernel had long finished.

    Its kernel spec is always ``project_spec()`` (the documented ``kernel_spec`` property,
    overridden; jupyter_client's own cache of a spec looked up by name is not used)."""

    warm_up_client = None   # the client of the warm-up request (start_kernel)
    report_client = None    # the client reports are executed through (report_client())
    kept = False            # stop_kernel leaves a kept kernel running (keep())

    @property
    def kernel_spec(self) -> KernelSpec:
        return project_spec()


def start_kernel(cwd: Path) -> ProjectKernelManager:
    """Launch the kernel now (it boots in its own process) and queue the warm-up imports."""
    manager = ProjectKernelManager(kernel_name=KERNEL_NAME)
    run_sync(manager.start_kernel)(cwd=str(cwd))
    client = manager.blocking_client()  # a client of its own, for the warm-up request only
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    client.execute(WARM_UP, silent=True, store_history=False)
    manager.warm_up_client = client  # kept open until stop_kernel, so the request is delivered
    return manager


READY_TIMEOUT_S = 60


def report_client(manager: ProjectKernelManager):
    """The client a kept kernel's reports are executed through (papermill's ``kc``), made once.

    Without it nbclient makes a client a report and waits until it is ready (a kernel_info
    round-trip, then IOPub quiet for 0,2 s: jupyter_client's wait_for_ready), 0,2-0,4 s a report
    in which neither the worker nor its kernel works. Messages of other requests (the reset between
    reports) are skipped by nbclient, which reads only the replies to its own."""
    client = manager.report_client
    if client is None:
        async def ready():
            made = manager.client()
            made.start_channels()
            await made.wait_for_ready(timeout=READY_TIMEOUT_S)
            return made

        client = manager.report_client = run_sync(ready)()
    return client


def keep(manager: ProjectKernelManager, kept: bool = True) -> ProjectKernelManager:
    """Mark a kernel as kept: stop_kernel leaves it running (a batch worker reuses it from report
    to report, see cchc.batch.worker); ``kept=False`` lets it stop again."""
    manager.kept = kept
    return manager


def stop_kernel(manager: ProjectKernelManager | None) -> None:
    if manager is None or manager.kept:
        return
    for client in (manager.warm_up_client, manager.report_client):
        if client is not None:
            client.stop_channels()
    manager.warm_up_client = manager.report_client = None
    if manager.has_kernel:
        run_sync(manager.shutdown_kernel)(now=True)
