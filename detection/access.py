"""Roles and the access matrix: which role may do which repository operation.

One table, checked by :class:`detection.repository.core.Repository` before every operation
(the UI and the CLI only hide what the repository would refuse anyway).
"""

from __future__ import annotations

from typing import Literal

Role = Literal["administrator", "planner", "team_lead", "field_worker", "analyst"]
ROLES: tuple[Role, ...] = ("administrator", "planner", "team_lead", "field_worker", "analyst")

ROLE_NAMES: dict[str, dict[str, str]] = {
    "administrator": {"da": "Administrator", "en": "Administrator"},
    "planner": {"da": "Planlægger", "en": "Planner"},
    "team_lead": {"da": "Teamleder", "en": "Team lead"},
    "field_worker": {"da": "Opsøgende medarbejder", "en": "Field worker"},
    "analyst": {"da": "Analytiker", "en": "Analyst"},
}

ALL: frozenset[str] = frozenset(ROLES)

ANONYMOUS = "anonymous"
"""The pseudo-role before sign-in: may read only what the sign-in page needs."""

#: operation → roles allowed. Operations that touch personal data are audited.
ACCESS: dict[str, frozenset[str]] = {
    "workspace.build": frozenset({"administrator"}),
    "workspace.backup": frozenset({"administrator"}),
    # the citizen's rights (GDPR art. 15–18): access, rectification, erasure, restriction
    "subject.export": frozenset({"administrator"}),
    "subject.correct": frozenset({"administrator", "planner"}),
    "subject.erase": frozenset({"administrator"}),
    "subject.restrict": frozenset({"administrator", "planner"}),
    "workspace.read": ALL | {ANONYMOUS},
    "summary.read": ALL,
    "register.read": ALL,
    "areas.read": ALL,
    "network.read": ALL,
    "signals.read": frozenset({"planner", "team_lead"}),
    "signals.aggregate": frozenset({"administrator", "planner", "team_lead", "analyst"}),
    "signals.write": frozenset({"planner"}),
    "problems.read": frozenset({"administrator", "planner"}),
    "users.manage": frozenset({"administrator"}),
    "users.read": frozenset({"administrator"}),
    "account.password": ALL,
    "audit.read": frozenset({"administrator"}),
    "audit.export": frozenset({"administrator"}),
    "retention.purge": frozenset({"administrator"}),
    "settings.read": ALL,
    "settings.write": frozenset({"administrator"}),
    # the municipality's closed days (issue 17): the team lead plans around them
    "calendar.write": frozenset({"administrator", "team_lead"}),
    # letters to doors where nobody opened (issue 17): phone, opening hours, the template
    "letters.write": frozenset({"planner", "team_lead"}),
    "assignments.read": frozenset({"team_lead"}),
    "assignments.write": frozenset({"team_lead"}),
    "assignments.read_own": frozenset({"field_worker"}),
    "outcomes.write": frozenset({"team_lead", "field_worker"}),
    "outcomes.read": frozenset({"team_lead", "field_worker"}),
    # import of partners' reports (issue 4)
    "signals.import": frozenset({"planner"}),
    "signals.assess": frozenset({"planner"}),
    "rejected.manage": frozenset({"planner"}),
    # priorities and focus areas (issue 5); analysts get suppressed aggregates only
    "priorities.read": frozenset({"planner", "team_lead", "analyst"}),
    "focus.read": frozenset({"planner", "team_lead", "analyst"}),
    "focus.write": frozenset({"planner"}),
    # door-to-door route plans (issue 6)
    "routes.plan": frozenset({"team_lead"}),
    "routes.read": frozenset({"team_lead"}),
    "routes.read_own": frozenset({"field_worker"}),
    "outcomes.import": frozenset({"team_lead"}),
    # pair safety (issue 17): a member of the route's pair checks in and out (the repository
    # refuses anyone not on the route); the team lead sees the pairs not checked out in time
    "routes.check": frozenset({"field_worker", "team_lead"}),
    "routes.overdue": frozenset({"team_lead"}),
    # partners, contact log, coverage (issue 7); analysts get suppressed aggregates only
    "partners.read": frozenset({"planner", "team_lead"}),
    "partners.write": frozenset({"planner"}),
    "coverage.read": frozenset({"planner", "team_lead", "analyst"}),
    # issue 15: one address's history (audited per address shown)
    "address.search": frozenset({"planner", "team_lead"}),
    # issue 16: the framing of the effort (rammesætning): everyone reads it (routes and
    # fidelity take their defaults from it); the planner and the team lead set it
    "framing.read": ALL,
    "framing.write": frozenset({"planner", "team_lead"}),
    # courses (forløb, phase 2): a field worker reads and writes their own (the repository
    # refuses another's), the team lead all; every read is audited per address
    "courses.read": frozenset({"team_lead", "field_worker"}),
    "courses.write": frozenset({"team_lead", "field_worker"}),
    # the method's figures: funnel by channel, fidelity, evaluation and the management
    # report; the analyst gets them under the disclosure policy (detection.privacy)
    "method.read": frozenset({"planner", "team_lead", "analyst"}),
    "economics.write": frozenset({"planner", "analyst"}),
}

