"""The unit a demo export names (xã Nguyễn Lương Bằng, or a synthetic commune of
cchc.demo.communes) and the placeholders of data/demo filled with its name.

A data file of data/demo writes the unit as a placeholder ("trên địa bàn {unit}", "UBND {unit}",
"ỦY BAN NHÂN DÂN {UNIT}", "Trường Tiểu học {name}", "Trung tâm Phục vụ hành chính công {kind}");
``fill`` puts the unit's words in every string of the loaded data (other braces, such as
"{n}" of a footer, are left for their own formatting).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .vocab import load


@dataclass(frozen=True)
class UnitName:
    kind: str      # the kind as a name begins with it: "Xã", "Phường", "Đặc khu"
    name: str      # the proper name: "Nguyễn Lương Bằng"

    @property
    def title(self) -> str:
        """The unit's name as the report shows it: "Xã Nguyễn Lương Bằng"."""
        return f"{self.kind} {self.name}"

    def placeholders(self) -> dict[str, str]:
        kind = self.kind.lower()
        return {"{Unit}": self.title, "{unit}": f"{kind} {self.name}", "{UNIT}": self.title.upper(),
                "{kind}": kind, "{KIND}": self.kind.upper(), "{name}": self.name}


def named(kind_key: str, name: str) -> UnitName:
    """The unit of kind ``kind_key`` (a key of communes.yaml ``kinds``: commune, ward, special)."""
    return UnitName(load("communes")["kinds"][kind_key], name)


@functools.lru_cache(maxsize=1)
def demo_unit() -> UnitName:
    """The demo commune (communes.yaml ``demo_unit``)."""
    spec = load("communes")["demo_unit"]
    return named(spec["kind"], spec["name"])


def fill(value: Any, unit: UnitName) -> Any:
    """``value`` (parsed YAML) with the unit's placeholders filled in every string."""
    if isinstance(value, str):
        for placeholder, text in unit.placeholders().items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, dict):
        return {key: fill(item, unit) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, unit) for item in value]
    return value


@functools.lru_cache(maxsize=64)
def words(file: str, unit: UnitName | None = None) -> Any:
    """The data file ``data/demo/<file>.yaml`` naming ``unit`` (default: the demo commune);
    treat as read-only."""
    return fill(load(file), unit or demo_unit())
