"""The report's stylesheet: the page, the official layout, the forms. It lives with the
nbconvert template (data/nbconvert/cchc/style.css), which includes it when a notebook is
converted by the standard command."""

from __future__ import annotations

from cchc.core.resources import DATA_DIR


def stylesheet() -> str:
    return (DATA_DIR / "nbconvert" / "cchc" / "style.css").read_text(encoding="utf-8")
