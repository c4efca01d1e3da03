"""`cchc run` end to end: the notebook, HTML, PDF and XLSX of a small messy fixture."""

import re
import shutil
import subprocess
from html import unescape

import nbformat
import openpyxl
import pytest

from conftest import REPO, make_root, run_cli, write_csv
from programs import pdfinfo, pdftotext

pytestmark = pytest.mark.slow
OUT = "outputs/xa-thu/2025-07"


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("report"))
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 0, done.stderr
    return root


def test_outputs_exist(ran):
    names = {p.name for p in (ran / OUT).iterdir()}
    assert {"report.ipynb", "report.html", "report.pdf", "phu-luc.xlsx", "figures.json"} <= names


def test_html_has_the_06a_table_with_right_totals_and_no_code(ran):
    html = (ran / OUT / "report.html").read_text(encoding="utf-8")
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in html
    total_row = re.search(r"<tr class=[\"']total[\"']>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", total_row, re.S)]
    # Tổng cộng: to handle 4, online 2, direct+postal 2, carried 0, resolved 3 (1/1/1), pending 1 (0/1)
    assert cells[1:] == ["Tổng cộng", "4", "2", "2", "0", "3", "1", "1", "1", "1", "0", "1"]
    for code in ("Report.load", "display(", "figures_file", "import ", "class=\"input", "In&nbsp;["):
        assert code not in html
    assert not re.search(r"""(src|href)=["']https?://""", html) and "<script" not in html
    assert ">I.</span> CÔNG TÁC CHỈ ĐẠO" in html and ">II.</span> KẾT QUẢ" in html  # numbered by the program
    assert ">2.2.</span> Tổng hợp, cập nhật số lượng TTHC" in html and ">IV.</span> PHƯƠNG HƯỚNG" in html
    assert "Số:" in html and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Nơi nhận:" in html
    assert "data:image/png;base64," in html  # charts embedded


def test_pdf_is_a4_and_its_text_has_correct_diacritics(ran):
    pdf = ran / OUT / "report.pdf"
    info = pdfinfo(pdf)
    assert "(A4)" in info
    text = pdftotext(pdf)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Cải cách thủ tục hành chính",
                   "giải quyết trước hạn", "Kết quả việc thực hiện đánh giá chất lượng giải quyết TTHC",
                   "Chi nhánh Văn phòng đăng ký đất đai"):
        assert phrase in " ".join(text.split()), phrase


def test_xlsx_holds_numbers_as_numbers(ran):
    book = openpyxl.load_workbook(ran / OUT / "phu-luc.xlsx", data_only=True)  # totals: the formulas' cached values
    assert book.sheetnames[:2] == ["06a theo lĩnh vực", "06a theo cơ quan"]
    assert all(name.startswith("Biểu mẫu ") for name in book.sheetnames[2:])
    sheet = book["06a theo lĩnh vực"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    total = next(r for r in rows if "Tổng cộng" in r)
    assert total[2:] == [4, 2, 2, 0, 3, 1, 1, 1, 1, 0, 1]
    assert all(isinstance(v, int) for v in total[2:])
    formulas = openpyxl.load_workbook(ran / OUT / "phu-luc.xlsx")["06a theo lĩnh vực"]
    total_row = next(r for r in formulas.iter_rows() if any(c.value == "Tổng cộng" for c in r))
    assert all(str(c.value).startswith("=SUM(") for c in total_row[2:])  # a total is a formula over its column


def test_formula_like_text_is_written_as_text(tmp_path):
    root = make_root(tmp_path)
    write_csv(root / "data/raw/xa-thu/2025-07/ho-so-2025-07c.csv", [
        ["Mã hồ sơ", "Mã thủ tục", "Lĩnh vực", "Cơ quan giải quyết", "Hình thức nộp", "Ngày tiếp nhận", "Trạng thái"],
        ["HS100", "1.001", '=HYPERLINK("x")', "UBND xã", "Trực tuyến", "20/07/2025", "Đang xử lý"]])
    assert run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root)).returncode == 0
    sheet = openpyxl.load_workbook(root / OUT / "phu-luc.xlsx")["06a theo lĩnh vực"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    html = (root / OUT / "report.html").read_text(encoding="utf-8")
    shown = [unescape(text) for text in re.findall(r"""<td class=["']text["']>([^<]*)</td>""", html)]
    assert '=HYPERLINK("x")' in shown  # shown as text, in a cell of its own


def _run_with_part2_cell(ran, source: str, *options: str):
    """`cchc run` with the analyst's copy of the notebook whose part II cell is ``source``; returns
    the finished command and the outputs as they were before it."""
    before = {p.name: p.read_bytes() for p in (ran / OUT).iterdir()}
    notebook = nbformat.read(REPO / "notebooks/report.ipynb", as_version=4)
    next(c for c in notebook.cells if c.get("id") == "part-2").source = source
    (ran / "notebooks").mkdir(exist_ok=True)
    nbformat.write(notebook, ran / "notebooks/report.ipynb")
    try:
        done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(ran), *options)
    finally:
        shutil.rmtree(ran / "notebooks")
    return done, before


