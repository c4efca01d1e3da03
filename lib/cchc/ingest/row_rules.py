"""Row rules special to one export kind, applied after the cells are parsed.

Each rule appends ``(row index, column, raw value, reason key)`` to ``problems`` (the row is
quarantined) or to ``warnings`` (the row is kept, possibly corrected).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cchc.core import fmt

Issue = tuple[int, str, Any, str]
ENDED = ("resolved", "withdrawn")
OPEN = ("processing", "paused")


def _dossiers(records: dict[str, list[Any]], problems: list[Issue], warnings: list[Issue]) -> None:
    status, received, resolved = records["status"], records["received_at"], records["resolved_at"]
    # A dossier refused at the door has no received date (the national record's TrangThaiHoSo 3
    # without NgayTiepNhan): set aside as never received, not a fault of the file.
    for position, (index, column, raw, reason) in enumerate(problems):
        if column == "received_at" and reason == "missing_value" and status[index] == "rejected":
            problems[position] = (index, column, raw, "rejected_not_received")
    already_bad = {index for index, *_ in problems}
    for index, state in enumerate(status):
        if index in already_bad:
            continue
        end = resolved[index]
        if state in ENDED and end is None:
            problems.append((index, "resolved_at", None, "ended_without_date"))
        elif state in OPEN and end is not None:
            warnings.append((index, "resolved_at", fmt.date(end), "open_with_end_date"))
            resolved[index] = None
        elif end is not None and received[index] is not None and end < received[index]:
            problems.append((index, "resolved_at", fmt.date(end), "end_before_received"))


RULES: dict[str, Callable[[dict[str, list[Any]], list[Issue], list[Issue]], None]] = {
    "dossiers": _dossiers,
}


def apply_row_rules(name: str, records: dict[str, list[Any]], problems: list[Issue],
                    warnings: list[Issue]) -> None:
    RULES[name](records, problems, warnings)
