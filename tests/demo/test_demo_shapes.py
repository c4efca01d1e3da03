"""The shapes of a synthetic commune's dossiers (cchc.demo.shapes, raw-exports.md §7): the
monthly lists, a vendor's list, the national records (JSON), the statistics of form 06a. Each
file is checked against the plan it was written from, by rules written here again."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from cchc.cli import main
from cchc.demo import period as cal
from cchc.demo import plan
from cchc.demo.communes import generate_communes, plan_communes
from cchc.demo.shapes import spec

S, E = cal.START, cal.CUTOFF
SEED, N = 5, 6


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("shapes")
    generate_communes(root, N, seed=SEED, per_year=1000)
    return root, {c.shape: c for c in plan_communes(N, seed=SEED, per_year=1000)}


def raw(root: Path, unit: str) -> Path:
    return root / "data" / "raw" / unit / "2025"


def sheet(path: Path) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


def test_communes_take_every_shape_in_turn(city):
    root, by_shape = city
    assert set(by_shape) == {"lists", "vendor", "national", "statistics"}
    assert [c.shape for c in plan_communes(N, seed=SEED)] == spec()["cycle"][:N]
    names = {shape: {p.name for p in raw(root, c.unit).iterdir()} for shape, c in by_shape.items()}
    assert "danh-muc-tthc.xlsx" in names["lists"] and "danh-muc-tthc.xlsx" in names["national"]
    assert "danh-muc-tthc.xlsx" not in names["vendor"] | names["statistics"]
    dossier_files = {shape: sorted(n for n in found if n.startswith(("ho-so", "danh-sach", "thong-ke")))
                     for shape, found in names.items()}
    assert len(dossier_files["lists"]) == 8
    assert dossier_files["vendor"] == ["danh-sach-ho-so-2025.xlsx"]
    assert dossier_files["national"] == ["ho-so-dvc-quoc-gia-2025.json"]
    assert dossier_files["statistics"] == ["thong-ke-bieu-06a-2025.xlsx"]


def _final(commune) -> list:
    """The dossiers the system holds at its last export, in the order received."""
    return sorted((d for d in plan(commune.seed, commune.scale, commune.called).dossiers
                   if d.quarantine is None and d.received_at.date() <= cal.LAST_EXPORT),
                  key=lambda d: (d.received_at, d.dossier_id))


def test_vendor_list_has_the_vendors_header_and_labels_and_no_code_or_channel(city):
    root, by_shape = city
    commune = by_shape["vendor"]
    rows = sheet(raw(root, commune.unit) / "danh-sach-ho-so-2025.xlsx")
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    header = rows[header_at]
    assert header == spec()["vendor"]["header"]
    assert commune.called.title.upper() in rows[0][0]
    body = rows[header_at + 1:]
    planned = _final(commune)
    assert len(body) == len(planned)
    ids = [r[header.index("Mã hồ sơ")] for r in body]
    assert ids == [d.dossier_id for d in planned]
    labels = Counter(r[header.index("Trạng thái")] for r in body)
    assert labels["Công dân yêu cầu rút hồ sơ"] == sum(d.state == "withdrawn" for d in planned)
    assert labels["Không được tiếp nhận"] == sum(d.state == "rejected" for d in planned)
    assert labels["Đã trả kết quả"] + labels["Đã xử lý xong"] == sum(d.state == "resolved" for d in planned)


def test_national_records_carry_the_portals_codes(city):
    root, by_shape = city
    commune = by_shape["national"]
    records = json.loads((raw(root, commune.unit) / "ho-so-dvc-quoc-gia-2025.json").read_text(encoding="utf-8"))
    planned = {d.dossier_id: d for d in _final(commune)}
    assert [r["MaHoSo"] for r in records] == list(planned)
    channels = {"direct": 1, "online": 2, "postal": 3}
    for record in records:
        d = planned[record["MaHoSo"]]
        assert record["KenhThucHien"] == channels[d.channel]
        assert record["NgayTiepNhan"] == d.received_at.strftime("%Y%m%d%H%M%S")
        assert dt.datetime.strptime(record["NgayTiepNhan"], "%Y%m%d%H%M%S") == d.received_at
        assert record["HoSoCoThanhPhanSoHoa"] == int(d.digitized)
        assert record["TrangThaiHoSo"] in range(1, 11)
        assert (record["TrangThaiHoSo"] == 3) == (d.state == "rejected")
        assert (record["TrangThaiHoSo"] == 7) == (d.state == "withdrawn")
        assert record["ChuHoSo"] == d.holder and record["SoGiayToChuHoSo"] == d.id_number


COLUMNS = ("to_handle", "online", "offline", "carried", "resolved", "early", "on_time", "late",
           "pending", "not_due", "overdue")


def expected_row(dossiers) -> Counter:
    """Form 06a's columns (3)-(13) over final-state dossiers, by figures.md."""
    f: Counter = Counter()
    for d in dossiers:
        if d.state == "rejected":
            continue
        received = d.received_at.date()
        end = d.resolved_at.date() if d.state in ("resolved", "withdrawn") and d.resolved_at else None
        carried = received < S and (end is None or end >= S)
        if not (carried or S <= received <= E):
            continue
        f["to_handle"] += 1
        f["carried" if carried else "online" if d.channel == "online" else "offline"] += 1
        due = d.due_at.date() if d.due_at else None
        if end is not None and S <= end <= E:
            f["resolved"] += 1
            f["on_time" if due is None or due == end else "early" if end < due else "late"] += 1
        else:
            f["pending"] += 1
            f["overdue" if due is not None and due < E else "not_due"] += 1
    return f