#: roles that may see addresses; everyone else gets small-count-suppressed aggregates.
SEES_ADDRESSES: frozenset[str] = frozenset({"planner", "team_lead", "field_worker"})


def allowed(role: str, operation: str) -> bool:
    """True when ``role`` may perform ``operation``.

    >>> allowed("analyst", "signals.read"), allowed("planner", "signals.read")
    (False, True)
    """
    if operation not in ACCESS:
        raise KeyError(f"unknown operation {operation!r}; add it to detection.access.ACCESS")
    return role in ACCESS[operation]


#: app page → the operation a role needs to see it (one matrix for pages, too).
PAGES: dict[str, str] = {
    "map": "areas.read",
    "overview": "summary.read",
    "sources": "workspace.read",
    "framing": "framing.read",
    "my_routes": "assignments.read_own",
    "courses": "courses.read",
    "import": "signals.import",
    "assess": "signals.assess",
    "priorities": "priorities.read",
    "focus_areas": "focus.read",
    "routes": "routes.plan",
    "progress": "routes.read",
    "address": "address.search",
    "partners": "partners.read",
    "coverage": "coverage.read",
    "funnel": "method.read",
    "fidelity": "method.read",
    "evaluation": "method.read",
    "users": "users.manage",
    "audit": "audit.read",
    "retention": "retention.purge",
}


def pages_for(role: str) -> list[str]:
    """The app pages ``role`` may open, in menu order.

    >>> pages_for("field_worker")
    ['map', 'overview', 'sources', 'framing', 'my_routes', 'courses']
    """
    return [p for p, op in PAGES.items() if allowed(role, op)]


#: CLI command (sub-subcommands joined by a space) → the operation it needs. The same
#: matrix as the repository's: the command fails with exit code 3 for any other role.
CLI: dict[str, str] = {
    "init": "workspace.build",
    "demo": "workspace.build",
    "summary": "summary.read",
    "problems": "problems.read",
    "users add": "users.manage",
    "users list": "users.read",
    "users set-role": "users.manage",
    "users disable": "users.manage",
    "users passwd": "users.manage",
    "backup": "workspace.backup",
    "restore": "workspace.build",
    "subject export": "subject.export",
    "subject erase": "subject.erase",
    "subject restrict": "subject.restrict",
    "subject correct": "subject.correct",
    "users unlock": "users.manage",
    "audit list": "audit.read",
    "audit export": "audit.export",
    "purge": "retention.purge",
    "settings": "settings.read",
    "import-signals": "signals.import",
    "rejected": "rejected.manage",
    "assess": "signals.assess",
    "priorities": "priorities.read",
    "focus-areas": "focus.read",  # save/delete need focus.write
    "plan-routes": "routes.plan",
    "route-plans": "routes.read",
    "letters": "routes.read",
    "record-outcomes": "outcomes.import",
    "partners import": "partners.write",
    "partners add": "partners.write",
    "partners contact": "partners.write",
    "partners list": "partners.read",
    "partners contacts": "partners.read",
    "partners overdue": "partners.read",
    "partners feedback": "partners.read",
    "partners coverage": "coverage.read",
    "partners gaps": "coverage.read",
    "partners yield": "coverage.read",
    "framing show": "framing.read",
    "framing set": "framing.write",
    "courses start": "courses.write",
    "courses meeting": "courses.write",
    "courses stage": "courses.write",
    "courses list": "courses.read",
    "framing economics": "economics.write",
    "funnel": "method.read",
    "fidelity": "method.read",
    "evaluation": "method.read",
    "report": "method.read",
}
