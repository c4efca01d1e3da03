"""Outgoing-document figures (sections I, II.1 and II.6): pure functions of the outgoing
document register ("Sổ văn bản đi") and the window. Labels and definitions:
data/figures/documents.yaml.

A document is in the window when its "Ngày ban hành" is in [S, E]. Classified documents
(Độ mật not empty) are excluded from the outgoing-document figures. "Sent electronically"
means sent wholly in electronic form: "Hình thức gửi" = Điện tử ("Điện tử và giấy" is not).
The register may stop before E: its title row ("… đến ngày 04/12/2025") is the ``as_of``
date, carried by every figure in ``extra["as_of"]`` when it precedes E.

``legal_documents`` and ``citations`` give the report the documents it cites, as plain
lists of dicts (number, date as datetime.date, title, …). ``rows_of`` selects the rows each
figure counts (cchc.figures.provenance) with the masks of ``compute``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from cchc.config.figures import figure_definitions
from cchc.config.params import Window
from cchc.config.sources import load_spec
from cchc.core.text import match_key
from cchc.figures.provenance import Selection, between, flag, from_masks, known, moments, values
from cchc.figures.registry import Figure
from cchc.figures.tthc import emit
from cchc.ingest.cells import category_lookup
from cchc.ingest.parse import SOURCE_FILE

SECTION = "documents"
KIND = "documents"
COUNTS = ["outgoing.total", "outgoing.electronic", "outgoing.electronic_and_paper", "outgoing.paper",
          "outgoing.signed", "outgoing.classified", "legal.issued"]
RATES = {"outgoing.rate.electronic": ("outgoing.electronic", "outgoing.total"),
         "outgoing.rate.signed": ("outgoing.signed", "outgoing.total")}
TAG_SEPARATORS = re.compile(r"[;,]")


def in_window(d: pd.DataFrame, window: Window) -> np.ndarray:
    """The documents issued in the window."""
    return between(moments(d["issued_at"]), window)


def classified(d: pd.DataFrame) -> np.ndarray:
    secrecy = values(d["secrecy"])
    return known(secrecy) & (secrecy != "none")


def document_masks(d: pd.DataFrame, window: Window) -> pd.DataFrame:
    within = in_window(d, window)
    secret = classified(d)
    total = within & ~secret
    mode = values(d["send_mode"])
    m = {
        "outgoing.total": total,
        "outgoing.electronic": total & (mode == "electronic"),
        "outgoing.electronic_and_paper": total & (mode == "both"),
        "outgoing.paper": total & (mode == "paper"),
        "outgoing.signed": total & flag(d["signed"]).to_numpy(),
        "outgoing.classified": within & secret,
        "legal.issued": within & flag(d["legal"]).to_numpy(),
    }
    return pd.DataFrame(m, index=d.index)


def as_of(d: pd.DataFrame, window: Window) -> dt.date | None:
    """The date the register stops at, when it precedes the cut-off (latest over the files)."""
    if "as_of" not in d or d["as_of"].isna().all():
        return None
    last = d["as_of"].max().date()
    return last if last < window.cutoff else None


def compute(d: pd.DataFrame, window: Window, hashes: dict[str, str]) -> list[Figure]:
    meta = figure_definitions(SECTION).figures
    figures = emit(document_masks(d, window), d[SOURCE_FILE], COUNTS, RATES, hashes, f"{SECTION}.",
                   meta.__getitem__)
    stop = as_of(d, window)
    if stop is not None:
        for figure in figures:
            figure.extra["as_of"] = stop.isoformat()
    return figures


def compute_section(tables: dict[str, pd.DataFrame], params, hashes: dict[str, str]) -> list[Figure]:
    if KIND not in tables:
        return []
    return compute(tables[KIND], params.window, hashes)


def rows_of(name: str, figure: Figure, tables: dict[str, pd.DataFrame], params) -> Selection | None:
    """The register rows figure ``documents.<name>`` counts."""
    if KIND not in tables:
        return None
    return from_masks(KIND, document_masks(tables[KIND], params.window), name, COUNTS, RATES)


# ---------------------------------------------------------------------------
# documents the report cites
# ---------------------------------------------------------------------------

def _type_vocabulary() -> tuple[dict[str, str], dict[str, str]]:
    """Label match key -> type code, and code -> display label (data/sources/documents.yaml)."""
    vocabulary = load_spec(KIND).vocabularies["document_type"]
    return category_lookup(vocabulary), vocabulary["labels"]


def _type_code(value: Any, lookup: dict[str, str]) -> str | None:
    """A "Loại văn bản" as written ("Kế hoạch", "KH") -> its code ("plan"); unknown or empty: None."""
    return None if _text(value) is None else lookup.get(match_key(value))


def split_tags(value: Any) -> list[str]:
    """"CCHC; kiểm tra" -> ["CCHC", "kiểm tra"] (separators ";" and ",")."""
    if value is None or pd.isna(value):
        return []
    return [tag.strip() for tag in TAG_SEPARATORS.split(str(value)) if tag.strip()]


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


class _Register:
    """The register as the cited lists read it: the documents of the window and each column's
    distinct values, derived once for all the lists of a report."""

    def __init__(self, table: pd.DataFrame, window: Window) -> None:
        self.table = table
        self.within = in_window(table, window)
        self._distinct: dict[str, tuple[np.ndarray, Any]] = {}
        self._own: np.ndarray | None = None

    def own(self) -> np.ndarray:
        """Issued in the window, not classified."""
        if self._own is None:
            self._own = self.within & ~classified(self.table)
        return self._own

    def each_value(self, column: str, test) -> np.ndarray:
        """``test`` of each row's value, run once per distinct value (a missing value: False)."""
        if column not in self._distinct:
            self._distinct[column] = pd.factorize(self.table[column])
        codes, distinct = self._distinct[column]
        return np.array([bool(test(value)) for value in distinct] + [False], dtype=bool)[codes]

    def sorted_rows(self, keep: np.ndarray, columns: tuple[str, ...]) -> list[dict[str, Any]]:
        """The rows kept (``columns`` and issued_at, number, each value as the row gives it), by
        date, then by number ("5/QĐ-UBND" before "10/QĐ-UBND")."""
        def order(number: str) -> tuple[int, str]:
            found = re.match(r"\d+", number)
            return (int(found.group(0)) if found else 0, number)

        positions = np.flatnonzero(keep)
        names = ("issued_at", "number", *columns)
        values = [self.table[name].array.take(positions).tolist() for name in names]
        rows = [dict(zip(names, row)) for row in zip(*values)]
        return sorted(rows, key=lambda row: (row["issued_at"], order(str(row["number"]))))


