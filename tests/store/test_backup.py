"""Backup and restore (``opspor backup`` / ``opspor restore``; pg_dump/pg_restore on PostgreSQL).

- A backup taken while eight processes keep writing is one point in time: intact, its
  references hold, and each writer's rows in it are exactly the first k it committed.
- The backup file is 0600 whatever the umask; the plaintext of an encrypted backup never
  stays behind.
- An encrypted backup restores with its passphrase; a wrong one (or a damaged file) is
  refused and the database is left byte for byte as it was.
- A restore applies the retention purge as of its day: what was purged since the backup
  does not come back.
- PostgreSQL: the commands of docs/deploy.md round-trip a workspace on the local server.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing as mp
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url

from detection import clock
from detection.cli.main import main
from detection.errors import InputError
from detection.repository import Repository
from detection.store import backup as store_backup
from detection.store import engine as store_engine
from detection.store import retention
from detection.store import schema as t
from detection.store.postgres import ensure_app_role
from tests.detection.conftest import make_workspace, role_user

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "a long backup passphrase of several words"
AS_OF = date(2026, 11, 1)
WRITERS = 8
#: Safety net only: the tests wait for row counts, never for a time; this just stops a hang.
HANG_S = 600


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _cli(capsys, *argv: str, stdin: str = "", tty: bool = False) -> tuple[int, dict]:
    """Run ``opspor --json …`` with ``stdin`` (a terminal if ``tty``); exit code and JSON."""
    real = sys.stdin
    sys.stdin = _Terminal(stdin) if tty else io.StringIO(stdin)
    try:
        code = main(["--json", *argv])
    finally:
        sys.stdin = real
    captured = capsys.readouterr()
    _cli.stderr = captured.err
    return code, json.loads(captured.out)


@pytest.fixture(scope="module")
def nordby_file(tmp_path_factory) -> Path:
    """The Nordby workspace (users per role, fresh signals) built once; copy it, never change it."""
    path = tmp_path_factory.mktemp("nordby") / "nordby.sqlite"
    make_workspace(f"sqlite:///{path}", received=clock.today())
    store_engine.dispose_engines()
    return path


def _copy_db(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def _fingerprint(db: Path) -> dict[str, str]:
    """Hash of the database file and every file beside it whose name starts with its name
    or a dot (a temporary file), after this process's connections are closed."""
    store_engine.dispose_engines()
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(db.parent.iterdir()) if p.name.startswith(db.name) or p.name.startswith(".")}


def _sql(db: Path, query: str, *params) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


# --------------------------------------------------------------------------- (1) online


def _writer(url: str, wid: int, stop, progress) -> None:  # noqa: ANN001 - multiprocessing objects
    """Commit (audit entry + its subject) transactions until told to stop; count them.

    The writers never checkpoint, so what they commit stays in the WAL: a backup that
    copied the database file alone would miss it.
    """
    eng = store_engine.get_engine(url)
    event.listen(eng, "connect", lambda dbapi_conn, _rec: dbapi_conn.execute("PRAGMA wal_autocheckpoint=0"))
    seq = 0
    while not stop.is_set():
        with store_engine.write_tx(eng) as conn:
            aid = conn.execute(insert(t.audit_log).values(
                at=datetime.now(UTC), user_name=f"writer{wid}", role="administrator",
                action="test.write", object=f"{wid}:{seq}", purpose="backup test")
                .returning(t.audit_log.c.id)).scalar_one()
            conn.execute(insert(t.audit_subjects).values(audit_id=aid, entrance_id=f"w{wid}-{seq}"))
        seq += 1
        progress[wid] = seq


def _wait_for(predicate, procs, what: str) -> None:
    deadline = time.monotonic() + HANG_S
    while not predicate():
        dead = [p.exitcode for p in procs if p.exitcode is not None]
        assert not dead, f"a writer process died (exit codes {dead}) while waiting for {what}"
        assert time.monotonic() < deadline, f"no progress for {HANG_S} s waiting for {what}"
        time.sleep(0.02)


