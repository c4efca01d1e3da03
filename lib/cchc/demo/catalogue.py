"""Build the procedure catalogue (danh mục TTHC) from catalogue.yaml."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from . import vocab

ONLINE_LEVELS = ("full", "partial", "none")
CODE_PREFIXES = ("1", "2", "3")
CODE_PREFIX_WEIGHTS = (6, 3, 1)


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    level: str            # "commune" | "vertical"
    pool: str             # which agency's dossiers use it: "commune" | "land_branch" | "none"
    online_level: str     # "full" | "partial" | "none"
    deadline: int | None  # working days; None = no deadline
    fee: bool
    interlink: str | None  # interlink group key ("birth", "death") or None
    weight: float         # relative dossier volume (0 = never used by a dossier)


def _new_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        prefix = rng.choices(CODE_PREFIXES, weights=CODE_PREFIX_WEIGHTS)[0]
        code = f"{prefix}.{rng.randint(100, 13999):06d}"
        if code not in taken:
            return code


def build(rng: random.Random) -> list[Procedure]:
    spec = vocab.catalogue()
    taken_codes: set[str] = set()
    taken_names: set[str] = set()
    for field in spec["fields"]:
        for real in field.get("real", []):
            if "code" in real:
                taken_codes.add(real["code"])

    procedures: list[Procedure] = []
    for field in spec["fields"]:
        entries: list[dict] = [dict(real) for real in field.get("real", [])]
        synth_names = [f"{a} {o}" for a, o in itertools.product(field.get("actions", []), field.get("objects", []))]
        rng.shuffle(synth_names)
        for name in synth_names:
            if len(entries) >= field["count"]:
                break
            entries.append({"name": name})
        if len(entries) != field["count"]:
            raise ValueError(f"field {field['name']!r}: {len(entries)} names for {field['count']} procedures")

        active = field.get("active", field["count"])
        harmonic = sum(1.0 / (k + 1) for k in range(active))
        for index, entry in enumerate(entries):
            name = entry["name"]
            if name in taken_names:
                raise ValueError(f"duplicate procedure name {name!r}")
            taken_names.add(name)
            code = entry.get("code") or _new_code(rng, taken_codes)
            taken_codes.add(code)
            online = entry.get("online") or rng.choices(ONLINE_LEVELS, weights=field["online"])[0]
            fee = entry["fee"] if "fee" in entry else rng.random() < field["fee"]
            deadline = entry["deadline"] if "deadline" in entry else rng.choice(field["deadlines"])
            weight = field["weight"] / (index + 1) / harmonic if index < active else 0.0
            procedures.append(Procedure(
                code=code, name=name, field=field["name"], level=field["level"], pool=field["pool"],
                online_level=online, deadline=deadline, fee=bool(fee),
                interlink=entry.get("interlink"), weight=weight,
            ))
    if len(procedures) != spec["total"]:
        raise ValueError(f"catalogue has {len(procedures)} procedures, expected {spec['total']}")
    return procedures
