"""Figures: the registry and one module per report section (pure functions).

Each section module in SECTIONS declares ``SECTION``, the prefix of its figure ids (``tthc``,
``finance``, ``citizens``, ``documents`` for cchc.figures.outgoing, ``manual``) and has

- ``compute_section(tables, params, hashes) -> list[Figure]``, a pure function of the processed
  tables (kind -> DataFrame; a kind absent from the raw data is absent here), the parameters
  (window, targets) and the raw files' hashes (provenance);
- ``rows_of(name, figure, tables, params) -> Selection | None``, the raw rows a figure was
  computed from (cchc.figures.provenance; what ``cchc explain`` lists);
- optionally ``compute_lists(tables, params)`` for the lists the report cites.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pandas as pd

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
    return {name: pd.read_parquet(processed / file) for name, file in report["tables"].items()}


def compute_all(processed: Path, params: Params, report: dict, tables: dict | None = None) -> FigureSet:
    """Every figure of a run, from the processed tables of ``processed`` (see cchc.ingest.run)."""
    hashes = {entry["file"]: entry["sha256"] for entry in report["files"]}
    tables = load_tables(processed, report) if tables is None else tables
    figures = FigureSet()
    for module in SECTIONS:
        figures.extend(module.compute_section(tables, params, hashes))
        if hasattr(module, "compute_lists"):
            figures.lists.update(module.compute_lists(tables, params))
    figures.apply_targets(params.targets)
    return figures
