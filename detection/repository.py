"""The one repository every read and write of workspace data goes through.

A :class:`Repository` is opened for an acting user. Each method checks the access matrix
(:mod:`detection.access`) first and writes an audit entry, in the same transaction, for
every use of personal data; if the audit write fails the read fails with it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from detection.access import ANONYMOUS, ROLES, SEES_ADDRESSES, allowed
from detection.errors import Conflict, InputError, NotAllowed, UnknownUser, WorkspaceError
from detection.privacy import mask_count, mask_counts, mask_frame
from detection.store import engine as store_engine
from detection.store import maintenance
from detection.store import schema as t
from detection.visits import parse_outcome
from geo.crs import WORK_CRS

if TYPE_CHECKING:
    from geo.network import WalkingNetwork

_HASHER = PasswordHasher()
_CHUNK = 5_000


from detection.repo_core import (  # noqa: E402,F401 - re-exported
    COPENHAGEN,
    DEFAULT_SETTINGS,
    Actor,
    WorkspaceData,
    _cutoff,
    _insert_many,
    _now,
    _records,
    operation,
)
from detection.repo_imports import ImportOps  # noqa: E402
from detection.repo_partners import PartnerOps  # noqa: E402
from detection.repo_priorities import PriorityOps  # noqa: E402
from detection.repo_routes import RouteOps  # noqa: E402


class Repository(ImportOps, PriorityOps, RouteOps, PartnerOps):
    """Workspace store access for one acting user.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        From :func:`detection.store.engine.get_engine`.
    actor : Actor
        The acting user; see :meth:`open`.
    """

    def __init__(self, engine: Engine, actor: Actor) -> None:
        self.engine = engine
        self.actor = actor

    # ------------------------------------------------------------------ opening

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
                                                        created_at=_now()))
                    row = {"name": "admin", "role": "administrator", "disabled": False}
        if row is None:
            raise UnknownUser(f"user {name!r} does not exist in this workspace; "
                              "an administrator can add it with `opspor users add`")
        if row["disabled"]:
            raise UnknownUser(f"user {name!r} is disabled")
        return cls(engine, Actor(row["name"], row["role"]))

    @classmethod
    def public(cls, engine: Engine) -> Repository:
        """Before sign-in: workspace name and synthetic flag only (role ``anonymous``)."""
        return cls(engine, Actor("anonymous", ANONYMOUS))

    def as_user(self, name: str) -> Repository:
        """The same store, acting as another existing user."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
        if row is None or row["disabled"]:
            raise UnknownUser(f"user {name!r} does not exist or is disabled")
        return Repository(self.engine, Actor(row["name"], row["role"]))

    # ------------------------------------------------------------------ helpers

    def _check(self, operation: str) -> None:
        if not allowed(self.actor.role, operation):
            raise NotAllowed(
                f"user {self.actor.name!r} (role {self.actor.role}) may not {operation}"
            )

    def _audit(self, conn: Connection, action: str, obj: str, purpose: str,
               entrance_ids: Iterable[str] = ()) -> None:
        """Append one audit entry (and the addresses it concerns) in ``conn``'s transaction.

        Called inside the transaction of the read or write it records: if the audit write
        fails, the read or write fails with it.
        """
        audit_id = conn.execute(insert(t.audit_log).values(
            at=_now(), user_name=self.actor.name, role=self.actor.role, action=action,
            object=obj, purpose=purpose).returning(t.audit_log.c.id)).scalar_one()
        subjects = sorted({e for e in entrance_ids if e})
        if subjects:
            _insert_many(conn, t.audit_subjects, [{"audit_id": audit_id, "entrance_id": e} for e in subjects])

    def _bump_version(self, conn: Connection) -> None:
        conn.execute(update(t.workspace).values(data_version=t.workspace.c.data_version + 1))

    # ------------------------------------------------------------------ workspace

    def has_workspace(self) -> bool:
        with store_engine.read_tx(self.engine) as conn:
            return conn.execute(select(func.count()).select_from(t.workspace)).scalar_one() > 0

    @operation("workspace.read")
    def workspace_info(self) -> dict:
        """Name, kommunekode, synthetic flag, data version and sources of the workspace."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.workspace)).mappings().first()
        if row is None:
            raise WorkspaceError("this database holds no workspace yet; run `opspor init` or `opspor demo`")
        info = dict(row)
        info.pop("boundary_wkb")
        info["sources"] = json.loads(info["sources"] or "[]")
        return info

    @operation("areas.read")
    def boundary(self) -> gpd.GeoDataFrame:
        """The municipality boundary (EPSG:25832); empty when unknown."""
        with store_engine.read_tx(self.engine) as conn:
            wkb = conn.execute(select(t.workspace.c.boundary_wkb)).scalar()
        geoms = [shapely.from_wkb(wkb)] if wkb else []
        return gpd.GeoDataFrame(geometry=geoms, crs=WORK_CRS)

    @operation("workspace.build")
    def replace_workspace(self, data: WorkspaceData, *, force: bool) -> str:
        """Store a whole workspace in one transaction, replacing what was there.

        Refuses a non-empty database unless ``force``. Returns the register batch id.
        """
        batch_id = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            exists = conn.execute(select(func.count()).select_from(t.workspace)).scalar_one() > 0
            if exists and not force:
                raise WorkspaceError(
                    "this database already holds a workspace; use --force to replace it "
                    "(everything in it, signals included, is deleted)")
            for table in (t.signals, t.register_problems, t.import_batches, t.partners,
                          t.bbr_units, t.buildings, t.units, t.entrances, t.network_edges,
                          t.network_nodes, t.areas, t.area_layers, t.workspace):
                conn.execute(delete(table))
            conn.execute(insert(t.workspace).values(
                id=1, name=data.name, kommunekode=data.kommunekode, synthetic=data.synthetic,
                created_at=_now(),
                boundary_wkb=shapely.to_wkb(data.boundary) if data.boundary is not None else None,
                sources=json.dumps(data.sources, ensure_ascii=False), data_version=1))
            conn.execute(insert(t.import_batches).values(
                batch_id=batch_id, kind="register", file_name=", ".join(
                    s.get("file", "") for s in data.sources),
                created_at=_now(), created_by=self.actor.name,
                rows=len(data.entrances) + int((~data.problems["kept"].astype(bool)).sum())
                if len(data.problems) else len(data.entrances),
                imported=len(data.entrances),
                rejected=int((~data.problems["kept"].astype(bool)).sum()) if len(data.problems) else 0))
            if data.network is not None:
                _insert_many(conn, t.network_nodes, _records(data.network.nodes[["node_id", "x", "y"]]))
                _insert_many(conn, t.network_edges, _records(
                    data.network.edges[["u", "v", "length_m", "highway", "geometry_wkb"]]))
            _insert_many(conn, t.entrances, _records(data.entrances))
            _insert_many(conn, t.units, _records(data.units))
            _insert_many(conn, t.buildings, _records(data.buildings))
            _insert_many(conn, t.bbr_units, _records(data.bbr_units))
            for layer, gdf in data.area_layers.items():
                conn.execute(insert(t.area_layers).values(layer=layer, source=str(gdf.attrs.get("source", ""))))
                _insert_many(conn, t.areas, [
                    {"layer": layer, "area_id": a, "name": n, "geometry_wkb": shapely.to_wkb(g)}
                    for a, n, g in zip(gdf["area_id"], gdf["name"], gdf.geometry, strict=True)])
            if len(data.problems):
                probs = data.problems.assign(batch_id=batch_id)
                _insert_many(conn, t.register_problems, _records(probs[[
                    "batch_id", "file", "row", "field", "value", "reason", "message", "kept"]]))
            if data.partners is not None and len(data.partners):
                _insert_many(conn, t.partners, _records(data.partners))
            if data.signals is not None and len(data.signals):
                _insert_many(conn, t.signals, _records(data.signals.assign(created_at=_now())))
                self._audit(conn, "signals.create", f"{len(data.signals)} signals (demo generator)",
                            "build demo workspace")
            self._audit(conn, "workspace.build", data.name, "build workspace")
        return batch_id

    # ------------------------------------------------------------------ register

    @operation("summary.read")
    def summary(self) -> dict:
        """Counts of the workspace (conventions: ``summary --json``)."""
        info = self.workspace_info()
        with store_engine.read_tx(self.engine) as conn:
            def count(table) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()

            layers = dict(conn.execute(
                select(t.areas.c.layer, func.count()).group_by(t.areas.c.layer)).all())
            for name in conn.execute(select(t.area_layers.c.layer)).scalars():
                layers.setdefault(name, 0)
            n_entr = count(t.entrances)
            entr_with_units = conn.execute(
                select(func.count(func.distinct(t.units.c.entrance_id)))).scalar_one()
            n_units = count(t.units)
            by_kind = dict(conn.execute(
                select(t.signals.c.kind, func.count()).group_by(t.signals.c.kind)).all())
            problems = dict(conn.execute(
                select(t.register_problems.c.reason, func.count())
                .group_by(t.register_problems.c.reason)).all())
            snapped = conn.execute(select(func.count()).select_from(t.entrances)
                                   .where(t.entrances.c.node_id.is_not(None))).scalar_one()
            out = {
                "name": info["name"],
                "kommunekode": info["kommunekode"],
                "synthetic": bool(info["synthetic"]),
                "entrances": n_entr,
                "units": n_units,
                "dwellings": n_units + (n_entr - entr_with_units),
                "buildings": count(t.buildings),
                "areas": layers,
                "grid_layers": ["grid100", "grid250", "grid1km"],
                "network_nodes": count(t.network_nodes),
                "network_edges": count(t.network_edges),
                "entrances_snapped": snapped,
                "signals": sum(by_kind.values()),
                "signals_by_kind": by_kind,
                "partners": count(t.partners),
                "register_problems": problems,
            }
        if self.actor.role not in SEES_ADDRESSES:
            out["signals"] = mask_count(out["signals"])
            out["signals_by_kind"] = mask_counts(out["signals_by_kind"])
        return out

    @operation("register.read")
    def entrances(self) -> pd.DataFrame:
        """The entrance register (public address data, no signals)."""
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.entrances).order_by(t.entrances.c.entrance_id), conn)

    @operation("register.read")
    def units(self) -> pd.DataFrame:
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.units).order_by(t.units.c.unit_id), conn)

    @operation("problems.read")
    def register_problems(self) -> pd.DataFrame:
        """Rows of the register files that were skipped or remarked on at build time."""
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.register_problems).order_by(t.register_problems.c.id), conn)

    @operation("areas.read")
    def area_layer_names(self) -> list[str]:
        with store_engine.read_tx(self.engine) as conn:
            return list(conn.execute(select(t.area_layers.c.layer).order_by(t.area_layers.c.layer)).scalars())

    @operation("areas.read")
    def areas(self, layer: str) -> gpd.GeoDataFrame:
        """Polygons of one stored area layer (EPSG:25832)."""
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(t.areas).where(t.areas.c.layer == layer)
                                .order_by(t.areas.c.area_id)).mappings().all()
        if not rows:
            known = ", ".join(self.area_layer_names()) or "none"
            raise InputError(f"area layer {layer!r} does not exist; stored layers: {known}")
        return gpd.GeoDataFrame(
            {"area_id": [r["area_id"] for r in rows], "name": [r["name"] for r in rows]},
            geometry=[shapely.from_wkb(r["geometry_wkb"]) for r in rows], crs=WORK_CRS)

    @operation("network.read")
    def network(self) -> WalkingNetwork | None:
        """The stored walking network, or ``None`` when the workspace has none."""
        from geo.network import WalkingNetwork

        with store_engine.read_tx(self.engine) as conn:
            nodes = pd.read_sql(select(t.network_nodes).order_by(t.network_nodes.c.node_id), conn)
            if nodes.empty:
                return None
            edges = pd.read_sql(select(t.network_edges), conn)
        return WalkingNetwork.from_frames(nodes, edges)

    # ------------------------------------------------------------------ signals

    @operation("signals.read")
    def signals(self, *, purpose: str) -> pd.DataFrame:
        """Signals at their entrances (personal data: audited with ``purpose``).

        Columns: ``signal_id, kind, received, entrance_id, unit_id, source, credibility,
        match_quality, synthetic, assessment, x, y``. Notes are not included.
        """
        if not purpose.strip():
            raise InputError("a purpose is required to read signals (it goes to the audit log)")
        s, e = t.signals, t.entrances
        q = (select(s.c.signal_id, s.c.kind, s.c.received, s.c.entrance_id, s.c.unit_id,
                    s.c.source, s.c.credibility, s.c.match_quality, s.c.synthetic,
                    s.c.assessment, e.c.x, e.c.y)
             .join(e, e.c.entrance_id == s.c.entrance_id).order_by(s.c.signal_id))
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(q, conn)
            self._audit(conn, "signals.read", f"{len(df)} signals", purpose, df["entrance_id"])
        return df

    @operation("signals.read")
    def log_view(self, *, entrance_ids: Iterable[str], what: str, purpose: str) -> None:
        """Record that signals at ``entrance_ids`` were shown again (e.g. a cached map)."""
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, "signals.view", what, purpose, entrance_ids)

    @operation("signals.aggregate")
    def signal_counts(self, *, by: Iterable[str] = ("kind",)) -> pd.DataFrame:
        """Signal counts grouped by signal columns (no address).

        For roles that may not see addresses, counts 1–4 are ``"<5"``.
        """
        cols = [getattr(t.signals.c, b) for b in by]
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(*cols, func.count().label("signals")).group_by(*cols)).all()
        df = pd.DataFrame(rows, columns=[*by, "signals"])
        return df if self.actor.role in SEES_ADDRESSES else mask_frame(df, ["signals"])

    # ------------------------------------------------------------------ users

    @operation("users.manage")
    def add_user(self, name: str, *, role: str, password: str | None, email: str | None = None) -> None:
        """Create a local user with an argon2 password hash."""
        if role not in ROLES:
            raise InputError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
        if not name or len(name) > 100 or not name.replace("-", "").replace("_", "").replace(".", "").replace("@", "").isalnum():
            raise InputError(f"user name {name!r} must be 1–100 letters, digits, '.', '-', '_' or '@'")
        with store_engine.write_tx(self.engine) as conn:
            if conn.execute(select(t.users.c.name).where(t.users.c.name == name)).first():
                raise InputError(f"user {name!r} exists already; use `users set-role` to change it")
            if email and conn.execute(select(t.users.c.name).where(t.users.c.email == email.strip().lower())).first():
                raise InputError(f"e-mail {email!r} belongs to another user already")
            conn.execute(insert(t.users).values(
                name=name, role=role, disabled=False, created_at=_now(),
                email=email.strip().lower() if email else None,
                password_hash=_HASHER.hash(password) if password else None))
            self._audit(conn, "users.add", name, f"add user with role {role}")

    @operation("users.manage")
    def upsert_user(self, name: str, *, role: str, password: str | None) -> None:
        """Create ``name`` or reset its role and password (administrator; used by ``demo``)."""
        if role not in ROLES:
            raise InputError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
        with store_engine.write_tx(self.engine) as conn:
            values = {"role": role, "disabled": False,
                      "password_hash": _HASHER.hash(password) if password else None}
            n = conn.execute(update(t.users).where(t.users.c.name == name).values(**values)).rowcount
            if n == 0:
                conn.execute(insert(t.users).values(name=name, created_at=_now(), **values))
            self._audit(conn, "users.upsert", name, f"user set with role {role}")

    @operation("users.read")
    def list_users(self) -> list[dict]:
        with store_engine.read_tx(self.engine) as conn:
            rows = conn.execute(select(t.users.c.name, t.users.c.role, t.users.c.disabled,
                                       t.users.c.created_at).order_by(t.users.c.name)).mappings().all()
        return [{**dict(r), "created_at": r["created_at"].isoformat()} for r in rows]

    @operation("users.manage")
    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise InputError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.users).where(t.users.c.name == name).values(role=role)).rowcount
            if n == 0:
                raise InputError(f"user {name!r} does not exist")
            self._audit(conn, "users.set_role", name, f"role set to {role}")

    @operation("users.manage")
    def disable_user(self, name: str) -> None:
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.users).where(t.users.c.name == name).values(disabled=True)).rowcount
            if n == 0:
                raise InputError(f"user {name!r} does not exist")
            self._audit(conn, "users.disable", name, "disable user")

    def user_for_email(self, email: str) -> Actor | None:
        """The enabled local user an OpenID Connect identity (e-mail) maps to, if any."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.email == (email or "").strip().lower())).mappings().first()
        if row is None or row["disabled"]:
            return None
        return Actor(row["name"], row["role"])

    def verify_password(self, name: str, password: str) -> Actor | None:
        """The user's Actor when ``password`` is right, else ``None`` (never says which part was wrong)."""
        with store_engine.read_tx(self.engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
        if row is None or row["disabled"] or not row["password_hash"]:
            return None
        try:
            _HASHER.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return Actor(row["name"], row["role"])

    # ------------------------------------------------------------------ settings

    def _settings(self) -> dict[str, int]:
        """Settings without an access check (for checked methods that need a default)."""
        with store_engine.read_tx(self.engine) as conn:
            stored = dict(conn.execute(select(t.settings.c.key, t.settings.c.value)).all())
        return {k: int(stored.get(k, v)) for k, v in DEFAULT_SETTINGS.items()}

    @operation("settings.read")
    def settings(self) -> dict[str, int]:
        """Workspace settings (retention periods in days, partner lapse in months), defaults filled in."""
        return self._settings()

    @operation("settings.write")
    def set_setting(self, key: str, value: int) -> None:
        if key not in DEFAULT_SETTINGS:
            raise InputError(f"setting {key!r} is not known; settings: {', '.join(DEFAULT_SETTINGS)}")
        if int(value) < 1:
            unit = "month" if key.endswith("_months") else "day"
            raise InputError(f"setting {key!r} must be at least 1 {unit}. Got {value!r} instead.")
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.settings).where(t.settings.c.key == key).values(value=str(int(value)))).rowcount
            if n == 0:
                conn.execute(insert(t.settings).values(key=key, value=str(int(value))))
            self._audit(conn, "settings.write", f"{key}={int(value)}", "change workspace settings")

    # ------------------------------------------------------------------ assignments

    @operation("assignments.write")
    def assign_entrance(self, entrance_id: str, team: Sequence[str], *, expected_version: int) -> int:
        """Assign an entrance to a team (usually a pair of field workers).

        ``expected_version`` is the version the team lead saw (0 when unassigned). When
        someone else changed the assignment since, :class:`Conflict` is raised and nothing is
        changed: of two leads assigning one entrance at once exactly one wins. Returns the
        new version.
        """
        expected_version = int(expected_version)
        members = [m.strip() for m in team if m.strip()]
        if not members:
            raise InputError("a team needs at least one member")
        with store_engine.write_tx(self.engine) as conn:
            known = dict(conn.execute(select(t.users.c.name, t.users.c.role)
                                      .where(t.users.c.name.in_(members))).all())
            bad = [m for m in members if known.get(m) not in ("field_worker", "team_lead")]
            if bad:
                raise InputError(f"team member(s) {', '.join(map(repr, bad))} are not field workers or team leads")
            if conn.execute(select(t.entrances.c.entrance_id)
                            .where(t.entrances.c.entrance_id == entrance_id)).first() is None:
                raise InputError(f"entrance {entrance_id!r} is not in the register")
            values = {"team": ",".join(members), "assigned_by": self.actor.name, "assigned_at": _now(),
                      "version": expected_version + 1}
            if expected_version == 0:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(t.assignments).values(entrance_id=entrance_id, **values))
                except IntegrityError:
                    raise Conflict(f"entrance {entrance_id} was assigned by someone else just now; "
                                   "reload and try again") from None
            else:
                n = conn.execute(update(t.assignments).where(
                    t.assignments.c.entrance_id == entrance_id,
                    t.assignments.c.version == expected_version).values(**values)).rowcount
                if n == 0:
                    raise Conflict(f"entrance {entrance_id} was changed by someone else since version "
                                   f"{expected_version}; reload and try again")
            self._audit(conn, "assignments.write", f"{entrance_id} → {values['team']}",
                        "assign entrance to a team", [entrance_id])
        return expected_version + 1

    @operation("assignments.read")
    def assignments(self) -> pd.DataFrame:
        """All assignments (team leads)."""
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(select(t.assignments).order_by(t.assignments.c.entrance_id), conn)
            self._audit(conn, "assignments.read", f"{len(df)} assignments", "review assignments",
                        df["entrance_id"])
        return df

    @operation("assignments.read_own")
    def my_assignments(self) -> pd.DataFrame:
        """The acting field worker's own assigned entrances with their address (nothing else)."""
        a, e = t.assignments, t.entrances
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(
                select(a.c.entrance_id, a.c.team, a.c.version, e.c.street, e.c.house_number,
                       e.c.postcode, e.c.city, e.c.x, e.c.y)
                .join(e, e.c.entrance_id == a.c.entrance_id).order_by(a.c.entrance_id), conn)
            mine = [self.actor.name in (team or "").split(",") for team in df["team"]]
            df = df[pd.Series(mine, index=df.index, dtype=bool)]
            self._audit(conn, "assignments.read_own", f"{len(df)} entrances", "walk my route",
                        df["entrance_id"])
        return df.reset_index(drop=True)

    def _require_on_team(self, conn: Connection, entrance_id: str) -> None:
        if self.actor.role != "field_worker":
            return
        team = conn.execute(select(t.assignments.c.team)
                            .where(t.assignments.c.entrance_id == entrance_id)).scalar()
        if team is None or self.actor.name not in team.split(","):
            raise NotAllowed(f"user {self.actor.name!r} is not assigned to entrance {entrance_id}")

    # ------------------------------------------------------------------ outcomes

    @operation("outcomes.write")
    def record_outcome(self, entrance_id: str, outcome: str, *, visited_at: datetime,
                       unit_id: str | None = None, note: str = "") -> str:
        """Record what happened at a door; a field worker only at their own entrances."""
        code = parse_outcome(outcome)
        if len(note) > 2000:
            raise InputError("note is longer than 2,000 characters")
        oid = str(uuid.uuid4())
        with store_engine.write_tx(self.engine) as conn:
            self._require_on_team(conn, entrance_id)
            conn.execute(insert(t.outcomes).values(
                outcome_id=oid, entrance_id=entrance_id, unit_id=unit_id, outcome=code,
                visited_at=visited_at, recorded_by=self.actor.name, recorded_at=_now(), note=note))
            self._audit(conn, "outcomes.write", f"{entrance_id}: {code}", "record door outcome",
                        [entrance_id])
        return oid

    @operation("outcomes.read")
    def outcomes(self, entrance_id: str | None = None) -> pd.DataFrame:
        """Outcomes (all for a team lead; a field worker only at their own entrances)."""
        q = select(t.outcomes).order_by(t.outcomes.c.visited_at, t.outcomes.c.outcome_id)
        if entrance_id is not None:
            q = q.where(t.outcomes.c.entrance_id == entrance_id)
        with store_engine.write_tx(self.engine) as conn:
            if entrance_id is not None:
                self._require_on_team(conn, entrance_id)
            df = pd.read_sql(q, conn)
            if self.actor.role == "field_worker" and entrance_id is None:
                mine = conn.execute(select(t.assignments.c.entrance_id, t.assignments.c.team)).all()
                own = {e for e, team in mine if team and self.actor.name in team.split(",")}
                df = df[df["entrance_id"].isin(own)]
            self._audit(conn, "outcomes.read", entrance_id or f"{len(df)} outcomes",
                        "review door outcomes", df["entrance_id"])
        return df.reset_index(drop=True)

    # ------------------------------------------------------------------ retention

    @operation("retention.purge")
    def purge(self, *, as_of: date, dry_run: bool = False) -> dict[str, int]:
        """Delete for real what is past its retention period; counts per table.

        - signals older than ``retention_signals_days`` with no follow-up (not assessed as
          in the target group, and no door outcome at their entrance since they came in),
        - outcomes older than ``retention_outcomes_days``,
        - rejected import rows older than ``retention_rejected_days``,
        - audit entries older than ``retention_audit_days``.

        Then the freed pages are really removed from disk (SQLite ``VACUUM`` and a WAL
        checkpoint; PostgreSQL ``VACUUM FULL`` of the tables touched). The purge itself is
        logged.
        """
        cfg = self.settings()
        cut = {k: _cutoff(as_of, cfg[f"retention_{k}_days"])
               for k in ("signals", "outcomes", "rejected", "audit")}
        s, o = t.signals, t.outcomes
        followed = select(o.c.outcome_id).where(o.c.entrance_id == s.c.entrance_id,
                                                 o.c.visited_at >= s.c.received)
        old_signals = (s.c.received < cut["signals"].date()) & (s.c.assessment != "in_target_group") & ~followed.exists()
        counts: dict[str, int] = {}
        with store_engine.write_tx(self.engine) as conn:
            counts["signals"] = conn.execute(select(func.count()).where(old_signals)).scalar_one()
            counts["outcomes"] = conn.execute(select(func.count()).select_from(o)
                                              .where(o.c.visited_at < cut["outcomes"])).scalar_one()
            counts["rejected_rows"] = conn.execute(
                select(func.count()).select_from(t.rejected_rows)
                .where(t.rejected_rows.c.created_at < cut["rejected"])).scalar_one()
            counts["audit_log"] = conn.execute(select(func.count()).select_from(t.audit_log)
                                               .where(t.audit_log.c.at < cut["audit"])).scalar_one()
            if not dry_run:
                conn.execute(delete(s).where(old_signals))
                conn.execute(delete(o).where(o.c.visited_at < cut["outcomes"]))
                conn.execute(delete(t.rejected_rows).where(t.rejected_rows.c.created_at < cut["rejected"]))
                maintenance.purge_audit_before(conn, cut["audit"])
                self._bump_version(conn)
            self._audit(conn, "retention.purge" + (".dry_run" if dry_run else ""),
                        json.dumps(counts), "retention purge")
        if not dry_run:
            maintenance.compact(self.engine, tables=["signals", "outcomes", "rejected_rows",
                                                      "audit_log", "audit_subjects"])
        return counts

    # ------------------------------------------------------------------ audit

    @operation("audit.read")
    def audit_list(self, *, since: datetime | None = None, user: str | None = None,
                   action: str | None = None, limit: int = 10_000) -> pd.DataFrame:
        """Audit entries, newest first, filtered by time, user and action (prefix)."""
        a = t.audit_log
        q = select(a).order_by(a.c.id.desc()).limit(limit)
        if since is not None:
            q = q.where(a.c.at >= since)
        if user:
            q = q.where(a.c.user_name == user)
        if action:
            q = q.where(a.c.action.startswith(action))
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(q, conn)

    @operation("audit.export")
    def audit_export_entrance(self, entrance_id: str) -> pd.DataFrame:
        """Every audit entry concerning one address, for an access request.

        Dates, actions, roles and purposes — without staff names (GDPR art. 15).
        """
        a, sj = t.audit_log, t.audit_subjects
        q = (select(a.c.at, a.c.role, a.c.action, a.c.purpose)
             .join(sj, sj.c.audit_id == a.c.id).where(sj.c.entrance_id == entrance_id)
             .order_by(a.c.at, a.c.id))
        with store_engine.write_tx(self.engine) as conn:
            df = pd.read_sql(q, conn)
            self._audit(conn, "audit.export", entrance_id, "access request (indsigt)", [entrance_id])
        return df

    @operation("audit.read")
    def audit_entries(self) -> pd.DataFrame:
        with store_engine.read_tx(self.engine) as conn:
            return pd.read_sql(select(t.audit_log).order_by(t.audit_log.c.id), conn)

