"""The section modules of cchc.figures (SECTIONS) and the computing of every figure from the
processed tables (pandas); re-exported by the package, loaded on first use (see there)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow.parquet as pq

from cchc.config.params import Params
from cchc.figures import citizens, finance, manual, outgoing, tthc
from cchc.figures.registry import FigureSet

SECTIONS: tuple[ModuleType, ...] = (tthc, finance, citizens, outgoing, manual)


def section_of(figure_id: str) -> ModuleType | None:
    """The section module whose ``SECTION`` is the prefix of ``figure_id`` (None: no section)."""
    prefix = figure_id.partition(".")[0]
    return next((module for module in SECTIONS if module.SECTION == prefix), None)


def load_tables(processed: Path, report: dict) -> dict:
    """The processed tables of an ingest (kind -> DataFrame)."""
    return {name: read_table(processed / file) for name, file in report["tables"].items()}


def read_table(path: Path) -> pd.DataFrame:
    """``pd.read_parquet(path)``, the same frame (tests/figures/test_provenance.py), read by the Parquet
    file's own reader in one thread: half the CPU of pyarrow's dataset reader for these small
    files."""
    table = pq.ParquetFile(path).read(use_threads=False, use_pandas_metadata=True)
    frame = table.to_pandas(use_threads=False)
    attrs = (table.schema.metadata or {}).get(b"PANDAS_ATTRS")
    if attrs is not None:
        frame.attrs = json.loads(attrs)
    return frame


def compute_all(processed: Path, params: Params, report: dict, tables: dict | None = None) -> FigureSet:
    """Every figure of a run, from the processed tables of ``processed`` (see cchc.ingest.run)."""
    hashes = {entry["file"]: entry["sha256"] for entry in report["files"]}
    tables = load_tables(processed, report) if tables is None else tables
    figures = FigureSet()
    absent: set[str] = set()
    for module in SECTIONS:
        figures.extend(module.compute_section(tables, params, hashes))
        if hasattr(module, "compute_lists"):
            figures.lists.update(module.compute_lists(tables, params))
        if hasattr(module, "absent_ids"):
            absent |= module.absent_ids(tables)
    figures.apply_targets(params.targets, absent)
    return figures
