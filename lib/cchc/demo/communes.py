"""Many synthetic communes (`cchc demo --communes N [--seed S]`), for batch runs and the city's
roll-up: the demo generator (cchc.demo.generate) run with another seed and size per commune.

For a root, ``generate_communes(root, n, seed)`` writes, deterministically for ``seed``:

- ``params/<unit>/unit.yaml`` (``unit_name``, ``targets``) and ``params/<unit>/2025.yaml`` (the
  demo period's window) for each commune;
- ``data/raw/<unit>/2025/``: the demo's exports in the commune's shape (data/demo/shapes.yaml
  ``cycle``: the monthly lists, a vendor's list, the national records as JSON, or the statistics
  of form 06a alone; cchc.demo.shapes). The lists have the demo's mess (title rows, footers,
  mixed date forms, new-style tones, NFD text, bad rows…) with the commune's own dossiers,
  between about 1.000 and 20.000 a year (log-uniform); every export names the commune ("UBND
  phường Hồng Bàng", "trên địa bàn phường Hồng Bàng": the placeholders of data/demo filled by
  cchc.demo.naming), xã, phường or đặc khu as its name says;
- ``params/<city>/city.yaml``, the city's parameters for the roll-up (cchc rollup)::

      name: "Thành phố Hải Phòng"      # the city's name as its report shows it
      communes:                        # the unit ids of its communes, in order
        - hong-bang
        - an-hung

  A folder of ``params/`` with a ``city.yaml`` is a city, never a unit (cchc.batch skips it).

Names come from ``data/demo/communes.yaml``; unit ids are their slugs (a repeated slug gets
``-2``, ``-3``…). The finance, citizen and document exports are the demo commune's, naming
the commune.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.core import atomic
from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.core.text import slug
from cchc.manual import topics, workbook_bytes

from . import generate
from . import manual as manual_mod
from . import period as cal
from .naming import UnitName, named
from .naming import words as named_words
from .shapes import shape_of
from .vocab import load
from .writers import FIXED_TIMESTAMP

DEFAULT_SEED = 1
CITY_FILE = "city.yaml"
# Dossiers a year of the reference demo (scale 1): its window (1 July - 9 December) annualised.
REFERENCE_PER_YEAR = 16_000
# Declared figures that depend on the dossiers: dropped for a synthetic commune (the others stay).
DOSSIER_DECLARED = ("tthc.rate.online_payment", "tthc.received.total")


@dataclass(frozen=True)
class Commune:
    unit: str
    called: UnitName   # its kind and name, "Phường" "Hồng Bàng"
    per_year: int      # planned dossiers a year
    seed: int
    shape: str = "lists"   # how its dossiers come (cchc.demo.shapes)

    @property
    def name(self) -> str:
        """The name as the report shows it: "Phường Hồng Bàng"."""
        return self.called.title

    @property
    def scale(self) -> float:
        return self.per_year / REFERENCE_PER_YEAR


def data() -> dict[str, Any]:
    return load("communes")


def city_dir(root: Path) -> Path:
    return Layout(root, data()["city"]["id"]).params_dir


def plan_communes(n: int, seed: int = DEFAULT_SEED, per_year: int | None = None) -> list[Commune]:
    """The ``n`` communes of ``seed``: names in the list's order, sizes and seeds drawn (every
    commune of ``per_year`` dossiers a year when given: a benchmark's communes of one kind)."""
    spec = data()
    rng = random.Random(seed)
    low, high = math.log(spec["sizes"]["smallest"]), math.log(spec["sizes"]["largest"])
    names, seen, out, size = spec["names"], {}, [], per_year
    for index in range(n):
        kind, name = names[index % len(names)]
        if index >= len(names):
            name = f"{name} {index // len(names) + 1}"
        unit = slug(name)
        seen[unit] = seen.get(unit, 0) + 1
        if seen[unit] > 1:
            unit = f"{unit}-{seen[unit]}"
        drawn = round(math.exp(rng.uniform(low, high)), -1)
        out.append(Commune(unit, named(kind, name), int(size or drawn), rng.randrange(2**31), shape_of(index)))
    return out


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_params(root: Path, commune: Commune) -> list[Path]:
    spec = data()
    layout = Layout(root, commune.unit, cal.PERIOD)
    lines = [spec["unit_file_header"].format(name=commune.name), f"unit_name: {_yaml_text(commune.name)}",
             "targets:", *(f"  {key}: {_yaml_text(value)}" for key, value in spec["targets"].items())]
    layout.params_dir.mkdir(parents=True, exist_ok=True)
    atomic.write_text(layout.unit_params, "\n".join(lines) + "\n")
    atomic.write_text(layout.period_params, spec["period_file"])
    return [layout.unit_params, layout.period_params]


def write_manual(folder: Path, commune: Commune) -> Path:
    """The demo's manual workbook, naming the commune, without the declared figures that
    counted the demo commune's dossiers."""
    base = named_words("manual", commune.called)
    filled = {**base, "declared": [item for item in base["declared"] if item["figure_id"] not in DOSSIER_DECLARED]}
    path = folder / topics.file_name()
    path.write_bytes(workbook_bytes(manual_mod.build(filled), FIXED_TIMESTAMP))
    return path


def write_city(root: Path, communes: list[Commune]) -> Path:
    spec = data()["city"]
    path = city_dir(root) / CITY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, "\n".join([f"name: {_yaml_text(spec['name'])}", "communes:",
                                       *(f"  - {c.unit}" for c in communes)]) + "\n")
    return path


def generate_communes(root: Path, n: int, seed: int = DEFAULT_SEED, per_year: int | None = None) -> list[Path]:
    """Write the ``n`` communes of ``seed`` and the city file under ``root``; return the paths."""
    communes = plan_communes(n, seed, per_year)
    paths: list[Path] = []
    for commune in communes:
        paths += write_params(root, commune)
        written = generate(root, commune.unit, commune.seed, commune.scale, commune.called, commune.shape)
        manual_path = write_manual(Layout(root, commune.unit, cal.PERIOD).raw_dir, commune)
        paths += [p for p in written if p != manual_path] + [manual_path]
    paths.append(write_city(root, communes))
    return paths


def command(root: Path, n: int, seed: int | None = None, force: bool = False) -> tuple[int, Path]:
    """`cchc demo --communes N`: refuse to overwrite a commune's raw data unless ``force``;
    return how many files were written and the raw folder."""
    seed = DEFAULT_SEED if seed is None else seed
    for commune in plan_communes(n, seed):
        folder = Layout(root, commune.unit, cal.PERIOD).raw_dir
        if folder.is_dir() and any(folder.iterdir()) and not force:
            raise CchcError("demo_exists", folder=Layout(root).shown(folder))
    return len(generate_communes(root, n, seed)), Layout(root).root / "data" / "raw"
