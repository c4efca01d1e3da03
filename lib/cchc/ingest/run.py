"""Raw exports -> processed tables: classify, parse (cached by content hash), deduplicate,
quarantine, and account for every raw row in the ingest report.

data/raw/<unit>/<period>/  ->  data/processed/<unit>/<period>/{<kind>.parquet, quarantine.parquet,
ingest-report.json, ingest-report.md}. The directory is replaced whole, only on success: by
`cchc ingest` at its end, by `cchc run` only together with its outputs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.config.params import Params
from cchc.config.sources import load_specs, specs_fingerprint
from cchc.core import atomic, jsontext, log
from cchc.core.errors import CchcError, message
from cchc.core.hashing import sha256_bytes, sha256_file, sha256_json
from cchc.core.layout import INGEST_REPORT_JSON, INGEST_REPORT_MD, Layout
from cchc.ingest import parse
from cchc.ingest.absent import missing_entries
from cchc.ingest.readers import SUPPORTED
from cchc.ingest.report import render_markdown

PARSER_VERSION = "9"  # 3: error cells, bounds, masking, chunked csv; 4: control characters cleaned;
# 5: JSON records, coded values per header, yyyyMMddHHmmss and ISO 8601 dates; 6: numbered
# headers under merged levels and a kept total row (the statistics of form 06a); 7: the code of an
# empty cell under a coded header; 8: the rows of numbers after a total row standing first; 9: a
# rejected dossier without a received date set aside as never received


@dataclass
class IngestResult:
    report: dict[str, Any]
    processed_dir: Path    # the tables: data/processed/<unit>/<period>/, or its staging folder
    from_cache: bool
    staging: atomic.Staging | None = None  # fresh tables not yet published (see ingest)
    layout: Layout | None = None

    def publish(self) -> None:
        """Put staged tables in place of data/processed/<unit>/<period>/ (the caller holds the
        period's lock); nothing to do for cached ones."""
        if self.staging is not None and self.staging.open:
            with writing(self.layout, self.staging.target):
                self.processed_dir = self.staging.commit()

    def discard(self) -> None:
        """Drop staged tables that were not published (a failed run)."""
        if self.staging is not None:
            self.staging.discard()


def _passed_over(relative: Path) -> bool:
    """Office lock files (~$…) and hidden files or folders: never data, never an error."""
    return relative.name.startswith("~$") or any(part.startswith(".") for part in relative.parts)


def list_raw_files(layout: Layout, params: Params) -> tuple[list[Path], list[str]]:
    """Files to read (sorted by path) and files passed over (with why, for the report).

    A file neither read (a supported extension, or declared in ``sources``) nor declared
    ``ignore`` stops the ingest, named: nothing in the raw folder is silently left out."""
    folder = layout.raw_dir
    if not folder.is_dir():
        raise CchcError("missing_raw_dir", folder=folder)  # absolute: where it was looked for
    chosen, ignored, unknown = [], [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        name = relative.as_posix()
        override = params.sources.get(name, {})
        if override.get("kind") == "ignore" or _passed_over(relative):
            ignored.append(name)
        elif path.suffix.lower() in SUPPORTED or override.get("kind"):
            chosen.append(path)
        else:
            unknown.append(name)
    if unknown:
        raise CchcError("unknown_raw_files", files=", ".join(unknown), folder=layout.shown(folder),
                        supported=", ".join(SUPPORTED))
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for name in params.sources:
        if name not in present:
            raise CchcError("unknown_source_file", name=name, folder=folder)
    return chosen, ignored


def fingerprint(files: list[tuple[str, str]], params: Params) -> str:
    return sha256_json({"parser": PARSER_VERSION, "files": files, "sources": params.sources,
                        "specs": specs_fingerprint(params.aliases, params.vocabularies)})


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


def ingest(root: Path, params: Params, force: bool = False, staged: bool = False,
           wait: bool = True) -> IngestResult:
    """The processed tables of the period (cached when the raw files, the parameters and the
    specs are unchanged, unless ``force``).

    Fresh tables are written into a staging folder that replaces data/processed/<unit>/<period>/
    whole: here, under the period's lock (``wait`` for it, else stop), unless ``staged``; then
    the caller holds the lock and publishes the staging folder with its outputs
    (``IngestResult.publish``) or drops it (``discard``)."""
    layout = Layout(root, params.unit, params.period)
    paths, ignored = list_raw_files(layout, params)
    hashed = [(layout.shown(p), sha256_file(p)) for p in paths]
    stamp = fingerprint(hashed, params)
    target = layout.processed_dir
    if not force and (report := _cached_report(target, stamp)) is not None:
        return IngestResult(report, target, from_cache=True)
    if staged:
        return _ingest(layout, params, paths, hashed, stamp, ignored)
    with period_lock(layout, wait=wait):
        if not force and (report := _cached_report(target, stamp)) is not None:  # written while we waited
            return IngestResult(report, target, from_cache=True)
        result = _ingest(layout, params, paths, hashed, stamp, ignored)
        try:
            result.publish()
        finally:
            result.discard()
        return result


def _ingest(layout: Layout, params: Params, paths: list[Path], hashed: list[tuple[str, str]], stamp: str,
            ignored: list[str]) -> IngestResult:
    """Parse, combine and write the tables into a staging folder of the processed data."""
    folder = layout.raw_dir
    specs = load_specs(params.aliases, params.vocabularies)
    parsed, ignored_sheets, fresh = [], [], []
    for done, (path, (display, digest)) in enumerate(zip(paths, hashed), 1):
        override = params.sources.get(path.relative_to(folder).as_posix(), {})
        tables, passed_over, key = _parse_cached(layout, path, display, digest, override, specs, params)
        log.current().advance("ingest", done, len(paths), display)  # a long ingest shows each file read
        parsed += tables
        ignored_sheets += [{"file": display, "sheet": sheet} for sheet in passed_over]
        if key is not None:
            fresh.append((key, tables, passed_over))
    for kind, spec in sorted(specs.items()):
        if spec.required and not any(p.kind == kind or p.kind in spec.instead for p in parsed):
            raise CchcError("missing_source", label=spec.label,
                            folder=folder,
                            key=spec.columns[spec.key].header,
                            instead="".join(message("missing_source_instead", label=specs[other].label)
                                            for other in spec.instead if other in specs))

    from cchc.ingest import cache  # noqa: PLC0415 (pandas: off the path of a cached ingest)
    from cchc.ingest.combine import combine, kind_frames  # noqa: PLC0415

    frames, offsets = kind_frames(parsed, specs)
    arrow = {}  # kind -> (its frame, the frame's Arrow table): converted once for the cache and the table
    if fresh:
        converted = cache.arrow_tables({t.kind: frames[t.kind] for _, entry, _ in fresh for t in entry})
        arrow = {kind: (frames[kind], table) for kind, table in converted.items()}
        cached = cache.for_cache(converted)
        with writing(layout, layout.cache_dir):
            for key, entry, passed_over in fresh:
                cache.store(layout.cache_dir, key, entry, passed_over, cache.entry_slices(entry, offsets, cached))
        del converted, cached
    kept_rows: dict = {}  # kind -> mask of the rows kept, for a source whose duplicates collapsed
    tables, report = combine(parsed, specs, (frames, offsets), kept_rows)
    del frames
    report.update({"unit": params.unit, "period": params.period, "fingerprint": stamp,
                   "parser_version": PARSER_VERSION, "ignored_files": ignored,
                   "ignored_sheets": ignored_sheets})
    if missing := missing_entries(specs, report["sources"]):  # what the files lack (cchc.ingest.absent)
        report["missing"] = missing
    target = layout.processed_dir
    with writing(layout, target):
        staging = atomic.Staging(target)
        try:
            report["tables"] = {}
            for name in sorted(tables):
                # each table let go once written: the next one's copies do not stand beside it
                _write_table(tables.pop(name), arrow.pop(name, None), kept_rows.get(name),
                             staging.path / f"{name}.parquet")
                report["tables"][name] = f"{name}.parquet"
            (staging.path / INGEST_REPORT_JSON).write_text(jsontext.dumps(report), encoding="utf-8")
            (staging.path / INGEST_REPORT_MD).write_text(render_markdown(report), encoding="utf-8")
        except BaseException:
            staging.discard()
            raise
    return IngestResult(report, staging.path, from_cache=False, staging=staging, layout=layout)


def _write_table(frame, converted: tuple | None, kept, path: Path) -> None:
    """A source's Parquet file: from its Arrow table when it was converted for the cache (the
    rows kept under ``kept`` when its duplicates collapsed), else from the frame; the same bytes."""
    from cchc.ingest import cache  # noqa: PLC0415 (pandas: off the path of a cached ingest)

    if converted is not None and converted[0] is frame:
        table = converted[1]
        del converted, frame  # the frame's text columns are the table's: the table holds them
        if kept is not None:
            columns, schema = table.columns, table.schema
            del table
            table = cache.kept_rows(columns, schema, kept)
        cache.write_parquet(table, path)
    elif kept is not None:
        frame[kept].to_parquet(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def writing(layout: Layout, where: Path) -> contextlib.AbstractContextManager:
    """Read-only or full disk while writing under ``where``: a message naming the path."""
    return atomic.write_errors(where, layout.shown)


@contextlib.contextmanager
def period_lock(layout: Layout, wait: bool = True) -> Iterator[None]:
    """Hold the lock of the unit and period (Layout.lock_file) for the block: one run or ingest
    of a unit and period at a time; others wait (saying so) or, without ``wait``, stop."""
    def waiting() -> None:
        print(message("run_waiting", unit=layout.unit, period=layout.period,
                      lock=layout.shown(layout.lock_file)), file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        with writing(layout, layout.lock_file.parent):
            try:
                stack.enter_context(atomic.locked(layout.lock_file, wait=wait, on_wait=waiting))
            except atomic.Busy:
                raise CchcError("run_busy", unit=layout.unit, period=layout.period,
                                lock=layout.shown(layout.lock_file)) from None
        yield


def _cache_key(digest: str, display: str, override: dict[str, Any], params: Params, form: str) -> str:
    """The parse cache's key of a file: its content hash, the parse settings and the format of
    the cache's files (``form``)."""
    # The day of the run too: date bounds such as "today+1" (data/sources/*.yaml) are read against it.
    settings = json.dumps({"parser": PARSER_VERSION, "override": override, "display": display,
                           "specs": specs_fingerprint(params.aliases, params.vocabularies),
                           "day": dt.date.today().isoformat(),
                           "cache": form}, sort_keys=True)
    return f"{digest[:32]}-{sha256_bytes(settings.encode())[:16]}"


def _parse_cached(layout: Layout, path: Path, display: str, digest: str, override: dict[str, Any],
                  specs: dict, params: Params) -> tuple[list, list[str], str | None]:
    """Parse one file (every recognised sheet), or load the result cached under its content
    hash and the parse settings. Returns the parsed tables, the sheets passed over and, for a
    fresh parse, the cache key to store it under (cchc.ingest.cache.store, once the tables of
    every file are converted)."""
    from cchc.ingest import cache  # noqa: PLC0415 (pandas: off the path of a cached ingest, as combine)

    key = _cache_key(digest, display, override, params, cache.FORMAT)
    if (entry := cache.load(layout.cache_dir, key)) is not None:
        return *entry, None
    spec = specs[override["kind"]] if override.get("kind") else None
    parsed, ignored = parse.parse_workbook(path, display, digest, spec, specs, override.get("sheet"))
    return parsed, ignored, key
