"""Reconciliation checks: data-driven (data/checks.yaml), each with an id, description,
expected, actual, status (đạt / cảnh báo / lỗi) and the figures or files involved.

Each check of data/checks.yaml names its kind; cchc.checks.kinds.KINDS maps every kind to
the function that runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cchc.checks.base import ERROR, PASS, WARNING, Check, Context, status_label
from cchc.config.checks import load_checks
from cchc.core import jsontext

__all__ = ["PASS", "WARNING", "ERROR", "Check", "Context", "status_label", "run_checks", "summary", "dumps",
           "load"]


def run_checks(context: Context) -> list[Check]:
    # the kinds (pandas) load here, where checks run: not in the kernel or the export worker, which
    # only read checks written by a run (load, dumps, summary)
    from cchc.checks.kinds import KINDS  # noqa: PLC0415

    out: list[Check] = []
    for spec in load_checks().checks:
        out += KINDS[spec.kind](spec, context)
    return out


def summary(checks: list[Check]) -> dict[str, int]:
    return {status_label(code): sum(c.status == code for c in checks) for code in (PASS, WARNING, ERROR)}


def dumps(checks: list[Check]) -> str:
    data = {"summary": summary(checks), "checks": [c.to_json() for c in checks]}
    return jsontext.dumps(data)


def load(path: Path) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["checks"]
