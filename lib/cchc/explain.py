"""The raw rows behind a figure (`cchc explain`): for an auditor who opens the export and counts.

``explain(root, unit, period, figure_id)`` ingests (cached), computes the figures and calls
``explain_figure``, which asks the figure's section module (cchc.figures.SECTIONS, by the id's
prefix) for the rows of the processed table the figure was computed from (``rows_of``, a
cchc.figures.provenance.Selection built with the module's own masks), lists them and checks
that they give the figure back, so that the rows listed are exactly the rows counted:

- a count: its rows, role ``counted`` (as many rows as the value);
- a rate over rows: every denominator row once, role ``denominator``, with ``in_numerator``
  True for the rows the numerator counts (a numerator row outside the denominator, which the
  rules never give, would be listed with role ``numerator``);
- a sum (visits of the reception log, finance amounts): the rows summed, role ``summed``, and
  ``Explanation.summed`` names the column(s) (``Explanation.scale`` the unit column amounts are
  converted by);
- a manual figure: its workbook row, role ``entered``; a manual rate: its two rows, roles
  ``numerator`` and ``denominator``.

Each row carries its file (relative to the root), sheet, Excel row number and the key columns
of its table (data/explain.yaml), never personal data. ``to_text`` and ``to_csv`` show it in
Vietnamese (headers, roles, category labels, dates as 09/12/2025).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc.compute import compute
from cchc.config.figures import figure_definitions
from cchc.config.params import Params, Window
from cchc.config.sources import load_spec
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.layout import FIGURES, INGEST_REPORT_JSON, MANIFEST, Layout
from cchc.core.resources import load_yaml
from cchc.figures import section_of
from cchc.figures.provenance import ROWS, SUM, Selection
from cchc.figures.registry import Figure
from cchc.ingest.parse import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from cchc.replay import ABSENT, RECORDED, PublishedRun

OUTSIDE, INSIDE = "outside", "inside"   # --only: a rate's denominator rows outside / inside its numerator
TEXT_LIMIT = 200          # rows shown by to_text; the CSV has them all
CELL_WIDTH = 48           # longer cells are cut in the text listing (never in the CSV)
CSV_DELIMITER = ";"       # as the systems' own CSV exports (Excel with Vietnamese settings)
SUMMED_WITH = "+"         # a summed value of several columns: their names joined ("a+b")


def _data() -> dict[str, Any]:
    return load_yaml("explain.yaml")


def say(name: str, /, **values: Any) -> str:
    """A message of data/explain.yaml ``text:`` (e.g. ``say("csv_done", rows=4, path="x.csv")``)."""
    return _data()["text"][name].format(**values)


class ExplainUnsupported(CchcError):
    """The figure exists but its section gives no rows for it (a figure added without its row
    rule). The message is data/explain.yaml's ``unsupported``."""

    catalog = "explain.yaml"

    def __init__(self, figure_id: str) -> None:
        super().__init__("unsupported", figure=figure_id)


class ExplainError(CchcError):
    """An error of `cchc explain` the user can fix (data/explain.yaml ``errors:``)."""

    catalog = "explain.yaml"
    path = ("errors",)


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
    scale: str | None = None        # the column of each row's unit, the summed amounts converted by it
    entered: bool = False           # values entered by hand (the manual workbook)
    only: str | None = None         # the rows kept: OUTSIDE / INSIDE the numerator (None: all)
    source: str | None = None       # the published outputs folder explained, when one was

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

def _rows(selection: Selection, table: pd.DataFrame) -> pd.DataFrame:
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


def _check(figure: Figure, rows: pd.DataFrame, selection: Selection) -> None:
    """The rows listed give the figure back (``selection.check``): a difference is a bug, never
    shown as an answer."""
    if selection.check == SUM:
        columns = selection.summed["value"].split(SUMMED_WITH)
        found = {"value": round(float(sum(rows[column].fillna(0).sum() for column in columns)))}
        expected = {"value": figure.value}
    elif selection.check == ROWS and selection.counted is not None:
        expected, found = {"value": figure.value}, {"value": len(rows)}
    elif selection.check == ROWS:
        expected = {"numerator": figure.numerator, "denominator": figure.denominator}
        found = {"numerator": int(rows["in_numerator"].fillna(False).astype(bool).sum()),
                 "denominator": int((rows["role"] == "denominator").sum())}
    else:
        return
    if expected != found:
        raise AssertionError(f"explain {figure.id}: rows {found} differ from the figure {expected}")


