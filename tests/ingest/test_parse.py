"""One file: footer totals, quarantine with Excel rows and reasons, row rules, accounting."""

import datetime as dt

from cchc.config.sources import load_specs
from cchc.ingest.parse import parse_file

from conftest import CATALOGUE_HEADER, DOSSIER_HEADER, write_csv, write_xlsx


def _row(key, status="Đang xử lý", received="01/07/2025", resolved="", channel="Trực tuyến", **kw):
    return [1, key, "1.001", "Khai sinh", "Hộ tịch", "UBND xã", channel, received, "", resolved, status,
            "Có", "", "", "Nguyễn A", "0900000000"]


def _parse(path):
    return parse_file(path, path.name, "0" * 64, None, load_specs())


def test_footer_total_is_captured_and_rows_accounted(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["UBND XÃ A"], [], DOSSIER_HEADER, _row("H1"), _row("H2"), [],
                                            ["", "", "Tổng số: 1.002 hồ sơ"]])
    parsed = _parse(path)
    a = parsed.account
    assert (a.read, a.title, a.header, a.data, a.blank, a.footer) == (7, 2, 1, 2, 1, 1)
    assert parsed.footer == {"row": 7, "text": "Tổng số: 1.002 hồ sơ", "declared": 1002}
    assert parsed.header_row == 3


def test_footer_label_in_the_key_column_and_number_in_another_cell(tmp_path):
    header = DOSSIER_HEADER[1:]  # the key column first
    path = write_csv(tmp_path / "a.csv", [header, _row("H1")[1:], ["Cộng", 1]], delimiter=",")
    parsed = parse_file(path, "a.csv", "0" * 64, load_specs()["dossiers"], load_specs())
    assert parsed.footer["declared"] == 1 and parsed.account.data == 1


def test_bad_rows_are_quarantined_with_excel_row_column_value_reason(tmp_path):
    rows = [["DANH SÁCH"], DOSSIER_HEADER,
            _row("H1"),
            _row("H2", received="31/02/2025"),
            _row("H3", channel="Fax"),
            _row("H4", status="Đã trả kết quả"),                       # ended without an end date
            _row("H5", status="Hoàn thành", received="05/07/2025", resolved="01/07/2025"),
            _row("", status="Đang xử lý"),                             # key missing, not a footer
            _row("H7", status="Đang xử lý", resolved="03/07/2025")]    # kept, date dropped, warned
    parsed = _parse(write_xlsx(tmp_path / "b.xlsx", rows))
    found = {(q["row"], q["column"], q["value"], q["reason"]) for q in parsed.quarantine}
    assert found == {
        (4, "Ngày tiếp nhận", "31/02/2025", "bad_date"),
        (5, "Hình thức nộp", "Fax", "bad_category"),
        (6, "Ngày hoàn thành", "", "ended_without_date"),
        (7, "Ngày hoàn thành", "01/07/2025", "end_before_received"),
        (8, "Mã hồ sơ", "", "missing_value"),
    }
    assert parsed.account.quarantined == 5
    assert parsed.records["dossier_id"] == ["H1", "H7"]
    assert parsed.records["source_row"] == [3, 9]
    assert parsed.records["resolved_at"] == [None, None]
    assert [(w["row"], w["reason"]) for w in parsed.warnings] == [(9, "open_with_end_date")]


def test_personal_and_unknown_columns_never_reach_the_records(tmp_path):
    parsed = _parse(write_xlsx(tmp_path / "c.xlsx", [DOSSIER_HEADER, _row("H1")]))
    assert parsed.personal_columns == ["Chủ hồ sơ", "Số điện thoại"]
    assert parsed.unknown_columns == ["STT"]
    values = {str(v) for column in parsed.records.values() for v in column}
    assert "Nguyễn A" not in values and "0900000000" not in values


def test_excel_date_cells_and_serials(tmp_path):
    rows = [DOSSIER_HEADER, _row("H1", received=dt.datetime(2025, 7, 2, 9, 30)), _row("H2", received=45840)]
    parsed = _parse(write_xlsx(tmp_path / "d.xlsx", rows))
    assert parsed.records["received_at"] == [dt.date(2025, 7, 2), dt.date(2025, 7, 2)]


def test_rows_keyed_in_the_first_column_blank_footer_and_data_alike(tmp_path):
    """The key first: an ASCII key is a data row (even 'TONG SO', without its diacritics), a
    blank key a quarantined row, 'Tổng cộng' in the key column the footer."""
    header = DOSSIER_HEADER[1:]
    rows = [header, _row("H1")[1:], _row("TONG SO")[1:], _row(" \t")[1:], [""] * 5,
            ["Tổng cộng: 3 hồ sơ"], _row("H2")[1:]]
    parsed = parse_file(write_xlsx(tmp_path / "k.xlsx", rows), "k.xlsx", "0" * 64, None, load_specs())
    a = parsed.account
    assert (a.read, a.header, a.data, a.blank, a.footer, a.quarantined) == (7, 1, 4, 1, 1, 1)
    assert parsed.footer == {"row": 6, "text": "Tổng cộng: 3 hồ sơ", "declared": 3}
    assert parsed.records["dossier_id"] == ["H1", "TONG SO", "H2"]
    assert [(q["row"], q["reason"]) for q in parsed.quarantine] == [(4, "missing_value")]


def test_header_keys_of_ascii_cells_are_their_match_keys():
    """headers._header_key (a shortcut for ASCII text) = match_key(cell.rstrip(" :*"))."""
    import random

    from cchc.core.text import match_key
    from cchc.ingest.headers import _header_key

    random.seed(3)
    cells = ["Mã hồ sơ:", "  STT *", "Ngày\u00a0tiếp nhận", "A\tB\x1fC", "x :* ", "ABC  def\n", "*", ":"]
    cells += ["".join(random.choice("aZ9 \t\n\x0b\x1c:*.-Đô") for _ in range(random.randint(1, 12)))
              for _ in range(2000)]
    assert [_header_key(c) for c in cells] == [match_key(c.rstrip(" :*")) for c in cells]


def test_header_found_through_the_shared_keys_as_through_each_cell():
    """find_header with header_keys (a row skipped when none of its keys names the key column)
    = find_header cell by cell, for every source, on title rows, headers and data rows."""
    from cchc.ingest.headers import find_header, header_keys

    rows = [["UBND XÃ A"], ["Mã thủ tục :", 12, None], DOSSIER_HEADER, _row("H1"), CATALOGUE_HEADER,
            ["STT", "Số ký hiệu*", "Ngày ban hành", "Trích yếu"], [None, "  "], _row("H2")]
    for start in range(len(rows)):
        part = rows[start:]
        keys = header_keys(part)
        for spec in load_specs().values():
            assert find_header(spec, part, keys) == find_header(spec, part)
