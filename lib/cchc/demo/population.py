"""Plan the demo dossier population in memory (one record per dossier, final state).

The plan is built from exact counts (the ``PLAN`` table and the ``*_COUNT``
constants) so that the pipeline's figures reproduce the reference report:
every count is a list of slots, and attributes are dealt to slots by shuffling
lists that hold exactly the wanted number of each value.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from . import exports, vocab
from . import period as cal
from .catalogue import Procedure
from .dossier import Dossier
from .naming import UnitName
from .naming import words as named_words
from .people import fake_person

# ---------------------------------------------------------------------------
# Exact plan. (group, source, timing, count, options)
#   group   window | carried | june | rejected | after_cutoff
#   timing  early | on_time | late                       resolved in the window
#           open_overdue | open_not_due                  still open at the last export
#           after_e_overdue | after_e_not_due            resolved 10-12 Dec (pending at E)
#           june_resolved | june_withdrawn               received and ended in June
#           rejected | after_cutoff_resolved | after_cutoff_open
# ---------------------------------------------------------------------------
PLAN: tuple[tuple[str, str, str, int, dict[str, Any]], ...] = (
    ("window", "commune", "early", 187, {"interlink": "birth"}),
    ("window", "commune", "early", 53, {"interlink": "death"}),
    ("window", "commune", "on_time", 2, {"interlink": "birth"}),
    ("window", "commune", "on_time", 1, {"interlink": "death"}),
    ("window", "commune", "early", 5948, {}),
    ("window", "commune", "on_time", 122, {}),
    ("window", "commune", "on_time", 4, {"no_due": True}),
    ("window", "commune", "late", 4, {}),
    ("window", "commune", "open_overdue", 7, {}),
    ("window", "commune", "after_e_overdue", 1, {}),
    ("window", "commune", "open_not_due", 272, {}),
    ("window", "commune", "open_not_due", 3, {"no_due": True}),
    ("window", "commune", "after_e_not_due", 5, {}),
    ("window", "land_branch", "early", 356, {}),
    ("window", "land_branch", "on_time", 8, {}),
    ("window", "land_branch", "late", 3, {}),
    ("window", "land_branch", "open_overdue", 6, {}),
    ("window", "land_branch", "open_not_due", 44, {}),
    ("carried", "commune", "early", 9, {}),
    ("carried", "commune", "on_time", 3, {}),
    ("carried", "commune", "late", 3, {}),
    ("carried", "commune", "open_overdue", 4, {}),
    ("carried", "commune", "open_not_due", 1, {"no_due": True}),
    ("june", "commune", "june_resolved", 23, {}),
    ("june", "commune", "june_withdrawn", 2, {}),
    ("rejected", "commune", "rejected_june", 2, {}),
    ("rejected", "commune", "rejected", 5, {}),
    ("rejected", "land_branch", "rejected", 1, {}),
    ("after_cutoff", "commune", "after_cutoff_resolved", 6, {}),
    ("after_cutoff", "commune", "after_cutoff_open", 9, {}),
    ("after_cutoff", "land_branch", "after_cutoff_open", 2, {}),
)

# Channels of the dossiers received in the window that are not interlinked
# (interlinked ones are all online): 1475 direct + 38 postal + 5270 online.
WINDOW_DIRECT = 1475
WINDOW_POSTAL = 38
# Online payment rate 1946 / 2237 = 86,99 %.
WINDOW_PAID_ONLINE = 1946
WINDOW_PAID_DIRECT = 2237 - 1946
WINDOW_NOT_REUSED = 7026 - 6706
WINDOW_WITHDRAWN_EARLY = 5
WINDOW_WITHDRAWN_ON_TIME = 1
# Satisfaction: (1268 + 546) / 1864 = 97,32 %.
RATINGS = {"very_satisfied": 1268, "satisfied": 546, "unsatisfied": 50}
# Resolved in the window with a digitized result (the other 83 include the withdrawn).
RESULT_DIGITIZED = 6620

RESOLVED_TIMINGS = ("early", "on_time", "late")
ID_PREFIXES = {"commune": "H31.57.12", "land_branch": "H31.10.05"}
# Dossiers received before 1 July carry the codes of the four merged communes.
OLD_COMMUNE_PREFIXES = ("H24.19.05", "H24.19.11", "H24.19.16", "H24.19.20")

# Bad rows: (file, problem); each on its own dossier, quarantined by the pipeline.
BAD_ROWS: tuple[tuple[str, str], ...] = (
    ("ho-so-2025-07.xlsx", "impossible_received_date"),
    ("ho-so-2025-08.xlsx", "unknown_status"),
    ("ho-so-2025-09.xlsx", "resolved_without_resolved_date"),
    ("ho-so-2025-10.csv", "missing_procedure_code"),
    ("ho-so-2025-10.csv", "impossible_due_date"),
    ("ho-so-2025-11.xlsx", "unknown_channel"),
    ("ho-so-2025-12.xlsx", "text_resolved_date"),
    ("ho-so-cn-vpdkdd-2025.xlsx", "impossible_received_date_leap"),
)

MINUTE = dt.timedelta(minutes=1)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _deal(rng: random.Random, slots: list[Dossier], counts: dict[str, int]) -> dict[str, list[Dossier]]:
    """Split ``slots`` at random into groups of exactly the given sizes."""
    if sum(counts.values()) != len(slots):
        raise ValueError(f"cannot deal {len(slots)} slots into {counts}")
    shuffled = list(slots)
    rng.shuffle(shuffled)
    out: dict[str, list[Dossier]] = {}
    start = 0
    for key, n in counts.items():
        out[key] = shuffled[start:start + n]
        start += n
    return out


def _take(rng: random.Random, candidates: list[Dossier], n: int, scale: float = 1) -> list[Dossier]:
    """``n`` of ``candidates`` at random; scaled, as many as there are at most."""
    if scale != 1:
        n = min(scaled(n, scale), len(candidates))
    if len(candidates) < n:
        raise ValueError(f"need {n} candidates, have {len(candidates)}")
    return rng.sample(candidates, n)


class _ProcedurePicker:
    def __init__(self, catalogue: list[Procedure]):
        self._catalogue = catalogue
        self._cache: dict[tuple, tuple[list[Procedure], list[float]]] = {}

    def pick(self, rng: random.Random, d: Dossier, paid: bool | None) -> Procedure:
        key = (d.source, d.interlink_key, d.no_due, d.channel == "online", paid)
        if key not in self._cache:
            pool = [
                p for p in self._catalogue
                if p.pool == d.source and p.weight > 0 and p.interlink == d.interlink_key
                and (p.deadline is None) == d.no_due
                and (d.channel != "online" or p.online_level != "none")
                and (paid is None or p.fee == paid)
            ]
            if not pool:
                raise ValueError(f"no procedure for {key}")
            self._cache[key] = (pool, list(itertools.accumulate(p.weight for p in pool)))
        pool, cumulative = self._cache[key]
        return rng.choices(pool, cum_weights=cumulative)[0]


class _DayPicker:
    """Receipt days: online any day (fewer at weekends), paper channels on working days."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[list[dt.date], list[float]]] = {}

    def pick(self, rng: random.Random, lo: dt.date, hi: dt.date, online: bool) -> dt.date:
        key = (lo, hi, online)
        if key not in self._cache:
            days = cal.days_between(lo, hi)
            if online:
                weights = [1.0 if cal.is_workday(d) else (0.3 if d.weekday() == 5 else 0.15) for d in days]
            else:
                weights = [1.0 if cal.is_workday(d) else 0.0 for d in days]
            if not any(weights):
                weights = [1.0] * len(days)
            self._cache[key] = (days, list(itertools.accumulate(weights)))
        days, cumulative = self._cache[key]
        return rng.choices(days, cum_weights=cumulative)[0]


