"""The JSON text of every file cchc writes (cchc.core.jsontext, written with the json module's C
encoder) is json.dumps's indented text, byte for byte, whatever the values."""

import datetime as dt
import enum
import json

import numpy as np
import pytest

from cchc.core import jsontext


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


ODD = {
    "plain": [1, 2.5, float("nan"), float("inf"), -float("inf"), None, True, False, "x\n\"é\x00\u2028", -0.0, 10**30, 1e-7],
    "subclasses": [Level.HIGH, Name("ñ"), {"level": Level.HIGH, "name": Name("a")}, np.float64(0.1), np.int64(3),
                   np.bool_(True), {"x": np.float64(2.0)}],
    "empty": [{}, [], (), {"a": {}, "b": []}],
    "dates": {"day": dt.date(2025, 7, 1), "at": dt.datetime(2025, 7, 1, 8, 30), "in": [dt.date(2025, 1, 2)]},
    "nested": [{"a": {"b": {"c": [1, {"d": "e"}, [[], [None]]]}}}, (1, (2, 3))],
    "Đất đai": {"z": 1, "a": "b", "m": [1, "x"]},
}


@pytest.mark.parametrize("value", [ODD, [ODD, ODD], {}, [], "text", 1, None, {1: "x"}, {"a": {2: [1]}},
                                   {Name("k"): 1}, [Level.HIGH, Name("q")]])
def test_same_text_as_json_dumps(value):
    text = jsontext.dumps(value)
    assert text == jsontext._standard(value)
    assert text == json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def test_a_circular_value_fails_as_json_fails():
    value: dict = {"a": [1]}
    value["a"].append(value)
    with pytest.raises(ValueError, match="Circular"):
        jsontext.dumps(value)
