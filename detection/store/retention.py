"""Retention: the one registry of how long each table's rows are kept (docs/privacy.md).

Every table of :data:`detection.store.schema.metadata` is in :data:`RETENTION`, as one of

- :class:`Rule` — personal data, deleted for real by ``opspor purge`` once past the period
  in the workspace setting ``setting`` (days; defaults in
  :data:`detection.repository.base.DEFAULT_SETTINGS`);
- :class:`Kept` — personal data kept with no time limit, because something else ends it
  (e.g. a restriction lasts until it is lifted); the reason says what;
- :class:`NoPersonalData` — nothing about a citizen or a member of staff in it; the reason
  says why.

``tests/detection/test_purge_lifecycle.py`` fails on a table that is not in the registry,
and checks each rule by inserting an old and a new row. :data:`COMPACTED` are the tables
the purge deletes from (directly or by ``ON DELETE CASCADE``); their files are rewritten
after a purge (SQLite ``VACUUM``; PostgreSQL ``opspor_compact``, migration 0014, replaced
by 0015 and 0016, whose whitelist must hold every name in it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """Deleted by the purge once older than the setting's number of days."""

    setting: str
    rule: str


@dataclass(frozen=True)
class Kept:
    """Personal data with no time limit; ``reason``: why, and what ends it."""

    reason: str


@dataclass(frozen=True)
class NoPersonalData:
    """No personal data; ``reason``: why."""

    reason: str


#: The audit log is never kept shorter than this, whatever the setting says: six months,
#: the period the Danish security order for public registers (bek. nr. 528 af 15/06/2000,
#: § 19) set for access logs. Enforced by ``set_setting``, by the purge and, on PostgreSQL,
#: inside ``opspor_purge_audit()`` (so not even the app role can shorten it).
MIN_AUDIT_DAYS = 183

_PUBLIC_REGISTER = "public address and building register (DAR/BBR/OSM), no one's personal data"

RETENTION: dict[str, Rule | Kept | NoPersonalData] = {
    # --- reports and what follows them
    "signals": Rule("retention_signals_days",
                    "reports received before the period, not in the target group and with no "
                    "door outcome at their entrance since they came in"),
    "outcomes": Rule("retention_outcomes_days", "door outcomes visited before the period"),
    "door_decisions": Rule("retention_outcomes_days",
                           "a lead's decision on an unsafe door (and its note), decided before the "
                           "period (the outcome it answers expires first)"),
    "rejected_rows": Rule("retention_rejected_days", "rejected import rows created before the period"),
    "import_batches": Rule("retention_imports_days",
                           "import batches (file name, hash, who imported) created before the period; "
                           "their rejected rows and register problems go with them, their signals stay"),
    "register_problems": Rule("retention_imports_days",
                              "go with the import batch (workspace build) they belong to"),
    # --- planning and field work
    "route_plans": Rule("retention_plans_days", "route plans created before the period, with their routes"),
    "routes": Rule("retention_plans_days", "go with their route plan"),
    "route_stops": Rule("retention_plans_days",
                        "go with their route (which entrances were planned, i.e. were reported)"),
    "route_checks": Rule("retention_plans_days",
                         "a pair's check-in and check-out of a route (who, when), go with their route"),
    "assignments": Rule("retention_plans_days", "entrances assigned to a team before the period"),
    "focus_areas": Rule("retention_plans_days", "saved focus areas created before the period"),
    # --- phase 2: courses (issue 16)
    "courses": Rule("retention_courses_days",
                    "courses handed over or closed before the period (stage, dates, handover target; "
                    "no name, no CPR, no narrative); open courses stay while they are followed"),
    "course_meetings": Rule("retention_courses_days", "a course's meetings (date, kind, minutes), go with "
                            "their course"),
    "framings": Kept("each period's framing (target group in words, team, goals, cost inputs) and who "
                     "changed it last: the effort's own record, no citizen data; replaced when the "
                     "period is framed again"),
    # --- partners
    "partner_contacts": Rule("retention_contacts_days",
                             "contact-log entries (who, summary) dated before the period"),
    "partners": Kept("an organisation and its business contact, kept while it is a partner; an "
                     "administrator edits or removes it (no citizen data)"),
    "partner_coverage": NoPersonalData("which areas and buildings an organisation covers"),
    # --- accounts, access, the audit trail
    "audit_log": Rule("retention_audit_days",
                      f"audit entries older than the period (never less than {MIN_AUDIT_DAYS} days)"),
    "audit_subjects": Rule("retention_audit_days", "go with their audit entry"),
    "audit_subject_sets": Rule("retention_audit_days",
                               "go with their audit entry (the addresses one view showed, as one "
                               "compressed set of numbers)"),
    "audit_entrance_numbers": NoPersonalData(
        "a number for each DAR entrance id (public register ids) that an audit set has named, "
        "with no time, user or purpose; never changed, reused or deleted, so the sets that "
        "remain keep their meaning"),
    "sign_in_failures": Rule("retention_audit_days",
                             "failed sign-ins of an unlocked name or client, last failed before the period"),
    "users": Rule("retention_audit_days",
                  "disabled accounts with no audit entry within the period; active accounts stay"),
    "restrictions": Kept("a restriction of processing (GDPR art. 18) holds until it is lifted; "
                         "deleting it by date would start processing again"),
    "priority_model": Kept("the planner's saved weights and who saved them last, overwritten on save"),
    "settings": NoPersonalData("workspace settings (periods, limits)"),
    # --- the register
    "workspace": NoPersonalData("the workspace's name, municipality code, boundary and source files"),
    "entrances": NoPersonalData(_PUBLIC_REGISTER),
    "units": NoPersonalData(_PUBLIC_REGISTER),
    "buildings": NoPersonalData(_PUBLIC_REGISTER),
    "bbr_units": NoPersonalData(_PUBLIC_REGISTER),
    "area_layers": NoPersonalData("planning-area layers (parishes, districts)"),
    "areas": NoPersonalData("planning-area polygons"),
    "network_nodes": NoPersonalData("the walking network (OSM/GeoDanmark)"),
    "network_edges": NoPersonalData("the walking network (OSM/GeoDanmark)"),
}

#: Tables the purge deletes from, in the order their counts are reported.
PURGED: tuple[str, ...] = tuple(name for name, r in RETENTION.items() if isinstance(r, Rule))

#: Tables whose files a purge rewrites: every purged table.
COMPACTED: tuple[str, ...] = PURGED


def settings_used() -> set[str]:
    """Every setting a rule names (each must be in ``DEFAULT_SETTINGS``)."""
    return {r.setting for r in RETENTION.values() if isinstance(r, Rule)}
