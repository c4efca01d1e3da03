"""Run parameters: params/<unit>/unit.yaml merged with params/<unit>/<period>.yaml, validated.

Each file is read through ``ParamsFile`` (a typed model; unknown keys refused); the cleaned
values of the two files are merged (the period file wins, mappings merge key by key) and the
merge is read through the same model, giving ``Params``' typed attributes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, Field, TypeAdapter, ValidationError, model_validator

from cchc.config.outline import Outline, OutlineNode
from cchc.config.sources import load_spec, source_kinds, vocabulary_codes, vocabulary_names
from cchc.config.validation import (
    Date,
    Key,
    Lines,
    Model,
    Names,
    Rate,
    Text,
    Words,
    choice,
    load_data,
    problem,
    refusal,
)
from cchc.core import fmt
from cchc.core.errors import CchcError, message
from cchc.core.layout import Layout
from cchc.core.period import Period
from cchc.core.resources import SAFE_LOADER


class _Loader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader leaving dates as text: the model reads them, so that an impossible date
    (2025-09-31, on which PyYAML's own date constructor raises) is refused naming its key."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in SAFE_LOADER.yaml_implicit_resolvers.items()}

_UNIT = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Window:
    start: dt.date
    cutoff: dt.date


def default_window(period: str) -> Window:
    """The days of the period (cchc.core.period.Period): 2025 -> the year; 2025-H1/H2 -> halves;
    2025-Q1..Q4 -> quarters; 2025-07 -> a month."""
    days = Period.parse(period)
    return Window(days.first_day, days.last_day)


# -- the model of a parameter file -------------------------------------------------------------
# A key absent from a file is None; a key written without a value (null) is refused like any
# other wrong value, hence annotations without "| None" and a None default.

SourceKind = choice([*source_kinds(), "ignore"])


class SourceEntry(Model):
    """sources: <file>: <kind> or {kind, sheet}: how to read one raw file (or ignore it)."""

    kind: SourceKind = Field(default=None, validate_default=True)
    sheet: Words | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_alone(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value


def _known_columns(aliases: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
    """aliases: <kind>: <column>: [names]: only sources and columns that exist."""
    kinds = source_kinds()
    for kind, columns in aliases.items():
        if kind not in kinds:
            raise problem("unknown_key", at=kind, value=columns)
        known = load_spec(kind).columns
        for column, names in columns.items():
            if column not in known:
                raise problem("unknown_key", at=f"{kind}.{column}", value=names)
    return aliases


Aliases = Annotated[dict[Key, dict[Key, Names]], AfterValidator(_known_columns)]


def _known_codes(vocabularies: dict[Any, dict[Any, list[str]]]) -> dict[str, dict[str, list[str]]]:
    """vocabularies: <vocabulary>: <code>: [labels]: only vocabularies and codes that exist (a
    code as YAML reads it: ``true``, ``online``); the codes kept as text."""
    known = vocabulary_names()
    out: dict[str, dict[str, list[str]]] = {}
    for name, codes in vocabularies.items():
        if name not in known:
            raise problem("unknown_key", at=str(name), value=codes)
        valid = vocabulary_codes(name)
        lowered = {text.lower(): text for text in valid}
        out[name] = {}
        for code, labels in codes.items():
            text = lowered.get(str(code).lower())
            if text is None:
                raise problem("unknown_key", at=f"{name}.{code}", value=labels)
            out[name][text] = [*out[name].get(text, []), *labels]
    return out


Vocabularies = Annotated[dict[Key, dict[Any, Names]], AfterValidator(_known_codes)]


class SignerParams(Model):
    capacity: Words | None = None
    title: Words | None = None
    name: Words | None = None


class DocumentParams(Model):
    """document: the official layout's items; each overrides a default derived from unit_name
    (data/report/document.yaml)."""

    agency: Lines = None
    number: Text = None
    place: Text = None
    date: Date = None
    title: Text = None
    subject: Lines = None
    basis: Lines = None
    intro: Text = None
    closing: Text = None
    form_attached: Text = None
    recipients: Lines = None
    signer: SignerParams = None


class CitationRule(Model):
    """citations: <section>: which register documents a section cites."""

    types: Lines = None
    tags: Lines = None


CITATIONS_FILE = "report/citations.yaml"
CITATION_RULES = TypeAdapter(dict[Key, CitationRule])


def default_citations() -> dict[str, CitationRule]:
    """data/report/citations.yaml: what each section cites unless the parameters say."""
    return load_data(CITATIONS_FILE, CITATION_RULES)


class ParamsFile(Model):
    """One parameter file (unit.yaml or <period>.yaml), or the merge of both."""

    unit_name: Text = None
    start: Date = None
    cutoff: Date = None
    targets: dict[Key, Rate] = None
    sources: dict[Key, SourceEntry] = None
    aliases: Aliases = None
    vocabularies: Vocabularies = None                    # vocabulary -> code -> extra labels
    document: DocumentParams = None
    citations: dict[Key, CitationRule] = None
    outline: Outline = None                              # another city's đề cương (outline.yaml's schema)
    agencies: Lines = None
    vertical_agencies: Lines = None
    extra: dict[Any, Any] = None


@dataclass
class Params:
    unit: str
    period: str
    unit_name: str
    window: Window
    targets: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    vocabularies: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # extra category labels
    extra: dict[str, Any] = field(default_factory=dict)
    merged: dict[str, Any] = field(default_factory=dict)   # as read, after the merge
    files: list[Path] = field(default_factory=list)        # the parameter files read
    document: DocumentParams | None = None                 # items of the official layout
    citations: dict[str, CitationRule] | None = None       # section -> documents it cites
    outline: list[OutlineNode] | None = None               # the unit's own outline, else the city's
    agencies: list[str] | None = None                      # the agencies dossiers may name
    vertical_agencies: list[str] | None = None             # agencies reported as vertical

    def citation_rules(self) -> dict[str, dict[str, list[str]]]:
        """Section -> {types, tags}: data/report/citations.yaml, each section overridden by
        the parameters' `citations:`."""
        rules = {**default_citations(), **(self.citations or {})}
        return {section: rule.model_dump(exclude_none=True) for section, rule in rules.items()}


