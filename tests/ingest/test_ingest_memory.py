"""Ingest memory: the peak RSS of a fresh `cchc ingest --force` stays under 3x its raw files.

The same measure as `benchmarks/bench_ingest.py --memory` (which runs 1.000.000 rows), on a
generated csv large enough that the interpreter's own memory is small beside the data's: the
test also measures that floor (the same command on a folder of a few rows) and requires it to be
a small part of the peak, so that the ratio says something of the ingest and not of the imports.
A change that keeps one more copy of the dossiers (as 9fb4885 did: 3,76x) fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CCHC, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import make_big_export as generator  # noqa: E402

ROWS = 1_000_000
TARGET = 3.0


JSON_ROWS = 500_000   # national records: 345 MB of JSON, the ratio as meaningful, the test shorter


def _root(base: Path, dossiers: Path, catalogue: Path) -> Path:
    raw = base / "data" / "raw" / "bench" / "2025"
    raw.mkdir(parents=True)
    shutil.copyfile(dossiers, raw / ("danh-sach-ho-so" + dossiers.suffix))
    shutil.copyfile(catalogue, raw / "danh-muc-tthc.csv")
    (base / "params" / "bench").mkdir(parents=True)
    (base / "params" / "bench" / "2025.yaml").write_text('unit_name: "Xã Bình An"\n', encoding="utf-8")
    return base


def _peak_rss(root: Path) -> int:
    """Peak RSS in bytes of `cchc ingest --force` on ``root``, the only child of a fresh probe."""
    command = [*CCHC, "ingest", "--unit", "bench", "--period", "2025", "--root", str(root), "--force"]
    probe = textwrap.dedent(f"""
        import json, resource, subprocess
        done = subprocess.run({command!r}, capture_output=True, text=True)
        print(json.dumps({{"code": done.returncode, "err": done.stderr[-2000:],
                          "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "lib")})
    result = json.loads(done.stdout)
    assert result["code"] == 0, result["err"]
    return result["maxrss_kib"] * 1024


def _assert_under_target(small: Path, big: Path, size: int, benchmark: str) -> None:
    """The peak RSS of the ingest of ``big`` under TARGET times its ``size`` bytes of raw files,
    the interpreter's own (the ingest of ``small``) a small part of it."""
    floor = _peak_rss(small)
    peak = _peak_rss(big)
    assert floor < 0.25 * peak, f"the interpreter's {floor / 1e6:.0f} MB is not small beside {peak / 1e6:.0f} MB"
    ratio = peak / size
    assert ratio < TARGET, (f"peak RSS {peak / 1e6:.0f} MB = {ratio:.2f}x the {size / 1e6:.0f} MB of raw files "
                            f"(target < {TARGET:.0f}x; {benchmark})")


@pytest.mark.slow
def test_ingest_peak_memory_stays_under_three_times_the_raw_files(tmp_path):
    files = generator.ensure_exports(ROWS, generator.DEFAULT_SEED, folder=tmp_path / "exports",
                                     log=lambda _: None, csv_only=True)
    big = _root(tmp_path / "big", files.dossiers_csv, files.catalogue_csv)
    size = files.dossiers_csv.stat().st_size + files.catalogue_csv.stat().st_size
    small_files = generator.ensure_exports(200, generator.DEFAULT_SEED, folder=tmp_path / "small-exports",
                                           log=lambda _: None, csv_only=True)
    small = _root(tmp_path / "small", small_files.dossiers_csv, small_files.catalogue_csv)

    _assert_under_target(small, big, size, "benchmarks/bench_ingest.py --memory measures it at 1.000.000 rows")


@pytest.mark.slow
def test_ingest_of_national_records_stays_under_three_times_the_raw_files(tmp_path):
    """The same for the national portal's records as a JSON list (read by ijson in two passes)."""
    records = generator.ensure_national_json(JSON_ROWS, generator.DEFAULT_SEED, folder=tmp_path / "exports",
                                             log=lambda _: None)
    catalogue = generator.ensure_exports(200, generator.DEFAULT_SEED, folder=tmp_path / "small-exports",
                                         log=lambda _: None, csv_only=True)
    big = _root(tmp_path / "big", records, catalogue.catalogue_csv)
    size = records.stat().st_size + catalogue.catalogue_csv.stat().st_size
    small_records = generator.ensure_national_json(200, generator.DEFAULT_SEED, folder=tmp_path / "small-exports",
                                                   log=lambda _: None)
    small = _root(tmp_path / "small", small_records, catalogue.catalogue_csv)

    _assert_under_target(small, big, size, "bench_ingest.py --memory --format json measures 1.000.000 records")
