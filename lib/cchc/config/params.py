"""Run parameters: params/<unit>/unit.yaml merged with params/<unit>/<period>.yaml, validated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cchc.core import fmt
from cchc.core.errors import CchcError, message
from cchc.core.resources import parse_yaml

_PERIOD = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|(?:0[1-9]|1[0-2])))?$")
_UNIT = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Window:
    start: dt.date
    cutoff: dt.date


def default_window(period: str) -> Window:
    """2025 -> the year; 2025-H1/H2 -> halves; 2025-Q1..Q4 -> quarters; 2025-07 -> a month."""
    found = _PERIOD.match(period)
    if not found:
        raise CchcError("bad_period", period=period)
    year, part = int(found[1]), found[2]
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part[0] == "Q":
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return Window(dt.date(year, first, 1), end)


@dataclass
class Params:
    unit: str
    period: str
    unit_name: str
    window: Window
    targets: dict[str, float] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    merged: dict[str, Any] = field(default_factory=dict)   # as read, after the merge
    files: list[Path] = field(default_factory=list)        # the parameter files read


# key -> validator(value, file) returning the cleaned value. Unknown keys are an error.
def _text(key: str):
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise CchcError("param_type", file=where, key=key, expected=message("expect_text"), value=value)
        return value.strip()
    return check


def _date(key: str):
    def check(value: Any, where: str) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise CchcError("param_type", file=where, key=key, expected=message("expect_date"), value=value) from None
    return check


def _rate(key: str, value: Any, where: str) -> float:
    number: Any = value
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip().rstrip("%").replace(",", ".")) / 100
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 <= number <= 1:
        raise CchcError("param_type", file=where, key=key,
                        expected=message("expect_rate"), value=value)
    return float(number)


def _mapping(key: str, value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise CchcError("param_type", file=where, key=key, expected=message("expect_mapping"), value=value)
    return value


def _targets(value: Any, where: str) -> dict[str, float]:
    return {str(k): _rate(f"targets.{k}", v, where) for k, v in _mapping("targets", value, where).items()}


def _sources(value: Any, where: str) -> dict[str, dict[str, Any]]:
    from cchc.config.sources import source_kinds

    kinds = source_kinds() + ["ignore"]
    cleaned: dict[str, dict[str, Any]] = {}
    for name, entry in _mapping("sources", value, where).items():
        entry = {"kind": entry} if isinstance(entry, str) else _mapping(f"sources.{name}", entry, where)
        unknown = set(entry) - {"kind", "sheet"}
        if unknown:
            raise CchcError("unknown_param", file=where, key=f"sources.{name}.{sorted(unknown)[0]}")
        if entry.get("kind") not in kinds:
            raise CchcError("param_type", file=where, key=f"sources.{name}.kind",
                            expected=" | ".join(kinds), value=entry.get("kind"))
        cleaned[str(name)] = entry
    return cleaned


def _aliases(value: Any, where: str) -> dict[str, dict[str, list[str]]]:
    from cchc.config.sources import load_spec, source_kinds

    cleaned: dict[str, dict[str, list[str]]] = {}
    for kind, columns in _mapping("aliases", value, where).items():
        if kind not in source_kinds():
            raise CchcError("unknown_param", file=where, key=f"aliases.{kind}")
        spec = load_spec(kind)
        cleaned[kind] = {}
        for column, names in _mapping(f"aliases.{kind}", columns, where).items():
            if column not in spec.columns:
                raise CchcError("unknown_param", file=where, key=f"aliases.{kind}.{column}")
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise CchcError("param_type", file=where, key=f"aliases.{kind}.{column}",
                                expected=message("expect_list"), value=names)
            cleaned[kind][column] = names
    return cleaned


def _lines(key: str, value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CchcError("param_type", file=where, key=key, expected=message("expect_lines"), value=value)
    return [v.strip() for v in value]


def _document(value: Any, where: str) -> dict[str, Any]:
    """The official layout's items; each overrides a default derived from unit_name."""
    fields = {"agency": _lines, "subject": _lines, "basis": _lines, "recipients": _lines,
              "number": lambda k, v, w: _text(k)(v, w), "place": lambda k, v, w: _text(k)(v, w),
              "title": lambda k, v, w: _text(k)(v, w), "intro": lambda k, v, w: _text(k)(v, w),
              "date": lambda k, v, w: _date(k)(v, w)}
    cleaned: dict[str, Any] = {}
    for key, item in _mapping("document", value, where).items():
        if key == "signer":
            signer = _mapping("document.signer", item, where)
            for sub in signer:
                if sub not in ("capacity", "title", "name"):
                    raise CchcError("unknown_param", file=where, key=f"document.signer.{sub}")
            cleaned[key] = {k: str(v) for k, v in signer.items()}
        elif key in fields:
            cleaned[key] = fields[key](f"document.{key}", item, where)
        else:
            raise CchcError("unknown_param", file=where, key=f"document.{key}")
    return cleaned


