"""reconciliation.html: every check, readable by a person (one self-contained page). The table
of checks is a macro (data/report/checks.html.j2) that the companion document kiem-tra.html
(cchc.render.audit) shows too."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from cchc.checks import Check, summary
from cchc.core.resources import DATA_DIR

ORDER = {"error": 0, "warning": 1, "pass": 2}


def breakable(text: str) -> str:
    """An id or path that may wrap after its dots, dashes and slashes (a zero-width space)."""
    return str(text).replace(".", ".\u200b").replace("/", "/\u200b").replace("_", "_\u200b")


@functools.lru_cache(maxsize=None)
def environment(wrap_ids: bool = False) -> jinja2.Environment:
    """``wrap_ids``: ids may wrap after their dots (for the PDF, whose narrow columns do not
    break them); off for a page read on screen, where an id is copied into a command. One
    environment a process for each variant: its templates are compiled once (package data, the
    same for every commune; nothing of a commune is kept in it)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(DATA_DIR / "report"), autoescape=True)
    env.filters["breakable"] = breakable if wrap_ids else str
    env.filters["basename"] = lambda path: str(path).rsplit("/", 1)[-1]
    return env


def rows(checks: list[Check]) -> list[dict[str, Any]]:
    """The checks as shown: errors, then warnings, then passed checks, each by id."""
    return sorted((c.to_json() for c in checks), key=lambda c: (ORDER[c["status_code"]], c["id"]))


def render(checks: list[Check], params) -> str:
    return environment().get_template("reconciliation.html.j2").render(
        unit_name=params.unit_name, period=params.period, summary=summary(checks), checks=rows(checks))
