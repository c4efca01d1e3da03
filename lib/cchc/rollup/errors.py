"""The roll-up's errors, worded in data/report/rollup.yaml (errors)."""

from __future__ import annotations

from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml


class RollupError(CchcError):
    catalog = "report/rollup.yaml"
    path = ("errors",)


def words() -> dict:
    return load_yaml("report/rollup.yaml")
