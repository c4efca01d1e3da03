"""Which units a batch runs, and which of them are up to date.

A unit of a period is a folder of params/ holding ``<period>.yaml`` and no city file (a city's
parameters, read by the roll-up). Its outputs are up to date when their manifest records the
same raw files, parameter files, prose files and code (the package's hash) as now, and every
output it lists is still there with its hash.
"""

from __future__ import annotations

from pathlib import Path

from cchc.batch.errors import BatchError
from cchc.core.hashing import sha256_file
from cchc.core.layout import CITY_PARAMS, MANIFEST, Layout
from cchc.render import manifest


def units_for(root: Path, period: str, named: list[str] | None = None) -> list[str]:
    """``named`` as given (duplicates dropped), else every unit with parameters for ``period``."""
    if named:
        return list(dict.fromkeys(named))
    params = Layout(root).root / "params"
    found = sorted(d.name for d in params.iterdir() if d.is_dir() and (d / f"{period}.yaml").is_file()
                   and not (d / CITY_PARAMS).is_file()) if params.is_dir() else []
    if not found:
        raise BatchError("no_units", period=period, folder=Layout(root).shown(params))
    return found


def _hashes(layout: Layout, files: list[Path]) -> dict[str, str]:
    return {layout.shown(p): sha256_file(p) for p in files if p.is_file()}


def up_to_date(root: Path, unit: str, period: str) -> bool:
    layout = Layout(root, unit, period)
    try:
        recorded = manifest.Manifest.read(layout.outputs_dir / MANIFEST)
    except (OSError, ValueError):
        return False
    if recorded.code is None or recorded.code.sha256 != manifest.code_sha256():
        return False
    raw = sorted(p for p in layout.raw_dir.rglob("*") if p.is_file()) if layout.raw_dir.is_dir() else []
    ignored = {layout.shown(layout.raw_dir / name) for name in recorded.ignored_files or []}
    current_raw = {k: v for k, v in _hashes(layout, raw).items() if k not in ignored}
    outputs = recorded.outputs or {}
    return (current_raw == recorded.raw_files
            and _hashes(layout, [layout.unit_params, layout.period_params]) == recorded.parameter_files
            and manifest.prose_files(layout) == recorded.prose_files
            and bool(outputs)
            and all(_hashes(layout, [layout.outputs_dir / name]).get(layout.shown(layout.outputs_dir / name)) == sha
                    for name, sha in outputs.items()))


def raw_size(root: Path, unit: str, period: str) -> int:
    """Bytes of the unit's raw files: the largest go first, so that the pool ends together."""
    folder = Layout(root, unit, period).raw_dir
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