def _written(db: Path) -> int:
    return _sql(db, "SELECT count(*) FROM audit_log WHERE action = 'test.write'")[0][0]


def test_backup__while_eight_processes_write_is_one_point_in_time(nordby_file, tmp_path, capsys):
    live = _copy_db(nordby_file, tmp_path / "live.sqlite")
    url = f"sqlite:///{live}"
    store_engine.migrate(store_engine.get_engine(url))  # WAL on, as the app has it
    store_engine.dispose_engines()
    ctx = mp.get_context("spawn")
    stop, progress = ctx.Event(), ctx.Array("q", WRITERS)
    procs = [ctx.Process(target=_writer, args=(url, i, stop, progress), daemon=True)
             for i in range(WRITERS)]
    for p in procs:
        p.start()
    try:
        _wait_for(lambda: min(progress) >= 25, procs, "every writer to commit 25 rows")
        before = _written(live)
        code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.sqlite"))
        after = _written(live)
        mark = list(progress)
        # the writers were still going after the backup: each commits 25 more
        _wait_for(lambda: all(progress[i] >= mark[i] + 25 for i in range(WRITERS)), procs,
                  "every writer to commit 25 more rows after the backup")
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    assert code == 0, out
    assert out["encrypted"] is False and out["bytes"] == (tmp_path / "b.sqlite").stat().st_size
    assert _written(live) > after >= before

    restored = tmp_path / "restored" / "r.sqlite"
    code, res = _cli(capsys, "--db", str(restored), "restore", out["backup"], "--yes")
    assert code == 0, res
    assert _sql(restored, "PRAGMA integrity_check") == [("ok",)]
    assert _sql(restored, "PRAGMA foreign_key_check") == []
    rows = _sql(restored, "SELECT object FROM audit_log WHERE action = 'test.write'")
    n = len(rows)
    assert before <= n <= after, (before, n, after)
    # one point in time: each writer's rows are exactly its first k commits, no gap
    seqs: dict[int, set[int]] = {}
    for (obj,) in rows:
        wid, seq = map(int, obj.split(":"))
        seqs.setdefault(wid, set()).add(seq)
    for wid, got in seqs.items():
        assert got == set(range(len(got))), f"writer {wid}: rows missing in the backup"
    # each entry came with its subject (one transaction, all or nothing)
    assert _sql(restored, "SELECT count(*) FROM audit_subjects WHERE entrance_id LIKE 'w%-%'")[0][0] == n
    # the counts the backup reported are those restored (+ the restore's purge and restore entries)
    assert res["purged"] == dict.fromkeys(retention.PURGED, 0)  # every table with a retention rule, none due
    expected = dict(out["tables"], audit_log=out["tables"]["audit_log"] + 2)
    assert res["tables"] == expected
    assert res["tables"] == store_backup.table_counts(restored)
    assert not list(restored.parent.glob(".*")), "a temporary file was left next to the database"


# --------------------------------------------------------------------------- (2) file mode


def test_backup__file_is_0600_whatever_the_umask(nordby_file, tmp_path, capsys):
    (tmp_path / "db").mkdir()
    live = _copy_db(nordby_file, tmp_path / "db" / "live.sqlite")
    dest = tmp_path / "out" / "b.sqlite"
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    dest.chmod(0o644)  # an older file in the way is replaced by a private one
    old = os.umask(0)
    try:
        out = store_backup.backup_sqlite(live, dest)
        enc = store_backup.backup_sqlite(live, tmp_path / "out" / "b.enc", passphrase=PASSPHRASE)
    finally:
        os.umask(old)
    for path in (dest, Path(enc["backup"])):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, oct(path.stat().st_mode)
    assert out["bytes"] > 100_000 and out["tables"]["entrances"] > 0
    # through the CLI, too
    code, res = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "out" / "cli.sqlite"))
    assert code == 0, res
    assert stat.S_IMODE(Path(res["backup"]).stat().st_mode) == 0o600
    # no plaintext copy or temporary file left, next to the database or the backups
    assert [p.name for p in live.parent.iterdir() if not p.name.startswith("live.sqlite")] == []
    assert sorted(p.name for p in dest.parent.iterdir()) == ["b.enc", "b.sqlite", "cli.sqlite"]


