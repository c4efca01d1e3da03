"""Typed configuration: every shipped configuration file loads through its model; an unknown
key or a value outside a closed vocabulary is a CchcError naming the file, the key and the
value; the registries of the code agree with the vocabularies of the models."""

from __future__ import annotations

import copy
from typing import get_args

import pytest

from cchc.checks.kinds import KINDS
from cchc.config.checks import CHECK_KINDS, CheckKind, load_checks, read_checks
from cchc.config.figures import SECTIONS, figure_definitions, read_figure_definitions
from cchc.config.outline import load_outline, read_outline
from cchc.config.params import default_citations, load_params
from cchc.config.sources import (
    COLUMN_TYPES,
    ROW_RULES,
    TITLE_TYPES,
    ColumnType,
    load_spec,
    read_source_file,
    shared_vocabularies,
    source_file,
    source_kinds,
)
from cchc.config.validation import choices
from cchc.core.errors import CchcError
from cchc.core.resources import DATA_DIR, load_yaml
from cchc.ingest.combine import SERIES
from cchc.ingest.parse import PARSERS
from cchc.ingest.row_rules import RULES
from cchc.manual.template import COLUMN_CELLS
from cchc.report.outline import outline

from conftest import REPO


def _raw(relative: str):
    return copy.deepcopy(load_yaml(relative))


def _refused(call, *fragments) -> str:
    with pytest.raises(CchcError) as info:
        call()
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return text


# -- every shipped file loads ---------------------------------------------------------------------
@pytest.mark.parametrize("kind", source_kinds())
def test_every_source_spec_loads(kind):
    spec = source_file(kind)
    assert spec.kind == kind and spec.key in spec.columns
    assert load_spec(kind).columns.keys() == spec.columns.keys()


def test_shared_vocabularies_load():
    assert "yes_no" in shared_vocabularies()


def test_checks_load():
    checks = load_checks()
    assert checks.status.label("pass") == "đạt"
    assert {check.kind for check in checks.checks} <= set(CHECK_KINDS)


@pytest.mark.parametrize("section", sorted(path.stem for path in (DATA_DIR / "figures").glob("*.yaml")))
def test_every_figure_definition_file_loads(section):
    assert figure_definitions(section).section == section


def test_outline_and_citations_load():
    assert [node.id for node in load_outline()][:2] == ["direction", "results"]
    assert "tthc.results" in outline()
    assert "direction.steering" in default_citations()


@pytest.mark.parametrize("period", sorted(path.stem for path in (REPO / "params" / "nguyen-luong-bang").glob("*.yaml")
                                          if path.stem != "unit"))
def test_demo_params_load(period):
    params = load_params(REPO, "nguyen-luong-bang", period)
    assert params.unit_name and params.files
    assert params.document is None or params.document.model_dump()


# -- registries agree with the vocabularies -----------------------------------------------------------
def test_check_kinds_registry_is_the_models_kind_enum():
    assert set(KINDS) == set(CHECK_KINDS) == set(get_args(CheckKind))


def test_column_type_registries_are_the_column_type_enum():
    assert set(choices(ColumnType)) == set(COLUMN_TYPES)
    assert set(PARSERS) == set(COLUMN_TYPES)
    assert set(SERIES) == set(COLUMN_TYPES)
    assert set(COLUMN_CELLS) == set(COLUMN_TYPES)


def test_row_rules_and_sections_agree():
    assert set(ROW_RULES) == set(RULES)
    assert set(SECTIONS) == {path.stem for path in (DATA_DIR / "figures").glob("*.yaml")}
    assert set(TITLE_TYPES) == {"text", "date"}


# -- source specs ---------------------------------------------------------------------------------------
def test_source_spec_unknown_key():
    data = _raw("sources/dossiers.yaml")
    data["columns"]["status"]["vocabulary"] = "dossier_status"
    _refused(lambda: read_source_file("dossiers", data),
             "data/sources/dossiers.yaml", "columns.status.vocabulary", "'dossier_status'")


def test_source_spec_unknown_column_type():
    data = _raw("sources/dossiers.yaml")
    data["columns"]["received_at"]["type"] = "datetime"
    text = _refused(lambda: read_source_file("dossiers", data),
                    "data/sources/dossiers.yaml", "columns.received_at.type", "'datetime'")
    assert "category" in text  # the allowed types are listed


