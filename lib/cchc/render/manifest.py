"""The run manifest (manifest.json): what went in, what code ran, what came out, and when.
Times live only here (and in the executed notebook's metadata), so every other output can be
byte-identical across re-runs."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from cchc.core.hashing import sha256_file
from cchc.core.layout import MANIFEST, PACKAGE_DIR, Layout

PACKAGES = ["cchc", "python-calamine", "pandas", "pyarrow", "openpyxl", "pyyaml", "babel", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter-client", "typst", "python-docx", "matplotlib",
            "jinja2"]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@functools.lru_cache(maxsize=1)
def code_sha256() -> str:
    """One hash of the package's files (code, data, notebooks; no bytecode): what a batch
    compares to tell outputs made by other code (cchc.batch), checkout or wheel alike."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> dict[str, Any]:
    """The git commit of the code and whether its tree had uncommitted changes, when the
    package runs from a checkout (lib/cchc of a repository); None for an installed wheel;
    and the hash of the package's files (code_sha256)."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if top is None or (Path(top) / "lib" / "cchc").resolve() != PACKAGE_DIR:
        return {"commit": None, "dirty": None, "sha256": code_sha256()}
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", ":(top)lib", ":(top)pyproject.toml")
    return {"commit": commit, "dirty": bool(status) if status is not None else None, "sha256": code_sha256()}


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def prose_files(layout: Layout) -> dict[str, str]:
    """The analyst's prose files of the period (params/<unit>/prose/<period>/), by path: hash."""
    folder = layout.prose_dir
    files = sorted(folder.rglob("*")) if folder.is_dir() else []
    return {layout.shown(p): sha256_file(p) for p in files if p.is_file()}


def notebook_file(layout: Layout) -> dict[str, str]:
    """The report notebook the run executed: the root's own copy (its path) or the package's
    ("cchc/notebooks/report.ipynb"), and its hash."""
    path = layout.notebook()
    own = path.parent == layout.notebooks_dir
    return {"file": layout.shown(path) if own else f"cchc/notebooks/{path.name}", "sha256": sha256_file(path)}


def build(layout: Layout, params, ingest_report: dict[str, Any], output_dir: Path, started: str,
          durations: dict[str, float] | None = None) -> dict[str, Any]:
    """``durations``: seconds per phase of the run (cchc.core.timing.Stopwatch.report)."""
    outputs = {p.name: sha256_file(p) for p in sorted(output_dir.iterdir()) if p.is_file() and p.name != MANIFEST}
    return {
        "unit": params.unit, "period": params.period,
        "window": {"start": params.window.start.isoformat(), "cutoff": params.window.cutoff.isoformat()},
        "parameters": params.merged,
        "parameter_files": {layout.shown(p): sha256_file(p) for p in params.files},
        "prose_files": prose_files(layout),
        "notebook": notebook_file(layout),
        "raw_files": {entry["file"]: entry["sha256"] for entry in ingest_report["files"]},
        "ignored_files": ingest_report.get("ignored_files", []),
        "code": code_version(),
        "versions": versions(),
        "command": " ".join(["cchc", *sys.argv[1:]]) if sys.argv and sys.argv[0].endswith("cchc") else None,
        "outputs": outputs,
        "started": started,
        "finished": now(),
        "durations_s": durations or {},
    }
