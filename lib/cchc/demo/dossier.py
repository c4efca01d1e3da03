"""A planned demo dossier in its final state: what the population plans and the exports show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass
class Dossier:
    """One planned dossier in its final state (as in the last export that holds it)."""

    group: str
    source: str                       # commune | land_branch
    timing: str
    interlink_key: str | None = None
    no_due: bool = False
    dossier_id: str = ""
    agency: str = ""
    procedure_code: str = ""
    procedure_name: str = ""
    field: str = ""
    channel: str = ""                 # online | direct | postal
    channel_label: str = ""
    received_at: dt.datetime = dt.datetime(2025, 1, 1)
    due_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    closed_on: dt.date | None = None  # day the dossier stopped being open (end date, rejection day)
    state: str = ""                   # processing | paused | resolved | withdrawn | rejected
    status_label: str = ""
    interim_label: str = ""           # shown while open in an earlier export
    unreturned_label: str = ""        # shown when resolved but not yet returned
    digitized: bool = True
    result_digitized: bool = False
    reused: bool = True
    payment: str = "free"             # online | direct | free
    payment_label: str = ""
    interlink_group: str = ""
    service_level: str = ""
    rating: str | None = None         # very_satisfied | satisfied | unsatisfied | None
    rating_label: str = ""
    holder: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    note: str = ""
    receiver: str = ""
    final_file: str = ""
    quarantine: str | None = None     # problem of a bad row (None for a normal dossier)
    bad_file: str | None = None
    raw_overrides: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def end_date(self) -> dt.date | None:
        """End date per figures.md: resolved_at for resolved and withdrawn dossiers."""
        if self.state in ("resolved", "withdrawn") and self.resolved_at is not None:
            return self.resolved_at.date()
        return None
