"""The official document's frame: header, title, basis, recipients and signer.

Every item comes from the parameters' `document:` map, else a default derived from the
unit's name and the window (data/report/document.yaml).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TypeVar

from cchc.config.params import DocumentParams, Params
from cchc.config.validation import Model, load_data
from cchc.core import fmt
from cchc.core.period import Period, PeriodPhrases

T = TypeVar("T")
WORDS_FILE = "report/document.yaml"


class SignerWords(Model):
    capacity: str
    title: str
    name: str


class DocumentWords(Model):
    """data/report/document.yaml: the letter frame's default words."""

    agency_parent: str
    number: str                  # its blank run of spaces kept (Document.number)
    motto: list[str]
    date_line: str               # {place}, {day}, {month}, {year}
    title: str
    subject: list[str]           # {period_phrase}
    basis: list[str]
    intro: str                   # {body}, {period_phrase}
    closing: str
    form_attached: str           # {form}
    body_prefix: str             # "UBND"
    default_kind: str            # "xã"
    recipients_title: str
    recipients: list[str]
    signer: SignerWords
    unit_prefixes: list[str]
    period_phrases: PeriodPhrases
    window_phrase: str           # {start}, {cutoff}
    form_lines: dict[str, str]   # in order: {unit_name}, {period_phrase}, {window_phrase}


def document_words() -> DocumentWords:
    """data/report/document.yaml, validated once."""
    return load_data(WORDS_FILE, DocumentWords)


@dataclass
class Signer:
    capacity: str
    title: str
    name: str


@dataclass
class Document:
    agency: list[str]
    number: str
    motto: list[str]
    place: str
    date: dt.date
    date_line: str
    title: str
    subject: list[str]
    basis: list[str]
    intro: str
    closing: str
    form_attached: str     # "(Có Phụ lục III, biểu mẫu {form} gửi kèm theo)"
    recipients_title: str
    recipients: list[str]
    signer: Signer
    period_phrase: str
    window_phrase: str
    form_lines: list[str] = field(default_factory=list)
    council: str = ""      # the unit's people's committee without its place: "UBND xã", "UBND phường"


def period_phrase(period: str) -> str:
    """'2025-Q3' -> 'quý III năm 2025' (cchc.core.period.Period.phrase)."""
    return Period.parse(period).phrase


def _split_unit_name(name: str, prefixes: list[str]) -> tuple[str, str]:
    """'Xã Nguyễn Lương Bằng' -> ('Xã', 'Nguyễn Lương Bằng')."""
    for prefix in prefixes:
        if name.lower().startswith(prefix.lower() + " "):
            return name[: len(prefix)], name[len(prefix) + 1 :].strip()
    return "", name


def unit_kind(unit_name: str) -> str:
    """The kind of unit its name begins with, in lower case: 'Phường Lê Chân' -> 'phường'
    ('xã', 'đặc khu'…, data/report/document.yaml ``unit_prefixes``); '' for no known prefix."""
    return _split_unit_name(unit_name, document_words().unit_prefixes)[0].lower()


def kind_word(unit_name: str | None = None) -> str:
    """The word that names the unit by its kind: its name's ('Phường Lê Chân' -> 'phường'), else
    (no unit, or a name with no known prefix) document.yaml ``default_kind``."""
    return (unit_kind(unit_name) if unit_name else "") or document_words().default_kind


def default_council() -> str:
    """The people's committee where no unit is known: 'UBND xã'."""
    return f"{document_words().body_prefix} {kind_word()}"


def build_document(params: Params) -> Document:
    d = document_words()
    given = params.document or DocumentParams()
    prefix, place = _split_unit_name(params.unit_name, d.unit_prefixes)
    body = " ".join(part for part in (d.body_prefix, prefix.lower(), place) if part)
    phrase = period_phrase(params.period)
    window = window_phrase(params.window.start, params.window.cutoff)
    date = _given(given.date, params.window.cutoff)
    place = _given(given.place, place)
    signer = {**d.signer.model_dump(), **(given.signer.model_dump(exclude_none=True) if given.signer else {})}
    values = {"period_phrase": phrase, "unit_name": params.unit_name, "body": body, "window_phrase": window}
    return Document(
        agency=_given(given.agency, [d.agency_parent, params.unit_name.upper()]),
        number=_keep_blank(_given(given.number, d.number)),
        motto=d.motto,
        place=place,
        date=date,
        date_line=d.date_line.format(place=place, day=date.day, month=date.month, year=date.year),
        title=_given(given.title, d.title),
        subject=_given(given.subject, [line.format(**values) for line in d.subject]),
        basis=_given(given.basis, d.basis),
        intro=_given(given.intro, d.intro.format(**values)),
        closing=_given(given.closing, d.closing.format(**values)),
        form_attached=_given(given.form_attached, d.form_attached),
        recipients_title=d.recipients_title,
        recipients=_given(given.recipients, d.recipients),
        signer=Signer(**signer),
        period_phrase=phrase,
        window_phrase=window,
        form_lines=[line.format(**values) for line in d.form_lines.values()],
        council=" ".join(part for part in (d.body_prefix, prefix.lower()) if part),
    )


def window_phrase(start: dt.date, cutoff: dt.date) -> str:
    """'từ ngày 01/07/2025 đến ngày 31/07/2025' (document.yaml ``window_phrase``)."""
    return document_words().window_phrase.format(start=fmt.date(start), cutoff=fmt.date(cutoff))


def _keep_blank(number: str) -> str:
    """'Số:      /BC-UBND': the run of spaces left for the hand-written number as non-breaking
    spaces, so that no format collapses it."""
    return re.sub(r" {2,}", lambda found: "\u00a0" * len(found[0]), number)


def _given(value: T | None, default: T) -> T:
    """A parameter's value when the parameters give it, else the default."""
    return default if value is None else value
