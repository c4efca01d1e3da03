"""Demo outgoing document register ("Sổ văn bản đi") of xã Nguyễn Lương Bằng, 2025.

``write(folder)`` writes one xlsx export (title rows with the "đến ngày" date the register
stops at, an alias header, a personal-data column, mixed date forms, a footer total, three
bad rows). ``plan()`` returns the documents in memory. Words: data/demo/documents.yaml.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from cchc.core import fmt

from . import period as cal
from .naming import UnitName
from .naming import words as named_words
from .text import new_style_tones, thousands
from .writers import BOLD, _save_deterministic

SEED = 20251204
DATE_STYLES = ("cell", "cell", "cell", "cell", "dmy", "dmy", "dmy_short", "serial")


@dataclass(frozen=True)
class Document:
    type: str                 # key of `types` in documents.yaml
    number: str | None        # "478/QĐ-UBND"; None for a bad row without number
    date: dt.date | str       # a text date for a bad row
    title: str
    tags: str = ""
    legal: bool = False
    secrecy: str | None = None  # None | "secret" | "top_secret"
    mode: str = "electronic"    # "electronic" | "paper" | a raw text for a bad row
    bad: bool = False
    seq: int = 0              # place in the type's number sequence (0: outside any)


def words(unit: UnitName | None = None) -> dict[str, Any]:
    """data/demo/documents.yaml naming ``unit`` (default: the demo commune)."""
    return named_words("documents", unit)


def _interpolate(knots: list[tuple[int, dt.date]], seq: int) -> dt.date:
    for (n0, d0), (n1, d1) in zip(knots, knots[1:]):
        if n0 <= seq <= n1:
            if n1 == n0:
                return d0
            return d0 + dt.timedelta(days=((d1 - d0).days * (seq - n0)) // (n1 - n0))
    return knots[-1][1]


def _workday(day: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    """The next working day, or the previous one if the next passes ``hi``."""
    forward = day
    while not cal.is_workday(forward):
        forward += dt.timedelta(days=1)
    if forward <= hi:
        return forward
    backward = day
    while not cal.is_workday(backward) and backward > lo:
        backward -= dt.timedelta(days=1)
    return backward


def _symbol(spec: dict[str, Any], rng: random.Random) -> str:
    return spec["symbol"] if "symbol" in spec else rng.choice(spec["symbols"])


def _sequence(key: str, spec: dict[str, Any], fixed: list[dict], bad: list[dict], rng: random.Random,
              start: dt.date, as_of: dt.date, unit: UnitName | None = None) -> list[Document]:
    """Routine and classified documents of one type, around the fixed and bad numbers."""
    taken = {f["seq"] for f in fixed + bad if f["type"] == key and "seq" in f}
    fixed_valid = sum(1 for f in fixed if f["type"] == key and "seq" in f)
    bad_numbered = sum(1 for b in bad if b["type"] == key and "seq" in b)
    total = spec["count"] + spec["classified"] + bad_numbered
    knots = [(1, start), *[(int(n), d) for n, d in spec["knots"]], (total, as_of)]
    free = [seq for seq in range(1, total + 1) if seq not in taken]
    if len(free) != spec["count"] - fixed_valid + spec["classified"]:
        raise ValueError(f"{key}: numbers do not add up")
    secret = set(rng.sample(free, spec["classified"]))
    tags = words(unit)["tags"]
    out = []
    for seq in free:
        day = _workday(_interpolate(knots, seq), start, as_of)
        number = f"{seq}/{_symbol(spec, rng)}"
        if seq in secret:
            level = "top_secret" if key == "plan" else "secret"
            title = rng.choice(words(unit)["classified_titles"][key])
            out.append(Document(key, number, day, title, secrecy=level, mode="paper", seq=seq))
            continue
        tag = ""
        if rng.random() < 0.3:
            tag = "; ".join(rng.sample(tags, 2 if rng.random() < 0.2 else 1))
        out.append(Document(key, number, day, rng.choice(spec["titles"]), tags=tag, seq=seq))
    return out


def plan(unit: UnitName | None = None) -> list[Document]:
    """Every row of the register of ``unit`` (default: the demo commune), in register order (by
    date), bad rows included."""
    spec = words(unit)
    rng = random.Random(SEED)
    start, as_of = spec["start"], spec["as_of"]
    docs: list[Document] = []
    for item in spec["fixed"]:
        key = item["type"]
        if "seq" in item:
            number = f"{item['seq']}/{item.get('symbol') or spec['types'][key]['symbol']}"
        else:
            number = item["number"]
        docs.append(Document(key, number, item["date"], item["title"], tags=item.get("tags", ""),
                             legal=bool(item.get("legal")), seq=item.get("seq", 0)))
    for key, type_spec in spec["types"].items():
        docs += _sequence(key, type_spec, spec["fixed"], spec["bad"], rng, start, as_of, unit)
    for item in spec["bad"]:
        number = None
        if "seq" in item:
            number = f"{item['seq']}/{item.get('symbol') or spec['types'][item['type']]['symbol']}"
        docs.append(Document(item["type"], number, item["date"], item["title"], mode=item["mode"], bad=True,
                             seq=item.get("seq", 0)))
    order = list(spec["types"])

    def sort_key(doc: Document) -> tuple:
        kind = spec["legal_types"].get(doc.type, doc.type)
        return _sort_day(doc.date), order.index(kind), doc.seq, doc.number or ""

    return sorted(docs, key=sort_key)


def _sort_day(value: dt.date | str) -> dt.date:
    """A document's place in the register; a bad text date ("31/09/2025") by its month's end."""
    if isinstance(value, dt.date):
        return value
    day, month, year = (int(part) for part in value.split("/"))
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day, last))


def _date_cell(day: dt.date | str, rng: random.Random) -> Any:
    if isinstance(day, str):
        return day
    style = rng.choice(DATE_STYLES)
    if style == "cell":
        return dt.datetime.combine(day, dt.time())
    if style == "dmy":
        return fmt.date(day)
    if style == "dmy_short":
        return f"{day.day}/{day.month}/{day.year}"
    return (day - dt.date(1899, 12, 30)).days


def _row(index: int, doc: Document, rng: random.Random, unit: UnitName | None = None) -> list[Any]:
    spec = words(unit)
    w = spec["words"]
    kind = spec["legal_types"].get(doc.type, doc.type)
    label = spec["types"][kind]["label"]
    if rng.random() < 0.03 and label.lower() in w["lower_types"]:
        label = label.lower()
    if doc.mode == "electronic":
        mode = rng.choice(w["electronic"])
    elif doc.mode == "paper":
        mode = w["paper"]
    else:
        mode = doc.mode
    secrecy = w.get(doc.secrecy) if doc.secrecy else None
    if doc.secrecy:
        signed = rng.choice([w["no_word"], None])
    else:
        signed = "x" if rng.random() < 0.05 else w["yes_word"]
    legal = w["yes_word"] if doc.legal else rng.choice([w["no_word"], w["no_word"], None])
    title = new_style_tones(doc.title) if rng.random() < 0.5 else doc.title
    return [index, doc.number, _date_cell(doc.date, rng), label, title, rng.choice(spec["signers"]),
            rng.choice(spec["drafters"]), rng.choice(spec["recipients"]), mode, secrecy, signed, legal,
            doc.tags or None]


def write(folder: Path, unit: UnitName | None = None) -> list[Path]:
    """Write the register of ``unit`` (default: the demo commune) into ``folder``."""
    spec = words(unit)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED + 1)
    docs = plan(unit)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec["sheet"])
    for index, width in enumerate(spec["widths"], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    def bold(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = BOLD
        return cell

    for title in spec["titles"]:
        sheet.append([bold(title)] if title else [])
    sheet.append([bold(h) for h in spec["headers"].values()])
    for index, doc in enumerate(docs, start=1):
        cells = []
        for value in _row(index, doc, rng, unit):
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "dd/mm/yyyy"
                value = cell
            cells.append(value)
        sheet.append(cells)
    sheet.append([bold(spec["footer"].format(n=thousands(len(docs))))])
    path = folder / spec["file"]
    _save_deterministic(workbook, path)
    return [path]
