"""What the raw files lack, and what that takes away (raw-exports.md §7): an optional source
of which no file was given, and a column some figure needs (``without`` in
data/sources/<kind>.yaml) that no file of its source has.

Such a column is left out of the processed table (cchc.ingest.combine), so that the figures
needing it are not computed (absent, never zero); a column absent from some files only keeps
its values unknown for the rows of those files, as an empty cell.
"""

from __future__ import annotations

from typing import Any

from cchc.config.sources import SourceSpec
from cchc.core.errors import message
from cchc.ingest.parse import ParsedFile


def absent_columns(files: list[ParsedFile], spec: SourceSpec) -> list[str]:
    """The columns of ``spec`` that say what they take away and that none of ``files`` (the
    parsed tables of that source) has, in the order of the spec."""
    return [name for name, column in spec.columns.items()
            if column.without and all(name not in parsed.headers for parsed in files)]


def partly_absent(files: list[ParsedFile], spec: SourceSpec) -> dict[str, list[str]]:
    """The columns that say what they take away and that some of ``files`` have and others not:
    column -> the files lacking it (their rows' values unknown, as empty cells)."""
    out = {}
    for name, column in spec.columns.items():
        lacking = sorted({parsed.file for parsed in files if name not in parsed.headers})
        if column.without and lacking and len(lacking) < len({parsed.file for parsed in files}):
            out[name] = lacking
    return out


def missing_entries(specs: dict[str, SourceSpec], sources: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per optional source absent (one that says what it takes away; a required one whose
    ``instead`` stands in for it), and per column
    absent from every file of its source (``sources``: the ingest report's, whose entries name
    their ``absent_columns``), each with the sentence that says it."""
    entries: list[dict[str, Any]] = []
    for kind, spec in sorted(specs.items()):
        if kind not in sources:
            if spec.without and (not spec.required or any(other in sources for other in spec.instead)):
                entries.append({"kind": kind, "label": spec.label, "without": spec.without,
                                "text": message("missing_source_takes_away", label=spec.label,
                                                without=spec.without)})
            continue
        for name in sources[kind].get("absent_columns", []):
            column = spec.columns[name]
            entries.append({"kind": kind, "label": spec.label, "column": name, "header": column.header,
                            "without": column.without,
                            "text": message("missing_column_takes_away", header=column.header,
                                            without=column.without)})
        for name, files in sources[kind].get("partly_absent_columns", {}).items():
            column = spec.columns[name]
            entries.append({"kind": kind, "label": spec.label, "column": name, "header": column.header,
                            "files": files,
                            "text": message("missing_column_in_files", header=column.header,
                                            files=", ".join(file.rsplit("/", 1)[-1] for file in files))})
    return entries


def missing_text(report: dict[str, Any]) -> str:
    """The ingest report's missing sources and columns in one phrase ('' when none): the run's
    last line ends with it."""
    entries = report.get("missing", [])
    return message("missing_summary", items="; ".join(entry["text"] for entry in entries)) if entries else ""
