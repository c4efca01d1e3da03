"""The analyst's prose: params/<unit>/prose/<period>/<section>.md, with figure placeholders.

Syntax (no code runs, only these three forms are understood):

    {{ tthc.received.total }}        the figure's value: 7.026 · 97,76%
    {{ rate tthc.rate.on_time }}     a rate with its counts: 97,76% (6.553/6.703)
    {{ target tthc.rate.on_time }}   " (chỉ tiêu 60% – Vượt chỉ tiêu)" or nothing

and a small Markdown: paragraphs, "- "/"+ " list items, **bold**, *italic*, pipe tables,
HTML comments (dropped). Everything else is escaped. A number typed by hand is refused unless
it is a date or a document number (the allowed patterns are data: data/prose.yaml).
A section without prose shows neutral sentences built from its figures. The wording rules
(data/report/wording.yaml) apply to the typed text: dates as dd/mm/yyyy, counts in words as
digits, a zero count listed as "label: {{ x }} văn bản" as "label: không có".
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from cchc.core.errors import CchcError
from cchc.core.layout import Layout
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet
from cchc.report import wording
from cchc.report.numbers import Numbers
from cchc.report.outline import outline

DATA = "prose.yaml"
FUNCTIONS = {"": "n", "rate": "rate", "target": "target"}  # placeholder word -> Numbers method
RATE_ONLY = {"rate", "target"}

PLACEHOLDER = re.compile(r"\{\{([^{}\n]*)\}\}")
INNER = re.compile(r"\s*(?:(\w+)\s+)?([\w-]+(?:\.[\w-]+)*)\s*")
BRACES = re.compile(r"\{\{|\}\}")
COMMENT = re.compile(r"<!--.*?-->", re.S)
SENTINEL = re.compile("\x00(\\d+)\x00")

LIST_ITEM = re.compile(r"[ \t]*([-+])[ \t]+(.*)")
TABLE_ROW = re.compile(r"[ \t]*\|")
TABLE_RULE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
ITALIC = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)", re.S)


class ProseError(CchcError):
    """A problem in a prose file; the message (data/prose.yaml) names the file and line.
    Further problems of the same file are notes."""

    catalog = DATA
    path = ("messages",)


def prose_message(name: str, /, **values: object) -> str:
    return ProseError.text(name, **values)


@dataclass(frozen=True)
class ProseText:
    section: str
    file: str  # shown in messages: the path relative to the project root, posix
    text: str  # newlines normalised to \n


def prose_path(root: Path, unit: str, period: str, section: str) -> Path:
    return Layout(root, unit, period).prose_file(section)


def load_prose(root: Path, unit: str, period: str, section: str) -> ProseText | None:
    """The section's prose file, or None when there is none."""
    return read_prose(Layout(root, unit, period), section)


