"""Demo citizen reception log and petition register of xã Nguyễn Lương Bằng, 2025.

``write(folder)`` writes one workbook: the reception log ("Sổ tiếp công dân") on the first
sheet, the petition register ("Sổ theo dõi đơn thư") on the second, a note sheet no source
recognises on the third. Title rows, alias headers, personal-data columns, mixed date forms,
footer totals and a few bad rows. ``reception_rows()`` and ``petition_rows()`` return the rows
in memory. Words: data/demo/citizens.yaml.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from cchc.core import fmt

from . import period as cal
from . import writers
from .naming import UnitName
from .naming import words as named_words
from .people import fake_person
from .text import new_style_tones
from .writers import _save_deterministic

SEED = 20251210
LAST_RECEIPT = dt.date(2025, 11, 10)   # resolved petitions are received by then (resolved before E)


def words(unit: UnitName | None = None) -> dict[str, Any]:
    """data/demo/citizens.yaml naming ``unit`` (default: the demo commune)."""
    return named_words("citizens", unit)


def _day_cell(day: dt.date | str, rng: random.Random) -> Any:
    if isinstance(day, str):
        return day
    style = rng.choice(("cell", "cell", "dmy", "dmy_short"))
    if style == "cell":
        return dt.datetime.combine(day, dt.time())
    return fmt.date(day) if style == "dmy" else f"{day.day}/{day.month}/{day.year}"


def reception_rows(rng: random.Random) -> list[dict[str, Any]]:
    """Log rows (date, form, visits) in date order, bad rows included; one on the cut-off day."""
    spec = words()["reception"]
    planned = [(form, n) for form in ("direct", "remote") for n in spec["in_window"][form]]
    rng.shuffle(planned)
    days = sorted(rng.sample(cal.workdays_between(cal.START, cal.CUTOFF - dt.timedelta(days=1)),
                             len(planned) - 1)) + [cal.CUTOFF]
    rows = [{"date": day, "form": form, "visits": n} for day, (form, n) in zip(days, planned)]
    rows += [dict(item) for item in spec["after_cutoff"] + spec["bad"]]
    return sorted(rows, key=lambda row: row["date"])


def petition_rows(rng: random.Random) -> list[dict[str, Any]]:
    """Register rows in order of receipt, bad rows included."""
    spec = words()["petitions"]
    rows = []
    days = sorted(rng.sample(cal.workdays_between(cal.START, LAST_RECEIPT), spec["in_window"]["resolved"]))
    for day in days:
        rows.append({"received": day, "type": "recommendation", "eligibility": "eligible", "authority": True,
                     "result": "resolved", "resolved": cal.add_workdays(day, rng.randint(3, 18))})
    for item in spec["in_window"]["pending"]:
        rows.append({"type": "recommendation", "eligibility": "eligible", "authority": True,
                     "result": "resolved" if "resolved" in item else "pending", **item})
    rows += [dict(item) for item in spec["after_cutoff"] + spec["bad"]]

    def order(row: dict[str, Any]) -> dt.date:
        received = row["received"]
        if isinstance(received, dt.date):
            return received
        day, month, year = (int(part) for part in received.split("/"))
        return dt.date(year, month, 1) + dt.timedelta(days=27)  # a bad date sits near its month's end

    return sorted(rows, key=order)


def _reception_cells(rows: list[dict[str, Any]], rng: random.Random, unit: UnitName | None) -> list[list[Any]]:
    spec = words()["reception"]
    out = []
    for index, row in enumerate(rows, start=1):
        person = fake_person(rng, unit)
        form = rng.choice(spec["forms"][row["form"]]) if row["form"] else None
        content = rng.choice(spec["contents"])
        out.append([index, _day_cell(row["date"], rng), person.name, person.address, form, row["visits"],
                    new_style_tones(content) if rng.random() < 0.3 else content, rng.choice(spec["officers"])])
    return out


def _petition_cells(rows: list[dict[str, Any]], rng: random.Random, unit: UnitName | None) -> list[list[Any]]:
    spec = words()["petitions"]
    out = []
    for index, row in enumerate(rows, start=1):
        person = fake_person(rng, unit)
        kind = rng.choice(spec["types"][row["type"]]) if row["type"] else None
        resolved = row.get("resolved")
        out.append([index, _day_cell(row["received"], rng), person.name, person.address, kind,
                    rng.choice(spec["fields"]), rng.choice(spec["summaries"]), spec["eligibility"][row["eligibility"]],
                    spec["yes_no"][row["authority"]], spec["results"][row["result"]],
                    _day_cell(resolved, rng) if resolved else None])
    return out


def _sheet(workbook: Workbook, name: str, titles: list[str], headers: list[str], rows: list[list[Any]],
           footer: str | None, widths: list[float]) -> None:
    writers.append_sheet(workbook, name, titles, headers, rows, footer, widths, date_format="dd/mm/yyyy")


def write(folder: Path, unit: UnitName | None = None) -> list[Path]:
    """Write the workbook of ``unit`` (default: the demo commune) into ``folder``."""
    spec = words(unit)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    reception = reception_rows(random.Random(rng.randrange(2**32)))
    petitions = petition_rows(random.Random(rng.randrange(2**32)))
    workbook = Workbook(write_only=True)
    for key, rows, cells in (("reception", reception, _reception_cells),
                             ("petitions", petitions, _petition_cells)):
        part = spec[key]
        titles = [spec["unit_title"], part["title"], spec["period_title"], ""]
        _sheet(workbook, part["sheet"], titles, list(part["headers"].values()),
               cells(rows, random.Random(rng.randrange(2**32)), unit), part["footer"].format(n=len(rows)),
               part["widths"])
    _sheet(workbook, spec["notes"]["sheet"], spec["notes"]["lines"], [], [], None, [90])
    path = folder / spec["file"]
    _save_deterministic(workbook, path)
    return [path]
