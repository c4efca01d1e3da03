"""The report notebook run by hand (papermill, Jupyter): the names its parameters cell
declares, the values given to it, the project root it runs on, and the publication policy of
`cchc run` (a failed check stops the notebook; the reconciliation files are written).

Under `cchc run` (``figures_file`` given) the run has already applied the policy and written the
reconciliation files; nothing here writes or refuses anything then."""

from __future__ import annotations

import ast
import contextlib
import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cchc.checks import dumps as checks_json
from cchc.checks.html import render as checks_html
from cchc.config.params import ParamsFile
from cchc.core import layout as names
from cchc.core.errors import CchcError, message
from cchc.core.layout import Layout
from cchc.core.resources import load_yaml

if TYPE_CHECKING:
    from cchc.compute import Computed  # (pandas) only a type here

# What the run needs besides the period parameters (ParamsFile's fields, None: from the files).
RUN_PARAMETERS = ("unit", "period", "root", "figures_file", "allow_failed_checks", "output_dir")
INJECTED_HEADER = "# Parameters"  # the first line of the cell papermill injects


def banner_text(failed: list[str] | None) -> str | None:
    """The line every page carries when a run published despite failed checks."""
    if not failed:
        return None
    return load_yaml("report/labels.yaml")["banner"].format(
        count=len(failed), ids=", ".join(failed[:8]) + (" …" if len(failed) > 8 else ""))


def known_parameters() -> tuple[str, ...]:
    """Every name the parameters cell declares, in its order."""
    return (*RUN_PARAMETERS, *ParamsFile.model_fields)


def parameters(namespace: dict[str, Any]) -> dict[str, Any]:
    """The notebook's parameters from its namespace (``globals()`` of the kernel). A name that
    papermill injected (its "# Parameters" cell, which IPython keeps in ``In``) and the
    parameters cell does not declare (papermill only warns: ``-p perod 2025-Q3``) is refused,
    naming the closest known name. Variables an analyst defines by hand in Jupyter are not
    parameters and are left alone."""
    known = known_parameters()
    for name in injected_names(namespace):
        if name in known or name.startswith("_"):
            continue
        closest = difflib.get_close_matches(name, known, n=1)
        raise CchcError("notebook_unknown_parameter", name=name, known=", ".join(known),
                        closest=message("notebook_unknown_closest", name=closest[0]) if closest else "")
    return {name: namespace.get(name) for name in known}


def injected_names(namespace: dict[str, Any]) -> list[str]:
    """The names assigned by the last cell papermill injected, read from IPython's input
    history (``In``); none when the notebook runs without injected parameters."""
    history = namespace.get("In")
    if not isinstance(history, list):
        return []
    for source in reversed(history):
        if isinstance(source, str) and source.lstrip().startswith(INJECTED_HEADER):
            with contextlib.suppress(SyntaxError):
                tree = ast.parse(source)
                return [target.id for node in tree.body if isinstance(node, ast.Assign)
                        for target in node.targets if isinstance(target, ast.Name)]
    return []


def working_dirs() -> list[Path]:
    """Where to look for the project root, in order: the folder the user ran papermill or
    Jupyter in — the working directory of the kernel's parent process (Linux /proc), else $PWD,
    which the kernel inherits from the shell — then the kernel's own working directory
    (papermill starts it in the notebook's folder unless --cwd)."""
    found: list[Path] = []
    with contextlib.suppress(OSError):
        found.append(Path(os.readlink(f"/proc/{os.getppid()}/cwd")))
    if os.environ.get("PWD"):
        found.append(Path(os.environ["PWD"]))
    return list(dict.fromkeys([*found, Path.cwd()]))


def overrides(values: dict[str, Any]) -> dict[str, Any]:
    """The period parameters given to the notebook (not None), to lay over the files'."""
    return {name: value for name, value in values.items() if name in ParamsFile.model_fields and value is not None}


def reconciliation_dir(layout: Layout, output_dir: str | Path | None) -> Path:
    return Path(output_dir).resolve() if output_dir else layout.notebook_outputs_dir


def enforce_policy(computed: Computed, output_dir: str | Path | None, allow_failed_checks: bool) -> Path:
    """Write reconciliation.json and .html into ``output_dir`` (default
    outputs/<unit>/<period>.notebook/) as `cchc run` does, then refuse to go on when a check
    failed (status lỗi), unless ``allow_failed_checks``. Returns the folder written."""
    layout = computed.layout
    folder = reconciliation_dir(layout, output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / names.RECONCILIATION_JSON).write_text(checks_json(computed.checks), encoding="utf-8")
    (folder / names.RECONCILIATION_HTML).write_text(checks_html(computed.checks, computed.params),
                                                    encoding="utf-8")
    failed = computed.failed_checks
    if failed and not allow_failed_checks:
        raise CchcError("notebook_checks_failed", count=len(failed), ids=", ".join(c.id for c in failed[:10]),
                        path=folder / names.RECONCILIATION_HTML)
    return folder
