"""The shapes other than the monthly lists in which a synthetic commune's dossiers come
(raw-exports.md §7; words in data/demo/shapes.yaml): a vendor's dossier list, the national
portal's dossier records (JSON), or the system's own statistics of form 06a.

Each writer takes the planned dossiers in their final state as of the last export (the rows
without a deliberate defect: these shapes carry no bad rows) and writes one file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

from cchc.core import atomic, fmt
from cchc.core.xlsx import deterministic_bytes

from . import period as cal
from .dossier import Dossier
from .naming import UnitName, words
from .writers import BOLD, FIXED_TIMESTAMP, append_sheet

LIST_SHAPE = "lists"
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def spec(unit: UnitName | None = None) -> dict[str, Any]:
    return words("shapes", unit)


def shape_of(index: int) -> str:
    """The shape of the ``index``-th synthetic commune (0-based)."""
    cycle = spec()["cycle"]
    return cycle[index % len(cycle)]


def _final(dossiers: list[Dossier]) -> list[Dossier]:
    """The dossiers a system holds at the last export: received by then, without a defect."""
    return sorted((d for d in dossiers if d.quarantine is None and d.received_at.date() <= cal.LAST_EXPORT),
                  key=lambda d: (d.received_at, d.dossier_id))


def _state_key(d: Dossier) -> str:
    if d.state == "resolved":
        return "returned" if d.returned_at is not None else "resolved"
    return d.state


def _end(d: Dossier) -> dt.datetime | None:
    return d.resolved_at if d.state in ("resolved", "withdrawn", "rejected") else None


# --------------------------------------------------------------------------- vendor list

def write_vendor(folder: Path, dossiers: list[Dossier], unit: UnitName | None = None) -> Path:
    """A vendor's list: its own header and status labels, no procedure code, channel or catalogue."""
    shape = spec(unit)["vendor"]
    rows = []
    for number, d in enumerate(_final(dossiers), start=1):
        label = shape["statuses"][_state_key(d)]
        if isinstance(label, list):       # the open states: one of the system's labels, by the id
            label = label[sum(map(ord, d.dossier_id)) % len(label)]
        end = _end(d)
        rows.append([number, d.agency, d.field, d.procedure_name, d.dossier_id, label, d.address, d.holder,
                     fmt.date(d.received_at), fmt.date(d.due_at) if d.due_at else None,
                     fmt.date(end) if end else None, d.receiver or None])
    titles = [t.format(start=fmt.date(cal.START), end=fmt.date(cal.CUTOFF)) for t in shape["titles"]]
    book = Workbook(write_only=True)
    append_sheet(book, shape["sheet"], titles, shape["header"], rows, None,
                 [6, 30, 22, 60, 24, 24, 40, 24, 12, 12, 12, 30])
    path = folder / shape["file"]
    path.write_bytes(deterministic_bytes(book, FIXED_TIMESTAMP))
    return path


# --------------------------------------------------------------------------- national records

