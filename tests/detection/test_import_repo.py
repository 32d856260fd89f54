"""Importing partners' reports into the store: one transaction, duplicates, rejected rows
kept/exported/resolved, assessment, access, the CLI, CPR bytes never on disk, kill -9."""

from __future__ import annotations

import functools
import json
import os
import random
import shutil
import signal
import time
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event, func, select, text

from detection.access import ROLES
from detection.cli.main import main
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.signals.importer import ImportFileError, check_rows, read_reports
from detection.store import engine as store_engine
from detection.store import schema as t
from tests.data.reports.make_reports import expected_danish
from tests.detection.conftest import role_user

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "data" / "reports"
DANISH = REPORTS / "danish_excel_cp1252.csv"
FIXED = REPORTS / "danish_excel_cp1252_fixed.csv"
AS_OF = date(2026, 11, 1)
SUMMARY_KEYS = {"batch_id", "rows", "imported", "rejected", "duplicates", "cpr_removed", "rejected_rows"}


@functools.cache
def _nordby_data():
    from dataclasses import replace

    from detection.register.workspace import WorkspaceSpec, build_workspace_data
    from tests.detection.conftest import NORDBY

    data = build_workspace_data(WorkspaceSpec(name="Nordby", osm=NORDBY))
    entr = data.entrances["entrance_id"].iloc[:30]
    signals = pd.DataFrame({
        "signal_id": [str(uuid.uuid4()) for _ in entr], "kind": "neighbour_complaint",
        "received": date(2026, 10, 1), "entrance_id": entr.to_numpy(), "unit_id": None, "partner_id": None,
        "source": "test", "external_ref": [f"T-{i}" for i in range(len(entr))], "note": "",
        "credibility": 2, "match_quality": "exact", "synthetic": True, "assessment": "new", "batch_id": None})
    return replace(data, signals=signals)


def _workspace(url: str) -> Repository:
    """The Nordby workspace of ``make_workspace`` with one user per role (no passwords: fast)."""
    admin = Repository.open(url, None)
    admin.replace_workspace(_nordby_data(), force=True)
    for role in ROLES:
        admin.upsert_user(role_user(role), role=role, password=None)
    return admin


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "nordby.sqlite"
    _workspace(f"sqlite:///{path}")
    store_engine.dispose_engines()
    return path


@pytest.fixture()
def ws(db_url, _template) -> Repository:
    """A Nordby workspace on the test backend; returns the planner's repository.

    On SQLite a copy of one module-wide file (building it per test costs seconds)."""
    if db_url.startswith("sqlite:///"):
        shutil.copyfile(_template, db_url.removeprefix("sqlite:///"))
        return Repository.open(db_url, role_user("planner"))
    return _workspace(db_url).as_user(role_user("planner"))


def _counts(repo: Repository) -> dict[str, int]:
    with store_engine.read_tx(repo.engine) as conn:
        return {name: conn.execute(select(func.count()).select_from(tab)).scalar_one()
                for name, tab in (("signals", t.signals), ("import_batches", t.import_batches),
                                  ("rejected_rows", t.rejected_rows))}


def _csv(rows: list[str]) -> bytes:
    return ("Dato;Type;Adresse;Kilde;Reference;Bemærkning\n" + "\n".join(rows) + "\n").encode("utf-8")


def test_import__summary_shape_counts_and_stored_rows(ws):
    before = _counts(ws)
    version = ws.workspace_info()["data_version"]
    out = ws.import_signals(DANISH, as_of=AS_OF)
    assert set(out) == SUMMARY_KEYS
    assert out["rows"] == out["imported"] + out["rejected"] + out["duplicates"] == len(expected_danish())
    assert (out["imported"], out["rejected"], out["duplicates"], out["cpr_removed"]) == (7, 12, 0, 1)
    assert {r["row"]: r["reason"] for r in out["rejected_rows"]} == {
        row: code for row, code in expected_danish() if code not in ("exact", "corrected", "uncertain")}
    for r in out["rejected_rows"]:
        assert set(r) == {"row", "field", "value", "reason", "message"}
    after = _counts(ws)
    assert after["signals"] == before["signals"] + 7
    assert after["rejected_rows"] == before["rejected_rows"] + 12
    assert ws.workspace_info()["data_version"] == version + 1  # the map rebuilds at once
    mine = ws.signals_to_assess()
    mine = mine[mine["source"] != "test"]
    assert sorted(mine["match_quality"]) == sorted(["exact"] * 4 + ["corrected"] * 2 + ["uncertain"])
    note = mine.loc[mine["source"] == "Fogedretten (fiktiv)", "note"].iloc[0]
    assert note == "Fogedsag berammet; <b>ingen</b> kontakt"  # stored as text; escaped where shown
    assert mine["cpr_removed"].astype(bool).sum() == 1
    batch = ws.import_batches().iloc[0]
    assert (batch["rows"], batch["imported"], batch["rejected"], batch["cpr_removed"]) == (19, 7, 12, 1)
    assert batch["file_name"] == DANISH.name and len(batch["file_sha256"]) == 64
    # the map's signal layer shows them with their match quality
    shown = ws.signals(purpose="test")
    assert set(mine["signal_id"]) <= set(shown["signal_id"])