def test_statistics_are_form_06a_of_the_plan_and_keep_their_identities(city):
    root, by_shape = city
    commune = by_shape["statistics"]
    rows = sheet(raw(root, commune.unit) / "thong-ke-bieu-06a-2025.xlsx")
    assert rows[0][0] == "Biểu số II.06a/VPCP/KSTT"
    numbers_at = next(i for i, r in enumerate(rows) if r[0] == "(1)")
    assert rows[numbers_at] == [f"({n})" for n in range(1, 14)]
    assert [r[2] for r in rows[numbers_at - 3:numbers_at]] == ["Số hồ sơ nhận giải quyết", "Tổng số", ""]
    body, total = rows[numbers_at + 1:-1], rows[-1]
    assert total[1] == "Tổng cộng"
    planned = _final(commune)
    assert [r[1] for r in body] == sorted({d.field for d in planned})
    for row in body:
        values = dict(zip(COLUMNS, (int(v) for v in row[2:]), strict=True))
        expected = expected_row([d for d in planned if d.field == row[1]])
        assert values == {key: expected[key] for key in COLUMNS}, row[1]
        assert values["to_handle"] == values["online"] + values["offline"] + values["carried"]
        assert values["to_handle"] == values["resolved"] + values["pending"]
        assert values["resolved"] == values["early"] + values["on_time"] + values["late"]
        assert values["pending"] == values["not_due"] + values["overdue"]
    assert [int(v) for v in total[2:]] == [sum(int(r[i]) for r in body) for i in range(2, 13)]
    assert int(total[2]) > 0


@pytest.mark.slow
def test_the_batch_and_the_rollup_read_every_shape_and_say_what_each_commune_lacks(city):
    root, by_shape = city
    assert main(["batch", "--period", "2025", "--root", str(root), "--workers", "2"]) == 0
    summary = json.loads((root / "outputs" / "batch-2025.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"done": N, "failed": 0, "skipped": 0}
    assert main(["rollup", "--period", "2025", "--root", str(root)]) == 0
    city_figures = json.loads((root / "outputs" / "hai-phong" / "2025" / "figures.json").read_text(encoding="utf-8"))
    figures = city_figures["figures"]
    # the statistics alone give to_handle; the vendor's list has no channel: no city value for online
    units = [c.unit for c in plan_communes(N, seed=SEED, per_year=1000)]
    assert figures["tthc.to_handle"]["value"] == sum(
        figures[f"communes.{unit}.tthc.to_handle"]["value"] for unit in units)
    assert "tthc.received.online" not in figures and "tthc.rate.online" not in figures
    assert f"communes.{by_shape['vendor'].unit}.tthc.received.online" not in figures
    assert f"communes.{by_shape['national'].unit}.tthc.received.online" in figures
    html = (root / "outputs" / "hai-phong" / "2025" / "report.html").read_text(encoding="utf-8")
    table = html[html.index("absent-table"):]
    table = table[:table.index("</table>")]
    assert by_shape["vendor"].name in table and "không có cột Hình thức nộp" in table
    assert by_shape["statistics"].name in table and "chỉ có biểu thống kê 06a" in table
    assert by_shape["lists"].name not in table
