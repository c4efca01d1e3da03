"""The run's log as a scheduler reads it: the real `cchc` command in a subprocess, its output
a pipe (not a terminal). One line per step with an ISO timestamp and unit/period, in order;
--log-format json one parseable object per line; --quiet only errors and the last line; the
last line names the checks published failed and a report without prose warns."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from importlib import metadata

import pytest

from conftest import CCHC, make_root

UNIT, PERIOD = "xa-thu", "2025-07"
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d) xa-thu/2025-07 (.*)$")
FAILED = "as_of.body_forms"


def cchc_merged(*args: str) -> subprocess.CompletedProcess:
    """The command with stderr into stdout, one pipe, as cron or systemd record it."""
    return subprocess.run([*CCHC, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """The messy fixture with one prose file of 45 sections, which states a date its figure's
    forms row contradicts: the check as_of.body_forms fails (lỗi)."""
    root = make_root(tmp_path_factory.mktemp("schedlog"))
    prose = root / "params" / UNIT / "prose" / PERIOD / "tthc.results.md"
    prose.parent.mkdir(parents=True)
    prose.write_text("Số hồ sơ tiếp nhận đến ngày 15/07/2025 là {{ tthc.received.total }} hồ sơ.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def text_run(root):
    done = cchc_merged("run", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--allow-failed-checks")
    assert done.returncode == 0, done.stdout
    return done.stdout.splitlines()


def test_version_is_the_package_metadata():
    done = subprocess.run([*CCHC, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"cchc {metadata.version('cchc')}"


def test_a_logged_stopwatch_writes_one_line_per_phase():
    from cchc.core import log

    out = io.StringIO()
    runlog = log.RunLog("u", "2025", stream=out, tty=False)
    clock = log.LoggedStopwatch(runlog)
    with clock.phase("ingest"):
        pass
    clock.add("pdf", 1.25)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert re.match(r"^\S+ u/2025 nhập dữ liệu … xong \(0 s\)$", lines[0]), lines
    assert lines[1].endswith("u/2025 xuất PDF … xong (1,2 s)") or lines[1].endswith("(1,3 s)"), lines
    assert clock.seconds["pdf"] == 1.25


@pytest.mark.slow
def test_every_line_has_a_timestamp_and_the_unit_and_period_in_order(text_run):
    stamps, messages = [], []
    for line in text_run:
        match = STAMP.match(line)
        assert match, line
        stamps.append(dt.datetime.fromisoformat(match.group(1)))
        messages.append(match.group(2))
    assert stamps == sorted(stamps)
    steps = ["nhập dữ liệu … xong", "tính chỉ số … xong", "kiểm tra đối chiếu … xong", "chạy notebook báo cáo … xong"]
    where = [next(i for i, m in enumerate(messages) if m.startswith(step)) for step in steps]
    assert where == sorted(where), messages
    reads = [m for m in messages if m.startswith("nhập dữ liệu: đã đọc tệp")]
    assert [re.search(r"tệp (\d+/\d+)", m).group(1) for m in reads] == ["1/3", "2/3", "3/3"], reads  # each file read, before the step ends
    assert messages.index(reads[-1]) < where[0]


@pytest.mark.slow
def test_the_last_line_sums_up_and_names_the_failed_checks(root, text_run):
    last = STAMP.match(text_run[-1]).group(2)
    assert last.startswith("Tổng kết: 1 báo cáo (outputs/xa-thu/2025-07)"), last
    assert f"1 kiểm tra lỗi vẫn công bố: {FAILED}" in last
    missing, total, notes = map(int, re.search(r"(\d+)/(\d+) mục chưa có lời văn \(hiện câu trung tính; (\d+) mục "
                                               r"chỉ có ghi chú", last).groups())
    assert missing == total - 1 and total > 10, last  # one section has its prose
    html = (root / "outputs" / UNIT / PERIOD / "report.html").read_text(encoding="utf-8")
    assert 0 < notes == len(re.findall(r"""<p class=["']no-prose["']>""", html)) <= missing
    warnings = int(re.search(r"(\d+) cảnh báo", last).group(1))
    assert warnings >= 2  # the failed check published, the report without prose
    assert any("Công bố dù có kiểm tra đối chiếu lỗi" in line and FAILED in line
               for line in text_run)


@pytest.mark.slow
def test_a_new_unit_without_prose_warns(text_run):
    assert any("Báo cáo phần lớn chưa có lời văn" in line and "cchc prose --unit xa-thu" in line
               for line in text_run), text_run


@pytest.mark.slow
def test_json_log_is_one_object_per_line(root, text_run):
    done = subprocess.run([*CCHC, "run", "--unit", UNIT, "--period", PERIOD, "--root", str(root),
                           "--allow-failed-checks", "--log-format", "json"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records and all(set(r) == {"time", "unit", "period", "step", "level", "message", "seconds"}
                           for r in records)
    assert {(r["unit"], r["period"]) for r in records} == {(UNIT, PERIOD)}
    assert [r["step"] for r in records if r["seconds"] is not None and r["step"]][:3] == ["ingest", "figures",
                                                                                           "checks"]
    assert {r["level"] for r in records} <= {"info", "warning"} and any(r["level"] == "warning" for r in records)
    assert records[-1]["message"].startswith("Tổng kết") and records[-1]["seconds"] > 0
    assert FAILED in records[-1]["message"]


@pytest.mark.slow
def test_quiet_prints_only_the_error_and_the_last_line(root):
    done = cchc_merged("run", "--unit", UNIT, "--period", "2025-08", "--root", str(root), "--quiet")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2, lines
    assert STAMP.match(lines[0].replace("2025-08", "2025-07")) and "Lỗi: " in lines[0]
    assert "Tổng kết: không ghi báo cáo nào" in lines[1]


@pytest.mark.slow
def test_quiet_ingest_prints_its_last_line_only(root):
    done = cchc_merged("ingest", "--unit", UNIT, "--period", PERIOD, "--root", str(root), "--quiet", "--force")
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and STAMP.match(lines[0]), lines
    assert "Đã đọc 3 tệp" in lines[0]  # the quarantine warning (3 rows) is left out