# --------------------------------------------------------------------------- (3) encryption


def test_encrypted_backup__restores_with_its_passphrase_only(nordby_file, tmp_path, capsys, monkeypatch):
    live = _copy_db(nordby_file, tmp_path / "live.sqlite")
    code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.enc"),
                     "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert code == 0, out
    assert out["encrypted"] is True
    data = (tmp_path / "b.enc").read_bytes()
    assert data.startswith(store_backup.MAGIC)
    assert b"SQLite format 3" not in data and b"Nordby" not in data and b"u_planner" not in data

    # the database to be replaced differs from the backup (a setting changed since)
    (tmp_path / "target").mkdir()
    target = _copy_db(nordby_file, tmp_path / "target" / "t.sqlite")
    admin_url = f"sqlite:///{target}"
    Repository.open(admin_url, None).set_setting("retention_signals_days", 99)
    store_engine.dispose_engines()
    untouched = _fingerprint(target)

    code, err = _cli(capsys, "--db", str(target), "restore", str(tmp_path / "b.enc"), "--yes",
                     "--passphrase-stdin", stdin="not the passphrase at all\n")
    assert code == 1 and err["error"]["code"] == "bad_input", err
    assert "wrong passphrase" in err["error"]["message"]
    code, err = _cli(capsys, "--db", str(target), "restore", str(tmp_path / "b.enc"), "--yes")
    assert code == 1 and "encrypted" in err["error"]["message"], err  # no passphrase given
    cut = tmp_path / "cut.enc"
    cut.write_bytes(data[:-5])
    code, err = _cli(capsys, "--db", str(target), "restore", str(cut), "--yes",
                     "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert code == 1 and err["error"]["code"] == "bad_input", err
    assert _fingerprint(target) == untouched, "a refused restore changed the database"
    assert _sql(target, "SELECT value FROM settings WHERE key = 'retention_signals_days'") == [("99",)]

    monkeypatch.setenv("OPSPOR_BACKUP_PASSPHRASE", PASSPHRASE)  # cron's way
    code, res = _cli(capsys, "--db", str(target), "restore", str(tmp_path / "b.enc"), "--yes")
    assert code == 0, res
    assert res["encrypted"] is True
    assert res["tables"]["entrances"] == out["tables"]["entrances"] > 0
    assert _sql(target, "SELECT value FROM settings WHERE key = 'retention_signals_days'") == []
    assert _sql(target, "PRAGMA integrity_check") == [("ok",)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.sqlite"]


def test_encryption__chunks_are_authenticated_in_order_and_to_the_end():
    plain = os.urandom(2 * store_backup.CHUNK + 12345)  # three chunks
    enc = io.BytesIO()
    store_backup.encrypt_stream(io.BytesIO(plain), enc, PASSPHRASE)
    blob = enc.getvalue()

    def decrypt(b: bytes, pw: str = PASSPHRASE) -> bytes:
        out = io.BytesIO()
        store_backup.decrypt_stream(io.BytesIO(b), out, pw)
        return out.getvalue()

    assert decrypt(blob) == plain
    h, c = store_backup.HEADER_BYTES, store_backup.CHUNK + store_backup.TAG_BYTES
    first, second = blob[h:h + c], blob[h + c:h + 2 * c]
    flipped = bytearray(blob)
    flipped[h + c + 100] ^= 1
    damaged = {
        "wrong passphrase": (blob, "another long passphrase"),
        "a changed byte": (bytes(flipped), PASSPHRASE),
        "cut at a chunk boundary": (blob[:h + 2 * c], PASSPHRASE),
        "cut inside a chunk": (blob[:-1], PASSPHRASE),
        "extended": (blob + b"\0" * 17, PASSPHRASE),
        "chunks swapped": (blob[:h] + second + first + blob[h + 2 * c:], PASSPHRASE),
        "header changed": (blob[:len(store_backup.MAGIC)] + bytes([16]) + blob[len(store_backup.MAGIC) + 1:],
                           PASSPHRASE),
    }
    for what, (b, pw) in damaged.items():
        with pytest.raises(InputError):
            decrypt(b, pw)
            pytest.fail(f"{what}: decrypted")
    empty = io.BytesIO()
    store_backup.encrypt_stream(io.BytesIO(b""), empty, PASSPHRASE)
    assert decrypt(empty.getvalue()) == b""


# --------------------------------------------------------------------------- (4) retention


def _signal(conn, entrance_id: str, received: date, note: str) -> str:
    sid = str(uuid.uuid4())
    conn.execute(insert(t.signals).values(
        signal_id=sid, kind="eviction_risk", received=received, entrance_id=entrance_id,
        source="canary", external_ref=sid, note=note, credibility=2, match_quality="exact",
        synthetic=True, assessment="new", created_at=datetime.now(UTC)))
    return sid


def test_restore__applies_the_retention_purge_so_purged_data_stays_gone(tmp_path, capsys):
    live = tmp_path / "live.sqlite"
    admin = make_workspace(f"sqlite:///{live}", received=date(2026, 10, 1))
    e = admin.entrances()["entrance_id"].tolist()
    canary = f"CANARY-{uuid.uuid4().hex}"
    with store_engine.write_tx(admin.engine) as conn:
        old = _signal(conn, e[100], date(2025, 11, 1), canary)   # past 6 months on AS_OF
        recent = _signal(conn, e[101], date(2026, 9, 1), "recent")
    code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.sqlite"))
    assert code == 0, out
    assert canary.encode() in (tmp_path / "b.sqlite").read_bytes()  # the backup holds it
    assert list(admin.audit_list()["action"]).count("workspace.backup") == 1  # the live log has the backup
    assert admin.purge(as_of=AS_OF)["signals"] == 1  # the live workspace purges it
    store_engine.dispose_engines()

    code, res = _cli(capsys, "--db", str(live), "--user", "admin", "restore",
                     str(tmp_path / "b.sqlite"), "--yes", "--as-of", "2026-12-01")
    assert code == 0, res
    assert res["purged"]["signals"] == 1 and res["as_of"] == "2026-12-01"
    left = {r[0] for r in _sql(live, "SELECT signal_id FROM signals")}
    assert old not in left and recent in left
    store_engine.dispose_engines()
    on_disk = b"".join(p.read_bytes() for p in live.parent.glob(live.name + "*"))
    assert canary.encode() not in on_disk, "the purged signal is back on disk after the restore"
    seen = set(Repository.open(f"sqlite:///{live}", role_user("planner")).signals(purpose="t")["signal_id"])
    assert recent in seen and old not in seen
    actions = list(Repository.open(f"sqlite:///{live}", None).audit_list()["action"])
    assert "retention.purge" in actions
    assert actions.count("workspace.restore") == 1  # (the backup's own entry came after its copy)


# --------------------------------------------------------------------------- refusals


def test_backup_restore__refusals(nordby_file, tmp_path, capsys):
    live = _copy_db(nordby_file, tmp_path / "live.sqlite")
    code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.sqlite"))
    assert code == 0, out
    for role in ("planner", "team_lead", "field_worker", "analyst"):
        code, err = _cli(capsys, "--db", str(live), "--user", role_user(role), "backup",
                         str(tmp_path / f"{role}.sqlite"))
        assert code == 3 and err["error"]["code"] == "not_allowed", (role, err)
        code, err = _cli(capsys, "--db", str(live), "--user", role_user(role), "restore",
                         str(tmp_path / "b.sqlite"), "--yes")
        assert code == 3 and err["error"]["code"] == "not_allowed", (role, err)
        assert not (tmp_path / f"{role}.sqlite").exists()
    # no confirmation: no terminal and no --yes
    code, err = _cli(capsys, "--db", str(live), "restore", str(tmp_path / "b.sqlite"))
    assert code == 2 and "--yes" in err["error"]["message"], err
    # PostgreSQL: pg_dump/pg_restore, not this command
    for cmd in ("backup", "restore"):
        code, err = _cli(capsys, "--db", "postgresql+psycopg://u:p@127.0.0.1:1/x", cmd,
                         str(tmp_path / "pg.dump"), *(["--yes"] if cmd == "restore" else []))
        assert code == 1 and "pg_dump" in err["error"]["message"], err
        assert "docs/deploy.md" in err["error"]["message"]
    # a file that is not a backup
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"this is not a database" * 100)
    before = _fingerprint(live)
    code, err = _cli(capsys, "--db", str(live), "restore", str(junk), "--yes")
    assert code == 1 and err["error"]["code"] == "bad_input", err
    # a weak passphrase is refused before anything is written
    code, err = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "w.enc"),
                     "--passphrase-stdin", stdin="short\n")
    assert code == 1 and "passphrase" in err["error"]["message"], err
    assert not (tmp_path / "w.enc").exists()
    assert _fingerprint(live) == before


