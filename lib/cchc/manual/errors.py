"""The manual workbook's own error (its texts are data/manual/messages.yaml)."""

from __future__ import annotations

from cchc.core.resources import load_yaml


def manual_message(name: str, /, **values: object) -> str:
    return load_yaml("manual/messages.yaml")[name].format(**values)


class TemplateExists(Exception):
    """The workbook already exists with something entered in it (or cannot be read): it is
    never overwritten. ``str()`` is the Vietnamese message; ``file`` the path shown."""

    def __init__(self, file: str, where: str | None = None, reason: str | None = None) -> None:
        self.file = file
        self.where = where
        self.reason = reason
        if reason is not None:
            text = manual_message("template_unreadable", file=file, reason=reason)
        else:
            text = manual_message("template_exists", file=file, where=where or "")
        super().__init__(text)

    def __reduce__(self):
        return (TemplateExists, (self.file, self.where, self.reason))
