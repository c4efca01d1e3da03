"""The `cchc batch` subcommand's arguments (light: the command builds its parser with no heavy import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cchc.core.resources import load_yaml


def words() -> dict[str, Any]:
    return load_yaml("batch.yaml")


def _workers(value: str) -> int:
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise argparse.ArgumentTypeError(words()["options"]["bad_workers"].format(value=value))


def add_parser(commands, root_help: str) -> argparse.ArgumentParser:
    text = words()
    opts = text["options"]
    sub = commands.add_parser("batch", help=text["command"], description=text["command"])
    sub.add_argument("--period", required=True, metavar="P", help=opts["period"])
    sub.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help=root_help)
    sub.add_argument("--unit", action="append", metavar="U", help=opts["unit"])
    sub.add_argument("--force", action="store_true", help=opts["force"])
    sub.add_argument("--workers", type=_workers, default=None, metavar="N", help=opts["workers"])
    sub.add_argument("--scheduler", default=None, metavar="ADDRESS", help=opts["scheduler"])
    return sub
