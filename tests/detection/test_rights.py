"""The citizen's rights for one address, on SQLite and PostGIS: an access export a citizen can
read (and nothing of a neighbour), erasure and rectification that leave no byte of the old
text in the database files, and a restriction that keeps the address out of every plan and
view."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
import shapely
from sqlalchemy import select

from detection.cli.main import main
from detection.errors import InputError, NotAllowed
from detection.rights.export import subject_text
from detection.store import engine as store_engine
from detection.store import schema as t
from geo.addresses import format_address
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_retention import _ADMIN, _files, _signal, url  # noqa: F401 - url is a fixture

AS_OF = date(2026, 11, 1)


@pytest.fixture()
def ws(url):  # noqa: F811 - the fixture imported above
    admin = make_workspace(url, n_signals=0)
    e = admin.entrances().sort_values("entrance_id")
    one, neighbour = e.iloc[10], e.iloc[11]
    planted, other = f"PLANTED-{uuid.uuid4().hex[:8]}", f"NEIGHBOUR-{uuid.uuid4().hex[:8]}"
    with store_engine.write_tx(admin.engine) as conn:
        sid = _signal(conn, one["entrance_id"], date(2026, 10, 1), f"Naboen er bekymret. {planted}")
        _signal(conn, neighbour["entrance_id"], date(2026, 10, 2), f"Anden sag. {other}")
    lead = admin.as_user(role_user("team_lead"))
    oid = lead.record_outcome(one["entrance_id"], "not_home", visited_at=datetime(2026, 10, 20, 10, tzinfo=UTC),
                              note=f"Lys i vinduet. {planted}-dør")
    planner = admin.as_user(role_user("planner"))
    planner.signals(purpose="view the map of reports")  # a use the export lists
    return {"admin": admin, "url": url, "one": one, "neighbour": neighbour, "planted": planted, "other": other,
            "signal": sid, "outcome": oid}


def _address(e) -> str:  # noqa: ANN001
    return format_address(e["street"], e["house_number"], e["postcode"], e["city"])


def test_subject_export__everything_on_the_address_in_danish_and_nothing_else(ws, tmp_path, capsys):
    out = tmp_path / "indsigt.txt"
    code = main(["--db", ws["url"], "--json", "subject", "export", "--entrance", ws["one"]["entrance_id"],
                 "--out", str(out)])
    got = json.loads(capsys.readouterr().out)
    assert code == 0 and got["signals"] == 1 and got["outcomes"] == 1 and got["uses"] >= 1
    text = out.read_text(encoding="utf-8")
    assert _address(ws["one"]) in text and ws["planted"] in text and f"{ws['planted']}-dør" in text
    assert "Henvendelser om adressen" in text and "udsættelsestruet" in text and "ikke hjemme" in text
    assert "henvendelser blev læst" in text  # the planner's read, without the planner's name
    assert ws["other"] not in text and _address(ws["neighbour"]) not in text
    for staff in ("u_team_lead", "u_planner", "admin"):
        assert staff not in text
    assert (out.stat().st_mode & 0o777) == 0o600
    # the same by the address as the citizen writes it
    code = main(["--db", ws["url"], "--json", "subject", "export", "--address", _address(ws["one"]),
                 "--out", str(tmp_path / "by-address.txt")])
    assert code == 0 and json.loads(capsys.readouterr().out)["entrance_id"] == ws["one"]["entrance_id"]
    again = (tmp_path / "by-address.txt").read_text(encoding="utf-8")
    assert _address(ws["one"]) in again and ws["planted"] in again
    assert "der blev givet indsigt" in again  # the first export is among the uses now
    assert main(["--db", ws["url"], "--json", "subject", "export", "--address", "Findesikkevej 999, 9999 Intetsted",
                 "--out", str(tmp_path / "none.txt")]) == 1
    assert main(["--db", ws["url"], "--user", role_user("planner"), "--json", "subject", "export",
                 "--entrance", ws["one"]["entrance_id"], "--out", str(tmp_path / "x.txt")]) == 3


def test_erase_subject__no_byte_of_the_address_left_in_the_files(ws):
    admin = ws["admin"]
    assert ws["planted"].encode() in _files(ws["url"])
    counts = admin.erase_subject(ws["one"]["entrance_id"])
    assert counts["signals"] == 1 and counts["outcomes"] == 1
    store_engine.dispose_engines()
    files = _files(ws["url"])
    assert ws["planted"].encode() not in files
    assert ws["other"].encode() in files  # the neighbour's report is untouched
    log = admin.audit_list(action="subject.erase")
    assert len(log) == 1 and ws["planted"] not in " ".join(map(str, log.to_numpy().ravel()))
    assert admin.subject_export(ws["one"]["entrance_id"])["signals"] == []


def test_correct_and_erase_one_record__the_old_text_is_gone(ws):
    admin, planner = ws["admin"], ws["admin"].as_user(role_user("planner"))
    planner.correct_record("signal", ws["signal"], note="Rettet: naboen er bekymret.", assessment="unclear")
    admin.erase_record("outcome", ws["outcome"])
    store_engine.dispose_engines()
    assert ws["planted"].encode() not in _files(ws["url"])
    exported = admin.subject_export(ws["one"]["entrance_id"])
    assert exported["signals"][0]["note"] == "Rettet: naboen er bekymret."
    assert exported["signals"][0]["assessment"] == "unclear" and exported["outcomes"] == []
    with pytest.raises(InputError, match="nothing to correct"):
        planner.correct_record("signal", ws["signal"])
    with pytest.raises(NotAllowed):
        planner.erase_record("signal", ws["signal"])


def test_restrict__never_planned_or_shown_again(ws):
    admin = ws["admin"]
    planner, lead = admin.as_user(role_user("planner")), admin.as_user(role_user("team_lead"))
    one = ws["one"]["entrance_id"]
    assert one in set(planner.signals(purpose="t")["entrance_id"])
    planner.restrict_subject(one, "declined")
    assert one not in set(planner.signals(purpose="t")["entrance_id"])
    assert one not in set(planner.signals_to_assess()["entrance_id"])
    ranked = planner.priorities("grid1km", as_of=AS_OF)
    assert int(ranked["signals"].sum()) == 1  # only the neighbour's report counts
    e = admin.entrances()
    area = shapely.box(e["x"].min() - 10, e["y"].min() - 10, e["x"].max() + 10, e["y"].max() + 10)
    plan = lead.plan_routes("hele Nordby", area_geometry=area, teams=1, days=1,
                            as_of=AS_OF, seconds=1.0, doors="all")
    planned = {s["entrance_id"] for r in plan["routes"] for s in r["stops"]} | {u["entrance_id"] for u in plan["unplanned"]}
    assert one not in planned and len(planned) > 10
    with store_engine.read_tx(admin.engine) as conn:
        assert conn.execute(select(t.restrictions.c.reason)).scalar_one() == "declined"
    data = admin.subject_export(one)
    assert data["restriction"]["reason"] == "declined"
    assert "Behandlingen er begrænset" in subject_text(data) and "borgeren har sagt nej" in subject_text(data)