def _citations(value: Any, where: str) -> dict[str, dict[str, list[str]]]:
    """Section id -> {types: [...], tags: [...]}: which register documents a section cites."""
    cleaned: dict[str, dict[str, list[str]]] = {}
    for section, rule in _mapping("citations", value, where).items():
        rule = _mapping(f"citations.{section}", rule, where)
        for key in rule:
            if key not in ("types", "tags"):
                raise CchcError("unknown_param", file=where, key=f"citations.{section}.{key}")
        cleaned[str(section)] = {key: _lines(f"citations.{section}.{key}", items, where)
                                 for key, items in rule.items()}
    return cleaned


SCHEMA = {
    "document": _document,
    "citations": _citations,
    "vertical_agencies": lambda value, where: _lines("vertical_agencies", value, where),
    "agencies": lambda value, where: _lines("agencies", value, where),
    "unit_name": _text("unit_name"),
    "start": _date("start"),
    "cutoff": _date("cutoff"),
    "targets": _targets,
    "sources": _sources,
    "aliases": _aliases,
    "extra": lambda value, where: _mapping("extra", value, where),
}


def _read(path: Path, root: Path) -> dict[str, Any]:
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise CchcError("param_yaml", file=shown, line=line, reason=getattr(exc, "problem", str(exc))) from exc
    except UnicodeDecodeError as exc:
        raise CchcError("not_utf8", file=shown, line="?") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CchcError("param_type", file=shown, key="*", expected=message("expect_mapping"),
                        value=type(data).__name__)
    for key in data:
        if key not in SCHEMA:
            raise CchcError("unknown_param", file=shown, key=key)
    return {key: SCHEMA[key](value, shown) for key, value in data.items()}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_params(root: Path, unit: str, period: str | int) -> Params:
    """``period`` may be an int: `papermill -p period 2025` passes one."""
    unit, period = str(unit), str(period)
    if not _UNIT.match(unit):
        raise CchcError("bad_unit", unit=unit)
    window = default_window(period)
    unit_file = root / "params" / unit / "unit.yaml"
    period_file = root / "params" / unit / f"{period}.yaml"
    if not period_file.is_file():
        raise CchcError("missing_params", file=f"params/{unit}/{period}.yaml")
    files = [f for f in (unit_file, period_file) if f.is_file()]
    merged: dict[str, Any] = {}
    for path in files:
        merged = _merge(merged, _read(path, root))
    if "unit_name" not in merged:
        raise CchcError("missing_param", key="unit_name", file=f"params/{unit}/{period}.yaml")
    window = Window(merged.get("start", window.start), merged.get("cutoff", window.cutoff))
    if window.start > window.cutoff:
        raise CchcError("bad_window", start=fmt.date(window.start),
                        cutoff=fmt.date(window.cutoff))
    return Params(unit=unit, period=period, unit_name=merged["unit_name"], window=window,
                  targets=merged.get("targets", {}), sources=merged.get("sources", {}),
                  aliases=merged.get("aliases", {}), extra=merged.get("extra", {}),
                  merged=merged, files=files)
