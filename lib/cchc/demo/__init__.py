"""Deterministic generator of realistic, messy raw exports for the demo unit.

``generate(root)`` writes the procedure catalogue and the dossier exports of unit
``nguyen-luong-bang``, period ``2025`` (window 2025-07-01..2025-12-09) under
``root/data/raw/nguyen-luong-bang/2025/``. ``plan()`` returns the same population
in memory (one record per dossier, in its final state) so tests can check the
figures the pipeline must reproduce. All Vietnamese text comes from the YAML
files in ``cchc/data/demo``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from cchc.core.layout import Layout

from . import catalogue as catalogue_mod
from . import citizens, documents, exports, finance, manual, population, shapes, writers
from . import period as cal
from .catalogue import Procedure
from .dossier import Dossier
from .naming import UnitName

SEED = 20251209

__all__ = ["SEED", "Plan", "Dossier", "Procedure", "UnitName", "plan", "generate", "output_dir"]


@dataclass(frozen=True)
class Plan:
    catalogue: list[Procedure]
    dossiers: list[Dossier]          # every planned dossier, bad rows included (quarantine set)

    @property
    def counted(self) -> list[Dossier]:
        """Dossiers without a deliberate defect (the ones the figures are built from)."""
        return [d for d in self.dossiers if d.quarantine is None]

    @property
    def bad_rows(self) -> list[Dossier]:
        return [d for d in self.dossiers if d.quarantine is not None]


def plan(seed: int = SEED, scale: float = 1, name: UnitName | None = None) -> Plan:
    """Plan the catalogue and the dossier population (deterministic for a seed); ``scale``
    multiplies every dossier count (1: the reference demo, about 16.000 dossiers a year);
    ``name``: the unit the dossiers name (their agency, their holders' address; default: the
    demo commune)."""
    rng = random.Random(seed)
    procedures = catalogue_mod.build(random.Random(rng.randrange(2**32)))
    dossiers = population.plan_dossiers(random.Random(rng.randrange(2**32)), procedures, scale, name)
    return Plan(procedures, dossiers)


def output_dir(root: Path, unit: str = cal.UNIT) -> Path:
    return Layout(root, unit, cal.PERIOD).raw_dir


def generate(root: Path, unit: str = cal.UNIT, seed: int = SEED, scale: float = 1,
             name: UnitName | None = None, shape: str = shapes.LIST_SHAPE) -> list[Path]:
    """Write every demo export under ``root/data/raw/<unit>/2025/`` (default: the demo commune,
    nguyen-luong-bang); return the paths. Another seed or scale plans other dossiers (see
    cchc.demo.communes); ``name`` is the unit every export names (default: the demo commune,
    xã Nguyễn Lương Bằng); the other exports' contents are the demo commune's. ``shape``: how the
    dossiers come (cchc.demo.shapes): the monthly lists with the catalogue (the default), a
    vendor's list, the national records with the catalogue, or the statistics of form 06a."""
    planned = plan(seed, scale, name)
    out = output_dir(root, unit)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    if shape in (shapes.LIST_SHAPE, "national"):
        paths.append(writers.write_catalogue(out / exports.CATALOGUE_NAME, planned.catalogue, cal.CUTOFF, name))
    if shape == shapes.LIST_SHAPE:
        for index, export in enumerate(exports.DOSSIER_FILES):
            rows = exports.rows_for(export, planned.dossiers)
            file_rng = random.Random(seed * 100 + index)
            paths.append(writers.write_dossiers(out / export.name, export, rows, file_rng, name))
    else:
        paths.append(shapes.WRITERS[shape](out, planned.dossiers, name))
    for module in OTHER_SOURCES:  # the other exports, one module each
        paths += module.write(out, name)
    return paths


OTHER_SOURCES = [finance, citizens, documents, manual]
