"""Run the report notebook with papermill's Python API, in this process, on this
environment's kernel; a failing cell becomes a CchcError naming the cell."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger

from cchc.core.errors import CchcError
from cchc.render import CELL_TIMEOUT
from cchc.render.kernel import KERNEL_NAME, ProjectKernelManager, report_client


def execute(notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path, kernel: Any = None,
            cell_timeout: int | None = None) -> None:
    """``kernel``: a started kernel manager to run on (see cchc.render.kernel.start_kernel);
    ``cell_timeout``: seconds per cell (default CELL_TIMEOUT)."""
    live: list = []  # the notebook being executed, to keep it when a cell times out
    seconds = cell_timeout or CELL_TIMEOUT
    try:
        with _quiet("papermill"):  # nbclient's English log lines; the errors below say it all
            papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
                language="python", cwd=str(cwd), progress_bar=False, log_output=False,
                request_save_on_cell_execute=False, kernel_manager_class=ProjectKernelManager,
                execution_timeout=seconds, on_notebook_start=lambda notebook: live.append(notebook),
                **_kernel_arguments(kernel))
    except PapermillExecutionError as exc:
        raise CchcError("notebook_cell_failed", notebook=notebook.name, cell=_cell_name(output, exc),
                        ename=exc.ename, evalue=exc.evalue) from exc
    except CellTimeoutError as exc:
        raise CchcError("notebook_cell_timeout", notebook=notebook.name, cell=_timed_out(live, output),
                        seconds=seconds) from exc


ENGINE = "cchc-kept-client"


class KeptClientEngine(NBClientEngine):
    """papermill's nbclient engine, registered under ENGINE, that executes through the kernel
    client it is given (``kc``: see cchc.render.kernel.report_client) instead of a new one:
    nbclient takes no client from its caller, so the engine sets it on nbclient's before executing."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, kc=None, **kwargs):
        client = PapermillNotebookClient(
            nb_man, **{name: value for name, value in kwargs.items()
                       if name not in ("input_path", "timeout", "startup_timeout")},
            timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
            log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        client.kc = kc  # public: NotebookClient.setup_kernel starts a client only when kc is None
        return client.execute()


papermill_engines.register(ENGINE, KeptClientEngine)


def _kernel_arguments(kernel: Any) -> dict[str, Any]:
    """papermill's (nbclient's) ``km``; for a kept kernel its lasting client ``kc`` too, through
    KeptClientEngine."""
    if kernel is None:
        return {}
    if getattr(kernel, "kept", False):
        return {"km": kernel, "kc": report_client(kernel), "engine_name": ENGINE}
    return {"km": kernel}


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Within the block, the named logger shows nothing below CRITICAL."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel("CRITICAL")
    try:
        yield
    finally:
        logger.setLevel(level)


def _timed_out(live: list, output: Path) -> str:
    """Write the notebook as far as it ran (papermill writes nothing on a timeout) and name the
    cell that was stopped: the last one papermill started."""
    if not live:
        return "?"
    nb = live[-1]
    started = [c for c in nb.cells if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get(
        "start_time")]
    if started:  # papermill marks every cell completed at the end; say what really happened
        stopped = nb.cells.index(started[-1])
        for index, cell in enumerate(nb.cells):
            if index >= stopped and "papermill" in cell.get("metadata", {}):
                cell.metadata.papermill["status"] = "failed" if index == stopped else "pending"
    try:
        nbformat.write(nb, str(output))
    except Exception:  # keeping the log is a courtesy; the error names the cell anyway
        pass
    if not started:
        return "?"
    cell = started[-1]
    return f"'{cell.get('id', '?')}' (In [{cell.get('execution_count') or '?'}])"


def _cell_name(executed: Path, exc: Any) -> str:
    """'section-tthc' (ô In [5]): the failing cell's id and execution count."""
    name = str(exc.cell_index)
    try:  # the cell holding the error output (papermill adds cells, so indices shift)
        nb = nbformat.read(executed, as_version=4)
        for cell in nb.cells:
            if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
                name = cell.get("id") or name
                break
    except Exception:  # the executed notebook may be unreadable; the count still names it
        pass
    return f"'{name}' (In [{exc.exec_count}])"

