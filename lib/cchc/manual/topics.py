"""The workbook's topics (data/manual/topics.yaml): sheets, their rows and the rate figures.

A row's label names the unit by its kind (``{kind}``: "Trang thông tin điện tử phường"), filled
from the unit's name; with no unit (``unit_name`` None: the docs), the commune's word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.config.letter import kind_word
from cchc.core.resources import load_yaml

KEY_VALUE = "manual"          # the source kind of the key-value sheets
KINDS = ("count", "area", "number")
KIND_PLACEHOLDER = "{kind}"   # in a row's label: the unit's own word ("xã", "phường", "đặc khu")


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


def sheets(unit_name: str | None = None) -> list[Sheet]:
    """The sheets in workbook order, their rows' labels naming the unit ``unit_name`` by its kind."""
    word = kind_word(unit_name)
    out = []
    for entry in _data()["sheets"]:
        rows = tuple(Row(id=r["id"], label=r["label"].replace(KIND_PLACEHOLDER, word), unit=r["unit"],
                         kind=r["kind"], stable=bool(r.get("stable", False)), topic=entry["topic"])
                     for r in entry.get("rows", ()))
        out.append(Sheet(topic=entry["topic"], name=entry["sheet"], title=entry["title"],
                         kind=entry.get("table", KEY_VALUE), rows=rows,
                         blank_rows=int(entry.get("blank_rows", 0))))
    return out


def rows(unit_name: str | None = None) -> dict[str, Row]:
    """Every key-value row by id, in workbook order (labels as ``sheets(unit_name)``)."""
    return {row.id: row for sheet in sheets(unit_name) for row in sheet.rows}


def rates() -> dict[str, dict[str, str]]:
    return _data().get("rates", {})


def declared_units() -> list[str]:
    return list(_data().get("declared_units", []))
