"""Accounts: users, roles and sign-in (argon2 password hashes).

Sign-in follows NIST SP 800-63B and OWASP ASVS 5.0 level 2:

- passwords of at least 12 characters, not on the shipped list of common passwords
  (:mod:`detection.passwords`);
- after :data:`BACKOFF_FROM` consecutive failures for one name, each further attempt waits
  twice as long as the one before (up to :data:`BACKOFF_MAX_S`); after the workspace's
  ``sign_in_lockout_failures`` (10) the account is locked until an administrator unlocks it;
  one client address that fails :data:`CLIENT_LIMIT` times within :data:`CLIENT_WINDOW_S`
  waits too;
- an unknown name is treated exactly like a known one: its failures are counted, and its
  password is checked against a dummy hash, so neither the answer nor the time tells which
  names exist;
- every sign-in, failure, refusal, lockout, unlock, sign-out, password change and role
  change is in the audit log;
- the demo's published passwords (:data:`detection.register.demo.PUBLISHED_PASSWORDS`) sign
  in only while the workspace is the demo: a real workspace refuses them at sign-in, even
  if one is somehow stored (and removes it), and no user may be given one
  (docs/privacy.md, "The demo and a real workspace").
"""

from __future__ import annotations

import functools
from datetime import UTC

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select, update

from detection import clock
from detection.access import ROLES
from detection.cpr import scrub
from detection.errors import InputError, NotAllowed
from detection.passwords import check_password
from detection.register.demo import DEMO_USERS, is_published_password
from detection.repository.base import Actor, RepositoryBase, operation
from detection.store import engine as store_engine
from detection.store import schema as t

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for names that do not exist (the same work as for a known
    name). Made on the first sign-in, not at import: an Argon2 hash takes ~0.2 s, which every
    CLI command paid before it did anything (issue 18)."""
    return _HASHER.hash("not a password: the same work for names that do not exist")


BACKOFF_FROM = 3
BACKOFF_MAX_S = 300
CLIENT_LIMIT = 30
CLIENT_WINDOW_S = 900
UNKNOWN = Actor("(unknown name)", "anonymous")


class SignInRefused(NotAllowed):
    """Too many failed sign-ins: wait (``wait_s``) or, when ``locked``, ask an administrator."""

    code = "sign_in_refused"

    def __init__(self, message: str, *, wait_s: int = 0, locked: bool = False) -> None:
        super().__init__(message)
        self.wait_s = wait_s
        self.locked = locked


class DemoPasswordRefused(SignInRefused):
    """A published demo password, offered to a real workspace: never accepted there."""

    code = "demo_password"


PUBLISHED_PASSWORD_MESSAGE = (
    "this password is published for the demo (README) and signs in to the demo only; this is a "
    "real workspace. An administrator sets a new password with `opspor users passwd NAME`")


def _refuse_published(password: str | None) -> None:
    if is_published_password(password):
        raise InputError("this password is published for the demo (README); choose another")


def _verifies(password_hash: str | None, password: str) -> bool:
    try:
        return bool(password_hash) and _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def workspace_is_synthetic(conn: Connection) -> bool:
    """Whether the stored workspace is the demo (no workspace: not the demo)."""
    return bool(conn.execute(select(t.workspace.c.synthetic)).scalar() or False)


def retire_demo_accounts(conn: Connection, *, demo_era: bool) -> list[str]:
    """Make the accounts of a workspace that is (now) real hold nothing of the demo, in
    ``conn``'s transaction; the names removed or reset, sorted.

    ``demo_era``: the workspace was the demo until now. Every account then was made, or
    could be changed, without signing in (the demo opens signed in, with the administrator's
    role one click away), so every user but ``admin`` is removed, and ``admin`` keeps its
    name and role but no password and no e-mail: it signs in again only after ``opspor users
    passwd admin``. A real workspace starts with the users its administrator creates.

    Otherwise (a real workspace replaced by another), a user that still holds its own
    published demo password is removed (``admin``: only its password). The check costs one
    password hash per demo user name present, not one per user; a published password held
    under another name is refused at sign-in (:meth:`AccountOps.sign_in`).
    """
    u = t.users
    if demo_era:
        gone = list(conn.execute(select(u.c.name).where(u.c.name != "admin")).scalars())
        reset_admin = True
    else:
        published = {n: pw for n, _, pw in DEMO_USERS}
        held = [n for n, h in conn.execute(select(u.c.name, u.c.password_hash)
                                           .where(u.c.name.in_(sorted(published)))).all()
                if _verifies(h, published[n])]
        gone = [n for n in held if n != "admin"]
        reset_admin = "admin" in held
    if gone:
        conn.execute(delete(u).where(u.c.name.in_(gone)))
        conn.execute(delete(t.sign_in_failures).where(
            t.sign_in_failures.c.subject.in_([f"user:{n.casefold()}" for n in gone])))
    if reset_admin:
        values = {"role": "administrator", "password_hash": None, "email": None, "disabled": False}
        if not conn.execute(update(u).where(u.c.name == "admin").values(**values)).rowcount:
            conn.execute(insert(u).values(name="admin", created_at=clock.now_utc(), **values))
        conn.execute(delete(t.sign_in_failures).where(t.sign_in_failures.c.subject == "user:admin"))
    return sorted([*gone, *(["admin"] if reset_admin else [])])


def _backoff_s(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures (0 before :data:`BACKOFF_FROM`)."""
    if failures < BACKOFF_FROM:
        return 0
    return min(2 ** (failures - BACKOFF_FROM), BACKOFF_MAX_S)


