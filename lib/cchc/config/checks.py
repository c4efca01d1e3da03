"""The model of data/checks.yaml: the status words, and every reconciliation check with its
kind's own keys (one model per kind, told apart by ``kind``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BeforeValidator, Field, model_validator

from cchc.config.figures import figure_definitions
from cchc.config.validation import Model, choice, load_data, problem, validate_data

CHECKS_FILE = "checks.yaml"
SEVERITIES = ("warning", "error")
Severity = choice(SEVERITIES)


class StatusLabels(Model):
    """The status words as shown and written in reconciliation.json."""

    pass_: str = Field(alias="pass")
    warning: str
    error: str

    def label(self, code: str) -> str:
        return {"pass": self.pass_, "warning": self.warning, "error": self.error}[code]


class CheckSpec(Model):
    """What every check has: an id (the prefix of its results' ids), a description shown to
    the user, and the status of a failure (error unless it is only a warning)."""

    id: str
    description: str
    severity: Severity = "error"


def _breakdown(name: Any) -> Any:
    """A breakdown of the TTHC figures (data/figures/tthc.yaml ``breakdowns``: by_field, by_agency)."""
    known = tuple(figure_definitions("tthc").breakdowns)
    if name not in known:
        raise problem("expect_choice", choices=" | ".join(known))
    return name


BreakdownName = Annotated[str, BeforeValidator(_breakdown)]


class IdentityCheck(CheckSpec):
    """left = sum(right), for each prefix ('*' stands for every group present)."""

    kind: Literal["identity"]
    left: str
    right: list[str]
    prefixes: list[str]


class GroupsSumCheck(CheckSpec):
    """The groups of a breakdown add up to the unit's figure, for each figure."""

    kind: Literal["groups_sum"]
    breakdown: BreakdownName
    figures: list[str]


class FooterCheck(CheckSpec):
    """A file's stated total against the data rows read."""

    kind: Literal["footer"]


class UnknownProceduresCheck(CheckSpec):
    """Dossiers whose procedure code is not in the catalogue."""

    kind: Literal["unknown_procedures"]


class UnknownAgenciesCheck(CheckSpec):
    """Agencies in the dossiers that the parameter `agencies` does not list."""

    kind: Literal["unknown_agencies"]


class LookalikeNamesCheck(CheckSpec):
    """Groups of a breakdown (tthc.<breakdown>.*) kept apart whose names look alike: the same
    slug, or the same letters without diacritics, case or punctuation ("Hộ tịch", "Ho tich"). Each
    set of such groups is reported, naming every spelling and its rows, for the person to confirm."""

    kind: Literal["lookalike_names"]
    breakdown: BreakdownName


class DeclaredCheck(CheckSpec):
    """Figures declared by other bodies against the computed ones."""

    kind: Literal["declared"]


class PreviousCheck(CheckSpec):
    """Relative jumps above ``threshold`` from the previous period's published figures, for
    figures of at least ``minimum``."""

    kind: Literal["previous"]
    threshold: float
    minimum: float


class AfterCutoffCheck(CheckSpec):
    """Rows whose date lies after the window's cut-off (kept, never counted in the period):
    implausible in an export made for the period, so the person sees how many and where.
    ``columns``: table kind -> its date columns."""

    kind: Literal["after_cutoff"]
    columns: dict[str, list[str]]


class TargetsCheck(CheckSpec):
    """Rates against the period's targets."""

    kind: Literal["targets"]


class WithinWholeCheck(CheckSpec):
    """A breakdown ("trong đó") is never larger than its whole: sum(parts) <= sum(whole). Absent
    or empty figures skip the check."""

    kind: Literal["within_whole"]
    whole: list[str]
    parts: list[str]


class AsOfAgreesCheck(CheckSpec):
    """The body and the forms give one as-of date per figure: in each paragraph or list item of
    the section templates and the period's prose files, a figure after "đến ngày <date>" must
    have that date as its as-of (its ``as_of``, else the window's cut-off), which the forms show."""

    kind: Literal["as_of_agrees"]


class ZeroInTextCheck(CheckSpec):
    """A figure the text words as "không có" (zero) against form rows counting the same thing
    (``rows``: figure ids, '*' patterns allowed): none of them may be non-zero."""

    kind: Literal["zero_in_text"]
    figure: str
    rows: list[str]


class WindowCoversCheck(CheckSpec):
    """The period line (window start to cut-off) covers each figure's data window, or the figure
    states its own window: no as-of after the cut-off; a figure whose data start before the
    window (``since``) states it; the figures ``from_year_start`` (patterns) must state it."""

    kind: Literal["window_covers"]
    from_year_start: list[str] = []


class SourceRowsCheck(CheckSpec):
    """A check on the rows of ``source`` (the statistics of form 06a). Beside a file of
    ``beside`` (the dossier list, then the figures' source) a failure is a warning only."""

    source: str
    beside: str | None = None


class RowIdentityCheck(SourceRowsCheck):
    """On every row of a numbers table (``source``: the statistics of form 06a), the column
    ``left`` = the sum of the columns ``right``; each broken row a result naming its file, Excel
    row and columns with both values."""

    kind: Literal["row_identity"]
    left: str
    right: list[str]


class TotalRowCheck(SourceRowsCheck):
    """The total row of each file of ``source`` (its ``totals``) = the sum of its other rows,
    for each number column."""

    kind: Literal["total_row"]


class QuarantinedRowsCheck(SourceRowsCheck):
    """No row of ``source`` quarantined: each is one of a few rows whose numbers the figures are
    (a field of form 06a) and cannot be left out."""

    kind: Literal["quarantined_rows"]


class SourcePeriodCheck(SourceRowsCheck):
    """The period a file of ``source`` states in its title rows (``start``, ``end``: its title
    fields) is the run's window, and one file states it."""

    kind: Literal["source_period"]
    start: str
    end: str


CHECK_MODELS = (IdentityCheck, GroupsSumCheck, FooterCheck, UnknownProceduresCheck, UnknownAgenciesCheck,
                LookalikeNamesCheck, DeclaredCheck, PreviousCheck, AfterCutoffCheck, TargetsCheck,
                WithinWholeCheck, AsOfAgreesCheck, ZeroInTextCheck, WindowCoversCheck, RowIdentityCheck,
                TotalRowCheck, QuarantinedRowsCheck, SourcePeriodCheck)
CHECK_KINDS = tuple(get_args(model.model_fields["kind"].annotation)[0] for model in CHECK_MODELS)
CheckKind = Literal[CHECK_KINDS]


def _known_kind(value: Any) -> Any:
    """An unknown kind is refused with the list of kinds (before the union looks for it)."""
    if isinstance(value, dict) and value.get("kind") not in CHECK_KINDS:
        raise problem("expect_choice", at="kind", value=value.get("kind"), choices=" | ".join(CHECK_KINDS))
    return value


AnyCheck = Annotated[Union[CHECK_MODELS], Field(discriminator="kind"), BeforeValidator(_known_kind)]


class ChecksFile(Model):
    """data/checks.yaml."""

    status: StatusLabels
    checks: list[AnyCheck]

    @model_validator(mode="after")
    def _unique_ids(self) -> ChecksFile:
        seen: set[str] = set()
        for index, check in enumerate(self.checks):
            if check.id in seen:
                raise problem("expect_unique", at=f"checks.{index}.id", value=check.id)
            seen.add(check.id)
        return self


def _without_kind(loc: tuple) -> tuple:
    """('checks', 3, 'identity', 'left') -> ('checks', 3, 'left'): the union's tag is no key."""
    if len(loc) > 2 and loc[0] == "checks" and loc[2] in CHECK_KINDS:
        return loc[:2] + loc[3:]
    return loc


def load_checks() -> ChecksFile:
    """data/checks.yaml, validated (once)."""
    return load_data(CHECKS_FILE, ChecksFile, _without_kind)


def read_checks(data: Any) -> ChecksFile:
    """Another text of data/checks.yaml (already parsed), validated: errors name that file."""
    return validate_data(ChecksFile, data, CHECKS_FILE, _without_kind)
