"""Source specifications (data/sources/*.yaml): the model of a spec file, validated when read,
and ``SourceSpec``, the spec as the parser uses it (columns, aliases, personal headers).

Header detection (finding the header row of a file) is ingest logic: cchc.ingest.headers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import StrictBool, StrictInt, TypeAdapter, ValidationInfo, model_validator

from cchc.config.validation import Key, Model, Words, choice, load_data, problem, validate_data
from cchc.core.hashing import sha256_bytes
from cchc.core.resources import DATA_DIR, load_yaml
from cchc.core.text import match_key

# The column types the parser knows (cchc.ingest.parse.PARSERS has one parser for each).
COLUMN_TYPES = ("id", "text", "number", "date", "category")
ColumnType = choice(COLUMN_TYPES)
# Values read from a file's title rows: as text, or as a date.
TITLE_TYPES = ("text", "date")
TitleType = choice(TITLE_TYPES)
# Row rules of cchc.ingest.row_rules.RULES.
ROW_RULES = ("dossiers",)
RowRule = choice(ROW_RULES)
SHARED_VOCABULARIES = "vocab.yaml"
INGEST_RULES = "ingest.yaml"
# A date bound: an ISO date, or the day of the run give or take whole days ("today+3650").
_RELATIVE_DAY = re.compile(r"^today(?:([+-])(\d{1,5}))?$")


class Vocabulary(Model):
    """Canonical code -> accepted labels, the display label of each code, and the code of an
    empty cell (none: an empty cell stays empty)."""

    values: dict[Any, list[str]]
    labels: dict[Any, Words]
    empty: Any = None

    @model_validator(mode="after")
    def _codes_agree(self) -> Vocabulary:
        for code in self.values:
            if code not in self.labels:
                raise problem("missing_key", at=f"labels.{code}")
        for code, label in self.labels.items():
            if code not in self.values:
                raise problem("unknown_key", at=f"labels.{code}", value=label)
        if self.empty is not None and self.empty not in self.values:
            raise problem("expect_choice", at="empty", value=self.empty,
                          choices=" | ".join(str(code) for code in self.values))
        return self


VOCABULARIES = TypeAdapter(dict[str, Vocabulary])


def date_bound(value: Any, today: dt.date) -> dt.date:
    """A date bound of a column: an ISO date, or ``today`` (the day of the run) plus or minus
    whole days (``today+3650``)."""
    if isinstance(value, dt.date):
        return value
    found = _RELATIVE_DAY.match(str(value).strip())
    if found is None:
        return dt.date.fromisoformat(str(value).strip())
    days = int(found[2] or 0)
    return today + dt.timedelta(days=-days if found[1] == "-" else days)


def _valid_bound(value: Any, column_type: str, at: str) -> None:
    if column_type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise problem("expect_number", at=at, value=value)
    elif column_type == "date":
        try:
            date_bound(value, dt.date(2000, 1, 1))
        except (ValueError, OverflowError):
            raise problem("expect_bound_date", at=at, value=value) from None
    else:
        raise problem("expect_no_bounds", at=at, value=value)


class ColumnSpec(Model):
    header: str
    aliases: list[str] = []
    type: ColumnType
    required: StrictBool = False   # the file cannot be read without it; and every row fills it
    filled: StrictBool = False     # not required, but a file that has it fills it in every row
    vocab: str | None = None   # the vocabulary of a category column
    # What the column's absence from every file of its source takes away (raw-exports.md §7), in
    # Vietnamese: a column some figure needs (data/figures/*.yaml ``needs``) says it; such a column
    # absent from every file is absent from the processed table, and its figures are absent.
    without: Words | None = None
    # Plausible values of a number or date column (inclusive); a value outside is quarantined.
    # Numbers: numbers; dates: ISO dates or "today[+/-days]" (the day of the run).
    min: Any = None
    max: Any = None
    # One system's coded values, per header: header (as that system writes it: the column's
    # header or an alias) -> value in the file (as text; a JSON number 2 is "2") -> the code of
    # the column's vocabulary. They apply only to a file whose header of the column is that one:
    # a "1" under another header is an unknown value, as any other.
    codes: dict[str, dict[str, Any]] = {}
    # Values of such a system that are no dossier of the list, per header: value -> the reason
    # (a key of messages.yaml, ``reason_<key>``) the row is quarantined with.
    set_aside: dict[str, dict[str, Key]] = {}

    @model_validator(mode="after")
    def _vocab_of_categories(self) -> ColumnSpec:
        if self.type == "category" and self.vocab is None:
            raise problem("expect_vocab", at="vocab", value=None)
        names = {match_key(name) for name in (self.header, *self.aliases)}
        for part in ("codes", "set_aside"):
            for header in getattr(self, part):
                if self.type != "category":
                    raise problem("expect_no_vocab", at=f"{part}.{header}", value=header)
                if match_key(header) not in names:
                    raise problem("expect_choice", at=f"{part}.{header}", value=header,
                                  choices=" | ".join((self.header, *self.aliases)))
        if self.type != "category" and self.vocab is not None:
            raise problem("expect_no_vocab", at="vocab", value=self.vocab)
        for name in ("min", "max"):
            if getattr(self, name) is not None:
                _valid_bound(getattr(self, name), self.type, name)
        if self.min is not None and self.max is not None:
            today = dt.date(2000, 1, 1)
            low, high = ((date_bound(self.min, today), date_bound(self.max, today)) if self.type == "date"
                         else (self.min, self.max))
            if low > high:
                raise problem("expect_bounds_order", at="max", value=self.max)
        return self


class TitleField(Model):
    """A value read from the title rows: the first group of ``pattern`` (matched on the title
    text after match_key), else ``default``."""

    pattern: str
    type: TitleType
    default: str | None = None


class NumberedColumn(Model):
    """A column of a table whose header has merged levels above a row of column numbers
    (form 06a): its number there, and alternatives of phrases its levels' words hold."""

    number: StrictInt
    words: list[list[str]]