def _refused(error: ValidationError, shown: str) -> CchcError:
    """A model error as the parameter messages: unknown_param or param_type."""
    found = refusal(error)
    if found.kind == "unknown":
        return CchcError("unknown_param", file=shown, key=found.key, value=found.value)
    if found.kind == "missing":
        return CchcError("missing_param", file=shown, key=found.key)
    return CchcError("param_type", file=shown, key=found.key, expected=found.expected, value=found.value)


def _refuse_aliases(text: str, shown: str) -> None:
    """Anchors and aliases (&a, *a, <<: *a) are refused, before anything is built: a few lines
    of them expand to billions of values (an "alias bomb")."""
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise CchcError("param_alias", file=shown, line=event.start_mark.line + 1)


def _read(path: Path, layout: Layout) -> dict[str, Any]:
    """The cleaned values of one parameter file, in the file's order."""
    shown = layout.shown(path)
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_aliases(text, shown)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise CchcError("param_yaml", file=shown, line=line, reason=getattr(exc, "problem", str(exc))) from exc
    except UnicodeDecodeError as exc:
        raise CchcError("not_utf8", file=shown, line="?") from exc
    return _clean(data, shown)


def _clean(data: Any, shown: str) -> dict[str, Any]:
    """The values of one file (or of the notebook's parameters) read through the model."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CchcError("param_type", file=shown, key="*", expected=message("expect_mapping"),
                        value=type(data).__name__)
    try:
        cleaned = ParamsFile.model_validate(data).model_dump(exclude_unset=True)
    except ValidationError as exc:
        raise _refused(exc, shown) from None
    return {key: cleaned[key] for key in data}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_params(root: Path, unit: str, period: str | int, overrides: dict[str, Any] | None = None) -> Params:
    """``period`` may be an int: `papermill -p period 2025` passes one. ``overrides``: values
    given to the notebook (papermill -p/-f), over both files' and validated as they are."""
    unit, period = str(unit), str(period)
    if not _UNIT.match(unit):
        raise CchcError("bad_unit", unit=unit)
    window = default_window(period)
    layout = Layout(root, unit, period)
    if not layout.period_params.is_file():
        raise CchcError("missing_params", file=layout.shown(layout.period_params), folder=layout.root)
    files = [f for f in (layout.unit_params, layout.period_params) if f.is_file()]
    merged: dict[str, Any] = {}
    for path in files:
        merged = _merge(merged, _read(path, layout))
    if overrides:
        merged = _merge(merged, _clean(overrides, message("notebook_parameters")))
    if "unit_name" not in merged:
        raise CchcError("missing_param", key="unit_name", file=layout.shown(layout.period_params))
    typed = ParamsFile.model_validate(merged)  # the merge of clean values: valid
    window = Window(typed.start or window.start, typed.cutoff or window.cutoff)
    if window.start > window.cutoff:
        raise CchcError("bad_window", start=fmt.date(window.start),
                        cutoff=fmt.date(window.cutoff))
    return Params(unit=unit, period=period, unit_name=typed.unit_name, window=window,
                  targets=merged.get("targets", {}), sources=merged.get("sources", {}),
                  aliases=merged.get("aliases", {}), vocabularies=merged.get("vocabularies", {}),
                  extra=merged.get("extra", {}),
                  merged=merged, files=files, document=typed.document, citations=typed.citations, outline=typed.outline,
                  agencies=typed.agencies, vertical_agencies=typed.vertical_agencies)
