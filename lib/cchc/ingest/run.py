"""Raw exports -> processed tables: classify, parse (cached by content hash), deduplicate,
quarantine, and account for every raw row in the ingest report.

data/raw/<unit>/<period>/  ->  data/processed/<unit>/<period>/{<kind>.parquet, quarantine.parquet,
ingest-report.json, ingest-report.md}. The directory is replaced whole, only on success.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.core import atomic
from cchc.core.errors import CchcError
from cchc.config.params import Params
from cchc.ingest.readers import SUPPORTED

PARSER_VERSION = "2"
REPORT_JSON = "ingest-report.json"
REPORT_MD = "ingest-report.md"


@dataclass
class IngestResult:
    report: dict[str, Any]
    processed_dir: Path
    from_cache: bool


def raw_dir(root: Path, unit: str, period: str) -> Path:
    return root / "data" / "raw" / unit / period


def processed_dir(root: Path, unit: str, period: str) -> Path:
    return root / "data" / "processed" / unit / period


def cache_dir(root: Path) -> Path:
    return root / "data" / "processed" / ".cache"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_raw_files(root: Path, params: Params) -> tuple[list[Path], list[str]]:
    """Files to read (sorted by path) and files passed over (with why, for the report)."""
    folder = raw_dir(root, params.unit, params.period)
    if not folder.is_dir():
        raise CchcError("missing_raw_dir", folder=folder.relative_to(root).as_posix())
    chosen, ignored = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        override = params.sources.get(name, {})
        if path.name.startswith((".", "~$")) or override.get("kind") == "ignore":
            ignored.append(name)
        elif path.suffix.lower() in SUPPORTED:
            chosen.append(path)
        else:
            ignored.append(name)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for name in params.sources:
        if name not in present:
            raise CchcError("unknown_source_file", name=name,
                            folder=folder.relative_to(root).as_posix())
    return chosen, ignored


def fingerprint(files: list[tuple[str, str]], params: Params) -> str:
    from cchc.config.sources import specs_fingerprint

    payload = {"parser": PARSER_VERSION, "files": files, "sources": params.sources,
               "specs": specs_fingerprint(params.aliases)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def _cached_report(target: Path, stamp: str) -> dict[str, Any] | None:
    report_path = target / REPORT_JSON
    if not report_path.is_file():
        return None
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if report.get("fingerprint") != stamp:
        return None
    if not all((target / name).is_file() for name in report.get("tables", {}).values()):
        return None
    return report


def ingest(root: Path, params: Params, force: bool = False) -> IngestResult:
    root = root.resolve()
    paths, ignored = list_raw_files(root, params)
    folder = raw_dir(root, params.unit, params.period)
    hashed = [(p.relative_to(root).as_posix(), sha256_file(p)) for p in paths]
    stamp = fingerprint(hashed, params)
    target = processed_dir(root, params.unit, params.period)
    if not force and (report := _cached_report(target, stamp)) is not None:
        return IngestResult(report, target, from_cache=True)

    from cchc.config.sources import load_specs

    specs = load_specs(params.aliases)
    parsed, ignored_sheets = [], []
    for path, (display, digest) in zip(paths, hashed):
        override = params.sources.get(path.relative_to(folder).as_posix(), {})
        tables, passed_over = _parse_cached(root, path, display, digest, override, specs, params)
        parsed += tables
        ignored_sheets += [{"file": display, "sheet": sheet} for sheet in passed_over]
    for kind, spec in sorted(specs.items()):
        if spec.required and not any(p.kind == kind for p in parsed):
            raise CchcError("missing_source", label=spec.label,
                            folder=folder.relative_to(root).as_posix(),
                            key=spec.columns[spec.key].header)

    from cchc.ingest.combine import combine

    tables, report = combine(parsed, specs)
    report.update({"unit": params.unit, "period": params.period, "fingerprint": stamp,
                   "parser_version": PARSER_VERSION, "ignored_files": ignored,
                   "ignored_sheets": ignored_sheets})
    with atomic.staged_dir(target) as staging:
        report["tables"] = {}
        for name, frame in sorted(tables.items()):
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            report["tables"][name] = f"{name}.parquet"
        (staging / REPORT_JSON).write_text(dump_json(report), encoding="utf-8")
        from cchc.ingest.report import render_markdown

        (staging / REPORT_MD).write_text(render_markdown(report), encoding="utf-8")
    return IngestResult(report, target, from_cache=False)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def _parse_cached(root: Path, path: Path, display: str, digest: str, override: dict[str, Any],
                  specs: dict, params: Params) -> tuple[list, list[str]]:
    """Parse one file (every recognised sheet), or load the result cached under its content
    hash and the parse settings. Returns the parsed tables and the sheets passed over."""
    import pandas as pd

    from cchc.ingest.combine import to_frame
    from cchc.ingest.parse import FileAccount, ParsedFile, parse_workbook
    from cchc.config.sources import specs_fingerprint

    settings = json.dumps({"parser": PARSER_VERSION, "override": override, "display": display,
                           "specs": specs_fingerprint(params.aliases)}, sort_keys=True)
    key = f"{digest[:32]}-{hashlib.sha256(settings.encode()).hexdigest()[:16]}"
    folder = cache_dir(root)
    meta_path = folder / f"{key}.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        frames = [folder / f"{key}-{i}.parquet" for i in range(len(meta["tables"]))]
        if all(f.is_file() for f in frames):
            parsed = []
            for table, frame_path in zip(meta["tables"], frames):
                table["account"] = FileAccount(**table["account"])
                frame = pd.read_parquet(frame_path)
                parsed.append(ParsedFile(**table, records={c: frame[c] for c in frame.columns}))
            return parsed, meta["ignored_sheets"]

    spec = specs[override["kind"]] if override.get("kind") else None
    parsed, ignored = parse_workbook(path, display, digest, spec, specs, override.get("sheet"))
    folder.mkdir(parents=True, exist_ok=True)
    for i, result in enumerate(parsed):
        frame = to_frame(result.records, specs[result.kind])
        partial = folder / f"{key}-{i}.{os.getpid()}.tmp"
        frame.to_parquet(partial, index=False)
        os.replace(partial, folder / f"{key}-{i}.parquet")
        result.records = {c: frame[c] for c in frame.columns}
    # the meta file last: it marks the entry complete
    atomic.write_text(meta_path, json.dumps({"tables": [r.meta() for r in parsed], "ignored_sheets": ignored},
                                            ensure_ascii=False, default=str))
    return parsed, ignored