class Numbered(Model):
    """How a table of numbered columns is recognised (cchc.ingest.numbered): a title row holding
    one of ``title_words``, and its columns by number or by words (at least ``min_columns`` of
    them when found by words only)."""

    title_words: list[str]
    min_columns: StrictInt = 1
    columns: dict[Key, NumberedColumn]


class Declared(Model):
    """A figure a source holds as numbers (data/sources/tthc_stats.yaml ``declares``): a count,
    the sum of ``columns``; a rate, the sum of ``numerator`` over the sum of ``denominator``."""

    columns: list[str] = []
    numerator: list[str] = []
    denominator: list[str] = []
    definition: str

    @model_validator(mode="after")
    def _count_or_rate(self) -> Declared:
        if bool(self.columns) == bool(self.numerator and self.denominator):
            raise problem("expect_choice", at="columns", value=self.columns, choices="columns | numerator, denominator")
        return self


class SourceFile(Model):
    """data/sources/<kind>.yaml."""

    kind: str
    label: str
    key: str
    required: StrictBool = False       # a run needs at least one file of this kind
    without: Words | None = None       # what an absent source takes away (an optional one)
    columns: dict[Key, ColumnSpec]
    personal: list[str] = []
    # Personal headers by pattern (regular expressions searched in the header's match key,
    # cchc.core.text.match_key): e.g. every address, whatever follows "địa chỉ" / "DiaChi".
    personal_patterns: list[str] = []
    row_rules: RowRule | None = None
    dedup: StrictBool = True           # collapse duplicates by key (False: rows are events)
    vocabularies: dict[str, Vocabulary] = {}
    title_fields: dict[Key, TitleField] = {}
    # Sources whose files stand in for a required one (the statistics of form 06a for the dossier
    # list): a run needs a file of this kind or of one of these; ``without`` then says what is lost.
    instead: list[str] = []
    totals: Key | None = None          # the "Tổng cộng" row kept as a row, marked True in this column
    numbered: Numbered | None = None   # a header of merged levels over numbered columns (form 06a)
    declares: dict[Key, Declared] = {}  # TTHC figures the source holds as numbers

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SourceFile:
        relative = (info.context or {}).get("file")
        if relative and self.kind != relative.rsplit("/", 1)[-1].removesuffix(".yaml"):
            expected = relative.rsplit("/", 1)[-1].removesuffix(".yaml")
            raise problem("expect_choice", at="kind", value=self.kind, choices=expected)
        if self.key not in self.columns:
            raise problem("expect_choice", at="key", value=self.key, choices=" | ".join(self.columns))
        known = sorted({*self.vocabularies, *shared_vocabularies()})
        for name, column in self.columns.items():
            if column.vocab is not None and column.vocab not in known:
                raise problem("expect_choice", at=f"columns.{name}.vocab", value=column.vocab,
                              choices=" | ".join(known))
            if column.codes:
                vocabulary = self.vocabularies.get(column.vocab) or VOCABULARIES.validate_python(
                    shared_vocabularies())[column.vocab]
                for header, codes in column.codes.items():
                    for value, code in codes.items():
                        if code not in vocabulary.values:
                            raise problem("expect_choice", at=f"columns.{name}.codes.{header}.{value}", value=code,
                                          choices=" | ".join(str(known) for known in vocabulary.values))
        for index, other in enumerate(self.instead):
            if other not in source_kinds():
                raise problem("expect_choice", at=f"instead.{index}", value=other, choices=" | ".join(source_kinds()))
        if self.totals is not None and self.totals in self.columns:
            raise problem("expect_unique", at="totals", value=self.totals)
        for name in (self.numbered.columns if self.numbered else {}):
            if name not in self.columns:
                raise problem("expect_choice", at=f"numbered.columns.{name}", value=name,
                              choices=" | ".join(self.columns))
        for figure, declared in self.declares.items():
            for at, names in (("columns", declared.columns), ("numerator", declared.numerator),
                              ("denominator", declared.denominator)):
                for index, name in enumerate(names):
                    if name not in self.columns:
                        raise problem("expect_choice", at=f"declares.{figure}.{at}.{index}", value=name,
                                      choices=" | ".join(self.columns))
        return self


