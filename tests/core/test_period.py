"""cchc.core.period.Period: the one reading of a period's text, its days, the periods before
it and its words."""

import datetime as dt

import pytest

from cchc.core.errors import CchcError
from cchc.core.period import Period


@pytest.mark.parametrize("text", ["2025", "2025-H1", "2025-H2", "2025-Q1", "2025-Q4", "2025-01", "2025-12"])
def test_the_text_read_gives_the_same_text_back(text):
    assert str(Period.parse(text)) == text


def test_an_int_is_read_as_its_text():
    assert Period.parse(2025) == Period.parse("2025") == Period(2025, "year", 1)


@pytest.mark.parametrize("text", ["2025-H3", "25", "2025-Q5", "năm 2025", "2025-13", "2025-00", "2025-7",
                                  "2025-S1", " 2025", "2025\n", "2025-h1", ""])
def test_a_malformed_period_is_the_bad_period_error(text):
    with pytest.raises(CchcError, match="Kỳ báo cáo") as raised:
        Period.parse(text)
    assert raised.value.name == "bad_period"


@pytest.mark.parametrize("text, first, last", [
    ("2024", "2024-01-01", "2024-12-31"), ("2024-H1", "2024-01-01", "2024-06-30"),
    ("2024-H2", "2024-07-01", "2024-12-31"), ("2024-Q1", "2024-01-01", "2024-03-31"),
    ("2024-Q4", "2024-10-01", "2024-12-31"), ("2024-02", "2024-02-01", "2024-02-29"),
    ("2025-02", "2025-02-01", "2025-02-28"), ("2025-12", "2025-12-01", "2025-12-31"),
])
def test_first_and_last_day(text, first, last):
    period = Period.parse(text)
    assert (period.first_day.isoformat(), period.last_day.isoformat()) == (first, last)


@pytest.mark.parametrize("kind, parts", [("year", 1), ("half", 2), ("quarter", 4), ("month", 12)])
def test_the_parts_of_a_year_cover_it_day_after_day(kind, parts):
    periods = [Period(2025, kind, n) for n in range(1, parts + 1)]
    assert periods[0].first_day == dt.date(2025, 1, 1) and periods[-1].last_day == dt.date(2025, 12, 31)
    for before, after in zip(periods, periods[1:]):
        assert after.first_day - before.last_day == dt.timedelta(days=1)
        assert after.previous == before


@pytest.mark.parametrize("text, previous, year_before", [
    ("2025", "2024", "2024"), ("2025-H1", "2024-H2", "2024-H1"), ("2025-H2", "2025-H1", "2024-H2"),
    ("2025-Q1", "2024-Q4", "2024-Q1"), ("2025-Q3", "2025-Q2", "2024-Q3"),
    ("2025-01", "2024-12", "2024-01"), ("2025-10", "2025-09", "2024-10"),
])
def test_previous_and_year_before(text, previous, year_before):
    period = Period.parse(text)
    assert (str(period.previous), str(period.year_before)) == (previous, year_before)


@pytest.mark.parametrize("text, phrase", [("2025", "năm 2025"), ("2025-H1", "6 tháng đầu năm 2025"),
                                          ("2025-H2", "6 tháng cuối năm 2025"), ("2025-Q4", "quý IV năm 2025"),
                                          ("2025-09", "tháng 9 năm 2025")])
def test_phrase(text, phrase):
    assert Period.parse(text).phrase == phrase
