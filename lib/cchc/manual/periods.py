"""The period before a period, in the same granularity (for pre-filling stable figures)."""

from __future__ import annotations

from cchc.core.period import Period


def previous_period(period: str) -> str:
    """'2025' -> '2024'; '2025-H2' -> '2025-H1'; '2025-H1' -> '2024-H2'; '2025-Q1' -> '2024-Q4';
    '2025-01' -> '2024-12' (cchc.core.period.Period.previous). A malformed period raises
    CchcError('bad_period')."""
    return str(Period.parse(period).previous)
