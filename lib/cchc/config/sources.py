"""Source specifications (data/sources/*.yaml): columns, aliases, header detection."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cchc.core.resources import DATA_DIR, load_yaml
from cchc.core.text import match_key

HEADER_SCAN_ROWS = 16  # up to 15 title rows, then the header


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    aliases: tuple[str, ...]
    type: str
    required: bool = False
    vocab: str | None = None


@dataclass
class SourceSpec:
    kind: str
    label: str
    key: str
    required: bool
    columns: dict[str, Column]
    personal: tuple[str, ...]
    row_rules: str | None = None
    dedup: bool = True                     # collapse duplicates by key (False: rows are events)
    vocabularies: dict[str, Any] = field(default_factory=dict)   # this source's own vocabularies
    title_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # values read from title rows
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)
    _personal_keys: frozenset[str] = field(default_factory=frozenset, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns.values():
            for name in (column.header, *column.aliases):
                self._lookup.setdefault(match_key(name), column.name)
        self._personal_keys = frozenset(match_key(name) for name in self.personal)

    def column_for(self, header: Any) -> str | None:
        """Canonical column name for a header cell, or None."""
        if not isinstance(header, str) or not header.strip():
            return None
        return self._lookup.get(match_key(header.rstrip(" :*")))

    def is_personal(self, header: Any) -> bool:
        return isinstance(header, str) and match_key(header.rstrip(" :*")) in self._personal_keys

    def vocabulary(self, name: str) -> dict[str, Any]:
        """A vocabulary of this source (data/sources/<kind>.yaml) or the shared data/vocab.yaml."""
        return self.vocabularies.get(name) or load_yaml("vocab.yaml")[name]

    def names_for(self, column: str) -> list[str]:
        spec = self.columns[column]
        return [spec.header, *spec.aliases]


def load_spec(kind: str, extra_aliases: dict[str, list[str]] | None = None) -> SourceSpec:
    raw = load_yaml(f"sources/{kind}.yaml")
    columns = {}
    for name, col in raw["columns"].items():
        aliases = tuple(col.get("aliases", ())) + tuple((extra_aliases or {}).get(name, ()))
        columns[name] = Column(name=name, header=col["header"], aliases=aliases, type=col["type"],
                               required=bool(col.get("required", False)), vocab=col.get("vocab"))
    return SourceSpec(kind=raw["kind"], label=raw["label"], key=raw["key"],
                      required=bool(raw.get("required", False)), columns=columns,
                      personal=tuple(raw.get("personal", ())), row_rules=raw.get("row_rules"),
                      dedup=bool(raw.get("dedup", True)), vocabularies=raw.get("vocabularies", {}),
                      title_fields=raw.get("title_fields", {}))


def source_kinds() -> list[str]:
    return sorted(path.stem for path in (DATA_DIR / "sources").glob("*.yaml"))


def load_specs(aliases: dict[str, dict[str, list[str]]] | None = None) -> dict[str, SourceSpec]:
    aliases = aliases or {}
    return {kind: load_spec(kind, aliases.get(kind)) for kind in source_kinds()}


def specs_fingerprint(aliases: dict[str, Any] | None) -> str:
    """Hash of everything that changes how a file is parsed (specs, vocabularies, aliases)."""
    digest = hashlib.sha256()
    for path in sorted(DATA_DIR.glob("sources/*.yaml")) + [DATA_DIR / "vocab.yaml"]:
        digest.update(path.read_bytes())
    digest.update(json.dumps(aliases or {}, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@dataclass
class HeaderMatch:
    row_index: int                 # 0-based index in the rows
    columns: dict[str, int]        # canonical name -> column index
    headers: dict[str, str]        # canonical name -> header text as in the file
    unknown: list[str]             # headers matching nothing
    personal: list[str]            # personal-data headers (dropped)


def find_header(spec: SourceSpec, rows: list[list[Any]]) -> HeaderMatch | None:
    """The first row among the first HEADER_SCAN_ROWS holding the key column (or an alias)."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapped = [spec.column_for(cell) for cell in row]
        if spec.key not in mapped:
            continue
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        personal: list[str] = []
        for position, (cell, name) in enumerate(zip(row, mapped)):
            if name is not None and name not in columns:
                columns[name] = position
                headers[name] = str(cell).strip()
            elif spec.is_personal(cell):
                personal.append(str(cell).strip())
            elif isinstance(cell, str) and cell.strip():
                unknown.append(cell.strip())  # includes a second header for one column
        return HeaderMatch(index, columns, headers, unknown, personal)
    return None
