"""Figures: the registry and one module per report section (pure functions)."""

from __future__ import annotations

from pathlib import Path

from cchc.figures.registry import FigureSet
from cchc.params import Params


def compute_all(processed: Path, params: Params, report: dict) -> FigureSet:
    """Every figure of a run, from the processed tables of ``processed`` (see cchc.ingest)."""
    import pandas as pd

    from cchc.figures import tthc

    hashes = {entry["file"]: entry["sha256"] for entry in report["files"]}
    tables = {name: pd.read_parquet(processed / file) for name, file in report["tables"].items()}
    figures = FigureSet()
    figures.extend(tthc.compute(tables["dossiers"], tables["catalogue"], params.window, hashes))
    figures.apply_targets(params.targets)
    return figures
