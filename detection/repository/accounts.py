"""Accounts: users, roles and sign-in (argon2 password hashes)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from detection import clock
from detection.access import ROLES
from detection.errors import InputError
from detection.repository.base import Actor, RepositoryBase, operation
from detection.store import engine as store_engine
from detection.store import schema as t

_HASHER = PasswordHasher()


class AccountOps(RepositoryBase):
    """Accounts: users, roles and sign-in (argon2 password hashes)."""

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
                name=name, role=role, disabled=False, created_at=clock.now_utc(),
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
                conn.execute(insert(t.users).values(name=name, created_at=clock.now_utc(), **values))
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
