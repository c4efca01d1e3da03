"""manifest.json's model (cchc.render.manifest.Manifest) and the replay of a published run
(cchc.replay.PublishedRun) shared by `cchc verify` and `cchc explain`."""

import json

import pytest

from cchc.core import jsontext
from cchc.core.hashing import sha256_file
from cchc.core.layout import FIGURES, MANIFEST, REPLACED_FIGURES, Layout
from cchc.render.manifest import Code, Manifest, NotebookFile
from cchc.replay import ABSENT, CURRENT, DIFFERS, RECORDED, PublishedRun

UNIT, PERIOD = "xa-thu", "2025-07"
RAW = f"data/raw/{UNIT}/{PERIOD}"


def _figures(value):
    return {"unit": UNIT, "period": PERIOD, "start": "2025-07-01", "cutoff": "2025-07-31", "lists": {},
            "figures": {"tthc.received.total": {"value": value, "unit": "hồ sơ", "label": "L", "definition": "D",
                                                "sources": []}}}


@pytest.fixture()
def root(tmp_path):
    """A root with a published run of UNIT/PERIOD: two raw files, its parameters, a manifest."""
    raw = tmp_path / RAW
    raw.mkdir(parents=True)
    (raw / "a.csv").write_text("Mã hồ sơ\nH1\n", encoding="utf-8")
    (raw / "b.csv").write_text("Mã hồ sơ\nH2\n", encoding="utf-8")
    params = tmp_path / "params" / UNIT
    params.mkdir(parents=True)
    (params / f"{PERIOD}.yaml").write_text("unit_name: Xã Thử\n", encoding="utf-8")
    out = Layout(tmp_path, UNIT, PERIOD).outputs_dir
    out.mkdir(parents=True)
    (out / FIGURES).write_text(jsontext.dumps(_figures(2)), encoding="utf-8")
    Manifest(unit=UNIT, period=PERIOD, parameters={"unit_name": "Xã Thử (lúc chạy)"},
             raw_files={f"{RAW}/{n}": sha256_file(raw / n) for n in ("a.csv", "b.csv")},
             parameter_files={f"params/{UNIT}/{PERIOD}.yaml": sha256_file(params / f"{PERIOD}.yaml")},
             outputs={FIGURES: sha256_file(out / FIGURES)}, command=None).write(out)
    return tmp_path


def test_the_manifest_text_has_the_keys_given_sorted_and_reads_back(tmp_path):
    written = Manifest(unit="u", period="2025", raw_files={"x": "1"}, command=None, ignored_files=[],
                       notebook=NotebookFile(file="cchc/notebooks/report.ipynb", sha256="2"),
                       code=Code(commit=None, dirty=None, sha256="3"), durations_s={"total": 1.5, "ingest": 0})
    written.write(tmp_path)
    data = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert list(data) == ["code", "command", "durations_s", "ignored_files", "notebook", "period", "raw_files",
                          "unit"]
    assert data["command"] is None and data["durations_s"] == {"total": 1.5, "ingest": 0}
    assert data["code"] == {"commit": None, "dirty": None, "sha256": "3"}
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == jsontext.dumps(data)
    again = Manifest.read(tmp_path / MANIFEST)
    assert again == written and again.prose_files is None and again.kind is None
    assert again.text() == written.text()


@pytest.mark.parametrize("text", ["[1, 2]", '{"raw_files": ["a"]}', '{"unit": 3}', "{"])
def test_a_file_not_of_the_manifest_shape_is_a_value_error(tmp_path, text):
    (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        Manifest.read(tmp_path / MANIFEST)


def test_a_missing_manifest_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        PublishedRun.open(tmp_path / "outputs" / UNIT / PERIOD)


def test_a_published_run_names_its_unit_period_and_raw_changes(root):
    run = PublishedRun.open(Layout(root, UNIT, PERIOD).outputs_dir, root)
    assert (run.unit, run.period, run.root) == (UNIT, PERIOD, root.resolve())
    assert run.raw_found() and run.raw_changes() == {}
    (root / RAW / "a.csv").write_text("Mã hồ sơ\nH9\n", encoding="utf-8")
    (root / RAW / "b.csv").unlink()
    (root / RAW / "c.csv").write_text("Mã hồ sơ\nH3\n", encoding="utf-8")  # not read by the run: no change
    assert run.raw_changes() == {f"{RAW}/a.csv": DIFFERS, f"{RAW}/b.csv": ABSENT}
    (root / RAW / "a.csv").unlink()
    assert not run.raw_found()


def test_the_unit_and_period_default_to_the_folder_names(root):
    out = Layout(root, UNIT, PERIOD).outputs_dir
    Manifest(raw_files={}).write(out)
    run = PublishedRun.open(out, root)
    assert (run.unit, run.period) == (UNIT, PERIOD) and run.raw_found() and run.raw_changes() == {}


def test_the_recorded_workspace_holds_only_the_files_read_and_the_recorded_parameters(root):
    (root / RAW / "later.csv").write_text("Mã hồ sơ\nH3\n", encoding="utf-8")
    run = PublishedRun.open(Layout(root, UNIT, PERIOD).outputs_dir, root)
    with run.workspace(RECORDED) as workspace:
        here = Layout(workspace, UNIT, PERIOD)
        assert sorted(p.name for p in here.raw_dir.iterdir()) == ["a.csv", "b.csv"]
        assert (here.raw_dir / "a.csv").read_bytes() == (root / RAW / "a.csv").read_bytes()
        assert json.loads(here.period_params.read_text(encoding="utf-8")) == {"unit_name": "Xã Thử (lúc chạy)"}
        assert not here.outputs_dir.exists()
    assert not workspace.exists()


def test_the_current_workspace_holds_the_roots_inputs_and_the_published_reports_a_run_reads(root):
    (root / RAW / "later.csv").write_text("Mã hồ sơ\nH3\n", encoding="utf-8")
    before = Layout(root, UNIT, "2025-06").outputs_dir
    before.mkdir(parents=True)
    (before / FIGURES).write_text(jsontext.dumps({**_figures(1), "period": "2025-06"}), encoding="utf-8")
    out = Layout(root, UNIT, PERIOD).outputs_dir
    (out / REPLACED_FIGURES).write_text(jsontext.dumps(_figures(5)), encoding="utf-8")
    run = PublishedRun.open(out, root)
    with run.workspace(CURRENT) as workspace:
        here = Layout(workspace, UNIT, PERIOD)
        assert sorted(p.name for p in here.raw_dir.iterdir()) == ["a.csv", "b.csv", "later.csv"]
        assert here.period_params.read_text(encoding="utf-8") == "unit_name: Xã Thử\n"
        assert (here.at("2025-06").outputs_dir / FIGURES).read_bytes() == (before / FIGURES).read_bytes()
        # the report this run replaced stands as this period's published one, for its review sheet
        assert (here.outputs_dir / FIGURES).read_bytes() == (out / REPLACED_FIGURES).read_bytes()