def _stamp(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y%m%d%H%M%S") if value is not None else None


def national_record(d: Dossier, codes: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One dossier as the sync record a provincial system sends the national portal."""
    return {
        "MaHoSo": d.dossier_id, "MaTTHC": d.procedure_code, "TenTTHC": d.procedure_name,
        "MaLinhVuc": None, "TenLinhVuc": d.field, "KenhThucHien": codes["channels"][d.channel],
        "ChuHoSo": d.holder, "SoGiayToChuHoSo": d.id_number, "SoDienThoai": d.phone, "Email": d.email or None,
        "DiaChiChuHoSo": d.address,
        "NgayNopHoSo": _stamp(d.received_at), "NgayTiepNhan": _stamp(d.received_at),
        "NgayHenTra": _stamp(d.due_at), "NgayKetThucXuLy": _stamp(_end(d) if d.state != "rejected" else None),
        "NgayTra": _stamp(d.returned_at),
        "NgayTuChoi": _stamp(d.resolved_at if d.state == "rejected" else None),
        "TrangThaiHoSo": codes["statuses"][_state_key(d)], "DonViXuLy": d.agency,
        "HoSoCoThanhPhanSoHoa": 1 if d.digitized else 0,
        "DuocThanhToanTrucTuyen": codes["payments"][d.payment],
    }


def write_national(folder: Path, dossiers: list[Dossier], unit: UnitName | None = None) -> Path:
    """The national portal's records of the commune's dossiers: a JSON list, one record a line."""
    codes = spec(unit)["national"]
    lines = [json.dumps(national_record(d, codes), ensure_ascii=False) for d in _final(dossiers)]
    path = folder / codes["file"]
    atomic.write_text(path, "[\n" + ",\n".join(lines) + "\n]\n")
    return path


# --------------------------------------------------------------------------- statistics of form 06a

STAT_COLUMNS = ("to_handle", "online", "offline", "carried", "resolved", "early", "on_time", "late",
                "pending", "not_due", "overdue")


def statistics_row(dossiers: list[Dossier]) -> dict[str, int]:
    """Columns (3)-(13) of form 06a over ``dossiers``, as the system computes them for the demo
    window (figures.md: rejected dossiers are not counted; an end date is a resolved or withdrawn
    dossier's)."""
    counts = dict.fromkeys(STAT_COLUMNS, 0)
    start, end_day = cal.START, cal.CUTOFF
    for d in dossiers:
        if d.state == "rejected":
            continue
        received = d.received_at.date()
        end = d.end_date
        carried = received < start and (end is None or end >= start)
        if not carried and not start <= received <= end_day:
            continue
        counts["carried" if carried else ("online" if d.channel == "online" else "offline")] += 1
        counts["to_handle"] += 1
        due = d.due_at.date() if d.due_at is not None else None
        if end is not None and start <= end <= end_day:
            counts["resolved"] += 1
            counts["on_time" if due is None or end == due else "early" if end < due else "late"] += 1
        else:
            counts["pending"] += 1
            counts["overdue" if due is not None and due < end_day else "not_due"] += 1
    return counts


def write_statistics(folder: Path, dossiers: list[Dossier], unit: UnitName | None = None) -> Path:
    """The system's "Thống kê" page of form 06a: title rows, a header of three merged levels, the
    row of column numbers (1)...(13), a row per field and "Tổng cộng"."""
    shape = spec(unit)["statistics"]
    final = _final(dossiers)
    fields = sorted({d.field for d in final})
    book = Workbook()
    sheet = book.active
    sheet.title = shape["sheet"]
    for title in shape["titles"]:
        sheet.append([title.format(start=fmt.date(cal.START), end=fmt.date(cal.CUTOFF))])
        sheet.cell(sheet.max_row, 1).font = BOLD
    first = sheet.max_row + 1
    levels = shape["header"]
    for level in levels:
        sheet.append(level)
    _merge_header(sheet, levels, first)
    sheet.append([f"({n})" for n in range(1, 14)])
    totals = dict.fromkeys(STAT_COLUMNS, 0)
    for number, field in enumerate(fields, start=1):
        counts = statistics_row([d for d in final if d.field == field])
        for key in STAT_COLUMNS:
            totals[key] += counts[key]
        sheet.append([number, field, *(counts[key] for key in STAT_COLUMNS)])
    sheet.append(["", shape["total"], *(totals[key] for key in STAT_COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    sheet.column_dimensions["B"].width = 40
    path = folder / shape["file"]
    path.write_bytes(deterministic_bytes(book, FIXED_TIMESTAMP))
    return path


def _merge_header(sheet, levels: list[list[str]], first: int) -> None:
    """Merge each header word right over the empty cells after it (up to the next word of its
    level or of the level above) and down over the empty cells below it."""
    width = len(levels[0])
    for depth, level in enumerate(levels):
        for column, word in enumerate(level):
            if not word:
                continue
            right = column
            while right + 1 < width and not level[right + 1] and not _starts_above(levels, depth, right + 1):
                right += 1
            down = depth
            while down + 1 < len(levels) and all(not levels[down + 1][c] for c in range(column, right + 1)):
                down += 1
            row = first + depth
            cell = sheet.cell(row, column + 1)
            cell.font, cell.alignment = BOLD, CENTRED
            if right > column or down > depth:
                sheet.merge_cells(start_row=row, start_column=column + 1, end_row=first + down,
                                  end_column=right + 1)


def _starts_above(levels: list[list[str]], depth: int, column: int) -> bool:
    return any(levels[above][column] for above in range(depth))


WRITERS = {"vendor": write_vendor, "national": write_national, "statistics": write_statistics}
