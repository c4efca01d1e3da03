"""Figures: the registry and one module per report section (pure functions).

Each section module in SECTIONS has ``compute_section(tables, params, hashes) -> list[Figure]``,
a pure function of the processed tables (and optionally ``compute_lists(tables, params)`` for
the lists the report cites) (kind -> DataFrame; a kind absent from the raw data
is absent here), the parameters (window, targets) and the raw files' hashes (provenance).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from cchc.figures.registry import FigureSet
from cchc.config.params import Params

SECTIONS = ["tthc", "finance", "citizens", "outgoing", "manual"]


def load_tables(processed: Path, report: dict) -> dict:
    """The processed tables of an ingest (kind -> DataFrame)."""
    import pandas as pd

    return {name: pd.read_parquet(processed / file) for name, file in report["tables"].items()}


def compute_all(processed: Path, params: Params, report: dict, tables: dict | None = None) -> FigureSet:
    """Every figure of a run, from the processed tables of ``processed`` (see cchc.ingest.run)."""
    hashes = {entry["file"]: entry["sha256"] for entry in report["files"]}
    tables = load_tables(processed, report) if tables is None else tables
    figures = FigureSet()
    for section in SECTIONS:
        module = importlib.import_module(f"cchc.figures.{section}")
        figures.extend(module.compute_section(tables, params, hashes))
        if hasattr(module, "compute_lists"):
            figures.lists.update(module.compute_lists(tables, params))
    figures.apply_targets(params.targets)
    return figures
