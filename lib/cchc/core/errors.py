"""User-facing errors: one hierarchy. Every error a user can fix is a ``CchcError`` carrying
its message key and values; ``str()`` is the message, in Vietnamese, from a data file.

Subclasses only say where their texts live (``catalog``: a YAML file under cchc/data, and
``path``: the keys leading to the messages inside it), so that each part of the product keeps
its words beside its other words (the prose rules, the manual workbook, ``explain``)."""

from __future__ import annotations

from cchc.core.resources import load_yaml


def message(name: str, /, **values: object) -> str:
    """Format the message ``name`` from data/messages.yaml with ``values``."""
    return CchcError.text(name, **values)


class CchcError(Exception):
    """An error the user can fix; ``str()`` is the message in the user's terms."""

    catalog = "messages.yaml"
    path: tuple[str, ...] = ()

    def __init__(self, name: str, /, **values: object) -> None:
        self.name = name
        self.values = values
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
