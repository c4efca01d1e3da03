"""docs/figures.md generated from the figure definitions (data/figures/*.yaml): the list of
every figure id with its label, unit and definition is written once, in the data."""

from __future__ import annotations

import sys
from pathlib import Path

from cchc.resources import DATA_DIR, load_yaml

HEADER = """# Figures (chỉ số)

Generated from `lib/cchc/data/figures/*.yaml` by `python -m cchc.docs_figures`; do not edit by
hand (a test checks it is up to date). Every figure of a run is in `outputs/<unit>/<period>/figures.json`
under its id. Counts are integers; rates (unit `%`) are fractions with numerator and denominator.
"""


def render() -> str:
    out = [HEADER]
    for path in sorted((DATA_DIR / "figures").glob("*.yaml")):
        spec = load_yaml(f"figures/{path.name}")
        section = spec.get("section", path.stem)
        out += [f"## `{section}`", "", "| id | nhãn | đơn vị | định nghĩa |", "|---|---|---|---|"]
        for suffix, meta in spec["figures"].items():
            out.append(f"| `{section}.{suffix}` | {meta['label']} | {meta['unit']} | {meta['definition']} |")
        out.append("")
        for name, rule in spec.get("breakdowns", {}).items():
            out.append(f"Also by `{rule['column']}`: `{section}.{name}.<slug>.<figure>` for every figure above "
                       f"computed from dossiers — {rule['definition'].format(definition='…', name='<tên>')}")
            out.append("")
        if "by_month" in spec:
            rule = spec["by_month"]
            ids = ", ".join(f"`{f}`" for f in rule["figures"])
            out.append(f"Also per calendar month: `{section}.by_month.<yyyy-mm>.<figure>` for {ids}.")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0] if argv else "docs/figures.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
