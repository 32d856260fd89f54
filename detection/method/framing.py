"""The framing of the effort (*rammesætning*, issue 16): the period, the target group in
words, the chosen focus areas, the team (pairs, hours per week per pair), the default
shift, the hourly staff cost and the period's numeric goals.

Route planning takes the team and the shift from here as defaults; method fidelity checks
the period is framed and measures contacts against the goal; the evaluation takes the
cost of the effort from the team hours and the hourly cost.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from detection import clock
from detection.errors import InputError

#: the period's numeric goals: partners in regular contact, doors knocked, contacts
#: (courses started) and handovers
GOALS: tuple[str, ...] = ("partners", "doors", "contacts", "handovers")

_SHIFT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
#: a period is at most this long (a year and a bit: a budget year with its edges)
MAX_PERIOD_DAYS = 400
TARGET_GROUP_CHARS = 1000


@dataclass(frozen=True)
class Framing:
    """One period's framing. ``hours_per_week`` is per pair; ``focus_areas`` are saved
    focus-area ids; ``goals`` maps :data:`GOALS` to whole numbers (absent: no goal);
    ``economics`` the municipality's scenario inputs (:mod:`detection.method.economics`)."""

    period_from: date
    period_to: date
    target_group: str = ""
    focus_areas: tuple[str, ...] = ()
    pairs: int | None = None
    hours_per_week: float | None = None
    shift: str | None = None
    hourly_cost_dkk: float | None = None
    other_costs_dkk: float = 0.0
    goals: dict[str, int] = field(default_factory=dict)
    economics: dict = field(default_factory=dict)
    updated_by: str | None = None
    updated_at: str | None = None

    @property
    def weeks(self) -> float:
        """The period's length in weeks (both ends counted)."""
        return ((self.period_to - self.period_from).days + 1) / 7.0

    @property
    def team_hours(self) -> float | None:
        """Staff hours in the period: pairs × 2 workers × hours per week × weeks."""
        if self.pairs is None or self.hours_per_week is None:
            return None
        return self.pairs * 2 * self.hours_per_week * self.weeks

    @property
    def staff_cost_dkk(self) -> float | None:
        """Team hours × hourly cost (``None`` while either is missing)."""
        if self.team_hours is None or self.hourly_cost_dkk is None:
            return None
        return self.team_hours * self.hourly_cost_dkk

    def covers(self, day: date) -> bool:
        return self.period_from <= day <= self.period_to

    def to_row(self) -> dict[str, Any]:
        return {"period_from": self.period_from, "period_to": self.period_to, "target_group": self.target_group,
                "focus_areas": json.dumps(list(self.focus_areas)), "pairs": self.pairs,
                "hours_per_week": self.hours_per_week, "shift": self.shift, "hourly_cost_dkk": self.hourly_cost_dkk,
                "other_costs_dkk": self.other_costs_dkk, "goals": json.dumps(self.goals, sort_keys=True),
                "economics": json.dumps(self.economics, ensure_ascii=False)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Framing:
        at = row.get("updated_at")
        return cls(period_from=row["period_from"], period_to=row["period_to"], target_group=row["target_group"] or "",
                   focus_areas=tuple(json.loads(row["focus_areas"] or "[]")), pairs=row["pairs"],
                   hours_per_week=row["hours_per_week"], shift=row["shift"], hourly_cost_dkk=row["hourly_cost_dkk"],
                   other_costs_dkk=float(row["other_costs_dkk"] or 0), goals=json.loads(row["goals"] or "{}"),
                   economics=json.loads(row["economics"] or "{}"), updated_by=row.get("updated_by"),
                   updated_at=None if at is None else (clock.from_store(at).isoformat(timespec="seconds")
                                                       if isinstance(at, datetime) else str(at)))

    def to_json(self) -> dict[str, Any]:
        """The ``framing show --json`` shape."""
        return {"period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
                "target_group": self.target_group, "focus_areas": list(self.focus_areas), "pairs": self.pairs,
                "hours_per_week": self.hours_per_week, "shift": self.shift, "hourly_cost_dkk": self.hourly_cost_dkk,
                "other_costs_dkk": self.other_costs_dkk, "goals": dict(self.goals),
                "team_hours": None if self.team_hours is None else round(self.team_hours, 1),
                "staff_cost_dkk": None if self.staff_cost_dkk is None else round(self.staff_cost_dkk),
                "economics_entered": bool(self.economics), "updated_by": self.updated_by,
                "updated_at": self.updated_at}


def _date(name: str, value: object) -> date:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    m = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
    try:
        return date(int(m[3]), int(m[2]), int(m[1])) if m else date.fromisoformat(text)
    except ValueError:
        raise InputError(f"field {name!r} = {value!r} is not a date; write 2027-01-01 or 01.01.2027",
                         code="framing_date") from None


def _number(name: str, value: object, *, whole: bool, least: float = 0) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        num = float(str(value).replace(",", ".").strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise InputError(f"field {name!r} = {value!r} is not a number", code="framing_number") from None
    if num != num or num < least:  # NaN or too small
        raise InputError(f"field {name!r} = {value!r} must be at least {least:g}", code="framing_number")
    if whole:
        if num != int(num):
            raise InputError(f"field {name!r} = {value!r} must be a whole number", code="framing_number")
        return int(num)
    return num


def check_shift(value: object) -> str | None:
    """A shift ``HH:MM-HH:MM`` within one day, normalised (``9:00-15:00`` → ``09:00-15:00``)."""
    if value is None or not str(value).strip():
        return None
    m = _SHIFT.match(str(value))
    if m is None:
        raise InputError(f"field 'shift' = {value!r} is not HH:MM-HH:MM, e.g. 09:00-15:00", code="framing_shift")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    a, b = h1 * 60 + m1, h2 * 60 + m2
    if not (m1 < 60 and m2 < 60 and 0 <= a < b <= 24 * 60):
        raise InputError(f"field 'shift' = {value!r} must start before it ends, within one day",
                         code="framing_shift")
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def check_framing(fields: dict[str, Any], *, old: Framing | None = None,
                  focus_ids: set[str] | None = None) -> Framing:
    """A :class:`Framing` from ``fields`` (over ``old``'s values), checked: dates in order
    and at most :data:`MAX_PERIOD_DAYS` apart, whole pairs ≥ 1, hours 1–80 per week, a
    valid shift, costs ≥ 0, goals whole numbers ≥ 0 of :data:`GOALS`, focus areas that
    exist. Raises :class:`InputError` naming the field, the value and the fix."""
    unknown = set(fields) - {"period_from", "period_to", "target_group", "focus_areas", "pairs", "hours_per_week",
                             "shift", "hourly_cost_dkk", "other_costs_dkk", "goals"}
    if unknown:
        raise InputError(f"unknown framing field(s): {', '.join(sorted(unknown))}", code="framing_field")
    values: dict[str, Any] = {}
    if "period_from" in fields:
        values["period_from"] = _date("period_from", fields["period_from"])
    if "period_to" in fields:
        values["period_to"] = _date("period_to", fields["period_to"])
    if old is None and not {"period_from", "period_to"} <= set(values):
        raise InputError("a new period needs both dates: period_from and period_to (e.g. --from 2027-01-01 "
                         "--to 2027-06-30)", code="framing_date")
    if "target_group" in fields:
        text = " ".join(str(fields["target_group"] or "").split())
        if len(text) > TARGET_GROUP_CHARS:
            raise InputError(f"field 'target_group' has {len(text)} characters, at most {TARGET_GROUP_CHARS}",
                             code="framing_text")
        values["target_group"] = text
    if "focus_areas" in fields:
        ids = tuple(dict.fromkeys(str(x).strip() for x in (fields["focus_areas"] or []) if str(x).strip()))
        missing = [x for x in ids if focus_ids is not None and x not in focus_ids]
        if missing:
            raise InputError(f"field 'focus_areas': {', '.join(missing)} is not a saved focus area; "
                             "`opspor focus-areas list` shows them", code="framing_focus")
        values["focus_areas"] = ids
    if "pairs" in fields:
        values["pairs"] = _number("pairs", fields["pairs"], whole=True, least=1)
    if "hours_per_week" in fields:
        h = _number("hours_per_week", fields["hours_per_week"], whole=False, least=1)
        if h is not None and h > 80:
            raise InputError(f"field 'hours_per_week' = {fields['hours_per_week']!r} is more than 80 hours a week "
                             "for one pair; give the hours one pair works a week", code="framing_number")
        values["hours_per_week"] = h
    if "shift" in fields:
        values["shift"] = check_shift(fields["shift"])
    if "hourly_cost_dkk" in fields:
        values["hourly_cost_dkk"] = _number("hourly_cost_dkk", fields["hourly_cost_dkk"], whole=False)
    if "other_costs_dkk" in fields:
        values["other_costs_dkk"] = _number("other_costs_dkk", fields["other_costs_dkk"], whole=False) or 0.0
    if "goals" in fields:
        goals = dict(old.goals) if old is not None else {}
        for k, v in (fields["goals"] or {}).items():
            if k not in GOALS:
                raise InputError(f"goal {k!r} is not known; goals: {', '.join(GOALS)}", code="framing_goal")
            n = _number(f"goals.{k}", v, whole=True)
            if n is None:
                goals.pop(k, None)
            else:
                goals[k] = n
        values["goals"] = goals
    new = replace(old, **values) if old is not None else Framing(**values)
    if new.period_to < new.period_from:
        raise InputError(f"the period ends ({new.period_to.isoformat()}) before it starts "
                         f"({new.period_from.isoformat()}); swap the dates", code="framing_date")
    if new.period_to - new.period_from > timedelta(days=MAX_PERIOD_DAYS):
        raise InputError(f"the period {new.period_from.isoformat()} – {new.period_to.isoformat()} is longer than "
                         f"{MAX_PERIOD_DAYS} days; frame a year or less at a time", code="framing_date")
    return new