def _receipt_minutes(rng: random.Random, online: bool) -> int:
    if online:  # mostly office hours, some evenings
        return rng.randint(7 * 60, 17 * 60) if rng.random() < 0.85 else rng.randint(17 * 60, 22 * 60 + 59)
    if rng.random() < 0.55:
        return rng.randint(7 * 60 + 30, 11 * 60 + 30)
    return rng.randint(13 * 60 + 30, 17 * 60)


def _end_time(rng: random.Random, day: dt.date, after: dt.datetime) -> dt.datetime:
    """A time on ``day`` during office hours, strictly after ``after`` when on the same day."""
    if day == after.date():
        late_evening = after.hour >= 17
        minutes = after.hour * 60 + after.minute + (rng.randint(5, 30) if late_evening else rng.randint(10, 150))
        return cal.at(day, min(minutes, 23 * 60 + 59))
    return cal.at(day, rng.randint(7 * 60 + 45, 17 * 60))


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

RECEIPT_BOUNDS = {
    "window": (cal.START, cal.CUTOFF),
    "carried": (cal.JUNE_FIRST, cal.START - dt.timedelta(days=1)),
    "june": (cal.JUNE_FIRST, dt.date(2025, 6, 26)),
    "after_cutoff": (cal.CUTOFF + dt.timedelta(days=1), cal.LAST_EXPORT),
}
JUNE_LAST = cal.START - dt.timedelta(days=1)
AFTER_E = (cal.CUTOFF + dt.timedelta(days=1), cal.LAST_EXPORT)