def test_reimport__no_new_signals_all_duplicates(ws):
    first = ws.import_signals(DANISH, as_of=AS_OF)
    n = _counts(ws)["signals"]
    again = ws.import_signals(DANISH, as_of=AS_OF)
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, first["imported"], first["rejected"])
    assert again["rows"] == first["rows"]
    assert _counts(ws)["signals"] == n


def test_same_partner_reference__duplicate_even_with_other_content(ws):
    ws.import_signals(_csv(["01-10-2026;Udlejer;Kassundet 5;Boligselskab X;R-1;første"]), file_name="a.csv", as_of=AS_OF)
    out = ws.import_signals(_csv(["02-10-2026;Naboklage;Kassundet 6;Boligselskab X;R-1;anden",
                                  "02-10-2026;Naboklage;Kassundet 6;Boligselskab Y;R-1;anden"]),
                            file_name="b.csv", as_of=AS_OF)
    assert (out["imported"], out["duplicates"]) == (1, 1)


def test_fixed_row_reimported__imported_and_its_rejection_resolved(ws):
    ws.import_signals(DANISH, as_of=AS_OF)
    open_before = ws.rejected_rows()
    assert len(open_before) == 12 and "kind_unknown" in set(open_before["reason"])
    out = ws.import_signals(FIXED, as_of=AS_OF)
    assert (out["imported"], out["duplicates"], out["rejected"]) == (1, 7, 11)
    open_after = ws.rejected_rows()
    assert len(open_after) == 11 and "kind_unknown" not in set(open_after["reason"])
    every = ws.rejected_rows(include_resolved=True)
    assert len(every) == 23 and every["resolved_at"].notna().sum() == 12


def test_rejected_export__fix_the_export_and_import_it_again(ws, tmp_path):
    from detection.tabular import write_csv

    ws.import_signals(_csv(["01-10-2026;Kommunekontor;Kassundet 5;B;;=HYPERLINK(\"x\")",
                            "01-10-2026;Udlejer;Fantasivej 9;B;;+note"]), file_name="p.csv", as_of=AS_OF)
    sheet = ws.rejected_export_frame()
    assert list(sheet.columns)[-3:] == ["Afvist række", "Afvisningsårsag", "Besked"]
    path = write_csv(sheet, tmp_path / "afviste.csv")
    raw = path.read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in raw and "'+note" in raw  # formulas neutralised on export
    sheet.loc[sheet["Type"] == "Kommunekontor", "Type"] = "Udlejer"
    sheet.loc[sheet["Adresse"] == "Fantasivej 9", "Adresse"] = "Kassundet 6"
    fixed = tmp_path / "rettet.csv"
    sheet.to_csv(fixed, sep=";", index=False, encoding="utf-8-sig")
    out = ws.import_signals(fixed, as_of=AS_OF)
    assert (out["imported"], out["rejected"]) == (2, 0)
    assert ws.rejected_rows().empty


def test_rejected_export__files_with_different_headers_share_one_importable_sheet(ws, tmp_path):
    from detection.tabular import write_csv

    ws.import_signals(DANISH, as_of=AS_OF)
    ws.import_signals(REPORTS / "partner_english.xlsx", as_of=AS_OF)
    sheet = ws.rejected_export_frame()
    assert len(sheet) == 14
    assert {"Dato", "Type", "Adresse", "Vejnavn", "Husnr"} <= set(sheet.columns) and "Street" not in sheet.columns
    out = ws.import_signals(write_csv(sheet, tmp_path / "alle.csv"), as_of=AS_OF)
    assert out["rows"] == 14
    # unchanged, they stay rejected for the same reasons — the over-long note too; only the
    # columns_mismatch row, exported with the cells that fit the header, goes in
    assert out["imported"] == 1 and out["rejected"] == 13
    assert "field_too_long" in {r["reason"] for r in out["rejected_rows"]}
    assert len(ws.rejected_rows()) == 13


