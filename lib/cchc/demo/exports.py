"""The export files the demo writes, which dossiers each holds, and their state in each.

Each dossier export lists the dossiers *active* in its period (received in it, or
still open at some point of it) with their state as of the export date (the end
of the period). Consecutive monthly periods overlap by a few days, so the last
file in which a dossier appears always holds its final state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .dossier import Dossier

D = dt.date

BASE = ("dossier_id", "procedure_code", "procedure_name", "field", "agency", "channel",
        "received_at", "due_at", "resolved_at", "returned_at", "status", "digitized",
        "result_digitized", "reused", "payment", "interlink_group", "service_level", "rating")
PERSONAL = ("holder", "id_number", "phone", "address")
DATE_COLUMNS = ("received_at", "due_at", "resolved_at", "returned_at")
BOOL_COLUMNS = ("digitized", "result_digitized", "reused")


def _cols(*parts: tuple[str, ...] | str) -> tuple[str, ...]:
    out: list[str] = []
    for part in parts:
        out.extend([part] if isinstance(part, str) else part)
    return tuple(out)


@dataclass(frozen=True)
class ExportFile:
    name: str
    source: str                   # "commune" | "land_branch"
    start: dt.date                # first day of the period
    end: dt.date                  # last day of the period = export date
    headers: str                  # header set in labels.yaml: canonical | csv | land
    columns: tuple[str, ...]
    date_styles: tuple[str, ...]  # see writers.format_date
    bool_style: str               # see writers.format_bool
    titles: tuple[str, ...]       # title-row keys, see writers.title_text
    footer: str = "dossiers"
    newest_first: bool = False
    new_tones: bool = False       # rewrite text with new-style tone placement
    nfd: bool = False             # write text in Unicode NFD

    @property
    def is_csv(self) -> bool:
        return self.name.endswith(".csv")


COMMUNE_FILES: tuple[ExportFile, ...] = (
    ExportFile("ho-so-2025-06.xlsx", "commune", D(2025, 6, 1), D(2025, 7, 3), "canonical",
               _cols("dossier_id", PERSONAL, BASE[1:]), ("cell",), "co_khong",
               ("committee", "title", "period")),
    ExportFile("ho-so-2025-07.xlsx", "commune", D(2025, 7, 1), D(2025, 8, 5), "canonical",
               _cols(BASE[:3], "holder", "id_number", BASE[3:], "phone", "address", "note"),
               ("cell", "dmy_hm"), "co_khong", ("committee", "title", "period", "blank")),
    ExportFile("ho-so-2025-08.xlsx", "commune", D(2025, 8, 1), D(2025, 9, 5), "canonical",
               _cols(BASE, PERSONAL), ("dmy", "dmy_short", "serial", "serial_date"), "x_blank",
               ("committee", "center", "title", "period", "blank"), newest_first=True),
    ExportFile("ho-so-2025-09.xlsx", "commune", D(2025, 9, 1), D(2025, 10, 6), "canonical",
               _cols("dossier_id", "holder", BASE[1:], "id_number", "phone", "address", "receiver"),
               ("iso_hms", "dmy_dash", "iso_date"), "one_zero", ("committee", "title", "period", "blank")),
    ExportFile("ho-so-2025-10.csv", "commune", D(2025, 10, 1), D(2025, 11, 5), "csv",
               _cols(BASE[:2], "field", "procedure_name", BASE[4:], PERSONAL, "email"),
               ("dmy_hm", "dmy_short", "iso_hms", "dmy"), "co_khong",
               ("committee", "title", "period", "blank"), new_tones=True, nfd=True),
    ExportFile("ho-so-2025-11.xlsx", "commune", D(2025, 11, 1), D(2025, 12, 5), "canonical",
               _cols(BASE, "holder", "id_number", "address", "phone", "note"),
               ("serial", "cell"), "co_khong", ("title", "period"), new_tones=True),
    ExportFile("ho-so-2025-12.xlsx", "commune", D(2025, 12, 1), D(2025, 12, 12), "canonical",
               _cols(BASE, PERSONAL),
               ("cell", "cell_date", "serial", "dmy", "dmy_short", "dmy_hm", "dmy_hms", "dmy_dash", "iso_hms"),
               "mixed", ("committee", "center", "title", "period", "blank"), newest_first=True),
)

LAND_FILE = ExportFile(
    "ho-so-cn-vpdkdd-2025.xlsx", "land_branch", D(2025, 7, 1), D(2025, 12, 12), "land",
    _cols("dossier_id", "procedure_code", "procedure_name", "field", "agency", "holder", "id_number",
          "address", "channel", "received_at", "due_at", "resolved_at", "returned_at", "status",
          "digitized", "result_digitized", "reused", "payment", "interlink_group", "service_level",
          "rating", "phone"),
    ("dmy", "dmy_hms"), "co_khong", ("land_parent", "land_office", "title_land", "period"),
    footer="dossiers_land",
)

DOSSIER_FILES: tuple[ExportFile, ...] = COMMUNE_FILES + (LAND_FILE,)
CATALOGUE_NAME = "danh-muc-tthc.xlsx"


def includes(export: ExportFile, dossier: Dossier) -> bool:
    """Whether ``dossier`` is a row of ``export``."""
    if dossier.quarantine is not None:
        return dossier.bad_file == export.name
    if dossier.source != export.source:
        return False
    received = dossier.received_at.date()
    if received > export.end:
        return False
    return received >= export.start or dossier.closed_on is None or dossier.closed_on >= export.start


def final_file(dossier: Dossier) -> ExportFile:
    """The last file (by name) holding ``dossier``: the one whose row wins on collapse."""
    holding = [f for f in DOSSIER_FILES if includes(f, dossier)]
    if not holding:
        raise ValueError(f"dossier received {dossier.received_at} is in no export")
    return max(holding, key=lambda f: f.name)


def snapshot(dossier: Dossier, export: ExportFile) -> dict[str, Any]:
    """The dossier's row in ``export``: its state as of the export date.

    Values are Python objects (str, datetime, bool or None); writers format them.
    """
    d = dossier
    t = export.end
    row: dict[str, Any] = {
        "dossier_id": d.dossier_id, "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name, "field": d.field, "agency": d.agency,
        "channel": d.channel_label, "received_at": d.received_at, "due_at": d.due_at,
        "digitized": d.digitized, "reused": d.reused, "payment": d.payment_label,
        "interlink_group": d.interlink_group, "service_level": d.service_level,
        "holder": d.holder, "id_number": d.id_number, "phone": d.phone, "address": d.address,
        "email": d.email, "note": d.note, "receiver": d.receiver,
    }
    is_final = d.final_file == export.name
    if d.state == "rejected":
        row.update(status=d.status_label, resolved_at=d.resolved_at, returned_at=None,
                   result_digitized=False, rating="")
    elif d.closed_on is None or d.closed_on > t:
        row.update(status=d.status_label if (d.closed_on is None and is_final) else d.interim_label,
                   resolved_at=None, returned_at=None, result_digitized=False, rating="")
    else:
        returned = d.returned_at if d.returned_at is not None and d.returned_at.date() <= t else None
        if d.state == "withdrawn" or returned is not None or d.returned_at is None:
            status = d.status_label
        else:
            status = d.unreturned_label
        row.update(status=status, resolved_at=d.resolved_at, returned_at=returned,
                   result_digitized=d.result_digitized, rating=d.rating_label)
    row.update(d.raw_overrides)
    return row


def rows_for(export: ExportFile, dossiers: list[Dossier]) -> list[dict[str, Any]]:
    members = [d for d in dossiers if includes(export, d)]
    members.sort(key=lambda d: (d.received_at, d.dossier_id), reverse=export.newest_first)
    return [snapshot(d, export) for d in members]
