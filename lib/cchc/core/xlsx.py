"""Deterministic Office files: the same workbook or document gives the same bytes on every run
(the Excel appendix, the demo exports, the manual-figures template, report.docx). Fixed
document properties, fixed zip entry times and attributes, entries in sorted order."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font

# openpyxl (0,15 s of imports, numpy with it) loads where a workbook is written: not in the export
# worker, whose Word file needs only zip_parts.

FIXED_TIME = dt.datetime(2000, 1, 1)
_SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
# The first font of the style sheet: font 0, the Normal style's (as openpyxl writes it).
_FIRST_FONT = re.compile(r"(<fonts\b[^>]*>)(<font>.*?</font>|<font/>)", re.S)
STYLES = "xl/styles.xml"
# A formula cell as openpyxl writes it: <c r="C12" …><f>SUM(C5:C11)</f><v></v> (empty value).
_FORMULA = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*><f>([^<]*)</f>(<v></v>|<v/>|<v />)')


def deterministic_bytes(book: Workbook, stamp: dt.datetime = FIXED_TIME,
                        cached: dict[int, dict[str, int | float]] | None = None,
                        normal_font: Font | None = None) -> bytes:
    """The workbook's file, dated ``stamp`` (document properties and zip entries).

    ``cached``: per sheet (1-based, in workbook order), the value each formula cell shows
    before a spreadsheet recomputes it (openpyxl writes formulas with an empty cached value;
    a reader that does not compute, or a check of the file, sees these values).
    ``normal_font``: the font of the Normal style (font 0 of the file's style sheet), which
    openpyxl's API does not set: Excel measures column widths in digits of that font, and empty
    cells show in it."""
    from openpyxl.writer.excel import ExcelWriter  # noqa: PLC0415 (openpyxl: see above)

    book.properties.creator = "cchc"
    book.properties.lastModifiedBy = None
    book.properties.created = stamp
    book.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() stamps the current time as "modified".
    # Parts stored uncompressed here: they are compressed once, in the final file.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(book, archive).write_data()
    with zipfile.ZipFile(buffer) as written:
        parts = {name: written.read(name) for name in written.namelist()}
    if cached:
        _fill_cached_values(parts, cached)
    if normal_font is not None:
        parts[STYLES] = _with_normal_font(parts[STYLES], normal_font)
    return zip_parts(parts, stamp)


def _with_normal_font(styles: bytes, font: Font) -> bytes:
    """The style sheet with its first font (the Normal style's) replaced by ``font``."""
    from openpyxl.xml.functions import tostring  # noqa: PLC0415 (openpyxl: see above)

    text = styles.decode("utf-8")
    found = _FIRST_FONT.search(text)
    if found is None:
        raise ValueError(f"{STYLES}: no font list")
    written = tostring(font.to_tree()).decode("utf-8")
    return (text[:found.start(2)] + written + text[found.end(2):]).encode("utf-8")


def _fill_cached_values(parts: dict[str, bytes], cached: dict[int, dict[str, int | float]]) -> None:
    """``<v>`` filled in each listed formula cell of the sheets (an unlisted formula is an error)."""
    for name, body in parts.items():
        found = _SHEET.fullmatch(name)
        if not found:
            continue
        values = cached.get(int(found[1]), {})

        def fill(cell: re.Match, values: dict[str, int | float] = values, name: str = name) -> str:
            ref = cell[1]
            if ref not in values:
                raise ValueError(f"{name}: formula cell {ref} has no cached value")
            return f"{cell[0][: -len(cell[3])]}<v>{_number(values[ref])}</v>"

        parts[name] = _FORMULA.sub(fill, body.decode("utf-8")).encode("utf-8")


def _number(value: int | float) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"cached value {value!r} is not a number")
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def zip_parts(parts: dict[str, bytes], stamp: dt.datetime = FIXED_TIME) -> bytes:
    """A zip of ``parts`` with entries sorted by name, dated ``stamp``, fixed attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(parts):
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, parts[name])
    return out.getvalue()
