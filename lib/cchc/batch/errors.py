"""The batch's errors: messages in data/batch.yaml (errors)."""

from __future__ import annotations

from cchc.core.errors import CchcError


class BatchError(CchcError):
    catalog = "batch.yaml"
    path = ("errors",)
