"""One function per kind of check: (spec from data/checks.yaml, Context) -> list[Check].

``KINDS`` maps each kind of cchc.config.checks (CHECK_KINDS) to its function.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from cchc.checks import rows
from cchc.checks.base import ERROR, PASS, WARNING, Check, Context
from cchc.config.checks import (
    AfterCutoffCheck,
    AsOfAgreesCheck,
    CheckSpec,
    DeclaredCheck,
    FooterCheck,
    GroupsSumCheck,
    IdentityCheck,
    LookalikeNamesCheck,
    PreviousCheck,
    TargetsCheck,
    UnknownAgenciesCheck,
    UnknownProceduresCheck,
    WindowCoversCheck,
    WithinWholeCheck,
    ZeroInTextCheck,
)
from cchc.config.figures import figure_definitions
from cchc.core import fmt
from cchc.core.errors import message
from cchc.core.layout import FIGURES, Layout
from cchc.core.resources import DATA_DIR
from cchc.core.text import letters_key, match_key, slug
from cchc.figures.breakdowns import grouping
from cchc.figures.groups import group_key
from cchc.figures.manual import declared as declared_rows
from cchc.manual.periods import previous_period


def _severity(spec: CheckSpec) -> str:
    return WARNING if spec.severity == "warning" else ERROR


def _prefixes(patterns: list[str], ctx: Context) -> list[str]:
    """'tthc.by_field.*.' -> every group prefix present among the figure ids."""
    found: list[str] = []
    for pattern in patterns:
        if "*" not in pattern:
            found.append(pattern)
            continue
        head = pattern.split("*")[0]
        found += [pattern.replace("*", group) for group in _groups(head, ctx)]
    return found


def _groups(head: str, ctx: Context) -> list[str]:
    """The sorted distinct first parts after ``head`` of the figure ids starting with it (once a run)."""
    key = ("groups", head)
    if key not in ctx.memo:
        ctx.memo[key] = sorted({fid[len(head):].split(".")[0] for fid in ctx.figures.ids() if fid.startswith(head)})
    return ctx.memo[key]


def identity(spec: IdentityCheck, ctx: Context) -> list[Check]:
    out = []
    for prefix in _prefixes(spec.prefixes, ctx):
        ids = [prefix + spec.left, *[prefix + r for r in spec.right]]
        if not all(i in ctx.figures for i in ids):
            continue
        left, parts = ctx.figures[ids[0]].value, [ctx.figures[i].value for i in ids[1:]]
        total = sum(parts)
        check_id = spec.id if prefix == spec.prefixes[0] else f"{spec.id}@{prefix.rstrip('.')}"
        out.append(Check(check_id, spec.description, expected=left, actual=total,
                         status=PASS if left == total else _severity(spec), figures=ids))
    return out


def groups_sum(spec: GroupsSumCheck, ctx: Context) -> list[Check]:
    out = []
    head = f"tthc.{spec.breakdown}."
    by_name: dict[str, list] = {}   # x -> the figures tthc.<breakdown>.<group>.x, in order
    for figure in ctx.figures:
        if figure.id.startswith(head):
            by_name.setdefault(figure.id[len(head):].partition(".")[2], []).append(figure)
    for name in spec.figures:
        parts = by_name.get(name, [])
        if f"tthc.{name}" not in ctx.figures or not parts:
            continue
        whole = ctx.figures[f"tthc.{name}"].value
        total = sum(p.value for p in parts)
        out.append(Check(f"{spec.id}.{name}", spec.description, expected=whole, actual=total,
                         status=PASS if whole == total else _severity(spec),
                         figures=[f"tthc.{name}", *[p.id for p in parts]]))
    return out


def footer(spec: FooterCheck, ctx: Context) -> list[Check]:
    out = []
    for entry in ctx.report["files"]:
        foot = entry.get("footer")
        if not foot or foot.get("declared") is None:
            continue
        where = entry["file"] + (f" [{entry['sheet']}]" if entry.get("sheet") else "")
        out.append(Check(f"{spec.id}:{where}", spec.description, expected=foot["declared"],
                         actual=foot["data_rows"], status=PASS if foot["matches"] else _severity(spec),
                         files=[entry["file"]], details=[{"row": foot["row"], "text": foot["text"]}]))
    return out


def _procedure_names(names) -> np.ndarray:
    """Procedure names as compared: normalised, case aside (core.text.match_key); missing: None."""
    return np.array([None if name is None else match_key(str(name))
                     for name in names.to_numpy(dtype=object, na_value=None)], dtype=object)


def matched_procedures(dossiers, catalogue) -> np.ndarray:
    """Whether each dossier's procedure is in the catalogue: by its code, else (a dossier without
    a code: a vendor's list has none) by its name normalised, case aside."""
    by_code = dossiers["procedure_code"].isin(set(catalogue["procedure_code"].dropna())).to_numpy(dtype=bool)
    if "procedure_name" not in dossiers.columns or "procedure_name" not in catalogue.columns:
        return by_code
    uncoded = dossiers["procedure_code"].isna().to_numpy(dtype=bool)
    if not uncoded.any():
        return by_code
    names = set(_procedure_names(catalogue["procedure_name"])) - {None}
    by_name = np.isin(_procedure_names(dossiers["procedure_name"]), list(names))
    return by_code | (uncoded & by_name)


