"""The parse cache: each raw file's parsed tables under its content hash and the parse settings
(data/processed/.cache/<key>.json and <key>-<i>.arrow), shared by every unit and period.

An entry is written from the typed frame of its source (every fresh table of one source is
converted once, cchc.ingest.combine.kind_frames): its rows are a slice of that frame's Arrow
table, written as an Arrow (Feather) file: a file costs a write of its columns, not a
conversion of its own nor a Parquet encoding. The frames read back are those Parquet gave back
(dates in milliseconds: for_cache), so that tables from the cache give the processed files
they always gave. The meta file is written last: it marks the entry complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from cchc.core import atomic
from cchc.ingest import parse

FORMAT = "arrow-1"  # part of the cache key: entries of another format are never read


def load(folder: Path, key: str) -> tuple[list[parse.ParsedFile], list[str]] | None:
    """The parsed tables and sheets passed over of a complete entry, or None."""
    meta_path = folder / f"{key}.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    frames = [folder / f"{key}-{i}.arrow" for i in range(len(meta["tables"]))]
    if not all(f.is_file() for f in frames):
        return None
    parsed = []
    for table, frame_path in zip(meta["tables"], frames):
        table["account"] = parse.FileAccount(**table["account"])
        frame = pd.read_feather(frame_path)
        parsed.append(parse.ParsedFile(**table, records={c: frame[c] for c in frame.columns}))
    return parsed, meta["ignored_sheets"]


def store(folder: Path, key: str, parsed: list[parse.ParsedFile], ignored: list[str],
          slices: list[tuple[pa.Table, int, int]]) -> None:
    """Write an entry: table i's rows are ``slices[i]`` = (its source's Arrow table, first row,
    row count)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (table, start, count) in enumerate(slices):
        partial = folder / f"{key}-{i}.{os.getpid()}.tmp"
        try:
            feather.write_feather(table.slice(start, count), partial, compression="uncompressed")
            os.replace(partial, folder / f"{key}-{i}.arrow")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    atomic.write_text(folder / f"{key}.json", json.dumps({"tables": [r.meta() for r in parsed],
                                                          "ignored_sheets": ignored},
                                                         ensure_ascii=False, default=str))


def arrow_tables(frames: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """Each source's frame as the Arrow table its Parquet file holds (no index)."""
    return {kind: pa.Table.from_pandas(frame, preserve_index=False) for kind, frame in frames.items()}


def for_cache(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The tables as a Parquet round trip gives them back: dates (timestamps in seconds) in
    milliseconds, the unit Parquet stores them in."""
    def cast(table: pa.Table) -> pa.Table:
        fields = [pa.field(f.name, pa.timestamp("ms", f.type.tz), f.nullable, f.metadata)
                  if pa.types.is_timestamp(f.type) and f.type.unit == "s" else f for f in table.schema]
        schema = pa.schema(fields, metadata=table.schema.metadata)
        return table if schema.equals(table.schema) else table.cast(schema)
    return {kind: cast(table) for kind, table in tables.items()}


def entry_slices(tables: list[Any], offsets: dict[int, tuple[int, int]], arrow: dict[str, pa.Table]
                 ) -> list[tuple[pa.Table, int, int]]:
    """The slice of its source's table of each parsed table (``offsets``: by id of the table)."""
    return [(arrow[t.kind], *offsets[id(t)]) for t in tables]


def kept_rows(columns: list[pa.ChunkedArray], schema: pa.Schema, kept: Any) -> pa.Table:
    """The table of ``columns`` filtered by the mask ``kept``, as ``Table.filter`` gives it, made
    a column at a time: each column is taken out of ``columns`` as it is filtered, so that (when
    the list holds the only reference) no more than one column stands twice in memory."""
    filtered = []
    while columns:
        filtered.append(columns.pop(0).filter(kept))
    return pa.Table.from_arrays(filtered, schema=schema)


def write_parquet(table: pa.Table, path: Path) -> None:
    """The Parquet file DataFrame.to_parquet(path, index=False) writes, from the frame's Arrow
    table (arrow_tables): the same bytes without converting the frame again."""
    pq.write_table(table, path, compression="snappy")