def explain_figure(figure: Figure, tables: dict[str, pd.DataFrame], params: Params) -> Explanation:
    """The rows behind ``figure`` from the processed ``tables`` (pure; what ``explain`` calls):
    the figure's section module selects them (``rows_of``), listed here and checked against
    the figure's numbers."""
    section = section_of(figure.id)
    name = figure.id.partition(".")[2]
    selection = None if section is None else section.rows_of(name, figure, tables, params)
    if selection is None:
        raise ExplainUnsupported(figure.id)
    rows = _rows(selection, tables[selection.kind])
    _check(figure, rows, selection)
    return Explanation(figure=figure, unit=params.unit, period=params.period, window=params.window,
                       kind=selection.kind, rows=rows, summed=dict(selection.summed), scale=selection.scale,
                       entered=selection.entered)


def explain(root: Path, unit: str, period: str, figure_id: str, only: str | None = None) -> Explanation:
    """The figure ``figure_id`` of a unit and period with the raw rows behind it. Ingests first
    (cached when the raw files are unchanged). An unknown id is an error suggesting the
    closest ids. ``only``: see ``keep_only``."""
    computed = compute(Layout(root, unit, period))
    figure = _figure(computed.figures, figure_id, computed.ingest.report.get("missing", []))
    return keep_only(explain_figure(figure, computed.tables, computed.params), only)


def _figure(figures, figure_id: str, missing: list[dict[str, Any]]) -> Figure:
    if figure_id in figures:
        return figures[figure_id]
    _figure_id(figure_id, [figure.id for figure in figures], missing)
    raise AssertionError(figure_id)


def _needs(figure_id: str) -> tuple[str, list[str]] | None:
    """The source kind and the columns a figure of data/figures/<section>.yaml counts from; None
    for an id no section defines."""
    section, _, name = figure_id.partition(".")
    try:
        spec = figure_definitions(section)
    except (CchcError, OSError, KeyError, ValueError):
        return None
    meta = spec.figures.get(name)
    return None if meta is None else (meta.source or spec.source or "", list(meta.needs))


def _why(missing: list[dict[str, Any]], source: str, needs: list[str]) -> str:
    """What the raw files lack that the figure needs (its source, a column it counts from), in
    the ingest report's words; all that they lack when none of it names the figure's."""
    own = [entry for entry in missing
           if entry.get("kind") == source and (entry.get("column") is None or entry.get("column") in needs)]
    chosen = own or missing
    return "; ".join(str(entry.get("text", "")) for entry in chosen) or say("absent_why_unknown")


def _figure_id(figure_id: str, ids: list[str], missing: list[dict[str, Any]] | None) -> None:
    """Nothing when ``figure_id`` is one of ``ids``. Else, for a figure the raw files do not allow
    (raw-exports.md §7: a source or a column absent), an error saying what they lack
    (``missing``: the ingest report's entries); for any other id, an error naming the closest."""
    if figure_id in ids:
        return
    needs = _needs(figure_id)
    if needs is not None:
        raise ExplainError("absent_figure", figure=figure_id, why=_why(missing or [], *needs))
    close = difflib.get_close_matches(figure_id, ids, n=3, cutoff=0.6)
    hint = say("did_you_mean", close=", ".join(close)) if close else ""
    raise ExplainError("unknown_figure", figure=figure_id, hint=hint)


def keep_only(explanation: Explanation, only: str | None) -> Explanation:
    """Only the denominator rows of a rate ``OUTSIDE`` its numerator (in_numerator false) or
    ``INSIDE`` it; ``None`` keeps every row. Other figures have no numerator: an error."""
    if only is None:
        return explanation
    rows = explanation.rows
    if not explanation.figure.is_rate or rows["in_numerator"].isna().all():
        raise ExplainError("only_not_rate", figure=explanation.id, only=only)
    inside = rows["in_numerator"].fillna(False).astype(bool)
    denominator = rows["role"] == "denominator"
    keep = denominator & (~inside if only == OUTSIDE else inside)
    explanation.rows = rows.loc[keep].reset_index(drop=True)
    explanation.only = only
    return explanation


def explain_published(output_dir: Path, figure_id: str, root: Path | None = None,
                      only: str | None = None) -> Explanation:
    """A published figure explained from its outputs folder: the unit, period and parameters of
    that run (its manifest.json), over the raw files the manifest names, read from ``root``
    (default: the folder above outputs/) — refused when any of them is missing or differs from
    its hash in the manifest, since the rows would not be the ones counted then
    (cchc.replay.PublishedRun, its RECORDED inputs)."""
    output_dir = Path(output_dir)
    path = output_dir / MANIFEST
    try:
        run = PublishedRun.open(output_dir, root)
    except (OSError, ValueError):
        raise ExplainError("no_manifest", file=path.as_posix()) from None
    recorded = run.manifest
    if None in (recorded.unit, recorded.period, recorded.parameters, recorded.raw_files):
        raise ExplainError("no_manifest", file=path.as_posix())
    with contextlib.suppress(OSError, ValueError, KeyError):  # an unknown id: said before any ingest
        published = json.loads((output_dir / FIGURES).read_text(encoding="utf-8"))["figures"]
        _figure_id(figure_id, list(published), _published_missing(output_dir))
    differ = [say("raw_absent" if change == ABSENT else "raw_differs", file=name)
              for name, change in run.raw_changes().items()]
    if differ:
        raise ExplainError("raw_changed", folder=output_dir.as_posix(), root=run.root.as_posix(),
                           files="; ".join(differ))
    with run.workspace(RECORDED, prefix="cchc-explain-") as workspace:
        explanation = explain(workspace, run.unit, run.period, figure_id, only)
    explanation.source = output_dir.as_posix()
    return explanation