def test_one_transaction__failure_after_rows_are_inserted_leaves_nothing(ws, monkeypatch):
    before = _counts(ws)
    version = ws.workspace_info()["data_version"]
    inserted = {}

    def failing_audit(conn, *a, **k):  # noqa: ANN001 - runs after the signals are inserted
        inserted["signals"] = conn.execute(select(func.count()).select_from(t.signals)).scalar_one()
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(ws, "_audit", failing_audit)
    with pytest.raises(RuntimeError, match="simulated"):
        ws.import_signals(DANISH, as_of=AS_OF)
    assert inserted["signals"] == before["signals"] + 7  # the rows were in, inside the transaction
    monkeypatch.undo()
    assert _counts(ws) == before
    assert ws.workspace_info()["data_version"] == version


def test_unusable_file__nothing_stored(ws):
    before = _counts(ws)
    with pytest.raises(ImportFileError) as exc:
        ws.import_signals(REPORTS / "unknown_header.csv", as_of=AS_OF)
    assert exc.value.code == "header_unknown"
    with pytest.raises(InputError):
        ws.import_signals(REPORTS / "nope.csv", as_of=AS_OF)
    assert _counts(ws) == before


def test_other_formats_store(ws):
    for name, imported in (("partner_english.xlsx", 2), ("points.geojson", 1), ("comma_utf8.csv", 2),
                           ("danish_excel_utf8_bom.csv", 7)):
        out = ws.import_signals(REPORTS / name, as_of=AS_OF)
        assert out["imported"] == imported, (name, out)
        assert out["rows"] == out["imported"] + out["rejected"] + out["duplicates"]


def test_assess__who_and_when_and_filters(ws):
    ws.import_signals(DANISH, as_of=AS_OF)
    todo = ws.signals_to_assess(source="Samsø Boligselskab")
    assert len(todo) == 3 and set(todo["assessment"]) == {"new"}
    assert "Kassundet 5, 8305 Samsø" in set(todo["address"])
    sid = todo["signal_id"].iloc[0]
    res = ws.assess_signal(sid, "in_target_group")
    assert res["assessed_by"] == role_user("planner") and res["assessed_at"]
    assert sid not in set(ws.signals_to_assess()["signal_id"])
    done = ws.signals_to_assess(assessment="in_target_group")
    assert list(done["signal_id"]) == [sid] and done["assessed_by"].iloc[0] == role_user("planner")
    assert set(ws.signals_to_assess(kind="caretaker_concern")["match_quality"]) == {"uncertain"}
    assert len(ws.signals_to_assess(match_quality="uncertain")) == 1
    row = ws.signals_to_assess(match_quality="uncertain").iloc[0]
    from geo.areas import ddkn_cell_ids

    cell = ddkn_cell_ids([row["x"]], [row["y"]], size_m=1000)[0]
    in_cell = ws.signals_to_assess(area=("grid1km", cell), assessment=None)
    assert row["signal_id"] in set(in_cell["signal_id"])
    assert ws.signals_to_assess(area=("grid1km", "1km_0_0")).empty
    for bad in ("maybe", ""):
        with pytest.raises(InputError):
            ws.assess_signal(sid, bad)
    with pytest.raises(InputError):
        ws.assess_signal("no-such-signal", "unclear")
    audit = ws.as_user("admin").audit_list(action="signals.assess")
    assert len(audit[audit["action"] == "signals.assess"]) == 1


def test_import_is_audited_with_the_addresses(ws):
    ws.import_signals(DANISH, as_of=AS_OF)
    entries = ws.as_user("admin").audit_list(action="signals.import")
    assert len(entries) == 1 and entries["user_name"].iloc[0] == role_user("planner")
    with store_engine.read_tx(ws.engine) as conn:
        n = conn.execute(select(func.count()).select_from(t.audit_subjects)
                         .where(t.audit_subjects.c.audit_id == int(entries["id"].iloc[0]))).scalar_one()
    assert n == 7


@pytest.mark.parametrize("role", [r for r in ROLES if r != "planner"])
def test_access__only_the_planner_imports_assesses_and_manages_rejected_rows(ws, role):
    ws.import_signals(DANISH, as_of=AS_OF)
    other = ws.as_user(role_user(role))
    sid = ws.signals_to_assess()["signal_id"].iloc[0]
    for call in (lambda: other.import_signals(DANISH, as_of=AS_OF), lambda: other.assess_signal(sid, "unclear"),
                 lambda: other.signals_to_assess(), lambda: other.rejected_rows(),
                 lambda: other.rejected_export_frame(), lambda: other.import_batches(),
                 lambda: other.signal_sources()):
        with pytest.raises(NotAllowed):
            call()


