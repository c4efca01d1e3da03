"""Reconciliation checks: data-driven (data/checks.yaml), each with an id, description,
expected, actual, status (đạt / cảnh báo / lỗi) and the figures or files involved."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cchc.core.resources import load_yaml

PASS, WARNING, ERROR = "pass", "warning", "error"


@dataclass
class Check:
    id: str
    description: str
    expected: Any
    actual: Any
    status: str                         # pass | warning | error (shown in Vietnamese)
    figures: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    details: list[Any] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = status_label(self.status)
        data["status_code"] = self.status
        return data


def status_label(code: str) -> str:
    return load_yaml("checks.yaml")["status"][code]


@dataclass
class Context:
    root: Path
    params: Any
    figures: Any                     # FigureSet
    report: dict[str, Any]           # the ingest report
    tables: dict[str, Any]           # processed tables (kind -> DataFrame)


def run_checks(context: Context) -> list[Check]:
    from cchc.checks import kinds

    out: list[Check] = []
    for spec in load_yaml("checks.yaml")["checks"]:
        out += getattr(kinds, spec["kind"])(spec, context)
    return out


def summary(checks: list[Check]) -> dict[str, int]:
    return {status_label(code): sum(c.status == code for c in checks) for code in (PASS, WARNING, ERROR)}


def dumps(checks: list[Check]) -> str:
    data = {"summary": summary(checks), "checks": [c.to_json() for c in checks]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def load(path: Path) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["checks"]
