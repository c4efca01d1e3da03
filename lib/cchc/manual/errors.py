"""The manual workbook's error (its texts are data/manual/messages.yaml)."""

from __future__ import annotations

from cchc.core.errors import CchcError


class TemplateExists(CchcError):
    """The workbook already exists with something entered in it (or cannot be read): it is
    never overwritten. ``file`` is the path shown; ``where`` the first filled cell."""

    catalog = "manual/messages.yaml"

    def __init__(self, file: str, where: str | None = None, reason: str | None = None) -> None:
        self.file, self.where, self.reason = file, where, reason
        if reason is not None:
            super().__init__("template_unreadable", file=file, reason=reason)
        else:
            super().__init__("template_exists", file=file, where=where or "")


def manual_message(name: str, /, **values: object) -> str:
    return TemplateExists.text(name, **values)
