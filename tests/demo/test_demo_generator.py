"""Tests of the demo raw-export generator (cchc.demo).

The figures are recomputed here from the planned population with plain loops that
follow docs figures.md literally; they must equal the numbers of the reference
report (bao-cao-cchc-2025-nguyen-luong-bang, sections 3.5-3.7).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

try:
    import cchc.demo  # noqa: F401
except ImportError:  # not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "lib"))

import yaml
from python_calamine import CalamineWorkbook

from cchc import demo
from cchc.demo import naming
from cchc.demo.communes import generate_communes, plan_communes

S = dt.date(2025, 7, 1)
E = dt.date(2025, 12, 9)
LAND_AGENCY_SLUG = "chi-nhanh-van-phong-dang-ky-dat-dai"

EXPECTED_FILES = [
    "danh-muc-tthc.xlsx",
    "ho-so-2025-06.xlsx",
    "ho-so-2025-07.xlsx",
    "ho-so-2025-08.xlsx",
    "ho-so-2025-09.xlsx",
    "ho-so-2025-10.csv",
    "ho-so-2025-11.xlsx",
    "ho-so-2025-12.xlsx",
    "ho-so-cn-vpdkdd-2025.xlsx",
]
DOSSIER_FILES = [name for name in EXPECTED_FILES if name.startswith("ho-so-")]
ID_PATTERN = re.compile(r"^H\d\d\.\d\d\.\d\d-\d{6}-\d{4}$")

# Header aliases of raw-exports.md §1 needed to read the files back.
ID_HEADERS = {"Mã hồ sơ", "Số hồ sơ", "Mã HS"}
STATUS_HEADERS = {"Trạng thái", "Tình trạng", "Trạng thái hồ sơ"}
RECEIVED_HEADERS = {"Ngày tiếp nhận", "Ngày nhận"}
RESOLVED_HEADERS = {"Ngày hoàn thành", "Ngày kết thúc xử lý", "Ngày có kết quả"}
FOOTER_WORDS = ("Tổng", "Cộng")


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planned() -> demo.Plan:
    return demo.plan()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("demo-a")
    return root, demo.generate(root)


@pytest.fixture(scope="module")
def tables(generated: tuple[Path, list[Path]]) -> dict[str, list[list[object]]]:
    _root, paths = generated
    return {path.name: read_table(path) for path in paths}


# ---------------------------------------------------------------------------
# helpers (independent of the generator)
# ---------------------------------------------------------------------------

def nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip() if value is not None else ""


def read_table(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return [list(row) for row in csv.reader(handle, delimiter=";")]
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def split_table(rows: list[list[object]]) -> tuple[int, list[list[object]], list[object]]:
    """(header index, data rows, footer row) of an export."""
    header_index = next(i for i, row in enumerate(rows) if sum(not is_blank(v) for v in row) >= 8)
    non_blank = [i for i, row in enumerate(rows) if any(not is_blank(v) for v in row)]
    footer_index = non_blank[-1]
    return header_index, rows[header_index + 1:footer_index], rows[footer_index]


def declared_total(footer: list[object]) -> int:
    cells = [nfc(v) for v in footer if not is_blank(v)]
    assert len(cells) == 1, f"footer row should hold one cell: {footer}"
    assert cells[0].startswith(FOOTER_WORDS), cells[0]
    match = re.search(r"(\d{1,3}(?:\.\d{3})*|\d+)", cells[0])
    assert match, cells[0]
    return int(match.group(1).replace(".", ""))


def parse_day(value: object) -> dt.date | None:
    """Calendar day of a date cell in any of the written forms (day first)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = str(value).strip()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?: \d{2}:\d{2}(?::\d{2})?)?", text)
    if iso:
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    dmy = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?", text)
    if dmy:
        return dt.date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    raise ValueError(f"unparseable date {value!r}")


