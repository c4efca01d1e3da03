"""Combine parsed files: typed frames, duplicates collapsed (last file name wins), conflicts
listed, quarantine gathered, and the account of every raw row completed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cchc.config.sources import Column, SourceSpec
from cchc.core import fmt
from cchc.core.errors import message
from cchc.ingest.absent import absent_columns, partly_absent
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, ParsedFile

QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "value", "reason", "reason_text"]


def _date_series(cells: Any, column: Column | None = None) -> pd.Series:
    return pd.Series(_dates(cells)).astype("datetime64[s]")


def _number_series(cells: Any, column: Column | None = None) -> pd.Series:
    return pd.Series(cells, dtype="Float64")


# Whether the "string" dtype keeps its text in Arrow (large_string): then a list of texts and
# missing cells becomes its array at once, without pandas' check of every cell.
_ARROW_TEXT = pa.array(pd.array([], dtype="string")).type if isinstance(
    pd.array([], dtype="string"), pd.arrays.ArrowStringArray) else None
_TEXT_OR_MISSING = {str, type(None)}


def _text_series(cells: Any, column: Column | None = None) -> pd.Series:
    """pd.Series(cells, dtype="string"): made from an Arrow array when every cell is text or
    None (what that conversion would give: tested)."""
    if _ARROW_TEXT is not None and isinstance(cells, list) and set(map(type, cells)) <= _TEXT_OR_MISSING:
        return pd.Series(pd.arrays.ArrowStringArray(pa.array(cells, type=_ARROW_TEXT)), copy=False)
    return pd.Series(cells, dtype="string")


def _category_series(cells: Any, column: Column) -> pd.Series:
    """Yes/no categories as booleans, the others as their codes."""
    return pd.Series(cells, dtype="boolean") if column.vocab == "yes_no" else _text_series(cells)


# Column type (cchc.config.sources.COLUMN_TYPES) -> the series of a column's parsed cells.
SERIES: dict[str, Callable[[Any, Column], pd.Series]] = {
    "id": _text_series,
    "text": _text_series,
    "number": _number_series,
    "date": _date_series,
    "category": _category_series,
}


def to_frame(records: dict[str, Any], spec: SourceSpec) -> pd.DataFrame:
    """Canonical columns with stable dtypes, plus the source file and Excel row of each record.

    Each column of ``records`` is replaced by its series as it is converted, so that the
    lists of parsed cells are freed one by one (a million-row file is not held twice)."""
    data: dict[str, Any] = {}
    for name, column in spec.columns.items():
        data[name] = records[name] = SERIES[column.type](records[name], column)
    for name, title_field in spec.title_fields.items():
        cells = records[name]
        data[name] = records[name] = (_date_series(cells) if title_field.get("type") == "date"
                                      else _text_series(cells))
    if spec.totals:  # the total row kept (a source's ``totals``): True on it
        data[spec.totals] = records[spec.totals] = pd.Series(records[spec.totals], dtype="boolean")
    data[SOURCE_FILE] = records[SOURCE_FILE] = _text_series(records[SOURCE_FILE])
    sheets = records.get(SOURCE_SHEET, [None] * len(records[SOURCE_FILE]))
    data[SOURCE_SHEET] = records[SOURCE_SHEET] = _text_series(sheets)
    data[SOURCE_ROW] = records[SOURCE_ROW] = pd.Series(records[SOURCE_ROW], dtype="int64")
    # From the arrays, not copied: aligning the series' equal indexes and copying cost more than the rows.
    return pd.DataFrame({name: series.array for name, series in data.items()}, copy=False)


_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min


def _dates(cells) -> np.ndarray:
    """datetime.date | None values -> datetime64[D] (via ordinals: 10x faster than np.array)."""
    if isinstance(cells, pd.Series):  # from the parse cache
        return cells.to_numpy(dtype="datetime64[D]")
    ordinals = {day: day.toordinal() - _EPOCH_ORDINAL for day in set(cells) if day is not None}
    ordinals[None] = _NAT  # each distinct day's ordinal once (a few hundred days in a column)
    days = np.fromiter(map(ordinals.__getitem__, cells), dtype=np.int64, count=len(cells))
    return days.view("datetime64[D]")


def _display(value: Any, labels: dict[Any, str] | None = None) -> str:
    """A canonical value as the user wrote it: dates dd/mm/yyyy, categories by their label."""
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return fmt.date(value)
    if labels:
        key = bool(value) if isinstance(value, np.bool_ | bool) else value
        return labels.get(key, str(value))
    return str(value)


def _duplicated_last(keys: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Series.duplicated(keep="last"), through integer codes (the hash table of a million
    string keys costs several times the codes), and for each row the position of the last
    row of its key."""
    codes, _ = pd.factorize(keys, use_na_sentinel=False)
    count = len(codes)
    _, first_of_reversed = np.unique(codes[::-1], return_index=True)
    last_of_code = count - 1 - first_of_reversed  # np.unique sorts the codes: index = code
    is_last = np.zeros(count, dtype=bool)
    is_last[last_of_code] = True
    return pd.Series(~is_last, index=keys.index), last_of_code[codes]