def read_prose(layout: Layout, section: str) -> ProseText | None:
    """The section's prose file in ``layout``, or None when there is none."""
    path = layout.prose_file(section)
    if not path.is_file():
        return None
    shown = layout.shown(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProseError("not_utf8", file=shown, line=data[:exc.start].count(b"\n") + 1) from None
    return ProseText(section, shown, text.replace("\r\n", "\n").replace("\r", "\n"))


# --- checks ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _number_rules() -> tuple[re.Pattern, tuple[re.Pattern, ...]]:
    data = load_yaml(DATA)
    return (re.compile(data["number"]),
            tuple(re.compile(rule["pattern"], re.M) for rule in data["allowed"]))


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with [start, end) replaced by spaces, its line breaks kept."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def hand_typed_numbers(text: str) -> list[tuple[int, str]]:
    """(offset, number as typed) of every number in ``text`` that is not a date, a document
    number or another allowed form. ``text`` has its placeholders and comments blanked."""
    number, allowed = _number_rules()
    free = text
    for pattern in allowed:  # all patterns read the same text, so their order does not matter
        for match in pattern.finditer(text):
            free = _blank(free, match.start(), match.end())
    return [(m.start(), m.group()) for m in number.finditer(free)]


@dataclass(frozen=True)
class _Spot:
    start: int
    end: int
    function: str
    figure: str


def _parse(prose: ProseText, figures: FigureSet) -> tuple[str, list[_Spot]]:
    """The text without comments and its placeholders, after every check; raises ProseError
    naming the first problem (the others as notes)."""
    # comments go, their line breaks stay: line numbers remain the file's
    text = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), prose.text.replace("\x00", ""))
    problems: list[tuple[int, str, dict]] = []
    if (opened := text.find("<!--")) >= 0:
        problems.append((opened, "unclosed_comment", {}))
        text = text[:opened]

    spots: list[_Spot] = []
    masked = text
    for match in PLACEHOLDER.finditer(text):
        masked = _blank(masked, match.start(), match.end())
        shown = match.group()
        inner = INNER.fullmatch(match.group(1))
        if inner is None:
            problems.append((match.start(), "bad_placeholder", {"placeholder": shown}))
            continue
        function, figure = inner.group(1) or "", inner.group(2)
        if function not in FUNCTIONS:
            problems.append((match.start(), "unknown_function", {
                "placeholder": shown, "function": function, "known": ", ".join(f for f in FUNCTIONS if f)}))
        elif figure not in figures:
            problems.append((match.start(), "unknown_figure", {"placeholder": shown, "figure": figure}))
        elif function in RATE_ONLY and not figures[figure].is_rate:
            problems.append((match.start(), "not_a_rate",
                             {"placeholder": shown, "figure": figure, "function": function}))
        else:
            spots.append(_Spot(match.start(), match.end(), function, figure))
    for match in BRACES.finditer(masked):
        line_end = masked.find("\n", match.start())
        shown = text[match.start():line_end if line_end >= 0 else len(text)].strip()
        problems.append((match.start(), "bad_placeholder", {"placeholder": shown}))
    for offset, number in hand_typed_numbers(masked):
        problems.append((offset, "hand_typed_number", {"number": number}))

    if problems:
        problems.sort(key=lambda problem: problem[0])
        errors = [ProseError(name, file=prose.file, line=text.count("\n", 0, offset) + 1, **values)
                  for offset, name, values in problems]
        for other in errors[1:]:
            errors[0].add_note(str(other))
        raise errors[0]
    return text, spots


# --- Markdown ----------------------------------------------------------------------------

def _inline(source: str, filled: list[Markup]) -> str:
    html = str(escape(source))
    html = BOLD.sub(r"<strong>\1</strong>", html)
    html = ITALIC.sub(r"<em>\1</em>", html)
    return SENTINEL.sub(lambda m: str(filled[int(m.group(1))]), html)


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") else line
    return [cell.strip() for cell in line.split("|")]


