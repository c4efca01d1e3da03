"""What every configuration model shares: the strict base model, the value types of the
parameter files, closed vocabularies (``choice``), and the translation of a pydantic
``ValidationError`` into a ``CchcError`` that names the file, the key and the value.

A validator that refuses a value raises ``problem(name, ...)``: ``name`` is a message key of
data/messages.yaml (``expect_text``, ``expect_choice``, ``unknown_key`` …), ``at`` a dotted
path below the field being validated (the column of an alias, say) and ``value`` the value
to show when it is not the whole input of the validator.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

from cchc.core.errors import CchcError, message
from cchc.core.resources import load_yaml

_NO_VALUE = object()


class Model(BaseModel):
    """A configuration item: unknown keys are refused, values never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def problem(name: str, at: str | None = None, value: Any = _NO_VALUE, **ctx: Any) -> PydanticCustomError:
    """A refusal for a validator to raise; ``name`` is a key of data/messages.yaml."""
    if at is not None:
        ctx["at"] = at
    if value is not _NO_VALUE:
        ctx["value"] = value
    return PydanticCustomError(name, name, ctx)


def choice(values: Iterable[str]) -> Any:
    """A closed vocabulary: ``Literal[values]``, refused with the list of allowed values."""
    allowed = tuple(values)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise problem("expect_choice", choices=" | ".join(allowed))
        return value

    return Annotated[Literal[allowed], BeforeValidator(check)]


def choices(annotation: Any) -> tuple[str, ...]:
    """The values of a ``choice(...)`` (or a plain Literal) annotation."""
    while getattr(annotation, "__origin__", None) is not Literal:
        annotation = get_args(annotation)[0]
    return get_args(annotation)


# -- value types of the parameter files ----------------------------------------------------
def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem("expect_text")
    return value.strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise problem("expect_date") from None


def _rate(value: Any) -> float:
    """0.6 or "60%" -> 0.6; anything outside [0, 1] is refused."""
    number: Any = value
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip().rstrip("%").replace(",", ".")) / 100
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 <= number <= 1:
        raise problem("expect_rate")
    return float(number)


def _lines(value: Any) -> list[str]:
    """One line or a list of lines, each stripped."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise problem("expect_lines")
    return [v.strip() for v in value]


def _names(value: Any) -> list[str]:
    """One name or a list of names, as written."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise problem("expect_list")
    return value


Text = Annotated[str, PlainValidator(_text)]
Date = Annotated[dt.date, PlainValidator(_date)]
Rate = Annotated[float, PlainValidator(_rate)]
Lines = Annotated[list[str], PlainValidator(_lines)]
Names = Annotated[list[str], PlainValidator(_names)]
Key = Annotated[str, BeforeValidator(str)]   # a mapping's key, whatever YAML made of it
Words = Annotated[str, BeforeValidator(str)]  # any scalar, as text


# -- errors ----------------------------------------------------------------------------------
# pydantic's own error types -> the message key of the value expected.
EXPECTED = {
    "dict_type": "expect_mapping", "model_type": "expect_mapping", "model_attributes_type": "expect_mapping",
    "mapping_type": "expect_mapping",
    "list_type": "expect_items", "tuple_type": "expect_items", "iterable_type": "expect_items",
    "string_type": "expect_text",
    "bool_type": "expect_bool", "bool_parsing": "expect_bool",
    "int_type": "expect_number", "int_parsing": "expect_number", "int_from_float": "expect_number",
    "float_type": "expect_number", "float_parsing": "expect_number", "finite_number": "expect_number",
}


@dataclass(frozen=True)
class Refusal:
    """The first error of a ValidationError, in the terms of the messages."""

    kind: str        # "unknown", "missing" or "type"
    key: str         # dotted path from the top of the file
    value: Any
    expected: str    # the message saying what was expected (kind "type")


def refusal(error: ValidationError, drop: Callable[[tuple], tuple] | None = None) -> Refusal:
    """The first error of ``error``; ``drop`` rewrites its location (removes union tags, say)."""
    first = error.errors()[0]
    ctx = first.get("ctx") or {}
    loc = tuple(first["loc"])
    if drop is not None:
        loc = drop(loc)
    parts = [str(part) for part in loc]
    if ctx.get("at"):
        parts.append(str(ctx["at"]))
    key = ".".join(parts) or "*"
    value = ctx.get("value", first.get("input"))
    name = first["type"]
    if name in ("extra_forbidden", "unknown_key"):
        return Refusal("unknown", key, value, "")
    if name in ("missing", "missing_key"):
        return Refusal("missing", key, None, "")
    name = EXPECTED.get(name, name)
    if not name.startswith("expect_"):
        name = "expect_valid"
    return Refusal("type", key, value, message(name, **{k: v for k, v in ctx.items() if k not in ("at", "value")}))


def data_error(error: ValidationError, file: str, drop: Callable[[tuple], tuple] | None = None) -> CchcError:
    """A CchcError naming the shipped data file, the key and the value."""
    found = refusal(error, drop)
    if found.kind == "unknown":
        return CchcError("data_unknown_key", file=file, key=found.key, value=found.value)
    if found.kind == "missing":
        return CchcError("data_missing_key", file=file, key=found.key)
    return CchcError("data_bad_value", file=file, key=found.key, expected=found.expected, value=found.value)


def shown(relative: str) -> str:
    """How a data file is named in messages: data/checks.yaml."""
    return f"data/{relative}"


def validate_data(model: Any, data: Any, relative: str, drop: Callable[[tuple], tuple] | None = None,
                  context: dict[str, Any] | None = None) -> Any:
    """``data`` (from data/<relative>) through ``model`` (a model class or a TypeAdapter)."""
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            return model.model_validate(data, context=context)
        return model.validate_python(data, context=context)
    except ValidationError as exc:
        raise data_error(exc, shown(relative), drop) from None


@functools.lru_cache(maxsize=None)
def load_data(relative: str, model: Any, drop: Callable[[tuple], tuple] | None = None) -> Any:
    """A shipped data file (data/<relative>) read and validated once."""
    return validate_data(model, load_yaml(relative), relative, drop, {"file": relative})
