"""The one repository every read and write of workspace data goes through.

A :class:`Repository` is opened for an acting user. Each method checks the access matrix
(:mod:`detection.access`) first and writes an audit entry, in the same transaction, for
every use of personal data; if the audit write fails the read fails with it.

One module per concept, each a subclass of :class:`~detection.repository.base.RepositoryBase`:

========================  =====================================================
:mod:`.workspace`         register, areas, boundary, walking network
:mod:`.accounts`          users, roles, sign-in
:mod:`.governance`        settings, retention purge, audit log
:mod:`.rights`            the citizen's rights: access, rectification, erasure, restriction
:mod:`.signals`           partners' reports: import, rejected rows, assessment
:mod:`.priorities`        area ranking, the planner's model, focus areas
:mod:`.routes`            route plans, assignments, door outcomes
:mod:`.partners`          partner registry, contacts, coverage, gaps, yield
:mod:`.progress`          the team lead's progress overview; one address's history
:mod:`.letters`           letters' settings: team phone, opening hours, template
:mod:`.courses`           framing of the effort; courses (phase 2): stages, meetings
:mod:`.method`            the method's figures: funnel, fidelity, evaluation
========================  =====================================================
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import make_url

from detection import clock
from detection.access import ANONYMOUS, SEES_ADDRESSES, allowed
from detection.errors import UnknownUser
from detection.privacy import publication_date
from detection.repository.accounts import AccountOps
from detection.repository.base import Actor, operation
from detection.repository.letters import LetterOps
from detection.repository.method import ReportOps
from detection.repository.partners import PartnerOps
from detection.repository.progress import ProgressOps
from detection.repository.rights import RightsOps
from detection.repository.routes import RouteOps
from detection.repository.signals import SignalOps
from detection.store import engine as store_engine
from detection.store import schema as t


class Repository(AccountOps, RightsOps, SignalOps, RouteOps, PartnerOps, ProgressOps, LetterOps, ReportOps):
    """Workspace store access for one acting user (see the module's table of concepts)."""

    @classmethod
    def open(cls, db_url: str, user: str | None, *, migrate: bool = True) -> Repository:
        """Open the database at ``db_url`` (a URL or a SQLite path) acting as ``user``.

        ``user`` defaults to ``admin``.

        The schema is migrated to the newest version first. An empty database gets the
        ``admin`` administrator, so a fresh embedded workspace can be initialised.
        """
        engine = store_engine.get_engine(store_engine.resolve_db_url(db_url))
        if migrate:
            store_engine.migrate(engine)
        name = user or "admin"
        with store_engine.write_tx(engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
            if row is None and name == "admin":
                n_users = conn.execute(select(func.count()).select_from(t.users)).scalar_one()
                if n_users == 0:
                    conn.execute(insert(t.users).values(name="admin", role="administrator",
                                                        password_hash=None, disabled=False,
                                                        created_at=clock.now_utc()))
                    row = {"name": "admin", "role": "administrator", "disabled": False}
        if row is None:
            raise UnknownUser(f"user {name!r} does not exist in this workspace; "
                              "an administrator can add it with `opspor users add`")
        if row["disabled"]:
            raise UnknownUser(f"user {name!r} is disabled")
        return cls(engine, Actor(row["name"], row["role"]))

    @staticmethod
    def database_url(db: str | None = None) -> str:
        """The database to use: ``db`` (a URL or a SQLite path) > ``OPSPOR_DB`` > the
        embedded default (README)."""
        return store_engine.resolve_db_url(db)

    @staticmethod
    def database_key(url: str) -> str:
        """The database's URL without its password: what may name it in a cache key or a log."""
        return make_url(url).render_as_string(hide_password=True)

    @classmethod
    def prepare(cls, url: str) -> None:
        """Migrate the database's schema to this version (once per process and database)."""
        store_engine.migrate(store_engine.get_engine(url))

    @classmethod
    def public_at(cls, url: str) -> Repository:
        """:meth:`public` for the database at ``url``."""
        return cls.public(store_engine.get_engine(url))

    @classmethod
    def public(cls, engine: Engine) -> Repository:
        """Before sign-in: workspace name and synthetic flag only (role ``anonymous``)."""
        return cls(engine, Actor("anonymous", ANONYMOUS))

    @operation("priorities.read")
    def prepare_analyses(self, *, as_of: date | None = None, pause: Callable[[], object] | None = None) -> list[str]:
        """Compute ahead, into this process's shared caches, what *Prioritering*,
        *Fokusområder* and *Dækning* first need at their default settings for this user's
        role (and the reports, door knocks and courses the method's pages read), and name the
        steps done.

        On a city the first visit to one of those pages waited 4–6 s for reading the whole
        register and every report, the ranking's preparation and the coverage analysis
        (issue 18). The app calls this in the background after sign-in (``ui/warmup.py``),
        while the user is on the landing page. It returns nothing of the data and writes no
        audit: the caches feed only the pages' reads, which apply the role's disclosure
        policy and audit as always. A page that asks for a value still being computed
        waits for it instead of computing it twice (:class:`~detection.repository.base.ProcessCache`).
        ``pause`` is called before each step (the app's: wait while a page runs).
        """
        day = as_of or clock.today()
        done: list[str] = []

        def step(name: str, fn: Callable[[], object]) -> None:
            if pause is not None:
                pause()
            fn()
            done.append(name)

        step("inputs", self._priority_inputs)
        names = self.area_layer_names()
        # the pages' first layers: Prioritering's "parishes" (else its 250 m grid), Dækning's
        # first stored layer (else its 1 km grid)
        layer = "parishes" if "parishes" in names else "grid250"
        step(f"ranking {layer}", lambda: self._prepared_ranking(
            layer, day if self.actor.role in SEES_ADDRESSES else publication_date(day)))
        if allowed(self.actor.role, "focus.read"):
            step("focus candidates", lambda: self.focus_candidates(as_of=day))
        if allowed(self.actor.role, "coverage.read"):
            cover = names[0] if names else "grid1km"
            step(f"coverage {cover}", lambda: self._analysis(cover, day, min(36, self._active_months(None))))
        if allowed(self.actor.role, "method.read"):  # the funnel, fidelity and evaluation's reads
            step("method inputs", self._method_inputs)
        return done

    def as_user(self, name: str) -> Repository:
        """The same store, acting as another existing user."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
        if row is None or row["disabled"]:
            raise UnknownUser(f"user {name!r} does not exist or is disabled")
        return Repository(self.engine, Actor(row["name"], row["role"]))


__all__ = ["Actor", "Repository"]
