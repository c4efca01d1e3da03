import datetime as dt

import pytest

from cchc.core.resources import load_yaml
from cchc.ingest import cells as V

D = dt.date(2025, 4, 3)


@pytest.mark.parametrize("cell", [
    dt.datetime(2025, 4, 3, 14, 5), dt.date(2025, 4, 3), 45750, 45750.6, "03/04/2025", "3/4/2025",
    "03/04/2025 08:30", "03/04/2025 08:30:59", "03-04-2025", "2025-04-03", "2025-04-03 08:30",
    "2025-04-03 08:30:15", "2025-04-03T08:30:15", " 03/04/2025 ",
])
def test_every_listed_date_form_is_day_first(cell):
    parsed, problems = V.parse_dates([cell])
    assert problems == []
    assert parsed == [D]


@pytest.mark.parametrize("cell", ["31/02/2025", "15.13.2025", "2025/04/03", "03/04/25", "hôm qua",
                                  "03/04/2025 25:00", "03/04/2025 8h30", True, -5])
def test_bad_dates_are_problems_not_guesses(cell):
    parsed, problems = V.parse_dates(["01/01/2025", cell])
    assert parsed == [dt.date(2025, 1, 1), None]
    assert problems == [(1, cell, "bad_date")]


def test_empty_dates_are_missing_not_bad():
    assert V.parse_dates([None, "", "  "]) == ([None, None, None], [])


@pytest.mark.parametrize("cell, expected", [
    (7026, 7026), (87.19, 87.19), ("7.026", 7026), ("304.784", 304784), ("87,19", 87.19),
    ("1.234.567,5", 1234567.5), ("97,76%", 97.76), ("1 234", 1234), ("1\u00a0234,5", 1234.5),
    ("12", 12), ("87.5", 87.5),
])
def test_vietnamese_numbers(cell, expected):
    parsed, problems = V.parse_numbers([cell])
    assert problems == [] and parsed == [expected]


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "7.02.6", True])
def test_bad_numbers(cell):
    assert V.parse_numbers([cell])[1] == [(0, cell, "bad_number")]


def test_yes_no_vocabulary_including_variants_and_empty():
    cells = ["Có", "có", "x", "✓", 1, 1.0, "1", True, "True", "Không", "0", 0, False, None, ""]
    parsed, problems = V.parse_categories(cells, load_yaml("vocab.yaml")["yes_no"])
    assert problems == []
    assert parsed == [True] * 9 + [False] * 6


def test_status_vocabulary_maps_every_listed_label():
    vocab = load_yaml("vocab.yaml")["dossier_status"]
    cells = ["Đã tiếp nhận", "Chờ phê duyệt", "Chờ thực hiện nghĩa vụ tài chính", "ĐÃ TRẢ KẾT QUẢ",
             "Hoàn thành", "Công dân rút hồ sơ", "Từ chối", "Không được tiếp nhận", "Tạm dừng"]
    parsed, problems = V.parse_categories(cells, vocab)
    assert problems == []
    assert parsed == ["processing", "processing", "paused", "resolved", "resolved", "withdrawn",
                      "rejected", "rejected", "paused"]


def test_channel_variants_and_unknown_label():
    vocab = load_yaml("vocab.yaml")["channel"]
    parsed, problems = V.parse_categories(
        ["Dịch vụ bưu chính", "BCCI", "Bưu chính công ích", "Qua bưu điện", "trực tuyến", "Fax"], vocab)
    assert parsed == ["postal"] * 4 + ["online", None]
    assert problems == [(5, "Fax", "bad_category")]


def test_payment_empty_means_free():
    parsed, _ = V.parse_categories([None, "Không thu phí", "Trực tuyến"], load_yaml("vocab.yaml")["payment"])
    assert parsed == ["free", "free", "online"]


def test_text_normalised_and_whole_numbers_without_decimal_point():
    assert V.parse_texts([1.001193, 1001.0, "Hoà  bình", None])[0] == ["1.001193", "1001", "Hòa bình", None]


@pytest.mark.parametrize("cells", [
    ["H1", "H2", "H1", "1.000656", "HS-2025/07"],                      # plain keys: kept as they are
    ["H1", "0912345678", "H1", "a@b.vn", "0912345678"],                # personal values among them
    ["H1", "#REF!", "Err:502", "#N/A", "H2"],                          # error values among them
    ["H1", "H 2", "Hồ1", "H\n3", "", "  ", None, 12, 12.0, "#x"],      # none of them plain
    ["H1", "Err:5021", "x#REF!", "\tH2"],
])
def test_keys_read_at_once_as_cell_by_cell(cells):
    """parse_ids (distinct cells, the plain ones tested joined) = _parse_ids_each (cell by cell)."""
    assert V.parse_ids(cells) == V._parse_ids_each(cells)


@pytest.mark.parametrize("with_bool", [False, True])  # a boolean among them: the cell-by-cell path
def test_dates_converted_once_a_day_as_cell_by_cell(with_bool):
    """parse_dates (serials by whole days, a day's text and time by the day) = every cell
    converted on its own, bounds and bad times included."""
    import random

    random.seed(5)
    low, high = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    cells = [45839.0, 45839.99, 45658.5, 45657.9, 46022.1, 0.5, 1.0, 2958465.9, 2958466.0, -3.5,
             float("nan"), float("inf"), 45839, *([True] if with_bool else []), "01/07/2025 08:30", "01/07/2025 23:59:59",
             "01/07/2025 24:00", "01/07/2025 10:60", "01/07/2025 10:30:60", "2025-07-01 9:05",
             "31/02/2025 08:00", "1-7-2025 08:00", "01/07/2025  08:00", "01/07/2025 08:00 ",
             "01/07/2025T08:00", "٠١/٠٧/٢٠٢٥ ٠٨:٠٠", "31/12/2024 08:00", "01/01/2026 00:00", "", None,
             dt.datetime(2025, 7, 1, 9), dt.date(2026, 2, 1), "#REF!"]
    cells += [f"{random.randint(0, 32):02d}/{random.randint(0, 13):02d}/{random.choice((2024, 2025, 2026))} "
              f"{random.randint(0, 25)}:{random.randint(0, 61):02d}" for _ in range(300)]
    cells += [random.uniform(45000, 47000) for _ in range(300)]
    plain = V._bounded(V.parse_date, low, high, ("too_early", "too_late"))
    expected = V._map_each([c.date() if type(c) is dt.datetime else c for c in cells], plain, "bad_date")
    assert V.parse_dates(cells, low, high) == expected
    assert V.parse_dates(cells[::-1], low, high)[0] == expected[0][::-1]


def test_nine_digits_in_a_row_found_as_by_translating_the_text():
    """privacy._NINE_RUN (the cheap test for personal numbers) = nine 'd' in the text with its
    digits as 'd' and its grouping separators dropped."""
    import random

    from cchc.ingest import privacy

    random.seed(9)
    texts = ["0912.345.678", "0912 345 67", "ddd-ddd-ddd", "H31.57.12-250701-0001", "Số 12 đường 3", ""]
    texts += ["".join(random.choice("0d9 .-\u00a0xđ\n٣") for _ in range(random.randint(0, 25))) for _ in range(5000)]
    for text in texts:
        assert (privacy._NINE_RUN.search(text) is not None) == (privacy._NINE in text.translate(privacy._DIGIT_RUNS))