def test_failing_cell_exits_non_zero_names_it_and_keeps_previous_outputs(ran):
    done, before = _run_with_part2_cell(ran, 'raise RuntimeError("hỏng có chủ ý")')
    assert done.returncode == 1
    assert "'part-2'" in done.stderr and "RuntimeError" in done.stderr and "hỏng có chủ ý" in done.stderr
    assert {p.name: p.read_bytes() for p in (ran / OUT).iterdir()} == before
    kept = ran / "outputs/xa-thu/2025-07.failed/report.ipynb"
    assert kept.is_file() and "hỏng có chủ ý" in kept.read_text(encoding="utf-8")


def test_a_cell_over_the_time_limit_stops_the_run_with_its_name_instead_of_hanging(ran):
    done, before = _run_with_part2_cell(ran, "import time\ntime.sleep(120)", "--cell-timeout", "3")
    assert done.returncode == 1, done.stderr
    assert "'part-2'" in done.stderr and "3 giây" in done.stderr and "--cell-timeout" in done.stderr
    assert {p.name: p.read_bytes() for p in (ran / OUT).iterdir()} == before
    kept = nbformat.read(ran / "outputs/xa-thu/2025-07.failed/report.ipynb", as_version=4)
    stopped = next(c for c in kept.cells if c.get("id") == "part-2")
    assert stopped.metadata.papermill["status"] == "failed"


def test_kernel_is_this_environment_even_from_cron_with_a_bogus_kernelspec(tmp_path):
    """cron: almost no environment; the machine's 'python3' kernel spec points elsewhere."""
    import json
    import os
    import sys

    root = make_root(tmp_path)
    bogus = tmp_path / "jupyter" / "kernels" / "python3"
    bogus.mkdir(parents=True)
    (bogus / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                   "display_name": "wrong", "language": "python"}))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "JUPYTER_PATH": str(tmp_path / "jupyter"),
           "LANG": "C"}
    cchc = os.path.join(os.path.dirname(sys.executable), "cchc")
    done = subprocess.run([cchc, "run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (root / OUT / "report.pdf").is_file()


def test_manifest_records_inputs_code_and_outputs(ran):
    import json

    manifest = json.loads((ran / OUT / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["unit"] == "xa-thu" and manifest["window"] == {"start": "2025-07-01", "cutoff": "2025-07-31"}
    assert len(manifest["raw_files"]) == 3 and all(len(h) == 64 for h in manifest["raw_files"].values())
    for name in ("report.html", "report.pdf", "phu-luc.xlsx", "figures.json"):
        assert len(manifest["outputs"][name]) == 64
    assert manifest["versions"]["papermill"] and manifest["started"] <= manifest["finished"]
    assert "commit" in manifest["code"] and "dirty" in manifest["code"]
    phases = manifest["durations_s"]
    assert {"ingest", "figures", "checks", "notebook", "html", "pdf", "xlsx", "total"} <= set(phases)
    assert all(seconds >= 0 for seconds in phases.values())
    assert phases["total"] >= phases["notebook"] + phases["figures"]


def test_prose_placeholders_in_the_report_and_bad_prose_refused(tmp_path):
    root = make_root(tmp_path)
    prose = root / "params/xa-thu/prose/2025-07"
    assert run_cli("prose", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root)).returncode == 0
    starter = prose / "tthc.results.md"
    assert starter.is_file() and "{{ tthc.received.total }}" in starter.read_text(encoding="utf-8")
    starter.write_text("Đơn vị đã tiếp nhận {{ tthc.received.total }} hồ sơ theo Kế hoạch số 20/KH-UBND "
                       "ngày 06/8/2025, tỷ lệ trực tuyến {{ rate tthc.rate.online }}.\n", encoding="utf-8")
    again = run_cli("prose", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert "0 tệp" in again.stdout and "Kế hoạch số 20/KH-UBND" in starter.read_text(encoding="utf-8")
    assert run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root)).returncode == 0
    html = (root / OUT / "report.html").read_text(encoding="utf-8")
    assert "Đơn vị đã tiếp nhận" in html and "50% (2/4)" in html

    before = (root / OUT / "report.html").read_bytes()
    starter.write_text("Dòng đầu.\nTỷ lệ đúng hạn đạt 97,83% trong kỳ.\n", encoding="utf-8")
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 1 and "tthc.results.md" in done.stderr and "dòng 2" in done.stderr
    assert "97,83%" in done.stderr and (root / OUT / "report.html").read_bytes() == before

    starter.write_text("Số hồ sơ {{ tthc.recieved.total }}.\n", encoding="utf-8")
    done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root))
    assert done.returncode == 1 and "tthc.recieved.total" in done.stderr and "dòng 1" in done.stderr


def test_rerun_gives_byte_identical_outputs(tmp_path):
    import hashlib

    root = make_root(tmp_path)
    names = ("figures.json", "report.html", "report.pdf", "report.docx", "phu-luc.xlsx", "ingest-report.json",
             "reconciliation.json", "reconciliation.html", "kiem-tra.html", "kiem-tra.pdf")
    # kiem-tra.*: the second run compares with the first as published (the same figures): same bytes

    def run_and_hash():
        done = run_cli("run", "--unit", "xa-thu", "--period", "2025-07", "--root", str(root), "--force")
        assert done.returncode == 0, done.stderr
        return {n: hashlib.sha256((root / OUT / n).read_bytes()).hexdigest() for n in names}

    assert run_and_hash() == run_and_hash()
