"""Working-day arithmetic and the fixed dates of the demo period."""

from __future__ import annotations

import datetime as dt

UNIT = "nguyen-luong-bang"
PERIOD = "2025"
START = dt.date(2025, 7, 1)        # window start S (inclusive)
CUTOFF = dt.date(2025, 12, 9)      # window end E (inclusive)
JUNE_FIRST = dt.date(2025, 6, 2)   # earliest receipt of a pre-window dossier
LAST_EXPORT = dt.date(2025, 12, 12)  # export date of the last files

# National Day holiday 2025 (offices closed).
HOLIDAYS = (dt.date(2025, 9, 1), dt.date(2025, 9, 2))


def is_workday(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (n >= 1)."""
    current = day
    while n > 0:
        current += dt.timedelta(days=1)
        if is_workday(current):
            n -= 1
    return current


def days_between(lo: dt.date, hi: dt.date) -> list[dt.date]:
    """All calendar days lo..hi inclusive."""
    return [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]


def workdays_between(lo: dt.date, hi: dt.date) -> list[dt.date]:
    return [d for d in days_between(lo, hi) if is_workday(d)]


def at(day: dt.date, minutes: int) -> dt.datetime:
    """``day`` at ``minutes`` after midnight."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
