"""Deterministic Office files: the same workbook or document gives the same bytes on every run
(the Excel appendix, the demo exports, the manual-figures template, report.docx). Fixed
document properties, fixed zip entry times and attributes, entries in sorted order."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = dt.datetime(2000, 1, 1)


def deterministic_bytes(book: Workbook, stamp: dt.datetime = FIXED_TIME) -> bytes:
    """The workbook's file, dated ``stamp`` (document properties and zip entries)."""
    book.properties.creator = "cchc"
    book.properties.lastModifiedBy = None
    book.properties.created = stamp
    book.properties.modified = stamp
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() stamps the current time as "modified".
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).write_data()
    return deterministic_zip(buffer.getvalue(), stamp)


def deterministic_zip(data: bytes, stamp: dt.datetime = FIXED_TIME) -> bytes:
    """The same Office file (a zip) with entries sorted, dated ``stamp``, fixed attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(name))
    return out.getvalue()