def test_restore__on_a_terminal_asks_for_the_workspace_name(nordby_file, tmp_path, capsys):
    live = _copy_db(nordby_file, tmp_path / "live.sqlite")
    code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.sqlite"))
    assert code == 0, out
    Repository.open(f"sqlite:///{live}", None).set_setting("retention_signals_days", 99)
    before = _fingerprint(live)
    code, err = _cli(capsys, "--db", str(live), "restore", str(tmp_path / "b.sqlite"),
                     stdin="Sørby\n", tty=True)
    assert code == 1 and "not the workspace's name" in err["error"]["message"], err
    assert "Type the workspace name to confirm" in _cli.stderr
    assert _fingerprint(live) == before
    code, res = _cli(capsys, "--db", str(live), "restore", str(tmp_path / "b.sqlite"),
                     stdin="Nordby\n", tty=True)
    assert code == 0, res
    assert _sql(live, "SELECT value FROM settings WHERE key = 'retention_signals_days'") == []


def test_restore__refused_while_another_process_has_the_database_open(nordby_file, tmp_path, capsys):
    live = _copy_db(nordby_file, tmp_path / "live.sqlite")
    code, out = _cli(capsys, "--db", str(live), "backup", str(tmp_path / "b.sqlite"))
    assert code == 0, out
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL');"
         " c.execute('SELECT count(*) FROM users').fetchall(); print('open', flush=True);"
         " sys.stdin.readline()", str(live)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        code, err = _cli(capsys, "--db", str(live), "restore", str(tmp_path / "b.sqlite"), "--yes")
        assert code == 1 and "another process" in err["error"]["message"], err
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    finally:
        holder.communicate("\n", timeout=30)
    code, res = _cli(capsys, "--db", str(live), "restore", str(tmp_path / "b.sqlite"), "--yes")
    assert code == 0, res


