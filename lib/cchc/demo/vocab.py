"""Load the demo generator's Vietnamese vocabulary (YAML files in cchc/data/demo)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from cchc.core.resources import parse_yaml


@functools.lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Return the parsed YAML file ``cchc/data/demo/<name>.yaml`` (treat as read-only)."""
    text = resources.files("cchc").joinpath("data", "demo", f"{name}.yaml").read_text(encoding="utf-8")
    return parse_yaml(text)


def labels() -> dict[str, Any]:
    return load("labels")


def people() -> dict[str, Any]:
    return load("people")


def catalogue() -> dict[str, Any]:
    return load("catalogue")
