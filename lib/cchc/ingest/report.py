"""The ingest report as Markdown, for a person: every file, every row accounted for."""

from __future__ import annotations

import functools
from typing import Any

from cchc.core import fmt
from cchc.core.resources import load_yaml

CONFLICTS_SHOWN = 50
# Counts and row numbers repeat across files and communes; formatting one (babel) costs ~0,1 ms.
_integer = functools.lru_cache(maxsize=8192)(fmt.integer)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(value: Any) -> str:
        if isinstance(value, bool):
            value = load_yaml("ingest-report.yaml")["label_yes" if value else "label_no"]
        elif isinstance(value, int):
            value = _integer(value)
        return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: dict[str, Any]) -> str:
    L = load_yaml("ingest-report.yaml")
    out = [f"# {L['title'].format(unit=report['unit'], period=report['period'])}", ""]
    labels = {kind: source["label"] for kind, source in report["sources"].items()}

    out += [f"## {L['summary']}", ""]
    rows = []
    for kind, source in report["sources"].items():
        r = source["rows"]
        rows.append([source["label"], r["read"], r["title"] + r["header"], r["blank"], r["footer"],
                     r["kept"], r["collapsed"], r["quarantined"]])
    out += _table(L["rows_columns"], rows)
    out += [L["balance_ok"] if report["balanced"] else L["balance_bad"], ""]
    if report.get("missing"):  # sources and columns absent, and the figures they take away
        out += [f"## {L['missing']}", "", L["missing_intro"], ""]
        out += [f"- {entry['label']}: {entry['text']}" for entry in report["missing"]] + [""]

    out += [f"## {L['files']}", ""]
    out += _table(L["file_columns"], [
        [f["file"], labels.get(f["kind"], f["kind"]), f["header_row"], f["account"]["read"],
         f["account"]["title"], f["account"]["blank"], f["account"]["footer"], f["account"]["kept"],
         f["account"]["collapsed"], f["account"]["quarantined"], f["balanced"]]
        for f in report["files"]])

    out += [f"## {L['footers']}", ""]
    footers = [[f["file"], f["footer"]["row"], f["footer"]["text"], f["footer"]["declared"],
                f["footer"]["data_rows"], f["footer"]["matches"]] for f in report["files"] if f.get("footer")]
    out += _table(L["footer_columns"], footers) if footers else [L["none"], ""]

    out += [f"## {L['columns']}", ""]
    out += _table(L["columns_columns"], [
        [f["file"], ", ".join(f["unknown_columns"]), ", ".join(f["personal_columns"]),
         ", ".join(f["missing_columns"])] for f in report["files"]])

    cleaned = [L["cleaned_line"].format(cells=_integer(cells), column=column, file=f["file"])
               for f in report["files"] for column, cells in f.get("cleaned", {}).items()]
    if cleaned:  # control and zero-width characters taken out of cells at read
        out += [f"## {L['cleaned']}", "", *(f"- {line}" for line in cleaned), ""]

    out += [f"## {L['quarantine']}", ""]
    items = report["quarantine"]["items"]
    out += _table(L["quarantine_columns"], [[q["file"], q.get("sheet") or "", q["row"], q["column"], q["value"],
                                             q["reason_text"]] for q in items]) if items else [L["none"], ""]

    out += [f"## {L['warnings']}", ""]
    warned = report["warnings"]
    out += _table(L["warning_columns"], [[w["file"], w.get("sheet") or "", w["row"], w["column"], w["value"],
                                          w["reason_text"]] for w in warned]) if warned else [L["none"], ""]

    out += [f"## {L['conflicts']}", ""]
    conflicts = [c for source in report["sources"].values() for c in source["conflicts"]]
    if conflicts:
        out += _table(L["conflict_columns"], [
            [c["key"], f"{c['kept']['file']}:{c['kept']['row']}", f"{c['dropped']['file']}:{c['dropped']['row']}",
             "; ".join(f"{name}: {old} → {new}" for name, (old, new) in c["columns"].items())]
            for c in conflicts[:CONFLICTS_SHOWN]])
        if len(conflicts) > CONFLICTS_SHOWN:
            out += [L["conflicts_more"].format(more=fmt.integer(len(conflicts) - CONFLICTS_SHOWN)), ""]
    else:
        out += [L["none"], ""]

    out += [f"## {L['ignored']}", ""]
    ignored = [f"- {name}" for name in report["ignored_files"]]
    ignored += [f"- {item['file']} — {L['sheet']} '{item['sheet']}'" for item in report.get("ignored_sheets", [])]
    out += ignored or [L["none"]]
    return "\n".join(out).rstrip() + "\n"
