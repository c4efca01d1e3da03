"""Read a raw export (xlsx, xls, ods, csv or JSON records) into rows of cells, row 1 being the
file's first row (of a JSON file: the header is row 0, the keys; record N is row N, see
cchc.ingest.jsonrecords).

Workbooks are read by calamine, after resource guards: a workbook whose parts inflate out of
proportion, or whose sheets declare (or whose cells reach) a size out of proportion to the
file, is refused before calamine allocates it. Cells calamine reads as empty although they
are not (an Excel error, a formula saved without its value) come back as ``cells.Fault``.
A csv is streamed: its rows are parsed as they are read, never all held as text.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from cchc.config.sources import Guards, ingest_rules
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.ingest.cells import EXCEL_ERROR, UNCACHED_FORMULA, Fault
from cchc.ingest.jsonrecords import SUFFIXES as JSON_SUFFIXES
from cchc.ingest.jsonrecords import json_rows

WORKBOOKS = (".xlsx", ".xls", ".ods")
SUPPORTED = (*WORKBOOKS, ".csv", *JSON_SUFFIXES)
FORMAT_NAMES = {".xlsx": "Excel (.xlsx)", ".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)"}
DELIMITER_LINES = 20
CSV_FIELD_LIMIT = 1_000_000   # characters in one csv cell

Row = list[Any]


class Table:
    """One sheet (or a csv): its rows, streamed by ``iter_rows`` or all at once as ``rows``."""

    def __init__(self, rows: list[Row] | None, sheet: str | None,
                 stream: Callable[[], Iterator[Row]] | None = None, first_row: int = 1) -> None:
        self._rows = rows
        self._stream = stream
        self.sheet = sheet  # None for csv
        self.first_row = first_row  # the number of the first row (0: a JSON file's keys)

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = list(self.iter_rows())
        return self._rows

    def iter_rows(self) -> Iterator[Row]:
        if self._rows is not None:
            return iter(self._rows)
        assert self._stream is not None
        return self._stream()


def read_table(path: Path, display: str, sheet: str | None = None) -> Table:
    """Read ``path`` (shown to the user as ``display``); raise CchcError if unreadable."""
    return read_tables(path, display, sheet, first_only=True)[0]


def read_tables(path: Path, display: str, sheet: str | None = None, first_only: bool = False
                ) -> list[Table]:
    """Every sheet of a workbook (the configured or first one first), or the csv's one table."""
    if path.stat().st_size == 0:
        raise CchcError("empty_file", file=display)
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        return _read_workbook(path, display, sheet, first_only or sheet is not None)
    if suffix == ".csv":
        return [_csv_table(path, display)]
    if suffix in JSON_SUFFIXES:
        return [Table(None, None, lambda: json_rows(path, display), first_row=0)]
    raise CchcError("unsupported_format", file=display)


# --------------------------------------------------------------------------- workbooks

def _unreadable(path: Path, display: str, exc: BaseException) -> CchcError:
    return CchcError("unreadable_workbook", file=display, format=FORMAT_NAMES[path.suffix.lower()],
                     reason=str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__)


def _read_workbook(path: Path, display: str, sheet: str | None, first_only: bool) -> list[Table]:
    parts = _inspect_zip(path, display)
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
    except Exception as exc:  # calamine raises several types for content of another kind
        raise _unreadable(path, display, exc) from exc
    if not names:
        raise CchcError("empty_file", file=display)
    if sheet is not None and sheet not in names:
        raise CchcError("missing_sheet", file=display, sheet=sheet, sheets=", ".join(names))
    first = sheet or names[0]
    wanted = [first] if first_only else [first] + [n for n in names if n != first]
    sheet_parts = parts.get("sheets", {})
    faults_by_sheet: dict[str, dict[tuple[int, int], Fault]] = {}
    if sheet_parts:
        with zipfile.ZipFile(path) as archive:  # one reading of the zip's directory for every sheet
            for name in wanted:
                part = sheet_parts.get(name)
                if part is not None:
                    faults_by_sheet[name] = _scan_sheet(archive, display, name, part, parts["guards"])
    tables = []
    for name in wanted:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise _unreadable(path, display, exc) from exc
        _place_faults(rows, faults_by_sheet.get(name, {}))
        tables.append(Table(rows, name))
    return tables


def _place_faults(rows: list[Row], faults: dict[tuple[int, int], Fault]) -> None:
    for (row, column), fault in faults.items():
        if row >= len(rows):
            continue
        cells = rows[row]
        if column >= len(cells):
            cells.extend([""] * (column + 1 - len(cells)))
        if cells[column] in ("", None):  # calamine read it as empty
            cells[column] = fault


_SHEET_TARGET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_SHEET_TARGET_REV = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"', re.S)
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_RELATIONSHIP_REV = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Za-z]{1,4})?(\d+)?(?::([A-Za-z]{1,4})(\d+))?"')
_XML_ESCAPES = {b"&amp;": b"&", b"&lt;": b"<", b"&gt;": b">", b"&quot;": b'"', b"&apos;": b"'"}