def _published_missing(output_dir: Path) -> list[dict[str, Any]] | None:
    """What the raw files lacked, from the run's ingest-report.json (None when it cannot be read)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        report = json.loads((output_dir / INGEST_REPORT_JSON).read_text(encoding="utf-8"))
        return [entry for entry in report.get("missing", []) if isinstance(entry, dict)]
    return None


# ---------------------------------------------------------------------------
# showing it
# ---------------------------------------------------------------------------

def _joined(headers: dict[str, str], name: str) -> str:
    """The header of a summed column, or of several summed together ("a+b": SUMMED_WITH)."""
    return '" + "'.join(headers[column] for column in name.split(SUMMED_WITH))


def _headers(kind: str) -> dict[str, str]:
    spec = load_spec(kind)
    headers = {name: column.header for name, column in spec.columns.items()}
    headers.update(_data()["headers"])
    return headers


def _labels(kind: str) -> dict[str, dict[Any, str]]:
    """Canonical column -> code -> Vietnamese label, for the category columns of ``kind``."""
    spec = load_spec(kind)
    out = {}
    for name, column in spec.columns.items():
        if column.vocab:
            out[name] = dict(spec.vocabulary(column.vocab).get("labels", {}))
    return out


def _cell(value: Any, labels: dict[Any, str] | None) -> str:
    """A cell as shown: category label, dd/mm/yyyy date, plain number (decimal comma)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, np.bool_):
        value = bool(value)
    if labels is not None:
        return labels.get(value, str(value))
    if isinstance(value, dt.date):    # datetime and pd.Timestamp too
        return fmt.date_or_time(value)
    if isinstance(value, bool):
        return _data()["flags"]["yes" if value else "no"]
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt.plain(float(value))
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
        return [say("rate_value", value=fmt.percent(figure.value), numerator=fmt.amount(figure.numerator),
                    denominator=fmt.amount(figure.denominator))]
    return [say("value", value=fmt.amount(figure.value), unit=figure.unit).rstrip()]


def _summary(explanation: Explanation) -> str:
    rows, headers = explanation.rows, _headers(explanation.kind)
    summed = explanation.summed
    n = fmt.integer(len(rows))
    flag = _data()["headers"]["in_numerator"]
    yes = _data()["flags"]["yes"]
    if explanation.entered:
        if explanation.figure.is_rate:
            return say("entered_rate", column=headers[summed["value"]])
        return say("entered", rows=n, column=headers[summed["value"]])
    if summed:
        scale = say("scale", column=headers[explanation.scale]) if explanation.scale else ""
        if "numerator" in summed:
            return say("summed_rate", numerator=_joined(headers, summed["numerator"]),
                       denominator=_joined(headers, summed["denominator"]), rows=n, scale=scale)
        if "minus" in summed:
            return say("summed_difference", column=headers[summed["value"]], minus=headers[summed["minus"]],
                       rows=n, scale=scale)
        return say("summed", column=_joined(headers, summed["value"]), rows=n, scale=scale)
    if explanation.figure.is_rate and explanation.only is not None:  # the rows kept are a part: the figure's
        return say("rate", denominator=fmt.amount(explanation.denominator),
                   numerator=fmt.amount(explanation.numerator), flag=flag, yes=yes)
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
        lines.append(say("as_of", date=fmt.iso_date(figure.extra["as_of"])))
    lines.append(_summary(explanation))
    if explanation.source is not None:
        lines.append(say("published", folder=explanation.source))
    if explanation.only is not None:
        lines.append(say(f"only_{explanation.only}", rows=fmt.integer(len(explanation.rows))))
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


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): written after a "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-\d+(?:[.,]\d+)*$")  # a negative number is a number, kept as it is


def inert(cell: Any) -> Any:
    """``cell`` as inert text: one beginning like a formula gets a leading "'"."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def to_csv(explanation: Explanation, path: Path | str) -> Path:
    """All rows to ``path``: UTF-8 with BOM (Excel reads the Vietnamese right), ';'-separated,
    Vietnamese headers and values as in ``to_text``; a cell beginning with =, +, -, @, a tab or
    a carriage return is written after a "'" (``inert``), never as a formula. Returns the path."""
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    shown = table(explanation)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow([inert(c) for c in shown.columns])
        writer.writerows([inert(c) for c in row] for row in shown.itertuples(index=False, name=None))
    return path