def _solve_days(rng: random.Random, days: _DayPicker, d: Dossier, deadline: int | None
                ) -> tuple[dt.date, dt.date | None, dt.date | None] | None:
    """Receipt day, due day and end day (or None) satisfying the dossier's timing class."""
    online = d.channel == "online"
    timing = d.timing
    if timing == "rejected_june":
        lo, hi = cal.JUNE_FIRST, JUNE_LAST
    elif timing == "rejected":
        lo, hi = cal.START, cal.CUTOFF
    else:
        lo, hi = RECEIPT_BOUNDS[d.group]
    end_floor = cal.START if d.group == "carried" else lo
    if timing in ("open_overdue", "after_e_overdue") and d.group == "window":
        lo = max(lo, cal.CUTOFF - dt.timedelta(days=75))
        hi = min(hi, cal.CUTOFF - dt.timedelta(days=1))
    elif timing in ("open_not_due", "after_e_not_due") and not d.no_due and d.group == "window":
        lo = max(lo, cal.CUTOFF - dt.timedelta(days=45))

    for _ in range(400):
        r = days.pick(rng, lo, hi, online)
        due = cal.add_workdays(r, deadline) if deadline is not None else None
        end: dt.date | None = None
        if timing == "early":
            first, last = max(r, end_floor), min(due - dt.timedelta(days=1), cal.CUTOFF)
            options = [x for x in cal.days_between(first, last) if cal.is_workday(x) or x == r] if first <= last else []
            if not options:
                continue
            end = rng.choices(options, weights=[1.0 / (i + 1) ** 1.3 for i in range(len(options))])[0]
        elif timing == "on_time":
            end = due if due is not None else cal.add_workdays(r, rng.randint(0, 3)) if rng.random() < 0.7 else r
            if end is None or not (end_floor <= end <= cal.CUTOFF):
                continue
        elif timing == "late":
            end = cal.add_workdays(due, rng.randint(1, 4))
            if not (end_floor <= end <= cal.CUTOFF):
                continue
        elif timing == "open_overdue":
            if due is None or due >= cal.CUTOFF:
                continue
        elif timing == "open_not_due":
            if due is not None and due < cal.CUTOFF:
                continue
        elif timing in ("after_e_not_due", "after_e_overdue"):
            if (due >= cal.CUTOFF) != (timing == "after_e_not_due"):
                continue
            end = rng.choice(cal.workdays_between(*AFTER_E))
        elif timing in ("june_resolved", "june_withdrawn"):
            end = cal.add_workdays(r, rng.randint(0, 3)) if rng.random() < 0.8 else r
            if end > JUNE_LAST:
                continue
        elif timing in ("rejected", "rejected_june"):
            end = r
        elif timing == "after_cutoff_resolved":
            end = r if rng.random() < 0.6 else cal.add_workdays(r, 1)
            if end > cal.LAST_EXPORT:
                continue
        elif timing == "after_cutoff_open":
            pass
        else:  # pragma: no cover
            raise ValueError(timing)
        return r, due, end
    return None


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------

def scaled(count: int, scale: float) -> int:
    """``count`` times ``scale``, at least 1 when ``count`` is (every kind of dossier stays present);
    ``count`` itself at scale 1 (the reference demo)."""
    if scale == 1 or count == 0:
        return count
    return max(1, round(count * scale))


def _slots(scale: float = 1) -> list[Dossier]:
    slots: list[Dossier] = []
    for group, source, timing, count, options in PLAN:
        for _ in range(scaled(count, scale)):
            slots.append(Dossier(group=group, source=source, timing=timing,
                                 interlink_key=options.get("interlink"), no_due=options.get("no_due", False)))
    return slots


