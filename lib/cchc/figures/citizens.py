"""Citizen reception and petition figures (section I): pure functions of the reception log and
the petition register and the window. Labels and definitions: data/figures/citizens.yaml.

Reception: visits are the sum of "Số lượt" of the log rows dated in the window.
Petitions received in the window are split by their state at the cut-off E:
received = resolved + forwarded + filed + pending.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cchc.figures.registry import Figure, count, definitions
from cchc.figures.tthc import emit
from cchc.config.params import Window
from cchc.ingest.parse import SOURCE_FILE

SECTION = "citizens"
PETITION_COUNTS = [
    "petitions.received.total", "petitions.received.complaint", "petitions.received.denunciation",
    "petitions.received.recommendation", "petitions.resolved", "petitions.forwarded", "petitions.filed",
    "petitions.pending", "petitions.eligible", "petitions.anonymous", "petitions.impersonated",
    "petitions.within_authority",
]
PETITION_RATES = {"petitions.rate.resolved": ("petitions.resolved", "petitions.received.total")}
RECEPTION_FORMS = ("direct", "remote")


def _flag(series: pd.Series) -> pd.Series:
    """Nullable comparison -> plain bool (missing counts as False)."""
    return series.fillna(False).astype(bool)


def _in_window(dates: pd.Series, window: Window) -> pd.Series:
    return _flag((dates >= pd.Timestamp(window.start)) & (dates <= pd.Timestamp(window.cutoff)))


def petition_masks(p: pd.DataFrame, window: Window) -> pd.DataFrame:
    """One boolean column per counted set of petitions; rows are the petitions of ``p``."""
    received = _in_window(p["received_at"], window)
    result = p["result"]
    # "Đã giải quyết" counts as resolved at E unless its resolution date is after E.
    resolved_by_e = _flag(result == "resolved") & ~_flag(p["resolved_at"] > pd.Timestamp(window.cutoff))
    m: dict[str, pd.Series] = {"petitions.received.total": received}
    for kind in ("complaint", "denunciation", "recommendation"):
        m[f"petitions.received.{kind}"] = received & _flag(p["petition_type"] == kind)
    m["petitions.resolved"] = received & resolved_by_e
    m["petitions.forwarded"] = received & _flag(result == "forwarded")
    m["petitions.filed"] = received & _flag(result == "filed")
    m["petitions.pending"] = received & ~(m["petitions.resolved"] | m["petitions.forwarded"]
                                          | m["petitions.filed"])
    for code in ("eligible", "anonymous", "impersonated"):
        m[f"petitions.{code}"] = received & _flag(p["eligibility"] == code)
    m["petitions.within_authority"] = received & _flag(p["within_authority"])
    return pd.DataFrame(m, index=p.index)


def reception_masks(r: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The log rows whose "Số lượt" each reception.visits.* figure sums (same rules as
    ``reception_figures``); rows are the rows of ``r``."""
    within = _in_window(r["received_at"], window)
    m = {"reception.visits.total": within}
    for form in RECEPTION_FORMS:
        m[f"reception.visits.{form}"] = within & _flag(r["form"] == form)
    return pd.DataFrame(m, index=r.index)


def reception_figures(r: pd.DataFrame, window: Window, hashes: dict[str, str],
                      meta: dict[str, Any]) -> list[Figure]:
    """Visits (sum of "Số lượt") in the window, in total and by form; sources = rows summed."""
    within = _in_window(r["received_at"], window)
    visits = r["visits"].fillna(0)
    files = r[SOURCE_FILE].astype(str)
    groups = {"reception.visits.total": within}
    for form in RECEPTION_FORMS:
        groups[f"reception.visits.{form}"] = within & _flag(r["form"] == form)
    figures = []
    for name, rows in groups.items():
        per_file = rows.groupby(files, sort=True).sum()
        sources = [{"file": file, "sha256": hashes.get(file, ""), "rows": int(n)}
                   for file, n in per_file.items() if n > 0]
        figures.append(count(f"{SECTION}.{name}", round(float(visits[rows].sum())), meta[name], sources))
    return figures


def compute(tables: dict[str, pd.DataFrame], window: Window, hashes: dict[str, str]) -> list[Figure]:
    meta = definitions(SECTION)["figures"]
    figures: list[Figure] = []
    if "reception" in tables:
        figures += reception_figures(tables["reception"], window, hashes, meta)
    if "petitions" in tables:
        p = tables["petitions"]
        figures += emit(petition_masks(p, window), p[SOURCE_FILE], PETITION_COUNTS, PETITION_RATES,
                        hashes, f"{SECTION}.", meta.__getitem__)
    return figures


def compute_section(tables: dict[str, pd.DataFrame], params, hashes: dict[str, str]) -> list[Figure]:
    return compute(tables, params.window, hashes)