def day_of(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def compute_figures(dossiers: list, agency_slug: str | None = None) -> Counter:
    """figures.md dossier figures by hand, over records in their final state."""
    f: Counter = Counter()
    for d in dossiers:
        if d.quarantine is not None or d.state == "rejected":
            continue
        if agency_slug is not None and slug(d.agency) != agency_slug:
            continue
        received = d.received_at.date()
        due = day_of(d.due_at)
        end = day_of(d.resolved_at) if d.state in ("resolved", "withdrawn") else None
        is_carried = received < S and (end is None or end >= S)
        is_received = S <= received <= E
        if is_carried:
            f["carried_over"] += 1
        if is_received:
            f["received.total"] += 1
            f["received." + d.channel] += 1
            if d.digitized:
                f["digitized"] += 1
            if d.reused:
                f["reused"] += 1
            if d.payment != "free":
                f["payment.paid"] += 1
                if d.payment == "online":
                    f["payment.online"] += 1
            if d.interlink_group:
                f["interlinked.received"] += 1
                if end is not None and S <= end <= E:
                    f["interlinked.resolved"] += 1
            if d.rating is not None:
                f["satisfaction.rated"] += 1
                if d.rating in ("very_satisfied", "satisfied"):
                    f["satisfaction.satisfied"] += 1
        if not (is_carried or is_received):
            continue
        f["to_handle"] += 1
        if end is not None and S <= end <= E:
            f["resolved.total"] += 1
            if d.state == "withdrawn":
                f["resolved.withdrawn"] += 1
            if due is None or end == due:
                f["resolved.on_time"] += 1
            elif end < due:
                f["resolved.early"] += 1
            else:
                f["resolved.late"] += 1
            if due is None:
                f["resolved.no_due"] += 1
            if d.result_digitized:
                f["resolved.result_digitized"] += 1
        else:
            assert end is None or end > E
            f["pending.total"] += 1
            if due is not None and due < E:
                f["pending.overdue"] += 1
            else:
                f["pending.not_due"] += 1
            if end is not None:
                f["pending.resolved_after_cutoff"] += 1
    return f


# ---------------------------------------------------------------------------
# (a) files exist
# ---------------------------------------------------------------------------

def test_files_written(generated: tuple[Path, list[Path]]) -> None:
    root, paths = generated
    out = root / "data" / "raw" / "nguyen-luong-bang" / "2025"
    # the dossier and catalogue exports first; the other sources' demo files follow
    assert [p.name for p in paths][: len(EXPECTED_FILES)] == EXPECTED_FILES
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    for path in paths:
        assert path.parent == out
        assert path.stat().st_size > 1000, path
    monthly = [n for n in DOSSIER_FILES if re.fullmatch(r"ho-so-2025-\d\d\.(xlsx|csv)", n)]
    assert monthly == sorted(monthly)


# ---------------------------------------------------------------------------
# (b) figures from the planned population
# ---------------------------------------------------------------------------

def test_dossier_figures_match_report(planned: demo.Plan) -> None:
    f = compute_figures(planned.dossiers)
    assert f["received.total"] == 7026
    assert f["received.direct"] == 1475
    assert f["received.postal"] == 38
    assert f["received.online"] == 7026 - 1475 - 38
    assert f["received.online"] + f["received.direct"] + f["received.postal"] == f["received.total"]
    assert f["carried_over"] == 20
    assert f["to_handle"] == 20 + 7026
    assert f["resolved.total"] == 6703
    assert f["resolved.early"] == 6553
    assert f["resolved.late"] == 10
    assert f["resolved.on_time"] == 140
    assert f["resolved.withdrawn"] == 6
    assert f["resolved.no_due"] == 4
    assert f["pending.total"] == 20 + 7026 - 6703 == 343
    assert f["pending.overdue"] == 18
    assert f["pending.not_due"] == 325
    assert f["pending.resolved_after_cutoff"] == 6
    assert f["resolved.total"] + f["pending.total"] == f["to_handle"]
    assert round(100 * f["resolved.early"] / f["resolved.total"], 2) == 97.76
    assert f["resolved.result_digitized"] == 6620


def test_rates_match_report(planned: demo.Plan) -> None:
    f = compute_figures(planned.dossiers)
    assert f["digitized"] == 7026
    assert f["reused"] == 6706
    assert f["reused"] / f["received.total"] >= 0.95
    assert (f["payment.online"], f["payment.paid"]) == (1946, 2237)
    assert round(100 * f["payment.online"] / f["payment.paid"], 2) == 86.99
    assert (f["satisfaction.satisfied"], f["satisfaction.rated"]) == (1814, 1864)
    assert f["satisfaction.satisfied"] / f["satisfaction.rated"] > 0.97
    assert f["interlinked.received"] == 243
    assert f["interlinked.resolved"] == 243
    assert round(100 * f["received.direct"] / f["received.total"], 1) == 21.0


def test_land_branch_figures(planned: demo.Plan) -> None:
    f = compute_figures(planned.dossiers, LAND_AGENCY_SLUG)
    assert f["received.total"] == 417
    assert f["resolved.total"] == 367
    assert f["pending.total"] == 50
    assert f["carried_over"] == 0
    procedures = {p.code: p for p in planned.catalogue}
    used = {d.procedure_code for d in planned.counted if slug(d.agency) == LAND_AGENCY_SLUG}
    assert len(used) == 13
    assert all(procedures[c].level == "vertical" for c in used)
    assert {procedures[c].field for c in used} == {"Đất đai"}
    vertical_land = [p for p in planned.catalogue if p.level == "vertical" and p.field == "Đất đai"]
    assert len(vertical_land) == 18


def test_excluded_populations(planned: demo.Plan) -> None:
    rejected = [d for d in planned.counted if d.state == "rejected"]
    assert len(rejected) >= 3
    assert any(d.received_at.date() < S for d in rejected)
    assert any(S <= d.received_at.date() <= E for d in rejected)
    ended_in_june = [d for d in planned.counted if d.state in ("resolved", "withdrawn")
                     and d.received_at.date() < S and d.resolved_at.date() < S]
    assert len(ended_in_june) >= 10
    after_cutoff = [d for d in planned.counted if d.received_at.date() > E]
    assert after_cutoff and all(d.received_at.date() <= dt.date(2025, 12, 12) for d in after_cutoff)
    carried = [d for d in planned.counted if d.state != "rejected" and d.received_at.date() < S
               and (d.state not in ("resolved", "withdrawn") or d.resolved_at.date() >= S)]
    assert all(d.received_at.date() >= dt.date(2025, 6, 1) for d in carried)
    assert any(d.state in ("resolved", "withdrawn") for d in carried)
    assert any(d.state in ("processing", "paused") for d in carried)


def test_catalogue(planned: demo.Plan) -> None:
    codes = [p.code for p in planned.catalogue]
    assert len(codes) == 378 == len(set(codes))
    assert all(re.fullmatch(r"\d\.\d{6}", c) for c in codes)
    assert {"1.001193", "2.000815"} <= set(codes)
    catalogue_codes = set(codes)
    assert all(d.procedure_code in catalogue_codes for d in planned.counted)
    assert len({p.field for p in planned.catalogue}) >= 15


def test_records_are_consistent(planned: demo.Plan) -> None:
    labels = yaml.safe_load((Path(demo.__file__).parents[1] / "data" / "demo" / "labels.yaml")
                            .read_text(encoding="utf-8"))
    statuses = labels["statuses"]
    state_labels = {
        "processing": statuses["processing"],
        "paused": statuses["paused"],
        "resolved": statuses["resolved_returned"] + statuses["resolved_not_returned"],
        "withdrawn": statuses["withdrawn"],
        "rejected": statuses["rejected"],
    }
    ids = [d.dossier_id for d in planned.dossiers]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(i) for i in ids)
    for d in planned.counted:
        assert d.status_label in state_labels[d.state], d
        assert d.channel_label.lower() in [c.lower() for c in labels["channels"][d.channel]]
        if d.state in ("resolved", "withdrawn"):
            assert d.resolved_at is not None and d.resolved_at >= d.received_at
        if d.returned_at is not None:
            assert d.returned_at >= d.resolved_at
        if d.payment == "free":
            assert d.payment_label in ("", labels["payments"]["free"])
        else:
            assert d.payment_label == labels["payments"][d.payment]
        assert (d.rating is None) == (d.rating_label == "")
        assert len(d.id_number) == 12 and d.id_number.isdigit()