def shared_vocabularies() -> dict[str, Any]:
    """data/vocab.yaml, validated (once), as read."""
    load_data(SHARED_VOCABULARIES, VOCABULARIES)
    return load_yaml(SHARED_VOCABULARIES)


def source_file(kind: str) -> SourceFile:
    """The validated model of data/sources/<kind>.yaml (read once)."""
    return load_data(f"sources/{kind}.yaml", SourceFile)


def read_source_file(kind: str, data: Any) -> SourceFile:
    """Another text of data/sources/<kind>.yaml (already parsed), validated."""
    relative = f"sources/{kind}.yaml"
    return validate_data(SourceFile, data, relative, context={"file": relative})


class PrivacyPattern(Model):
    """A kind of personal value (data/ingest.yaml, privacy.patterns)."""

    kind: choice(("digits", "email"))
    regex: str
    numbers: StrictBool = False   # also in the text of a number column
    text: StrictBool = True       # in every other cell

    @model_validator(mode="after")
    def _compiles(self) -> PrivacyPattern:
        try:
            re.compile(self.regex)
        except re.error:
            raise problem("expect_regex", at="regex", value=self.regex) from None
        return self


class Privacy(Model):
    mask: str
    keep_first: StrictInt
    keep_last: StrictInt
    min_masked: StrictInt
    patterns: dict[Key, PrivacyPattern]


class Guards(Model):
    """Limits a workbook must keep to be read at all (data/ingest.yaml, guards)."""

    max_cells: StrictInt
    min_cells: StrictInt
    cells_per_byte: StrictInt
    max_inflated_bytes: StrictInt
    max_ratio: StrictInt
    ratio_from_bytes: StrictInt
    max_columns: StrictInt
    json_max_string: StrictInt     # characters of one value of a JSON record
    json_max_keys: StrictInt       # keys of one JSON record