def unknown_procedures(spec: UnknownProceduresCheck, ctx: Context) -> list[Check]:
    dossiers, catalogue = ctx.tables.get("dossiers"), ctx.tables.get("catalogue")
    if dossiers is None or catalogue is None:
        return []
    unknown = np.flatnonzero(~matched_procedures(dossiers, catalogue))
    shown = "procedure_code" if not dossiers["procedure_code"].isna().all() else "procedure_name"
    examples = [{"file": file, "row": int(row), "dossier": dossier, shown: code}
                for file, row, dossier, code in _rows(dossiers, unknown[:20], "source_file", "source_row",
                                                      "dossier_id", shown)]
    return [Check(spec.id, spec.description, expected=0, actual=len(unknown),
                  status=PASS if not len(unknown) else _severity(spec),
                  files=_files(dossiers, unknown), details=examples)]


def _rows(table, positions: np.ndarray, *columns: str) -> list[tuple]:
    """The rows of ``table`` at ``positions``: the values of ``columns``, as the rows give them."""
    if not len(positions):
        return []
    return list(zip(*(table[column].array.take(positions).tolist() for column in columns)))


def _files(table, positions: np.ndarray) -> list[str]:
    """The raw files of the rows of ``table`` at ``positions``, sorted, each once."""
    return sorted(set(table["source_file"].array.take(positions).tolist())) if len(positions) else []


def unknown_agencies(spec: UnknownAgenciesCheck, ctx: Context) -> list[Check]:
    declared = ctx.params.agencies
    dossiers = ctx.tables.get("dossiers")
    if not declared or dossiers is None:
        return []
    if "agency" not in dossiers.columns:  # absent from every file: no agency to compare
        return []
    wanted = {group_key(a) for a in declared}
    found = sorted({a for a in dossiers["agency"].dropna().unique() if group_key(a) not in wanted})
    return [Check(spec.id, spec.description, expected=[], actual=found,
                  status=PASS if not found else _severity(spec), details=found)]


def _alike(names: dict[str, str]) -> list[list[str]]:
    """Sets (two or more) of groups whose names look alike: the same slug or the same letters
    (core.text.letters_key), linked step by step; groups and sets in sorted order."""
    traits = {group: (("slug", slug(group_key(name))), ("letters", letters_key(name)))
              for group, name in names.items()}
    having: dict[tuple[str, str], list[str]] = {}
    for group, marks in traits.items():
        for mark in marks:
            having.setdefault(mark, []).append(group)
    seen: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(traits):
        if start in seen:
            continue
        seen.add(start)
        found, todo = [], [start]
        while todo:
            group = todo.pop()
            found.append(group)
            for other in (o for mark in traits[group] for o in having[mark] if o not in seen):
                seen.add(other)
                todo.append(other)
        if len(found) > 1:
            out.append(sorted(found))
    return out


