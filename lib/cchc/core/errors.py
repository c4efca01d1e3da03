"""User-facing errors. Message texts live in data/messages.yaml (Vietnamese)."""

from __future__ import annotations

from cchc.core.resources import load_yaml


def message(name: str, /, **values: object) -> str:
    """Format the message ``name`` from data/messages.yaml with ``values``."""
    template = load_yaml("messages.yaml")[name]
    return template.format(**values)


class CchcError(Exception):
    """An error the user can fix; ``str()`` is the message in the user's terms."""

    def __init__(self, name: str, /, **values: object) -> None:
        self.name = name
        self.values = values
        super().__init__(message(name, **values))

    def __reduce__(self):  # picklable across processes (the export worker)
        return (_rebuild, (self.name, self.values, getattr(self, "__notes__", [])))


def _rebuild(name: str, values: dict, notes: list[str]) -> CchcError:
    error = CchcError(name, **values)
    for note in notes:
        error.add_note(note)
    return error
