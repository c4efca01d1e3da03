"""Groups of form 06a (by field, by agency) are names, never slugs: distinct names that slug
alike ("Hộ tịch" / "Ho tich", punctuation-only names, "+SUM(1,2)" / "@SUM(1,2)") are distinct
groups with their own figures, and the look-alike check asks the person to confirm them.

The fixture period 2025-07 (one xlsx export, window 01/07–31/07/2025):

| dossier | field | agency | fate |
|---|---|---|---|
| HS01 | Hộ tịch | UBND xã | online, resolved early |
| HS02 | Hộ tịch | UBND xã | direct, pending |
| HS03 | HỘ TỊCH | UBND xã | online, pending (one group with "Hộ tịch": case only) |
| HS04 | Ho tich | UBND xa | direct, resolved late |
| HS05 | (...) | +SUM(1,2) | online, pending |
| HS06 | [---] | @SUM(1,2) | online, resolved on time |
| HS07 | +SUM(1,2) | UBND xã | direct, pending |
| HS08 | @SUM(1,2) | @SUM(1,2) | online, pending |
| HS09 | Chứng thực | UBND xã | online, pending |
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc import explain as ex
from cchc.checks import Context, run_checks
from cchc.compute import compute
from cchc.config.letter import build_document
from cchc.core.layout import Layout
from cchc.core.text import letters_key, slug
from cchc.figures.breakdowns import group_ids, group_rows
from cchc.figures.groups import group_key
from cchc.forms.tthc import form_06a, groups
from cchc.forms.xlsx import workbook_bytes
from cchc.report.view import Report

from conftest import DOSSIER_HEADER, catalogue_rows, run_cli, write_xlsx

UNIT, PERIOD = "xa-thu", "2025-07"
FILE = f"data/raw/{UNIT}/{PERIOD}/ho-so.xlsx"
#          id      field         agency        channel        received      due           end           status
DOSSIERS = [
    ("HS01", "Hộ tịch", "UBND xã", "Trực tuyến", "02/07/2025", "10/07/2025", "05/07/2025", "Đã trả kết quả"),
    ("HS02", "Hộ tịch", "UBND xã", "Trực tiếp", "03/07/2025", "20/08/2025", "", "Đang xử lý"),
    ("HS03", "HỘ TỊCH", "UBND xã", "Trực tuyến", "04/07/2025", "20/08/2025", "", "Đang xử lý"),
    ("HS04", "Ho tich", "UBND xa", "Trực tiếp", "05/07/2025", "08/07/2025", "09/07/2025", "Đã trả kết quả"),
    ("HS05", "(...)", "+SUM(1,2)", "Trực tuyến", "06/07/2025", "20/08/2025", "", "Đang xử lý"),
    ("HS06", "[---]", "@SUM(1,2)", "Trực tuyến", "07/07/2025", "09/07/2025", "09/07/2025", "Đã trả kết quả"),
    ("HS07", "+SUM(1,2)", "UBND xã", "Trực tiếp", "08/07/2025", "20/08/2025", "", "Đang xử lý"),
    ("HS08", "@SUM(1,2)", "@SUM(1,2)", "Trực tuyến", "09/07/2025", "20/08/2025", "", "Đang xử lý"),
    ("HS09", "Chứng thực", "UBND xã", "Trực tuyến", "10/07/2025", "20/08/2025", "", "Đang xử lý"),
]
# Groups: name as shown -> its dossiers.
FIELDS = {"Hộ tịch": {"HS01", "HS02", "HS03"}, "Ho tich": {"HS04"}, "(...)": {"HS05"}, "[---]": {"HS06"},
          "+SUM(1,2)": {"HS07"}, "@SUM(1,2)": {"HS08"}, "Chứng thực": {"HS09"}}
AGENCIES = {"UBND xã": {"HS01", "HS02", "HS03", "HS07", "HS09"}, "UBND xa": {"HS04"}, "+SUM(1,2)": {"HS05"},
            "@SUM(1,2)": {"HS06", "HS08"}}
BREAKDOWNS = {"by_field": ("field", FIELDS), "by_agency": ("agency", AGENCIES)}
SUMMED = ["to_handle", "received.total", "received.online", "received.direct", "resolved.total",
          "resolved.early", "resolved.on_time", "resolved.late", "pending.total", "pending.not_due"]


def _root(tmp: Path, params: str = "") -> Path:
    root = tmp / "project"
    (root / "params" / UNIT).mkdir(parents=True)
    (root / "params" / UNIT / f"{PERIOD}.yaml").write_text('unit_name: "Xã Thử"\n' + params, encoding="utf-8")
    raw = root / "data" / "raw" / UNIT / PERIOD
    write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
    rows = [DOSSIER_HEADER]
    for n, (dossier, field, agency, channel, received, due, end, status) in enumerate(DOSSIERS, start=1):
        rows.append([n, dossier, "1.001", "Đăng ký khai sinh", field, agency, channel, received, due, end, status,
                     "Có", "", "", "", ""])
    write_xlsx(raw / "ho-so.xlsx", rows)
    return root


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    return compute(Layout(_root(tmp_path_factory.mktemp("grouping")), UNIT, PERIOD))


def _prefixes(figures, breakdown: str) -> dict[str, str]:
    """Name as shown -> prefix of its figures, from the figures alone."""
    return {name: f"tthc.{breakdown}.{key}." for key, name in groups(figures, breakdown)}


# --- the keys ---

def test_the_pairs_slug_alike_and_are_different_names():
    for a, b in [("Hộ tịch", "Ho tich"), ("(...)", "[---]"), ("+SUM(1,2)", "@SUM(1,2)")]:
        assert slug(a) == slug(b) and letters_key(a) == letters_key(b)
        assert group_key(a) != group_key(b)


def test_a_name_alone_on_its_slug_keeps_the_slug_as_its_id():
    ids = group_ids([group_key("Chứng thực"), group_key("Đất đai")])
    assert ids == {"chứng thực": "chung-thuc", "đất đai": "dat-dai"}


def test_names_sharing_a_slug_get_distinct_ids_fixed_by_their_own_name():
    keys = [group_key(n) for n in ("Hộ tịch", "Ho tich", "(...)", "[---]", "+SUM(1,2)", "@SUM(1,2)", "Chứng thực")]
    ids = group_ids(keys)
    assert len(set(ids.values())) == len(keys)
    assert ids[group_key("Chứng thực")] == "chung-thuc"
    for name in ("Hộ tịch", "Ho tich"):
        assert ids[group_key(name)].startswith("ho-tich-") and len(ids[group_key(name)]) == len("ho-tich-") + 8
    for name in ("(...)", "[---]"):                   # no letters: the hash alone, never an empty part
        assert len(ids[group_key(name)]) == 8 and "." not in ids[group_key(name)]
    assert ids[group_key("+SUM(1,2)")].startswith("sum-1-2-")
    # deterministic: the same ids in any order, and with other names beside them
    assert group_ids(reversed(keys)) == ids
    alone = group_ids([group_key("Hộ tịch"), group_key("Ho tich")])
    assert alone == {k: ids[k] for k in alone}


def test_case_tone_placement_and_form_are_one_group_shown_by_its_most_frequent_spelling():
    values = pd.Series(["Hộ tịch", "HỘ TỊCH", unicodedata.normalize("NFD", "Hộ tịch"), "Ho tich", "hoà giải",
                        "hòa giải", "Hòa giải"])
    rows, names = group_rows(values)
    assert rows.nunique() == 3
    assert rows[0] == rows[1] == rows[2] != rows[3]
    assert rows[4] == rows[5] == rows[6] == "hoa-giai"
    assert names[rows[0]] == "Hộ tịch" and names[rows[3]] == "Ho tich" and names["hoa-giai"] == "hòa giải"


# --- figures, forms, checks, explain on an ingested period ---

@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_each_name_is_its_own_group_and_the_groups_add_up(computed, breakdown):
    column, expected = BREAKDOWNS[breakdown]
    figures = computed.figures
    prefixes = _prefixes(figures, breakdown)
    assert set(prefixes) == set(expected)
    for name, dossiers in expected.items():
        figure = figures[prefixes[name] + "to_handle"]
        assert figure.value == len(dossiers), name
        assert figure.extra == {"breakdown": breakdown, "group": name}
        assert f'"{name}"' in figure.definition
    for key in SUMMED:
        assert sum(figures[p + key].value for p in prefixes.values()) == figures[f"tthc.{key}"].value, key
    sums = [c for c in computed.checks if c.id.startswith(f"breakdown.{breakdown}.")]
    assert sums and all(c.status == "pass" for c in sums)
    identities = [c for c in computed.checks if c.id.startswith("identity.") and f"tthc.{breakdown}." in c.id]
    assert len(identities) == 4 * len(expected) and all(c.status == "pass" for c in identities)


def test_ids_of_the_demo_kind_stay_slugs(computed):
    assert "tthc.by_field.chung-thuc.to_handle" in computed.figures
    assert _prefixes(computed.figures, "by_field")["Hộ tịch"].startswith("tthc.by_field.ho-tich-")


@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_explain_lists_exactly_the_rows_of_each_group(computed, breakdown):
    column, expected = BREAKDOWNS[breakdown]
    for name, prefix in _prefixes(computed.figures, breakdown).items():
        for suffix in ("to_handle", "received.total", "rate.online"):
            figure = computed.figures[prefix + suffix]
            rows = ex.explain_figure(figure, computed.tables, computed.params).rows
            assert set(rows["dossier_id"]) == expected[name], (name, suffix)
            assert set(rows["file"]) == {FILE}
            if figure.is_rate:
                assert len(rows) == figure.denominator and rows["in_numerator"].sum() == figure.numerator
            else:
                assert len(rows) == figure.value


def test_the_command_explains_each_of_two_look_alike_groups(computed):
    prefixes = _prefixes(computed.figures, "by_field")
    for name, dossiers in [("Hộ tịch", {"HS01", "HS02", "HS03"}), ("Ho tich", {"HS04"})]:
        result = run_cli("explain", prefixes[name] + "to_handle", "--unit", UNIT, "--period", PERIOD,
                         cwd=computed.layout.root)
        assert result.returncode == 0, result.stderr
        listed = {d for d in (f"HS0{i}" for i in range(1, 10)) if d in result.stdout}
        assert listed == dossiers, name


def test_form_06a_has_a_row_per_name(computed):
    document = build_document(computed.params)
    for breakdown, (_column, expected) in BREAKDOWNS.items():
        form = form_06a(computed.figures, document, breakdown)
        shown = [next(c.value for c in row if c.kind == "text") for row in form.rows]
        assert sorted(shown) == sorted(expected)
        sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes([form]))).active
        texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
        assert all(texts.count(name) == 1 for name in expected)            # each name once, as text


def test_look_alike_names_are_a_warning_naming_both_spellings_and_their_rows(computed):
    found = {c.id: c for c in computed.checks if c.id.startswith("lookalike.")}
    by_field = sorted((c for i, c in found.items() if i.startswith("lookalike.by_field:")), key=lambda c: c.actual)
    assert [c.actual for c in by_field] == ["(...) (1 dòng); [---] (1 dòng)",
                                            "+SUM(1,2) (1 dòng); @SUM(1,2) (1 dòng)",
                                            "Hộ tịch (3 dòng); Ho tich (1 dòng)"]
    assert all(c.status == "warning" and c.to_json()["status"] == "cảnh báo" for c in by_field)
    hotich = by_field[2]
    assert [(d["group"], d["rows"]) for d in hotich.details] == [("Hộ tịch", 3), ("Ho tich", 1)]
    prefixes = _prefixes(computed.figures, "by_field")
    assert sorted(hotich.figures) == sorted([prefixes["Hộ tịch"] + "to_handle", prefixes["Ho tich"] + "to_handle"])
    by_agency = sorted(c.actual for i, c in found.items() if i.startswith("lookalike.by_agency:"))
    assert by_agency == ["@SUM(1,2) (2 dòng); +SUM(1,2) (1 dòng)", "UBND xã (5 dòng); UBND xa (1 dòng)"]
    assert "Chứng thực" not in " ".join(c.actual for c in found.values())


def test_no_look_alike_no_check(computed):
    tables = {**computed.tables, "dossiers": computed.tables["dossiers"].iloc[[0, 8]]}  # Hộ tịch, Chứng thực
    context = Context(computed.layout.root, computed.params, computed.figures, computed.ingest.report, tables)
    assert not [c for c in run_checks(context) if c.id.startswith("lookalike.")]


# --- parameters naming agencies: the name normalised, case aside ---

def test_agencies_parameter_matches_names_not_slugs(tmp_path):
    root = _root(tmp_path, 'agencies: ["ubnd XÃ", "+SUM(1,2)"]\n')
    checks = {c.id: c for c in compute(Layout(root, UNIT, PERIOD)).checks}
    assert checks["reference.agencies"].actual == ["@SUM(1,2)", "UBND xa"]


def test_vertical_agencies_parameter_matches_names_not_slugs(computed):
    params = dataclasses.replace(computed.params, vertical_agencies=["ubnd xa", "@sum(1,2)"])
    report = Report(params, computed.figures, computed.layout.root, checks=[])
    prefixes = _prefixes(computed.figures, "by_agency")
    chosen = {item["name"]: item["prefix"] for item in report.vertical_agencies()}
    assert chosen == {"UBND xa": prefixes["UBND xa"], "@SUM(1,2)": prefixes["@SUM(1,2)"]}


def test_rows_of_and_compute_share_one_mapping(computed):
    dossiers = computed.tables["dossiers"]
    rows, names = group_rows(dossiers["field"])
    prefixes = _prefixes(computed.figures, "by_field")
    assert {names[g]: f"tthc.by_field.{g}." for g in names} == prefixes
    assert {names[g]: set(dossiers.loc[rows == g, "dossier_id"]) for g in names} == FIELDS
