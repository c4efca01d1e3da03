"""The report's stylesheet (data/report/style.css): the page, the official layout, the forms."""

from __future__ import annotations

from cchc.core.resources import DATA_DIR


def stylesheet() -> str:
    return (DATA_DIR / "report" / "style.css").read_text(encoding="utf-8")