def _assign_channels_and_payments(rng: random.Random, slots: list[Dossier], scale: float = 1) -> None:
    window = [d for d in slots if d.group == "window"]
    plain = [d for d in window if d.interlink_key is None]
    for d in window:
        if d.interlink_key is not None:
            d.channel = "online"
    direct = min(scaled(WINDOW_DIRECT, scale), len(plain))
    postal = min(scaled(WINDOW_POSTAL, scale), len(plain) - direct)
    dealt = _deal(rng, plain, {"direct": direct, "postal": postal, "online": len(plain) - direct - postal})
    for channel, members in dealt.items():
        for d in members:
            d.channel = channel
    for d in slots:
        if d.group != "window":
            d.channel = rng.choices(("online", "direct", "postal"), weights=(70, 28, 2))[0]

    # Paid dossiers: land-branch dossiers first (most land procedures carry a fee).
    def ranked(channels: tuple[str, ...]) -> list[Dossier]:
        eligible = [d for d in plain if d.channel in channels and not d.no_due]
        keyed = [((0 if d.source == "land_branch" and rng.random() < 0.85 else 1), rng.random(), i, d)
                 for i, d in enumerate(eligible)]
        keyed.sort(key=lambda k: k[:3])
        return [k[3] for k in keyed]

    for d in ranked(("online",))[:scaled(WINDOW_PAID_ONLINE, scale)]:
        d.payment = "online"
    for d in ranked(("direct", "postal"))[:scaled(WINDOW_PAID_DIRECT, scale)]:
        d.payment = "direct"
    for d in slots:
        if d.group != "window" and not d.no_due and rng.random() < 0.3:
            d.payment = "online" if d.channel == "online" and rng.random() < 0.85 else "direct"


def _assign_withdrawn(rng: random.Random, slots: list[Dossier], scale: float = 1) -> None:
    def candidates(timing: str) -> list[Dossier]:
        return [d for d in slots if d.group == "window" and d.source == "commune" and d.timing == timing
                and d.interlink_key is None and not d.no_due and d.payment == "free"]

    for d in _take(rng, candidates("early"), WINDOW_WITHDRAWN_EARLY, scale):
        d.state = "withdrawn"
    for d in _take(rng, candidates("on_time"), WINDOW_WITHDRAWN_ON_TIME, scale):
        d.state = "withdrawn"


def _assign_procedures_and_dates(rng: random.Random, slots: list[Dossier], catalogue: list[Procedure],
                                 unit: UnitName | None = None) -> None:
    procedures = _ProcedurePicker(catalogue)
    days = _DayPicker()
    words = named_words("labels", unit)
    for d in slots:
        paid = None if d.interlink_key or d.no_due else d.payment != "free"
        for _attempt in range(50):
            proc = procedures.pick(rng, d, paid)
            solved = _solve_days(rng, days, d, proc.deadline)
            if solved is not None:
                break
        else:
            raise RuntimeError(f"cannot place a {d.group}/{d.timing} dossier")
        r, due, end = solved
        d.procedure_code, d.procedure_name, d.field = proc.code, proc.name, proc.field
        d.agency = words["agencies"][d.source]
        d.interlink_group = words["interlink_groups"][proc.interlink] if proc.interlink else ""
        level = "" if proc.online_level == "none" else words["service_levels"][proc.online_level]
        d.service_level = level if d.channel == "online" or rng.random() < 0.5 else ""
        d.received_at = cal.at(r, _receipt_minutes(rng, d.channel == "online"))
        if due is not None:
            due_minutes = 17 * 60 if d.source == "commune" else d.received_at.hour * 60 + d.received_at.minute
            d.due_at = cal.at(due, due_minutes)
        if d.timing in ("rejected", "rejected_june"):
            d.state = "rejected"
            d.closed_on = r
            if rng.random() < 0.5:
                d.resolved_at = d.received_at + rng.randint(5, 90) * MINUTE
        elif end is not None:
            if d.timing == "june_withdrawn":
                d.state = "withdrawn"
            elif d.state != "withdrawn":
                d.state = "resolved"
            d.resolved_at = _end_time(rng, end, d.received_at)
            d.closed_on = end
        else:
            paused_share = 0.5 if "overdue" in d.timing else 0.2
            d.state = "paused" if rng.random() < paused_share else "processing"