@pytest.mark.parametrize("change, key, value", [
    (lambda d: d["columns"]["status"].update(vocab="no_such_vocabulary"), "columns.status.vocab",
     "'no_such_vocabulary'"),
    (lambda d: d["columns"]["status"].pop("vocab"), "columns.status.vocab", "None"),
    (lambda d: d["columns"]["field"].update(vocab="yes_no"), "columns.field.vocab", "'yes_no'"),
    (lambda d: d.update(key="no_such_column"), "key", "'no_such_column'"),
    (lambda d: d.update(kind="hoso"), "kind", "'hoso'"),
    (lambda d: d.update(row_rules="petitions"), "row_rules", "'petitions'"),
    (lambda d: d["columns"]["status"].update(required="yes"), "columns.status.required", "'yes'"),
])
def test_source_spec_inconsistent_values(change, key, value):
    data = _raw("sources/dossiers.yaml")
    change(data)
    _refused(lambda: read_source_file("dossiers", data), "data/sources/dossiers.yaml", f"'{key}'", value)


def test_source_vocabulary_empty_code_must_be_a_code():
    data = _raw("sources/petitions.yaml")
    data["vocabularies"]["petition_result"]["empty"] = "waiting"
    _refused(lambda: read_source_file("petitions", data),
             "data/sources/petitions.yaml", "vocabularies.petition_result.empty", "'waiting'")


# -- checks -----------------------------------------------------------------------------------------------
def test_check_spec_unknown_key():
    data = _raw("checks.yaml")
    data["checks"][0]["lefty"] = "to_handle"
    _refused(lambda: read_checks(data), "data/checks.yaml", "checks.0.lefty", "'to_handle'")


def test_check_spec_unknown_kind():
    data = _raw("checks.yaml")
    data["checks"][0]["kind"] = "identiti"
    text = _refused(lambda: read_checks(data), "data/checks.yaml", "checks.0.kind", "'identiti'")
    assert "groups_sum" in text


@pytest.mark.parametrize("change, key, value", [
    (lambda d: d["checks"][2].update(severity="fatal"), "checks.2.severity", "'fatal'"),
    (lambda d: d["checks"][1].update(id=d["checks"][0]["id"]), "checks.1.id", "'identity.to_handle'"),
    (lambda d: d["status"].update(ok="được"), "status.ok", "'được'"),
    (lambda d: next(c for c in d["checks"] if c["kind"] == "previous").update(threshold="nhiều"),
     ".threshold", "'nhiều'"),
])
def test_check_spec_bad_values(change, key, value):
    data = _raw("checks.yaml")
    change(data)
    _refused(lambda: read_checks(data), "data/checks.yaml", key, value)


def test_check_spec_missing_key_of_its_kind():
    data = _raw("checks.yaml")
    del data["checks"][0]["left"]
    _refused(lambda: read_checks(data), "data/checks.yaml", "checks.0.left")


# -- figure definitions ------------------------------------------------------------------------------------
def test_figure_definitions_unknown_key():
    data = _raw("figures/tthc.yaml")
    data["figures"]["received.total"]["unite"] = "hồ sơ"
    _refused(lambda: read_figure_definitions("tthc", data),
             "data/figures/tthc.yaml", "figures.received.total.unite", "'hồ sơ'")


@pytest.mark.parametrize("section, change, key, value", [
    ("tthc", lambda d: d.update(section="hoso"), "section", "'hoso'"),
    ("citizens", lambda d: d.update(section="tthc"), "section", "'tthc'"),
    ("tthc", lambda d: d["by_month"]["figures"].append("received.fax"), "by_month.figures.4", "'received.fax'"),
    ("finance", lambda d: d["money_units"].update({"đồng": "một phần triệu"}), "money_units.đồng",
     "'một phần triệu'"),
    ("tthc", lambda d: d["breakdowns"]["by_field"].pop("column"), "breakdowns.by_field.column", ""),
])
def test_figure_definitions_bad_values(section, change, key, value):
    data = _raw(f"figures/{section}.yaml")
    change(data)
    _refused(lambda: read_figure_definitions(section, data), f"data/figures/{section}.yaml", f"'{key}'", value)


