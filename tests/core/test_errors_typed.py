"""Errors typed by failure (cchc.core.errors): a CchcError of a key a failure class lists is an
instance of that class, with the fields file, sheet, row, column and value of its message."""

import pickle

import pytest

from cchc.config.params import load_params
from cchc.config.sources import load_specs
from cchc.core.errors import BadParameter, CchcError, MissingColumn, UnreadableFile, UnrecognisedFile, WriteFailed
from cchc.core.period import Period
from cchc.core.resources import load_yaml
from cchc.ingest.parse import classify
from cchc.manual.errors import TemplateExists


def test_every_failure_key_is_a_message():
    messages = load_yaml("messages.yaml")
    typed = CchcError._failure_of  # noqa: SLF001 (the registry the classes fill)
    assert len(typed) >= 30 and set(typed) <= set(messages)


def test_an_error_made_by_its_key_is_its_failure_with_the_fields_of_its_message():
    error = CchcError("missing_column", file="data/raw/x/2025/a.xlsx", column="Mã hồ sơ", aliases="Số hồ sơ")
    assert type(error) is MissingColumn and isinstance(error, CchcError) and error.name == "missing_column"
    assert (error.file, error.column, error.row, error.sheet, error.value) == ("data/raw/x/2025/a.xlsx", "Mã hồ sơ",
                                                                              None, None, None)
    assert "a.xlsx" in str(error) and "Mã hồ sơ" in str(error)
    line = CchcError("csv_bad_row", file="b.csv", line=7, reason="x")
    assert type(line) is UnreadableFile and line.row == 7
    assert type(CchcError("internal_error", reason="x")) is CchcError  # a key no failure lists


def test_code_branches_on_the_failure_of_a_real_refusal():
    with pytest.raises(UnrecognisedFile) as refused:
        classify(load_specs(), [["Số thứ tự", "Nội dung"]], "data/raw/x/2025/la.xlsx")
    assert refused.value.file == "data/raw/x/2025/la.xlsx"
    with pytest.raises(BadParameter, match="2025-H3"):
        Period.parse("2025-H3")


def test_a_parameter_file_with_a_wrong_value_names_file_and_value(tmp_path):
    (tmp_path / "params" / "xa").mkdir(parents=True)
    (tmp_path / "params" / "xa" / "2025.yaml").write_text("unit_name: Xã A\nstart: 2025-13-01\n", encoding="utf-8")
    with pytest.raises(BadParameter) as refused:
        load_params(tmp_path, "xa", "2025")
    assert refused.value.file.endswith("2025.yaml") and refused.value.value == "2025-13-01"


def test_the_failure_and_its_fields_cross_processes():
    error = pickle.loads(pickle.dumps(CchcError("write_failed", path="outputs/x", reason="full")))
    assert type(error) is WriteFailed and error.values == {"path": "outputs/x", "reason": "full"}


def test_a_part_with_its_own_messages_keeps_its_class_and_fields():
    error = TemplateExists("data/raw/x/2025/so-lieu-nhap-tay.xlsx", "B4")
    assert type(error) is TemplateExists and error.where == "B4" and error.file.endswith(".xlsx")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is TemplateExists and again.where == "B4" and str(again) == str(error)