def test_bad_rows(planned: demo.Plan, tables: dict[str, list[list[object]]]) -> None:
    bad = planned.bad_rows
    assert 6 <= len(bad) <= 8
    problems = {d.quarantine for d in bad}
    assert {"impossible_received_date", "unknown_status", "resolved_without_resolved_date",
            "missing_procedure_code", "unknown_channel", "text_resolved_date"} <= problems
    bad_ids = {d.dossier_id: d.bad_file for d in bad}
    seen: Counter = Counter()
    for name in DOSSIER_FILES:
        _h, data, _f = split_table(tables[name])
        for row in data:
            for value in row:
                if isinstance(value, str) and nfc(value) in bad_ids:
                    seen[nfc(value)] += 1
                    assert bad_ids[nfc(value)] == name
    assert seen == Counter({i: 1 for i in bad_ids})


# ---------------------------------------------------------------------------
# (c) footers
# ---------------------------------------------------------------------------

def test_footer_totals_match_rows(tables: dict[str, list[list[object]]]) -> None:
    for name in EXPECTED_FILES:
        rows = tables[name]
        header_index, data, footer = split_table(rows)
        assert 2 <= header_index <= 5, name
        assert declared_total(footer) == len(data), name
        assert all(any(not is_blank(v) for v in row) for row in data), name
        if name in DOSSIER_FILES:
            for row in data:
                assert sum(bool(ID_PATTERN.match(nfc(v))) for v in row if isinstance(v, str)) == 1, (name, row)
    _h, catalogue_rows, _f = split_table(tables["danh-muc-tthc.xlsx"])
    assert len(catalogue_rows) == 378