def _unequal(left: Any, right: Any) -> np.ndarray:
    """Where two arrays of one type differ, a missing value against a value included, two
    missing values not: (left != right).fillna(True) & ~(left.isna() & right.isna()) on
    Series, computed on the arrays (a Series' operations cost more than the comparison)."""
    compared = left != right
    if not isinstance(compared, np.ndarray):  # a masked or Arrow result: a missing one differs
        compared = compared.to_numpy(dtype=bool, na_value=True)
    return compared & ~(pd.isna(left) & pd.isna(right))


def find_conflicts(frame: pd.DataFrame, spec: SourceSpec) -> tuple[pd.Series, list[dict[str, Any]]]:
    """Mask of rows collapsed into a later duplicate, and the duplicates whose values differ."""
    key = spec.key
    if not spec.dedup:  # rows are events (a reception log): nothing collapses
        return pd.Series(False, index=frame.index), []
    collapsed, last = _duplicated_last(frame[key])
    if not collapsed.any():
        return collapsed, []
    lost_at = np.flatnonzero(collapsed.to_numpy())
    won_at = last[lost_at]  # the row each collapsed one gives way to (the last of its key)

    differ: dict[str, np.ndarray] = {}
    lost, won = {}, {}  # column -> its values at the collapsed rows / at the rows kept for them
    for name in spec.columns:
        if name == key:
            continue
        values = frame[name].array
        left, right = values.take(lost_at), values.take(won_at)
        unequal = _unequal(left, right)
        if unequal.any():
            differ[name] = unequal
            lost[name], won[name] = left, right
    if not differ:
        return collapsed, []
    any_differ = np.logical_or.reduce(list(differ.values()))
    labels = {name: spec.vocabulary(column.vocab)["labels"] for name, column in spec.columns.items()
              if column.vocab}
    for name in (key, SOURCE_FILE, SOURCE_ROW):
        lost[name] = frame[name].array.take(lost_at)
    for name in (SOURCE_FILE, SOURCE_ROW):
        won[name] = frame[name].array.take(won_at)
    # The values of the rows in conflict as lists, each converted at once (iterating an array
    # gives the scalars its indexing gives, without the cost of a query per cell).
    at = np.flatnonzero(any_differ)
    lost = {name: list(values.take(at)) for name, values in lost.items()}
    won = {name: list(values.take(at)) for name, values in won.items()}
    masks = {name: mask[at].tolist() for name, mask in differ.items()}
    headers = {name: spec.columns[name].header for name in masks}
    conflicts = []
    for index in range(len(at)):
        conflicts.append({
            "key": str(lost[key][index]),
            "kept": {"file": won[SOURCE_FILE][index], "row": int(won[SOURCE_ROW][index])},
            "dropped": {"file": lost[SOURCE_FILE][index], "row": int(lost[SOURCE_ROW][index])},
            "columns": {headers[name]: [_display(lost[name][index], labels.get(name)),
                                        _display(won[name][index], labels.get(name))]
                        for name, mask in masks.items() if mask[index]},
        })
    return collapsed, conflicts


def _collapsed_per_file(sizes: list[int], collapsed: pd.Series) -> list[int]:
    """Rows collapsed of each parsed table of a source (``sizes``: their rows), ``collapsed``
    being the mask of their rows concatenated in order."""
    part = np.repeat(np.arange(len(sizes)), sizes)
    return np.bincount(part[collapsed.to_numpy(dtype=bool)], minlength=len(sizes)).tolist()


Offsets = dict[int, tuple[int, int]]  # id of a parsed table -> (first row in its source's frame, rows)


