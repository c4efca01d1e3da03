"""Hostile and faulty runs: nothing lost, nothing leaked, a clear word for each.

Every case is the real command (`cchc run`, `ingest`, `explain`, `verify` in a subprocess) on a
private root, and asserts the exit status, the Vietnamese message, that the previous outputs
and processed data are untouched after a failure, and that nothing is left behind: no staging
folder, no kernel or export worker of the run (found by their environment: JPY_PARENT_PID and
CCHC_EXPORT_PARENT name the run's pid).

Disks: a read-only or full disk is simulated in the command's own process (os.mkdir, os.open,
open and os.replace refuse under a folder; tests run as root, so chmod cannot refuse) and,
where the machine lets the tests mount, made real with a read-only bind mount and a tiny tmpfs.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fcntl
import hashlib
import html.parser
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cchc.core import atomic
from cchc.core.errors import CchcError
from cchc.core.layout import AUDIT_HTML
from cchc.explain import inert

from conftest import CCHC, DOSSIER_HEADER, make_root, write_csv
from programs import pdftotext

UNIT, PERIOD = "xa-thu", "2025-07"
UP = ["--unit", UNIT, "--period", PERIOD]


# -- running the command --------------------------------------------------------------------------

@dataclass
class Done:
    code: int
    out: str
    err: str
    pid: int


def cchc(*args: str, prefix: list[str] | None = None, timeout: float = 600) -> Done:
    process = subprocess.Popen([*(prefix or CCHC), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    out, err = process.communicate(timeout=timeout)
    done = Done(process.returncode, out, err, process.pid)
    assert_no_orphans(done.pid)
    return done


def children_of(pid: int) -> list[int]:
    """Processes started by the run ``pid``: its kernel (JPY_PARENT_PID) and export worker
    (CCHC_EXPORT_PARENT), found by their environment, whoever their parent is now."""
    marks = (f"JPY_PARENT_PID={pid}\0".encode(), f"CCHC_EXPORT_PARENT={pid}\0".encode())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(mark in b"\0" + environ for mark in marks):
            found.append(int(entry.name))
    return found


def assert_no_orphans(pid: int, within: float = 8.0) -> None:
    deadline = time.monotonic() + within
    while (left := children_of(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes of run {pid} still alive: {left}"


def error_line(done: Done) -> str:
    assert "Traceback" not in done.err, done.err
    return done.err


# -- the state of a root ----------------------------------------------------------------------------

def state(root: Path) -> dict[str, str]:
    """Every file of the outputs and processed data of the pair, with its hash."""
    found = {}
    for folder in (root / "outputs" / UNIT / PERIOD, root / "data/processed" / UNIT / PERIOD):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(root: Path) -> list[str]:
    """Staging and swap folders beside the outputs and the processed data."""
    found = []
    for folder in (root / "outputs" / UNIT, root / "data/processed" / UNIT):
        if folder.is_dir():
            found += [p.name for p in folder.iterdir() if ".staging-" in p.name or p.name.endswith(".old")]
    return found


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """Processed data from a real ingest, and previous outputs (planted: they must stay as they are)."""
    root = make_root(tmp_path_factory.mktemp("base"))
    assert cchc("ingest", *UP, "--root", str(root)).code == 0
    out = root / "outputs" / UNIT / PERIOD
    out.mkdir(parents=True)
    (out / "figures.json").write_text('{"previous": true}\n', encoding="utf-8")
    (out / "report.html").write_text("<p>previous</p>\n", encoding="utf-8")
    return root


@pytest.fixture
def root(base: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(base, copy, symlinks=True)
    return copy


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A root after a real, complete `cchc run`."""
    root = make_root(tmp_path_factory.mktemp("published"))
    done = cchc("run", *UP, "--root", str(root))
    assert done.code == 0, done.err
    return root


