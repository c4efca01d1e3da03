"""Wording rules applied where text is typed (prose, register titles): one date style, counts
as digits, one level of parentheses, citations not repeated. The rules are data:
data/report/wording.yaml (docs/wording.md)."""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

from cchc.core.resources import load_yaml

DATA = "report/wording.yaml"


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    return load_yaml(DATA)


@functools.lru_cache(maxsize=1)
def _date_pattern() -> re.Pattern:
    return re.compile(rules()["dates"]["pattern"])


def _before(words: list[str], nouns: list[str]) -> re.Pattern:
    """One of ``words`` (group 1) and its space, when one of ``nouns`` follows."""
    nouns = sorted(nouns, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")\s+(?=(?:"
                      + "|".join(map(re.escape, nouns)) + r")(?!\w))", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _number_word_patterns() -> tuple[tuple[re.Pattern, dict[str, int]], ...]:
    data = rules()["number_words"]
    words = {word.lower(): value for word, value in data["words"].items()}
    one = data["one"]
    return ((_before(list(words), data["nouns"]), words),
            (_before([one["word"]], one["nouns"]), {one["word"].lower(): 1}))


@functools.lru_cache(maxsize=1)
def _citation_pattern() -> re.Pattern:
    return re.compile(rules()["citations"]["number"])


def dates(text: str) -> str:
    """Every typed date d/m/yyyy as dd/mm/yyyy: '06/8/2025' -> '06/08/2025'."""
    return _date_pattern().sub(lambda m: f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}", text)


def number_words(text: str) -> str:
    """A count in words before a counted noun as digits: 'chín xã' -> '9 xã'."""
    for pattern, words in _number_word_patterns():
        text = pattern.sub(lambda m, words=words: f"{words[m.group(1).lower()]} ", text)
    return text


def typed(text: str) -> str:
    """The rules for text a person typed: one date style, counts as digits."""
    return number_words(dates(text))


def parenthesis_depth(text: str) -> int:
    """How many parentheses are open at the end of ``text``."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
    return depth


def cited_numbers(text: str) -> set[str]:
    """The document numbers a text cites ('Kế hoạch số 20/KH-UBND' -> {'20/KH-UBND'})."""
    return set(_citation_pattern().findall(text))


def cited_in(sections: list[str], prose_of) -> set[str]:
    """The document numbers the prose of ``sections`` cites (``prose_of(section)``, the typed text)."""
    return set().union(*(cited_numbers(prose_of(s)) for s in sections))


def citations_to_list(section_id: str, sections: list[str], rows_of, prose_of=None,
                      cited: set[str] | None = None) -> list[dict]:
    """The section's citation rows (``rows_of(section)``) without the documents the report's
    prose cites (``cited``, or those ``prose_of(section)``, the typed text, cites: cited_in) nor
    those an earlier section (in ``sections``' order) lists: each document is named once."""
    if cited is None:
        cited = cited_in(sections, prose_of)
    earlier = sections[:sections.index(section_id)] if section_id in sections else []
    listed = {row["number"] for s in earlier for row in rows_of(s)}
    return [row for row in rows_of(section_id) if row["number"] not in cited | listed]


_FIGURE_TEXT = re.compile(r'(<(a|span) class="fig"[^>]*>)([^<]*)(</\2>)')
_BLOCK_START = re.compile(r"<(?:p|li|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=1)
def _rate_shown() -> re.Pattern:
    form = re.escape(rules()["rate"]["with_counts"])
    for name in ("pct", "num", "den"):
        form = form.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^()<]+?)")
    return re.compile(form)


def one_level_of_parentheses(html: str) -> str:
    """A rate shown as '78,47% (5.513/7.026)' where the text already opened a parenthesis (in the
    same paragraph, list item or cell) reads '78,47%, 5.513/7.026' (wording.yaml ``rate``)."""
    shown, inner = _rate_shown(), rules()["rate"]["in_parentheses"]
    blocks = [m.end() for m in _BLOCK_START.finditer(html)]

    def replace(match: re.Match) -> str:
        rate = shown.fullmatch(match.group(3))
        if rate is None:
            return match.group()
        at = bisect.bisect_right(blocks, match.start())
        block = blocks[at - 1] if at else 0
        if parenthesis_depth(_TAG.sub("", html[block:match.start()])) == 0:
            return match.group()
        return match.group(1) + inner.format(**rate.groupdict()) + match.group(4)

    return _FIGURE_TEXT.sub(replace, html)
