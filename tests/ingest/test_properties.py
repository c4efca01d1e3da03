"""Property tests of the cell parsers (Hypothesis): every accepted date form round-trips, numbers
in Vietnamese style round-trip, text normalisation is idempotent and NFC, the csv separator is
found with or without a BOM, and masking leaves no personal value behind."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core.text import normalize
from cchc.ingest import cells as V
from cchc.ingest.privacy import looks_personal, mask
from cchc.ingest.readers import read_table

from conftest import write_csv

DATES = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31))
TIMES = st.times().map(lambda t: t.replace(microsecond=0))


def _forms(day: dt.date, time: dt.time) -> list:
    d, m, y = day.day, day.month, day.year
    hm, hms = f"{time.hour:02d}:{time.minute:02d}", f"{time.hour:02d}:{time.minute:02d}:{time.second:02d}"
    return [dt.datetime.combine(day, time), day, f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}/{m:02d}/{y} {hm}",
            f"{d:02d}/{m:02d}/{y} {hms}", f"{d:02d}-{m:02d}-{y}", f"{y}-{m:02d}-{d:02d}", f"{y}-{m:02d}-{d:02d} {hm}",
            f"{y}-{m:02d}-{d:02d} {hms}", f"{y}-{m:02d}-{d:02d}T{hms}", f" {d:02d}/{m:02d}/{y} "]


@given(DATES, TIMES)
def test_every_accepted_date_form_round_trips(day, time):
    cells = _forms(day, time)
    parsed, problems = V.parse_dates(cells)
    assert problems == [] and parsed == [day] * len(cells)


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)), TIMES)
def test_excel_serials_round_trip(day, time):
    serial = (day - V.EXCEL_EPOCH).days + (time.hour * 3600 + time.minute * 60) / 86400
    assert V.parse_dates([serial]) == ([day], [])


@given(DATES)
def test_date_bounds_are_inclusive(day):
    parsed, problems = V.parse_dates([day.strftime("%d/%m/%Y")], low=day, high=day)
    assert parsed == [day] and problems == []
    _, problems = V.parse_dates([day.strftime("%d/%m/%Y")], low=day + dt.timedelta(days=1))
    assert [reason for *_, reason in problems] == ["too_early"]


def vietnamese(number: Decimal, decimals: int, space: str, percent: bool) -> str:
    """7026 -> '7.026'; 1234567.5 -> '1.234.567,5' (thousands '.', decimals ',')."""
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + ".".join([whole, *groups]) + ("," + fraction if fraction else "")
    return space + text + ("%" if percent else "") + space


@given(st.decimals(min_value=-10 ** 12, max_value=10 ** 12, places=0) | st.decimals(
           min_value=-10 ** 9, max_value=10 ** 9, places=2),
       st.sampled_from(["", " ", "\u00a0"]), st.booleans())
def test_vietnamese_numbers_round_trip(number, space, percent):
    decimals = 0 if number == number.to_integral_value() else 2
    text = vietnamese(number, decimals, space, percent)
    parsed, problems = V.parse_numbers([text])
    assert problems == [], text
    assert abs(Decimal(str(parsed[0])) - number) <= Decimal("0.0001") * max(1, abs(number)), (text, parsed)


@given(st.integers(min_value=-10 ** 15, max_value=10 ** 15) | st.floats(allow_nan=False, allow_infinity=False))
def test_excel_numbers_are_themselves(number):
    assert V.parse_numbers([number]) == ([number], [])


VIETNAMESE = st.text(alphabet=st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐEÊOÔƠUƯY0123456789 .,-/()\u00a0\t")
    + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    + list("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")), max_size=40)


@given(VIETNAMESE)
def test_normalisation_is_idempotent_and_nfc(text):
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip() and "  " not in once


@given(VIETNAMESE)
def test_text_values_are_idempotent(text):
    value = V.text_value(text)
    if value is not None:
        assert V.text_value(value) == value


@given(VIETNAMESE)
def test_masking_is_idempotent_and_leaves_nothing_personal(text):
    masked = mask(text)
    assert mask(masked) == masked
    assert not looks_personal(masked)


@given(st.from_regex(r"\A(?:0[35789][0-9]{8}|0[0-9]{11}|[a-z]{3,8}\.[a-z]{2,5}@[a-z]{3,8}\.(?:vn|com))\Z"),
       st.sampled_from(["", "SĐT: ", "Liên hệ "]))
def test_personal_values_are_masked_keeping_four_and_four(secret, prefix):
    masked = mask(prefix + secret)
    assert secret not in masked and "•" in masked
    if len(secret) == 12 and secret.isdigit():
        assert masked == prefix + secret[:4] + "••••" + secret[-4:]


CELL = st.text(alphabet=st.sampled_from(list("abcxyzĐđàếữ0123456789 ./-")), min_size=1, max_size=12).map(
    str.strip).filter(bool)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=2, max_size=6), min_size=1, max_size=8), st.sampled_from([",", ";"]),
       st.booleans())
def test_csv_separator_is_detected_with_and_without_bom(tmp_path, rows, delimiter, bom):
    width = len(rows[0])
    rows = [row[:width] + [""] * (width - len(row)) for row in rows]
    path = write_csv(tmp_path / f"t-{delimiter == ';'}-{bom}.csv", rows, delimiter=delimiter, bom=bom)
    assert read_table(path, path.name).rows == rows