class AccountOps(RepositoryBase):
    """Accounts: users, roles and sign-in (argon2 password hashes)."""

    @operation("users.manage")
    def add_user(self, name: str, *, role: str, password: str | None, email: str | None = None) -> None:
        """Create a local user with an argon2 password hash."""
        if role not in ROLES:
            raise InputError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
        if not name or len(name) > 100 or not name.replace("-", "").replace("_", "").replace(".", "").replace("@", "").isalnum():
            raise InputError(f"user name {name!r} must be 1–100 letters, digits, '.', '-', '_' or '@'")
        if password is not None:
            _refuse_published(password)
            check_password(password, user_name=name)
        if email is not None:
            email = email.strip().lower()
            if not email or "@" not in email or " " in email:
                raise InputError(f"e-mail {email!r} is not an e-mail address; give the address the "
                                 "municipality's sign-in reports, or leave --email out")
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
        """Create ``name`` or reset its role and password (administrator; used by ``demo``).

        A published demo password is refused unless the workspace is the demo."""
        if role not in ROLES:
            raise InputError(f"role {role!r} is not known; use one of: {', '.join(ROLES)}")
        with store_engine.write_tx(self.engine) as conn:
            if is_published_password(password) and not workspace_is_synthetic(conn):
                raise InputError("this password is published for the demo (README) and is given only "
                                 "in the demo workspace; choose another")
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

    @operation("routes.read_own")
    def team_leads(self) -> list[str]:
        """The names of the workspace's enabled team leads: whom a field worker without a
        route asks for one. Names only; nothing else about any user."""
        u = t.users
        with store_engine.read_tx(self.engine) as conn:
            return list(conn.execute(select(u.c.name).where(u.c.role == "team_lead", u.c.disabled.is_(False))
                                     .order_by(u.c.name)).scalars())

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

    def verify_password(self, name: str, password: str, *, client: str = "api") -> Actor | None:
        """:meth:`sign_in`, with a refusal answered as a failure (``None``)."""
        try:
            return self.sign_in(name, password, client=client)
        except SignInRefused:
            return None

    def sign_in(self, name: str, password: str, *, client: str = "unknown") -> Actor | None:
        """The user's :class:`Actor` when ``password`` is right, else ``None`` (never says
        which part was wrong). Raises :class:`SignInRefused` while the name or the client
        must wait, or the account is locked; then the password is not even checked.

        In a real (non-synthetic) workspace a published demo password raises
        :class:`DemoPasswordRefused` whoever the name and whether it is right (so the answer
        tells nothing about the account); where it was right, the stored hash is removed, so
        the account signs in again only after ``opspor users passwd NAME``."""
        # a CPR number typed as the name is no one's name (no user name can hold one): it is
        # scrubbed, so it is never stored and the answer is the one for an unknown name
        name = scrub(str(name or "").strip())[0][:100]
        now = clock.now_utc()
        user_key, client_key = f"user:{name.casefold()}", f"client:{str(client)[:200]}"
        limit = int(self._settings()["sign_in_lockout_failures"])
        with store_engine.write_tx(self.engine) as conn:
            outcome = self._sign_in_tx(conn, name, password, client, now, user_key, client_key, limit)
        if isinstance(outcome, SignInRefused):
            raise outcome  # after the commit, so the refusal stays in the audit log
        return outcome

    def _sign_in_tx(self, conn: Connection, name: str, password: str, client: str, now,  # noqa: ANN001
                    user_key: str, client_key: str, limit: int) -> Actor | SignInRefused | None:
        """:meth:`sign_in` inside its write transaction: the actor, a refusal to raise once
        the transaction is committed, or ``None`` (a failure, recorded)."""
        f = t.sign_in_failures
        state = {r.subject: r for r in conn.execute(select(f).where(f.c.subject.in_([user_key, client_key])))}
        row = conn.execute(select(t.users).where(t.users.c.name == name)).mappings().first()
        usable = row is not None and not row["disabled"] and bool(row["password_hash"])
        who = Actor(row["name"], row["role"]) if row is not None else UNKNOWN
        u, c = state.get(user_key), state.get(client_key)
        waits = []
        if u is not None and u.last_failed_at is not None:
            waits.append(_backoff_s(u.failures) - (now - _aware(u.last_failed_at)).total_seconds())
        if c is not None and c.last_failed_at is not None and c.failures >= CLIENT_LIMIT:
            waits.append(CLIENT_WINDOW_S - (now - _aware(c.last_failed_at)).total_seconds())
        if (u is not None and u.locked) or max(waits, default=0) > 0:
            locked = u is not None and u.locked
            self._audit(conn, "auth.refused", name if row is not None else "",
                        "sign-in refused: account locked" if locked else "sign-in refused: too many attempts",
                        actor=who)
            wait_s = 0 if locked else int(max(waits)) + 1
            return SignInRefused("too many failed sign-ins; " + (
                "the account is locked until an administrator unlocks it" if locked
                else f"try again in {wait_s} seconds"), wait_s=wait_s, locked=locked)
        dummy = _dummy_hash()  # made (once) whether the name exists or not: no timing difference
        try:  # the same work whether the name exists or not
            ok = _HASHER.verify(row["password_hash"] if usable else dummy, password or "") and usable
        except (VerificationError, InvalidHashError):
            ok = False
        if is_published_password(password) and not workspace_is_synthetic(conn):
            if ok:  # defence in depth: a published password is never kept in a real workspace
                conn.execute(update(t.users).where(t.users.c.name == row["name"]).values(password_hash=None))
            self._audit(conn, "auth.refused", name if row is not None else "",
                        "sign-in refused: a published demo password in a real workspace"
                        + ("; the stored password was removed" if ok else ""), actor=who)
            return DemoPasswordRefused(PUBLISHED_PASSWORD_MESSAGE)
        if ok:
            conn.execute(f.delete().where(f.c.subject == user_key))
            self._audit(conn, "auth.sign_in", name, f"sign-in ({client})", actor=who)
            return who
        n = (u.failures if u is not None else 0) + 1
        _upsert_failure(conn, user_key, n, now, locked=n >= limit)
        window_ok = c is not None and c.last_failed_at is not None and \
            (now - _aware(c.last_failed_at)).total_seconds() < CLIENT_WINDOW_S
        _upsert_failure(conn, client_key, (c.failures if window_ok else 0) + 1, now, locked=False)
        self._audit(conn, "auth.failed", name if row is not None else "", f"failed sign-in ({client})",
                    actor=who)
        if n == limit:
            self._audit(conn, "auth.locked", name if row is not None else "",
                        f"account locked after {n} failed sign-ins", actor=who)
        return None

    def idle_minutes(self) -> int:
        """The workspace's idle timeout for app sessions (setting ``session_idle_minutes``)."""
        return int(self._settings()["session_idle_minutes"])

    def sign_out(self) -> None:
        """Record that the acting user signed out."""
        with store_engine.write_tx(self.engine) as conn:
            self._audit(conn, "auth.sign_out", self.actor.name, "sign-out")

    @operation("users.manage")
    def unlock_user(self, name: str) -> None:
        """Lift a lockout (and any backoff) of ``name`` (administrator)."""
        f = t.sign_in_failures
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(f.delete().where(f.c.subject == f"user:{name.casefold()}")).rowcount
            if n == 0 and conn.execute(select(t.users.c.name).where(t.users.c.name == name)).first() is None:
                raise InputError(f"user {name!r} does not exist")
            self._audit(conn, "users.unlock", name, "unlock the account")

    @operation("users.manage")
    def reset_password(self, name: str, password: str) -> None:
        """Set ``name``'s password (administrator); the policy applies."""
        _refuse_published(password)
        check_password(password, user_name=name)
        with store_engine.write_tx(self.engine) as conn:
            n = conn.execute(update(t.users).where(t.users.c.name == name)
                             .values(password_hash=_HASHER.hash(password))).rowcount
            if n == 0:
                raise InputError(f"user {name!r} does not exist")
            conn.execute(t.sign_in_failures.delete().where(t.sign_in_failures.c.subject == f"user:{name.casefold()}"))
            self._audit(conn, "auth.password_changed", name, "password reset by an administrator")

    @operation("account.password")
    def change_password(self, old: str, new: str) -> None:
        """Change the acting user's own password: the old one must be right, the new one
        must follow the policy and differ from the old."""
        with store_engine.write_tx(self.engine) as conn:
            row = conn.execute(select(t.users).where(t.users.c.name == self.actor.name)).mappings().first()
            try:
                ok = row is not None and bool(row["password_hash"]) and _HASHER.verify(row["password_hash"], old or "")
            except (VerificationError, InvalidHashError):
                ok = False
            if not ok:
                raise InputError("the current password is not right")
            if new == old:
                raise InputError("the new password must differ from the current one")
            _refuse_published(new)
            check_password(new, user_name=self.actor.name)
            conn.execute(update(t.users).where(t.users.c.name == self.actor.name)
                         .values(password_hash=_HASHER.hash(new)))
            self._audit(conn, "auth.password_changed", self.actor.name, "password changed by the user")


def _aware(ts):  # noqa: ANN001, ANN202
    """A stored time as an aware UTC time (SQLite gives it back naive)."""
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _upsert_failure(conn, subject: str, failures: int, at, *, locked: bool) -> None:  # noqa: ANN001
    f = t.sign_in_failures
    n = conn.execute(update(f).where(f.c.subject == subject)
                     .values(failures=failures, last_failed_at=at, locked=locked)).rowcount
    if n == 0:
        conn.execute(insert(f).values(subject=subject, failures=failures, last_failed_at=at, locked=locked))
