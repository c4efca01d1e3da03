"""The manual-figures workbook of a ward (phường) or the special zone (đặc khu): its rows and
figures name the unit by its own kind ("UBND phường"), a commune's still say "xã"."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from cchc.config.letter import unit_kind
from cchc.config.params import load_params
from cchc.core.resources import load_yaml
from cchc.figures.manual import compute_section
from cchc.ingest.run import ingest
from cchc.manual import topics, write_template
from cchc.manual.template import TITLE_ROWS

from conftest import make_root

HEADER_ROW = TITLE_ROWS + 1
WARD, WARD_NAME, PERIOD = "phuong-thu", "Phường Thử Nghiệm", "2025-07"
# The unit itself named as a commune (the level "cấp xã" and "mạng xã hội" are right for a ward).
COMMUNE_WORDS = re.compile(r"của xã|UBND xã|điện tử xã|truyền thanh xã|lãnh đạo xã|về xã")


def _placeholder_ids() -> set[str]:
    return {row["id"] for sheet in load_yaml("manual/topics.yaml")["sheets"] for row in sheet.get("rows", ())
            if topics.KIND_PLACEHOLDER in row["label"]}


@pytest.mark.parametrize("name, kind", [("Xã Nguyễn Lương Bằng", "xã"), ("Phường Lê Chân", "phường"),
                                        ("đặc khu Cát Hải", "đặc khu"), ("Thị trấn Núi Đèo", "thị trấn"),
                                        ("Nguyễn Lương Bằng", "")])
def test_unit_kind_from_the_name(name, kind):
    assert unit_kind(name) == kind


def test_a_commune_and_no_unit_keep_the_commune_word():
    plain, commune = topics.rows(), topics.rows("Xã Nguyễn Lương Bằng")
    assert plain == commune == topics.rows("Nguyễn Lương Bằng")          # no known prefix: the commune's word
    assert plain["staffing.officials"].label == "Số cán bộ, công chức của UBND xã"
    assert plain["propaganda.web_posts"].label.endswith("Trang thông tin điện tử/Facebook của xã")
    assert all("{" not in row.label for row in plain.values())


@pytest.mark.parametrize("name, word", [(WARD_NAME, "phường"), ("Đặc khu Bạch Long Vĩ", "đặc khu")])
def test_a_ward_or_special_zone_is_named_by_its_kind(name, word):
    commune, own = topics.rows(), topics.rows(name)
    assert list(own) == list(commune)
    changed = {i for i in own if own[i].label != commune[i].label}
    assert changed == _placeholder_ids() and len(changed) >= 10
    for figure_id in changed:
        assert own[figure_id].label.replace(word, "xã") == commune[figure_id].label
    assert not [row.label for row in own.values() if COMMUNE_WORDS.search(row.label)]
    assert own["org.specialist_bodies"].label == f"Số cơ quan chuyên môn thuộc UBND {word}"
    assert "cấp xã" in own["review.procedures_total"].label                # the level stays
    assert "mạng xã hội" in own["propaganda.social_reach"].label


@pytest.fixture(scope="module")
def ward(tmp_path_factory):
    """A ward's template, every key-value row filled with its order number, ingested."""
    root = make_root(tmp_path_factory.mktemp("ward"), unit=WARD, period=PERIOD,
                     params=f'unit_name: "{WARD_NAME}"\n')
    path = write_template(root, WARD, PERIOD)
    book = openpyxl.load_workbook(path)
    written: dict[str, str] = {}
    for sheet in topics.sheets():
        if sheet.kind != topics.KEY_VALUE:
            continue
        ws = book[sheet.name]
        for number in range(HEADER_ROW + 1, ws.max_row + 1):
            figure_id = ws.cell(row=number, column=2).value
            written[figure_id] = ws.cell(row=number, column=3).value
            ws.cell(row=number, column=5, value=number)
            ws.cell(row=number, column=6, value="Văn phòng HĐND và UBND phường")
    book.save(path)
    params = load_params(root, WARD, PERIOD)
    result = ingest(root, params)
    tables = {name: pd.read_parquet(result.processed_dir / f) for name, f in result.report["tables"].items()}
    hashes = {entry["file"]: entry["sha256"] for entry in result.report["files"]}
    figures = {f.id: f for f in compute_section(tables, params, hashes)}
    return written, result.report, figures


def test_a_ward_template_says_phuong(ward):
    written, _, _ = ward
    assert written == {figure_id: row.label for figure_id, row in topics.rows(WARD_NAME).items()}
    assert not [label for label in written.values() if COMMUNE_WORDS.search(label)]
    assert written["staffing.officials"] == "Số cán bộ, công chức của UBND phường"


def test_a_filled_ward_workbook_is_read_back_with_ward_labels(ward):
    written, report, figures = ward
    manual = [e for e in report["files"] if e["file"].endswith(topics.file_name())]
    assert manual and all(e["balanced"] for e in manual)
    assert not [q for q in report["quarantine"]["items"] if q["file"].endswith(topics.file_name())]
    entered = {key.removeprefix("manual."): f for key, f in figures.items() if key.removeprefix("manual.") in written}
    assert set(entered) == set(written)                                    # every row read back
    assert all(entered[i].label == written[i] for i in written)
    assert all(entered[i].sources[0]["row"] == entered[i].value for i in written)  # each row's own value
    assert entered["law.posts"].label.endswith("Trang thông tin điện tử phường")
    assert written["law.posts"] in entered["law.posts"].definition
    assert not [f.label for f in figures.values() if COMMUNE_WORDS.search(f.label)]