def lookalike_names(spec: LookalikeNamesCheck, ctx: Context) -> list[Check]:
    """Distinct groups of a breakdown whose names look alike: one warning per set, naming each
    group's spelling as shown and its number of dossier rows (the most rows first), for the
    person to confirm that they are different (or to correct the export). No such names: no
    result (the report's count of checks is unchanged)."""
    dossiers = ctx.tables.get("dossiers")
    if dossiers is None:
        return []
    column = figure_definitions("tthc").breakdowns[spec.breakdown].column
    if column not in dossiers.columns:  # absent from every file: no breakdown
        return []
    codes, order, names = grouping(dossiers[column])
    sizes = dict(zip(order, np.bincount(codes, minlength=len(order)).tolist()))   # group -> rows
    head = f"tthc.{spec.breakdown}."
    out = []
    for alike in _alike(names):
        listed = sorted(alike, key=lambda g: (-int(sizes[g]), names[g]))   # the most rows first
        shown = [message("lookalike_name", name=names[g], rows=int(sizes[g])) for g in listed]
        out.append(Check(f"{spec.id}:{'+'.join(alike)}", spec.description,
                         expected=message("lookalike_expected", count=len(alike)), actual="; ".join(shown),
                         status=_severity(spec),
                         figures=[head + g + ".to_handle" for g in alike if head + g + ".to_handle" in ctx.figures],
                         details=[{"group": names[g], "rows": int(sizes[g]), "figures": head + g + ".*"}
                                  for g in listed]))
    return out


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def declared(spec: DeclaredCheck, ctx: Context) -> list[Check]:
    """A number typed elsewhere against the computed one. A percentage is compared at the
    precision it was written with (21,9% against 20,99% -> 21,0%: differs)."""
    out = []
    for index, item in enumerate(declared_rows(ctx.tables), start=1):
        figure_id, value = item["figure_id"], item["value"]
        check_id = f"{spec.id}:{figure_id}#{index}"
        where = {k: item.get(k) for k in ("body", "document", "note") if item.get(k)}
        if figure_id not in ctx.figures or value is None:
            out.append(Check(check_id, spec.description, expected=value, actual=None, status=_severity(spec),
                             figures=[figure_id], details=[{**where, "reason": "unknown figure"}]))
            continue
        figure = ctx.figures[figure_id]
        if item["is_percent"]:
            computed = None if figure.value is None else round(figure.value * 100, _decimals(value))
            shown = f"{computed}%" if computed is not None else None
            same = computed is not None and computed == round(float(value), _decimals(value))
            expected = f"{value}%"
            extra = {"numerator": figure.numerator, "denominator": figure.denominator}
        else:
            same, expected, shown, extra = figure.value == value, value, figure.value, {}
        out.append(Check(check_id, spec.description, expected=expected, actual=shown,
                         status=PASS if same else _severity(spec), figures=[figure_id],
                         details=[{**where, **extra, "label": figure.label}]))
    return out


def previous(spec: PreviousCheck, ctx: Context) -> list[Check]:
    """The previous period's published figures.json, when present: large relative jumps."""
    path = Layout(ctx.root, ctx.params.unit, previous_period(ctx.params.period)).outputs_dir / FIGURES
    if not path.is_file():
        return []
    before = json.loads(path.read_text(encoding="utf-8"))["figures"]
    out = []
    for figure in ctx.figures:
        old = before.get(figure.id)
        if (old is None or figure.is_rate or "." in figure.id.split(".", 2)[-1] and "by_" in figure.id
                or not isinstance(old.get("value"), int | float) or not isinstance(figure.value, int | float)):
            continue
        base = max(abs(old["value"]), 1)
        if max(abs(old["value"]), abs(figure.value)) < spec.minimum:
            continue
        jump = abs(figure.value - old["value"]) / base
        if jump > spec.threshold:
            out.append(Check(f"{spec.id}:{figure.id}", spec.description, expected=old["value"],
                             actual=figure.value, status=_severity(spec), figures=[figure.id],
                             files=[path.relative_to(ctx.root).as_posix()]))
    return out


def targets(spec: TargetsCheck, ctx: Context) -> list[Check]:
    out = []
    for figure in ctx.figures:
        if "target" not in figure.extra:
            continue
        met = figure.extra.get("met")
        out.append(Check(f"{spec.id}:{figure.id}", spec.description, expected=figure.extra["target"],
                         actual=figure.value, status=PASS if met else _severity(spec), figures=[figure.id]))
    return out


