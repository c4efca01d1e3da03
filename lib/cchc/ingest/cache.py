"""The parse cache: each raw file's parsed tables under its content hash and the parse settings
(data/processed/.cache/<key>.json and <key>-<i>.parquet), shared by every unit and period.

An entry is written from the typed frame of its source (every fresh table of one source is
converted once, cchc.ingest.combine.kind_frames): its rows are a slice of that frame's Arrow
table, so a file costs one Parquet write, not a conversion of its own. The meta file is
written last: it marks the entry complete.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cchc.core import atomic
from cchc.ingest import parse


def load(folder: Path, key: str) -> tuple[list[parse.ParsedFile], list[str]] | None:
    """The parsed tables and sheets passed over of a complete entry, or None."""
    meta_path = folder / f"{key}.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    frames = [folder / f"{key}-{i}.parquet" for i in range(len(meta["tables"]))]
    if not all(f.is_file() for f in frames):
        return None
    parsed = []
    for table, frame_path in zip(meta["tables"], frames):
        table["account"] = parse.FileAccount(**table["account"])
        frame = pd.read_parquet(frame_path)
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
            write_parquet(table.slice(start, count), partial)
            os.replace(partial, folder / f"{key}-{i}.parquet")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    atomic.write_text(folder / f"{key}.json", json.dumps({"tables": [r.meta() for r in parsed],
                                                          "ignored_sheets": ignored},
                                                         ensure_ascii=False, default=str))


def arrow_tables(frames: dict[str, pd.DataFrame]) -> dict[str, pa.Table]:
    """Each source's frame as the Arrow table its Parquet file holds (no index)."""
    return {kind: pa.Table.from_pandas(frame, preserve_index=False) for kind, frame in frames.items()}


def entry_slices(tables: list[Any], offsets: dict[int, tuple[int, int]], arrow: dict[str, pa.Table]
                 ) -> list[tuple[pa.Table, int, int]]:
    """The slice of its source's table of each parsed table (``offsets``: by id of the table)."""
    return [(arrow[t.kind], *offsets[id(t)]) for t in tables]


def write_parquet(table: pa.Table, path: Path) -> None:
    """The Parquet file DataFrame.to_parquet(path, index=False) writes, from the frame's Arrow
    table (arrow_tables): the same bytes without converting the frame again."""
    pq.write_table(table, path, compression="snappy")