class IngestRules(Model):
    """data/ingest.yaml: Excel error values, personal-data patterns, resource guards."""

    excel_errors: list[str]
    error_pattern: str
    privacy: Privacy
    guards: Guards


def ingest_rules() -> IngestRules:
    """The validated data/ingest.yaml (read once)."""
    return load_data(INGEST_RULES, IngestRules)


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    aliases: tuple[str, ...]
    type: str                  # one of COLUMN_TYPES
    required: bool = False
    vocab: str | None = None
    min: Any = None            # plausible values (see ColumnSpec); dates resolved by date_bound
    max: Any = None
    filled: bool = False       # a file that has the column fills it in every row (ColumnSpec)
    without: str | None = None  # what its absence from every file takes away (ColumnSpec)
    # ColumnSpec.codes and set_aside, by the header's match key: value's match key -> the
    # vocabulary's code, or the reason key of a value set aside (``SetAside``).
    codes: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False, compare=False)

    def codes_for(self, header: str | None) -> dict[str, Any]:
        """The coded values of a file whose header of this column is ``header`` ({} if none)."""
        if not self.codes or header is None:
            return {}
        return self.codes.get(match_key(header.rstrip(" :*")), {})


@dataclass(frozen=True)
class SetAside:
    """A coded value that is no dossier of the list: its row is quarantined with ``reason``."""

    reason: str


@dataclass
class SourceSpec:
    kind: str
    label: str
    key: str
    required: bool
    columns: dict[str, Column]
    personal: tuple[str, ...]
    row_rules: str | None = None
    dedup: bool = True                     # collapse duplicates by key (False: rows are events)
    vocabularies: dict[str, Any] = field(default_factory=dict)   # this source's own vocabularies
    title_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # values read from title rows
    personal_patterns: tuple[str, ...] = ()  # SourceFile.personal_patterns
    without: str | None = None             # what an absent source takes away (SourceFile)
    instead: tuple[str, ...] = ()          # sources standing in for this required one (SourceFile)
    totals: str | None = None              # the column marking the "Tổng cộng" row kept (SourceFile)
    numbered: Numbered | None = None       # numbered columns under merged levels (SourceFile)
    declares: dict[str, Declared] = field(default_factory=dict)  # figures held as numbers (SourceFile)
    # The parameters' extra labels: vocabulary -> code (as text) -> labels (``vocabularies``).
    vocabulary_aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    header_lookup: dict[str, str] = field(default_factory=dict, repr=False)  # match key -> column (built)
    _personal_keys: frozenset[str] = field(default_factory=frozenset, repr=False)
    _personal_pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns.values():
            for name in (column.header, *column.aliases):
                self.header_lookup.setdefault(match_key(name), column.name)
        self._personal_keys = frozenset(match_key(name) for name in self.personal)
        if self.personal_patterns:
            self._personal_pattern = re.compile("|".join(f"(?:{p})" for p in self.personal_patterns))

    def column_for(self, header: Any) -> str | None:
        """Canonical column name for a header cell, or None."""
        if not isinstance(header, str) or not header.strip():
            return None
        return self.header_lookup.get(match_key(header.rstrip(" :*")))

    def is_personal(self, header: Any) -> bool:
        if not isinstance(header, str):
            return False
        key = match_key(header.rstrip(" :*"))
        return key in self._personal_keys or (self._personal_pattern is not None
                                              and self._personal_pattern.search(key) is not None)

    def vocabulary(self, name: str) -> dict[str, Any]:
        """A vocabulary of this source (data/sources/<kind>.yaml) or the shared data/vocab.yaml."""
        return self.vocabularies.get(name) or shared_vocabularies()[name]

    def labels_for(self, name: str) -> dict[str, list[str]]:
        """The parameters' extra labels of a vocabulary (code as text -> labels)."""
        return self.vocabulary_aliases.get(name, {})

    def names_for(self, column: str) -> list[str]:
        spec = self.columns[column]
        return [spec.header, *spec.aliases]