def _unescape(raw: bytes) -> str:
    for escaped, plain in _XML_ESCAPES.items():
        raw = raw.replace(escaped, plain)
    return raw.decode("utf-8", "replace")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _inspect_zip(path: Path, display: str) -> dict[str, Any]:
    """Resource guards of a zipped workbook (xlsx, ods): every part inflates within limits;
    each worksheet's declared dimension is in proportion to its XML. Returns the worksheet
    part of each sheet name (xlsx) for the scan of its cells. Not a zip: calamine says why."""
    guards = ingest_rules().guards
    if not zipfile.is_zipfile(path):
        return {}
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, display, exc) from exc
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        inflated = 0
        for info in infos.values():
            inflated += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (info.file_size > guards.ratio_from_bytes and ratio > guards.max_ratio) \
                    or inflated > guards.max_inflated_bytes:
                raise CchcError("workbook_inflates", file=display, part=info.filename,
                                inflated=fmt.integer(info.file_size) + " byte",
                                compressed=fmt.integer(info.compress_size) + " byte",
                                ratio=fmt.integer(round(ratio)))
        sheets = _sheet_parts(archive, infos)
        for name, part in sheets.items():
            _check_dimension(archive, infos[part], display, name, guards)
    return {"sheets": sheets, "guards": guards}


def _sheet_parts(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet name -> its worksheet part (xl/worksheets/sheetN.xml) of an xlsx; {} otherwise."""
    if "xl/workbook.xml" not in infos or "xl/_rels/workbook.xml.rels" not in infos:
        return {}
    if infos["xl/workbook.xml"].file_size > 50_000_000 or infos["xl/_rels/workbook.xml.rels"].file_size > 50_000_000:
        return {}
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _RELATIONSHIP.findall(rels)}
    targets.update({rid: target for target, rid in _RELATIONSHIP_REV.findall(rels)})
    found = {name: rid for name, rid in _SHEET_TARGET.findall(workbook)}
    found.update({name: rid for rid, name in _SHEET_TARGET_REV.findall(workbook)})
    parts = {}
    for name, rid in found.items():
        target = targets.get(rid)
        if target is None:
            continue
        target_text = target.decode("utf-8", "replace")
        part = target_text.lstrip("/") if target_text.startswith("/") else "xl/" + target_text
        if part in infos:
            parts[_unescape(name)] = part
    return parts


def _cell_limit(xml_bytes: int, guards: Guards) -> int:
    return min(guards.max_cells, max(guards.min_cells, xml_bytes * guards.cells_per_byte))


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, sheet: str,
                     guards: Guards) -> None:
    with archive.open(info) as handle:
        head = handle.read(65536)
    found = _DIMENSION.search(head) if b"dimension" in head else None  # no element: no regex pass
    if found is None or found.group(3) is None:
        return
    first_col, first_row = _column_number((found.group(1) or b"A").decode()), int(found.group(2) or 1)
    last_col, last_row = _column_number(found.group(3).decode()), int(found.group(4))
    _check_extent(display, sheet, info.file_size, guards, found.group(0).split(b'"')[1].decode(),
                  (last_row - min(first_row, last_row) + 1), (last_col - min(first_col, last_col) + 1))


def _check_extent(display: str, sheet: str, xml_bytes: int, guards: Guards, shown: str, rows: int,
                  columns: int) -> None:
    cells = rows * columns
    if cells > _cell_limit(xml_bytes, guards) or columns > guards.max_columns:
        raise CchcError("workbook_too_large", file=display, sheet=sheet, extent=shown,
                        cells=fmt.integer(cells), size=fmt.integer(xml_bytes) + " byte XML")


# A cell with an error value or a formula, in the raw sheet XML.
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.S)
_VALUE = re.compile(rb'<(?:\w+:)?v\b[^>]*?>(.*?)</(?:\w+:)?v>', re.S)
# One fast pass (no leading class, no \b): a row's number (r="17"), or a cell beyond column Z
# (r="AB17"); cells of columns A..Z (r="B17") match neither branch.
_EXTENT = re.compile(rb' r="(?:([A-Z]{2,3})\d|(\d+)")')
_CHUNK = 8 << 20


def _scan_sheet(archive: zipfile.ZipFile, display: str, sheet: str, part: str, guards: Guards
                ) -> dict[tuple[int, int], Fault]:
    """One pass over a worksheet's XML: the extent its cells reach (a lone cell far away makes
    calamine allocate the whole rectangle: refused), and the cells calamine reads as empty
    although they hold an error or a formula without a cached value."""
    faults: dict[tuple[int, int], Fault] = {}
    last_row = widest = 0
    info = archive.getinfo(part)
    with archive.open(info) as handle:
        tail = b""
        while True:
            chunk = handle.read(_CHUNK)
            data = tail + chunk
            if chunk:
                cut = data.rfind(b"</row>")
                cut = data.rfind(b">") if cut < 0 else cut
                if cut < 0:
                    tail = data
                    continue
                data, tail = data[: cut + 1], data[cut + 1:]
            found = _EXTENT.findall(data)
            if found:
                letters, numbers = zip(*found)
                if row_numbers := list(filter(None, numbers)):
                    last_row = max(last_row, max(map(int, row_numbers)))
                for wide in set(letters) - {b""}:
                    widest = max(widest, _column_number(wide.decode()))
            if _may_hold_faults(data):
                _faults_in(data, faults)
            if not chunk:
                break
    if last_row or widest:  # the rectangle calamine allocates (columns up to Z counted as one)
        rows, columns = max(last_row, 1), max(widest, 1)
        _check_extent(display, sheet, info.file_size, guards, f"A1:{_column_letters(columns)}{rows}", rows,
                      columns)
    return faults


_ERROR_MARK, _FORMULA_MARK = b't="e"', b"<f"
_VECTOR_FROM = 1 << 16  # bytes from which the marks are looked for with numpy


def _may_hold_faults(data: bytes) -> bool:
    """``b't="e"' in data or b"<f" in data``: an error cell or a formula may be there. On a
    large part the two bytes of "<f" and the quotes around "e" are compared as arrays (bytes'
    substring search steps over XML, full of '<' and '"', a few bytes at a time)."""
    if len(data) < _VECTOR_FROM:
        return _ERROR_MARK in data or _FORMULA_MARK in data
    import numpy as np  # noqa: PLC0415 (off the path of a cached ingest)

    codes = np.frombuffer(data, dtype=np.uint8)
    if ((codes[:-1] == _FORMULA_MARK[0]) & (codes[1:] == _FORMULA_MARK[1])).any():
        return True
    quote = codes == ord('"')
    quoted_e = np.flatnonzero(quote[:-2] & (codes[1:-1] == ord("e")) & quote[2:])  # '"e"' at each
    return any(data[start - 2:start + 3] == _ERROR_MARK for start in quoted_e.tolist() if start >= 2)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _faults_in(data: bytes, faults: dict[tuple[int, int], Fault]) -> None:
    for cell in _CELL.finditer(data):
        attributes, body = cell.group(1), cell.group(2) or b""
        ref = _REF.search(attributes)
        if ref is None:
            continue
        position = (int(ref.group(2)) - 1, _column_number(ref.group(1).decode()) - 1)
        value = _VALUE.search(body)
        if _ERROR_TYPE.search(attributes):
            shown = _unescape(value.group(1)) if value else "#?"
            faults[position] = Fault(shown.strip() or "#?", EXCEL_ERROR)
            continue
        formula = _FORMULA.search(body)
        if formula is not None and (value is None or not value.group(1).strip()):
            text = _unescape(formula.group(1) or b"").strip()
            faults[position] = Fault("=" + text if text else "=…", UNCACHED_FORMULA)


# --------------------------------------------------------------------------- csv

def _csv_table(path: Path, display: str) -> Table:
    with open(path, "rb") as handle:
        head = handle.read(1 << 20)
    delimiter = _delimiter(_head_text(head))
    return Table(None, None, lambda: _csv_rows(path, display, delimiter))


def _head_text(head: bytes) -> str:
    """The first lines of a csv as text (an incomplete last character or line dropped)."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(head)
    return text.removeprefix("\ufeff")


