"""Personal data typed into cells: recognised by the patterns of data/ingest.yaml (ID numbers,
phone numbers, e-mail addresses) and masked in everything the ingest writes.

``mask`` is the one masking function: the processed tables, the parse cache, the quarantine,
the warnings, the conflicts and the ingest report all hold values that went through it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cchc.config.sources import Privacy, ingest_rules

_NOT_DIGIT = re.compile(r"\D")
# digits -> "d", the separators of grouped digits dropped: nine "d" in a row mark a candidate
_DIGIT_RUNS = str.maketrans({**{str(d): "d" for d in range(10)}, " ": None, ".": None, "-": None,
                             "\u00a0": None})
_NINE = "d" * 9
# The same test on the text itself: nine digits or "d" in a row, grouping separators aside
# (``_NINE in text.translate(_DIGIT_RUNS)``, tested), without translating text character by character.
_NINE_RUN = re.compile("[0-9d](?:[ .\\-\u00a0]*[0-9d]){8}")


@dataclass(frozen=True)
class _Rules:
    everywhere: re.Pattern[str]     # every pattern applying to cells in general, one alternation
    digits: re.Pattern[str]         # the same without the e-mail patterns (text without '@')
    numbers: re.Pattern[str]        # the patterns applying to text in a number column
    kinds: dict[str, str]           # group name -> "digits" | "email"
    privacy: Privacy


@functools.lru_cache(maxsize=1)
def _rules() -> _Rules:
    privacy = ingest_rules().privacy
    kinds = {name: pattern.kind for name, pattern in privacy.patterns.items()}

    def alternation(names: list[str]) -> re.Pattern[str]:
        parts = [f"(?P<{name}>{privacy.patterns[name].regex})" for name in names]
        return re.compile("|".join(parts) or r"(?!x)x")

    text = [name for name, pattern in privacy.patterns.items() if pattern.text]
    numbers = [name for name, pattern in privacy.patterns.items() if pattern.numbers]
    return _Rules(alternation(text), alternation([n for n in text if kinds[n] == "digits"]),
                  alternation(numbers), kinds, privacy)


def _masked_digits(found: str, privacy: Privacy) -> str:
    digits = _NOT_DIGIT.sub("", found)
    count = len(digits)
    hidden = max(count - privacy.keep_first - privacy.keep_last, min(privacy.min_masked, count))
    kept = count - hidden
    last = min(privacy.keep_last, kept // 2)
    first = kept - last
    sign = "+" if found.lstrip().startswith("+") else ""
    return sign + digits[:first] + privacy.mask * hidden + (digits[count - last:] if last else "")


def _masked_email(found: str, privacy: Privacy) -> str:
    name, _, domain = found.partition("@")
    kept = min(privacy.keep_first, len(name) // 2)
    return name[:kept] + privacy.mask * max(len(name) - kept, privacy.min_masked) + "@" + domain


def _replace(match: re.Match[str]) -> str:
    rules = _rules()
    kind = rules.kinds[match.lastgroup or ""]
    found = match.group(0)
    return _masked_email(found, rules.privacy) if kind == "email" else _masked_digits(found, rules.privacy)


def _pattern(text: str) -> re.Pattern[str] | None:
    """The patterns worth trying on ``text`` (cheap tests first): every one when it has an
    '@', those of digits when it has nine digits in a row (grouping separators aside)."""
    if "@" in text:
        return _rules().everywhere
    if _NINE_RUN.search(text) is not None:
        return _rules().digits
    return None


def mask(text: str) -> str:
    """``text`` with every personal value in it masked (0792••••4321, ngu•••••@gmail.com)."""
    pattern = _pattern(text)
    return text if pattern is None else pattern.sub(_replace, text)


def looks_personal(text: str) -> bool:
    """Whether ``text`` holds a personal value (anywhere in it)."""
    pattern = _pattern(text)
    return pattern is not None and pattern.search(text) is not None


def personal_among(texts: list[str]) -> set[str]:
    """The texts of ``texts`` holding a personal value (looks_personal of each), the cheap test
    for nine digits run once over all of them joined."""
    marks = "\n".join(texts).translate(_DIGIT_RUNS).split("\n")
    if len(marks) != len(texts):  # a text holds a line break: one by one
        return {text for text in texts if looks_personal(text)}
    rules = _rules()
    found = set()
    for text, digits in zip(texts, marks):
        if "@" in text:
            pattern = rules.everywhere
        elif _NINE in digits:
            pattern = rules.digits
        else:
            continue
        if pattern.search(text) is not None:
            found.add(text)
    return found


def personal_in_number(text: str) -> bool:
    """Whether the text of a number cell is a personal value rather than an amount: a phone, an
    e-mail, an ID number with its leading 0 (a plain 9- or 12-digit number is an amount)."""
    return ("@" in text or _NINE_RUN.search(text) is not None) and _rules().numbers.search(text.strip()) is not None


def mask_value(value: object) -> str:
    """Any raw cell value as text, masked: for the quarantine, warnings and messages. A whole
    number a workbook gives as a float shows as the number written (7, not 7.0)."""
    if type(value) is float and value.is_integer():
        value = int(value)
    return "" if value is None else mask(str(value))
