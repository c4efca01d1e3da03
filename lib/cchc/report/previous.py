"""A period's published report, read back: ``outputs/<unit>/<period>/figures.json`` with the
path and SHA-256 of the file, so that a comparison names exactly what it compared against.

    published(layout)            the report published for layout's own unit and period
    previous(layout)             the previous period's (2025 -> 2024, 2025-H2 -> 2025-H1, …)
    year_before(layout)          the same period a year before (2025-H2 -> 2024-H2)

Each returns a ``Published`` or None when no such report was published (or its figures.json
cannot be read as one). Read ``published(layout)`` before a run replaces the folder to keep
what was there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, Layout
from cchc.core.period import Period
from cchc.figures.registry import FigureSet, load_figures


@dataclass(frozen=True)
class Published:
    period: str
    path: Path          # the figures.json read
    shown: str          # that path as the user reads it (relative to the root)
    sha256: str
    figures: FigureSet


def published(layout: Layout) -> Published | None:
    path = layout.outputs_dir / FIGURES
    if not path.is_file():
        return None
    try:
        figures = load_figures(path)
    except (OSError, ValueError, KeyError, TypeError):  # not a figures.json of a run: nothing to compare
        return None
    return Published(layout.period, path, layout.shown(path), sha256_file(path), figures)


def previous(layout: Layout) -> Published | None:
    return published(layout.at(str(Period.parse(layout.period).previous)))


def year_before_period(period: str) -> str:
    """'2025' -> '2024', '2025-H2' -> '2024-H2', '2025-03' -> '2024-03' (Period.year_before)."""
    return str(Period.parse(period).year_before)


def year_before(layout: Layout) -> Published | None:
    return published(layout.at(year_before_period(layout.period)))


__all__ = ["Published", "published", "previous", "year_before", "year_before_period"]