def kind_frames(parsed: list[ParsedFile], specs: dict[str, SourceSpec]
                ) -> tuple[dict[str, pd.DataFrame], Offsets]:
    """Every source's rows (its parsed tables in order) as one typed frame, and where each
    table's rows are in it. Fresh tables (lists of parsed cells) are converted together, once
    a source: a conversion costs mostly per column, whatever its rows. Tables from the parse
    cache (typed already) are concatenated as they are. The tables' records are emptied as
    their columns are converted (a million-row file is not held twice)."""
    frames: dict[str, pd.DataFrame] = {}
    offsets: Offsets = {}
    for kind, spec in sorted(specs.items()):
        files = [p for p in parsed if p.kind == kind]  # already in file-name order
        if not files:
            continue
        start = 0
        for p in files:
            count = len(p.records[SOURCE_ROW])
            offsets[id(p)] = (start, count)
            start += count
        if all(isinstance(p.records[SOURCE_ROW], list) for p in files):
            records = {}
            for name in list(files[0].records):
                merged: list[Any] = []
                for p in files:
                    merged += p.records.pop(name)
                records[name] = merged
            frames[kind] = to_frame(records, spec)
            continue
        parts = [pd.DataFrame(p.records, copy=False) if isinstance(p.records[SOURCE_ROW], pd.Series)
                 else to_frame(p.records, spec) for p in files]  # copy on write: no copy yet
        for p in files:
            p.records = {}
        frames[kind] = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frames, offsets


def reason_text(item: dict[str, Any]) -> str:
    """The message of a quarantined or warned row's reason (with the bound it broke, if any)."""
    return message(f"reason_{item['reason']}", limit=item.get("limit", ""), vocab=item.get("vocab", ""),
                   codes=item.get("codes", ""), value=item.get("value", ""))


def combine(parsed: list[ParsedFile], specs: dict[str, SourceSpec],
            framed: tuple[dict[str, pd.DataFrame], Offsets] | None = None,
            kept_rows: dict[str, np.ndarray] | None = None
            ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """``framed``: kind_frames(parsed, specs), when the caller made them already.

    ``kept_rows`` (filled in when given): a source whose duplicates collapsed stays whole in the
    tables and the mask of its kept rows is put here, for the caller to take those rows from
    what it holds already (its Arrow table) instead of a copy of the frame beside the whole one:
    at a million rows that copy was the ingest's peak of memory."""
    frames, offsets = framed or kind_frames(parsed, specs)
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, Any] = {}
    for kind, spec in sorted(specs.items()):
        files = [p for p in parsed if p.kind == kind]  # already in file-name order
        if not files:
            continue
        frame = frames.pop(kind)
        sizes = [offsets[id(p)][1] for p in files]
        collapsed, conflicts = find_conflicts(frame, spec)
        for p, size, dropped in zip(files, sizes, _collapsed_per_file(sizes, collapsed)):
            p.account.collapsed = dropped
            p.account.kept = size - dropped
        absent = absent_columns(files, spec)   # no file has them: left out (cchc.ingest.absent)
        if absent:
            kept = frame[~collapsed].reset_index(drop=True) if collapsed.any() else frame
            tables[kind] = kept.drop(columns=absent)
        elif not collapsed.any():
            tables[kind] = frame
        elif kept_rows is not None:
            tables[kind] = frame
            kept_rows[kind] = ~collapsed.to_numpy(dtype=bool)
        else:
            tables[kind] = frame[~collapsed].reset_index(drop=True)
        del frame
        rows = Counter()
        for p in files:
            rows.update(asdict(p.account))
        sources[kind] = {"label": spec.label, "files": [p.file for p in files], "rows": dict(rows),
                         "conflicts": conflicts, "conflict_count": len(conflicts)}
        if absent:
            sources[kind]["absent_columns"] = absent
        if partly := partly_absent(files, spec):  # in some files only: values unknown in the others
            sources[kind]["partly_absent_columns"] = partly

    quarantine = [dict(q, reason_text=reason_text(q)) for p in parsed for q in p.quarantine]
    tables["quarantine"] = pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS).astype(
        {"file": "string", "sheet": "string", "row": "int64", "column": "string", "value": "string",
         "reason": "string", "reason_text": "string"})

    file_entries = []
    for p in parsed:
        entry = p.meta()
        account = p.account
        entry["balanced"] = account.read == (account.title + account.header + account.blank
                                             + account.footer + account.quarantined
                                             + account.collapsed + account.kept)
        if p.footer is not None:
            entry["footer"]["data_rows"] = account.data
            entry["footer"]["matches"] = p.footer.get("declared") == account.data
        entry.pop("quarantine")
        if not entry["cleaned"]:  # the common file: no key (reports unchanged)
            entry.pop("cleaned")
        entry["quarantined_rows"] = account.quarantined
        file_entries.append(entry)
    warnings = [dict(w, reason_text=reason_text(w)) for p in parsed for w in p.warnings]
    report = {
        "files": file_entries,
        "sources": sources,
        "quarantine": {"rows": sum(p.account.quarantined for p in parsed), "problems": len(quarantine),
                       "table": "quarantine.parquet", "items": quarantine},
        "warnings": warnings,
        "balanced": all(entry["balanced"] for entry in file_entries),
    }
    return tables, report
