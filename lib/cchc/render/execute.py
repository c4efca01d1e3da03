"""Run the report notebook with papermill's Python API, in this process, on this
environment's kernel; a failing cell becomes a CchcError naming the cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cchc.errors import CchcError


def execute(notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path, kernel: Any = None) -> None:
    """``kernel``: a started kernel manager to run on (see cchc.render.kernel.start_kernel)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cchc.render.kernel import KERNEL_NAME, ProjectKernelManager

    try:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
            language="python", cwd=str(cwd), progress_bar=False, log_output=False,
            request_save_on_cell_execute=False, kernel_manager_class=ProjectKernelManager,
            **({"km": kernel} if kernel is not None else {}))
    except PapermillExecutionError as exc:
        raise CchcError("notebook_cell_failed", notebook=notebook.name, cell=_cell_name(output, exc),
                        ename=exc.ename, evalue=exc.evalue) from exc


def _cell_name(executed: Path, exc: Any) -> str:
    """'section-tthc' (ô In [5]): the failing cell's id and execution count."""
    import nbformat

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
