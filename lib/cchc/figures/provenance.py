"""Provenance of a figure: the raw rows it was computed from, chosen by the rule that computed it.

Each section module of cchc.figures has, beside its compute function, ``rows_of(name, figure,
tables, params) -> Selection | None`` (``name``: the figure id without the section prefix): the
rows of one processed table behind the figure, built from the same masks its compute function
counts with, so that the rows listed and the rows counted cannot drift apart. None: the
figure is not the module's, or its table is absent. ``cchc.explain`` lists and shows the rows.

A selection is one of:

- a count: ``counted`` (the rows counted, ``role`` "counted");
- a rate over rows: ``numerator`` and ``denominator`` masks;
- a sum: ``counted`` (the rows summed, ``role`` "summed") and ``summed``, the column(s): "value"
  (with "minus" for a difference) or "numerator" and "denominator" for a rate of two sums;
  ``scale`` names the column that converts each row's amounts (its unit);
- values entered by hand (``entered``): the rows holding them, in the column ``summed["value"]``.

``check`` says how the rows listed must give the figure back: ``ROWS`` (as many rows as the
count, or as the numerator and denominator), ``SUM`` (the column ``summed["value"]`` of the rows,
summed and rounded, is the value) or None (the value is read, converted or entered, not counted).

Also the mask helpers of every section: ``flag`` and ``in_window`` on pandas columns, ``values``,
``known``, ``moments``, ``day`` and ``between`` for masks built with numpy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc.config.params import Window

ROWS = "rows"      # the rows listed are the figure's count (numerator and denominator for a rate)
SUM = "sum"        # the rounded sum of the column summed["value"] of the rows listed is the value


@dataclass
class Selection:
    """The rows of the processed table ``kind`` behind a figure (masks over that table)."""

    kind: str                              # the processed table ("dossiers", "budget", …)
    counted: pd.Series | None = None       # count, sum or entered value: the rows
    numerator: pd.Series | None = None     # rate over rows
    denominator: pd.Series | None = None
    role: str = "counted"                  # role of the ``counted`` rows: counted, summed, entered
    summed: dict[str, str] = field(default_factory=dict)  # value/minus/numerator/denominator -> column
    scale: str | None = None               # the column of each row's unit, amounts converted by it
    entered: bool = False                  # values entered by hand (column summed["value"])
    extra_columns: list[str] = field(default_factory=list)  # read by the rule, shown after the key columns
    check: str | None = ROWS               # ROWS, SUM or None (see the module's docstring)


def flag(series: pd.Series) -> pd.Series:
    """Nullable comparison -> plain bool (missing counts as False)."""
    return series.fillna(False).astype(bool)


def in_window(dates: pd.Series, window: Window) -> pd.Series:
    """The dates in [S, E] (a missing date is not)."""
    return flag((dates >= pd.Timestamp(window.start)) & (dates <= pd.Timestamp(window.cutoff)))


def values(series: pd.Series) -> np.ndarray:
    """A column's values as Python objects, a missing one as None, for the masks built with
    numpy: ``values(s) == x`` is ``flag(s == x)`` (a missing value equals nothing); a rule reading
    "not x" writes ``known(v) & (v != x)``, as ``flag(s != x)`` does."""
    return series.to_numpy(dtype=object, na_value=None)


def known(values: np.ndarray) -> np.ndarray:
    """Where ``values`` (of ``values()``) is not missing."""
    return pd.notna(values)


def moments(series: pd.Series) -> np.ndarray:
    """A date column as numpy datetimes in its own unit (missing: NaT, which every comparison
    finds false). Compare them with ``day()``."""
    array = series.to_numpy()
    return array if array.dtype.kind == "M" else series.to_numpy(dtype="datetime64[ns]")


def day(date: dt.date) -> np.datetime64:
    """A day's first moment, as ``pd.Timestamp(date)`` compares (a day unit: no overflow)."""
    return np.datetime64(date, "D")


def between(moments: np.ndarray, window: Window) -> np.ndarray:
    """``in_window`` of ``moments()``."""
    return (moments >= day(window.start)) & (moments <= day(window.cutoff))


def every_row(table: pd.DataFrame) -> pd.Series:
    """A mask of every row of ``table``."""
    return pd.Series(True, index=table.index)


def from_masks(kind: str, masks: pd.DataFrame, name: str, counts: list[str],
               rates: dict[str, tuple[str, str]], extra: dict[str, str] | None = None) -> Selection | None:
    """The selection of ``name`` among figures computed from ``masks`` (counts: mask names,
    rates: name -> (numerator mask, denominator mask), as given to ``tthc.emit``), or None when
    ``name`` is not one of them. ``extra``: mask name -> a column its rule reads, shown too."""
    extra = extra or {}
    if name in counts:
        return Selection(kind, counted=masks[name], extra_columns=_columns(extra, name))
    if name in rates:
        num, den = rates[name]
        return Selection(kind, numerator=masks[num], denominator=masks[den],
                         extra_columns=_columns(extra, num, den))
    return None


def _columns(extra: dict[str, str], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        column = extra.get(name)
        if column is not None and column not in out:
            out.append(column)
    return out
