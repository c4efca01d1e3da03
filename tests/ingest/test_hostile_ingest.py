"""Hostile and faulty raw exports through the real command (`cchc ingest`, `cchc run`): each
is refused with a Vietnamese message naming the file (and sheet, row, column, value, reason
where there is one) and leaves the processed data, the raw files and the folders as they were,
or is read correctly with its bad cells quarantined and its personal values masked."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import CATALOGUE_HEADER, catalogue_rows, make_root, run_cli, write_csv, write_xlsx
from programs import pdftotext

UNIT, PERIOD = "xa-thu", "2025-07"
RAW = Path("data/raw") / UNIT / PERIOD
PROCESSED = Path("data/processed") / UNIT / PERIOD
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết", "Hình thức nộp",
          "Ngày tiếp nhận", "Ngày hoàn thành", "Trạng thái", "Số hóa hồ sơ"]


def dossier(key: str, received: Any = "02/07/2025", resolved: Any = "03/07/2025", digitized: Any = "Có",
            name: Any = "Đăng ký khai sinh", status: Any = "Đã trả kết quả") -> list[Any]:
    return [key, "1.001", name, "Hộ tịch", "UBND xã", "Trực tuyến", received, resolved, status, digitized]


def good_rows() -> list[list[Any]]:
    return [["DANH SÁCH HỒ SƠ"], HEADER, dossier("HS001"), dossier("HS002"), ["Tổng số: 2 hồ sơ"]]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A root with a catalogue and a clean dossier export, already ingested once."""
    root = make_root(tmp_path_factory.mktemp("hostile"), with_data=False)
    write_xlsx(root / RAW / "danh-muc.xlsx", catalogue_rows())
    write_xlsx(root / RAW / "ho-so.xlsx", good_rows())
    done = ingest(root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def root(template, tmp_path) -> Path:
    copy = tmp_path / "root"
    shutil.copytree(template, copy)
    return copy


def ingest(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root), *extra)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (lock files aside) with its hash: contents and leftovers."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def refused(root: Path, name: str, *needles: str) -> str:
    """Run the ingest on ``root`` (holding the hostile file ``name``): exit 1, no traceback,
    a message naming the file and ``needles``; processed data and raw files untouched, no
    staging folder left. Returns the message."""
    processed, raw = tree(root / "data" / "processed"), tree(root / RAW)
    done = ingest(root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr
    # the error line (after the log's time, unit and period when not on a terminal) and what follows it
    assert "Lỗi: " in done.stderr, done.stderr
    message = done.stderr[done.stderr.index("Lỗi: "):]
    assert name in message, message
    for needle in needles:
        assert needle in message, (needle, message)
    assert tree(root / "data" / "processed") == processed, "processed data changed or leftovers"
    assert tree(root / RAW) == raw, "a raw file was modified"
    return message


def quarantined(root: Path) -> tuple[pd.DataFrame, str, dict]:
    """Run the ingest (exit 0, raw files untouched): the quarantine, the report (md, json)."""
    raw = tree(root / RAW)
    done = ingest(root, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert tree(root / RAW) == raw
    quarantine = pd.read_parquet(root / PROCESSED / "quarantine.parquet")
    markdown = (root / PROCESSED / "ingest-report.md").read_text(encoding="utf-8")
    report = json.loads((root / PROCESSED / "ingest-report.json").read_text(encoding="utf-8"))
    return quarantine, markdown, report


def rewrite_zip(path: Path, change: dict[str, Any], add: dict[str, bytes] | None = None) -> None:
    """Rewrite parts of a zip (a part -> function of its bytes), adding others."""
    source = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename in change:
                data = change[info.filename](data)
            new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)


def write_ods(path: Path, rows: list[list[Any]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves, without styles)."""
    def cell(value: Any) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Hồ sơ">'
               f'{body}</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def sheet_xml(change):
    return {"xl/worksheets/sheet1.xml": change}


# --------------------------------------------------------------------------- refused files

def test_a_tiny_xlsx_with_a_cell_at_the_far_corner_is_refused_before_reading(root):
    path = write_xlsx(root / RAW / "goc-xa.xlsx", good_rows())
    rewrite_zip(path, sheet_xml(lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row></sheetData>')))
    assert path.stat().st_size < 10_000
    refused(root, "goc-xa.xlsx", "trang tính 'Sheet'", "XFD1048576", "quá lớn")


def test_a_huge_declared_dimension_is_refused(root):
    path = write_xlsx(root / RAW / "kich-thuoc.xlsx", good_rows())
    rewrite_zip(path, sheet_xml(lambda xml: xml.replace(b'<dimension ref="A1:J5"/>',
                                                        b'<dimension ref="A1:XFD1048576"/>')))
    refused(root, "kich-thuoc.xlsx", "A1:XFD1048576", "Sheet")


def test_a_zip_bomb_part_is_refused(root):
    path = write_xlsx(root / RAW / "bom.xlsx", good_rows())
    rewrite_zip(path, {}, add={"xl/media/padding.bin": b"\0" * 60_000_000})
    assert path.stat().st_size < 1_000_000
    refused(root, "bom.xlsx", "xl/media/padding.bin", "giải nén")


def test_text_named_xlsx_is_unreadable(root):
    (root / RAW / "hong.xlsx").write_text("đây không phải bảng tính", encoding="utf-8")
    refused(root, "hong.xlsx", "Excel (.xlsx)")


def test_garbage_named_ods_is_unreadable(root):
    (root / RAW / "hong.ods").write_bytes(b"PK\x03\x04 not really a zip")
    refused(root, "hong.ods", "OpenDocument (.ods)")


def test_garbage_named_xls_is_unreadable(root):
    (root / RAW / "hong.xls").write_bytes(b"\xd0\xcf\x11\xe0 truncated ole file")
    refused(root, "hong.xls", "Excel 97-2003 (.xls)")


def test_a_zip_without_a_workbook_is_unreadable(root):
    with zipfile.ZipFile(root / RAW / "nen.xlsx", "w") as archive:
        archive.writestr("readme.txt", "không có workbook")
    refused(root, "nen.xlsx", "không đọc được")


def test_an_empty_file_is_named(root):
    (root / RAW / "rong.csv").write_bytes(b"")
    refused(root, "rong.csv", "rỗng")


def test_a_csv_not_in_utf8_names_its_line(root):
    text = "Mã hồ sơ;Mã thủ tục\nHS9;1.001\nHS10;Đăng ký\n"
    (root / RAW / "latin.csv").write_bytes(text.encode("cp1258", errors="replace"))
    refused(root, "latin.csv", "dòng 1", "UTF-8")


def test_a_csv_with_a_nul_byte_names_its_line(root):
    (root / RAW / "nul.csv").write_bytes("Mã hồ sơ;Mã thủ tục\nHS9;1.001\nHS10\x00;1.001\n".encode())
    refused(root, "nul.csv", "dòng 3")


def test_an_unclosed_quote_swallowing_the_file_is_a_clear_error(root):
    body = ";".join(HEADER) + "\n" + '"HS9;' + "x" * 1_200_000 + "\n"
    (root / RAW / "ngoac.csv").write_text(body, encoding="utf-8")
    refused(root, "ngoac.csv", "dòng 2", "ngoặc kép")


def test_a_csv_row_wider_than_a_sheet_is_refused(root):
    body = ";".join(HEADER) + "\n" + "HS9;1.001" + ";" * 20_000 + "\n"
    (root / RAW / "rong-cot.csv").write_text(body, encoding="utf-8")
    refused(root, "rong-cot.csv", "dòng 2", "20.002 cột")


def test_a_missing_required_column_is_named_with_its_aliases(root):
    # Only the key and the received date are required (raw-exports.md §7, issue 21).
    row = dossier("HS9")
    write_xlsx(root / RAW / "thieu.xlsx", [[h for h in HEADER if h != "Ngày tiếp nhận"], row[:6] + row[7:]])
    refused(root, "thieu.xlsx", "'Ngày tiếp nhận'", "Ngày nhận")


def test_a_failed_run_keeps_previous_outputs(root):
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--allow-failed-checks")
    assert done.returncode == 0, done.stderr
    outputs = tree(root / "outputs")
    path = write_xlsx(root / RAW / "goc-xa.xlsx", good_rows())
    rewrite_zip(path, sheet_xml(lambda xml: xml.replace(
        b"</sheetData>", b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>')))
    processed = tree(root / "data" / "processed")
    done = run_cli("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root))
    assert done.returncode == 1 and "goc-xa.xlsx" in done.stderr and "Traceback" not in done.stderr
    assert tree(root / "outputs") == outputs
    assert tree(root / "data" / "processed") == processed


# --------------------------------------------------------------------------- cells quarantined

def _error_cells(xml: bytes) -> bytes:
    """HS002's reception date becomes #REF!, HS001's digitisation #N/A (Excel error cells)."""
    xml = xml.replace(b'<c r="G4" t="inlineStr"><is><t>02/07/2025</t></is></c>',
                      b'<c r="G4" t="e"><f>#REF!+1</f><v>#REF!</v></c>')
    return xml.replace(b'<c r="J3" t="inlineStr"><is><t>C&#243;</t></is></c>', b'<c r="J3" t="e"><v>#N/A</v></c>')


def test_excel_error_cells_are_quarantined_showing_the_error(root):
    path = write_xlsx(root / RAW / "ho-so.xlsx", good_rows())
    rewrite_zip(path, sheet_xml(_error_cells))
    quarantine, markdown, _ = quarantined(root)
    found = sorted(zip(quarantine["row"], quarantine["column"], quarantine["value"], quarantine["reason"]))
    assert found == [(3, "Số hóa hồ sơ", "#N/A", "excel_error"), (4, "Ngày tiếp nhận", "#REF!", "excel_error")]
    assert set(quarantine["sheet"]) == {"Sheet"}
    assert "| Sheet | 3 | Số hóa hồ sơ | #N/A | ô báo lỗi công thức của Excel" in markdown
    dossiers = pd.read_parquet(root / PROCESSED / "dossiers.parquet")
    assert dossiers.empty  # never a silent "Không"


def test_a_formula_saved_without_its_value_is_quarantined(root):
    rows = good_rows()
    rows[2][9] = '=IF(G3<>"","Có","Không")'   # openpyxl writes the formula without a cached value
    write_xlsx(root / RAW / "ho-so.xlsx", rows)
    quarantine, markdown, _ = quarantined(root)
    assert list(zip(quarantine["row"], quarantine["reason"])) == [(3, "uncached_formula")]
    assert quarantine["value"][0].startswith("=IF(")
    assert "tính lại" in markdown


def test_error_text_in_a_csv_is_an_excel_error(root):
    write_csv(root / RAW / "ho-so-b.csv", [HEADER, dossier("HS003", digitized="#VALUE!"),
                                          dossier("HS004", name="#NAME?"), dossier("HS005", resolved="Err:502")])
    quarantine, _, report = quarantined(root)
    assert sorted(zip(quarantine["row"], quarantine["value"], quarantine["reason"])) == [
        (2, "#VALUE!", "excel_error"), (3, "#NAME?", "excel_error"), (4, "Err:502", "excel_error")]
    assert report["balanced"]


@pytest.mark.parametrize("deadline, reason, limit", [(-3, "too_small", "0"), (10 ** 12, "too_large", "365"),
                                                     ("1.000.000", "too_large", "365")])
def test_implausible_deadlines_are_quarantined(root, deadline, reason, limit):
    rows = catalogue_rows()
    rows[2] = CATALOGUE_HEADER + ["Thời hạn giải quyết (ngày)"]
    rows[3] = rows[3] + [deadline]
    write_xlsx(root / RAW / "danh-muc.xlsx", rows)
    quarantine, markdown, report = quarantined(root)
    assert list(zip(quarantine["row"], quarantine["column"], quarantine["reason"])) == [
        (4, "Thời hạn giải quyết (ngày)", reason)]
    item = report["quarantine"]["items"][0]
    assert item["limit"] == limit and limit in item["reason_text"]


def test_dates_in_the_far_future_or_past_are_quarantined(root):
    write_xlsx(root / RAW / "ho-so.xlsx", [HEADER, dossier("HS001", received="02/07/2095", resolved=""),
                                           dossier("HS002", received="01/01/1985", resolved="02/01/1985"),
                                           dossier("HS003", received="02/07/2025", resolved="03/07/2125"),
                                           dossier("HS004")])
    quarantine, markdown, _ = quarantined(root)
    assert sorted(zip(quarantine["row"], quarantine["reason"])) == [
        (2, "too_late"), (3, "too_early"), (3, "too_early"), (4, "too_late")]
    assert "ngày trước 01/01/1990" in markdown
    assert list(pd.read_parquet(root / PROCESSED / "dossiers.parquet")["dossier_id"]) == ["HS004"]


# --------------------------------------------------------------------------- formats read

def test_an_ods_export_is_read_like_an_xlsx(root):
    (root / RAW / "ho-so.xlsx").unlink()
    write_ods(root / RAW / "ho-so.ods", good_rows() + [dossier("HS003", digitized="Err:502")])
    quarantine, _, report = quarantined(root)
    dossiers = pd.read_parquet(root / PROCESSED / "dossiers.parquet")
    assert sorted(dossiers["dossier_id"]) == ["HS001", "HS002"]
    assert set(dossiers["source_sheet"]) == {"Hồ sơ"}
    assert list(zip(quarantine["row"], quarantine["value"], quarantine["reason"])) == [(6, "Err:502", "excel_error")]
    assert report["files"][1]["footer"]["declared"] == 2


@pytest.mark.parametrize("delimiter, bom", [(",", True), (",", False), (";", True), (";", False)])
def test_csv_separator_and_bom_are_detected(root, delimiter, bom):
    (root / RAW / "ho-so.xlsx").unlink()
    write_csv(root / RAW / "ho-so.csv", good_rows(), delimiter=delimiter, bom=bom)
    _, _, report = quarantined(root)
    dossiers = pd.read_parquet(root / PROCESSED / "dossiers.parquet")
    assert sorted(dossiers["dossier_id"]) == ["HS001", "HS002"] and report["balanced"]


# --------------------------------------------------------------------------- personal values

SECRETS = ["079201001234", "0912 345 678", "+84 987.654.321", "nguyen.van.an@gmail.com"]
DIGITS = ["079201001234", "0912345678", "84987654321", "987654321"]


def _everything_written(root: Path) -> str:
    """The text of every file under data/processed (the cache included) and outputs/."""
    texts = []
    for base in (root / "data" / "processed", root / "outputs"):
        for path in sorted(base.rglob("*")) if base.exists() else []:
            if not path.is_file():
                continue
            if path.suffix == ".parquet":
                texts.append(pd.read_parquet(path).astype(str).to_csv())
            elif path.suffix in (".xlsx", ".docx"):
                with zipfile.ZipFile(path) as archive:
                    texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            elif path.suffix == ".pdf":
                texts.append(pdftotext(path))
            else:
                texts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(texts)


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS + DIGITS:
        assert secret not in text, secret
    assert "nguyen.van" not in text


def test_personal_values_in_any_column_are_masked_everywhere(root):
    rows = [HEADER]
    for index, column in enumerate(HEADER):
        for secret in SECRETS:
            row = dossier(f"HS1{index:02d}{SECRETS.index(secret)}")
            row[index] = secret
            rows.append(row)
    write_xlsx(root / RAW / "ho-so.xlsx", rows)
    write_csv(root / RAW / "ho-so-b.csv", rows)
    quarantine, markdown, _ = quarantined(root)
    assert "0792••••1234" in set(quarantine["value"])
    assert "personal_value" in set(quarantine["reason"])
    names = set(pd.read_parquet(root / PROCESSED / "dossiers.parquet")["procedure_name"])
    assert {"091••••678", "+8498••••321"} <= names
    _assert_no_secret(_everything_written(root))


@pytest.mark.slow
def test_personal_values_planted_in_every_column_of_every_demo_export_never_leak(repo_params):
    """The demo commune, with a personal value planted in every column of every export (each
    in a row of its own): a full `cchc run` writes none of them anywhere."""
    import openpyxl

    root = repo_params
    shutil.rmtree(root / "params" / "nguyen-luong-bang" / "prose")  # its placeholders name figures planted away
    assert run_cli("demo", "--root", str(root)).returncode == 0
    raw = root / "data" / "raw" / "nguyen-luong-bang" / "2025"
    planted = 0
    for path in sorted(raw.iterdir()):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            for sheet in book.worksheets:
                rows = list(sheet.iter_rows())
                header = max(range(min(len(rows), 16)), key=lambda i: sum(c.value is not None for c in rows[i]))
                data = rows[header + 1:]
                for column in range(len(rows[header])):
                    if column < len(data[0] if data else []) and data:
                        cell = data[(column * 7) % len(data)][column]
                        cell.value = SECRETS[column % len(SECRETS)]
                        planted += 1
            book.save(path)
        elif path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            delimiter = ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
            rows = [line.split(delimiter) for line in text.splitlines()]
            header = max(range(min(len(rows), 16)), key=lambda i: sum(bool(c) for c in rows[i]))
            data = rows[header + 1:]
            for column in range(len(rows[header])):
                row = data[(column * 7) % len(data)]
                if column < len(row):
                    row[column] = SECRETS[column % len(SECRETS)].replace(delimiter, " ")
                    planted += 1
            path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    assert planted > 100
    done = run_cli("run", "--unit", "nguyen-luong-bang", "--period", "2025", "--root", str(root),
                   "--allow-failed-checks")
    assert done.returncode == 0, done.stdout + done.stderr
    written = _everything_written(root)
    assert "0792••••1234" in written
    _assert_no_secret(written)