def test_catalogue_file(tables: dict[str, list[list[object]]]) -> None:
    header_index, data, _footer = split_table(tables["danh-muc-tthc.xlsx"])
    header = [nfc(v) for v in tables["danh-muc-tthc.xlsx"][header_index]]
    published = header.index("Công khai trên Cổng DVC")
    e_process = header.index("Quy trình điện tử")
    assert {nfc(r[published]) for r in data} == {"Có"}
    assert {nfc(r[e_process]) for r in data} == {"Có"}
    assert len({nfc(r[header.index("Mã thủ tục")]) for r in data}) == 378


# ---------------------------------------------------------------------------
# the files hold the planned final states (last file by name wins)
# ---------------------------------------------------------------------------

def _column(header: list[str], names: set[str]) -> int:
    matches = [i for i, h in enumerate(header) if h in names]
    assert len(matches) == 1, (header, names)
    return matches[0]


def test_last_file_holds_final_state(planned: demo.Plan, tables: dict[str, list[list[object]]]) -> None:
    last: dict[str, tuple[str, dt.date | None, str, dt.date | None]] = {}
    appearances: Counter = Counter()
    changed = 0
    for name in sorted(DOSSIER_FILES):
        rows = tables[name]
        header_index, data, _footer = split_table(rows)
        header = [nfc(v) for v in rows[header_index]]
        c_id = _column(header, ID_HEADERS)
        c_status = _column(header, STATUS_HEADERS)
        c_received = _column(header, RECEIVED_HEADERS)
        c_resolved = _column(header, RESOLVED_HEADERS)
        for row in data:
            key = nfc(row[c_id])
            try:
                state = (nfc(row[c_received]), parse_day(row[c_received]), nfc(row[c_status]),
                         parse_day(row[c_resolved]))
            except ValueError:
                continue  # a deliberately bad date
            if key in last and last[key][2:] != state[2:]:
                changed += 1
            last[key] = state
            appearances[key] += 1
    records = {d.dossier_id: d for d in planned.counted}
    assert set(records) <= set(last)
    for key, d in records.items():
        _raw, received, status, resolved = last[key]
        assert received == d.received_at.date(), key
        assert status == d.status_label, key
        assert resolved == day_of(d.resolved_at), key
    assert sum(1 for n in appearances.values() if n > 1) > 300
    assert changed > 100


