"""Each section module owns its figures' provenance: every figure id has a section module (by its
prefix) whose ``rows_of`` selects the raw rows the figure was computed from, unless the figure
is declared here as not row-based (none is today)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cchc import explain as ex
from cchc.config.params import load_params
from cchc.figures import (
    SECTIONS,
    citizens,
    compute_all,
    finance,
    load_tables,
    manual,
    outgoing,
    read_table,
    section_of,
    tthc,
)
from cchc.figures.provenance import ROWS, Selection, flag, from_masks, in_window
from cchc.figures.registry import Figure
from cchc.ingest.run import ingest

from conftest import REPO, make_root

# Figure ids whose value is not computed from rows of a processed table (explain has nothing
# to list for them). Add an id here only with the reason next to it.
NOT_ROW_BASED: set[str] = set()


def _computed(root, unit: str, period: str):
    params = load_params(root, unit, period)
    ingested = ingest(root, params)
    tables = load_tables(ingested.processed_dir, ingested.report)
    return params, compute_all(ingested.processed_dir, params, ingested.report, tables), tables


def _every_figure_has_its_rows(params, figures, tables) -> set[str]:
    kinds = set()
    for figure in figures:
        module = section_of(figure.id)
        assert module is not None, figure.id
        selection = module.rows_of(figure.id.partition(".")[2], figure, tables, params)
        if figure.id in NOT_ROW_BASED:
            assert selection is None, figure.id
            continue
        assert isinstance(selection, Selection), figure.id
        assert selection.kind in tables, figure.id
        explanation = ex.explain_figure(figure, tables, params)   # checks the rows give the figure back
        assert explanation.kind == selection.kind
        kinds.add(selection.kind)
    return kinds


def test_sections_in_order_each_with_its_prefix_and_rule():
    assert SECTIONS == (tthc, finance, citizens, outgoing, manual)
    assert [m.SECTION for m in SECTIONS] == ["tthc", "finance", "citizens", "documents", "manual"]
    for module in SECTIONS:
        assert callable(module.compute_section) and callable(module.rows_of), module.__name__
    assert section_of("documents.outgoing.total") is outgoing
    assert section_of("tthc.by_month.2025-03.received.online") is tthc
    assert section_of("outgoing.total") is None and section_of("nothing") is None


def test_a_figure_without_a_rule_is_unsupported(tmp_path):
    root = make_root(tmp_path)
    params, _figures, tables = _computed(root, "xa-thu", "2025-07")
    for figure_id in ("other.count", "tthc.no.such.figure", "documents.outgoing.total", "finance.revenue.nothing"):
        figure = Figure(id=figure_id, value=1, unit="", label="", definition="")
        with pytest.raises(ex.ExplainUnsupported):
            ex.explain_figure(figure, tables, params)


def test_every_figure_of_the_fixture_has_its_rows(tmp_path):
    root = make_root(tmp_path)
    assert _every_figure_has_its_rows(*_computed(root, "xa-thu", "2025-07")) == {"dossiers", "catalogue"}


def _same_as_pandas_reads_them(processed, report, tables) -> None:
    assert list(tables) == list(report["tables"])
    for kind, file in report["tables"].items():
        expected = pd.read_parquet(processed / file)
        pd.testing.assert_frame_equal(tables[kind], expected, check_exact=True)
        assert list(tables[kind].dtypes) == list(expected.dtypes) and tables[kind].attrs == expected.attrs, kind


def test_tables_are_read_as_pandas_reads_them(tmp_path):
    root = make_root(tmp_path)
    ingested = ingest(root, load_params(root, "xa-thu", "2025-07"))
    _same_as_pandas_reads_them(ingested.processed_dir, ingested.report,
                               load_tables(ingested.processed_dir, ingested.report))
    frame = pd.DataFrame({"a": pd.array(["x", None], dtype="string"), "b": [pd.Timestamp("2025-07-01"), pd.NaT]})
    frame.attrs = {"unit": "u"}
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    pd.testing.assert_frame_equal(read_table(tmp_path / "t.parquet"), pd.read_parquet(tmp_path / "t.parquet"),
                                  check_exact=True)
    assert read_table(tmp_path / "t.parquet").attrs == {"unit": "u"}


def test_mask_helpers():
    window = load_params(REPO, "nguyen-luong-bang", "2025").window
    dates = pd.Series([pd.Timestamp(window.start), pd.NaT, pd.Timestamp(window.cutoff) + pd.Timedelta(days=1),
                       pd.Timestamp(window.cutoff)])
    assert in_window(dates, window).tolist() == [True, False, False, True]
    assert flag(pd.Series([True, pd.NA, False], dtype="boolean")).tolist() == [True, False, False]
    masks = pd.DataFrame({"a": [True, False], "b": [True, True]})
    count = from_masks("t", masks, "a", ["a"], {"r": ("a", "b")})
    assert count.counted.tolist() == [True, False] and count.check == ROWS and count.numerator is None
    rate = from_masks("t", masks, "r", ["a"], {"r": ("a", "b")}, {"a": "x", "b": "x"})
    assert rate.numerator.tolist() == [True, False] and rate.denominator.tolist() == [True, True]
    assert rate.extra_columns == ["x"]
    assert from_masks("t", masks, "c", ["a"], {}) is None


@pytest.mark.slow
def test_every_figure_of_the_demo_has_its_rows(tmp_path):
    """Every figure of a demo run, breakdowns included: its section selects its rows, and the
    rows listed give the figure back."""
    from cchc import demo

    shutil.copytree(REPO / "params", tmp_path / "params")
    demo.generate(tmp_path)
    params, figures, tables = _computed(tmp_path, "nguyen-luong-bang", "2025")
    ingested = ingest(tmp_path, params)
    _same_as_pandas_reads_them(ingested.processed_dir, ingested.report, tables)
    assert len(figures) > 900  # breakdowns by field and by agency included
    assert _every_figure_has_its_rows(params, figures, tables) == {
        "dossiers", "catalogue", "petitions", "reception", "documents", "budget", "investment", "manual",
        "manual_tasks", "manual_initiatives"}
