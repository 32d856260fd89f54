"""The method's pages (issue 16) in the app, on a copy of the demo (its framing, assessed
reports and 22 courses): what the user sees after each step, in Danish and English.

- *Rammesætning*: the team lead sees the demo's period in words and saves a new period; the
  field worker reads it without a form.
- *Forløb*: the field worker sees only their own courses, logs a meeting and moves a course
  on; the team lead starts a course from an assessed report for a field worker.
- *Tragt og kanaler*: the totals and the channel table, the same numbers as the repository;
  the analyst's are rounded and said so.
- *Metodefasthed*: eight core elements, each with a symbol and its status in words.
- *Evaluering og økonomi*: the cost, the three scenarios with net gains in words, the welfare
  sentence; the planner saves an item of the inputs and the scenarios change.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from detection import clock
from detection.repository import Repository
from tests.ui.navigation import button, demo_app, signed_in
from tests.ui.test_charts import _charts

FRAMING, COURSES = "ui/pages/framing.py", "ui/pages/courses.py"
FUNNEL, FIDELITY, EVALUATION = "ui/pages/funnel.py", "ui/pages/fidelity.py", "ui/pages/evaluation.py"


@pytest.fixture()
def app(demo_copy, monkeypatch) -> AppTest:
    return demo_app(demo_copy, monkeypatch)


def _texts(at: AppTest) -> str:
    """What the page says, markdown escapes taken away."""
    return "\n".join(str(e.value).replace("\\", "") for kind in ("markdown", "caption", "success", "error", "warning", "info",
                                               "subheader") for e in getattr(at, kind))


def _english(at: AppTest) -> AppTest:
    at.selectbox(key="lang_select").set_value("en").run()
    return at


def test_framing__the_demo_period_in_words_and_a_new_period_saved(app, demo_copy):
    at = signed_in(app, "teamleder", FRAMING)
    assert [h.value for h in at.subheader][0] == "Rammerne for perioden 01.07.2026–31.12.2026"
    assert "(demo)" in _texts(at) and "20 kontakter" in _texts(at)
    at.selectbox(key="fr_pick").set_value("new").run()
    at.date_input(key="fr_from_new").set_value(date(2027, 1, 1))
    at.date_input(key="fr_to_new").set_value(date(2027, 6, 30))
    at.text_area(key="fr_target_new").set_value("Borgere i egen bolig, isolerede")
    at.number_input(key="fr_goal_contacts_new").set_value(12)
    button(at, "Gem").click().run()
    assert not at.exception, at.exception
    assert [s.value.replace("\\", "") for s in at.success] == ["Rammerne for 01.01.2027–30.06.2027 er gemt."]
    saved = Repository.open(str(demo_copy), "teamleder").framing(date(2027, 3, 1))
    assert saved.goals == {"contacts": 12} and saved.target_group == "Borgere i egen bolig, isolerede"
    # an overlapping period is refused in Danish, and nothing changes
    at.selectbox(key="fr_pick").set_value("new").run()
    at.date_input(key="fr_from_new").set_value(date(2027, 6, 1))
    at.date_input(key="fr_to_new").set_value(date(2027, 8, 31))
    button(at, "Gem").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Rammerne blev ikke gemt: Perioden overlapper en anden rammesat periode. Vælg datoer uden for den."]
    assert len(Repository.open(str(demo_copy), "teamleder").framings()) == 2


def test_framing__a_field_worker_reads_it_without_a_form(app):
    at = signed_in(app, "feltarbejder", FRAMING)
    assert "Planlæggeren og teamlederen sætter rammerne." in _texts(at)
    assert not at.get("form") and not [b for b in at.button if b.label == "Gem"]


def test_courses__the_field_worker_sees_only_their_own_logs_a_meeting_and_moves_one_on(app, demo_copy):
    mine = Repository.open(str(demo_copy), "feltarbejder").courses(open_only=True)
    assert mine and {c["owner"] for c in mine} == {"feltarbejder"}
    at = signed_in(app, "feltarbejder", COURSES)
    table = next(d.value for d in at.dataframe if "Fase" in d.value.columns)
    assert len(table) == len(mine) and "Medarbejder" not in table.columns  # their own: no owner column
    assert set(table["Fase"]) <= {"kontaktskabelse", "relationsarbejde", "brobygning"}
    assert set(table["Kanal"]) <= {"Henvendelse", "Dør til dør", "Begge"}
    contact = next(c for c in mine if c["stage"] in ("contact", "relationship"))
    at.selectbox(key="co_pick").set_value(contact["course_id"]).run()
    before = contact["meetings"]
    at.selectbox(key="co_meeting_kind").set_value("phone")
    at.number_input(key="co_meeting_min").set_value(25)
    button(at, "Gem mødet").click().run()
    assert not at.exception, at.exception
    assert [s.value.replace("\\", "") for s in at.success] == ["Mødet er gemt."]
    after = next(c for c in Repository.open(str(demo_copy), "feltarbejder").courses()
                 if c["course_id"] == contact["course_id"])
    assert after["meetings"] == before + 1 and after["last_meeting"] == clock.today().isoformat()
    meetings = next(d.value for d in at.dataframe if "Slags møde" in d.value.columns)
    assert "telefon" in set(meetings["Slags møde"]) and "25" in set(meetings["Minutter"])
    # the next stage: only the moves the method allows are offered
    at.selectbox(key="co_pick").set_value(contact["course_id"]).run()
    nxt = "relationship" if contact["stage"] == "contact" else "bridging"
    assert at.radio(key="co_stage_to").options == ["relationsarbejde" if nxt == "relationship" else "brobygning",
                                                   "afsluttet"]
    at.radio(key="co_stage_to").set_value(nxt)
    button(at, "Flyt forløbet").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.replace("\\", "").startswith("Forløbet er flyttet til ")
    # closing without a reason is refused in Danish; the course stays where it is
    at.selectbox(key="co_pick").set_value(contact["course_id"]).run()
    at.radio(key="co_stage_to").set_value("closed")
    button(at, "Flyt forløbet").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == ["Vælg en årsag til afslutningen (ved »andet« med en kort bemærkning)."]
    stage = next(c["stage"] for c in Repository.open(str(demo_copy), "feltarbejder").courses()
                 if c["course_id"] == contact["course_id"])
    assert stage == nxt


def test_courses__the_team_lead_starts_one_from_an_assessed_report(app, demo_copy):
    lead = Repository.open(str(demo_copy), "teamleder")
    cands = lead.course_candidates()
    assert cands, "the demo has assessed reports without a course"
    at = signed_in(app, "teamleder", COURSES)
    assert "Medarbejder" in next(d.value for d in at.dataframe if "Fase" in d.value.columns).columns
    at.selectbox(key="co_start_entrance").set_value(cands[0]["entrance_id"])
    at.selectbox(key="co_start_owner").set_value("feltarbejder2")
    button(at, "Start forløbet").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.replace("\\", "").startswith("Forløbet er startet: " + cands[0]["address"])
    new = [c for c in lead.courses() if c["entrance_id"] == cands[0]["entrance_id"] and c["stage"] == "contact"]
    assert len(new) == 1 and new[0]["owner"] == "feltarbejder2" and new[0]["origin"] == "report"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_funnel__totals_and_channels_as_the_repository_counts_them(app, demo_copy, lang):
    at = signed_in(app, "teamleder", FUNNEL)
    if lang == "en":
        _english(at)
    f = Repository.open(str(demo_copy), "teamleder").funnel(start=date(2026, 7, 1), end=date(2026, 12, 31))
    metrics = {m.label: m.value for m in at.metric}
    name = "Kontakter" if lang == "da" else "Contacts"
    contacts = next(s["count"] for s in f["stages"] if s["id"] == "contacts")
    assert contacts > 0 and metrics[name] == str(contacts)
    table = next(d.value for d in at.dataframe if ("I alt" if lang == "da" else "Total") in d.value.columns)
    assert list(table.columns)[:4] == (["Trin", "Henvendelse", "Dør til dør", "Begge"] if lang == "da"
                                       else ["Stage", "Partner report", "Door to door", "Both"])
    charts = _charts(at)  # the chart is drawn, not only the table: its bars are the channel counts
    assert len(charts) == 1
    drawn = charts[0][1]
    both = next(g for g in f["by_channel"] if g["channel"] == "both")["stages"]
    knocked = next(s["count"] for s in both if s["id"] == "doors_knocked")
    stage_name = "Døre banket på" if lang == "da" else "Doors knocked"
    assert drawn.loc[(drawn["fase"] == stage_name) & (drawn["kanal"] == ("Begge" if lang == "da" else "Both")),
                     "antal"].tolist() == [knocked]
    at.radio(key="fu_by").set_value("month").run()
    assert not at.exception, at.exception
    months = next(d.value for d in at.dataframe if ("Måned" if lang == "da" else "Month") in d.value.columns)
    assert len(months) == 6  # July to December


def test_funnel__the_analyst_sees_rounded_counts_and_is_told(app):
    at = signed_in(app, "analytiker", FUNNEL)
    assert any("afrundet til hele 5'ere" in i.value for i in at.info)
    for m in at.metric[:6]:  # the six stages (the medians follow)
        assert m.value == "<5" or int(m.value.replace(".", "")) % 5 == 0, (m.label, m.value)


def test_fidelity__eight_elements_each_with_a_symbol_and_words(app):
    at = signed_in(app, "teamleder", FIDELITY)
    table = next(d.value for d in at.dataframe if "Kerneelement" in d.value.columns)
    assert list(table["Kerneelement"]) == ["Rammesætning", "Geografisk afdækning", "Kommunikationsstrategi",
                                           "Indirekte opsporing", "Direkte opsporing", "Kontaktskabelse",
                                           "Relationsarbejde", "Brobygning og overdragelse"]
    assert all(s.split(" ", 1)[0] in "✓◐✗" and s.split(" ", 1)[1] in ("opfyldt", "delvist", "ikke opfyldt")
               for s in table["Status"])
    assert table["Status"].iloc[0] == "✓ opfyldt"  # the demo's period is framed in full
    assert any(v.endswith(" %") for v in table["Værdi"])


def test_evaluation__scenarios_and_the_planner_changes_an_input(app, demo_copy):
    at = signed_in(app, "planner", EVALUATION)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Borgere nået (forløb)"] == "22" and metrics["Udgift til indsatsen"].endswith(" kr.")
    table = next(d.value for d in at.dataframe if "Scenarie" in d.value.columns)
    assert list(table["Scenarie"]) == ["lav", "mellem", "høj"]
    assert any("Velfærdsgevinster" in i.value for i in at.info)
    before = Repository.open(str(demo_copy), "planner").evaluation()
    assert "Gem forudsætningerne" in [b.label for b in at.button]  # the planner may enter the inputs
    repo = Repository.open(str(demo_copy), "planner")
    data = repo.framing().economics
    data["scenarios"][2]["items"].append({"id": "ekstra", "name": "Færre udsættelser (test)", "kind": "prevented",
                                          "probability": 0.5, "unit_cost_dkk": 10_000})
    repo.set_economics(data)
    at.run()
    after = repo.evaluation()
    hoej = [s for s in after["scenarios"] if s["id"] == "hoej"][0]
    was = [s for s in before["scenarios"] if s["id"] == "hoej"][0]
    assert hoej["net_cost"] == was["net_cost"] - 22 * 5_000
    shown = next(d.value for d in at.dataframe if "Scenarie" in d.value.columns)
    assert shown["Nettoudgift"].iloc[2] == (f"{hoej['net_cost']:,} kr.".replace(",", ".") if hoej["net_cost"] >= 0
                                            else shown["Nettoudgift"].iloc[2])


def test_evaluation__english_and_no_editor_for_the_team_lead(app):
    at = signed_in(app, "teamleder", EVALUATION)
    _english(at)
    assert [h.value for h in at.subheader] == ["Three scenarios", "Management report"]
    assert "Make the report" in [b.label for b in at.button]  # the team lead makes the report too
    assert "Save the inputs" not in [b.label for b in at.button]


def test_routes_page__the_framing_gives_the_pairs_and_the_shift(app, demo_copy):
    from datetime import time, timedelta

    lead = Repository.open(str(demo_copy), "teamleder")
    current = lead.framing()  # the demo frames the half-year it was built in; else a period from today
    if current is not None:
        lead.set_framing(period_from=current.period_from, pairs=3, shift="08:30-14:30")
    else:
        lead.set_framing(period_from=clock.today(), period_to=clock.today() + timedelta(days=90), pairs=3,
                         shift="08:30-14:30")
    at = signed_in(app, "teamleder", "ui/pages/routes.py")
    assert at.number_input(key="rt_teams").value == 3
    assert (at.time_input(key="rt_shift_start").value, at.time_input(key="rt_shift_end").value) == (
        time(8, 30), time(14, 30))
