"""`cchc sources`: how each raw file is read, for a user meeting a new vendor's export
(issue 21 point 5): the kind and the key header that recognised it, each header and its column,
the headers not used, the columns missing with what they take away, the unknown category values
with their counts; on a terminal and as JSON."""

import json

from test_vendor_list import CHANNEL_TAKEN, vendor_rows

from conftest import make_root, run_cli, write_xlsx

FILE = "data/raw/xa-thu/2025-07/danh-sach-ho-so.xlsx"


def _root(tmp_path):
    root = make_root(tmp_path, with_data=False)
    rows = vendor_rows()
    rows[4] = [*rows[4], "Ghi chú nội bộ"]  # a header no source knows
    write_xlsx(root / FILE, rows)
    return root


def test_sources_as_json_says_how_the_vendor_list_was_read(tmp_path):
    root = _root(tmp_path)
    done = run_cli("sources", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root), "--json")
    assert done.returncode == 0, done.stderr
    described = json.loads(done.stdout)
    [entry] = described["files"]
    assert (entry["file"], entry["kind"], entry["key_header"], entry["header_row"]) == (FILE, "dossiers", "Mã hồ sơ", 5)
    headers = {item["header"]: item["column"] for item in entry["headers"]}
    assert headers["Ngày nhận"] == "received_at" and headers["Đơn vị tiếp nhận"] == "agency"
    assert headers["Tên thủ tục hành chính"] == "procedure_name"
    assert "Ghi chú nội bộ" in entry["unused_headers"] and "STT" in entry["unused_headers"]
    assert {"Địa chỉ", "Chủ hồ sơ"} <= set(entry["personal_headers"])
    missing = {item["header"]: item["without"] for item in entry["missing_columns"]}
    assert missing["Hình thức nộp"] == CHANNEL_TAKEN.split(": ", 1)[1]
    assert missing["Mã thủ tục"] is None  # missing, but no figure needs it
    assert entry["unknown_values"] == [{"column": "Trạng thái", "value": "Chuyển một cửa", "count": 1,
                                        "vocab": "dossier_status"}]
    assert entry["rows"] == {"data": 8, "quarantined": 1}
    assert any(text.startswith("không có Danh mục thủ tục hành chính") for text in described["absent"])


def test_sources_on_a_terminal_names_what_to_add_to_aliases(tmp_path):
    root = _root(tmp_path)
    done = run_cli("sources", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert f"Tệp {FILE} (trang " in text
    assert "nhận ra theo cột khóa 'Mã hồ sơ' ở dòng 5" in text
    assert "'Ngày nhận' → received_at" in text
    assert "Tiêu đề không dùng: 'STT', 'Ghi chú nội bộ'" in text
    assert f"'Hình thức nộp': {CHANNEL_TAKEN.split(': ', 1)[1]}" in text
    assert "cột 'Trạng thái': 'Chuyển một cửa' — 1 dòng" in text
    assert "khóa dossier_status" in text and "tham số 'aliases'" in text
    # nothing of a person's own appears (the dossiers' holders, the officer)
    assert "Trần Thị Hoa" not in text and "Nguyễn Văn Bảo" not in text
