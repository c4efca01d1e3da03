"""The model of data/figures/<section>.yaml: each figure's label, unit and definition, and the
section's own rules (breakdowns, figures by month, money units, rows of the manual workbook)."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo, model_validator

from cchc.config.sources import source_file, source_kinds
from cchc.config.validation import Key, Model, choice, load_data, problem, validate_data

# The sections with a definitions file (data/figures/<section>.yaml).
SECTIONS = ("citizens", "documents", "finance", "manual", "tthc")
Section = choice(SECTIONS)


def _fraction(value: str) -> str:
    """A scale as written: "1", "1000", "1/1000" (kept as text, read exactly by the figures)."""
    try:
        Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise problem("expect_fraction") from None
    return value


Scale = Annotated[str, AfterValidator(_fraction)]


class FigureMeta(Model):
    label: str        # as shown in the report
    unit: str         # "hồ sơ", "%", "triệu đồng" …
    definition: str   # for the auditor
    # The columns of its source (``source``, else the file's) the figure is computed from, beyond
    # the source's required ones: when one is absent from every file, the figure is absent.
    needs: list[str] = []
    source: str | None = None   # the source kind it counts, when not the file's (absent: no figure)
    # column -> the definition when that column is absent from every file (the figure computed
    # without it, as received.total without a channel)
    definition_without: dict[Key, str] = {}


class ByMonth(Model):
    """Figures repeated for each calendar month of the window ({label}, {definition}, {month})."""

    figures: list[str]
    label: str
    definition: str


class Breakdown(Model):
    """Figures repeated for each value of a column ({label}, {definition}, {name})."""

    column: str
    label: str
    definition: str
    needs: list[str] = []   # columns the breakdown needs (its column): absent, no group figures


class FigureFile(Model):
    """data/figures/<section>.yaml."""

    section: Section
    source: str | None = None             # the source kind its figures count (``needs`` are its columns)
    figures: dict[Key, FigureMeta]
    by_month: ByMonth | None = None
    breakdowns: dict[Key, Breakdown] = {}
    money_units: dict[Key, Scale] = {}    # unit of an amount -> its value in million đồng
    row_definition: str | None = None     # the definition of a manual workbook row ({label}, {source})
    no_source: str | None = None          # the source named when a manual row gives none

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> FigureFile:
        relative = (info.context or {}).get("file")
        stem = relative.rsplit("/", 1)[-1].removesuffix(".yaml") if relative else None
        if stem is not None and self.section != stem:
            raise problem("expect_choice", at="section", value=self.section, choices=stem)
        for index, figure in enumerate(self.by_month.figures if self.by_month else []):
            if figure not in self.figures:
                raise problem("expect_figure", at=f"by_month.figures.{index}", value=figure)
        for name, figure in self.figures.items():
            _known_needs(figure.source or self.source, figure.needs, f"figures.{name}")
            _known_needs(figure.source or self.source, list(figure.definition_without),
                         f"figures.{name}.definition_without")
        for name, breakdown in self.breakdowns.items():
            _known_needs(self.source, breakdown.needs, f"breakdowns.{name}")
        return self


def _known_needs(kind: str | None, needs: list[str], at: str) -> None:
    """Each need a column of the figure's source that says what its absence takes away."""
    if kind is None and needs:
        raise problem("expect_choice", at=f"{at}.source", value=None, choices=" | ".join(source_kinds()))
    if kind is None:
        return
    if kind not in source_kinds():
        raise problem("expect_choice", at=f"{at}.source", value=kind, choices=" | ".join(source_kinds()))
    columns = source_file(kind).columns
    for index, need in enumerate(needs):
        if need not in columns or not columns[need].without:
            raise problem("expect_choice", at=f"{at}.needs.{index}", value=need,
                          choices=" | ".join(c for c, spec in columns.items() if spec.without))


def _relative(section: str) -> str:
    return f"figures/{section}.yaml"


def figure_definitions(section: str) -> FigureFile:
    """data/figures/<section>.yaml, validated (once)."""
    return load_data(_relative(section), FigureFile)


def read_figure_definitions(section: str, data: Any) -> FigureFile:
    """Another text of data/figures/<section>.yaml (already parsed), validated."""
    return validate_data(FigureFile, data, _relative(section), context={"file": _relative(section)})