def _assign_window_flags(rng: random.Random, slots: list[Dossier], scale: float = 1) -> None:
    window = [d for d in slots if d.group == "window"]
    for d in window:
        d.digitized = True
    for d in _take(rng, window, WINDOW_NOT_REUSED, scale):
        d.reused = False

    resolved_in_window = [d for d in slots if d.group in ("window", "carried") and d.timing in RESOLVED_TIMINGS]
    for d in _take(rng, [d for d in resolved_in_window if d.state == "resolved"], RESULT_DIGITIZED, scale):
        d.result_digitized = True

    rateable = [d for d in window if d.timing in RESOLVED_TIMINGS and d.state == "resolved"]
    wanted = {key: scaled(n, scale) for key, n in RATINGS.items()}
    rated = _take(rng, rateable, min(sum(wanted.values()), len(rateable)))
    ratings = [key for key, n in wanted.items() for _ in range(n)]
    rng.shuffle(ratings)
    for d, rating in zip(rated, ratings):
        d.rating = rating

    for d in slots:
        if d.group == "window":
            continue
        d.digitized = rng.random() < 0.9
        d.reused = rng.random() < 0.85
        if d.state == "resolved":
            if d.group != "carried":
                d.result_digitized = rng.random() < 0.95
            if rng.random() < 0.25:
                d.rating = rng.choices(tuple(RATINGS), weights=tuple(RATINGS.values()))[0]


def _assign_labels_and_people(rng: random.Random, slots: list[Dossier], unit: UnitName | None = None) -> None:
    words = vocab.labels()
    statuses = words["statuses"]
    staff = vocab.people()
    for d in slots:
        channels = words["channels"][d.channel]
        if d.channel == "postal":
            d.channel_label = rng.choice(channels)
        else:
            d.channel_label = channels[0] if rng.random() < 0.95 else channels[1]
        if d.payment == "free":
            d.payment_label = words["payments"]["free"] if rng.random() < 0.65 else ""
        else:
            d.payment_label = words["payments"][d.payment]
        d.rating_label = words["ratings"][d.rating] if d.rating else ""

        d.interim_label = rng.choices(statuses["processing"], weights=(60, 15, 15, 10))[0]
        if rng.random() < 0.08:
            d.interim_label = rng.choice(statuses["paused"])
        d.unreturned_label = rng.choices(statuses["resolved_not_returned"], weights=(70, 30))[0]
        if d.state == "resolved":
            d.status_label = rng.choices(statuses["resolved_returned"], weights=(85, 8, 7))[0]
        elif d.state == "withdrawn":
            d.status_label = rng.choices(statuses["withdrawn"], weights=(60, 25, 15))[0]
        elif d.state == "rejected":
            d.status_label = rng.choices(statuses["rejected"], weights=(40, 40, 20))[0]
        elif d.state == "paused":
            weights = (20, 15, 10, 5, 50) if d.source == "land_branch" else (40, 20, 15, 10, 15)
            d.status_label = rng.choices(statuses["paused"], weights=weights)[0]
        else:
            d.status_label = rng.choices(statuses["processing"], weights=(60, 15, 15, 10))[0]
        if d.state in ("processing", "paused") and rng.random() < 0.7:
            d.interim_label = d.status_label

        person = fake_person(rng, unit)
        d.holder, d.id_number, d.phone, d.address, d.email = (
            person.name, person.id_number, person.phone, person.address, person.email)
        d.note = rng.choice(staff["notes"]) if rng.random() < 0.12 else ""
        d.receiver = staff["online_receiver"] if d.channel == "online" else rng.choice(staff["staff"])


def _assign_returns(rng: random.Random, slots: list[Dossier]) -> None:
    """Return dates, capped at the export date of the dossier's last file."""
    for d in slots:
        d.final_file = exports.final_file(d).name
        if d.state != "resolved":
            continue
        if rng.random() < 0.03:
            d.returned_at = None
            d.status_label = d.unreturned_label
            continue
        cap = next(f.end for f in exports.DOSSIER_FILES if f.name == d.final_file)
        end = d.resolved_at
        delta = rng.choices((0, 1, 2, 3), weights=(55, 25, 12, 8))[0]
        day = min(end.date() + dt.timedelta(days=delta), cap)
        d.returned_at = (_end_time(rng, day, end) if day == end.date()
                         else cal.at(day, rng.randint(7 * 60 + 45, 17 * 60)))


