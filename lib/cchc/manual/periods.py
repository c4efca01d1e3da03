"""The period before a period, in the same granularity (for pre-filling stable figures)."""

from __future__ import annotations

from cchc.config.params import default_window


def previous_period(period: str) -> str:
    """'2025' -> '2024'; '2025-H2' -> '2025-H1'; '2025-H1' -> '2024-H2'; '2025-Q1' -> '2024-Q4';
    '2025-01' -> '2024-12'. A malformed period raises CchcError('bad_period')."""
    default_window(period)  # validates
    year_text, _, part = period.partition("-")
    year = int(year_text)
    if not part:
        return str(year - 1)
    if part[0] == "H":
        return f"{year}-H1" if part == "H2" else f"{year - 1}-H2"
    if part[0] == "Q":
        quarter = int(part[1])
        return f"{year}-Q{quarter - 1}" if quarter > 1 else f"{year - 1}-Q4"
    month = int(part)
    return f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12"
