"""Pair safety on the pages (issue 17), without a browser (AppTest), on a copy of the demo:

- *Mine adresser*: the demo's pair checks in (one member) and out (the other) with large
  buttons; the state is said in words; a second check-in is not offered.
- *Fremdrift*: a pair not checked out 30 minutes after its shift shows on top with a
  warning, its route in words (day, pair, area), never its id; once checked out, the
  Danish empty state.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection import clock
from detection.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _demo_route_on(db: Path, day) -> dict:  # noqa: ANN001
    """Move the demo's one route to ``day`` and return it (as its field worker sees it)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE routes SET day = ? WHERE members IS NOT NULL", (day.isoformat(),))
    return Repository.open(str(db), "feltarbejder").my_routes()[0]


def _as(db: Path, monkeypatch, user: str, page: str, lang: str = "da") -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", str(db))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=90).run()
    if lang != "da":
        at.selectbox(key="lang_select").set_value(lang).run()
    at.selectbox(key="demo_user").set_value(user).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "success", "error", "warning", "info")
                     for e in getattr(at, kind))


def test_phone_page__one_member_checks_in_the_other_checks_out(demo_copy, monkeypatch):
    route = _demo_route_on(demo_copy, clock.today())
    rid = route["route_id"]
    at = _as(demo_copy, monkeypatch, "feltarbejder", "ui/pages/my_routes.py")
    assert "Ikke tjekket ind endnu." in _texts(at) and "Ikke tjekket ud endnu." in _texts(at)
    check_in = at.button(key=f"ci_{rid}")
    assert check_in.label == "Tjek ind: vi går i gang" and not check_in.disabled
    check_in.click().run()
    assert not at.exception, at.exception
    assert [s.value.replace("\\", "") for s in at.success] == ["I er tjekket ind. God tur."]
    assert "✓ Tjekket ind kl. " in _texts(at) and " af feltarbejder" in _texts(at)
    assert at.button(key=f"ci_{rid}").disabled  # once per route
    got = Repository.open(str(demo_copy), "feltarbejder").my_routes()[0]
    assert got["check_in"]["by"] == "feltarbejder" and got["check_out"] is None

    other = _as(demo_copy, monkeypatch, "feltarbejder2", "ui/pages/my_routes.py")
    assert "✓ Tjekket ind kl. " in _texts(other) and other.button(key=f"ci_{rid}").disabled
    check_out = other.button(key=f"co_{rid}")
    assert check_out.label == "Tjek ud: vi er færdige og i sikkerhed"
    check_out.click().run()
    assert not other.exception, other.exception
    assert [s.value.replace("\\", "") for s in other.success] == ["I er tjekket ud. Tak for i dag."]
    assert "✓ Tjekket ud kl. " in _texts(other) and other.button(key=f"co_{rid}").disabled
    assert Repository.open(str(demo_copy), "feltarbejder2").my_routes()[0]["check_out"]["by"] == "feltarbejder2"


def test_phone_page__english_and_no_check_in_on_another_day(demo_copy, monkeypatch):
    route = _demo_route_on(demo_copy, clock.today() + timedelta(days=1))
    at = _as(demo_copy, monkeypatch, "feltarbejder", "ui/pages/my_routes.py", lang="en")
    assert at.button(key=f"ci_{route['route_id']}").label == "Check in: we are starting"
    assert at.button(key=f"ci_{route['route_id']}").disabled and at.button(key=f"co_{route['route_id']}").disabled
    assert "The route is not today: you check in on the route's day." in _texts(at)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_progress_page__an_overdue_pair_on_top_in_words_then_the_empty_state(demo_copy, monkeypatch, lang):
    yesterday = clock.today() - timedelta(days=1)  # its shift ended yesterday at 15:00: overdue now
    route = _demo_route_on(demo_copy, yesterday)
    at = _as(demo_copy, monkeypatch, "teamleder", "ui/pages/progress.py", lang=lang)
    heads = [h.value for h in at.subheader]
    assert heads[0] == ("Par der ikke har tjekket ud" if lang == "da" else "Pairs not checked out")
    warning = [w.value for w in at.warning][0]
    assert warning.lstrip("⚠ ").startswith("1 par har ikke tjekket ud 30 minutter efter vagtens slut" if lang == "da"
                                          else "1 pair(s) have not checked out 30 minutes after the shift ended")
    df = next(d.value for d in at.dataframe if d.value.shape[0] == 1 and d.value.shape[1] == 5)
    row = df.iloc[0].astype(str).tolist()
    day = yesterday.strftime("%d.%m.%Y") if lang == "da" else yesterday.isoformat()
    assert day in row[0] and ("hold 1" if lang == "da" else "team 1") in row[0] and "Besser" in row[0]
    assert row[1] == "feltarbejder, feltarbejder2" and row[2].endswith("15:00")
    assert int(row[3].replace(".", "").replace(",", "")) >= 30
    assert route["route_id"] not in " ".join(row) and route["route_id"] not in warning

    Repository.open(str(demo_copy), "feltarbejder2").check_out(route["route_id"])
    at.run()
    assert not at.exception, at.exception
    assert not at.warning or not any("tjekket ud" in w.value or "checked out" in w.value for w in at.warning)
    assert (("Ingen par mangler at tjekke ud." if lang == "da" else "No pair is overdue to check out.")
            in [s.value for s in at.success])


def test_phone_page__a_stop_next_to_an_unsafe_door_warns_and_the_lead_approves_it_on_progress(demo_copy,
                                                                                           monkeypatch):
    import numpy as np

    from detection.routes.safety import UNSAFE_NEAR_M

    route = _demo_route_on(demo_copy, clock.today())
    lead = Repository.open(str(demo_copy), "teamleder")
    ent = lead.entrances().set_index("entrance_id")
    stop = route["stops"][0]
    d = np.hypot(ent["x"] - stop["x"], ent["y"] - stop["y"])
    on_route = {s["entrance_id"] for s in route["stops"]}
    bad = d[(d > 0) & (d <= UNSAFE_NEAR_M) & ~d.index.isin(on_route)].idxmin()
    lead.record_outcome(bad, "unsafe", visited_at=clock.now_local() - timedelta(days=1))
    street = ent.loc[bad, "street"]
    at = _as(demo_copy, monkeypatch, "feltarbejder", "ui/pages/my_routes.py")
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("Pas på: nabo til en dør, der er markeret utryg" in w and street in w for w in warnings), warnings

    at = _as(demo_copy, monkeypatch, "teamleder", "ui/pages/progress.py")
    assert at.selectbox(key="pg_unsafe_pick").value == bad
    next(b for b in at.button if b.label == "Må planlægges igen (min beslutning)").click().run()
    assert not at.exception, at.exception
    assert Repository.open(str(demo_copy), "teamleder").unsafe_doors() == []
