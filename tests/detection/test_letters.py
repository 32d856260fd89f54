"""Letters for doors where nobody opened (issue 17): one A4 page per dwelling, plain Danish,
no health word, no acronym; the template is a setting the team lead or planner edits."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from detection.cli.main import main
from detection.clock import COPENHAGEN
from detection.errors import InputError, NotAllowed
from detection.routes.field_files import pdf_text, walk_list_pdf
from detection.routes.letters import (
    DEFAULT_TEMPLATE,
    LetterSetup,
    check_template,
    letters_file_name,
    plan_letters,
    plan_letters_pdf,
    sample_letter_pdf,
)
from detection.store import engine as store_engine
from detection.store import schema as t
from detection.wording import acronyms, health_words
from tests.detection.conftest import make_workspace, role_user
from tests.detection.test_routes_repo import _add_focus_area

SETUP = LetterSetup(phone="70 20 30 40", hours="mandag-fredag kl. 9-15")


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


@pytest.fixture(scope="module")
def _template(tmp_path_factory):
    """A Nordby workspace with a plan whose doors are due letters: one entrance marked not
    home as a whole (task "letter": every unit), one unit of another entrance (a visit
    with ``letter_units``), with one attempt before a letter."""
    path = tmp_path_factory.mktemp("letters") / "template.sqlite"
    admin = make_workspace(f"sqlite:///{path}")
    _add_focus_area(admin)
    lead = admin.as_user(role_user("team_lead"))
    first = lead.plan_routes("Nordby centrum", teams=1, days=1, shift="09:00-12:00", as_of=date(2026, 11, 1),
                             seconds=1.0)
    stops = [s for r in first["routes"] for s in r["stops"]]
    e_whole, e_one = stops[0]["entrance_id"], stops[1]["entrance_id"]
    with store_engine.write_tx(admin.engine) as conn:  # the Nordby extract has no flats: add some
        conn.execute(insert(t.units), [
            {"unit_id": "U-W1", "entrance_id": e_whole, "floor": "st", "door": "tv"},
            {"unit_id": "U-W2", "entrance_id": e_whole, "floor": "1", "door": "th"},
            {"unit_id": "U-W3", "entrance_id": e_whole, "floor": "2", "door": "th"},
            {"unit_id": "U-O1", "entrance_id": e_one, "floor": "1", "door": "tv"},
            {"unit_id": "U-O2", "entrance_id": e_one, "floor": "1", "door": "th"}])
    at = datetime(2026, 11, 2, 10, tzinfo=COPENHAGEN)
    lead.mark_entrance_not_home(e_whole, visited_at=at)
    lead.record_outcome(e_one, "not_home", visited_at=at, unit_id="U-O1")
    whole = {"entrance_id": e_whole, "units": ["U-W1", "U-W2", "U-W3"], "unit_labels": ["st. tv", "1. th", "2. th"],
             "address": stops[0]["address"]}
    one = {"entrance_id": e_one, "units": ["U-O1", "U-O2"], "unit_labels": ["1. tv", "1. th"],
           "address": stops[1]["address"]}
    admin.engine.dispose()
    return path, whole, one


@pytest.fixture()
def nordby(_template, tmp_path):
    from detection.repository import Repository

    src, whole, one = _template
    path = tmp_path / "nordby.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{src}{suffix}").exists():
            shutil.copy(f"{src}{suffix}", f"{path}{suffix}")
    return Repository.open(f"sqlite:///{path}", "admin"), whole, one


def _letter_plan(lead):
    return lead.plan_routes("Nordby centrum", teams=1, days=1, shift="09:00-12:00", as_of=date(2026, 11, 2),
                            from_date=date(2026, 11, 3), seconds=1.0, attempts=1)


def test_a_letter_per_unit_in_walking_order_with_no_health_word_and_no_acronym(nordby):
    admin, whole, one = nordby
    lead = admin.as_user(role_user("team_lead"))
    lead.set_letter_setting("team_phone", "70 20 30 40")
    lead.set_letter_setting("team_hours", "mandag-fredag kl. 9-15")
    plan = _letter_plan(lead)
    stops = {s["entrance_id"]: s for r in plan["routes"] for s in r["stops"]}
    assert stops[whole["entrance_id"]]["task"] == "letter"
    assert stops[one["entrance_id"]]["letter_units"] == [one["units"][0]]
    letters = plan_letters(plan)
    # every unit of the letter door, and the one unit at the visit door, by its label
    expected = len(whole["units"]) + 1
    assert len(letters) == expected
    assert [lt.unit for lt in letters if lt.entrance_id == one["entrance_id"]] == [one["unit_labels"][0]]
    # in walking order
    seq = {s["entrance_id"]: s["seq"] for r in plan["routes"] for s in r["stops"]}
    assert [seq[lt.entrance_id] for lt in letters] == sorted(seq[lt.entrance_id] for lt in letters)
    data = plan_letters_pdf(plan, lead.letter_setup())
    assert data[:5] == b"%PDF-" and _pages(data) == expected
    text = pdf_text(data)
    assert text.count("Til beboeren") == expected
    assert health_words(text) == [] and acronyms(text) == []
    flat = " ".join(text.split())  # lines wrap anywhere
    assert "70 20 30 40" in flat and "mandag-fredag kl. 9-15" in flat
    assert "3. november 2026" in text  # the day the route walks, in Danish
    street = whole["address"].split(", ")[0]
    assert f"{street}, {whole['unit_labels'][0]}" in text
    assert plan["plan_id"] not in text and "Dear" not in text
    # the walk list names the units that get a letter by their labels, never by their ids
    route = next(r for r in plan["routes"] if any(x["entrance_id"] == one["entrance_id"] for x in r["stops"]))
    walk = pdf_text(walk_list_pdf(route, area=plan["area"]))
    assert f"Brev til: {one['unit_labels'][0]}" in walk and "U-O1" not in walk


def test_pdf_check_would_catch_a_health_word_or_an_acronym():
    # the scan used above is not blind: an address with such words shows up in the text
    from detection.routes.letters import Letter, letters_pdf

    data = letters_pdf([Letter("Psykiatrivej 1, 8305 Samsø", "SSP", date(2026, 12, 1), "r", 1, "e")], SETUP)
    text = pdf_text(data)
    assert health_words(text) == ["psykiatri"] and acronyms(text) == ["SSP"]


def test_default_template_passes_its_own_guard_and_reads_plainly():
    assert check_template(DEFAULT_TEMPLATE) == DEFAULT_TEMPLATE.strip()
    text = pdf_text(sample_letter_pdf(SETUP, day=date(2026, 12, 1)))
    assert "1. december 2026" in text and "Til beboeren" in text and "Eksempelvej 1, 2. th" in text
    assert "{" not in text and health_words(text) == [] and acronyms(text) == []


@pytest.mark.parametrize(("template", "code", "named"), [
    ("Vi er fra psykiatrien. Ring {telefon}.", "letter_health_word", "psykiatri"),
    ("Kære sindslidende beboer", "letter_health_word", "sindslid"),
    ("Vi er fra SØM-teamet. Ring {telefon}.", "letter_acronym", "SØM"),
    ("Støtte efter § 99. Ring {telefon}.", "letter_acronym", "§"),
    ("Ring til ACT på {telefon}.", "letter_acronym", "ACT"),
    ("Ring {telfon} eller kom forbi.", "letter_placeholder", "telfon"),
    ("", "letter_template_empty", ""),
])
def test_a_bad_template_is_refused_naming_what_and_the_old_one_kept(nordby, template, code, named):
    admin, _, _ = nordby
    planner = admin.as_user(role_user("planner"))
    mine = "Hej {adresse}. Ring på {telefon}, {aabningstider}. Hilsen {team}"
    planner.set_letter_template(mine)
    if code == "letter_template_empty":  # empty means "restore the default", not an error
        assert planner.set_letter_template(template).text == DEFAULT_TEMPLATE
        return
    with pytest.raises(InputError, match=re.escape(named)) as err:
        planner.set_letter_template(template)
    assert err.value.code == code
    assert planner.letter_setup().template == mine


def test_template_longer_than_one_setting_row_round_trips_and_restores_the_default(nordby):
    admin, _, _ = nordby
    lead = admin.as_user(role_user("team_lead"))
    long = ("Kære beboer, vi har banket på i dag. " * 30 + "Ring {telefon}.").strip()
    assert len(long) > 1000
    assert lead.set_letter_template(long).template == long
    assert lead.letter_settings()["letter_template"] == long
    assert lead.set_letter_template(None).template == ""
    assert lead.letter_settings()["letter_template"] == DEFAULT_TEMPLATE
    assert lead.letter_settings()["letter_template_default"] is True


def test_only_team_lead_and_planner_write_letter_settings(nordby):
    admin, _, _ = nordby
    for role in ("field_worker", "analyst", "administrator"):
        with pytest.raises(NotAllowed):
            admin.as_user(role_user(role)).set_letter_template("Ring {telefon}.")
    admin.as_user(role_user("planner")).set_letter_setting("team_phone", "+45 70 20 30 40")
    assert admin.as_user(role_user("analyst")).letter_setup().phone == "+45 70 20 30 40"


def test_phone_or_hours_missing__a_clear_error_naming_the_setting_and_how():
    with pytest.raises(InputError, match=r"team_phone.*opspor settings --set team_phone=") as err:
        sample_letter_pdf(LetterSetup(hours="kl. 9-15"))
    assert err.value.code == "letter_setting_missing"
    with pytest.raises(InputError, match=r"team_hours.*--set team_hours="):
        sample_letter_pdf(LetterSetup(phone="70 20 30 40"))


def test_letter_settings_are_checked_too(nordby):
    admin, _, _ = nordby
    lead = admin.as_user(role_user("team_lead"))
    with pytest.raises(InputError, match="not a phone number") as err:
        lead.set_letter_setting("team_phone", "ring til Bo")
    assert err.value.code == "letter_phone"
    with pytest.raises(InputError, match="SSP"):
        lead.set_letter_setting("team_name", "SSP-teamet")
    with pytest.raises(InputError, match="psykiatri"):
        lead.set_letter_setting("team_hours", "psykiatrien har åbent kl. 9-15")


def test_cli_plan_routes_out_writes_the_letters_and_the_letters_command(nordby, tmp_path, capsys):
    admin, whole, one = nordby
    url = str(admin.engine.url)
    base = ["--db", url, "--user", role_user("team_lead")]
    # without a phone number: the plan and walk lists are written, the letters say what is missing
    args = ["plan-routes", "--area", "Nordby centrum", "--teams", "1", "--days", "1", "--shift", "09:00-12:00",
            "--seconds", "1", "--as-of", "2026-11-02", "--from", "2026-11-03", "--attempts", "1", "--json"]
    assert main([*base, *args, "--out", str(tmp_path / "a")]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["letters"]["error"]["code"] == "letter_setting_missing"
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith("breve")]
    assert main([*base, "settings", "--set", "team_phone=70 20 30 40",
                 "--set", "team_hours=mandag-fredag kl. 9-15", "--json"]) == 0
    settings = json.loads(capsys.readouterr().out)["settings"]
    assert settings["team_phone"] == "70 20 30 40" and settings["letter_template_default"] is True
    assert main([*base, *args, "--out", str(tmp_path / "b")]) == 0
    plan = json.loads(capsys.readouterr().out)
    name = letters_file_name(plan)
    assert name.startswith("breve_nordby-centrum_2026-11-03") and plan["plan_id"] not in name
    data = (tmp_path / "b" / name).read_bytes()
    assert _pages(data) == plan["letters"]["letters"] == len(whole["units"]) + 1
    assert str(tmp_path / "b" / name) in plan["files"]
    # a template from a file, and back to the default
    f = tmp_path / "brev.txt"
    f.write_text("Kære beboer\n\nRing på {telefon}, {aabningstider}.\n\nHilsen {team}", encoding="utf-8")
    assert main([*base, "settings", "--set", f"letter_template=@{f}", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["settings"]
    assert got["letter_template"].startswith("Kære beboer\n\nRing på {telefon}") and not got["letter_template_default"]
    assert main([*base, "settings", "--set", "letter_template=", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["settings"]["letter_template_default"] is True
    # the standalone command
    assert main([*base, "letters", "--plan", plan["plan_id"], "--out", str(tmp_path / "c" / "breve.pdf"),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert _pages((tmp_path / "c" / "breve.pdf").read_bytes()) == out["letters"]
    # a template with a health word through the CLI: exit 1, the code, the word
    assert main([*base, "settings", "--set", "letter_template=Fra psykiatrien: ring {telefon}", "--json"]) == 1
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "letter_health_word" and "psykiatri" in err["message"]
    # a field worker may not print a plan's letters
    assert main(["--db", url, "--user", role_user("field_worker"), "letters", "--plan", plan["plan_id"],
                 "--out", str(tmp_path / "d.pdf"), "--json"]) == 3