# --------------------------------------------------------------------------- (5) PostgreSQL


def _pg_tools() -> None:
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not on PATH (Debian: apt-get install postgresql-client-15)"
        if os.environ.get("CI"):
            pytest.fail(f"required on CI (CI is set): {message}", pytrace=False)
        pytest.skip(message)


@contextlib.contextmanager
def _fresh_database(server):  # noqa: ANN001 - tests.store.pgserver.PgServer
    """A new database made as PgServer makes its own: owned by the owner role, PostGIS
    created in it by the superuser. Yields (owner URL, app URL); dropped afterwards."""
    from tests.store.pgserver import _connect

    name = f"{server.database}_{secrets.token_hex(3)}"
    with _connect(server.admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{server.owner_role}"')
    owner = make_url(server.url(server.owner_role, server.owner_password)).set(database=name)
    app = make_url(server.url(server.app_role, server.app_password)).set(database=name)
    urls = (owner.render_as_string(hide_password=False), app.render_as_string(hide_password=False))
    try:
        with _connect(server.admin_url_for(name)) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        yield urls
    finally:
        for url in urls:
            store_engine.dispose_engine(url)
        with _connect(server.admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_counts(url: str) -> dict[str, int]:
    eng = store_engine.get_engine(url)
    with store_engine.read_tx(eng) as conn:
        out = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
               for name, table in t.metadata.tables.items()}
        out["alembic_version"] = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    return out


def _run(cmd: list[str] | str, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=HANG_S, **kw)
    assert r.returncode == 0, f"{cmd}\nexit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def test_postgres__pg_dump_and_pg_restore_round_trip_a_workspace(pg_server, tmp_path):
    """The commands of docs/deploy.md, *Backup and restore*, PostgreSQL, as written there."""
    _pg_tools()
    with _fresh_database(pg_server) as (src_owner, src_app), \
            _fresh_database(pg_server) as (dst_owner, dst_app):
        eng = store_engine.get_engine(src_owner)
        store_engine.migrate(eng)
        ensure_app_role(eng, pg_server.app_role, pg_server.app_password)
        admin = make_workspace(src_owner, received=date(2026, 10, 1))
        e = admin.entrances()["entrance_id"].tolist()
        canary = f"CANARY-{uuid.uuid4().hex}"
        with store_engine.write_tx(admin.engine) as conn:
            old = _signal(conn, e[100], date(2025, 11, 1), canary)
        source = _pg_counts(src_owner)
        assert source["entrances"] > 0 and source["signals"] > 0 and source["users"] > 1

        src, dst = make_url(src_owner), make_url(dst_owner)
        env = dict(os.environ, PGHOST=src.host, PGPORT=str(src.port), PGUSER=src.username,
                   PGPASSWORD=src.password)
        dump, listing = tmp_path / "opspor.dump", tmp_path / "opspor.list"
        # docs/deploy.md: the dump, as the tables' owner
        _run(["pg_dump", "--format=custom", "--no-owner", "--exclude-table-data=public.spatial_ref_sys",
              f"--file={dump}", src.database], env)
        # docs/deploy.md: the restore, as the owner, into a database with PostGIS
        _run(f"pg_restore --list {dump} | grep -v ' EXTENSION ' > {listing}", env, shell=True)
        restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", f"--use-list={listing}", f"--dbname={dst.database}", str(dump)]
        _run(restore, env)
        _run(restore, env)  # again, over the restored database: --clean replaces it
        store_engine.dispose_engines()
        py = [sys.executable, "-m", "detection.store.postgres"]
        _run([*py, "migrate", "--db", dst_owner], env)
        _run([*py, "app-role", pg_server.app_role, "--db", dst_owner], env)

        assert _pg_counts(dst_owner) == source
        summary = Repository.open(dst_app, "admin").summary()  # the app role reads it again
        assert summary["entrances"] == source["entrances"]

        # docs/deploy.md: then the retention purge, as the app role (the owner's URL is not needed)
        r = _run([sys.executable, "-m", "detection.cli.main", "--db", dst_app, "--user", "admin",
                  "--json", "purge", "--as-of", "2026-12-01"], env)
        purged = json.loads(r.stdout)
        assert purged["deleted"]["signals"] == 1 and purged["reclaimed"] is True, purged
        store_engine.dispose_engines()
        left = _pg_counts(dst_owner)
        assert left["signals"] == source["signals"] - 1
        with store_engine.read_tx(store_engine.get_engine(dst_owner)) as conn:
            assert conn.execute(select(t.signals.c.signal_id).where(t.signals.c.signal_id == old)).first() is None
