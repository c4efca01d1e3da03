"""Deterministic generator of a large, realistic dossier export (xlsx and csv) and a small
procedure catalogue, for the ingest benchmark (benchmarks/bench_ingest.py).

Layout of the dossier export (both formats):
    row 1   ỦY BAN NHÂN DÂN XÃ BÌNH AN                (title)
    row 2   DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH ...    (title)
    row 3   STT, Mã hồ sơ, Mã thủ tục, ... (canonical Vietnamese headers + personal columns)
    rows    data (N rows)
    last    Tổng số: 200.000 hồ sơ                    (footer)

xlsx: written with openpyxl in write_only mode; dates are real Excel datetime cells.
csv:  UTF-8 with BOM, ';' separated; dates as text in mixed forms ("05/07/2025 08:30",
      "05/07/2025", "2025-07-05 08:30:00", "5/7/2025").

The same seed gives byte-identical csv files and identical cell contents in the xlsx.
About 0.1 % of the rows are deliberately bad (quarantined by the ingest) and about 0.05 %
repeat an earlier dossier id (collapsed by the deduplication), as in real exports.

Generated files are cached under benchmarks/scratch/exports/ and reused when present.

    .venv/bin/python benchmarks/make_big_export.py [--rows 200000] [--seed 20250705] [--force]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = "1"
DEFAULT_ROWS = 200_000
DEFAULT_SEED = 20250705
HERE = Path(__file__).resolve().parent
WORK = HERE / "scratch"
EXPORTS = WORK / "exports"

DOSSIER_SHEET = "Danh sách hồ sơ"
CATALOGUE_SHEET = "Danh mục TTHC"
YEAR = 2025

UNIT_UPPER = "ỦY BAN NHÂN DÂN XÃ BÌNH AN"
COMMUNE = "UBND xã Bình An"
LAND_BRANCH = "Chi nhánh Văn phòng đăng ký đất đai khu vực Bình An"

# (code, name, field, agency key, deadline in working days, service level, has fee, weight)
PROCEDURES = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", "commune", 1, "Toàn trình", False, 120),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", "commune", 1, "Một phần", False, 25),
    ("1.000656", "Đăng ký khai tử", "Hộ tịch", "commune", 1, "Toàn trình", False, 30),
    ("1.004746", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "commune", 1, "Toàn trình", True, 60),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "commune", 3, "Toàn trình", True, 70),
    ("1.001022", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", "commune", 3, "Một phần", True, 4),
    ("1.000689", "Đăng ký lại khai sinh", "Hộ tịch", "commune", 5, "Một phần", True, 6),
    ("2.000635", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", "commune", 3, "Một phần", True, 12),
    ("1.000593", "Đăng ký giám hộ", "Hộ tịch", "commune", 3, "Một phần", False, 2),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
     "Chứng thực", "commune", 1, "Toàn trình", True, 260),
    ("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", "commune", 1, "Không", True, 90),
    ("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "Chứng thực",
     "commune", 2, "Không", True, 20),
    ("2.001019", "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", "Chứng thực",
     "commune", 2, "Không", True, 5),
    ("2.001016", "Chứng thực văn bản thỏa thuận phân chia di sản", "Chứng thực", "commune", 3, "Không", True, 8),
    ("1.012790", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai",
     "land", 10, "Một phần", True, 55),
    ("1.012756", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu", "Đất đai",
     "land", 20, "Một phần", True, 18),
    ("1.004227", "Xóa đăng ký thế chấp quyền sử dụng đất", "Đất đai", "land", 1, "Toàn trình", True, 30),
    ("1.004269", "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", "Đất đai", "land", 1,
     "Toàn trình", True, 35),
    ("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", "Bảo trợ xã hội",
     "commune", 10, "Một phần", False, 15),
    ("2.000286", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", "commune", 5,
     "Một phần", False, 6),
    ("1.010801", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", "commune", 10, "Không", False, 3),
    ("1.010803", "Cấp giấy xác nhận thân nhân của người có công", "Người có công", "commune", 5, "Không",
     False, 3),
    ("2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "commune", 3,
     "Toàn trình", True, 22),
    ("2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh",
     "commune", 3, "Toàn trình", True, 9),
    ("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Hoạt động xây dựng", "commune", 15, "Một phần",
     True, 14),
    ("1.003596", "Đăng ký kê khai số lượng chăn nuôi tập trung", "Chăn nuôi", "commune", 5, "Không", False, 2),
    ("1.001612", "Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "Bảo trợ xã hội", "commune", 10,
     "Không", False, 4),
    ("2.002175", "Công nhận hòa giải viên", "Phổ biến giáo dục pháp luật", "commune", 5, "Không", False, 1),
    ("1.008901", "Thủ tục xét tặng danh hiệu Gia đình văn hóa", "Văn hóa cơ sở", "commune", 5, "Không", False, 2),
    ("1.001257", "Đăng ký hoạt động tín ngưỡng", "Tín ngưỡng, tôn giáo", "commune", 15, "Không", False, 1),
]

CHANNELS = [("Trực tuyến", 46), ("trực tuyến", 4), ("Trực tiếp", 36), ("Trực tiếp tại bộ phận một cửa", 0),
            ("Tại bộ phận một cửa", 4), ("Bưu chính công ích", 4), ("Dịch vụ bưu chính", 3), ("BCCI", 3)]
CHANNELS = [c for c in CHANNELS if c[1]]
# state -> (labels, weight)
STATES = {
    "resolved_returned": (["Đã trả kết quả", "Hoàn thành", "Đã giải quyết"], 74),
    "resolved_pending": (["Đã có kết quả", "Đã xử lý xong"], 8),
    "processing": (["Đang xử lý", "Đã tiếp nhận", "Đang giải quyết", "Chờ phê duyệt"], 8),
    "paused": (["Chờ bổ sung", "Yêu cầu bổ sung", "Tạm dừng", "Chờ thực hiện nghĩa vụ tài chính"], 3),
    "withdrawn": (["Công dân rút hồ sơ", "Rút hồ sơ", "Đã rút"], 3),
    "rejected": (["Từ chối tiếp nhận", "Không được tiếp nhận", "Từ chối"], 4),
}
RATINGS = [("Rất hài lòng", 18), ("Hài lòng", 14), ("Không hài lòng", 1), (None, 67)]
INTERLINK = ["Khai sinh - Đăng ký thường trú - Cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
             "Khai tử - Xóa đăng ký thường trú - Hưởng chế độ tử tuất"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
            "Lý", "Đoàn", "Đinh", "Mạc", "Tăng", "Lương", "Phan", "Trịnh"]
MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Thị", "Thị", "Ngọc", "Thu",
          "Phương", "Kim", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hòa", "Hùng", "Huy", "Khánh", "Long", "Mạnh",
         "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Anh", "Chi", "Dung", "Giang",
         "Hà", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Mai", "Nga", "Nhung", "Oanh", "Thảo",
         "Trang", "Thủy", "Thúy", "Yến"]
VILLAGES = ["Thôn Phạm Xá", "Thôn Đông Phạm", "Thôn Nhân Lý", "Thôn Quyết Thắng", "Thôn Thanh Tùng",
            "Thôn Hòa Bình", "Thôn Đoàn Kết", "Thôn Tân Hưng", "Thôn Phú Thọ", "Thôn Lê Xá",
            "Thôn Hội Yên", "Thôn Đồng Tâm"]
STAFF = ["Nguyễn Thị Thu Hà", "Phạm Văn Quyết", "Đỗ Thị Hòa", "Vũ Minh Tuấn", "Lê Thị Ngọc Ánh",
         "Trần Đức Thủy"]
NOTES = ["Trả kết quả qua dịch vụ bưu chính", "Đã gọi điện hẹn trả", "Công dân nhận kết quả trực tiếp",
         "Hồ sơ bổ sung lần 1", "Ưu tiên người cao tuổi", "Đã thu phí tại quầy"]

# Column order of the export. "date" columns hold datetimes (or None / a bad text).
HEADERS = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết",
           "Hình thức nộp", "Chủ hồ sơ", "Số CCCD", "Số điện thoại", "Địa chỉ", "Ngày tiếp nhận",
           "Ngày hẹn trả", "Ngày hoàn thành", "Ngày trả kết quả", "Trạng thái", "Số hóa hồ sơ",
           "Số hóa kết quả", "Tái sử dụng", "Thanh toán", "Liên thông", "Mức độ DVC", "Đánh giá",
           "Người tiếp nhận", "Ghi chú"]
DATE_COLUMNS = {HEADERS.index(h) for h in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hoàn thành",
                                           "Ngày trả kết quả")}
DUE_COLUMN = HEADERS.index("Ngày hẹn trả")
CATALOGUE_HEADERS = ["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Mức độ DVC",
                     "Công khai trên Cổng DVC", "Quy trình điện tử", "Thời hạn giải quyết (ngày)",
                     "Phí, lệ phí"]


def vn_int(n: int) -> str:
    """200000 -> '200.000' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


