import unicodedata

import pytest

from cchc.config.sources import load_spec, load_specs
from cchc.core.errors import CchcError
from cchc.ingest.headers import find_header
from cchc.ingest.parse import classify


def test_header_found_below_title_rows():
    spec = load_spec("dossiers")
    rows = [["ỦY BAN NHÂN DÂN XÃ A"], ["DANH SÁCH HỒ SƠ"], ["Từ ngày 01/07/2025 đến ngày 09/12/2025"], [],
            ["STT", "Mã hồ sơ", "Ngày tiếp nhận", "Chủ hồ sơ", "Ghi chú"], [1, "H1", "01/07/2025", "A", ""]]
    match = find_header(spec, rows)
    assert match.row_index == 4
    assert match.columns == {"dossier_id": 1, "received_at": 2}
    assert match.personal == ["Chủ hồ sơ"]
    assert match.unknown == ["STT", "Ghi chú"]


def test_header_not_searched_beyond_fifteen_title_rows():
    spec = load_spec("dossiers")
    rows = [[f"tiêu đề {i}"] for i in range(16)] + [["Mã hồ sơ"]]
    assert find_header(spec, rows) is None
    assert find_header(spec, rows[1:]).row_index == 15


@pytest.mark.parametrize("header", ["Số hồ sơ", "MÃ HS", "  mã   hồ sơ ", unicodedata.normalize("NFD", "Mã hồ sơ"),
                                    "Mã hồ sơ:"])
def test_key_aliases_case_spacing_and_unicode_form(header):
    assert find_header(load_spec("dossiers"), [[header]]).columns == {"dossier_id": 0}


def test_tone_placement_variants_of_headers():
    spec = load_spec("dossiers")
    assert spec.column_for("Số hoá hồ sơ") == "digitized"
    assert spec.column_for(unicodedata.normalize("NFD", "Đã số hoá")) == "digitized"


def test_aliases_from_parameters_extend_the_shipped_ones():
    spec = load_spec("dossiers", {"received_at": ["Ngày nộp hồ sơ"]})
    assert spec.column_for("Ngày nộp hồ sơ") == "received_at"
    assert spec.column_for("Ngày nhận") == "received_at"
    assert load_spec("dossiers").column_for("Ngày nộp hồ sơ") is None


def test_classification_prefers_the_source_recognising_most_columns():
    specs = load_specs()
    dossier_rows = [["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Trạng thái"]]
    catalogue_rows = [["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Công khai"]]
    assert classify(specs, dossier_rows, "a.xlsx")[0].kind == "dossiers"
    assert classify(specs, catalogue_rows, "b.xlsx")[0].kind == "catalogue"


def test_unrecognised_file_names_the_file_and_the_keys():
    with pytest.raises(CchcError) as info:
        classify(load_specs(), [["Số thứ tự", "Nội dung"]], "data/raw/x/2025/la.xlsx")
    assert "la.xlsx" in str(info.value) and "'Mã hồ sơ'" in str(info.value)
