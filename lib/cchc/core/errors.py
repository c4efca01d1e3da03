"""User-facing errors: one hierarchy. Every error a user can fix is a ``CchcError`` carrying
its message key and values; ``str()`` is the message, in Vietnamese, from a data file.

Subclasses only say where their texts live (``catalog``: a YAML file under cchc/data, and
``path``: the keys leading to the messages inside it), so that each part of the product keeps
its words beside its other words (the prose rules, the manual workbook, ``explain``).

Errors are typed by failure: ``CchcError("missing_column", file=…, column=…)`` is a
``MissingColumn`` (each failure class lists the message keys of data/messages.yaml it is the
failure of, ``failures``), so that code branches on the type (``except UnreadableFile``) and
reads the fields ``file``, ``sheet``, ``row``, ``column`` and ``value`` (None when the message
has no such value) rather than the key."""

from __future__ import annotations

from typing import Any, ClassVar

from cchc.core.resources import load_yaml


def message(name: str, /, **values: object) -> str:
    """Format the message ``name`` from data/messages.yaml with ``values``."""
    return CchcError.text(name, **values)


class CchcError(Exception):
    """An error the user can fix; ``str()`` is the message in the user's terms."""

    catalog = "messages.yaml"
    path: tuple[str, ...] = ()
    failures: ClassVar[tuple[str, ...]] = ()   # the message keys (messages.yaml) a failure class types
    _failure_of: ClassVar[dict[str, type[CchcError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.__dict__.get("failures", ()):
            CchcError._failure_of[name] = cls

    def __new__(cls, name: str | None = None, /, *args: object, **values: object) -> CchcError:
        """``CchcError(key, …)`` of a key a failure class lists is an instance of that class."""
        if cls is CchcError and name in CchcError._failure_of:
            cls = CchcError._failure_of[name]
        return super().__new__(cls)

    def __init__(self, name: str, /, **values: object) -> None:
        self.name = name
        self.values = values
        # What the error is about, as its message names it (None when it names no such thing):
        # the file, its sheet, the row (an Excel row, or the line of a CSV or YAML file), the column, the value.
        self.file: Any = values.get("file")
        self.sheet: Any = values.get("sheet")
        self.row: Any = values["row"] if values.get("row") is not None else values.get("line")
        self.column: Any = values.get("column")
        self.value: Any = values.get("value")
        super().__init__(self.text(name, **values))

    @classmethod
    def text(cls, name: str, /, **values: object) -> str:
        texts = load_yaml(cls.catalog)
        for key in cls.path:
            texts = texts[key]
        return texts[name].format(**values)

    def __reduce__(self):  # picklable across processes (the export worker), notes included
        return (_rebuild, (type(self), self.name, self.values, dict(self.__dict__)))


def _rebuild(kind: type[CchcError], name: str, values: dict, state: dict) -> CchcError:
    error = kind.__new__(kind)
    CchcError.__init__(error, name, **values)
    error.__dict__.update(state)  # notes and a subclass's own attributes
    return error


# -- failures (the errors of data/messages.yaml, typed) -----------------------------------------

class UnreadableFile(CchcError):
    """A raw file that cannot be read as a table: empty, of a format not read, damaged, too
    large for its size, a sheet it lacks, a CSV line that cannot be parsed."""

    failures = ("empty_file", "unsupported_file", "unreadable_xlsx", "unsupported_format", "unreadable_workbook",
                "workbook_too_large", "workbook_inflates", "csv_too_wide", "csv_bad_row", "missing_sheet")


class UnrecognisedFile(CchcError):
    """A raw file none of whose first rows holds a source's key column."""

    failures = ("unrecognised_file",)


class MissingColumn(CchcError):
    """A raw file without a column its source requires (``column``)."""

    failures = ("missing_column",)


class MissingData(CchcError):
    """Raw data that is not there: the raw folder, a source, a file the parameters name, or
    files in the folder that are neither read nor declared."""

    failures = ("missing_raw_dir", "missing_source", "unknown_source_file", "unknown_raw_files", "missing_processed")


class BadParameter(CchcError):
    """A run's parameters refused: the period, the unit, a parameter file or one of its values."""

    failures = ("bad_period", "bad_unit", "missing_params", "missing_param", "unknown_param", "param_type",
                "param_yaml", "param_alias", "bad_window", "unknown_target")


class BadDataFile(CchcError):
    """One of the package's own data files (data/*.yaml) refused when read."""

    failures = ("data_unknown_key", "data_missing_key", "data_bad_value")


class ChecksFailed(CchcError):
    """Reconciliation checks in error: nothing published (or the notebook stopped)."""

    failures = ("checks_failed", "notebook_checks_failed")


class RunBusy(CchcError):
    """Another run of the same unit and period holds its lock (--no-wait)."""

    failures = ("run_busy",)


class WriteFailed(CchcError):
    """The outputs could not be written (read-only, denied, full, over quota)."""

    failures = ("write_failed",)


__all__ = ["BadDataFile", "BadParameter", "CchcError", "ChecksFailed", "MissingColumn", "MissingData", "RunBusy",
           "UnreadableFile", "UnrecognisedFile", "WriteFailed", "message"]
