"""What a check gives: its statuses, the Check record, and the Context the kinds read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
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
        """``dataclasses.asdict`` of the check (a copy), with the status's label and code; plain
        values (text, numbers, lists, dicts: what the kinds give) are copied without asdict's
        deep copy of each value, anything else by asdict itself."""
        try:
            data = {name: _copied(getattr(self, name)) for name in _FIELDS}
        except _NotPlain:
            data = asdict(self)
        data["status"] = status_label(self.status)
        data["status_code"] = self.status
        return data


class _NotPlain(Exception):
    """A value of a check that ``Check.to_json`` leaves to ``dataclasses.asdict``."""


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _copied(value: Any) -> Any:
    """What ``asdict`` makes of a plain value: lists and dicts copied, atoms as they are."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        return [_copied(item) for item in value]
    if kind is dict:
        return {_copied(key): _copied(item) for key, item in value.items()}
    raise _NotPlain


_FIELDS = tuple(item.name for item in fields(Check))


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
