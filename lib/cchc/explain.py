"""The raw rows behind a figure (`cchc explain`): for an auditor who opens the export and counts.

``explain(root, unit, period, figure_id)`` ingests (cached), computes the figures and lists the
rows of the processed tables the figure was computed from, selected with the figures modules'
own masks, so that the rows listed are exactly the rows counted:

- a count: its rows, role ``counted`` (as many rows as the value);
- a rate over rows: every denominator row once, role ``denominator``, with ``in_numerator``
  True for the rows the numerator counts (a numerator row outside the denominator, which the
  rules never give, would be listed with role ``numerator``);
- a sum (visits of the reception log, finance amounts): the rows summed, role ``summed``, and
  ``Explanation.summed`` names the column(s);
- a manual figure: its workbook row, role ``entered``; a manual rate: its two rows, roles
  ``numerator`` and ``denominator``.

Each row carries its file (relative to the root), sheet, Excel row number and the key columns
of its table (data/explain.yaml), never personal data. ``to_text`` and ``to_csv`` show it in
Vietnamese (headers, roles, category labels, dates as 09/12/2025).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.figures.registry import Figure
from cchc.config.params import Window
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from cchc.core.resources import load_yaml

TEXT_LIMIT = 200          # rows shown by to_text; the CSV has them all
CELL_WIDTH = 48           # longer cells are cut in the text listing (never in the CSV)
CSV_DELIMITER = ";"       # as the systems' own CSV exports (Excel with Vietnamese settings)


def _data() -> dict[str, Any]:
    return load_yaml("explain.yaml")


def say(name: str, /, **values: Any) -> str:
    """A message of data/explain.yaml ``text:`` (e.g. ``say("csv_done", rows=4, path="x.csv")``)."""
    return _data()["text"][name].format(**values)


class ExplainUnsupported(CchcError):
    """The figure exists but no rule here lists its rows (a figure added without its explain rule)."""

    def __init__(self, figure_id: str) -> None:  # message from data/explain.yaml, not messages.yaml
        self.name = "explain_unsupported"
        self.values = {"figure": figure_id}
        Exception.__init__(self, _data()["unsupported"].format(figure=figure_id))


@dataclass
class Explanation:
    """A figure and the raw rows behind it.

    ``rows`` columns: file (relative to the root), sheet (None for CSV), row (Excel row number),
    role, in_numerator (nullable boolean: set for rates, <NA> otherwise), then the key columns
    of ``kind`` (canonical names and values, as in the processed table).
    """

    figure: Figure
    unit: str
    period: str
    window: Window
    kind: str                       # the processed table the rows come from ("dossiers", …)
    rows: pd.DataFrame
    summed: dict[str, str] = field(default_factory=dict)  # "value"/"minus"/"numerator"/"denominator" -> column

    @property
    def id(self) -> str:
        return self.figure.id

    @property
    def label(self) -> str:
        return self.figure.label

    @property
    def definition(self) -> str:
        return self.figure.definition

    @property
    def value(self) -> int | float | None:
        return self.figure.value

    @property
    def numerator(self) -> int | float | None:
        return self.figure.numerator

    @property
    def denominator(self) -> int | float | None:
        return self.figure.denominator

    def count(self, role: str) -> int:
        """Rows of a role ("counted", "denominator", …)."""
        return int((self.rows["role"] == role).sum())

    @property
    def numerator_rows(self) -> int:
        """Rows the numerator counts (in_numerator True)."""
        return int(self.rows["in_numerator"].fillna(False).astype(bool).sum())


# ---------------------------------------------------------------------------
# which rows
# ---------------------------------------------------------------------------

@dataclass
class _Selection:
    kind: str
    counted: pd.Series | None = None       # boolean mask over the table (count, sum, entered)
    numerator: pd.Series | None = None     # rate over rows
    denominator: pd.Series | None = None
    role: str = "counted"
    summed: dict[str, str] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    check: bool = True                     # rows counted must equal the figure's numbers


def _from_masks(kind: str, masks: pd.DataFrame, name: str, counts: list[str],
                rates: dict[str, tuple[str, str]], extra: dict[str, str] | None = None) -> _Selection | None:
    """The selection of figure ``name`` among masks-computed figures (counts and rates as given
    to ``emit``), or None when ``name`` is not one of them."""
    extra = extra or {}
    if name in counts:
        return _Selection(kind, counted=masks[name], extra_columns=_extra(extra, name))
    if name in rates:
        num, den = rates[name]
        return _Selection(kind, numerator=masks[num], denominator=masks[den],
                          extra_columns=_extra(extra, num, den))
    return None


def _extra(extra: dict[str, str], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        column = extra.get(name)
        if column is not None and column not in out:
            out.append(column)
    return out


def _tthc(name: str, tables: dict[str, pd.DataFrame], window: Window) -> _Selection | None:
    from cchc.figures import tthc

    spec = tthc.definitions(tthc.SECTION)
    if name in tthc.CATALOGUE_COUNTS or name in tthc.CATALOGUE_RATES:
        masks = tthc.catalogue_masks(tables["catalogue"])
        return _from_masks("catalogue", masks, name, tthc.CATALOGUE_COUNTS, tthc.CATALOGUE_RATES)
    dossiers = tables["dossiers"]
    masks = tthc.dossier_masks(dossiers, window)
    counts, rates = tthc.DOSSIER_COUNTS, tthc.DOSSIER_RATES
    parts = name.split(".")
    if len(parts) > 2 and parts[0] in spec["breakdowns"]:
        # tthc.by_field.<slug>.<x>: the overall mask of x, on the rows whose slug(field) is <slug>
        column = spec["breakdowns"][parts[0]]["column"]
        rows = tthc.group_slugs(dossiers[column]) == parts[1]
        masks, name = masks[rows], ".".join(parts[2:])
    elif len(parts) > 2 and parts[0] == "by_month":
        months = dossiers["received_at"].dt.strftime("%Y-%m")
        counts, rates = spec["by_month"]["figures"], {}
        masks, name = masks[months == parts[1]], ".".join(parts[2:])
    return _from_masks("dossiers", masks, name, counts, rates, _data()["dossier_rule_columns"])


def _citizens(name: str, tables: dict[str, pd.DataFrame], window: Window) -> _Selection | None:
    from cchc.figures import citizens

    if name.startswith("reception.") and "reception" in tables:
        masks = citizens.reception_masks(tables["reception"], window)
        if name in masks:
            return _Selection("reception", counted=masks[name], role="summed", summed={"value": "visits"},
                              check=False)
    if name.startswith("petitions.") and "petitions" in tables:
        masks = citizens.petition_masks(tables["petitions"], window)
        return _from_masks("petitions", masks, name, citizens.PETITION_COUNTS, citizens.PETITION_RATES)
    return None


def _documents(name: str, tables: dict[str, pd.DataFrame], window: Window) -> _Selection | None:
    from cchc.figures import outgoing as documents

    if documents.KIND not in tables:
        return None
    masks = documents.document_masks(tables[documents.KIND], window)
    return _from_masks(documents.KIND, masks, name, documents.COUNTS, documents.RATES)


def _finance(name: str, tables: dict[str, pd.DataFrame], window: Window) -> _Selection | None:
    from cchc.figures import finance

    code, _, item = name.partition(".")
    if code in finance.BUDGET_CODES and "budget" in tables:
        budget = tables["budget"]
        chosen = finance.budget_line_rows(budget).get(code)
        if chosen is None:
            return None
        rows = pd.Series(budget.index == chosen, index=budget.index)
        if item in finance.BUDGET_AMOUNTS:
            summed = {"value": item}
        elif item in finance.BUDGET_RATES:
            num, den = finance.BUDGET_RATES[item]
            summed = {"numerator": num, "denominator": den}
        else:
            return None
        return _Selection("budget", counted=rows, role="summed", summed=summed, check=False)
    if code == "investment" and "investment" in tables:
        investment = tables["investment"]
        summed = {"allocated": {"value": "allocated"}, "disbursed": {"value": "disbursed"},
                  "remaining": {"value": "allocated", "minus": "disbursed"},
                  "rate_disbursed": {"numerator": "disbursed", "denominator": "allocated"}}.get(item)
        if summed is None:
            return None
        return _Selection("investment", counted=pd.Series(True, index=investment.index), role="summed",
                          summed=summed, check=False)
    return None


def _manual(name: str, figure: Figure, tables: dict[str, pd.DataFrame]) -> _Selection | None:
    from cchc.figures import manual

    if name.startswith("plan_tasks.") and "manual_tasks" in tables:
        masks = manual.task_masks(tables["manual_tasks"])
        return _from_masks("manual_tasks", masks, name, manual.TASK_COUNTS, manual.TASK_RATES)
    if name == "initiatives.count" and "manual_initiatives" in tables:
        table = tables["manual_initiatives"]
        return _Selection("manual_initiatives", counted=pd.Series(True, index=table.index))
    if "manual" not in tables or not figure.sources or any("row" not in s for s in figure.sources):
        return None
    # key-value rows and their rates: the sources name the workbook rows (sheet, Excel row)
    table = tables["manual"]

    def at(source: dict[str, Any]) -> pd.Series:
        sheet = table[SOURCE_SHEET].astype(object).where(table[SOURCE_SHEET].notna(), None)
        return ((table[SOURCE_FILE] == source["file"]) & (sheet == source.get("sheet"))
                & (table[SOURCE_ROW] == int(source["row"]))).fillna(False).astype(bool)

    if figure.is_rate:
        return _Selection("manual", numerator=at(figure.sources[0]), denominator=at(figure.sources[1]),
                          summed={"value": "value"}, check=False)
    return _Selection("manual", counted=at(figure.sources[0]), role="entered", summed={"value": "value"},
                      check=False)


def _select(figure: Figure, tables: dict[str, pd.DataFrame], window: Window) -> _Selection | None:
    section, _, name = figure.id.partition(".")
    if section == "tthc":
        return _tthc(name, tables, window)
    if section == "citizens":
        return _citizens(name, tables, window)
    if section == "documents":
        return _documents(name, tables, window)
    if section == "finance":
        return _finance(name, tables, window)
    if section == "manual":
        return _manual(name, figure, tables)
    return None


def _rows(selection: _Selection, table: pd.DataFrame) -> pd.DataFrame:
    """The selected rows: provenance, role, in_numerator, then the key columns; by file and row."""
    keys = [c for c in _data()["columns"][selection.kind] + selection.extra_columns if c in table.columns]
    if selection.counted is not None:
        mask = selection.counted.reindex(table.index, fill_value=False)
        picked = table.loc[mask]
        role = pd.Series(selection.role, index=picked.index, dtype=object)
        flag = pd.Series(pd.NA, index=picked.index, dtype="boolean")
    else:
        num = selection.numerator.reindex(table.index, fill_value=False)
        den = selection.denominator.reindex(table.index, fill_value=False)
        picked = table.loc[num | den]
        role = pd.Series("numerator", index=picked.index, dtype=object).where(~den[picked.index], "denominator")
        flag = num[picked.index].astype("boolean")
    sheet = picked[SOURCE_SHEET].astype(object)
    out = pd.DataFrame({
        "file": picked[SOURCE_FILE].astype(str),
        "sheet": sheet.where(sheet.notna(), None),
        "row": picked[SOURCE_ROW].astype(int),
        "role": role,
        "in_numerator": flag,
    }, index=picked.index)
    for column in keys:
        out[column] = picked[column]
    order = out.assign(_sheet=out["sheet"].fillna("")).sort_values(["file", "_sheet", "row"], kind="stable")
    return out.loc[order.index].reset_index(drop=True)


def _check(figure: Figure, rows: pd.DataFrame, selection: _Selection) -> None:
    """The rows listed are the rows counted: a difference is a bug, never shown as an answer."""
    if selection.kind == "reception":  # a sum of "Số lượt", rounded as the figure is
        expected, found = {"value": figure.value}, {"value": round(float(rows["visits"].fillna(0).sum()))}
        if expected != found:
            raise AssertionError(f"explain {figure.id}: rows {found} differ from the figure {expected}")
    if not selection.check:
        return
    if selection.counted is not None:
        expected, found = {"value": figure.value}, {"value": len(rows)}
    else:
        expected = {"numerator": figure.numerator, "denominator": figure.denominator}
        found = {"numerator": int(rows["in_numerator"].fillna(False).astype(bool).sum()),
                 "denominator": int((rows["role"] == "denominator").sum())}
    if expected != found:
        raise AssertionError(f"explain {figure.id}: rows {found} differ from the figure {expected}")


def explain_figure(figure: Figure, tables: dict[str, pd.DataFrame], params) -> Explanation:
    """The rows behind ``figure`` from the processed ``tables`` (pure; what ``explain`` calls)."""
    selection = _select(figure, tables, params.window)
    if selection is None:
        raise ExplainUnsupported(figure.id)
    rows = _rows(selection, tables[selection.kind])
    _check(figure, rows, selection)
    return Explanation(figure=figure, unit=params.unit, period=params.period, window=params.window,
                       kind=selection.kind, rows=rows, summed=dict(selection.summed))


def explain(root: Path, unit: str, period: str, figure_id: str) -> Explanation:
    """The figure ``figure_id`` of a unit and period with the raw rows behind it. Ingests first
    (cached when the raw files are unchanged). Unknown id: CchcError("unknown_figure")."""
    from cchc.figures import compute_all
    from cchc.config.params import load_params
    from cchc.pipeline import run_ingest

    root = Path(root)
    params = load_params(root, unit, period)
    ingested = run_ingest(root, unit, period)
    figures = compute_all(ingested.processed_dir, params, ingested.report)
    figure = figures[figure_id]  # CchcError("unknown_figure") when absent
    tables = {name: pd.read_parquet(ingested.processed_dir / file)
              for name, file in ingested.report["tables"].items()}
    return explain_figure(figure, tables, params)


# ---------------------------------------------------------------------------
# showing it
# ---------------------------------------------------------------------------

def _headers(kind: str) -> dict[str, str]:
    from cchc.config.sources import load_spec

    spec = load_spec(kind)
    headers = {name: column.header for name, column in spec.columns.items()}
    headers.update(_data()["headers"])
    return headers


def _labels(kind: str) -> dict[str, dict[Any, str]]:
    """Canonical column -> code -> Vietnamese label, for the category columns of ``kind``."""
    from cchc.config.sources import load_spec

    spec = load_spec(kind)
    out = {}
    for name, column in spec.columns.items():
        if column.vocab:
            out[name] = dict(spec.vocabulary(column.vocab).get("labels", {}))
    return out


def _number(value: float, decimal_mark: str = ",") -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", decimal_mark)


def _cell(value: Any, labels: dict[Any, str] | None) -> str:
    """A cell as shown: category label, dd/mm/yyyy date, plain number (decimal comma)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, np.bool_):
        value = bool(value)
    if labels is not None:
        return labels.get(value, str(value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%d/%m/%Y" if stamp == stamp.normalize() else "%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _data()["flags"]["yes" if value else "no"]
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _number(float(value))
    return str(value)


def table(explanation: Explanation) -> pd.DataFrame:
    """The rows as shown to people: Vietnamese headers and values, every cell a string
    (in_numerator only for rates)."""
    data = _data()
    headers, labels = _headers(explanation.kind), _labels(explanation.kind)
    rows = explanation.rows
    columns = [c for c in rows.columns if not (c == "in_numerator" and rows[c].isna().all())]
    shown: dict[str, list[str]] = {}
    for column in columns:
        values = rows[column].tolist()
        if column == "role":
            cells = [data["roles"][v] for v in values]
        elif column == "in_numerator":
            cells = ["" if pd.isna(v) else data["flags"]["yes" if v else "no"] for v in values]
        elif column == "row":
            cells = [str(int(v)) for v in values]
        else:
            cells = [_cell(v, labels.get(column)) for v in values]
        shown[headers.get(column, column)] = cells
    return pd.DataFrame(shown, columns=list(shown), dtype=object)


def _value_lines(explanation: Explanation) -> list[str]:
    figure = explanation.figure
    if figure.is_rate:
        return [say("rate_value", value=fmt.percent(figure.value), numerator=_amount(figure.numerator),
                    denominator=_amount(figure.denominator))]
    return [say("value", value=_amount(figure.value), unit=figure.unit).rstrip()]


def _amount(value: int | float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return fmt.integer(int(value))
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.######", locale=fmt.LOCALE)


def _summary(explanation: Explanation) -> str:
    rows, headers = explanation.rows, _headers(explanation.kind)
    summed = explanation.summed
    n = fmt.integer(len(rows))
    flag = _data()["headers"]["in_numerator"]
    yes = _data()["flags"]["yes"]
    if explanation.kind == "manual":
        if explanation.figure.is_rate:
            return say("entered_rate", column=headers["value"])
        return say("entered", rows=n, column=headers["value"])
    if summed:
        scale = say("scale", column=headers["unit"]) if explanation.kind in ("budget", "investment") else ""
        if "numerator" in summed:
            return say("summed_rate", numerator=headers[summed["numerator"]],
                       denominator=headers[summed["denominator"]], rows=n, scale=scale)
        if "minus" in summed:
            return say("summed_difference", column=headers[summed["value"]], minus=headers[summed["minus"]],
                       rows=n, scale=scale)
        return say("summed", column=headers[summed["value"]], rows=n, scale=scale)
    if explanation.figure.is_rate:
        return say("rate", denominator=fmt.integer(explanation.count("denominator")),
                   numerator=fmt.integer(explanation.numerator_rows), flag=flag, yes=yes)
    return say("counted", rows=n)


def _layout(frame: pd.DataFrame, whole: set[str]) -> list[str]:
    """Aligned columns; long cells cut, except the columns in ``whole`` (the file)."""
    def cut(text: str) -> str:
        return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"

    cells = [[str(v) if c in whole else cut(str(v)) for v in frame[c]] for c in frame.columns]
    widths = [max([len(c)] + [len(v) for v in column]) for c, column in zip(frame.columns, cells)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(frame.columns, widths)).rstrip(),
             "  ".join("─" * w for w in widths)]
    for i in range(len(frame)):
        lines.append("  ".join(column[i].ljust(w) for column, w in zip(cells, widths)).rstrip())
    return lines


def to_text(explanation: Explanation, limit: int = TEXT_LIMIT, csv_path: str | None = None) -> str:
    """A readable Vietnamese listing: the figure (label, definition, value, counts), then the rows
    (the first ``limit``; the rest is announced, with --csv suggested, or ``csv_path`` named
    when the rows were written there)."""
    figure, window = explanation.figure, explanation.window
    lines = [say("figure", id=figure.id, label=figure.label),
             say("definition", definition=figure.definition),
             say("window", unit=explanation.unit, period=explanation.period,
                 start=fmt.date(window.start), cutoff=fmt.date(window.cutoff))]
    lines += _value_lines(explanation)
    if figure.extra.get("as_of"):
        lines.append(say("as_of", date=fmt.date(dt.date.fromisoformat(str(figure.extra["as_of"])))))
    lines.append(_summary(explanation))
    lines.append("")
    shown = table(explanation)
    if shown.empty:
        lines.append(say("no_rows"))
    else:
        lines += _layout(shown.head(limit), {_data()["headers"]["file"]})
        more = len(shown) - limit
        if more > 0:
            values = {"more": fmt.integer(more), "total": fmt.integer(len(shown))}
            lines.append(say("more_written", path=csv_path, **values) if csv_path else say("more", **values))
    return "\n".join(lines) + "\n"


def to_csv(explanation: Explanation, path: Path | str) -> Path:
    """All rows to ``path``: UTF-8 with BOM (Excel reads the Vietnamese right), ';'-separated,
    Vietnamese headers and values as in ``to_text``. Returns the path."""
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    shown = table(explanation)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow(list(shown.columns))
        writer.writerows(shown.itertuples(index=False, name=None))
    return path
