"""reconciliation.html: every check, readable by a person (one self-contained page)."""

from __future__ import annotations

import jinja2

from cchc.checks import Check, summary
from cchc.core.resources import DATA_DIR


def render(checks: list[Check], params) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "report"), autoescape=True)
    order = {"error": 0, "warning": 1, "pass": 2}
    rows = sorted((c.to_json() for c in checks), key=lambda c: (order[c["status_code"]], c["id"]))
    return env.get_template("reconciliation.html.j2").render(
        unit_name=params.unit_name, period=params.period, summary=summary(checks), checks=rows)
