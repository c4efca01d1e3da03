"""How each raw file was read, from the ingest report (`cchc sources`): the kind recognised and
by which key header (a numbered table such as the statistics of form 06a: by which title row,
its columns by their numbers or by the words of its merged header), each header and the column
it became, the headers not used, the columns missing and what they take away, the unknown
category values with their counts. A user meeting a new vendor's export learns from it what to
add to the parameters' ``aliases``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cchc.config.sources import SourceSpec
from cchc.core import fmt
from cchc.core.resources import load_yaml
from cchc.ingest.cells import BAD_CATEGORY
from cchc.ingest.parse import BAD_CODE


def describe(report: dict[str, Any], specs: dict[str, SourceSpec]) -> dict[str, Any]:
    """The ingest report's facts about each file, one entry per file (and sheet)."""
    unknown: Counter[tuple[str, Any, str, str, str]] = Counter()
    vocabs: dict[tuple[str, Any, str], str] = {}
    coded: Counter[tuple[str, Any, str, str]] = Counter()
    for item in report["quarantine"]["items"]:
        if item["reason"] == BAD_CODE:
            coded[(item["file"], item.get("sheet"), item["column"], str(item["value"]))] += 1
        if item["reason"] == BAD_CATEGORY:
            unknown[(item["file"], item.get("sheet"), item["column"], str(item["value"]))] += 1
            vocabs[(item["file"], item.get("sheet"), item["column"])] = item.get("vocab", "")
    files = []
    for entry in report["files"]:
        spec = specs[entry["kind"]]
        by_header = {column.header: column for column in spec.columns.values()}
        here = (entry["file"], entry.get("sheet"))
        files.append({
            "file": entry["file"], "sheet": entry.get("sheet"), "kind": entry["kind"], "label": spec.label,
            "key_header": entry["headers"].get(spec.key), "header_row": entry["header_row"],
            "recognised": entry.get("recognised"),   # a numbered table: by its title, numbers or words
            "rows": {"data": entry["account"]["data"], "quarantined": entry["account"]["quarantined"]},
            "headers": [{"header": header, "column": column} for column, header in entry["headers"].items()],
            "unused_headers": list(entry.get("unknown_columns", [])),
            "personal_headers": list(entry.get("personal_columns", [])),
            "missing_columns": [{"header": header, "without": by_header[header].without if header in by_header
                                 else None} for header in entry.get("missing_columns", [])],
            "unknown_values": [{"column": column, "value": value, "count": count,
                                "vocab": vocabs[(file, sheet, column)]}
                               for (file, sheet, column, value), count in sorted(unknown.items())
                               if (file, sheet) == here],
            # values outside the coded values of their header (KenhThucHien 7): no parameter adds them
            "bad_codes": [{"column": column, "value": value, "count": count}
                          for (file, sheet, column, value), count in sorted(coded.items()) if (file, sheet) == here],
        })
    return {"unit": report["unit"], "period": report["period"], "files": files,
            "ignored_files": list(report.get("ignored_files", [])),
            "ignored_sheets": list(report.get("ignored_sheets", [])),
            "absent": [entry["text"] for entry in report.get("missing", [])]}


def to_text(description: dict[str, Any]) -> str:
    """The description for a terminal, in the words of data/sources-view.yaml."""
    say = load_yaml("sources-view.yaml")
    lines = [say["title"].format(unit=description["unit"], period=description["period"]), ""]
    for entry in description["files"]:
        sheet = say["sheet"].format(sheet=entry["sheet"]) if entry["sheet"] else ""
        lines.append(say["file"].format(file=entry["file"], sheet=sheet))
        if entry.get("recognised"):
            seen = entry["recognised"]
            first, last = seen["header_rows"]
            by = say[f"by_{seen['by']}"].format(row=last)
            lines.append(say["kind_numbered"].format(label=entry["label"], kind=entry["kind"], title=seen["title"],
                                                     by=by, first=first, last=last))
        else:
            lines.append(say["kind"].format(label=entry["label"], kind=entry["kind"], key=entry["key_header"],
                                            row=entry["header_row"]))
        lines.append(say["rows"].format(data=fmt.integer(entry["rows"]["data"]),
                                        quarantined=fmt.integer(entry["rows"]["quarantined"])))
        lines.append(say["headers"])
        lines += [say["header"].format(**item) for item in entry["headers"]]
        if entry["unused_headers"]:
            lines.append(say["unused"].format(headers=", ".join(f"'{h}'" for h in entry["unused_headers"])))
        if entry["personal_headers"]:
            lines.append(say["personal"].format(headers=", ".join(f"'{h}'" for h in entry["personal_headers"])))
        if entry["missing_columns"]:
            lines.append(say["missing"])
            lines += [say["missing_column"].format(**item) if item["without"]
                      else say["missing_column_plain"].format(**item) for item in entry["missing_columns"]]
        for vocab in dict.fromkeys(item["vocab"] for item in entry["unknown_values"]):
            lines.append(say["unknown_values"].format(vocab=vocab or "—"))
            lines += [say["unknown_value"].format(column=item["column"], value=item["value"],
                                                  count=fmt.integer(item["count"]))
                      for item in entry["unknown_values"] if item["vocab"] == vocab]
        if entry["bad_codes"]:
            lines.append(say["bad_codes"])
            lines += [say["unknown_value"].format(column=item["column"], value=item["value"],
                                                  count=fmt.integer(item["count"])) for item in entry["bad_codes"]]
        lines.append("")
    lines += [say["ignored_file"].format(file=file)
              for file in description["ignored_files"]]
    lines += [say["ignored_sheet"].format(**sheet) for sheet in description["ignored_sheets"]]
    lines += [say["absent"].format(text=text) for text in description["absent"]]
    if any(entry["unused_headers"] for entry in description["files"]):
        lines.append(say["hint"])
    return "\n".join(lines).rstrip("\n") + "\n"