# -- outline ----------------------------------------------------------------------------------------------
def test_outline_unknown_key():
    data = _raw("report/outline.yaml")
    data[1]["children"][1]["titel"] = "TTHC"
    _refused(lambda: read_outline(data), "data/report/outline.yaml", "1.children.1.titel", "'TTHC'")


@pytest.mark.parametrize("change, key, value", [
    # the second of two equal ids is the one refused
    (lambda d: d[1]["children"][1]["children"][0].update(id="tthc.results"), "1.children.1.children.6.id",
     "'tthc.results'"),
    (lambda d: d[0].update(id="Chỉ đạo"), "0.id", "'Chỉ đạo'"),
    (lambda d: d[0].update(children="direction.steering"), "0.children", "'direction.steering'"),
])
def test_outline_bad_values(change, key, value):
    data = _raw("report/outline.yaml")
    change(data)
    _refused(lambda: read_outline(data), "data/report/outline.yaml", f"'{key}'", value)


# -- params ---------------------------------------------------------------------------------------------
def _root(tmp_path, text: str):
    (tmp_path / "params" / "u").mkdir(parents=True)
    (tmp_path / "params" / "u" / "2025.yaml").write_text("unit_name: Xã A\n" + text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("text, key, value", [
    ("document:\n  signer: {foo: bar}\n", "document.signer.foo", "'bar'"),
    ("citations:\n  finance.assets: {tag: [x]}\n", "citations.finance.assets.tag", "['x']"),
    ("sources:\n  a.xlsx: {kind: dossiers, sheets: DM}\n", "sources.a.xlsx.sheets", "'DM'"),
    ("aliases:\n  hoso:\n    received_at: [Ngày nộp]\n", "aliases.hoso", "{'received_at': ['Ngày nộp']}"),
])
def test_params_unknown_key(tmp_path, text, key, value):
    _refused(lambda: load_params(_root(tmp_path, text), "u", "2025"), "params/u/2025.yaml", f"'{key}'", value)


@pytest.mark.parametrize("text, key, value", [
    ("sources:\n  a.xlsx: hoso\n", "sources.a.xlsx.kind", "'hoso'"),
    ("sources:\n  a.xlsx: {sheet: DM}\n", "sources.a.xlsx.kind", "None"),
    ("targets:\n  tthc.rate.on_time: 1.5\n", "targets.tthc.rate.on_time", "1.5"),
    ("document:\n  date: 10/12/2025\n", "document.date", "'10/12/2025'"),
    ("agencies: 3\n", "agencies", "3"),
])
def test_params_bad_values(tmp_path, text, key, value):
    _refused(lambda: load_params(_root(tmp_path, text), "u", "2025"), "params/u/2025.yaml", f"'{key}'", value)


def test_params_typed_attributes(tmp_path):
    root = _root(tmp_path, "document:\n  number: ' Số: 1/BC-UBND '\n  signer: {name: Nguyễn Văn B}\n"
                           "citations:\n  finance.assets: {tags: tài sản}\n"
                           "agencies: [UBND xã]\nvertical_agencies: Công an xã\n")
    params = load_params(root, "u", "2025")
    assert params.document.number == "Số: 1/BC-UBND" and params.document.signer.name == "Nguyễn Văn B"
    assert params.document.title is None
    assert params.citations["finance.assets"].tags == ["tài sản"]
    assert params.agencies == ["UBND xã"] and params.vertical_agencies == ["Công an xã"]
    assert params.citation_rules()["finance.assets"] == {"tags": ["tài sản"]}
    assert params.merged["document"] == {"number": "Số: 1/BC-UBND", "signer": {"name": "Nguyễn Văn B"}}


def test_params_attributes_absent_are_none(tmp_path):
    params = load_params(_root(tmp_path, ""), "u", "2025")
    assert (params.document, params.citations, params.agencies, params.vertical_agencies) == (None,) * 4
    assert params.merged == {"unit_name": "Xã A"}


@pytest.mark.parametrize("kind", ["lookalike_names", "groups_sum"])
def test_check_breakdown_must_be_a_known_breakdown(kind):
    data = _raw("checks.yaml")
    spec = next(s for s in data["checks"] if s["kind"] == kind)
    spec["breakdown"] = "by_feild"
    index = data["checks"].index(spec)
    text = _refused(lambda: read_checks(data), "data/checks.yaml", f"checks.{index}", "'by_feild'")
    assert "by_field" in text