@dataclass
class ExportFiles:
    rows: int
    seed: int
    dossiers_xlsx: Path
    dossiers_csv: Path
    catalogue_xlsx: Path
    catalogue_csv: Path
    manifest: Path

    @property
    def all(self) -> list[Path]:
        return [self.dossiers_xlsx, self.dossiers_csv, self.catalogue_xlsx, self.catalogue_csv, self.manifest]


def export_paths(rows: int, seed: int, folder: Path = EXPORTS) -> ExportFiles:
    stem = f"dossiers-{rows}-s{seed}-g{GENERATOR_VERSION}"
    cat = f"catalogue-g{GENERATOR_VERSION}"
    return ExportFiles(rows, seed, folder / f"{stem}.xlsx", folder / f"{stem}.csv",
                       folder / f"{cat}.xlsx", folder / f"{cat}.csv", folder / f"{stem}.json")


# --------------------------------------------------------------------------- the rows

def _add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _work_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A time within office hours (07:30-11:30, 13:30-17:00), to the minute."""
    minute = rng.randrange(0, 450)
    start = 7 * 60 + 30 if minute < 240 else 13 * 60 + 30 - 240
    total = start + minute
    return dt.datetime(day.year, day.month, day.day, total // 60, total % 60)


def generate_rows(rows: int, seed: int) -> list[list]:
    """The data rows (python values; dates as datetime, None for empty)."""
    rng = random.Random(seed)
    procs = PROCEDURES
    proc_weights = [p[-1] for p in procs]
    channel_labels, channel_weights = [c[0] for c in CHANNELS], [c[1] for c in CHANNELS]
    state_names = list(STATES)
    state_weights = [STATES[s][1] for s in state_names]
    rating_labels, rating_weights = [r[0] for r in RATINGS], [r[1] for r in RATINGS]
    working_days = [d for d in (dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365))
                    if d.weekday() < 5]
    cutoff = dt.date(YEAR, 12, 31)

    received = sorted(_work_time(rng, rng.choice(working_days)) for _ in range(rows))
    seq_by_day: dict[dt.date, int] = {}
    out: list[list] = []
    for index, when in enumerate(received):
        code, name, field, agency_key, deadline, level, has_fee, _ = rng.choices(procs, proc_weights)[0]
        day = when.date()
        seq_by_day[day] = seq_by_day.get(day, 0) + 1
        dossier_id = f"H31.45-{day:%y%m%d}-{seq_by_day[day]:04d}"
        agency = LAND_BRANCH if agency_key == "land" else COMMUNE
        channel = rng.choices(channel_labels, channel_weights)[0]
        online = channel.lower() == "trực tuyến"
        state = rng.choices(state_names, state_weights)[0]
        status = rng.choice(STATES[state][0])
        due = _add_working_days(day, deadline)
        due_at = dt.datetime(due.year, due.month, due.day)
        resolved_at = returned_at = None
        if state in ("resolved_returned", "resolved_pending", "withdrawn"):
            late = rng.random() < 0.04
            span = deadline + rng.randint(1, 5) if late else rng.randint(0, deadline)
            end_day = min(_add_working_days(day, span) if span else day, cutoff)
            resolved_at = _work_time(rng, end_day)
            if resolved_at < when:
                resolved_at = when + dt.timedelta(minutes=rng.randint(5, 90))
            if state == "resolved_returned":
                returned_at = resolved_at + dt.timedelta(hours=rng.randint(0, 30), minutes=rng.randint(0, 59))
        digitized = "Có" if rng.random() < (0.92 if online else 0.7) else "Không"
        result_digitized = "Có" if state.startswith("resolved") and rng.random() < 0.85 else "Không"
        reused = rng.choice(["Có", "Không", "Không"]) if online else "Không"
        if has_fee:
            payment = "Trực tuyến" if online and rng.random() < 0.8 else "Trực tiếp"
        else:
            payment = rng.choice(["Không thu phí", None])
        interlink = None
        if code == "1.001193" and rng.random() < 0.35:
            interlink = INTERLINK[0]
        elif code == "1.000656" and rng.random() < 0.35:
            interlink = INTERLINK[1]
        rating = rng.choices(rating_labels, rating_weights)[0] if online else None
        holder = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        id_number = f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}{rng.randint(40, 99):02d}{rng.randrange(10**6):06d}"
        phone = f"0{rng.choice('389')}{rng.randrange(10**8):08d}" if rng.random() < 0.9 else None
        address = f"{rng.choice(VILLAGES)}, xã Bình An, tỉnh Hưng Yên"
        receiver = "Hệ thống DVC trực tuyến" if online else rng.choice(STAFF)
        note = rng.choice(NOTES) if rng.random() < 0.08 else None
        out.append([index + 1, dossier_id, code, name, field, agency, channel, holder, id_number, phone,
                    address, when, due_at, resolved_at, returned_at, status, digitized, result_digitized,
                    reused, payment, interlink, level, rating, receiver, note])

    # ~0.05 % of the rows repeat an earlier dossier (re-exported after a status change).
    col = {h: i for i, h in enumerate(HEADERS)}
    for _ in range(max(1, rows // 2000)):
        later = rng.randrange(rows // 2, rows)
        earlier = rng.randrange(0, later)
        copy = list(out[earlier])
        copy[col["STT"]] = later + 1
        if rng.random() < 0.5:  # a later state of the same dossier: values differ (a conflict)
            copy[col["Trạng thái"]] = "Đã trả kết quả"
            end = copy[col["Ngày tiếp nhận"]] + dt.timedelta(days=1)
            copy[col["Ngày hoàn thành"]] = end
            copy[col["Ngày trả kết quả"]] = end + dt.timedelta(hours=2)
        out[later] = copy
    # ~0.1 % deliberately bad rows (quarantined at ingest), five kinds.
    for n in range(max(1, rows // 1000)):
        row = out[rng.randrange(rows)]
        kind = n % 5
        if kind == 0:
            row[col["Trạng thái"]] = "Chuyển phòng chuyên môn"
        elif kind == 1:
            row[col["Hình thức nộp"]] = "Nộp qua Zalo"
        elif kind == 2:
            row[col["Ngày tiếp nhận"]] = rng.choice(["31/02/2025", "31/11/2025", "15.13.2025"])
        elif kind == 3 and isinstance(row[col["Ngày tiếp nhận"]], dt.datetime):
            row[col["Trạng thái"]] = "Đã giải quyết"
            row[col["Ngày hoàn thành"]] = row[col["Ngày tiếp nhận"]] - dt.timedelta(days=3)
        else:
            row[col["Trạng thái"]] = "Hoàn thành"
            row[col["Ngày hoàn thành"]] = None
    return out


def catalogue_rows() -> list[list]:
    rows = []
    for number, (code, name, field, agency_key, deadline, level, has_fee, _) in enumerate(PROCEDURES, 1):
        rows.append([number, code, name, field, "Cấp xã" if agency_key == "commune" else "Ngành dọc",
                     level, "Có", "Có" if level != "Không" else "Không", deadline,
                     "Có" if has_fee else "Không"])
    return rows


# --------------------------------------------------------------------------- writers

def _titles(rows: int) -> list[str]:
    return [UNIT_UPPER, f"DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH NĂM {YEAR} (xuất ngày 05/01/{YEAR + 1})"]


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_xlsx(path: Path, sheet: str, titles: list[str], headers: list[str], rows: list[list],
               footer: str, date_columns: set[int] = frozenset(), date_only: set[int] = frozenset()) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = dt.datetime(YEAR + 1, 1, 5, 8, 0)
    ws = book.create_sheet(sheet)
    for title in titles:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        if date_columns:
            row = list(row)
            for i in date_columns:
                value = row[i]
                if isinstance(value, dt.datetime):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "dd/mm/yyyy" if i in date_only else "dd/mm/yyyy hh:mm"
                    row[i] = cell
        ws.append(row)
    ws.append([footer])
    tmp = _tmp(path)
    book.save(tmp)
    os.replace(tmp, path)


_CSV_DATE_FORMS = [("%d/%m/%Y %H:%M", 60), ("%d/%m/%Y", 20), ("%Y-%m-%d %H:%M:%S", 10), ("dmy-short", 10)]


def _csv_date(rng: random.Random, value: dt.datetime) -> str:
    form = rng.choices([f for f, _ in _CSV_DATE_FORMS], [w for _, w in _CSV_DATE_FORMS])[0]
    if form == "dmy-short":
        return f"{value.day}/{value.month}/{value.year}"
    return value.strftime(form)


def write_csv(path: Path, titles: list[str], headers: list[str], rows: list[list], footer: str,
              date_columns: set[int] = frozenset(), seed: int = 0) -> None:
    rng = random.Random(seed + 1)  # its own stream: the xlsx cells do not depend on it
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        for title in titles:
            writer.writerow([title])
        writer.writerow(headers)
        for row in rows:
            cells = []
            for i, value in enumerate(row):
                if value is None:
                    cells.append("")
                elif i in date_columns and isinstance(value, dt.datetime):
                    cells.append(_csv_date(rng, value))
                else:
                    cells.append(value)
            writer.writerow(cells)
        writer.writerow([footer])
    os.replace(tmp, path)


# --------------------------------------------------------------------------- the national record

# The same rows as the national portal's dossier record (raw-exports.md §7): its keys, its codes
# (a label no code stands for: a code outside the list, quarantined as the label is), its dates
# as yyyyMMddHHmmss (a bad date text kept as it is), its personal fields.
NATIONAL_CHANNELS = {"trực tuyến": 2, "trực tiếp": 1, "tại bộ phận một cửa": 1, "trực tiếp tại bộ phận một cửa": 1,
                     "bưu chính công ích": 3, "dịch vụ bưu chính": 3, "bcci": 3}
NATIONAL_STATES = {"Đã trả kết quả": 10, "Hoàn thành": 10, "Đã giải quyết": 9, "Đã có kết quả": 9,
                   "Đã xử lý xong": 9, "Đang xử lý": 4, "Đã tiếp nhận": 2, "Đang giải quyết": 4,
                   "Chờ phê duyệt": 4, "Chờ bổ sung": 5, "Yêu cầu bổ sung": 5, "Tạm dừng": 8,
                   "Chờ thực hiện nghĩa vụ tài chính": 6, "Công dân rút hồ sơ": 7, "Rút hồ sơ": 7,
                   "Đã rút": 7, "Từ chối tiếp nhận": 3, "Không được tiếp nhận": 3, "Từ chối": 3}
NATIONAL_UNKNOWN_CODE = 11


def _national_date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d%H%M%S")
    return value


def national_records(rows: list[list]):
    """Each generated row as a national record (a dict, keys in the portal's order)."""
    col = {h: i for i, h in enumerate(HEADERS)}
    for row in rows:
        channel = NATIONAL_CHANNELS.get(row[col["Hình thức nộp"]].lower(), NATIONAL_UNKNOWN_CODE)
        payment = {"Trực tuyến": 1}.get(row[col["Thanh toán"]], 0)
        yield {"MaHoSo": row[col["Mã hồ sơ"]], "MaTTHC": row[col["Mã thủ tục"]], "TenTTHC": row[col["Tên thủ tục"]],
               "MaLinhVuc": None, "TenLinhVuc": row[col["Lĩnh vực"]], "KenhThucHien": channel,
               "ChuHoSo": row[col["Chủ hồ sơ"]], "SoGiayToChuHoSo": row[col["Số CCCD"]],
               "SoDienThoai": row[col["Số điện thoại"]], "Email": None, "DiaChiChuHoSo": row[col["Địa chỉ"]],
               "NgayNopHoSo": _national_date(row[col["Ngày tiếp nhận"]]),
               "NgayTiepNhan": _national_date(row[col["Ngày tiếp nhận"]]),
               "NgayHenTra": _national_date(row[col["Ngày hẹn trả"]]),
               "NgayKetThucXuLy": _national_date(row[col["Ngày hoàn thành"]]),
               "NgayTra": _national_date(row[col["Ngày trả kết quả"]]), "NgayTuChoi": None,
               "TrangThaiHoSo": NATIONAL_STATES.get(row[col["Trạng thái"]], NATIONAL_UNKNOWN_CODE),
               "DonViXuLy": row[col["Cơ quan giải quyết"]],
               "HoSoCoThanhPhanSoHoa": 1 if row[col["Số hóa hồ sơ"]] == "Có" else 0,
               "DuocThanhToanTrucTuyen": payment}


def national_json_path(rows: int, seed: int, folder: Path = EXPORTS) -> Path:
    return folder / f"national-{rows}-s{seed}-g{GENERATOR_VERSION}.json"


def ensure_national_json(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, folder: Path = EXPORTS,
                         log=print) -> Path:
    """The generated rows as a JSON list of national records (cached like the other exports)."""
    path = national_json_path(rows, seed, folder)
    if path.is_file():
        log(f"reusing cached export: {path.name}")
        return path
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = generate_rows(rows, seed)
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for number, item in enumerate(national_records(data)):
            handle.write((",\n" if number else "") + json.dumps(item, ensure_ascii=False))
        handle.write("\n]\n")
    os.replace(tmp, path)
    log(f"wrote {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def ensure_exports(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, force: bool = False,
                   folder: Path = EXPORTS, log=print, csv_only: bool = False) -> ExportFiles:
    """Generate the export files unless they are already cached in ``folder``. ``csv_only``:
    the dossier csv and the catalogue only (the xlsx of 1.000.000 rows takes minutes to write)."""
    files = export_paths(rows, seed, folder)
    wanted = [p for p in files.all if not (csv_only and p == files.dossiers_xlsx)]
    if not force and all(p.is_file() for p in wanted):
        log(f"reusing cached exports: {files.dossiers_xlsx.name} (+ csv, catalogue)")
        return files
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data = generate_rows(rows, seed)
    log(f"generated {rows} rows in {time.perf_counter() - started:.1f} s")
    footer = f"Tổng số: {vn_int(rows)} hồ sơ"
    titles = _titles(rows)
    t = time.perf_counter()
    write_csv(files.dossiers_csv, titles, HEADERS, data, footer, DATE_COLUMNS, seed)
    log(f"wrote {files.dossiers_csv.name} in {time.perf_counter() - t:.1f} s")
    if not csv_only:
        t = time.perf_counter()
        write_xlsx(files.dossiers_xlsx, DOSSIER_SHEET, titles, HEADERS, data, footer, DATE_COLUMNS, {DUE_COLUMN})
        log(f"wrote {files.dossiers_xlsx.name} in {time.perf_counter() - t:.1f} s (openpyxl write_only)")
    cat = catalogue_rows()
    cat_titles = [UNIT_UPPER, "DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND XÃ"]
    cat_footer = f"Tổng số: {len(cat)} thủ tục"
    if force or not files.catalogue_xlsx.is_file():  # shared by every row count: keep its bytes
        write_xlsx(files.catalogue_xlsx, CATALOGUE_SHEET, cat_titles, CATALOGUE_HEADERS, cat, cat_footer)
    if force or not files.catalogue_csv.is_file():
        write_csv(files.catalogue_csv, cat_titles, CATALOGUE_HEADERS, cat, cat_footer)
    manifest = {"generator_version": GENERATOR_VERSION, "rows": rows, "seed": seed,
                "dossier_sheet": DOSSIER_SHEET, "catalogue_sheet": CATALOGUE_SHEET,
                "title_rows": len(titles), "footer": footer, "catalogue_rows": len(cat),
                "generated_seconds": round(time.perf_counter() - started, 1),
                "sizes": {p.name: p.stat().st_size for p in files.all[:4] if p.is_file()}}
    tmp = _tmp(files.manifest)
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, files.manifest)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="data rows (default 200000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=EXPORTS, help="folder (default benchmarks/scratch/exports)")
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    parser.add_argument("--csv-only", action="store_true", help="no dossier xlsx (fast for 1.000.000 rows)")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows must be at least 1000")
    files = ensure_exports(args.rows, args.seed, args.force, args.out, csv_only=args.csv_only)
    for path in (p for p in files.all if p.is_file()):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
