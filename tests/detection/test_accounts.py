"""Accounts and sign-in as a DPO checks them: the password rule, backoff and lockout that an
administrator lifts, the same answers for unknown and known names, and every sign-in event
once in the audit log — on SQLite and PostGIS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from detection.cli.main import main
from detection.errors import InputError
from detection.repository import Repository
from detection.repository.accounts import BACKOFF_FROM, CLIENT_LIMIT, SignInRefused
from detection.store import engine as store_engine
from detection.store import schema as t

GOOD = "en lang og rar sætning"


@pytest.fixture()
def admin(db_url) -> Repository:
    repo = Repository.open(db_url, None)
    repo.add_user("lone", role="planner", password=GOOD)
    return repo


def _age_failures(repo: Repository) -> None:
    """Move every recorded failure an hour back, as if the backoff had been waited out."""
    with store_engine.write_tx(repo.engine) as conn:
        conn.execute(update(t.sign_in_failures).values(last_failed_at=datetime.now(UTC) - timedelta(hours=1)))


def _actions(repo: Repository, prefix: str = "") -> list[tuple[str, str]]:
    df = repo.audit_list(limit=1000)
    df = df[df["action"].str.startswith(prefix)] if prefix else df
    return sorted(zip(df["action"], df["user_name"], strict=True))


@pytest.mark.parametrize(("password", "why"), [
    ("kort", "at least 12 characters"),
    ("password1234", "common passwords"),
    ("qwertyuiop123", "common passwords"),
    ("lone-er-min-kode", "user name"),
    ("aaaaaaaaaaaaaaaa", "one character"),
])
def test_password_rule__refuses_short_common_and_guessable(admin, password, why):
    with pytest.raises(InputError, match=why):
        admin.add_user("lone2" if "lone" not in password else "lone", role="analyst", password=password)
    with pytest.raises(InputError, match=why):
        admin.reset_password("lone", password)


def test_email__blank_or_not_an_address_is_refused(admin):
    for email in (" ", "", "bob"):
        with pytest.raises(InputError, match="not an e-mail address"):
            admin.add_user("bob", role="analyst", password=GOOD, email=email)
    assert admin.user_for_email(" ") is None


def test_sign_in__backoff_then_lockout_that_an_administrator_lifts(admin):
    limit = admin.settings()["sign_in_lockout_failures"]
    assert limit == 10
    assert admin.sign_in("lone", GOOD, client="c1").name == "lone"
    for i in range(1, limit + 1):
        assert admin.sign_in("lone", "wrong password!", client=f"c{i}") is None
        if i >= BACKOFF_FROM and i < limit:  # the next try, at once, has to wait
            with pytest.raises(SignInRefused) as exc:
                admin.sign_in("lone", GOOD, client="cx")
            assert exc.value.wait_s >= 1 and not exc.value.locked
        _age_failures(admin)
    with pytest.raises(SignInRefused) as exc:  # locked: even the right password is refused
        admin.sign_in("lone", GOOD, client="c99")
    assert exc.value.locked
    _age_failures(admin)
    with pytest.raises(SignInRefused):  # waiting does not help
        admin.sign_in("lone", GOOD, client="c99")
    admin.unlock_user("lone")
    assert admin.sign_in("lone", GOOD, client="c99").name == "lone"
    assert _actions(admin, "auth.locked") == [("auth.locked", "lone")]
    assert _actions(admin, "users.unlock") == [("users.unlock", "admin")]


def test_sign_in__an_unknown_name_is_answered_like_a_known_one(admin):
    def answers(name: str) -> list[str]:
        out = []
        for _ in range(BACKOFF_FROM + 1):
            try:
                out.append(repr(admin.sign_in(name, "wrong password!", client=name)))
            except SignInRefused as exc:
                out.append(f"refused {exc.locked}")
        return out

    assert answers("lone") == answers("nobody") == ["None"] * BACKOFF_FROM + ["refused False"]


def test_sign_in__one_client_that_fails_too_often_waits(admin):
    for i in range(CLIENT_LIMIT):
        assert admin.sign_in(f"name{i}", "wrong password!", client="10.0.0.9") is None
    with pytest.raises(SignInRefused):
        admin.sign_in("lone", GOOD, client="10.0.0.9")
    assert admin.sign_in("lone", GOOD, client="10.0.0.10").name == "lone"


def test_every_sign_in_event_is_audited_once(admin):
    planner = admin.as_user("lone")
    before = len(_actions(admin))
    assert admin.sign_in("lone", GOOD, client="c") is not None
    assert admin.sign_in("lone", "wrong password!", client="c") is None
    assert admin.sign_in("nobody", "wrong password!", client="c") is None
    planner.sign_out()
    planner.change_password(GOOD, "en anden lang sætning")
    admin.set_role("lone", "analyst")
    admin.reset_password("lone", "en tredje lang sætning")
    got = _actions(admin)[:]
    assert len(got) == before + 7
    assert _actions(admin, "auth.") == sorted([
        ("auth.sign_in", "lone"), ("auth.failed", "lone"), ("auth.failed", "(unknown name)"),
        ("auth.sign_out", "lone"), ("auth.password_changed", "lone"), ("auth.password_changed", "admin")])
    assert _actions(admin, "users.set_role") == [("users.set_role", "admin")]
    with store_engine.read_tx(admin.engine) as conn:  # the tried password is in no audit entry
        texts = [" ".join(map(str, r)) for r in conn.execute(select(t.audit_log)).all()]
    assert not any("wrong password" in x for x in texts)


def test_change_password__needs_the_current_one_and_follows_the_rule(admin):
    lone = admin.as_user("lone")
    with pytest.raises(InputError, match="current password"):
        lone.change_password("not it at all", "en anden lang sætning")
    with pytest.raises(InputError, match="at least 12"):
        lone.change_password(GOOD, "kort")
    lone.change_password(GOOD, "en anden lang sætning")
    assert admin.sign_in("lone", GOOD, client="c") is None
    assert admin.sign_in("lone", "en anden lang sætning", client="c").name == "lone"


def test_cli__users_passwd_and_unlock(admin, db_url, capsys):
    assert main(["--db", db_url, "--json", "users", "passwd", "lone", "--password", "kort"]) == 1
    assert "at least 12" in capsys.readouterr().out
    assert main(["--db", db_url, "--json", "users", "passwd", "lone", "--password", "ny lang sætning her"]) == 0
    capsys.readouterr()
    assert admin.sign_in("lone", "ny lang sætning her", client="c").name == "lone"
    assert main(["--db", db_url, "--json", "users", "unlock", "lone"]) == 0
    assert main(["--db", db_url, "--json", "users", "add", "bob", "--role", "analyst", "--password", GOOD,
                 "--email", " "]) == 1


def test_sign_in__a_cpr_number_typed_as_the_name_is_an_unknown_name_and_never_stored(db_url):
    repo = Repository.open(db_url, None)
    assert repo.sign_in("150324-1234", "some wrong password", client="test") is None
    with store_engine.read_tx(repo.engine) as conn:
        subjects = list(conn.execute(select(t.sign_in_failures.c.subject)).scalars())
        names = list(conn.execute(select(t.audit_log.c.user_name, t.audit_log.c.object)).all())
    assert "user:[cpr fjernet]" in subjects
    assert not any("1503241234" in "".join(filter(str.isdigit, str(v))) for v in subjects + names)
