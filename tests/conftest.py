"""Shared builders for messy raw exports and project roots."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
CCHC = [sys.executable, "-m", "cchc"]

DOSSIER_HEADER = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết",
                  "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hoàn thành", "Trạng thái",
                  "Số hóa hồ sơ", "Tái sử dụng", "Thanh toán", "Chủ hồ sơ", "Số điện thoại",
                  # columns no row fills: present, so their figures are computed (0, or 0/0)
                  "Số hóa kết quả", "Liên thông", "Đánh giá"]
CATALOGUE_HEADER = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Mức độ DVC", "Công khai trên Cổng DVC",
                    "Quy trình điện tử"]


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ";", bom: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def catalogue_rows() -> list[list[Any]]:
    return [["DANH MỤC THỦ TỤC HÀNH CHÍNH"], [], CATALOGUE_HEADER,
            ["1.001", "Đăng ký khai sinh", "Hộ tịch", "Toàn trình", "Có", "Có"],
            ["1.002", "Chứng thực bản sao từ bản chính", "Chứng thực", "Một phần", "Có", "Có"],
            ["2.001", "Đăng ký biến động đất đai", "Đất đai", "Không", "Có", "Không"],
            ["Tổng số: 3 thủ tục"]]


def d(day: str) -> dt.datetime:
    return dt.datetime.strptime(day, "%d/%m/%Y")


def messy_dossier_files(raw: Path) -> None:
    """Two overlapping monthly exports (xlsx with titles and footer; csv with alias headers in
    NFD and new-style tones) with a few bad rows. Window 2025-07-01..2025-07-31.

    Final dossiers (after the later file wins): see test_cli.EXPECTED.
    """
    july = [
        ["ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM"], ["DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH"],
        ["Từ ngày 01/07/2025 đến ngày 20/07/2025"], [],
        DOSSIER_HEADER,
        [1, "HS001", "1.001", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Trực tuyến",
         d("02/07/2025"), "05/07/2025", "04/07/2025 10:15", "Đã trả kết quả", "Có", "x", "Trực tuyến",
         "Nguyễn Văn An", "0912345678"],
        [2, "HS002", "1.002", "Chứng thực", "Chứng thực", "UBND xã", "Trực tiếp",
         "03/07/2025", "03/07/2025", "", "Đang xử lý", "Có", "", "", "Trần Thị Bình", "0987654321"],
        [3, "HS003", "2.001", "Đăng ký biến động", "Đất đai", "Chi nhánh Văn phòng đăng ký đất đai",
         "BCCI", 45845, "2025-07-30", "", "Chờ bổ sung", "1", "0", "Trực tiếp", "Lê Văn Cường", ""],
        [4, "HS004", "1.001", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Trực tuyến",
         "31/02/2025", "", "", "Đang xử lý", "Có", "", "", "Phạm Dũng", ""],          # bad date
        [5, "HS005", "1.001", "Đăng ký khai sinh", "Hộ tịch", "UBND xã", "Qua mạng xã hội",
         "05/07/2025", "", "", "Đang xử lý", "Có", "", "", "Vũ Em", ""],              # bad channel
        [6, "HS006", "1.002", "Chứng thực", "Chứng thực", "UBND xã", "Trực tiếp",
         "06/07/2025", "06/07/2025", "", "Đã trả kết quả", "Có", "", "", "Đỗ Phương", ""],  # no end date
        [7, "HS007", "1.002", "Chứng thực", "Chứng thực", "UBND xã", "Trực tiếp",
         "28/06/2025", "30/06/2025", "", "Từ chối tiếp nhận", "Không", "", "", "Hồ Giang", ""],
        [],
        ["Tổng số: 7 hồ sơ"],
    ]
    write_xlsx(raw / "ho-so-2025-07a.xlsx", july)
    nfd = lambda s: __import__("unicodedata").normalize("NFD", s)  # noqa: E731
    header = ["Số hồ sơ", "Mã TTHC", "Thủ tục", "Lĩnh vực TTHC", "Đơn vị xử lý", "Kênh nộp", "Ngày nhận",
              "Hạn xử lý", "Ngày có kết quả", "Tình trạng", "Đã số hoá", "Tái sử dụng dữ liệu",
              "Hình thức thanh toán", "Người nộp"]
    later = [
        [nfd("DANH SÁCH HỒ SƠ")], [],
        [nfd(h) for h in header],
        # HS002 updated: resolved late on 10/07 (conflict with the July file)
        ["HS002", "1.002", nfd("Chứng thực"), nfd("Chứng thực"), nfd("UBND xã"), nfd("Trực tiếp"),
         "03/07/2025", "03/07/2025", "10/07/2025", nfd("Đã giải quyết"), nfd("Có"), "", "", nfd("Trần Thị Bình")],
        # HS003 identical to the July file (a duplicate without conflict)
        ["HS003", "2.001", nfd("Đăng ký biến động"), nfd("Đất đai"), nfd("Chi nhánh Văn phòng đăng ký đất đai"),
         "BCCI", "07/07/2025", "30-07-2025", "", nfd("Chờ bổ sung"), "1", "0", nfd("Trực tiếp"), nfd("Lê Văn Cường")],
        ["HS008", "1.001", nfd("Đăng ký khai sinh"), nfd("Hộ tịch"), nfd("UBND xã"), nfd("Trực tuyến"),
         "15/7/2025 08:30", "", "20/07/2025", nfd("Hoàn thành"), nfd("Có"), nfd("Có"), nfd("Không thu phí"), "X"],
        ["HS009", "1.001", nfd("Đăng ký khai sinh"), nfd("Hộ tịch"), nfd("UBND xã"), nfd("Trực tuyến"),
         "01/08/2025", "05/08/2025", "", nfd("Đang xử lý"), nfd("Có"), "", "", "Y"],     # after cut-off
        [nfd("Tổng cộng"), "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    write_csv(raw / "ho-so-2025-07b.csv", later)


def make_root(tmp: Path, unit: str = "xa-thu", period: str = "2025-07", params: str | None = None,
              with_data: bool = True) -> Path:
    root = tmp / "project"
    (root / "params" / unit).mkdir(parents=True)
    (root / "params" / unit / f"{period}.yaml").write_text(
        params if params is not None else 'unit_name: "Xã Thử Nghiệm"\n', encoding="utf-8")
    raw = root / "data" / "raw" / unit / period
    raw.mkdir(parents=True)
    if with_data:
        write_xlsx(raw / "danh-muc.xlsx", catalogue_rows())
        messy_dossier_files(raw)
    return root


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CCHC, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture
def messy_root(tmp_path: Path) -> Path:
    return make_root(tmp_path)


@pytest.fixture
def repo_params(tmp_path: Path) -> Path:
    """A root holding a copy of the repository's params/ (the demo commune)."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "params", root / "params")
    return root


def meta(label: str, unit: str = "hồ sơ") -> dict[str, str]:
    """A figure's label, unit and definition, for figures built in a test."""
    return {"label": label, "unit": unit, "definition": f"Định nghĩa: {label}."}
