"""cchc batch through the real command: one failing commune among three, up-to-date outputs
skipped, --force, a worker kept or replaced, real Dask clusters (scheduler and worker processes
on 127.0.0.1: two single-threaded workers, or one with two threads) whose reports verify and
equal the local pool's and `cchc run`'s bytes; cchc demo --communes is deterministic for a seed."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from cchc.batch.local import run_local
from cchc.cli import main
from cchc.core.layout import MANIFEST, NOTEBOOK, Layout
from cchc.demo.communes import generate_communes, plan_communes

pytestmark = pytest.mark.slow

PERIOD = "2025"
SIZE = 1000  # dossiers a year: the smallest communes, so that the module runs in about a minute
BROKEN_FILE = "ho-so-2025-08.xlsx"
# Outputs whose bytes depend on the time of the run (the manifest's times, the notebook's metadata).
TIMED = {MANIFEST, NOTEBOOK}


def _inputs(root: Path, to: Path, units: list[str]) -> Path:
    """A root holding only the params and raw data of ``units`` (nothing run)."""
    for unit in units:
        for part in (Layout(root, unit).params_dir, Layout(root, unit, PERIOD).raw_dir):
            shutil.copytree(part, to / part.relative_to(root))
    return to


def _summary(root: Path) -> dict:
    return json.loads(Layout(root, period=PERIOD).batch_summary("json").read_text(encoding="utf-8"))


def _outputs(root: Path, unit: str) -> dict[str, bytes]:
    folder = Layout(root, unit, PERIOD).outputs_dir
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in TIMED}


@pytest.fixture(scope="module")
def batch_root(tmp_path_factory) -> tuple[Path, list[str], str]:
    """Three small communes, the second with a broken dossier export, after one batch."""
    root = tmp_path_factory.mktemp("batch")
    generate_communes(root, 3, seed=5, per_year=SIZE)
    units = [c.unit for c in plan_communes(3, seed=5, per_year=SIZE)]
    broken = units[1]
    (Layout(root, broken, PERIOD).raw_dir / BROKEN_FILE).write_bytes(b"PK\x03\x04 not a workbook")
    first = main(["batch", "--period", PERIOD, "--root", str(root), "--workers", "2"])
    return root, units, broken, first


def test_failing_commune_is_reported_and_the_others_publish(batch_root):
    root, units, broken, code = batch_root
    assert code == 1
    summary = _summary(root)
    assert summary["counts"] == {"done": 2, "failed": 1, "skipped": 0}
    by_unit = {row["unit"]: row for row in summary["units"]}
    assert by_unit[broken]["status"] == "failed" and BROKEN_FILE in by_unit[broken]["reason"]
    assert not Layout(root, broken, PERIOD).outputs_dir.exists()
    markdown = Layout(root, period=PERIOD).batch_summary("md").read_text(encoding="utf-8")
    assert broken in markdown and by_unit[broken]["name"] in markdown
    for unit in units:
        if unit != broken:
            assert by_unit[unit]["status"] == "done"
            assert {"figures.json", "report.pdf", "report.docx", "phu-luc.xlsx"} <= set(_outputs(root, unit))
            html = _outputs(root, unit)["report.html"].decode("utf-8")
            name = by_unit[unit]["name"]  # "Phường Hồng Bàng": its sentences say "UBND phường", not "UBND xã"
            council = "UBND " + name.split()[0].lower()
            assert f"{council} đã tiếp" in html and f"văn bản đi của {council}" in html, unit
            assert name.startswith("Xã") or "UBND xã đã" not in html


def test_up_to_date_outputs_are_skipped_unless_forced(batch_root):
    root, units, broken, _ = batch_root
    good = [u for u in units if u != broken]
    assert main(["batch", "--period", PERIOD, "--root", str(root), "--unit", good[0], "--unit", good[1]]) == 0
    assert {row["unit"]: row["status"] for row in _summary(root)["units"]} == dict.fromkeys(good, "skipped")
    before = (Layout(root, good[0], PERIOD).outputs_dir / MANIFEST).read_text(encoding="utf-8")
    assert main(["batch", "--period", PERIOD, "--root", str(root), "--unit", good[0], "--force",
                 "--workers", "1"]) == 0
    assert _summary(root)["units"][0]["status"] == "done"
    assert (Layout(root, good[0], PERIOD).outputs_dir / MANIFEST).read_text(encoding="utf-8") != before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _cluster(workers: int, threads: int) -> Iterator[str]:
    """A real Dask cluster: `dask scheduler` and `dask worker` processes on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [str(Path(sys.executable).parent / "dask")]  # the environment's own command
    scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([*dask, "worker", address, "--nworkers", str(workers), "--nthreads", str(threads),
                               "--no-dashboard", "--memory-limit", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture()
def dask_cluster():
    """Two single-threaded Dask workers."""
    with _cluster(2, 1) as address:
        yield address


def test_dask_cluster_reports_verify_and_equal_local_and_cchc_run(batch_root, dask_cluster, tmp_path):
    root, units, broken, _ = batch_root
    good = [u for u in units if u != broken]
    on_dask = _inputs(root, tmp_path / "dask", good)
    started = time.monotonic()
    assert main(["batch", "--period", PERIOD, "--root", str(on_dask), "--scheduler", dask_cluster]) == 0
    assert time.monotonic() - started < 600
    rows = _summary(on_dask)["units"]
    assert {row["unit"]: row["status"] for row in rows} == dict.fromkeys(good, "done")
    alone = _inputs(root, tmp_path / "run", good[:1])
    assert main(["run", "--unit", good[0], "--period", PERIOD, "--root", str(alone)]) == 0
    for unit in good:  # the same bytes whichever way they were made (manifest and notebook: times)
        made = _outputs(on_dask, unit)
        assert {"figures.json", "report.html", "report.pdf", "report.docx", "phu-luc.xlsx"} <= set(made)
        assert made == _outputs(root, unit), unit
    assert _outputs(alone, good[0]) == _outputs(root, good[0])
    for unit in good:
        assert main(["verify", str(Layout(on_dask, unit, PERIOD).outputs_dir), "--root", str(on_dask)]) == 0


def test_one_dask_worker_with_two_threads_gives_each_thread_its_kernel(batch_root, tmp_path):
    """A Dask worker process running two tasks at once (two threads): each thread has its own
    kernel (cchc.batch.worker keeps one per thread), the reports are the local pool's bytes."""
    root, units, broken, _ = batch_root
    good = [u for u in units if u != broken]
    folder = _inputs(root, tmp_path / "threads", good)
    with _cluster(1, 2) as address:
        assert main(["batch", "--period", PERIOD, "--root", str(folder), "--scheduler", address]) == 0
    rows = _summary(folder)["units"]
    assert {row["status"] for row in rows} == {"done"} and len({row["worker"] for row in rows}) == 1
    for unit in good:
        assert _outputs(folder, unit) == _outputs(root, unit), unit
    assert main(["verify", str(Layout(folder, good[0], PERIOD).outputs_dir), "--root", str(folder)]) == 0


def test_worker_reused_or_replaced_writes_the_same_bytes(batch_root, tmp_path):
    """One worker making both reports on its kept kernel (reset between them), and workers replaced
    after every report (memory over the limit): the same bytes as the first batch's."""
    root, units, broken, _ = batch_root
    good = [u for u in units if u != broken]
    for name, limit_mb in (("kept", 100_000), ("replaced", 1)):
        folder = _inputs(root, tmp_path / name, good)
        outcomes = []
        run_local(folder, good, PERIOD, force=False, workers=1, on_outcome=outcomes.append, recycle_mb=limit_mb)
        assert [o.status for o in outcomes] == ["done", "done"], [o.reason for o in outcomes]
        pids = {o.worker for o in outcomes}
        assert len(pids) == (1 if name == "kept" else 2), pids
        for unit in good:
            assert _outputs(folder, unit) == _outputs(root, unit), (name, unit)


def test_demo_communes_are_deterministic(tmp_path):
    for name in ("a", "b"):
        assert main(["demo", "--communes", "3", "--seed", "1", "--root", str(tmp_path / name)]) == 0
    files = {name: {p.relative_to(tmp_path / name): p.read_bytes() for p in sorted((tmp_path / name).rglob("*"))
                    if p.is_file()} for name in ("a", "b")}
    assert files["a"] == files["b"]
    units = [c.unit for c in plan_communes(3, seed=1)]
    city = (tmp_path / "a" / "params" / "hai-phong" / "city.yaml").read_text(encoding="utf-8")
    assert all(f"  - {unit}\n" in city for unit in units)
    sizes = [c.per_year for c in plan_communes(114, seed=1)]
    assert 1000 <= min(sizes) and max(sizes) <= 20000 and len(set(sizes)) > 50
    assert len({c.unit for c in plan_communes(114, seed=1)}) == 114
