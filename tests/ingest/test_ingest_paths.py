"""The ingest's fast paths give what the plain ones give: a column mapped through its distinct
values, keys tested for personal values all at once, a source's tables converted together,
tables read back from the parse cache (all of them, or some beside fresh ones)."""

import math
import shutil

import pandas as pd
import pytest

from cchc.config.params import load_params
from cchc.ingest import cells as V
from cchc.ingest.cells import Fault
from cchc.ingest.privacy import looks_personal, personal_among
from cchc.ingest.run import ingest

from conftest import make_root

NAN = math.nan
MIXED = ["HS001", "HS001", "  hs 002 ", 7, 7.0, 7.5, None, "", "#REF!", Fault("=SUM(A1)", "uncached_formula"),
         "0912345678", "0912.345.678", "an@example.com", "Hồ  sơ\u00a0số 3", "a\nb 0912345678", NAN, NAN]


def test_ids_of_a_column_at_once_as_cell_by_cell():
    assert V.parse_ids(MIXED) == V._parse_ids_each(MIXED)
    values, problems = V.parse_ids(MIXED)
    reasons = {index: reason for index, _, reason in problems}
    assert reasons[8] == "excel_error" and reasons[9] == "uncached_formula"
    assert {reasons[10], reasons[11], reasons[12], reasons[14]} == {"personal_value"}
    assert values[:2] == ["HS001", "HS001"] and values[3] == values[4] == "7"


def test_personal_among_is_looks_personal_of_each():
    texts = [t for t in MIXED if isinstance(t, str) and t]
    assert personal_among(texts) == {t for t in texts if looks_personal(t)}
    assert personal_among([t for t in texts if "\n" not in t]) == {t for t in texts if looks_personal(t)
                                                                   and "\n" not in t}
    assert personal_among([]) == set()


@pytest.mark.parametrize("parse", [
    lambda cells: V.parse_numbers(cells, 0, 100),
    lambda cells: V.parse_dates(cells),
    V.parse_texts,
])
def test_a_column_through_its_distinct_values_as_cell_by_cell(parse, monkeypatch):
    cells = [*MIXED, "12/07/2025", "31/02/2025", 45850, 45850.0, "1.234", 150, "150"]
    fast = parse(cells)
    monkeypatch.setattr(V, "_map_distinct", V._map_each)
    assert fast == parse(cells)
    assert fast[1], "the column has problems"


def test_booleans_are_kept_apart_from_equal_numbers():
    values, problems = V.parse_numbers([1, True, 1.0, False, 0])
    assert values == [1, None, 1.0, None, 0]
    assert [index for index, _, _ in problems] == [1, 3]


def _tables(folder):
    return {path.name: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def test_tables_from_the_parse_cache_are_the_fresh_ones(tmp_path):
    root = make_root(tmp_path)
    params = load_params(root, "xa-thu", "2025-07")
    fresh = ingest(root, params, force=True)
    expected, report = _tables(fresh.processed_dir), fresh.report
    cache = root / "data/processed/.cache"
    entries = sorted(cache.glob("*.json"))
    assert len(entries) >= 3
    for some in (entries[::2], []):  # some files parsed again beside cached ones, then none
        for entry in some:
            entry.unlink()
        again = ingest(root, params, force=True)
        tables = _tables(again.processed_dir)
        assert tables.keys() == expected.keys()
        for name, frame in expected.items():  # dates come back from Parquet in ms, as they always did
            pd.testing.assert_frame_equal(tables[name], frame, check_dtype=False)
        assert again.report == report
    shutil.rmtree(cache)
    assert ingest(root, params, force=True).report == report


def test_cached_tables_are_as_parquet_gives_them_back(tmp_path):
    """The cache's Arrow files give back the frames its Parquet files gave (dates in ms), so that
    a run from the cache writes the processed files it always wrote."""
    from cchc.ingest import cache as parse_cache

    root = make_root(tmp_path)
    ingest(root, load_params(root, "xa-thu", "2025-07"), force=True)
    folder = root / "data/processed/.cache"
    checked = 0
    for entry in sorted(folder.glob("*.json")):
        parsed, _ = parse_cache.load(folder, entry.stem)
        for table in parsed:
            frame = pd.DataFrame(table.records)
            frame.to_parquet(tmp_path / "round.parquet", index=False)
            pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "round.parquet"), frame)
            checked += any(str(dtype).startswith("datetime64") for dtype in frame.dtypes)
    assert checked, "some cached table holds dates"