def legal_documents(table: pd.DataFrame, window: Window) -> list[dict[str, Any]]:
    """The legal normative documents (Văn bản QPPL = Có) issued in the window, by date:
    [{"number", "date", "title"}]."""
    return _legal(_Register(table, window))


def _legal(register: _Register) -> list[dict[str, Any]]:
    keep = register.within & flag(register.table["legal"]).to_numpy()
    return [{"number": str(r["number"]), "date": r["issued_at"].date(), "title": _text(r["title"])}
            for r in register.sorted_rows(keep, ("title",))]


def citations(table: pd.DataFrame, window: Window, types: list[str] | None = None,
              tags: list[str] | None = None) -> list[dict[str, Any]]:
    """The unit's own documents issued in the window (classified ones never), by date then
    number, whose type is one of ``types`` (codes such as "plan", labels such as "Kế hoạch", or
    a type outside the vocabulary as written; None: any) and which carry at least one of
    ``tags`` (case-insensitive; None: any). Each: {"type": display label ("Kế hoạch", or the
    type as written when outside the vocabulary), "type_code", "number", "date", "title", "tags"}."""
    return _cite(_Register(table, window), types, tags)


def _cite(register: _Register, types: list[str] | None, tags: list[str] | None) -> list[dict[str, Any]]:
    lookup, labels = _type_vocabulary()
    keep = register.own()
    if types is not None:  # a type outside the vocabulary matches as written
        wanted = {lookup.get(match_key(t), match_key(t)) for t in types}

        def typed(value: Any) -> bool:
            key = match_key(str(value))
            code = lookup.get(key)
            return (key if code is None else code) in wanted

        keep = keep & register.each_value("doc_type", typed)
    if tags is not None:
        wanted_tags = {match_key(t) for t in tags}
        keep = keep & register.each_value("tags", lambda v: any(match_key(t) in wanted_tags for t in split_tags(v)))
    out = []
    for row in register.sorted_rows(keep, ("doc_type", "title", "tags")):
        code = _type_code(row["doc_type"], lookup)
        out.append({"type": labels[code] if code else _text(row["doc_type"]), "type_code": code,
                    "number": str(row["number"]), "date": row["issued_at"].date(), "title": _text(row["title"]),
                    "tags": split_tags(row["tags"])})
    return out


def citation_rules(params) -> dict[str, dict[str, list[str]]]:
    """Section -> {types, tags}: data/report/citations.yaml, overridden by `citations:` params."""
    return params.citation_rules()


def compute_lists(tables: dict[str, pd.DataFrame], params) -> dict[str, list[dict[str, Any]]]:
    """documents.legal (QPPL issued in the window) and citations.<section> for the report."""
    table = tables.get("documents")
    if table is None:
        return {}
    register = _Register(table, params.window)
    lists: dict[str, list[dict[str, Any]]] = {"documents.legal": _legal(register)}
    for section, rule in sorted(citation_rules(params).items()):
        items = _cite(register, rule.get("types"), rule.get("tags"))
        lists[f"citations.{section}"] = [{k: v for k, v in item.items() if k != "tags"} for item in items]
    return lists
