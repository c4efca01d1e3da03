"""What a group of a breakdown is (cchc.figures.tthc), without pandas: the report's kernel
matches the parameters' agencies to the groups of published figures by it."""

from __future__ import annotations

from cchc.core.text import match_key


def group_key(name: object) -> str:
    """What a group of a breakdown (by field, by agency) is: its name normalised (NFC, traditional
    tone placement, spaces collapsed; the ingest already gives such text) and compared without
    case (core.text.match_key). Rows, the parameters ``agencies`` and ``vertical_agencies`` and the
    checks are matched to groups by it; two names with different keys are two groups."""
    return match_key(str(name))
