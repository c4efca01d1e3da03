"""docs/figures.md generated from the figure definitions (data/figures/*.yaml): the list of
every figure id with its label, unit and definition is written once, in the data."""

from __future__ import annotations

import sys
from pathlib import Path

from cchc.config.figures import SECTIONS, figure_definitions
from cchc.manual import topics

HEADER = """# Figures (chỉ số)

Generated from `lib/cchc/data/figures/*.yaml` by `python -m cchc.docs_figures`; do not edit by
hand (a test checks it is up to date). Every figure of a run is in `outputs/<unit>/<period>/figures.json`
under its id. Counts are integers; rates (unit `%`) are fractions with numerator and denominator.
"""

GROUP_KEYS = ("A group is one name, normalised (NFC, traditional tone placement, spaces collapsed) and "
              "compared without case (`cchc.figures.groups.group_key`): names that differ otherwise are "
              "two groups, two rows of form 06a. `<slug>` is the name in ASCII, lower case, hyphenated "
              "(`ho-tich`); names that share a slug (they differ only by diacritics or punctuation) and "
              "names without letters or digits take `<slug>-<8 hex digits>` instead, the start of the "
              "SHA-256 of the name normalised in lower case, and the checks `lookalike.*` ask the person "
              "to confirm such names.")


def render() -> str:
    out = [HEADER]
    for section in sorted(SECTIONS):  # the files of data/figures/, as validated
        spec = figure_definitions(section)
        out += [f"## `{spec.section}`", "", "| id | nhãn | đơn vị | định nghĩa |", "|---|---|---|---|"]
        for suffix, meta in spec.figures.items():
            out.append(f"| `{spec.section}.{suffix}` | {meta.label} | {meta.unit} | {meta.definition} |")
        out.append("")
        for name, rule in spec.breakdowns.items():
            out.append(f"Also by `{rule.column}`: `{spec.section}.{name}.<slug>.<figure>` for every figure above "
                       f"computed from dossiers — {rule.definition.format(definition='…', name='<tên>')}")
            out.append("")
        if spec.breakdowns:
            out += [GROUP_KEYS, ""]
        if spec.by_month is not None:
            ids = ", ".join(f"`{f}`" for f in spec.by_month.figures)
            out.append(f"Also per calendar month: `{spec.section}.by_month.<yyyy-mm>.<figure>` for {ids}.")
            out.append("")
    out += _manual_rows()
    return "\n".join(out).rstrip() + "\n"


def _manual_rows() -> list[str]:
    """The manual-figures workbook's rows (data/manual/topics.yaml): each entered row is a figure."""
    out = ["## `manual` — rows of the manual-figures workbook", "",
           "Each row entered in `so-lieu-nhap-tay.xlsx` (`cchc template`) is a figure `manual.<id>`; "
           "its definition names the source the user wrote beside the number.", "",
           "| id | nhãn | đơn vị | định nghĩa |", "|---|---|---|---|"]
    for row in topics.rows().values():
        out.append(f"| `manual.{row.id}` | {row.label} | {row.unit} | Số liệu nhập tay ({row.kind}). |")
    for rate_id, rate in topics.rates().items():
        out.append(f"| `manual.{rate_id}` | {rate['label']} | % | {rate['definition']} |")
    return out + [""]


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0] if argv else "docs/figures.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
