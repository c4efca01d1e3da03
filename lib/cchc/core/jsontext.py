"""The JSON text of every file cchc writes (figures.json, reconciliation.json, manifest.json,
ingest-report.json, verify --json): UTF-8 as is, keys sorted, indented, a final newline, so that
the same content always gives the same bytes; dates and paths as text."""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"
