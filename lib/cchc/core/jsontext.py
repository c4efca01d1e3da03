"""The JSON text of every file cchc writes (figures.json, reconciliation.json, manifest.json,
ingest-report.json, verify --json): UTF-8 as is, keys sorted, indented by 2, a final newline, so
that the same content always gives the same bytes; dates and paths as text.

That is ``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)``, whose
indented text comes from the json module's pure-Python encoder. The same text is written faster
here: the containers that hold only plain values (a figure's source, a check's details…), most of
the text, are written by a json.JSONEncoder without indent (the json module's C encoder, when it
has one) whose item separator carries the newline and the indentation of their depth; the others
are walked here, in the order and with the value rules of the pure-Python encoder. Anything
unusual (a key that is not text, a circular value) goes to ``json.dumps`` itself.
tests/core/test_jsontext.py compares both texts.
"""

from __future__ import annotations

import json
from typing import Any


def _standard(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


INDENT = "  "
_LEAF_WRITERS: dict[int, Any] = {}   # depth -> the encoder of a container of plain values there
_text = json.JSONEncoder(ensure_ascii=False).encode  # a str as JSON text


class _Unusual(Exception):
    """A value the fast path leaves to json.dumps (``_standard``): a key that is not text."""


def dumps(value: Any) -> str:
    """The text ``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)``
    and a final newline (``_standard``, which writes what the fast path leaves), the same text."""
    out: list[str] = []
    try:
        _write(value, 0, out)
    except (_Unusual, RecursionError):
        return _standard(value)
    out.append("\n")
    return "".join(out)


_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


# The text of a plain value by its exact type (a subclass takes the long way, ``_write``).
_PLAIN: dict[type, Any] = {
    str: _text, int: int.__repr__, float: _float,
    bool: lambda value: "true" if value else "false", type(None): lambda value: "null",
}
_PLAIN_TYPES = frozenset(_PLAIN)
_TEXT_TYPES = frozenset({str})


def _leaf(value: dict | list | tuple, depth: int) -> str:
    """A non-empty container of plain values at ``depth``, indented."""
    writer = _LEAF_WRITERS.get(depth)
    if writer is None:
        writer = _LEAF_WRITERS[depth] = json.JSONEncoder(
            ensure_ascii=False, check_circular=False, sort_keys=True,
            separators=(",\n" + INDENT * (depth + 1), ": ")).encode
    text = writer(value)
    return f"{text[0]}\n{INDENT * (depth + 1)}{text[1:-1]}\n{INDENT * depth}{text[-1]}"


def _write(value: Any, depth: int, out: list[str]) -> None:
    kind = type(value)
    plain = _PLAIN.get(kind)
    if plain is not None:
        out.append(plain(value))
    elif kind is dict:
        _mapping(value, depth, out)
    elif kind is list:
        _sequence(value, depth, out)
    elif isinstance(value, str):
        out.append(_text(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, list | tuple):
        _sequence(value, depth, out)
    elif isinstance(value, dict):
        _mapping(value, depth, out)
    else:
        _write(str(value), depth, out)   # core.jsontext's default


def _sequence(value: list | tuple, depth: int, out: list[str]) -> None:
    if not value:
        out.append("[]")
    elif _PLAIN_TYPES.issuperset(map(type, value)):
        out.append(_leaf(value, depth))
    else:
        inner = INDENT * (depth + 1)
        out.append("[\n" + inner)
        for i, item in enumerate(value):
            if i:
                out.append(",\n" + inner)
            _write(item, depth + 1, out)
        out.append("\n" + INDENT * depth + "]")


def _mapping(value: dict, depth: int, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    if not _TEXT_TYPES.issuperset(map(type, value)):
        raise _Unusual
    if _PLAIN_TYPES.issuperset(map(type, value.values())):
        out.append(_leaf(value, depth))
        return
    inner = INDENT * (depth + 1)
    separator = ",\n" + inner
    out.append("{\n" + inner)
    first = True
    for key, item in sorted(value.items()):
        text = _text(key) + ": "
        out.append(text if first else separator + text)
        first = False
        plain = _PLAIN.get(type(item))
        if plain is not None:
            out.append(plain(item))
        else:
            _write(item, depth + 1, out)
    out.append("\n" + INDENT * depth + "}")
