"""Checks on the rows of a table of numbers (the system's statistics of form 06a,
data/sources/tthc_stats.yaml): its identities on every row, its total row against its other rows,
no row quarantined, and the period its title states. Each broken row is a result of its own,
naming the file, the Excel row and the columns (their numbers and words) with both values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from cchc.checks.base import ERROR, PASS, WARNING, Check, Context
from cchc.config.checks import QuarantinedRowsCheck, RowIdentityCheck, SourcePeriodCheck, TotalRowCheck
from cchc.config.sources import SourceFile, source_file
from cchc.core import fmt
from cchc.core.errors import message
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET


def _severity(spec: Any, ctx: Context) -> str:
    """The status of a failure: a warning beside a file of ``beside`` (the table is compared, not
    the figures' source), else the check's severity."""
    if spec.severity == "warning" or (spec.beside and spec.beside in ctx.tables):
        return WARNING
    return ERROR


def _name(file: str) -> str:
    return file.rsplit("/", 1)[-1]


def _headers(ctx: Context, kind: str) -> dict[tuple[str, Any], dict[str, str]]:
    """(file, sheet) -> column -> its header as the file words it ("(3) Số hồ sơ … — Tổng số")."""
    return {(entry["file"], entry.get("sheet")): entry["headers"] for entry in ctx.report["files"]
            if entry["kind"] == kind}


def _column(source: SourceFile, headers: dict[str, str], name: str) -> str:
    if name in headers:
        return headers[name]
    number = source.numbered.columns[name].number if source.numbered and name in source.numbered.columns else None
    return f"({number}) {source.columns[name].header}" if number else source.columns[name].header


def _where(table: pd.DataFrame, index: int) -> tuple[str, Any, int]:
    sheet = table[SOURCE_SHEET].iat[index]
    return (str(table[SOURCE_FILE].iat[index]), sheet if isinstance(sheet, str) else None,
            int(table[SOURCE_ROW].iat[index]))


def _number(value: float) -> str:
    return fmt.integer(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def row_identity(spec: RowIdentityCheck, ctx: Context) -> list[Check]:
    table = ctx.tables.get(spec.source)
    columns = [spec.left, *spec.right]
    if table is None or any(column not in table.columns for column in columns):
        return []
    source = source_file(spec.source)
    headers = _headers(ctx, spec.source)
    values = table[columns].to_numpy(dtype=float, na_value=np.nan)
    left, right = values[:, 0], values[:, 1:].sum(axis=1)
    broken = np.flatnonzero(~np.isnan(values).any(axis=1) & (left != right))
    out = []
    for index in broken.tolist():
        file, sheet, row = _where(table, index)
        words = headers.get((file, sheet), {})
        text = message("row_identity_broken", key=table[source.key].iat[index],
                       left=_column(source, words, spec.left), left_value=_number(left[index]),
                       right=" + ".join(_column(source, words, name) for name in spec.right),
                       right_value=_number(right[index]))
        out.append(Check(f"{spec.id}:{_name(file)}#{row}", spec.description, expected=_number(left[index]),
                         actual=_number(right[index]), status=_severity(spec, ctx), files=[file],
                         details=[{"file": file, "sheet": sheet, "row": row, "value": text}]))
    if not out:
        out.append(Check(spec.id, spec.description, expected=0, actual=0, status=PASS,
                         files=sorted(set(table[SOURCE_FILE].astype(str)))))
    return out


def total_row(spec: TotalRowCheck, ctx: Context) -> list[Check]:
    """Each file's first total row against the sum of its other rows, column by column."""
    table = ctx.tables.get(spec.source)
    source = source_file(spec.source)
    if table is None or source.totals is None:
        return []
    headers = _headers(ctx, spec.source)
    numbers = [name for name, column in source.columns.items() if column.type == "number" and name in table.columns]
    totals = table[source.totals].fillna(False).astype(bool).to_numpy()
    files = table[SOURCE_FILE].astype(str).to_numpy()
    out = []
    for file in sorted(set(files.tolist())):
        mine = files == file
        at = np.flatnonzero(mine & totals)
        if not len(at):
            continue
        index = int(at[0])
        _, sheet, row = _where(table, index)
        rows = table.loc[mine & ~totals, numbers].to_numpy(dtype=float, na_value=np.nan)
        declared = table.loc[:, numbers].to_numpy(dtype=float, na_value=np.nan)[index]
        summed = np.nansum(rows, axis=0)
        found = 0
        for position, name in enumerate(numbers):
            if np.isnan(declared[position]) or declared[position] == summed[position]:
                continue
            found += 1
            text = message("total_row_broken", column=_column(source, headers.get((file, sheet), {}), name),
                           declared=_number(declared[position]), summed=_number(summed[position]))
            out.append(Check(f"{spec.id}:{_name(file)}#{row}.{name}", spec.description,
                             expected=_number(declared[position]), actual=_number(summed[position]),
                             status=_severity(spec, ctx), files=[file],
                             details=[{"file": file, "sheet": sheet, "row": row, "value": text}]))
        if not found:
            out.append(Check(f"{spec.id}:{_name(file)}", spec.description, expected=0, actual=0, status=PASS,
                             files=[file]))
    return out


def quarantined_rows(spec: QuarantinedRowsCheck, ctx: Context) -> list[Check]:
    files = {entry["file"] for entry in ctx.report["files"] if entry["kind"] == spec.source}
    if not files:
        return []
    out = []
    for item in ctx.report["quarantine"]["items"]:
        if item["file"] not in files:
            continue
        text = message("quarantined_row", column=item["column"], value=item["value"],
                       reason=item.get("reason_text", item["reason"]))
        out.append(Check(f"{spec.id}:{_name(item['file'])}#{item['row']}", spec.description, expected=0,
                         actual=1, status=_severity(spec, ctx), files=[item["file"]],
                         details=[{"file": item["file"], "sheet": item.get("sheet"), "row": item["row"],
                                   "value": text}]))
    if not out:
        out.append(Check(spec.id, spec.description, expected=0, actual=0, status=PASS, files=sorted(files)))
    return out


def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def source_period(spec: SourcePeriodCheck, ctx: Context) -> list[Check]:
    table = ctx.tables.get(spec.source)
    if table is None:
        return []
    window = ctx.params.window
    expected = message("period_span", start=fmt.date(window.start), end=fmt.date(window.cutoff))
    failing = _severity(spec, ctx)
    out = []
    for file, rows in table.groupby(table[SOURCE_FILE].astype(str), sort=True):
        start = _day(rows[spec.start].iat[0]) if spec.start in rows.columns else None
        end = _day(rows[spec.end].iat[0]) if spec.end in rows.columns else None
        if start is None or end is None:
            actual, status = message("period_not_stated"), WARNING
        else:
            actual = message("period_span", start=fmt.date(start), end=fmt.date(end))
            status = PASS if (start, end) == (window.start, window.cutoff) else failing
        out.append(Check(f"{spec.id}:{_name(file)}", spec.description, expected=expected, actual=actual,
                         status=status, files=[file]))
    same = [check.files[0] for check in out if check.status == PASS]
    if len(same) > 1:  # two files of the one period (an xlsx and its csv …): their rows are summed
        out.append(Check(f"{spec.id}:several", spec.description, expected=1, actual=len(same), status=failing,
                         files=same, details=[message("period_several_files", count=len(same))]))
    return out


KINDS = {"row_identity": row_identity, "total_row": total_row, "quarantined_rows": quarantined_rows,
         "source_period": source_period}
