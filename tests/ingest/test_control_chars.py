"""Control and zero-width characters in cells are cleaned at read, counted in the ingest report,
and never reach a writer (issue 21.6: a vertical tab in an agency name made the Word writer exit 3)."""

from __future__ import annotations

import io
import json

import docx
import pandas as pd
import pytest

from cchc.config.params import load_params
from cchc.ingest import cells as V
from cchc.ingest.run import ingest

from conftest import DOSSIER_HEADER, catalogue_rows, d, make_root, run_cli, write_csv, write_xlsx

AGENCY = "Phòng Tư pháp Thử"
PROCEDURE = "Đăng ký khai sinh"
# Every kind the issue names: vertical tab, escape, bell, start of heading (C0), zero width
# space, byte order mark inside the cell, next line (C1).
DIRTY_AGENCY = "Phòng\x0bTư\x1b pháp\x07 Thử\x01\u200b\ufeff\x85"
DIRTY_PROCEDURE = "Đăng\x85ký\u200b khai\x01 sinh\ufeff"


def _xlsx_text(text: str) -> str:
    """``text`` as an xlsx stores a C0 control (_x000B_): openpyxl refuses the raw character,
    the workbook reader gives it back as it was."""
    return "".join(f"_x{ord(ch):04X}_" if ord(ch) < 0x20 else ch for ch in text)


def _row(number: int, key: str, procedure: str, agency: str, day: str) -> list:
    return [number, key, "1.001", procedure, "Hộ tịch", agency, "Trực tuyến", d(day), "", "",
            "Đang xử lý", "Có", "", "", "", ""]


@pytest.fixture
def dirty_root(tmp_path):
    root = make_root(tmp_path, with_data=False)
    raw = root / "data/raw/xa-thu/2025-07"
    write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
    write_xlsx(raw / "ho-so-a.xlsx", [DOSSIER_HEADER,
                                      _row(1, "HS001", _xlsx_text(DIRTY_PROCEDURE), _xlsx_text(DIRTY_AGENCY), "02/07/2025"),
                                      _row(2, "HS002", PROCEDURE, _xlsx_text(DIRTY_AGENCY), "03/07/2025"),
                                      _row(3, "HS003", PROCEDURE, AGENCY, "04/07/2025")])
    csv_rows = [[c if not hasattr(c, "strftime") else c.strftime("%d/%m/%Y") for c in row] for row in (
        _row(4, "HS004", DIRTY_PROCEDURE, DIRTY_AGENCY, "05/07/2025"),
        _row(5, "HS005", PROCEDURE, AGENCY, "06/07/2025"))]
    write_csv(raw / "ho-so-b.csv", [DOSSIER_HEADER, *csv_rows])
    return root


def test_clean_text_drops_controls_and_keeps_words_apart():
    assert V.clean_text(DIRTY_AGENCY) == "Phòng Tư pháp Thử "
    assert V.clean_text(DIRTY_PROCEDURE) == "Đăng ký khai sinh"
    assert V.clean_text("a\tb\nc") == "a\tb\nc"  # tab and line feed are whitespace, left to normalisation
    assert V.clean_text("ổn định") == "ổn định"


def test_strip_controls_counts_cells_and_leaves_clean_columns_alone():
    clean = ("UBND xã", None, 3.0, "UBND xã")
    assert V.strip_controls(clean) == (clean, 0)
    cells, count = V.strip_controls(("a\x07b", None, "a\x07b", "c", 1))
    assert (cells, count) == (["ab", None, "ab", "c", 1], 2)


def test_ingest_cleans_cells_and_reports_where(dirty_root):
    result = ingest(dirty_root, load_params(dirty_root, "xa-thu", "2025-07"))
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet").set_index("dossier_id")
    assert sorted(dossiers.index) == ["HS001", "HS002", "HS003", "HS004", "HS005"]  # nothing dropped
    assert set(dossiers["agency"]) == {AGENCY}
    assert set(dossiers["procedure_name"]) == {PROCEDURE}
    report = json.loads((result.processed_dir / "ingest-report.json").read_text(encoding="utf-8"))
    cleaned = {f["file"].rsplit("/", 1)[1]: f.get("cleaned") for f in report["files"]}
    assert cleaned == {"danh-muc.xlsx": None,
                       "ho-so-a.xlsx": {"Tên thủ tục": 1, "Cơ quan giải quyết": 2},
                       "ho-so-b.csv": {"Tên thủ tục": 1, "Cơ quan giải quyết": 1}}
    markdown = (result.processed_dir / "ingest-report.md").read_text(encoding="utf-8")
    assert ("Đã loại bỏ ký tự điều khiển, ký tự không độ rộng trong 2 ô của cột 'Cơ quan giải quyết', "
            "tệp data/raw/xa-thu/2025-07/ho-so-a.xlsx.") in markdown
    assert "trong 1 ô của cột 'Tên thủ tục', tệp data/raw/xa-thu/2025-07/ho-so-b.csv." in markdown


def test_full_run_writes_a_word_file_with_the_clean_name(dirty_root):
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(dirty_root))
    assert done.returncode == 0, done.stderr
    document = docx.Document(str(dirty_root / "outputs/xa-thu/2025-07/report.docx"))
    text = " ".join([p.text for p in document.paragraphs]
                    + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert AGENCY in text
    assert V.clean_text(text) == text  # no control character anywhere in the document


def test_the_word_writer_drops_what_xml_refuses():
    """A text that reaches the Word writer with a control character (a parameter, a prose)
    loses the character, not the document."""
    from cchc.render.docx import docx as word_file

    data = word_file(f"<p>Báo cáo</p><p>{DIRTY_AGENCY}</p><table><tr><td>{DIRTY_PROCEDURE}</td></tr></table>",
                     title="Xã\x07 Thử")
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    joined = " ".join(texts)
    assert "pháp Thử" in joined and "khai sinh" in joined
    assert not any(ch in joined for ch in "\x0b\x1b\x07\x01")
    assert document.core_properties.title == "Xã Thử"


def test_a_header_with_a_zero_width_space_is_still_its_column(tmp_path):
    root = make_root(tmp_path, with_data=False)
    raw = root / "data/raw/xa-thu/2025-07"
    write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
    header = [f"{name}\u200b" if name == "Cơ quan giải quyết" else name for name in DOSSIER_HEADER]
    write_csv(raw / "ho-so.csv", [["DANH SÁCH\x07 HỒ SƠ"], header,
                                  [c.strftime("%d/%m/%Y") if hasattr(c, "strftime") else c
                                   for c in _row(1, "HS001", PROCEDURE, AGENCY, "02/07/2025")],
                                  ["Tổng\x01 số: 1 hồ sơ"]])
    result = ingest(root, load_params(root, "xa-thu", "2025-07"))
    dossiers = pd.read_parquet(result.processed_dir / "dossiers.parquet")
    assert list(dossiers["agency"]) == [AGENCY]
    entry = next(f for f in result.report["files"] if f["file"].endswith("ho-so.csv"))
    assert entry["headers"]["agency"] == "Cơ quan giải quyết" and "cleaned" not in entry
    assert entry["footer"]["text"] == "Tổng số: 1 hồ sơ" and entry["footer"]["matches"] is True
