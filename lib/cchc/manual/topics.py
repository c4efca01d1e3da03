"""The workbook's topics (data/manual/topics.yaml): sheets, their rows and the rate figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.core.resources import load_yaml

KEY_VALUE = "manual"          # the source kind of the key-value sheets
KINDS = ("count", "area", "number")


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    unit: str
    kind: str
    stable: bool
    topic: str


@dataclass(frozen=True)
class Sheet:
    topic: str
    name: str
    title: str
    kind: str                   # source kind: manual | manual_tasks | manual_initiatives | manual_declared
    rows: tuple[Row, ...] = ()
    blank_rows: int = 0


def _data() -> dict[str, Any]:
    return load_yaml("manual/topics.yaml")


def file_name() -> str:
    return _data()["file"]


def sheets() -> list[Sheet]:
    out = []
    for entry in _data()["sheets"]:
        rows = tuple(Row(id=r["id"], label=r["label"], unit=r["unit"], kind=r["kind"],
                         stable=bool(r.get("stable", False)), topic=entry["topic"])
                     for r in entry.get("rows", ()))
        out.append(Sheet(topic=entry["topic"], name=entry["sheet"], title=entry["title"],
                         kind=entry.get("table", KEY_VALUE), rows=rows,
                         blank_rows=int(entry.get("blank_rows", 0))))
    return out


def rows() -> dict[str, Row]:
    """Every key-value row by id, in workbook order."""
    return {row.id: row for sheet in sheets() for row in sheet.rows}


def rates() -> dict[str, dict[str, str]]:
    return _data().get("rates", {})


def declared_units() -> list[str]:
    return list(_data().get("declared_units", []))
