"""TTHC figures (form 06a/VPCP/KSTT rules): pure functions of the processed dossier and
catalogue tables and the window. See data/figures/tthc.yaml for labels and definitions.

``rows_of`` selects the rows each figure counts (cchc.figures.provenance) with the same masks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cchc.config.figures import Breakdown, FigureMeta, figure_definitions
from cchc.config.params import Window
from cchc.core.resources import load_yaml
from cchc.figures import tthc_stats  # the statistics of form 06a, when they stand alone
from cchc.figures.breakdowns import group_rows, grouping
from cchc.figures.provenance import (
    Selection,
    between,
    day,
    every_row,
    flag,
    from_masks,
    known,
    moments,
    values,
)
from cchc.figures.registry import Figure, count, rate
from cchc.ingest.parse import SOURCE_FILE

SECTION = "tthc"
# Dossier figures that are counts (mask name = id suffix), in report order.
DOSSIER_COUNTS = [
    "carried_over", "received.online", "received.direct", "received.postal", "received.offline",
    "received.total",
    "to_handle", "resolved.total", "resolved.early", "resolved.on_time", "resolved.late",
    "pending.total", "pending.not_due", "pending.overdue", "interlinked.received",
    "interlinked.resolved", "satisfaction.rated",
]
# Dossier rates: id suffix -> (numerator mask, denominator mask).
DOSSIER_RATES = {
    "rate.online": ("received.online", "received.total"),
    "rate.direct": ("received.direct", "received.total"),
    "rate.early": ("resolved.early", "resolved.total"),
    "rate.on_time": ("resolved.in_time", "resolved.total"),
    "rate.digitized": ("received.digitized", "received.total"),
    "rate.result_digitized": ("resolved.result_digitized", "resolved.total"),
    "rate.reused": ("received.reused", "received.total"),
    "rate.online_payment": ("payment.online", "payment.paying"),
    "rate.satisfaction": ("satisfaction.positive", "satisfaction.rated"),
}
CATALOGUE_COUNTS = ["catalogue.total", "catalogue.published", "catalogue.e_process",
                    "catalogue.online_full", "catalogue.online_partial"]
CATALOGUE_RATES = {
    "catalogue.rate.published": ("catalogue.published", "catalogue.total"),
    "catalogue.rate.e_process": ("catalogue.e_process", "catalogue.total"),
}


def _column(d: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    """A column of ``d``; one no raw file has (left out at ingest: cchc.ingest.absent) as a
    column of missing values of ``dtype``, so that every mask is built (the figures needing it
    are left out: ``absent``)."""
    return d[name] if name in d.columns else pd.Series(None, index=d.index, dtype=dtype)


def fees(d: pd.DataFrame, catalogue: pd.DataFrame | None) -> np.ndarray:
    """Per dossier of ``d``: its procedure has a fee in the catalogue (False when the catalogue,
    its fee column or the procedure is not there)."""
    if catalogue is None or "has_fee" not in catalogue.columns or "procedure_code" not in d.columns:
        return np.zeros(len(d), dtype=bool)
    paid = set(catalogue.loc[flag(catalogue["has_fee"]).to_numpy(), "procedure_code"].astype(str))
    return d["procedure_code"].astype(str).isin(paid).to_numpy()


def dossier_masks(d: pd.DataFrame, window: Window, fee: np.ndarray | None = None) -> pd.DataFrame:
    """One boolean column per counted set of dossiers; rows are the dossiers of ``d``. Without a
    channel column, every dossier received in the window is in received.total. ``fee``: per
    dossier, its procedure has a fee (``fees``): a dossier not paid online (payment not_online,
    the national record's 0) pays when it has one."""
    start, cutoff = day(window.start), day(window.cutoff)
    status = values(_column(d, "status"))
    valid = known(status) & (status != "rejected")
    ended = (status == "resolved") | (status == "withdrawn")
    end = np.where(ended, moments(_column(d, "resolved_at", "datetime64[s]")), np.datetime64("NaT"))
    received, due = moments(d["received_at"]), moments(_column(d, "due_at", "datetime64[s]"))
    no_end, no_due = np.isnat(end), np.isnat(due)
    m: dict[str, np.ndarray] = {}
    m["carried_over"] = valid & (received < start) & (no_end | (end >= start))
    within = valid & between(received, window)
    channel = values(_column(d, "channel"))
    for name in ("online", "direct", "postal"):
        m[f"received.{name}"] = within & (channel == name)
    m["received.offline"] = m["received.direct"] | m["received.postal"]
    m["received.total"] = m["received.online"] | m["received.offline"] if "channel" in d.columns else within
    m["to_handle"] = m["carried_over"] | m["received.total"]
    resolved = m["to_handle"] & between(end, window)
    m["resolved.total"] = resolved
    m["resolved.early"] = resolved & (end < due)
    m["resolved.on_time"] = resolved & (no_due | (end == due))
    m["resolved.late"] = resolved & (end > due)
    m["resolved.in_time"] = m["resolved.early"] | m["resolved.on_time"]
    pending = m["to_handle"] & (no_end | (end > cutoff))
    m["pending.total"] = pending
    m["pending.not_due"] = pending & (no_due | (due >= cutoff))
    m["pending.overdue"] = pending & (due < cutoff)
    total = m["received.total"]
    m["received.digitized"] = total & flag(_column(d, "digitized")).to_numpy()
    m["received.reused"] = total & flag(_column(d, "reused")).to_numpy()
    m["resolved.result_digitized"] = resolved & flag(_column(d, "result_digitized")).to_numpy()
    payment = values(_column(d, "payment"))
    m["payment.online"] = total & (payment == "online")
    has_fee = np.zeros(len(d), dtype=bool) if fee is None else fee
    m["payment.paying"] = total & known(payment) & (payment != "free") & ((payment != "not_online") | has_fee)
    m["interlinked.received"] = total & known(values(_column(d, "interlink_group")))
    m["interlinked.resolved"] = m["interlinked.received"] & resolved
    rating = values(_column(d, "rating"))
    m["satisfaction.rated"] = total & known(rating)
    m["satisfaction.positive"] = m["satisfaction.rated"] & ((rating == "very_satisfied") | (rating == "satisfied"))
    return pd.DataFrame(m, index=d.index)


def catalogue_masks(c: pd.DataFrame) -> pd.DataFrame:
    m = {
        "catalogue.total": every_row(c),
        "catalogue.published": flag(_column(c, "published")),
        "catalogue.e_process": flag(_column(c, "e_process")),
        "catalogue.online_full": flag(_column(c, "online_level") == "full"),
        "catalogue.online_partial": flag(_column(c, "online_level") == "partial"),
    }
    return pd.DataFrame(m, index=c.index)


def absent(tables: dict[str, pd.DataFrame]) -> set[str]:
    """The figures (id suffixes, data/figures/tthc.yaml) not computed: their source is absent,
    or a column they need is absent from every file of it (raw-exports.md §7). Absent, never
    zero: the report says nothing of them and the forms say "chưa có số liệu". Without a dossier
    list, the statistics of form 06a stand for it: the figures they do not hold are absent."""
    spec = figure_definitions(SECTION)
    out = set()
    alone = "dossiers" not in tables and tthc_stats.KIND in tables
    if alone:
        out |= tthc_stats.absent(tables[tthc_stats.KIND])
    for name, meta in spec.figures.items():
        if alone and (meta.source or spec.source) == "dossiers":
            continue
        table = tables.get(meta.source or spec.source)
        if table is None or any(need not in table.columns for need in meta.needs):
            out.add(name)
    return out


def absent_ids(tables: dict[str, pd.DataFrame]) -> set[str]:
    """``absent`` as figure ids (tthc.<suffix>): a target set for one is not applied."""
    return {f"{SECTION}.{name}" for name in absent(tables)}


def _definitions(dossiers: pd.DataFrame) -> dict[str, FigureMeta]:
    """The figures' labels and definitions, a definition replaced by its ``definition_without``
    a column the dossiers lack."""
    out = dict(figure_definitions(SECTION).figures)
    for name, figure in out.items():
        for column, definition in figure.definition_without.items():
            if column not in dossiers.columns:
                out[name] = out[name].model_copy(update={"definition": definition})
    return out


def _breakdowns(dossiers: pd.DataFrame) -> dict[str, Breakdown]:
    """The breakdowns of data/figures/tthc.yaml whose columns the dossiers have."""
    return {name: rule for name, rule in figure_definitions(SECTION).breakdowns.items()
            if all(need in dossiers.columns for need in rule.needs)}


def file_codes(files: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's raw file as a position in the sorted list of the files present (the files as
    text; a row without a file: -1, counted in no file), and that list."""
    codes, names = pd.factorize(files.astype(str), sort=True)
    return codes, [str(name) for name in names]


def tally(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    """Rows x masks (bool) -> ``size`` x masks: the rows of each code (0 … size-1) in each mask
    (a row of code -1 in none); one pass over every mask."""
    width = values.shape[1]
    cells = (codes[:, None] * width + np.arange(width))[values & (codes >= 0)[:, None]]
    return np.bincount(cells, minlength=size * width).reshape(size, width)


def emit(masks: pd.DataFrame, files: pd.Series, counts: list[str], rates: dict[str, tuple[str, str]],
         hashes: dict[str, str], prefix: str, describe) -> list[Figure]:
    """Figures from masks: counts are column sums, rates numerator/denominator sums; sources are
    the rows counted (the denominator's rows for a rate), per raw file."""
    codes, names = file_codes(files)
    table = tally(masks.to_numpy(dtype=bool), codes, len(names))
    return emit_table(table, names, list(masks.columns), counts, rates, hashes, prefix, describe)


def emit_table(table: np.ndarray, names: list[str], columns: list[str], counts: list[str],
               rates: dict[str, tuple[str, str]], hashes: dict[str, str], prefix: str,
               describe) -> list[Figure]:
    """``emit`` from the rows counted already: ``table`` is raw file (``names``, sorted) x mask
    (``columns``) -> rows."""
    column = {name: j for j, name in enumerate(columns)}
    totals = table.sum(axis=0).tolist()
    per_file = table.T.tolist()                     # mask -> rows counted in each file

    def sources(name: str) -> list[dict[str, Any]]:
        return [{"file": file, "sha256": hashes.get(file, ""), "rows": rows}
                for file, rows in zip(names, per_file[column[name]]) if rows > 0]

    out = [count(prefix + name, totals[column[name]], describe(name), sources(name)) for name in counts]
    out += [rate(prefix + name, totals[column[num]], totals[column[den]], describe(name), sources(den))
            for name, (num, den) in rates.items()]
    return out


def _months(dossiers: pd.DataFrame) -> pd.Series:
    """The month each dossier was received ("2025-03"), as in the ids tthc.by_month.<yyyy-mm>.*."""
    return dossiers["received_at"].dt.strftime("%Y-%m")


def _month_codes(received: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``_months`` as each row's position in a list of months (no date: -1) and that list: each
    distinct month formatted once."""
    stamps = pd.DatetimeIndex(received)
    number = np.where(stamps.isna(), -1, stamps.year * 12 + stamps.month - 1)
    distinct, codes = np.unique(number, return_inverse=True)
    if len(distinct) and distinct[0] < 0:
        distinct, codes = distinct[1:], codes - 1
    firsts = pd.DatetimeIndex([pd.Timestamp(year=int(m) // 12, month=int(m) % 12 + 1, day=1) for m in distinct])
    return codes.reshape(-1), list(firsts.strftime("%Y-%m"))


def compute(dossiers: pd.DataFrame, catalogue: pd.DataFrame | None, window: Window,
            hashes: dict[str, str]) -> list[Figure]:
    """Every tthc.* figure: overall, by field and by agency, and the catalogue totals; those
    whose source or columns are absent (``absent``) left out."""
    meta = _definitions(dossiers)
    left_out = absent({"dossiers": dossiers, "catalogue": catalogue} if catalogue is not None
                      else {"dossiers": dossiers})
    counts = [name for name in DOSSIER_COUNTS if name not in left_out]
    rates = {name: rule for name, rule in DOSSIER_RATES.items() if name not in left_out}
    masks = dossier_masks(dossiers, window, fees(dossiers, catalogue))
    values, columns = masks.to_numpy(dtype=bool), list(masks.columns)
    files, names = file_codes(dossiers[SOURCE_FILE])
    figures = emit_table(tally(values, files, len(names)), names, columns, counts, rates,
                         hashes, "tthc.", meta.__getitem__)
    for breakdown, rule in _breakdowns(dossiers).items():
        codes, order, shown = grouping(dossiers[rule.column])
        per_group = tally(values, np.where(files >= 0, codes * len(names) + files, -1),
                          len(order) * len(names)).reshape(len(order), len(names), len(columns))
        for position, group in enumerate(order):
            name = shown[group]

            def describe(key: str, name: str = name) -> dict[str, str]:
                base = meta[key]
                return {"unit": base.unit, "label": rule.label.format(label=base.label, name=name),
                        "definition": rule.definition.format(definition=base.definition, name=name)}

            group_figures = emit_table(per_group[position], names, columns, counts,
                                       rates, hashes, f"tthc.{breakdown}.{group}.", describe)
            for figure in group_figures:
                figure.extra.update({"breakdown": breakdown, "group": name})
            figures += group_figures
    figures += _by_month(masks, dossiers, (files, names), hashes, meta, left_out)
    return figures + _catalogue(catalogue, hashes, meta, left_out)


def _catalogue(catalogue: pd.DataFrame | None, hashes: dict[str, str], meta: dict[str, FigureMeta],
               left_out: set[str]) -> list[Figure]:
    """The catalogue's figures (none without it)."""
    if catalogue is None:
        return []
    return emit(catalogue_masks(catalogue), catalogue[SOURCE_FILE],
                [name for name in CATALOGUE_COUNTS if name not in left_out],
                {name: rule for name, rule in CATALOGUE_RATES.items() if name not in left_out},
                hashes, "tthc.", meta.__getitem__)


def _by_month(masks: pd.DataFrame, dossiers: pd.DataFrame, files: tuple[np.ndarray, list[str]],
              hashes: dict[str, str], meta: dict[str, FigureMeta], left_out: set[str] = frozenset()
              ) -> list[Figure]:
    """Received dossiers per calendar month: tthc.by_month.<yyyy-mm>.received.<channel>."""
    rule = figure_definitions(SECTION).by_month
    codes, months = _month_codes(dossiers["received_at"])
    file_code, names = files
    counted = [name for name in rule.figures if name not in left_out]
    per_month = tally(masks[counted].to_numpy(dtype=bool),
                      np.where((codes >= 0) & (file_code >= 0), codes * len(names) + file_code, -1),
                      len(months) * len(names)).reshape(len(months), len(names), len(counted))
    received = np.bincount(codes[masks["received.total"].to_numpy(dtype=bool) & (codes >= 0)],
                           minlength=len(months))
    figures: list[Figure] = []
    for i in sorted(range(len(months)), key=months.__getitem__):
        month = months[i]
        if not received[i]:
            continue
        shown = f"{month[5:]}/{month[:4]}"

        def describe(key: str, shown: str = shown) -> dict[str, str]:
            base = meta[key]
            return {"unit": base.unit, "label": rule.label.format(label=base.label, month=shown),
                    "definition": rule.definition.format(definition=base.definition, month=shown)}

        group = emit_table(per_month[i], names, counted, counted, {}, hashes, f"tthc.by_month.{month}.", describe)
        for figure in group:
            figure.extra.update({"breakdown": "by_month", "group": month})
        figures += group
    return figures


def compute_section(tables: dict[str, pd.DataFrame], params, hashes: dict[str, str]) -> list[Figure]:
    """From the dossier list; without one, from the statistics of form 06a (cchc.figures.tthc_stats)."""
    if "dossiers" not in tables:
        figures = tthc_stats.compute(tables[tthc_stats.KIND], hashes) if tthc_stats.KIND in tables else []
        return figures + _catalogue(tables.get("catalogue"), hashes, figure_definitions(SECTION).figures,
                                    absent(tables))
    return compute(tables["dossiers"], tables.get("catalogue"), params.window, hashes)


def rows_of(name: str, figure: Figure, tables: dict[str, pd.DataFrame], params) -> Selection | None:
    """The rows figure ``tthc.<name>`` counts: the masks of ``compute``; a breakdown figure
    (tthc.by_field.<group>.<x>, tthc.by_agency.<group>.<x>, tthc.by_month.<yyyy-mm>.<x>) takes the
    mask of x on the rows of its group."""
    if name in CATALOGUE_COUNTS or name in CATALOGUE_RATES:
        if "catalogue" not in tables:
            return None
        return from_masks("catalogue", catalogue_masks(tables["catalogue"]), name, CATALOGUE_COUNTS,
                          CATALOGUE_RATES)
    if "dossiers" not in tables:
        return tthc_stats.rows_of(name, tables) if tthc_stats.KIND in tables else None
    spec = figure_definitions(SECTION)
    dossiers = tables["dossiers"]
    masks = dossier_masks(dossiers, params.window, fees(dossiers, tables.get("catalogue")))
    counts, rates = DOSSIER_COUNTS, DOSSIER_RATES
    parts = name.split(".")
    if len(parts) > 2 and parts[0] in spec.breakdowns:
        if parts[0] not in _breakdowns(dossiers):
            return None
        rows = group_rows(dossiers[spec.breakdowns[parts[0]].column])[0] == parts[1]
        masks, name = masks[rows], ".".join(parts[2:])
    elif len(parts) > 2 and parts[0] == "by_month":
        counts, rates = spec.by_month.figures, {}
        masks, name = masks[_months(dossiers) == parts[1]], ".".join(parts[2:])
    return from_masks("dossiers", masks, name, counts, rates, rule_columns())


def rule_columns() -> dict[str, str]:
    """Dossier mask -> the one more column its rule reads, shown with the rows it selects
    (data/explain.yaml ``dossier_rule_columns``)."""
    return load_yaml("explain.yaml")["dossier_rule_columns"]
