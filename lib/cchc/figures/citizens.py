"""Citizen reception and petition figures (section I): pure functions of the reception log and
the petition register and the window. Labels and definitions: data/figures/citizens.yaml.

Reception: visits are the sum of "Số lượt" of the log rows dated in the window.
Petitions received in the window are split by their state at the cut-off E:
received = resolved + forwarded + filed + pending.

``rows_of`` selects the rows each figure counts or sums (cchc.figures.provenance) with the same
masks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc.config.figures import FigureMeta, figure_definitions
from cchc.config.params import Window
from cchc.figures.provenance import SUM, Selection, between, day, flag, from_masks, in_window, moments, values
from cchc.figures.registry import Figure, count
from cchc.figures.tthc import emit, file_codes, tally
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
VISITS = "visits"   # the column "Số lượt" of the reception log, summed


def petition_masks(p: pd.DataFrame, window: Window) -> pd.DataFrame:
    """One boolean column per counted set of petitions; rows are the petitions of ``p``."""
    received = between(moments(p["received_at"]), window)
    result = values(p["result"])
    # "Đã giải quyết" counts as resolved at E unless its resolution date is after E.
    resolved_by_e = (result == "resolved") & ~(moments(p["resolved_at"]) > day(window.cutoff))
    m: dict[str, np.ndarray] = {"petitions.received.total": received}
    kinds = values(p["petition_type"])
    for kind in ("complaint", "denunciation", "recommendation"):
        m[f"petitions.received.{kind}"] = received & (kinds == kind)
    m["petitions.resolved"] = received & resolved_by_e
    m["petitions.forwarded"] = received & (result == "forwarded")
    m["petitions.filed"] = received & (result == "filed")
    m["petitions.pending"] = received & ~(m["petitions.resolved"] | m["petitions.forwarded"]
                                          | m["petitions.filed"])
    eligibility = values(p["eligibility"])
    for code in ("eligible", "anonymous", "impersonated"):
        m[f"petitions.{code}"] = received & (eligibility == code)
    m["petitions.within_authority"] = received & flag(p["within_authority"]).to_numpy()
    return pd.DataFrame(m, index=p.index)


def reception_masks(r: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The log rows whose "Số lượt" each reception.visits.* figure sums, in report order; rows
    are the rows of ``r``."""
    within = in_window(r["received_at"], window)
    m = {"reception.visits.total": within}
    for form in RECEPTION_FORMS:
        m[f"reception.visits.{form}"] = within & flag(r["form"] == form)
    return pd.DataFrame(m, index=r.index)


def reception_figures(r: pd.DataFrame, window: Window, hashes: dict[str, str],
                      meta: dict[str, FigureMeta]) -> list[Figure]:
    """Visits (sum of "Số lượt") in the window, in total and by form; sources = rows summed."""
    masks = reception_masks(r, window)
    visits = r[VISITS].fillna(0)
    codes, files = file_codes(r[SOURCE_FILE])
    per_file = tally(masks.to_numpy(dtype=bool), codes, len(files)).T.tolist()   # mask -> rows per file
    figures = []
    for name, rows in zip(masks.columns, per_file):
        sources = [{"file": file, "sha256": hashes.get(file, ""), "rows": n} for file, n in zip(files, rows) if n > 0]
        figures.append(count(f"{SECTION}.{name}", round(float(visits[masks[name]].sum())), meta[name], sources))
    return figures


def compute(tables: dict[str, pd.DataFrame], window: Window, hashes: dict[str, str]) -> list[Figure]:
    meta = figure_definitions(SECTION).figures
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


def rows_of(name: str, figure: Figure, tables: dict[str, pd.DataFrame], params) -> Selection | None:
    """The rows figure ``citizens.<name>`` counts (petitions) or sums (reception visits)."""
    if name.startswith("reception.") and "reception" in tables:
        masks = reception_masks(tables["reception"], params.window)
        if name in masks:
            return Selection("reception", counted=masks[name], role="summed", summed={"value": VISITS},
                             check=SUM)
    if name.startswith("petitions.") and "petitions" in tables:
        masks = petition_masks(tables["petitions"], params.window)
        return from_masks("petitions", masks, name, PETITION_COUNTS, PETITION_RATES)
    return None
