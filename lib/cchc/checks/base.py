"""What a check gives: its statuses, the Check record, and the Context the kinds read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cchc.config.checks import load_checks

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
    return load_checks().status.label(code)


@dataclass
class Context:
    root: Path
    params: Any
    figures: Any                     # FigureSet
    report: dict[str, Any]           # the ingest report
    tables: dict[str, Any]           # processed tables (kind -> DataFrame)
    # what several checks of a run derive from the same figures, derived once (cchc.checks.kinds)
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
