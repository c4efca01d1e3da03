"""Read a raw export (xlsx or csv) into rows of cells, row 1 being the file's first row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from cchc.core.errors import CchcError

SUPPORTED = (".xlsx", ".csv")


@dataclass
class Table:
    rows: list[list[Any]]
    sheet: str | None  # None for csv


def read_table(path: Path, display: str, sheet: str | None = None) -> Table:
    """Read ``path`` (shown to the user as ``display``); raise CchcError if unreadable."""
    return read_tables(path, display, sheet, first_only=True)[0]


def read_tables(path: Path, display: str, sheet: str | None = None, first_only: bool = False
                ) -> list[Table]:
    """Every sheet of a workbook (the configured or first one first), or the csv's one table."""
    if path.stat().st_size == 0:
        raise CchcError("empty_file", file=display)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, display, sheet, first_only or sheet is not None)
    if suffix == ".csv":
        return [Table(_read_csv(path, display), None)]
    raise CchcError("unsupported_file", file=display)


def _read_xlsx(path: Path, display: str, sheet: str | None, first_only: bool) -> list[Table]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for non-xlsx content
        raise CchcError("unreadable_xlsx", file=display, reason=str(exc).strip() or type(exc).__name__) from exc
    names = book.sheet_names
    if not names:
        raise CchcError("empty_file", file=display)
    if sheet is not None and sheet not in names:
        raise CchcError("missing_sheet", file=display, sheet=sheet, sheets=", ".join(names))
    wanted = [sheet or names[0]] if first_only else [sheet or names[0]] + [n for n in names if n != (sheet or names[0])]
    tables = []
    for name in wanted:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise CchcError("unreadable_xlsx", file=display, reason=str(exc).strip() or type(exc).__name__) from exc
        tables.append(Table(rows, name))
    return tables


def _read_csv(path: Path, display: str) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CchcError("not_utf8", file=display, line=line) from exc
    if "\x00" in text:
        raise CchcError("not_utf8", file=display, line=text[: text.index("\x00")].count("\n") + 1)
    delimiter = _delimiter(text)
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _delimiter(text: str) -> str:
    """The separator of the header-like lines: whichever of ; , TAB splits a line most."""
    best, best_count = ",", 0
    lines = text.splitlines()[:20]
    for candidate in (";", ",", "\t"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best
