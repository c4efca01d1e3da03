import datetime as dt

import pytest

from cchc.config.params import default_window, load_params
from cchc.core.errors import CchcError


@pytest.mark.parametrize("period, start, end", [
    ("2025", "2025-01-01", "2025-12-31"), ("2025-H1", "2025-01-01", "2025-06-30"),
    ("2025-H2", "2025-07-01", "2025-12-31"), ("2025-Q3", "2025-07-01", "2025-09-30"),
    ("2024-Q1", "2024-01-01", "2024-03-31"), ("2025-02", "2025-02-01", "2025-02-28"),
])
def test_default_windows(period, start, end):
    window = default_window(period)
    assert (window.start.isoformat(), window.cutoff.isoformat()) == (start, end)


@pytest.mark.parametrize("period", ["2025-H3", "25", "2025-Q5", "năm 2025", "2025-13"])
def test_bad_period_is_a_clear_error(period):
    with pytest.raises(CchcError, match="Kỳ báo cáo"):
        default_window(period)


def _root(tmp_path, unit_yaml=None, period_yaml="unit_name: Xã A\n", period="2025"):
    (tmp_path / "params" / "u").mkdir(parents=True)
    if unit_yaml is not None:
        (tmp_path / "params" / "u" / "unit.yaml").write_text(unit_yaml, encoding="utf-8")
    (tmp_path / "params" / "u" / f"{period}.yaml").write_text(period_yaml, encoding="utf-8")
    return tmp_path


def test_period_file_merges_over_unit_file(tmp_path):
    root = _root(tmp_path, unit_yaml="unit_name: Xã A\ntargets:\n  tthc.rate.reused: 0.5\n"
                 "  tthc.rate.digitized: '100%'\n",
                 period_yaml="cutoff: 2025-12-09\nstart: 2025-07-01\ntargets:\n  tthc.rate.reused: 60%\n")
    params = load_params(root, "u", "2025")
    assert params.unit_name == "Xã A"
    assert params.window.start == dt.date(2025, 7, 1) and params.window.cutoff == dt.date(2025, 12, 9)
    assert params.targets == {"tthc.rate.reused": 0.6, "tthc.rate.digitized": 1.0}


def test_unknown_key_is_an_error_naming_it(tmp_path):
    root = _root(tmp_path, period_yaml="unit_name: Xã A\ncutof: 2025-12-09\n")
    with pytest.raises(CchcError, match="'cutof'.*params/u/2025.yaml|params/u/2025.yaml.*'cutof'"):
        load_params(root, "u", "2025")


def test_anything_goes_under_extra(tmp_path):
    root = _root(tmp_path, period_yaml="unit_name: Xã A\nextra:\n  ghi_chu: tùy ý\n")
    assert load_params(root, "u", "2025").extra == {"ghi_chu": "tùy ý"}


def test_missing_unit_name(tmp_path):
    with pytest.raises(CchcError, match="unit_name"):
        load_params(_root(tmp_path, period_yaml="start: 2025-07-01\n"), "u", "2025")


def test_missing_period_file(tmp_path):
    with pytest.raises(CchcError, match="params/u/2025-H1.yaml"):
        load_params(_root(tmp_path), "u", "2025-H1")


@pytest.mark.parametrize("yaml_text, fragment", [
    ("unit_name: Xã A\nstart: 01/07/2025\n", "start"),
    ("unit_name: Xã A\ntargets:\n  tthc.rate.reused: 95\n", "tthc.rate.reused"),
    ("unit_name: Xã A\nstart: 2025-12-10\ncutoff: 2025-12-09\n", "10/12/2025"),
    ("unit_name: Xã A\nsources:\n  a.xlsx: hoso\n", "sources.a.xlsx.kind"),
    ("unit_name: Xã A\naliases:\n  dossiers:\n    ngay_nhan: [Ngày nộp]\n", "aliases.dossiers.ngay_nhan"),
    ("unit_name: [Xã A\n", "dòng"),
])
def test_bad_values_name_the_key(tmp_path, yaml_text, fragment):
    with pytest.raises(CchcError) as info:
        load_params(_root(tmp_path, period_yaml=yaml_text), "u", "2025")
    assert fragment in str(info.value)


def test_aliases_and_sources_accepted(tmp_path):
    root = _root(tmp_path, period_yaml=(
        "unit_name: Xã A\naliases:\n  dossiers:\n    received_at: [Ngày nộp hồ sơ]\n"
        "sources:\n  a.xlsx: dossiers\n  b.xlsx: {kind: catalogue, sheet: DM}\n  c.csv: ignore\n"))
    params = load_params(root, "u", "2025")
    assert params.aliases == {"dossiers": {"received_at": ["Ngày nộp hồ sơ"]}}
    assert params.sources["b.xlsx"] == {"kind": "catalogue", "sheet": "DM"}


def test_period_given_as_a_number_as_papermill_passes_it(tmp_path):
    # `papermill report.ipynb out.ipynb -p period 2025` injects period = 2025 (an int)
    root = _root(tmp_path)
    params = load_params(root, "u", 2025)
    assert params.period == "2025" and params.window.start == dt.date(2025, 1, 1)
