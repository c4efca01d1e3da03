"""Raw exports -> processed tables: classify, parse (cached by content hash), deduplicate,
quarantine, and account for every raw row in the ingest report.

data/raw/<unit>/<period>/  ->  data/processed/<unit>/<period>/{<kind>.parquet, quarantine.parquet,
ingest-report.json, ingest-report.md}. The directory is replaced whole, only on success.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.config.params import Params
from cchc.config.sources import load_specs, specs_fingerprint
from cchc.core import atomic
from cchc.core.errors import CchcError
from cchc.core.hashing import sha256_bytes, sha256_file, sha256_json
from cchc.core.layout import INGEST_REPORT_JSON, INGEST_REPORT_MD, Layout
from cchc.ingest import parse
from cchc.ingest.readers import SUPPORTED
from cchc.ingest.report import render_markdown

PARSER_VERSION = "2"


@dataclass
class IngestResult:
    report: dict[str, Any]
    processed_dir: Path
    from_cache: bool


def list_raw_files(layout: Layout, params: Params) -> tuple[list[Path], list[str]]:
    """Files to read (sorted by path) and files passed over (with why, for the report)."""
    folder = layout.raw_dir
    if not folder.is_dir():
        raise CchcError("missing_raw_dir", folder=layout.shown(folder))
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
            raise CchcError("unknown_source_file", name=name, folder=layout.shown(folder))
    return chosen, ignored


def fingerprint(files: list[tuple[str, str]], params: Params) -> str:
    return sha256_json({"parser": PARSER_VERSION, "files": files, "sources": params.sources,
                        "specs": specs_fingerprint(params.aliases)})


def _cached_report(target: Path, stamp: str) -> dict[str, Any] | None:
    report_path = target / INGEST_REPORT_JSON
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
    layout = Layout(root, params.unit, params.period)
    paths, ignored = list_raw_files(layout, params)
    folder = layout.raw_dir
    hashed = [(layout.shown(p), sha256_file(p)) for p in paths]
    stamp = fingerprint(hashed, params)
    target = layout.processed_dir
    if not force and (report := _cached_report(target, stamp)) is not None:
        return IngestResult(report, target, from_cache=True)

    specs = load_specs(params.aliases)
    parsed, ignored_sheets = [], []
    for path, (display, digest) in zip(paths, hashed):
        override = params.sources.get(path.relative_to(folder).as_posix(), {})
        tables, passed_over = _parse_cached(layout, path, display, digest, override, specs, params)
        parsed += tables
        ignored_sheets += [{"file": display, "sheet": sheet} for sheet in passed_over]
    for kind, spec in sorted(specs.items()):
        if spec.required and not any(p.kind == kind for p in parsed):
            raise CchcError("missing_source", label=spec.label,
                            folder=layout.shown(folder),
                            key=spec.columns[spec.key].header)

    from cchc.ingest.combine import combine  # noqa: PLC0415 (pandas: off the path of a cached ingest)

    tables, report = combine(parsed, specs)
    report.update({"unit": params.unit, "period": params.period, "fingerprint": stamp,
                   "parser_version": PARSER_VERSION, "ignored_files": ignored,
                   "ignored_sheets": ignored_sheets})
    with atomic.staged_dir(target) as staging:
        report["tables"] = {}
        for name, frame in sorted(tables.items()):
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            report["tables"][name] = f"{name}.parquet"
        (staging / INGEST_REPORT_JSON).write_text(dump_json(report), encoding="utf-8")
        (staging / INGEST_REPORT_MD).write_text(render_markdown(report), encoding="utf-8")
    return IngestResult(report, target, from_cache=False)


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def _parse_cached(layout: Layout, path: Path, display: str, digest: str, override: dict[str, Any],
                  specs: dict, params: Params) -> tuple[list, list[str]]:
    """Parse one file (every recognised sheet), or load the result cached under its content
    hash and the parse settings. Returns the parsed tables and the sheets passed over."""
    import pandas as pd  # noqa: PLC0415 (off the path of a cached ingest, as combine)

    from cchc.ingest.combine import to_frame  # noqa: PLC0415

    settings = json.dumps({"parser": PARSER_VERSION, "override": override, "display": display,
                           "specs": specs_fingerprint(params.aliases)}, sort_keys=True)
    key = f"{digest[:32]}-{sha256_bytes(settings.encode())[:16]}"
    folder = layout.cache_dir
    meta_path = folder / f"{key}.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        frames = [folder / f"{key}-{i}.parquet" for i in range(len(meta["tables"]))]
        if all(f.is_file() for f in frames):
            parsed = []
            for table, frame_path in zip(meta["tables"], frames):
                table["account"] = parse.FileAccount(**table["account"])
                frame = pd.read_parquet(frame_path)
                parsed.append(parse.ParsedFile(**table, records={c: frame[c] for c in frame.columns}))
            return parsed, meta["ignored_sheets"]

    spec = specs[override["kind"]] if override.get("kind") else None
    parsed, ignored = parse.parse_workbook(path, display, digest, spec, specs, override.get("sheet"))
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