def within_whole(spec: WithinWholeCheck, ctx: Context) -> list[Check]:
    """A breakdown larger than its whole (4 heads and 5 deputies under 1 person) is an error."""
    ids = [*spec.whole, *spec.parts]
    if not all(i in ctx.figures and ctx.figures[i].value is not None for i in ids):
        return []
    whole = sum(ctx.figures[i].value for i in spec.whole)
    parts = sum(ctx.figures[i].value for i in spec.parts)
    return [Check(spec.id, spec.description, expected=whole, actual=parts,
                  status=PASS if parts <= whole else _severity(spec), figures=ids)]


# "đến ngày" then a date: typed, the window's cut-off, or a figure's as-of (templates)
_STATED = re.compile(r"đến ngày\s+(?:(\{\{\s*window\.cutoff\s*\}\})|\{\{\s*as_of\(\s*'([^']+)'[^}]*\}\}"
                     r"|(\d{1,2}/\d{1,2}/\d{4}))", re.IGNORECASE)
_TEMPLATE_FIGURE = re.compile(r"\b(?:n|rate|count)\(\s*'([^']+)'")
_PROSE_FIGURE = re.compile(r"\{\{\s*(?:rate\s+|target\s+)?([\w.-]+)\s*\}\}")
_TEMPLATE_BLOCKS = re.compile(r"<(?:p|li)\b|</(?:p|li)>|\{#.*?#\}", re.S)
_PROSE_BLOCKS = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*[-+][ \t])|<!--.*?-->", re.S)


def _typed_date(text: str) -> str | None:
    """'9/12/2025' -> '09/12/2025'; None when it is no date (31/02/2025)."""
    try:
        return fmt.date(dt.datetime.strptime(text, "%d/%m/%Y"))
    except ValueError:
        return None


def _stated_dates(text: str, figure_pattern: re.Pattern, ctx: Context, as_of) -> list[dict[str, str]]:
    """(figure, the date its paragraph states for it, its as-of) wherever they differ."""
    out = []
    events = sorted([(m.start(), "date", m) for m in _STATED.finditer(text)]
                    + [(m.start(), "figure", m) for m in figure_pattern.finditer(text)], key=lambda e: e[0])
    stated = None
    for _, kind, match in events:
        if kind == "date":
            cutoff, figure, typed = match.groups()
            stated = (fmt.date(ctx.params.window.cutoff) if cutoff else as_of(figure) if figure
                      else _typed_date(typed))
        elif stated and match.group(1) in ctx.figures and stated != as_of(match.group(1)):
            out.append({"figure": match.group(1), "stated": stated, "as_of": as_of(match.group(1))})
    return out


def as_of_agrees(spec: AsOfAgreesCheck, ctx: Context) -> list[Check]:
    """Every paragraph of the body (section templates, the period's prose) that states "đến
    ngày <date>" before a figure states that figure's as-of, the date its form row shows."""
    def as_of(figure_id: str) -> str | None:
        if figure_id not in ctx.figures:
            return None
        date = ctx.figures[figure_id].extra.get("as_of")
        return fmt.iso_date(date) if date else fmt.date(ctx.params.window.cutoff)

    sources = [(path, _TEMPLATE_BLOCKS, _TEMPLATE_FIGURE, f"cchc/data/report/sections/{path.name}")
               for path in sorted((DATA_DIR / "report" / "sections").glob("*.html.j2"))]
    layout = Layout(ctx.root, ctx.params.unit, ctx.params.period)
    if layout.prose_dir.is_dir():
        sources += [(path, _PROSE_BLOCKS, _PROSE_FIGURE, layout.shown(path))
                    for path in sorted(layout.prose_dir.glob("*.md"))]
    details, files = [], []
    for path, blocks, figures, shown in sources:
        found = [{"file": shown, **item} for block in blocks.split(path.read_text(encoding="utf-8-sig"))
                 for item in _stated_dates(block, figures, ctx, as_of)]
        details += found
        files += [shown] if found else []
    return [Check(spec.id, spec.description, expected=0, actual=len(details),
                  status=PASS if not details else _severity(spec),
                  figures=sorted({d["figure"] for d in details}), files=files, details=details)]


