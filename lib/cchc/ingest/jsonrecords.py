"""Read a JSON export of records (the national portal's dossier record, raw-exports.md §7) as rows
of cells: a header row (the keys), then one row per record, record N being row N.

Two shapes, told apart by the first byte that is not a space (a UTF-8 byte order mark
accepted): ``[`` a list of records; ``{`` one record after another (JSON lines, or objects
merely following each other). A record is a flat object: its values are strings, numbers,
booleans or null.

The file is streamed twice with ijson's event parser (its public ``basic_parse``; no nested
value is ever built: nesting is refused at its first level, whatever its depth): the first pass
checks the guards of data/ingest.yaml and collects the keys in the order they are first seen,
in whichever record (a key first met in record 900 is a column like the others: no value is
dropped); the second yields the rows, a record lacking a key having an empty cell there.
Refused, naming the file and the record (and the key): bytes that are not UTF-8, invalid or
truncated JSON (with the byte near which it fails; the parser's own text, which quotes the
file, is not shown), a record that is not an object, a value nested in a record (an object or a
list: the record must be flat), a key given twice in one record, a value longer than
``json_max_string`` characters (refused before the parser has built it: reading stops when more
bytes than such a value takes follow the last key), a record of more than ``json_max_keys`` keys, more than
``max_columns`` keys in all the records (each row would be as wide), an object
wrapping the list (``{"data": [...]}``: the message says to export the list itself).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from cchc.config.sources import ingest_rules
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.ingest.privacy import mask

SUFFIXES = (".json", ".jsonl", ".ndjson")
BOM = b"\xef\xbb\xbf"
_STARTS = {"start_map", "start_array"}
_SCALARS = {"number", "boolean", "null"}
_KEY_SHOWN = 100   # characters of a key named in a message
# The kind of a JSON value, named in a message (messages.yaml json_kind_*).
_KINDS = {"start_array": "json_kind_array", "start_map": "json_kind_object", "string": "json_kind_string",
          "number": "json_kind_number", "boolean": "json_kind_boolean", "null": "json_kind_null"}


class _Runaway(Exception):
    """More bytes than any allowed value takes were read since the last key (_Checked.span)."""


class _Checked:
    """The file's bytes for the parser, checked as UTF-8 as they are read (the line of the
    first bad byte named), the byte order mark skipped; counts the bytes handed on. ``span``:
    the bytes the parser may read past ``mark`` (the last key or record seen) before _Runaway is raised,
    so that a value too long for the guard is refused before the parser has built it whole."""

    def __init__(self, handle: Any, display: str, span: int = 0) -> None:
        self.handle = handle
        self.display = display
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.lines = 1
        self.position = 0
        self.mark = 0
        self.span = span
        self.first = True

    def read(self, size: int = -1) -> bytes:
        if self.span and self.position - self.mark > self.span:
            raise _Runaway
        chunk = self.handle.read(size)
        if self.first and chunk:  # (the parser first reads 0 bytes, to learn the type)
            self.first = False
            if chunk.startswith(BOM):
                chunk = chunk[len(BOM):]
        try:
            self.decoder.decode(chunk, final=not chunk and size != 0)
        except UnicodeDecodeError as exc:
            raise CchcError("json_not_utf8", file=self.display,
                            line=fmt.integer(self.lines + chunk[: max(exc.start, 0)].count(b"\n"))) from exc
        self.lines += chunk.count(b"\n")
        self.position += len(chunk)
        return chunk


_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def first_byte(path: Path, display: str) -> bytes:
    """The first byte of the file that is not a space (after a byte order mark), b"" if none.
    A file in UTF-16 (its byte order mark, or a NUL among its first bytes) is not UTF-8."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
        if head.startswith(_UTF16) or b"\x00" in head[:4]:
            raise CchcError("json_not_utf8", file=display, line=fmt.integer(1))
        head = head.removeprefix(BOM)
        while head:
            stripped = head.lstrip(b" \t\r\n")
            if stripped:
                return stripped[:1]
            head = handle.read(1 << 16)
    return b""


def _shown_key(key: str) -> str:
    return mask(key if len(key) <= _KEY_SHOWN else key[:_KEY_SHOWN] + "…")


def _shape(path: Path, display: str) -> bool:
    """Whether the file is a list of records (else records one after another)."""
    start = first_byte(path, display)
    if start not in (b"[", b"{"):
        raise CchcError("json_not_records", file=display)
    return start == b"["