def _first_bad_byte(path: Path) -> int:
    """The line (1-based) of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines + chunk[: exc.start].count(b"\n")
            lines += chunk.count(b"\n")
    return lines


def _csv_rows(path: Path, display: str, delimiter: str) -> Iterator[Row]:
    max_columns = ingest_rules().guards.max_columns
    limit = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = _checked_lines(handle, display)
            reader = csv.reader(lines, delimiter=delimiter)
            while True:
                start = reader.line_num + 1  # the line where the next record starts
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError as exc:
                    raise CchcError("not_utf8", file=display, line=_first_bad_byte(path)) from exc
                except csv.Error as exc:
                    reason = str(exc)
                    if "field larger" in reason:
                        reason = CchcError.text("csv_field_too_long", limit=fmt.integer(CSV_FIELD_LIMIT))
                    raise CchcError("csv_bad_row", file=display, line=start, reason=reason) from exc
                if len(row) > max_columns:
                    raise CchcError("csv_too_wide", file=display, line=start, columns=fmt.integer(len(row)),
                                    limit=fmt.integer(max_columns))
                yield row
    finally:
        csv.field_size_limit(limit)


def _checked_lines(handle, display: str) -> Iterator[str]:
    for number, line in enumerate(handle, 1):
        if "\x00" in line:
            raise CchcError("not_utf8", file=display, line=number)
        yield line


def _delimiter(text: str) -> str:
    """The separator of the header-like lines: whichever of ; , TAB splits a line most."""
    best, best_count = ",", 0
    lines = list(itertools.islice(text.splitlines(), DELIMITER_LINES))
    for candidate in (";", ",", "\t"):
        count = max((line.count(candidate) for line in lines), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best
