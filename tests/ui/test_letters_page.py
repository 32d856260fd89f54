"""Letters to doors where nobody opened (issue 17), in the app: the team lead fills in the
team's phone number and hours, downloads a plan's letters, and a template with a health word
or an acronym is refused in Danish; the planner edits the letter on the focus-area page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from detection.clock import COPENHAGEN
from detection.repository import Repository
from detection.routes.field_files import pdf_text
from detection.routes.letters import has_letters, plan_letters
from detection.routes.revisits import next_working_day
from detection.wording import acronyms, health_words
from tests.ui.navigation import button, demo_app, signed_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def app(demo_copy, monkeypatch) -> AppTest:
    return demo_app(demo_copy, monkeypatch)


_as, _button = signed_in, button


def _letter_plan(demo_copy: Path) -> dict:
    """A stored Nordby plan with a door where a letter is due (one not-home visit is enough)."""
    lead = Repository.open(str(demo_copy), "teamleder")
    # a workspace whose letters are not set up yet (the demo sets the team's details)
    lead.set_letters(phone=None, hours=None, team=None, template=None)
    first = lead.plan_routes("parishes:7244", teams=1, days=1, seconds=1.0)
    stop = next(r for r in first["routes"] if r["stops"])["stops"][0]
    day = datetime.fromisoformat(first["routes"][0]["day"]).replace(hour=10, tzinfo=COPENHAGEN)
    lead.mark_entrance_not_home(stop["entrance_id"], visited_at=day)
    plan = lead.plan_routes("parishes:7244", teams=2, days=1, as_of=day.date(),
                            from_date=next_working_day(day.date()), seconds=1.0, attempts=1)
    assert has_letters(plan), plan["unplanned"]
    return plan


def test_team_lead_sets_phone_and_hours_downloads_letters_and_a_health_word_is_refused(app, demo_copy):
    plan = _letter_plan(demo_copy)
    at = _as(app, "teamleder", "ui/pages/routes.py")
    assert "Brev til beboerne" in [x.label for x in at.expander]
    # nothing printed before the phone number and the hours are set: the page says which
    assert any("teamets telefonnummer og telefontiderne" in w.value for w in at.warning)
    assert "Hent breve (PDF)" not in [b.label for b in at.get("download_button")]
    at.text_input(key="rt_letters_phone").set_value("70 20 30 40")
    at.text_input(key="rt_letters_hours").set_value("mandag-fredag kl. 9-15")
    _button(at, "Gem brevet").click().run()
    assert not at.exception, at.exception
    assert "Brevets indstillinger er gemt." in [s.value for s in at.success]
    repo = Repository.open(str(demo_copy), "teamleder")
    assert (repo.letter_setup().phone, repo.letter_setup().hours) == ("70 20 30 40", "mandag-fredag kl. 9-15")
    button = next(b for b in at.get("download_button") if b.label == "Hent breve (PDF)")
    assert button.proto.url  # the PDF is served by the page
    n = len(plan_letters(plan))
    assert any(f"{n} breve i gårækkefølge" in c.value or (n == 1 and c.value == "1 brev.") for c in at.caption)
    from detection.routes.letters import plan_letters_pdf

    text = pdf_text(plan_letters_pdf(repo.route_plan(plan["plan_id"]), repo.letter_setup()))
    assert text.count("Til beboeren") == n and health_words(text) == [] and acronyms(text) == []

    # a template with a health word: refused in Danish, naming the word; the default stays
    at.text_area(key="rt_letters_template").set_value("Vi er fra psykiatrien. Ring på {telefon}.")
    _button(at, "Gem brevet").click().run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors and errors[0].startswith("Brevet blev ikke gemt: Brevets tekst indeholder ord om helbred "
                                           "(psykiatri)"), errors
    assert repo.letter_setup().template == ""
    # an unknown placeholder: named
    at.text_area(key="rt_letters_template").set_value("Ring på {telfon}.")
    _button(at, "Gem brevet").click().run()
    assert any("{telfon} findes ikke" in e.value.replace("\\", "") for e in at.error)
    assert repo.letter_setup().template == ""
    # a template of the team's own, then back to the default
    at.text_area(key="rt_letters_template").set_value("Kære beboer. Ring på {telefon}, {aabningstider}.")
    _button(at, "Gem brevet").click().run()
    assert repo.letter_setup().template == "Kære beboer. Ring på {telefon}, {aabningstider}."
    _button(at, "Gendan standardteksten").click().run()
    assert not at.exception, at.exception
    assert "Standardteksten er gendannet." in [s.value for s in at.success]
    assert repo.letter_setup().template == ""


def test_planner_edits_the_letter_on_the_focus_area_page_and_an_acronym_is_refused(app, demo_copy):
    at = _as(app, "planner", "ui/pages/focus_areas.py")
    assert "Brev til beboerne" in [x.label for x in at.expander]
    at.text_area(key="focus_letters_template").set_value("Vi er fra SSP. Ring på {telefon}.")
    _button(at, "Gem brevet").click().run()
    assert not at.exception, at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors and "forkortelser" in errors[0] and "SSP" in errors[0], errors
    assert Repository.open(str(demo_copy), "planner").letter_setup().template == ""