def _scan(path: Path, display: str) -> list[str]:
    """The first pass: every key, in the order first seen, the guards checked on the parser's
    events (nothing is built: a nested value is refused at its start)."""
    guards = ingest_rules().guards
    longest, widest, columns = guards.json_max_string, guards.json_max_keys, guards.max_columns
    listed = _shape(path, display)
    base = 1 if listed else 0          # the depth of the records' objects, less one
    depth = 0
    number = 0                         # the record being read (1-based)
    keys: dict[str, None] = {}
    seen: set[str] | None = None       # the keys of the record being read
    key = ""
    with open(path, "rb") as handle:
        # A value of json_max_string characters takes at most 6 bytes a character (\uXXXX), its
        # key as many; the parser reads 64 KiB at a time.
        source = _Checked(handle, display, span=12 * longest + (1 << 17))
        try:
            for event, value in ijson.basic_parse(source, use_float=True, multiple_values=not listed):
                if event == "map_key":
                    if value in seen:
                        raise CchcError("json_duplicate_key", file=display, record=fmt.integer(number),
                                        key=_shown_key(value))
                    if len(value) > longest:
                        raise CchcError("json_key_too_long", file=display, record=fmt.integer(number),
                                        length=fmt.integer(len(value)), limit=fmt.integer(longest))
                    seen.add(value)
                    if len(seen) > widest:
                        raise CchcError("json_too_many_keys", file=display, record=fmt.integer(number),
                                        limit=fmt.integer(widest))
                    if value not in keys:
                        keys[value] = None
                        if len(keys) > columns:  # each row would be as wide
                            raise CchcError("json_too_many_columns", file=display, record=fmt.integer(number),
                                            limit=fmt.integer(columns))
                    key = value
                    source.mark = source.position
                elif event == "string":
                    if seen is None:
                        raise CchcError("json_not_record", file=display, record=fmt.integer(number + 1),
                                        found=CchcError.text(_KINDS[event]))
                    if len(value) > longest:
                        raise CchcError("json_value_too_long", file=display, record=fmt.integer(number),
                                        key=_shown_key(key), length=fmt.integer(len(value)),
                                        limit=fmt.integer(longest))
                elif event in _SCALARS:
                    if seen is None:  # a number, a boolean, null where a record should be
                        raise CchcError("json_not_record", file=display, record=fmt.integer(number + 1),
                                        found=CchcError.text(_KINDS[event]))
                elif event in _STARTS:
                    depth += 1
                    if depth == base + 1 and event == "start_map":
                        number += 1
                        seen = set()
                        source.mark = source.position
                    elif depth == 1 and listed:
                        pass
                    elif seen is not None:  # a value nested in a record
                        if number == 1 and not listed and event == "start_array":
                            raise CchcError("json_wrapped", file=display, key=_shown_key(key))
                        raise CchcError("json_nested_value", file=display, record=fmt.integer(number),
                                        key=_shown_key(key), found=CchcError.text(_KINDS[event]))
                    else:
                        raise CchcError("json_not_record", file=display, record=fmt.integer(number + 1),
                                        found=CchcError.text(_KINDS[event]))
                else:  # an end
                    depth -= 1
                    if depth == base:
                        seen = None
        except _Runaway:
            raise CchcError("json_value_runaway", file=display, record=fmt.integer(max(number, 1)),
                            key=_shown_key(key), limit=fmt.integer(longest)) from None
        except ijson.IncompleteJSONError as exc:
            truncated = "premature EOF" in str(exc)
            raise CchcError("json_invalid", file=display, record=fmt.integer(number + (seen is None)),
                            position=fmt.integer(source.position),
                            reason=CchcError.text("json_truncated" if truncated else "json_syntax")) from None
    if number == 0:
        raise CchcError("json_no_records", file=display)
    return list(keys)


def json_rows(path: Path, display: str) -> Iterator[list[Any]]:
    """The header row (every key, in the order first seen), then a row per record. The second
    pass builds the records with ijson's ``items`` (the first having found them flat)."""
    header = _scan(path, display)
    yield header
    listed = _shape(path, display)
    width = len(header)
    with open(path, "rb") as handle:
        records = ijson.items(_Checked(handle, display), "item" if listed else "", use_float=True,
                              multiple_values=not listed)
        for number, record in enumerate(records, 1):
            if type(record) is not dict:  # the file changed since the first pass
                raise CchcError("json_not_record", file=display, record=fmt.integer(number),
                                found=CchcError.text("json_kind_array"))
            if len(record) == width:
                try:
                    yield list(map(record.__getitem__, header))
                    continue
                except KeyError:
                    pass
            yield [record.get(key) for key in header]