def test_messy_forms(tables: dict[str, list[list[object]]], generated: tuple[Path, list[Path]]) -> None:
    _root, paths = generated
    csv_path = next(p for p in paths if p.suffix == ".csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text != unicodedata.normalize("NFC", text)           # written in NFD
    assert ";" in text.splitlines()[5]
    assert "hoá" in unicodedata.normalize("NFC", text).lower()  # new-style tone placement
    kinds: Counter = Counter()
    for name in DOSSIER_FILES:
        rows = tables[name]
        header_index, data, _footer = split_table(rows)
        header = [nfc(v) for v in rows[header_index]]
        c_received = _column(header, RECEIVED_HEADERS)
        for row in data:
            value = row[c_received]
            if isinstance(value, dt.datetime):
                kinds["datetime"] += 1
            elif isinstance(value, (int, float)):
                kinds["serial"] += 1
            elif re.fullmatch(r"\d{4}-\d\d-\d\d.*", str(value)):
                kinds["iso"] += 1
            elif re.fullmatch(r"\d\d?/\d\d?/\d{4}.*", str(value)):
                kinds["dmy"] += 1
            elif re.fullmatch(r"\d\d-\d\d-\d{4}", str(value)):
                kinds["dmy_dash"] += 1
    assert set(kinds) == {"datetime", "serial", "iso", "dmy", "dmy_dash"}


# ---------------------------------------------------------------------------
# (d) determinism
# ---------------------------------------------------------------------------

def test_generation_is_deterministic(generated: tuple[Path, list[Path]],
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    _root, first = generated
    second = demo.generate(tmp_path_factory.mktemp("demo-b"))
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


# ---------------------------------------------------------------------------
# (e) every export names its own unit
# ---------------------------------------------------------------------------

def export_text(path: Path) -> str:
    """Every cell of every sheet (or every line of a CSV), NFC, case-folded."""
    if path.suffix in (".csv", ".json"):
        text = path.read_text(encoding="utf-8-sig")
    else:
        workbook = CalamineWorkbook.from_path(str(path))
        text = "\n".join(str(cell) for name in workbook.sheet_names
                         for row in workbook.get_sheet_by_name(name).to_python() for cell in row)
    return unicodedata.normalize("NFC", text).casefold()


def test_demo_exports_name_the_demo_commune(generated: tuple[Path, list[Path]]) -> None:
    own = naming.demo_unit().title.casefold()
    texts = {path.name: export_text(path) for path in generated[1]}
    assert all(own in text for text in texts.values()), [n for n, t in texts.items() if own not in t]
    assert not [name for name, text in texts.items() if re.search(r"\{(unit|kind|name)\}", text)]


def test_synthetic_communes_name_themselves(generated: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root = tmp_path / "communes"
    paths = generate_communes(root, 2, seed=5, per_year=1000)
    communes = plan_communes(2, seed=5)
    assert {c.called.kind for c in communes} == {"Phường", "Xã"}   # a ward and a commune
    demo_name = naming.demo_unit().name.casefold()
    for commune in communes:
        exports = [p for p in paths if p.parent == root / "data" / "raw" / commune.unit / "2025"]
        if commune.shape == "lists":
            assert sorted(p.name for p in exports) == sorted(p.name for p in generated[1])
        else:  # the national records (JSON) with the catalogue instead of the monthly lists
            assert commune.shape == "national"
            dossier_files = {p.name for p in generated[1] if p.name.startswith("ho-so-")}
            assert sorted(p.name for p in exports) == sorted(
                {p.name for p in generated[1]} - dossier_files | {"ho-so-dvc-quoc-gia-2025.json"})
        texts = {path.name: export_text(path) for path in exports}
        assert not [name for name, text in texts.items() if demo_name in text], commune.unit
        assert not [name for name, text in texts.items() if re.search(r"\{(unit|kind|name)\}", text)]
        # "UBND phường Hồng Bàng", "ỦY BAN NHÂN DÂN XÃ AN HƯNG": the kind as the name says
        missing = [name for name, text in texts.items() if commune.name.casefold() not in text]
        assert not missing, (commune.unit, missing)