@pytest.fixture
def run_root(published: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(published, copy, symlinks=True)
    return copy


def raw(root: Path) -> Path:
    return root / "data/raw" / UNIT / PERIOD


def add_dossier(root: Path, name: str = "ho-so-them.csv", agency: str = "UBND xã", key: str = "HS100") -> None:
    """One more dossier of the period: the processed data and the figures change."""
    write_csv(raw(root) / name, [DOSSIER_HEADER,
                                 [1, key, "1.001", "Đăng ký khai sinh", "Hộ tịch", agency, "Trực tuyến",
                                  "21/07/2025", "25/07/2025", "22/07/2025", "Đã trả kết quả", "Có", "", "",
                                  "Nguyễn Văn Bốn", ""]])


@contextlib.contextmanager
def holding(path: Path):
    """Hold a flock on ``path`` (the lock file of a pair, or a staging directory) from here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY) if path.is_dir() else os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)


def lock_of(root: Path, period: str = PERIOD) -> Path:
    return root / "data/processed/.locks" / f"{UNIT}.{period}.lock"


# -- unknown files ------------------------------------------------------------------------------------

def test_an_unknown_file_stops_the_run_named(root):
    before = state(root)
    (raw(root) / "ghi-chu.txt").write_text("ghi chú của cán bộ\n", encoding="utf-8")
    add_dossier(root)  # the data changed too: nothing of it may be published
    done = cchc("run", *UP, "--root", str(root))
    assert done.code == 1
    assert "ghi-chu.txt" in error_line(done) and "'ignore'" in done.err and ".xlsx" in done.err
    assert state(root) == before and leftovers(root) == []


def test_unknown_files_in_subfolders_named_ignored_ones_and_hidden_ones_passed_over(root):
    (raw(root) / "cu").mkdir()
    (raw(root) / "cu" / "bao-cao.pdf").write_bytes(b"%PDF-1.4\n")
    (raw(root) / "anh.png").write_bytes(b"\x89PNG\r\n")
    done = cchc("ingest", *UP, "--root", str(root), "--force")
    assert done.code == 1
    assert "anh.png, cu/bao-cao.pdf" in error_line(done)
    params = root / "params" / UNIT / f"{PERIOD}.yaml"
    params.write_text('unit_name: "Xã Thử Nghiệm"\nsources:\n  anh.png: ignore\n  cu/bao-cao.pdf: ignore\n',
                      encoding="utf-8")
    (raw(root) / ".DS_Store").write_bytes(b"\0\0")
    (raw(root) / "~$ho-so-2025-07a.xlsx").write_bytes(b"lock")
    (raw(root) / ".git").mkdir()
    (raw(root) / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    done = cchc("ingest", *UP, "--root", str(root))
    assert done.code == 0, done.err
    report = json.loads((root / "data/processed" / UNIT / PERIOD / "ingest-report.json").read_text())
    assert report["ignored_files"] == [".DS_Store", ".git/HEAD", "anh.png", "cu/bao-cao.pdf",
                                       "~$ho-so-2025-07a.xlsx"]


# -- parameters ----------------------------------------------------------------------------------------

BOMB = """unit_name: "Xã Thử Nghiệm"
extra:
  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_yaml_alias_bomb_is_refused_at_once(root):
    before = state(root)
    (root / "params" / UNIT / f"{PERIOD}.yaml").write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    done = cchc("run", *UP, "--root", str(root), timeout=120)
    assert done.code == 1 and time.monotonic() - started < 60
    assert f"params/{UNIT}/{PERIOD}.yaml, dòng 3" in error_line(done) and "neo" in done.err
    assert state(root) == before and leftovers(root) == []


def test_an_anchor_in_unit_params_is_refused_with_its_line(root):
    (root / "params" / UNIT / "unit.yaml").write_text(
        'document:\n  recipients: &r ["UBND Thành phố;"]\nextra:\n  copy: *r\n', encoding="utf-8")
    done = cchc("ingest", *UP, "--root", str(root), "--force")
    assert done.code == 1
    assert f"params/{UNIT}/unit.yaml, dòng 2" in error_line(done)


# -- a failed run publishes nothing, processed data included ----------------------------------------

def test_a_failed_run_keeps_processed_data_and_outputs_then_ingest_alone_publishes(root):
    before = state(root)
    add_dossier(root)
    prose = root / "params" / UNIT / "prose" / PERIOD / "tthc.results.md"
    prose.parent.mkdir(parents=True)
    prose.write_text("Xã đã tiếp nhận 125 hồ sơ.\n", encoding="utf-8")  # a hand-typed number: refused
    done = cchc("run", *UP, "--root", str(root))
    assert done.code == 1
    assert "tthc.results.md" in error_line(done) and "125" in done.err
    assert state(root) == before and leftovers(root) == []  # the new dossier is not in data/processed
    done = cchc("ingest", *UP, "--root", str(root))
    assert done.code == 0, done.err
    after = state(root)
    changed = {k for k in after if after[k] != before.get(k)}
    assert f"data/processed/{UNIT}/{PERIOD}/dossiers.parquet" in changed
    assert all(k.startswith("data/processed/") for k in changed) and leftovers(root) == []


# -- the lock of a unit and period ------------------------------------------------------------------------

def test_no_wait_stops_when_the_pair_is_running(root):
    before = state(root)
    add_dossier(root)
    with holding(lock_of(root)):
        done = cchc("run", *UP, "--root", str(root), "--no-wait", timeout=60)
        assert done.code == 1
        assert f"{UNIT}/{PERIOD} đang diễn ra" in error_line(done) and "--no-wait" in done.err
        done = cchc("ingest", *UP, "--root", str(root), "--no-wait", timeout=60)
        assert done.code == 1 and "đang diễn ra" in error_line(done)
    assert state(root) == before and leftovers(root) == []


def test_a_second_ingest_waits_for_the_first_and_says_so(root):
    add_dossier(root)
    with holding(lock_of(root)):
        process = subprocess.Popen([*CCHC, "ingest", *UP, "--root", str(root)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        first = process.stderr.readline()
        assert "Đang chờ" in first and f"{UNIT}/{PERIOD}" in first
        time.sleep(0.5)
        assert process.poll() is None  # still waiting
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Đã đọc" in out
    assert_no_orphans(process.pid)


def test_other_pairs_run_while_one_is_locked(root):
    other = "2025-08"
    shutil.copytree(raw(root), raw(root).parent / other)
    (root / "params" / UNIT / f"{other}.yaml").write_text('unit_name: "Xã Thử Nghiệm"\n', encoding="utf-8")
    with holding(lock_of(root)):
        done = cchc("ingest", "--unit", UNIT, "--period", other, "--root", str(root), "--no-wait", timeout=120)
    assert done.code == 0, done.err
    assert (root / "data/processed" / UNIT / other / "dossiers.parquet").is_file()


def test_dead_runs_staging_is_cleaned_a_live_ones_kept(root):
    planted = {}
    for folder in (root / "outputs" / UNIT, root / "data/processed" / UNIT):
        for name in ("dead", "live"):
            staging = folder / f".{PERIOD}.staging-{name}"
            staging.mkdir()
            shutil.copyfile(root / "data/processed" / UNIT / PERIOD / "quarantine.parquet",
                            staging / "quarantine.parquet")
            planted[staging] = name
    (raw(root) / "ghi-chu.txt").write_text("x")  # the run stops early, after its clean-up
    with contextlib.ExitStack() as stack:
        for staging, name in planted.items():
            if name == "live":
                stack.enter_context(holding(staging))
        done = cchc("run", *UP, "--root", str(root))
        assert done.code == 1 and "ghi-chu.txt" in error_line(done)
        for staging, name in planted.items():
            assert staging.exists() == (name == "live"), staging
    (raw(root) / "ghi-chu.txt").unlink()  # the live owner is gone now: the next ingest takes its folder too
    assert cchc("ingest", *UP, "--root", str(root), "--force").code == 0
    assert leftovers(root) == [f".{PERIOD}.staging-live"]  # in outputs/, until the next run


# -- disks --------------------------------------------------------------------------------------------------

SIMULATE = r"""
import builtins, errno, io, os, sys
code, under, args = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3:]
number = getattr(errno, code)

def hit(path):
    try:
        return os.path.realpath(os.fsdecode(path)).startswith(under)
    except TypeError:
        return False

def fail(path):
    if number == errno.ENOSPC:  # as a write fails on a full disk: no file name
        raise OSError(number, os.strerror(number))
    raise OSError(number, os.strerror(number), os.fsdecode(path))

real_mkdir, real_open, real_os_open, real_replace = os.mkdir, io.open, os.open, os.replace

def mkdir(path, *a, **k):
    if number != errno.ENOSPC and hit(path):
        fail(path)
    return real_mkdir(path, *a, **k)

def open_(file, mode="r", *a, **k):
    if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+") and hit(file):
        fail(file)
    return real_open(file, mode, *a, **k)

def os_open(path, flags, *a, **k):
    if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and hit(path):
        fail(path)
    return real_os_open(path, flags, *a, **k)

def replace(src, dst, *a, **k):
    if hit(dst):
        fail(dst)
    return real_replace(src, dst, *a, **k)

os.mkdir, io.open, builtins.open, os.open, os.replace, os.rename = mkdir, open_, open_, os_open, replace, replace
from cchc.cli import main
raise SystemExit(main(args))
"""


def simulated(code: str, under: Path) -> list[str]:
    return [sys.executable, "-c", SIMULATE, code, str(under)]


def test_read_only_processed_data_is_a_message(root):
    before = state(root)
    add_dossier(root)
    done = cchc("ingest", *UP, "--root", str(root), prefix=simulated("EROFS", root / "data/processed"))
    assert done.code == 1
    assert "Không ghi được vào data/processed/" in error_line(done) and "chỉ cho phép đọc" in done.err
    assert state(root) == before and leftovers(root) == []


def test_read_only_outputs_is_a_message_and_publishes_nothing(root):
    before = state(root)
    add_dossier(root)
    done = cchc("run", *UP, "--root", str(root), prefix=simulated("EROFS", root / "outputs"))
    assert done.code == 1
    assert f"Không ghi được vào outputs/{UNIT}/{PERIOD}" in error_line(done) and "chỉ cho phép đọc" in done.err
    assert state(root) == before and leftovers(root) == []  # the staged processed data dropped too


@pytest.mark.slow
def test_a_full_disk_is_a_message_and_publishes_nothing(root):
    before = state(root)
    add_dossier(root)
    done = cchc("run", *UP, "--root", str(root), prefix=simulated("ENOSPC", root / "outputs"))
    assert done.code == 1
    assert f"Không ghi được vào outputs/{UNIT}" in error_line(done) and "ổ đĩa đã đầy" in done.err
    assert state(root) == before and leftovers(root) == []


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def mounts(tmp_path):
    """Mount helpers, or a skip where the machine does not let the tests mount."""
    probe = tmp_path / "probe"
    probe.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or not _mount("-t", "tmpfs", "-o", "size=16k", "tmpfs",
                                                                         str(probe)):
        pytest.skip("mounting is not permitted here (the simulated cases cover it)")
    subprocess.run(["umount", str(probe)], check=True)
    mounted: list[Path] = []
    yield mounted
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.slow
def test_a_real_read_only_outputs_folder(root, mounts):
    before = state(root)
    add_dossier(root)
    folder = root / "outputs" / UNIT
    assert _mount("--bind", str(folder), str(folder))
    mounts.append(folder)
    assert _mount("-o", "remount,bind,ro", str(folder))
    done = cchc("run", *UP, "--root", str(root))
    assert done.code == 1
    assert f"Không ghi được vào outputs/{UNIT}/{PERIOD}" in error_line(done) and "chỉ cho phép đọc" in done.err
    assert state(root) == before and leftovers(root) == []


@pytest.mark.slow
def test_a_really_full_disk(root, mounts):
    before = state(root)
    add_dossier(root)
    folder = root / "outputs" / UNIT
    kept = root / "kept"
    shutil.move(folder, kept)
    folder.mkdir()
    assert _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder))  # figures.json alone is larger
    mounts.append(folder)
    shutil.copytree(kept / PERIOD, folder / PERIOD)
    done = cchc("run", *UP, "--root", str(root))
    assert done.code == 1
    assert f"Không ghi được vào outputs/{UNIT}" in error_line(done) and "ổ đĩa đã đầy" in done.err
    assert state(root) == before and leftovers(root) == []


# -- injection ------------------------------------------------------------------------------------------------

def test_explain_csv_writes_formula_like_cells_as_text(root, tmp_path):
    hostile = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+33 UBND", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
    for i, agency in enumerate(hostile):
        add_dossier(root, name=f"ho-so-x{i}.csv", agency=agency, key=f"HSX{i}")
    target = tmp_path / "rows.csv"
    done = cchc("explain", "tthc.received.total", *UP, "--root", str(root), "--csv", str(target))
    assert done.code == 0, done.err
    with open(target, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle, delimiter=";") for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for agency in hostile:
        assert "'" + agency in cells


def test_inert_cells():
    assert [inert(v) for v in ["=1+2", "+1", "-x", "@A", "\tx", "\rx", "-5", "-1.234,5", "UBND", "", 7]] == \
        ["'=1+2", "'+1", "'-x", "'@A", "'\tx", "'\rx", "-5", "-1.234,5", "UBND", "", 7]


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _count(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_GET = do_HEAD = do_POST = _count

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A complete run whose every text field carries references to a local server (counting
    requests) and to a local file: unit name, document parameters, prose, data values."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    tmp = tmp_path_factory.mktemp("hostile")
    secret = tmp / "secret.txt"
    secret.write_text("SECRET-MARKER-QZX\n")
    bad = (f'<img src="{url}/img.png"><link rel="attachment" href="file://{secret}">'
           f'<a rel="attachment" href="file://{secret}">x</a><link rel="stylesheet" href="{url}/a.css">'
           f'<object data="file://{secret}"></object><style>@import url("{url}/b.css");</style>'
           f'<img src="file://{secret}">')
    text = json.dumps  # a YAML double-quoted scalar is a JSON string
    # The unit name and the subject make the document's title, which the Word writer keeps to
    # 255 characters: short payloads there.
    params = "\n".join([
        f"unit_name: {text(f'Xã Thử </title><script>alert(1)</script><img src={url}/u.png>')}",
        "document:",
        f"  number: {text('Số: 1/BC ' + bad)}",
        f"  place: {text('Thử ' + bad)}",
        f"  subject: [{text(f'Kết quả <img src=file://{secret}>')}]",
        f"  basis: [{text('Căn cứ ' + bad)}]",
        f"  intro: {text('Mở đầu ' + bad)}",
        f"  recipients: [{text('Nơi nhận ' + bad)}]",
        f"  signer: {{name: {text('Người ký ' + bad)}}}",
        "",
    ])
    root = make_root(tmp, params=params)
    add_dossier(root, agency="=HYPERLINK(\"" + url + "/xlsx\",\"bấm\") " + bad)
    prose = root / "params" / UNIT / "prose" / PERIOD / "tthc.results.md"
    prose.parent.mkdir(parents=True)
    prose.write_text('Đoạn văn <img src="file:///etc/hostname"> ![ảnh](file:///etc/hostname) '
                     '<link rel="attachment" href="file:///etc/hostname">\n', encoding="utf-8")
    done = cchc("run", *UP, "--root", str(root), "--allow-failed-checks")
    server.shutdown()
    return done, root, _Counting.requests, secret


@pytest.mark.slow
def test_no_fetch_and_no_file_embedded_whatever_the_texts_say(hostile):
    done, root, requests, secret = hostile
    assert done.code == 0, done.err
    assert requests == []
    out = root / "outputs" / UNIT / PERIOD
    pdf = (out / "report.pdf").read_bytes()
    for mark in (b"/EmbeddedFile", b"/FileAttachment", b"/Filespec", b"SECRET-MARKER"):
        assert mark not in pdf, mark
    shown = pdftotext(out / "report.pdf")
    assert "SECRET-MARKER" not in shown
    assert "<img src=" in shown  # the texts are shown as text
    page = (out / "report.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert "&lt;/title&gt;&lt;script&gt;" in title and "<" not in title
    tags = _Tags()
    tags.feed(page)
    assert not tags.refused, tags.refused  # the texts stayed text: no element of theirs


class _Tags(html.parser.HTMLParser):
    """Elements of a page that would load or run something not the report's own."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        linked = [(k, v) for k, v in attrs if k in ("src", "href", "data") and v and not v.startswith(
            ("data:image/", "#", f"{AUDIT_HTML}#"))]  # the report's own: the companion document beside it
        if tag in ("script", "link", "object", "iframe", "embed") or linked:
            self.refused.append((tag, attrs))


@pytest.mark.slow
def test_the_appendix_writes_formula_like_values_as_text(hostile):
    done, root, _, _ = hostile
    assert done.code == 0, done.err
    with zipfile.ZipFile(root / "outputs" / UNIT / PERIOD / "phu-luc.xlsx") as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    formulas = [f for sheet in sheets for f in re.findall(r"<f>(.*?)</f>", sheet)]
    assert sheets and all(re.fullmatch(r"SUM\([A-Z]+\d+:[A-Z]+\d+\)", f) for f in formulas)  # only column totals
    assert not any("<f " in sheet for sheet in sheets)
    assert "=HYPERLINK(" in strings + "".join(sheets)  # there, as text


# -- runs at the same time, a killed run, the auditor -------------------------------------------------------------

@pytest.mark.slow
def test_two_runs_of_the_same_pair_one_after_the_other(run_root):
    add_dossier(run_root)
    first, second = (subprocess.Popen([*CCHC, "run", *UP, "--root", str(run_root), "--force"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2))
    results = [(p.pid, p.returncode, *p.communicate(timeout=600)) for p in (first, second)]
    for pid, _, out, err in results:
        assert "Traceback" not in err
        assert_no_orphans(pid)
    assert [p.returncode for p in (first, second)] == [0, 0], results
    assert sum("Đang chờ" in err for *_, err in results) == 1
    manifest = json.loads((run_root / "outputs" / UNIT / PERIOD / "manifest.json").read_text())
    assert manifest["unit"] == UNIT and leftovers(run_root) == []


@pytest.mark.slow
def test_a_killed_run_leaves_no_process_and_the_next_run_cleans_up(run_root):
    before = state(run_root)
    add_dossier(run_root)
    process = subprocess.Popen([*CCHC, "run", *UP, "--root", str(run_root)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    staging = run_root / "outputs" / UNIT
    while time.monotonic() < deadline and process.poll() is None:
        if len(children_of(process.pid)) >= 2 and any(p.name.startswith(f".{PERIOD}.staging-")
                                                      for p in staging.iterdir()):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    helpers = children_of(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_no_orphans(process.pid, within=10)
    assert all(not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text() for pid in helpers)
    assert state(run_root) == before  # nothing published by the killed run
    assert leftovers(run_root)  # its staging folders, until the next run
    done = cchc("run", *UP, "--root", str(run_root))
    assert done.code == 0, done.err
    assert leftovers(run_root) == []


@pytest.mark.slow
def test_verify_names_an_unknown_file(run_root):
    (raw(run_root) / "ghi-chu.txt").write_text("x")
    done = cchc("verify", str(run_root / "outputs" / UNIT / PERIOD))
    assert done.code == 1
    assert "ghi-chu.txt" in done.out and "Traceback" not in done.out + done.err


def test_write_errors_name_the_folder_a_staging_folder_stands_for(tmp_path):
    with pytest.raises(CchcError, match=r"2025/report.pdf: ổ đĩa đã đầy"):
        with atomic.write_errors(tmp_path):
            raise OSError(errno.ENOSPC, "No space", str(tmp_path / ".2025.staging-ab12" / "report.pdf"))
    with pytest.raises(OSError, match="boom"):
        with atomic.write_errors(tmp_path):
            raise OSError(errno.EIO, "boom")
