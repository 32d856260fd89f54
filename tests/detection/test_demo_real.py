"""The demo never becomes real, and the real never becomes the demo (issue 13), on SQLite and
PostGIS (``db_url``):

- ``opspor demo`` over a real workspace is refused unless told ``--replace-real-workspace``
  (``--force`` is not enough);
- ``opspor init --force`` over the demo leaves no demo user, no published password and no
  open sign-in;
- ``--allow-in-demo`` makes the demo a real workspace (synthetic off, demo users gone, sign-in
  from then on) and says how to set the administrator's password;
- a real workspace refuses a published demo password at sign-in even when one is stored, and
  no user can be given one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from detection.cli.main import main
from detection.errors import InputError, NotAllowed, WorkspaceError
from detection.register.demo import DEMO_USERS, PUBLISHED_PASSWORDS, install_demo
from detection.register.workspace import WorkspaceSpec, build_workspace_data
from detection.repository import Repository
from detection.repository.accounts import DemoPasswordRefused
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.detection.conftest import NORDBY, make_workspace, role_user

ROOT = Path(__file__).resolve().parents[2]
DANISH = ROOT / "tests" / "data" / "reports" / "danish_excel_cp1252.csv"
AS_OF = "2026-11-01"
GOOD = "en lang og rar sætning"


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def _demo(db: str, capsys) -> Repository:
    """The Samsø demo (few signals, to be quick) built by the CLI into ``db``."""
    code, out, _ = run(capsys, "--db", db, "--json", "--as-of", AS_OF, "demo", "--signals", "20")
    assert code == 0, out
    assert out["synthetic"] is True
    return Repository.open(db, "admin")


def _users(repo: Repository) -> dict[str, dict]:
    with store_engine.read_tx(repo.engine) as conn:
        return {r["name"]: dict(r) for r in conn.execute(select(t.users)).mappings()}


def _assert_no_published_password_signs_in(repo: Repository) -> None:
    for name, _, password in DEMO_USERS:
        with pytest.raises(DemoPasswordRefused, match="opspor users passwd"):
            repo.sign_in(name, password, client="test")
    for name, row in _users(repo).items():  # and none is stored under any name
        for password in PUBLISHED_PASSWORDS:
            assert not row["password_hash"] or not _verifies(row["password_hash"], password), name


def _verifies(h: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(h, password)
    except Exception:  # noqa: BLE001 - any argon2 refusal means "not this password"
        return False


def _one_line_error(out: dict, code: str) -> str:
    assert set(out) == {"error"} and out["error"]["code"] == code
    message = out["error"]["message"]
    assert "\n" not in message and "Traceback" not in message
    return message


# ------------------------------------------------------------------ demo over real


def test_demo_over_a_real_workspace__refused_without_the_words_replaced_with_them(db_url, capsys):
    real = make_workspace(db_url)
    assert real.summary()["synthetic"] is False
    code, out, err = run(capsys, "--db", db_url, "--json", "--as-of", AS_OF, "demo", "--signals", "20")
    assert code == 1
    message = _one_line_error(out, "workspace")
    assert "--replace-real-workspace" in message and "Traceback" not in err
    # --force alone is not enough (demo has no such option: a usage error, nothing replaced)
    code, out, _ = run(capsys, "--db", db_url, "--json", "--as-of", AS_OF, "demo", "--force", "--signals", "20")
    assert code == 2 and out["error"]["code"] == "usage"
    info = real.workspace_info()
    assert info["name"] == "Nordby" and not info["synthetic"]
    assert _users(real)["admin"]["password_hash"] is None  # not reset to the published one …
    assert "planner" not in _users(real)  # … and no demo user was added
    # the library refuses the same way (install_demo is what `demo` runs)
    with pytest.raises(WorkspaceError, match="--replace-real-workspace"):
        install_demo(real, as_of=date(2026, 11, 1), n_signals=5)
    # told in words: replaced
    code, out, _ = run(capsys, "--db", db_url, "--json", "--as-of", AS_OF, "demo", "--signals", "20",
                       "--replace-real-workspace")
    assert code == 0 and out["synthetic"] is True and out["kommunekode"] == "0741"
    assert Repository.open(db_url, "admin").sign_in("planner", "demo-planner", client="t").name == "planner"


def test_demo_over_the_demo__needs_no_words(db_url, capsys):
    _demo(db_url, capsys)
    repo = _demo(db_url, capsys)
    assert repo.summary()["synthetic"] is True


# ------------------------------------------------------------------ real over demo


def test_init_force_over_the_demo__no_published_password_no_demo_user_no_open_sign_in(db_url, capsys, caplog):
    demo = _demo(db_url, capsys)
    demo.add_user("eve", role="administrator", password=GOOD)  # anyone could, in the open demo
    with store_engine.read_tx(demo.engine) as conn:  # the demo's route for its field worker
        assert len(conn.execute(select(t.route_plans.c.plan_id)).all()) == 1
    code, out, _ = run(capsys, "--db", db_url, "--json", "init", "--force", "--name", "Nordby",
                       "--osm", str(NORDBY))
    assert code == 0, out
    with store_engine.read_tx(demo.engine) as conn:  # its plan named the demo's entrances: gone
        assert conn.execute(select(t.route_plans.c.plan_id)).all() == []
        assert conn.execute(select(t.routes.c.route_id)).all() == []
    assert out["synthetic"] is False and "opspor users passwd admin" in out["notice"]
    assert "opspor users passwd admin" in caplog.text  # said on stderr too
    repo = Repository.open(db_url, "admin")
    users = _users(repo)
    assert list(users) == ["admin"]  # every demo-era account is gone; admin stays …
    assert users["admin"]["password_hash"] is None and users["admin"]["email"] is None  # … without a password
    assert users["admin"]["role"] == "administrator"
    _assert_no_published_password_signs_in(repo)
    assert repo.sign_in("eve", GOOD, client="t") is None
    # the app opens a workspace signed in only while it is synthetic: this one asks for sign-in
    assert Repository.public_at(db_url).workspace_info()["synthetic"] is False
    # the administrator sets a password on the server, and then signs in
    code, _, _ = run(capsys, "--db", db_url, "--json", "users", "passwd", "admin", "--password", GOOD)
    assert code == 0
    assert repo.sign_in("admin", GOOD, client="t").name == "admin"
    assert any(a == "users.retire_demo" for a in repo.audit_list(limit=100)["action"])


def test_init_force_over_a_real_workspace__keeps_its_users_drops_published_passwords(db_url):
    real = make_workspace(db_url)
    h = PasswordHasher().hash("demo-teamleder")
    with store_engine.write_tx(real.engine) as conn:  # an old version let this in
        conn.execute(t.users.insert().values(name="teamleder", role="team_lead", password_hash=h,
                                             disabled=False, created_at=datetime.now(UTC)))
    real.replace_workspace(build_workspace_data(WorkspaceSpec(name="Nordby 2", osm=NORDBY)), force=True)
    users = _users(real)
    assert "teamleder" not in users
    assert {role_user("planner"), role_user("administrator")} <= set(users)
    assert real.sign_in(role_user("planner"), "pw-planner", client="t").name == role_user("planner")


# ------------------------------------------------------------------ allow-in-demo


def test_import_signals_allow_in_demo__the_demo_becomes_a_real_workspace(db_url, capsys):
    _demo(db_url, capsys)
    base = ["--db", db_url, "--as-of", AS_OF, "--json"]
    code, out, _ = run(capsys, *base, "--user", "planner", "import-signals", str(DANISH))
    assert code == 3 and "--allow-in-demo" in _one_line_error(out, "demo_workspace")
    assert Repository.public_at(db_url).workspace_info()["synthetic"] is True  # refused: still the demo
    code, out, _ = run(capsys, *base, "--user", "planner", "import-signals", str(DANISH), "--allow-in-demo")
    assert code == 0 and out["imported"] > 0
    assert out["left_demo"] is True and "opspor users passwd admin" in out["notice"]
    repo = Repository.open(db_url, "admin")
    info = repo.workspace_info()
    assert info["synthetic"] is False and info["sources"][-1]["kind"] == "left_demo"
    assert list(_users(repo)) == ["admin"] and _users(repo)["admin"]["password_hash"] is None
    _assert_no_published_password_signs_in(repo)
    # from now on it is an ordinary real workspace: no flag needed, none mentioned
    repo.add_user("lone", role="planner", password=GOOD)
    code, out, _ = run(capsys, *base, "--user", "lone", "import-signals", str(DANISH))
    assert code == 0 and "left_demo" not in out and out["imported"] == 0


def test_import_partners_allow_in_demo__the_demo_becomes_a_real_workspace(db_url, capsys, tmp_path):
    _demo(db_url, capsys)
    planner = Repository.open(db_url, "planner")
    path = tmp_path / "partnere.csv"
    path.write_text("navn;type\nBoligforeningen Øst;boligselskab\n", encoding="utf-8")
    with pytest.raises(NotAllowed, match="--allow-in-demo"):
        planner.import_partners(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("navn;hvadbehager\nX;1\n", encoding="utf-8")
    with pytest.raises(InputError):  # an unusable file changes nothing, not even the demo
        planner.import_partners(bad, allow_in_demo=True)
    assert Repository.public_at(db_url).workspace_info()["synthetic"] is True
    out = planner.import_partners(path, allow_in_demo=True)
    assert out["imported"] == 1 and out["left_demo"] is True
    repo = Repository.open(db_url, "admin")
    assert repo.workspace_info()["synthetic"] is False
    with store_engine.read_tx(repo.engine) as conn:
        real = conn.execute(select(t.partners.c.synthetic).where(t.partners.c.name == "Boligforeningen Øst")).scalar()
    assert real is False
    _assert_no_published_password_signs_in(repo)


# ------------------------------------------------------------------ sign-in


def test_sign_in__a_real_workspace_refuses_a_published_password_even_when_stored(db_url):
    admin = make_workspace(db_url)
    planner = role_user("planner")
    with store_engine.write_tx(admin.engine) as conn:  # somehow stored (an old version, a restore …)
        conn.execute(update(t.users).where(t.users.c.name == planner)
                     .values(password_hash=PasswordHasher().hash("demo-planner")))
    with pytest.raises(DemoPasswordRefused, match="opspor users passwd"):
        admin.sign_in(planner, "demo-planner", client="t")
    assert _users(admin)[planner]["password_hash"] is None  # removed, not just refused
    # the same answer for a name that does not exist (it tells nothing about accounts)
    with pytest.raises(DemoPasswordRefused):
        admin.sign_in("nobody", "demo-planner", client="t")
    assert admin.verify_password(planner, "demo-planner") is None
    refused = admin.audit_list(limit=100)
    assert (refused["action"] == "auth.refused").sum() >= 2
    # and no one can be given one
    for call in (lambda: admin.add_user("x1", role="analyst", password="demo-feltarbejder"),
                 lambda: admin.reset_password(planner, "demo-teamleder"),
                 lambda: admin.upsert_user("x2", role="analyst", password="demo-analytiker"),
                 lambda: admin.as_user(role_user("analyst")).change_password("pw-analyst", "demo-analytiker")):
        with pytest.raises(InputError, match="published"):
            call()


def test_sign_in__the_demo_still_takes_its_published_passwords(db_url, capsys):
    repo = _demo(db_url, capsys)
    for name, _, password in DEMO_USERS:
        assert repo.sign_in(name, password, client="t").name == name