def test_analyst_sees_nothing_of_the_import(ws):
    ws.import_signals(DANISH, as_of=AS_OF)
    analyst = ws.as_user(role_user("analyst"))
    outputs = repr([analyst.summary(), analyst.signal_counts(by=("kind", "source")).to_dict("records")])
    for secret in ("Kassundet", "Fogedsag", "husleje", "CPR", "SB-1001"):
        assert secret not in outputs


def test_demo_workspace_refuses_real_imports_without_allow_in_demo(demo_db, capsys):
    code = main(["--db", str(demo_db), "--user", "planner", "import-signals", str(DANISH), "--json"])
    assert code == 3
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "demo_workspace"


def test_cli__import_reimport_fix_rejected_assess(db_url, tmp_path, capsys):
    """The CLI on the backend(s) of ``OPSPOR_TEST_BACKEND`` (SQLite file or PostGIS)."""
    db = db_url
    _workspace(db)
    base = ["--db", db, "--user", role_user("planner"), "--as-of", "2026-11-01", "--json"]

    def run(*args) -> tuple[int, dict]:
        code = main([*base, *args])
        return code, json.loads(capsys.readouterr().out)

    code, out = run("import-signals", str(DANISH), "--source", "Ukendt partner")
    assert code == 0 and set(out) == SUMMARY_KEYS and out["rows"] == 19 and out["cpr_removed"] == 1
    code, again = run("import-signals", str(DANISH))
    assert code == 0 and again["imported"] == 0 and again["duplicates"] == out["imported"]
    code, listed = run("rejected", "list")
    assert code == 0 and listed["rejected"] == 12
    code, exported = run("rejected", "export", "--out", str(tmp_path / "afviste.csv"))
    assert code == 0 and exported["rejected"] == 12 and (tmp_path / "afviste.csv").exists()
    code, fixed = run("import-signals", str(FIXED))
    assert code == 0 and fixed["imported"] == 1
    code, listed = run("rejected", "list", "--batch", fixed["batch_id"])
    assert listed["rejected"] == 11
    code, err = run("import-signals", str(REPORTS / "unknown_header.csv"))
    assert code == 1 and err["error"]["code"] == "header_unknown"
    sid = Repository.open(db, role_user("planner")).signals_to_assess()["signal_id"].iloc[0]
    code, res = run("assess", sid, "--as", "not_in_target_group")
    assert code == 0 and res["assessment"] == "not_in_target_group"
    code = main(["--db", db, "--user", role_user("analyst"), "--json", "import-signals", str(DANISH)])
    assert code == 3
    capsys.readouterr()


# ------------------------------------------------------------------ CPR on disk


def test_cpr_numbers_never_reach_the_database_files(tmp_path):
    db = tmp_path / "cpr.sqlite"
    planner = _workspace(f"sqlite:///{db}").as_user(role_user("planner"))
    numbers = ["010190-1234", "1502854321", "290200-4567", "311299 9876"]
    rows = [f"01-10-2026;Udlejer;Kassundet 5;Kilde A;R-{i};borger {n} ringede" for i, n in enumerate(numbers)]
    rows += [f"01-10-2026;Kommunekontor;Kassundet 6 {numbers[1]};B;X-1;rejected {numbers[2]}",
             f"{numbers[3]};Udlejer;Kassundet 7;B;X-2;dato er et cpr-nummer",
             # a CPR number in the source (a key): the row is rejected, the number kept nowhere
             f"01-10-2026;Udlejer;Kassundet 5;Kilde {numbers[0]};X-3;ok"]
    out = planner.import_signals(_csv(rows), file_name=f"rapport {numbers[0]}.csv", as_of=AS_OF)
    assert out["cpr_removed"] == 7 and out["imported"] == 4 and out["rejected"] == 3
    assert out["rejected_rows"][-1]["reason"] == "cpr_in_source"
    planner.rejected_rows()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("cpr.sqlite"))
    assert any(p.name.endswith("-wal") for p in tmp_path.iterdir())
    for n in numbers:
        digits = n.replace("-", "").replace(" ", "")
        for form in {n, digits, f"{digits[:6]}-{digits[6:]}"}:
            assert form.encode() not in blob, form
            assert form.encode("utf-16-le") not in blob, form
    assert b"[CPR fjernet]" in blob


# ------------------------------------------------------------------ kill -9

TRIALS = 50
ROWS = 600


def _crash_file(streets: list[tuple[str, str]], trial: int) -> bytes:
    rows = []
    for i in range(ROWS):
        s, h = streets[(i + trial) % len(streets)]
        addr = f"{s} {h}" if i % 20 else "Fantasivej 1"
        rows.append(f"01-10-2026;Naboklage;{addr};Crash;T{trial}-{i};note {trial}-{i}")
    return _csv(rows)