def _table(lines: list[str], filled: list[Markup]) -> str:
    header = len(lines) >= 2 and TABLE_RULE.fullmatch(lines[1]) is not None
    rows = [_cells(line) for line in ([lines[0]] + lines[2:] if header else lines)]
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]

    def tr(row: list[str], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{_inline(cell, filled)}</{tag}>" for cell in row) + "</tr>"

    parts = ['<table class="prose-table">']
    if header:
        parts.append("<thead>" + tr(rows[0], "th") + "</thead>")
        rows = rows[1:]
    parts.append("<tbody>" + "".join(tr(row, "td") for row in rows) + "</tbody>")
    return "".join(parts) + "</table>"


def markdown(source: str, filled: list[Markup]) -> str:
    """HTML of the small Markdown; "\\x00<i>\\x00" in ``source`` stands for ``filled[i]``."""
    blocks: list[str] = []
    kind, lines, items = "", [], []

    def flush() -> None:
        nonlocal kind, lines, items
        if kind == "p":
            blocks.append(f"<p>{_inline(chr(10).join(lines), filled)}</p>")
        elif kind == "ul":
            blocks.append('<ul class="dash">' + "".join(
                ('<li class="plus">' if mark == "+" else "<li>") + _inline(text, filled) + "</li>"
                for mark, text in items) + "</ul>")
        elif kind == "table":
            blocks.append(_table(lines, filled))
        kind, lines, items = "", [], []

    for line in source.split("\n"):
        if not line.strip():
            flush()
        elif item := LIST_ITEM.fullmatch(line):
            if kind != "ul":
                flush()
                kind = "ul"
            items.append((item.group(1), item.group(2).strip()))
        elif TABLE_ROW.match(line):
            if kind != "table":
                flush()
                kind = "table"
            lines.append(line)
        elif kind == "ul":  # a wrapped list item
            mark, text = items[-1]
            items[-1] = (mark, text + "\n" + line.strip())
        else:
            if kind != "p":
                flush()
                kind = "p"
            lines.append(line.strip())
    flush()
    return "\n".join(blocks)


# --- rendering ---------------------------------------------------------------------------

def render_prose(prose: ProseText, figures: FigureSet, numbers: Numbers) -> Markup:
    """Check, fill the placeholders (through ``numbers``, a report.numbers.Numbers, so figures
    link as everywhere in the report) and convert the Markdown. Empty text gives Markup("")."""
    text, spots = _parse(prose, figures)
    filled, pieces, at = [], [], 0
    for index, spot in enumerate(spots):
        after = text[spot.end:]
        figure = figures[spot.figure]
        if spot.function == "" and figure.value == 0 and text[:spot.start].endswith(": "):
            filled.append(numbers.count(spot.figure))  # "label: 0 văn bản" reads "label: không có"
            unit = f" {figure.unit}" if figure.unit else ""
            pieces += [wording.typed(text[at:spot.start]), f"\x00{index}\x00"]
            at = spot.end + (len(unit) if unit and after.startswith(unit)
                             and not after[len(unit):len(unit) + 1].isalnum() else 0)
            continue
        filled.append(getattr(numbers, FUNCTIONS[spot.function])(spot.figure))
        pieces += [wording.typed(text[at:spot.start]), f"\x00{index}\x00"]
        at = spot.end
    pieces.append(wording.typed(text[at:]))
    return Markup(markdown("".join(pieces), filled))


def _figure_ids(template: str) -> list[str]:
    return [inner.group(2) for match in PLACEHOLDER.finditer(template)
            if (inner := INNER.fullmatch(match.group(1)))]


def neutral_templates(section: str, figures: FigureSet) -> list[str]:
    """The section's neutral sentences (data/prose.yaml) whose figures are all present."""
    templates = load_yaml(DATA)["neutral"].get(section) or []
    return [t for t in templates if all(figure in figures for figure in _figure_ids(t))]


def neutral_text(section: str, figures: FigureSet, numbers: Numbers) -> Markup:
    """Neutral sentences built from the section's figures, for a section without prose."""
    templates = neutral_templates(section, figures)
    source = ProseText(section, f"cchc/data/{DATA} (neutral: {section})", "\n\n".join(templates))
    return render_prose(source, figures, numbers)


def section_prose(prose: ProseText | None, section: str, figures: FigureSet, numbers: Numbers) -> Markup:
    """The section's prose (its file, read: ``prose``), or its neutral text when the file is absent
    or has no content."""
    html = render_prose(prose, figures, numbers) if prose is not None else Markup("")
    return html or neutral_text(section, figures, numbers)


def check_prose(layout: Layout, figures: FigureSet) -> None:
    """Every prose file of the period is valid (placeholders, no hand-typed numbers): the
    error names the file and the line. A run checks before the notebook runs."""
    numbers = Numbers(figures)
    for section in outline():
        prose = load_prose(layout.root, layout.unit, layout.period, section)
        if prose is not None:
            render_prose(prose, figures, numbers)


def starter_text(unit: str, period: str, section: str, figures: FigureSet) -> str:
    heading = outline().get(section)
    header = string.Template(load_yaml(DATA)["starter_header"]).substitute(
        title=heading.title if heading else section, section=section, unit=unit, period=period)
    body = "\n\n".join(neutral_templates(section, figures))
    return header + ("\n" + body + "\n" if body else "")


def write_starters(root: Path, unit: str, period: str, sections: list[str],
                   figures: FigureSet) -> list[Path]:
    """Write a starter prose file for each section that has none; never touches an existing
    file. Returns the files written."""
    written = []
    for section in sections:
        path = prose_path(root, unit, period, section)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
                handle.write(starter_text(unit, period, section, figures))
        except FileExistsError:
            continue
        written.append(path)
    return written
