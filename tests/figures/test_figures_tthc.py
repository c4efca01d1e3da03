"""Every row of the TTHC figures table on a hand-built table, answers worked out by hand.

Window S = 01/07/2025, E = 31/07/2025. Each dossier's fate is in the comment beside it.
"""

import datetime as dt

import pytest

from cchc.config.params import Window
from cchc.config.sources import load_spec
from cchc.figures import tthc
from cchc.figures.registry import FigureSet
from cchc.ingest.combine import to_frame

W = Window(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
FIELDS = ["dossier_id", "channel", "received_at", "due_at", "resolved_at", "status", "field", "agency",
          "digitized", "reused", "result_digitized", "payment", "interlink_group", "rating"]
LAND = "Chi nhánh Văn phòng đăng ký đất đai"


def day(text):
    return None if text is None else dt.datetime.strptime(text + "/2025", "%d/%m/%Y").date()


# id, channel, received, due, end, status, field, agency, digitized, reused, result_dig, payment, group, rating
ROWS = [
    ("A", "direct", "20/06", "05/07", "03/07", "resolved", "Chứng thực", "UBND xã", False, False, True, "free", None, None),   # carried, resolved early
    ("B", "direct", "10/06", "20/06", "25/06", "resolved", "Chứng thực", "UBND xã", True, True, True, "free", None, None),     # ended before S: nowhere
    ("C", "online", "15/06", "10/07", None, "processing", "Chứng thực", "UBND xã", True, False, False, "online", None, None),  # carried, pending overdue
    ("D", "online", "02/07", "31/07", "31/07", "resolved", "Hộ tịch", "UBND xã", True, True, True, "online", "KS", "very_satisfied"),  # resolved on the cut-off day, on time
    ("E", "direct", "05/07", "10/07", "12/07", "resolved", "Hộ tịch", "UBND xã", True, True, False, "direct", None, "satisfied"),       # late
    ("F", "postal", "06/07", None, "20/07", "resolved", "Hộ tịch", "UBND xã", True, False, False, "free", None, "unsatisfied"),       # no due date: on time
    ("G", "online", "10/07", "15/08", None, "processing", "Chứng thực", "UBND xã", True, False, False, "online", None, None),      # pending, not yet due
    ("H", "online", "11/07", "31/07", None, "processing", "Chứng thực", "UBND xã", True, False, False, "free", None, None),        # pending, due on E: not due
    ("I", "direct", "12/07", None, None, "paused", "Chứng thực", "UBND xã", True, False, False, "online", None, None),             # pending, no due date: not due
    ("J", "online", "15/07", "30/07", "16/07", "withdrawn", "Chứng thực", "UBND xã", True, False, False, "free", "KS", None),      # withdrawn: resolved early
    ("K", "direct", "16/07", "20/07", None, "rejected", "Chứng thực", "UBND xã", True, True, True, "online", "KS", "satisfied"),   # rejected: nowhere
    ("L", "online", "02/08", "10/08", None, "processing", "Chứng thực", "UBND xã", True, True, True, "online", None, None),        # after E: nowhere
    ("M", "online", "20/07", "25/07", "03/08", "resolved", "Đất đai", LAND, False, False, True, "direct", "KT", None),            # ended after E: pending overdue
    ("N", "direct", "28/06", "30/06", None, "rejected", "Chứng thực", "UBND xã", True, True, True, "free", None, None),           # rejected before S: not carried
]


def frame(rows=ROWS):
    spec = load_spec("dossiers")
    records = {name: [None] * len(rows) for name in spec.columns}
    for position, name in enumerate(FIELDS):
        records[name] = [row[position] for row in rows]
    for name in ("received_at", "due_at", "resolved_at"):
        records[name] = [day(v) for v in records[name]]
    records["procedure_code"] = ["1.001"] * len(rows)
    records["source_file"] = (["data/raw/u/p/a.xlsx"] * 7 + ["data/raw/u/p/b.xlsx"] * len(rows))[:len(rows)]
    records["source_row"] = list(range(2, len(rows) + 2))
    return to_frame(records, spec)


def catalogue():
    spec = load_spec("catalogue")
    records = {name: [None] * 4 for name in spec.columns}
    records.update(procedure_code=["1", "2", "3", "4"], published=[True, True, False, None],
                   e_process=[True, False, False, True], online_level=["full", "partial", "none", None],
                   source_file=["data/raw/u/p/dm.xlsx"] * 4, source_row=[2, 3, 4, 5])
    return to_frame(records, spec)


@pytest.fixture(scope="module")
def figures():
    result = FigureSet()
    result.extend(tthc.compute(frame(), catalogue(), W, {"data/raw/u/p/a.xlsx": "aa", "data/raw/u/p/b.xlsx": "bb"}))
    return result


COUNTS = {
    "carried_over": 2,            # A, C
    "received.online": 5,         # D, G, H, J, M
    "received.direct": 2,         # E, I
    "received.postal": 1,         # F
    "received.offline": 3,        # E, I, F
    "received.total": 8,
    "to_handle": 10,
    "resolved.total": 5,          # A, D, E, F, J
    "resolved.early": 2,          # A, J
    "resolved.on_time": 2,        # D (end = due), F (no due date)
    "resolved.late": 1,           # E
    "pending.total": 5,           # C, G, H, I, M
    "pending.not_due": 3,         # G, H (due = E), I (no due date)
    "pending.overdue": 2,         # C, M
    "interlinked.received": 3,    # D, J, M
    "interlinked.resolved": 2,    # D, J
    "satisfaction.rated": 3,      # D, E, F
    "catalogue.total": 4,
    "catalogue.published": 2,
    "catalogue.e_process": 2,
    "catalogue.online_full": 1,
    "catalogue.online_partial": 1,
}
RATES = {
    "rate.online": (5, 8),
    "rate.direct": (2, 8),
    "rate.early": (2, 5),
    "rate.on_time": (4, 5),
    "rate.digitized": (7, 8),          # all received but M
    "rate.reused": (2, 8),             # D, E
    "rate.result_digitized": (2, 5),   # A, D
    "rate.online_payment": (3, 5),     # paying: D, E, G, I, M; online: D, G, I
    "rate.satisfaction": (2, 3),
    "catalogue.rate.published": (2, 4),
    "catalogue.rate.e_process": (2, 4),
}


@pytest.mark.parametrize("name, expected", COUNTS.items())
def test_counts(figures, name, expected):
    figure = figures["tthc." + name]
    assert figure.value == expected and isinstance(figure.value, int)


@pytest.mark.parametrize("name, fraction", RATES.items())
def test_rates(figures, name, fraction):
    figure = figures["tthc." + name]
    assert (figure.numerator, figure.denominator) == fraction
    assert figure.value == pytest.approx(fraction[0] / fraction[1])


def test_identities(figures):
    f = lambda name: figures["tthc." + name].value  # noqa: E731
    assert f("to_handle") == f("resolved.total") + f("pending.total")
    assert f("resolved.total") == f("resolved.early") + f("resolved.on_time") + f("resolved.late")
    assert f("pending.total") == f("pending.not_due") + f("pending.overdue")
    assert f("received.total") == f("received.online") + f("received.direct") + f("received.postal")


def test_zero_denominator_gives_null():
    empty = FigureSet()
    empty.extend(tthc.compute(frame([ROWS[1]]), catalogue(), W, {}))
    assert empty["tthc.rate.online"].value is None
    assert (empty["tthc.rate.online"].numerator, empty["tthc.rate.online"].denominator) == (0, 0)
    assert empty["tthc.received.total"].value == 0


def test_breakdowns_by_field_and_agency(figures):
    assert figures["tthc.by_field.ho-tich.received.total"].value == 3
    assert figures["tthc.by_field.ho-tich.resolved.on_time"].value == 2
    assert figures["tthc.by_field.ho-tich.resolved.late"].value == 1
    assert figures["tthc.by_field.chung-thuc.carried_over"].value == 2
    land = "tthc.by_agency.chi-nhanh-van-phong-dang-ky-dat-dai."
    assert figures[land + "received.total"].value == 1
    assert figures[land + "pending.overdue"].value == 1
    assert figures[land + "received.total"].extra == {"breakdown": "by_agency", "group": LAND}
    for name in ("received.total", "resolved.total", "pending.total", "to_handle"):
        parts = [f.value for f in figures if f.id.startswith("tthc.by_field.") and f.id.endswith("." + name)]
        assert sum(parts) == figures["tthc." + name].value


def test_sources_count_the_rows_per_file(figures):
    sources = figures["tthc.received.total"].sources
    assert sources == [{"file": "data/raw/u/p/a.xlsx", "sha256": "aa", "rows": 4},   # D, E, F, G
                       {"file": "data/raw/u/p/b.xlsx", "sha256": "bb", "rows": 4}]  # H, I, J, M
    assert sum(s["rows"] for s in figures["tthc.rate.online"].sources) == 8  # the denominator's rows


def test_targets_attach_assessment(figures):
    figures.apply_targets({"tthc.rate.digitized": 0.875, "tthc.rate.reused": 0.5, "tthc.rate.on_time": 0.7})
    assert figures["tthc.rate.digitized"].extra == {"target": 0.875, "met": True, "assessment": "met"}
    assert figures["tthc.rate.reused"].extra["assessment"] == "not_met"
    assert figures["tthc.rate.on_time"].extra["assessment"] == "exceeded"


def test_unknown_target_is_an_error(figures):
    from cchc.core.errors import CchcError

    with pytest.raises(CchcError, match="tthc.rate.digitised"):
        figures.apply_targets({"tthc.rate.digitised": 1.0})


def test_received_by_month(figures):
    july = {f.id.rsplit(".", 1)[1]: f.value for f in figures if f.id.startswith("tthc.by_month.2025-07.received.")}
    assert july == {"online": 5, "direct": 2, "postal": 1, "total": 8}
    assert not any(f.id.startswith("tthc.by_month.2025-08") for f in figures)  # L is after the cut-off
    assert figures["tthc.by_month.2025-07.received.total"].label.endswith("tháng 07/2025")


def test_each_figure_counts_per_file_the_rows_its_rule_selects(figures):
    """Breakdowns (field, agency, month) are tallied in one pass; each figure's value and sources
    must still be its own rows (rows_of: the masks on the rows of its group) counted per file."""
    tables = {"dossiers": frame(), "catalogue": catalogue()}
    params = type("Params", (), {"window": W})()
    hashes = {"data/raw/u/p/a.xlsx": "aa", "data/raw/u/p/b.xlsx": "bb"}
    breakdowns = 0
    sampled = (".received.total", ".received.online", ".resolved.late", ".pending.overdue", ".rate.online")
    for figure in figures:
        if "breakdown" in figure.extra and not figure.id.endswith(sampled):
            continue   # every group and month, a few masks each: the tally's indexing, within a second
        selection = tthc.rows_of(figure.id.removeprefix("tthc."), figure, tables, params)
        rows = selection.denominator if figure.is_rate else selection.counted
        table = tables[selection.kind]
        per_file = table["source_file"].loc[rows.index[rows]].value_counts().sort_index()
        assert figure.sources == [{"file": file, "sha256": hashes.get(file, ""), "rows": int(n)}
                                  for file, n in per_file.items()], figure.id
        counted = selection.numerator if figure.is_rate else selection.counted
        assert (figure.numerator if figure.is_rate else figure.value) == int(counted.sum()), figure.id
        breakdowns += "breakdown" in figure.extra
    assert breakdowns > 20


def test_figures_json_text_is_the_standard_indented_json(figures):
    import json

    params = type("Params", (), {"unit": "u", "period": "2025", "window": W})()
    figures.lists = {"citations.x": [{"date": dt.date(2025, 7, 2), "number": "1/KH", "title": None, "tags": []}]}
    assert figures.dumps(params) == json.dumps(figures.to_json(params), ensure_ascii=False, sort_keys=True,
                                               indent=2, default=str) + "\n"


def test_a_dossier_without_status_or_channel_counts_nowhere():
    """A missing cell equals no value: no status is not 'valid' (not rejected), no channel is no
    channel, no rating is not rated (the masks are built with numpy from the columns' values)."""
    rows = ROWS + [
        ("O", None, "05/07", "10/07", None, "processing", "Hộ tịch", "UBND xã", None, None, None, None, None, None),
        ("P", "online", "05/07", "10/07", "08/07", None, "Hộ tịch", "UBND xã", True, True, True, "online", "KS",
         "satisfied"),
        ("Q", "online", "06/07", "15/08", None, "processing", "Hộ tịch", "UBND xã", None, None, None, None, None, None),
    ]
    masks = tthc.dossier_masks(frame(rows), W)
    assert not masks.iloc[len(ROWS)].any() and not masks.iloc[len(ROWS) + 1].any()
    q = masks.iloc[len(ROWS) + 2]
    assert sorted(q.index[q]) == ["pending.not_due", "pending.total", "received.online", "received.total", "to_handle"]
    base = tthc.dossier_masks(frame(), W)
    assert masks.iloc[:len(ROWS)].equals(base)
    assert masks["received.total"].sum() == COUNTS["received.total"] + 1