def _check_batches(url: str) -> dict[str, int]:
    eng = store_engine.get_engine(url)
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("PRAGMA foreign_key_check")).first() is None
        batches = conn.execute(text("SELECT batch_id, imported, rejected FROM import_batches WHERE kind='signals'")).all()
        sig = dict(conn.execute(text("SELECT batch_id, count(*) FROM signals WHERE batch_id IS NOT NULL "
                                     "GROUP BY batch_id")).all())
        rej = dict(conn.execute(text("SELECT batch_id, count(*) FROM rejected_rows GROUP BY batch_id")).all())
    known = {b for b, _, _ in batches}
    assert set(sig) <= known and set(rej) <= known, "rows of a batch that is not there"
    for b, imported, rejected in batches:
        assert sig.get(b, 0) == imported and rej.get(b, 0) == rejected, f"half a batch {b}"
    return {"batches": len(batches)}


def _checked(repo: Repository, data: bytes, name: str):
    """The pure part of an import (read, check, match); nothing is written by it."""
    with store_engine.read_tx(repo.engine) as conn:
        index = repo._address_index(conn)
    return check_rows(read_reports(data, name), index, as_of=AS_OF)


def _store_and_stop(url: str, name: str, result, k: int, w: int) -> None:  # noqa: ANN001
    """In a forked child: store ``result`` and stop inside the write transaction after its
    ``k``-th statement, or at its commit when it runs fewer (say ``k`` or ``c`` on ``w``,
    then wait to be killed); say ``d`` if it ever finishes."""
    store_engine._ENGINES.clear()  # never reuse the parent's pooled connections
    repo = Repository.open(url, role_user("planner"), migrate=False)
    seen = [0]

    def stop(tag: bytes) -> None:
        os.write(w, tag)
        time.sleep(600)

    def stop_at_k(*_args) -> None:
        seen[0] += 1
        if seen[0] == k:
            stop(b"k")

    event.listen(repo.engine, "after_cursor_execute", stop_at_k)
    event.listen(repo.engine, "commit", lambda _conn: stop(b"c"))  # fires before the commit is sent
    repo._store_import(name, result, None, {})
    os.write(w, b"d")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_kill_9_during_import__whole_batch_or_none(tmp_path):
    """The file is checked first (pure, writes nothing); a forked child stores it — the one
    write transaction of ``import_signals`` — and is killed inside that transaction, after
    its k-th statement (k drawn per trial over the statements a store runs), or at its
    commit when it runs fewer than k (the moment before the commit is sent).

    The kill point is chosen by counting statements, not by a clock: a sleep-then-kill test
    depended on the machine's speed (on a busy CI machine most children had committed before
    the kill, so it proved nothing and failed)."""
    url = f"sqlite:///{tmp_path / 'crash.sqlite'}"
    planner = _workspace(url).as_user(role_user("planner"))
    streets = [tuple(x) for x in planner.entrances()[["street", "house_number"]].to_numpy()]
    checked = _checked(planner, _crash_file(streets, -1), "warm.csv")
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    event.listen(planner.engine, "after_cursor_execute", count)
    planner._store_import("warm.csv", checked, None, {})
    event.remove(planner.engine, "after_cursor_execute", count)
    n_statements = statements[0]  # about; a file with duplicates runs a few more
    assert n_statements >= 2, n_statements
    store_engine.dispose_engines()
    rng = random.Random(4)
    killed_after: list[int] = []
    for trial in range(TRIALS):
        name = f"t{trial}.csv"
        result = _checked(planner, _crash_file(streets, trial), name)  # the child inherits it
        store_engine.dispose_engines()
        k = rng.randint(1, n_statements + 2)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the importer
            os.close(r)
            try:
                _store_and_stop(url, name, result, k, w)
            finally:
                os._exit(0)
        os.close(w)
        said = os.read(r, 1)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(r)
        assert said in (b"k", b"c"), f"trial {trial}: the store committed (said {said!r})"
        killed_after.append(k if said == b"k" else 0)
        _check_batches(url)
        store_engine.dispose_engines()
    result = _check_batches(url)
    print(f"kill -9 trials: {TRIALS}, statements per store: ~{n_statements}, killed after statements "
          f"{sorted(set(killed_after) - {0})}, at the commit: {killed_after.count(0)}")
    # every kill hit the open write transaction: only the warm batch is there, whole
    assert result["batches"] == 1
    # the kills covered the transaction from its first statement to its commit
    assert 1 in killed_after and 0 in killed_after and len(set(killed_after)) >= 6