def _matching(patterns: list[str], ctx: Context) -> list[str]:
    """The figure ids matching any of the shell ``patterns`` (fnmatch, case counts), in order."""
    if not patterns:
        return []
    pattern = _any_of(tuple(patterns))
    return [f.id for f in ctx.figures if pattern.match(f.id)]


@functools.lru_cache(maxsize=256)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern:
    """One expression matching what fnmatch.fnmatchcase matches with any of ``patterns``."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def zero_in_text(spec: ZeroInTextCheck, ctx: Context) -> list[Check]:
    """The text words a zero figure as "không có"; a form row counting the same thing must not
    show more."""
    if spec.figure not in ctx.figures or ctx.figures[spec.figure].value != 0:
        return []
    rows = _matching(spec.rows, ctx)
    shown = {i: ctx.figures[i].value for i in rows if ctx.figures[i].value}
    return [Check(spec.id, spec.description, expected=0, actual=sum(shown.values()),
                  status=PASS if not shown else _severity(spec), figures=[spec.figure, *rows],
                  details=[{"figure": i, "value": v} for i, v in shown.items()])]


def window_covers(spec: WindowCoversCheck, ctx: Context) -> list[Check]:
    """Figures whose data window the period line (start to cut-off) does not cover and that do
    not state their own window: an as-of after the cut-off; a figure running from the year's
    start (``from_year_start``) without its ``since``."""
    start, cutoff = ctx.params.window.start.isoformat(), ctx.params.window.cutoff.isoformat()
    year_start = set(_matching(spec.from_year_start, ctx))
    details = []
    for figure in ctx.figures:
        as_of, since = figure.extra.get("as_of"), figure.extra.get("since")
        if as_of and str(as_of)[:10] > cutoff:
            details.append({"figure": figure.id, "as_of": fmt.iso_date(as_of), "reason": "after cutoff"})
        elif figure.id in year_start and not (since and str(since)[:10] <= start):
            details.append({"figure": figure.id, "reason": "window from the year's start not stated"})
    return [Check(spec.id, spec.description.format(start=fmt.iso_date(start), cutoff=fmt.iso_date(cutoff)),
                  expected=0, actual=len(details), status=PASS if not details else _severity(spec),
                  figures=[d["figure"] for d in details], details=details)]


# Kind (cchc.config.checks.CHECK_KINDS) -> the function running a check of that kind.
def after_cutoff(spec: AfterCutoffCheck, ctx: Context) -> list[Check]:
    """Per table and date column: the rows dated after the cut-off, with the first of them."""
    cutoff = dt.datetime.combine(ctx.params.window.cutoff, dt.time.max)
    out = []
    for kind, columns in spec.columns.items():
        table = ctx.tables.get(kind)
        if table is None:
            continue
        for column in columns:
            if column not in table.columns:
                continue
            late = np.flatnonzero((table[column] > cutoff).to_numpy(dtype=bool, na_value=False))
            details = [{"file": file, "row": int(row), "value": fmt.date_or_time(value)}
                       for file, row, value in _rows(table, late[:20], "source_file", "source_row", column)]
            out.append(Check(f"{spec.id}.{kind}.{column}", spec.description.format(cutoff=fmt.date(cutoff)),
                             expected=0, actual=len(late), status=PASS if not len(late) else _severity(spec),
                             files=_files(table, late), details=details))
    return out


KINDS: dict[str, Callable[[Any, Context], list[Check]]] = {
    "identity": identity,
    "groups_sum": groups_sum,
    "footer": footer,
    "unknown_procedures": unknown_procedures,
    "unknown_agencies": unknown_agencies,
    "lookalike_names": lookalike_names,
    "declared": declared,
    "previous": previous,
    "after_cutoff": after_cutoff,
    "targets": targets,
    "within_whole": within_whole,
    "as_of_agrees": as_of_agrees,
    "zero_in_text": zero_in_text,
    "window_covers": window_covers,
    **rows.KINDS,   # on the rows of a table of numbers (the statistics of form 06a)
}

__all__ = ["KINDS", "identity", "groups_sum", "footer", "unknown_procedures", "unknown_agencies",
           "lookalike_names", "declared", "previous", "after_cutoff", "targets", "fnmatch"]