def _bad_rows(rng: random.Random, catalogue: list[Procedure], unit: UnitName | None = None) -> list[Dossier]:
    """One extra dossier per problem, written only in its own file."""
    words = vocab.labels()
    bad_values = words["bad_values"]
    by_name = {f.name: f for f in exports.DOSSIER_FILES}
    out: list[Dossier] = []
    for file_name, problem in BAD_ROWS:
        export = by_name[file_name]
        d = Dossier(group="bad", source=export.source, timing="early")
        d.channel, d.payment = "direct", "free"
        lo, hi = export.start, min(export.end, cal.CUTOFF)
        _assign_procedures_and_dates_one(rng, d, catalogue, (lo, hi), unit)
        d.quarantine, d.bad_file = problem, file_name
        overrides: dict[str, Any] = {}
        if problem == "impossible_received_date":
            overrides["received_at"] = bad_values["impossible_date_feb"]
        elif problem == "impossible_received_date_leap":
            overrides["received_at"] = bad_values["impossible_date_leap"]
        elif problem == "unknown_status":
            overrides["status"] = bad_values["unknown_status"]
        elif problem == "resolved_without_resolved_date":
            overrides["resolved_at"] = None
        elif problem == "missing_procedure_code":
            overrides["procedure_code"] = ""
        elif problem == "impossible_due_date":
            overrides["due_at"] = bad_values["impossible_date_nov"]
        elif problem == "unknown_channel":
            overrides["channel"] = bad_values["unknown_channel"]
        elif problem == "text_resolved_date":
            overrides["resolved_at"] = bad_values["text_date"]
        else:  # pragma: no cover
            raise ValueError(problem)
        d.raw_overrides = overrides
        out.append(d)
    return out


def _assign_procedures_and_dates_one(rng: random.Random, d: Dossier, catalogue: list[Procedure],
                                     bounds: tuple[dt.date, dt.date], unit: UnitName | None = None) -> None:
    """A plain resolved dossier received within ``bounds`` (used for bad rows)."""
    words = named_words("labels", unit)
    pool = [p for p in catalogue if p.pool == d.source and p.weight > 0 and p.interlink is None
            and p.deadline is not None]
    proc = rng.choices(pool, weights=[p.weight for p in pool])[0]
    r = rng.choice(cal.workdays_between(*bounds))
    due = cal.add_workdays(r, proc.deadline)
    d.procedure_code, d.procedure_name, d.field = proc.code, proc.name, proc.field
    d.agency = words["agencies"][d.source]
    d.received_at = cal.at(r, _receipt_minutes(rng, False))
    d.due_at = cal.at(due, 17 * 60)
    d.state = "resolved"
    d.resolved_at = _end_time(rng, r, d.received_at)
    d.closed_on = r
    d.returned_at = d.resolved_at
    d.result_digitized = True


def _assign_ids(rng: random.Random, dossiers: list[Dossier]) -> None:
    counters: dict[tuple[str, str], int] = {}
    order = sorted(range(len(dossiers)), key=lambda i: (dossiers[i].received_at, i))
    for i in order:
        d = dossiers[i]
        if d.received_at.date() < cal.START and d.source == "commune":
            prefix = rng.choice(OLD_COMMUNE_PREFIXES)
        else:
            prefix = ID_PREFIXES[d.source]
        day = d.received_at.strftime("%y%m%d")
        counters[(prefix, day)] = counters.get((prefix, day), 0) + 1
        d.dossier_id = f"{prefix}-{day}-{counters[(prefix, day)]:04d}"


def plan_dossiers(rng: random.Random, catalogue: list[Procedure], scale: float = 1,
                  unit: UnitName | None = None) -> list[Dossier]:
    """All planned dossiers of ``unit`` (default: the demo commune; normal ones in final state,
    then the bad rows); ``scale`` multiplies every count of the plan (1: the reference demo)."""
    slots = _slots(scale)
    _assign_channels_and_payments(rng, slots, scale)
    _assign_withdrawn(rng, slots, scale)
    _assign_procedures_and_dates(rng, slots, catalogue, unit)
    _assign_window_flags(rng, slots, scale)
    _assign_labels_and_people(rng, slots, unit)
    bad = _bad_rows(rng, catalogue, unit)
    _assign_labels_and_people(rng, bad, unit)
    everyone = slots + bad
    _assign_ids(rng, everyone)
    _assign_returns(rng, slots)
    for d in bad:
        d.final_file = d.bad_file or ""
        d.status_label = vocab.labels()["statuses"]["resolved_returned"][0]
    return everyone
