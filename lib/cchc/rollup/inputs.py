"""What the roll-up reads: the city's parameters and each commune's *published* outputs of the
period (outputs/<unit>/<period>/figures.json checked against the manifest.json beside it; never
raw files), each commune with a status: included, included with failed checks, missing, failed
(a <period>.failed/ folder or unreadable outputs; a failed folder beside published outputs is a
later run that failed: the published report is summed and the failure listed), or refused
(figures.json not the file its manifest names)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, INGEST_REPORT_JSON, MANIFEST, RECONCILIATION_JSON, Layout
from cchc.core.resources import parse_yaml
from cchc.render.manifest import Manifest
from cchc.rollup.errors import RollupError

CITY_FILE = "city.yaml"
INCLUDED = ("ok", "failed_checks", "failed_rerun")


@dataclass(frozen=True)
class City:
    id: str
    name: str
    communes: tuple[str, ...]


@dataclass
class Commune:
    unit: str
    name: str
    status: str  # ok | failed_checks | failed_rerun | missing | failed | unreadable | refused | wrong_period
    detail: dict[str, str] = field(default_factory=dict)   # the status message's values
    file: str | None = None           # figures.json as shown from the root (posix)
    sha256: str | None = None
    data: dict[str, Any] | None = None  # the figures.json content
    # What its raw files lacked (its published ingest-report.json's ``missing`` sentences: "không
    # có cột Hình thức nộp: không tính được …"); None when no such report is published with it.
    missing: list[str] | None = None

    @property
    def included(self) -> bool:
        return self.status in INCLUDED

    def figure(self, figure_id: str) -> dict[str, Any] | None:
        return (self.data or {}).get("figures", {}).get(figure_id)


def city_file(root: Path, city: str) -> Path:
    return Layout(root, city).params_dir / CITY_FILE


def find_city(root: Path, city: str | None) -> str:
    """``city``, or the one city of the root (params/<city>/city.yaml)."""
    if city:
        return city
    found = sorted(p.parent.name for p in (Path(root) / "params").glob(f"*/{CITY_FILE}"))
    if not found:
        raise RollupError("no_city", root=str(root))
    if len(found) > 1:
        raise RollupError("many_cities", root=str(root), cities=", ".join(found))
    return found[0]


def load_city(root: Path, city: str) -> City:
    """params/<city>/city.yaml: ``name`` and ``communes`` (unit ids, or mappings with ``unit``)."""
    layout = Layout(root, city)
    path = city_file(root, city)
    if not path.is_file():
        raise RollupError("city_missing", file=layout.shown(path))
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
        name = str(data.get("name") or data.get("city_name") or data.get("unit_name") or city)
        communes = tuple(str(c["unit"] if isinstance(c, dict) else c) for c in data["communes"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RollupError("city_invalid", file=layout.shown(path), reason=exc) from None
    if not communes or len(set(communes)) != len(communes):
        raise RollupError("city_invalid", file=layout.shown(path), reason="communes")
    return City(id=city, name=name, communes=communes)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_commune(root: Path, unit: str, period: str) -> Commune:
    """One commune's published outputs of ``period``, with its status."""
    layout = Layout(root, unit, period)
    folder = layout.outputs_dir
    commune = Commune(unit=unit, name=unit, status="missing")
    if not (folder / MANIFEST).is_file():
        if layout.failed_dir.is_dir():
            commune.status, commune.detail = "failed", {"folder": layout.shown(layout.failed_dir)}
        return commune
    figures_path = folder / FIGURES
    commune.file = layout.shown(figures_path)
    try:
        manifest = Manifest.read(folder / MANIFEST)
        commune.name = str((manifest.parameters or {}).get("unit_name") or unit)
        recorded = (manifest.outputs or {}).get(FIGURES)
        commune.sha256 = sha256_file(figures_path)
        if commune.sha256 != recorded:
            commune.status = "refused"
            commune.detail = {"actual": commune.sha256, "recorded": str(recorded)}
            return commune
        data = _read_json(figures_path)
        if data.get("unit") != unit or str(data.get("period")) != period:
            commune.status = "wrong_period"
            commune.detail = {"unit": str(data.get("unit")), "period": str(data.get("period"))}
            return commune
        failed = _failed_checks(folder, manifest)
        missing = _missing(folder, manifest)
    except (OSError, ValueError, AttributeError) as exc:
        commune.status, commune.detail = "unreadable", {"reason": type(exc).__name__}
        return commune
    commune.data = data
    commune.missing = missing
    if failed:
        commune.status, commune.detail = "failed_checks", {"ids": ", ".join(failed[:5])}
    elif layout.failed_dir.is_dir():  # published, then a later run of the period failed
        commune.status, commune.detail = "failed_rerun", {"folder": layout.shown(layout.failed_dir)}
    else:
        commune.status = "ok"
    return commune


def _published(folder: Path, manifest: Manifest, name: str) -> Any:
    """A JSON output of the commune's run, when its manifest names it with this SHA-256; else None."""
    path = folder / name
    recorded = (manifest.outputs or {}).get(name)
    if not recorded or not path.is_file() or sha256_file(path) != recorded:
        return None
    return _read_json(path)


def _missing(folder: Path, manifest: Manifest) -> list[str] | None:
    report = _published(folder, manifest, INGEST_REPORT_JSON)
    if not isinstance(report, dict):
        return None
    return [str(entry.get("text", "")) for entry in report.get("missing") or [] if isinstance(entry, dict)]


def _failed_checks(folder: Path, manifest: Manifest) -> list[str]:
    """Ids of the checks that failed in a run published anyway (--allow-failed-checks): the
    manifest's own list when it has one, else its reconciliation.json (when the manifest names
    it with this hash)."""
    if manifest.failed_checks is not None:
        return sorted(str(i) for i in manifest.failed_checks)
    checks = _published(folder, manifest, RECONCILIATION_JSON)
    if checks is None:
        return []
    return sorted(c["id"] for c in checks.get("checks", []) if c.get("status_code") == "error")


def read_communes(root: Path, city: City, period: str) -> list[Commune]:
    return [read_commune(root, unit, period) for unit in city.communes]
