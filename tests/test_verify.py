"""`cchc verify`: an untouched run verifies; a changed raw cell, an edited figure, a deleted
raw file or an unreadable raw file fail with the exact difference. The real pipeline runs once
for the module; each test that changes something works on its own copy of that root."""

from __future__ import annotations

import hashlib
import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import make_root

pytestmark = pytest.mark.slow

UNIT, PERIOD = "xa-thu", "2025-07"
OUT = Path("outputs") / UNIT / PERIOD
RAW = Path("data") / "raw" / UNIT / PERIOD


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A root with one published run of the messy test data."""
    from cchc.pipeline import run

    root = make_root(tmp_path_factory.mktemp("verify"))
    run(root, UNIT, PERIOD)
    return root


@pytest.fixture
def copy(published: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(published, tmp_path / "copy"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def figure_diff(verdict, figure_id: str, field: str = "value") -> dict:
    found = [d for d in verdict.figures_changed if d["id"] == figure_id and d["field"] == field]
    assert len(found) == 1, verdict.figures_changed
    return found[0]


def test_untouched_run_verifies(published, monkeypatch):
    from cchc.verify import to_json, to_text, verify

    monkeypatch.chdir(published)  # a relative OUTPUT_DIR, root from its place
    verdict = verify(OUT)
    text = to_text(verdict)
    assert verdict.ok and verdict.exit_code() == 0, text
    assert verdict.difference_count() == 0
    assert verdict.unit == UNIT and verdict.period == PERIOD
    assert Path(verdict.root) == published.resolve()
    assert text.splitlines()[0].startswith("ĐẠT")
    assert "report.ipynb" in text and "report.ipynb" not in verdict.checked["outputs"]
    for name in ("figures.json", "report.html", "report.pdf", "phu-luc.xlsx", "ingest-report.json"):
        assert name in verdict.checked["outputs"]
    assert verdict.checked["raw_files"] == 3 and verdict.checked["figures"] > 100
    data = json.loads(to_json(verdict))
    assert data["ok"] is True and data["excluded"] == ["report.ipynb", "manifest.json"]
    assert list(data) == sorted(data)


def test_one_changed_cell_names_the_file_and_the_figures(copy):
    from cchc.verify import to_json, to_text, verify

    csv = copy / RAW / "ho-so-2025-07b.csv"
    before = sha(csv)
    text = csv.read_bytes().decode("utf-8-sig")  # the file keeps its BOM and its NFD text
    online, direct = (unicodedata.normalize("NFD", s) for s in ("Trực tuyến", "Trực tiếp"))
    lines = text.split("\n")
    [i] = [n for n, line in enumerate(lines) if line.startswith("HS008;")]
    assert lines[i].count(online) == 1
    lines[i] = lines[i].replace(online, direct)
    csv.write_bytes("\n".join(lines).encode("utf-8-sig"))
    after = sha(csv)

    verdict = verify(copy / OUT)
    assert not verdict.errors, verdict.errors
    assert not verdict.ok and verdict.exit_code() == 1
    assert verdict.raw_changed == [{"file": (RAW / "ho-so-2025-07b.csv").as_posix(), "published": before,
                                    "current": after}]
    assert not verdict.raw_added and not verdict.raw_missing
    assert figure_diff(verdict, "tthc.received.online") == {
        "id": "tthc.received.online", "field": "value", "published": 2, "recomputed": 1}
    assert figure_diff(verdict, "tthc.received.direct") == {
        "id": "tthc.received.direct", "field": "value", "published": 1, "recomputed": 2}
    assert figure_diff(verdict, "tthc.rate.online", "numerator")["recomputed"] == 1
    assert "figures.json" in {d["file"] for d in verdict.outputs_vs_rerun}
    assert not verdict.outputs_vs_manifest  # the published files themselves are untouched

    text = to_text(verdict)
    assert text.splitlines()[0].startswith("KHÔNG ĐẠT")
    assert "ho-so-2025-07b.csv" in text and before in text and after in text
    assert "tthc.received.online, giá trị: công bố 2, tính lại 1" in text
    assert "tthc.received.direct, giá trị: công bố 1, tính lại 2" in text
    assert json.loads(to_json(verdict))["raw_changed"][0]["current"] == after


def test_edited_figure_in_published_figures_json(copy):
    from cchc.verify import to_text, verify

    path = copy / OUT / "figures.json"
    recorded = json.loads((copy / OUT / "manifest.json").read_text(encoding="utf-8"))["outputs"]["figures.json"]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["figures"]["tthc.received.total"]["value"] == 4
    data["figures"]["tthc.received.total"]["value"] = 5
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")

    verdict = verify(copy / OUT, root=copy)
    assert not verdict.errors, verdict.errors
    assert not verdict.ok
    assert verdict.figures_changed == [{"id": "tthc.received.total", "field": "value", "published": 5,
                                        "recomputed": 4}]
    assert verdict.outputs_vs_manifest == [{"file": "figures.json", "manifest": recorded, "published": sha(path)}]
    assert verdict.outputs_vs_rerun == [{"file": "figures.json", "published": sha(path), "recomputed": recorded}]
    assert not (verdict.raw_changed or verdict.raw_added or verdict.raw_missing)
    text = to_text(verdict)
    assert text.splitlines()[0].startswith("KHÔNG ĐẠT")
    assert "tthc.received.total, giá trị: công bố 5, tính lại 4" in text
    assert f"figures.json: SHA-256 trong manifest {recorded}, tệp đã công bố {sha(path)}" in text


def test_deleted_raw_file_is_missing(copy):
    from cchc.verify import to_text, verify

    path = copy / RAW / "ho-so-2025-07a.xlsx"
    digest = sha(path)
    path.unlink()
    (copy / RAW / "~$ho-so-2025-07b.csv").write_text("lock", encoding="utf-8")  # passed over, not "added"
    verdict = verify(copy / OUT)
    assert not verdict.errors, verdict.errors
    assert not verdict.ok
    assert verdict.raw_missing == [{"file": (RAW / "ho-so-2025-07a.xlsx").as_posix(), "published": digest}]
    assert not verdict.raw_added and verdict.ignored_raw == [(RAW / "~$ho-so-2025-07b.csv").as_posix()]
    assert verdict.figures_changed  # re-run from what is left
    assert f"ho-so-2025-07a.xlsx: không còn — SHA-256 trong manifest {digest}" in to_text(verdict)


def test_failing_rerun_and_added_file_are_a_verdict_not_a_crash(copy):
    from cchc.verify import to_text, verify

    (copy / RAW / "danh-muc.xlsx").write_bytes(b"not a workbook")
    shutil.copyfile(copy / RAW / "ho-so-2025-07b.csv", copy / RAW / "ho-so-them.csv")
    verdict = verify(copy / OUT)
    assert not verdict.ok
    assert [d["file"] for d in verdict.raw_changed] == [(RAW / "danh-muc.xlsx").as_posix()]
    assert [d["file"] for d in verdict.raw_added] == [(RAW / "ho-so-them.csv").as_posix()]
    assert len(verdict.errors) == 1 and "danh-muc.xlsx" in verdict.errors[0]
    assert not verdict.figures_changed and not verdict.outputs_vs_rerun  # nothing to compare with
    assert "danh-muc.xlsx" in to_text(verdict)


def test_missing_manifest_fails_naming_it(copy):
    from cchc.verify import to_text, verify

    (copy / OUT / "manifest.json").unlink()
    verdict = verify(copy / OUT)
    assert not verdict.ok and verdict.exit_code() == 1
    assert len(verdict.errors) == 1 and "manifest.json" in verdict.errors[0]
    assert to_text(verdict).splitlines()[0].startswith("KHÔNG ĐẠT")
