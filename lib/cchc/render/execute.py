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
from papermill.exceptions import PapermillExecutionError

from cchc.core.errors import CchcError
from cchc.render import CELL_TIMEOUT
from cchc.render.kernel import KERNEL_NAME, ProjectKernelManager


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
                **({"km": kernel} if kernel is not None else {}))
    except PapermillExecutionError as exc:
        raise CchcError("notebook_cell_failed", notebook=notebook.name, cell=_cell_name(output, exc),
                        ename=exc.ename, evalue=exc.evalue) from exc
    except CellTimeoutError as exc:
        raise CchcError("notebook_cell_timeout", notebook=notebook.name, cell=_timed_out(live, output),
                        seconds=seconds) from exc


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