def load_spec(kind: str, extra_aliases: dict[str, list[str]] | None = None,
              vocabularies: dict[str, dict[str, list[str]]] | None = None) -> SourceSpec:
    """The spec of a source, with the parameters' extra aliases (column -> names) and extra
    vocabulary labels (vocabulary -> code -> labels) added."""
    spec = source_file(kind)
    raw = load_yaml(f"sources/{kind}.yaml")  # vocabularies and title fields as read
    columns = {}
    for name, col in spec.columns.items():
        aliases = tuple(col.aliases) + tuple((extra_aliases or {}).get(name, ()))
        codes: dict[str, dict[str, Any]] = {}
        for part, value_of in (("codes", lambda code: code), ("set_aside", SetAside)):
            for header, values in getattr(col, part).items():
                coded = codes.setdefault(match_key(header), {})
                coded.update({match_key(str(value)): value_of(code) for value, code in values.items()})
        columns[name] = Column(name=name, header=col.header, aliases=aliases, type=col.type,
                               required=col.required, vocab=col.vocab, min=col.min, max=col.max,
                               filled=col.filled, without=col.without, codes=codes)
    return SourceSpec(kind=spec.kind, label=spec.label, key=spec.key, required=spec.required,
                      columns=columns, personal=tuple(spec.personal), row_rules=spec.row_rules,
                      personal_patterns=tuple(spec.personal_patterns),
                      dedup=spec.dedup, vocabularies=raw.get("vocabularies", {}),
                      title_fields=raw.get("title_fields", {}), without=spec.without,
                      instead=tuple(spec.instead), totals=spec.totals, numbered=spec.numbered,
                      declares=dict(spec.declares),
                      vocabulary_aliases=vocabularies or {})


def source_kinds() -> list[str]:
    return sorted(path.stem for path in (DATA_DIR / "sources").glob("*.yaml"))


def load_specs(aliases: dict[str, dict[str, list[str]]] | None = None,
               vocabularies: dict[str, dict[str, list[str]]] | None = None) -> dict[str, SourceSpec]:
    aliases = aliases or {}
    return {kind: load_spec(kind, aliases.get(kind), vocabularies) for kind in source_kinds()}


def vocabulary_codes(name: str) -> dict[str, Any]:
    """Code as text -> code, of a vocabulary of data/vocab.yaml or of a source's own (the
    first source declaring it): the codes the parameters' ``vocabularies`` may add labels to."""
    vocabulary = shared_vocabularies().get(name)
    for kind in source_kinds():
        if vocabulary is not None:
            break
        vocabulary = (load_yaml(f"sources/{kind}.yaml").get("vocabularies") or {}).get(name)
    return {} if vocabulary is None else {str(code): code for code in vocabulary["values"]}


def vocabulary_names() -> list[str]:
    """Every vocabulary a category column reads: data/vocab.yaml's and the sources' own."""
    names = set(shared_vocabularies())
    for kind in source_kinds():
        names.update(load_yaml(f"sources/{kind}.yaml").get("vocabularies") or {})
    return sorted(names)


def specs_fingerprint(aliases: dict[str, Any] | None, vocabularies: dict[str, Any] | None = None) -> str:
    """Hash of everything that changes how a file is parsed (specs, vocabularies, aliases, the
    parameters' extra vocabulary labels)."""
    files = sorted(DATA_DIR.glob("sources/*.yaml")) + [DATA_DIR / SHARED_VOCABULARIES, DATA_DIR / INGEST_RULES]
    extra = json.dumps(vocabularies, sort_keys=True, ensure_ascii=False).encode() if vocabularies else b""
    return sha256_bytes(b"".join(path.read_bytes() for path in files)
                        + json.dumps(aliases or {}, sort_keys=True, ensure_ascii=False).encode() + extra)
