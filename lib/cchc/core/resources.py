"""Access to the package's data files (YAML vocabularies, labels, messages)."""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(str(importlib.resources.files("cchc"))) / "data"  # package data, installed with the wheel
# libyaml's safe loader when PyYAML was built with it (about 10x faster, same results).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """yaml.safe_load, through libyaml when available."""
    return yaml.load(text, Loader=SAFE_LOADER)


@functools.lru_cache(maxsize=None)
def load_yaml(relative: str) -> Any:
    """Load a YAML file shipped under ``cchc/data`` (cached; treat the result as read-only)."""
    with open(DATA_DIR / relative, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)
