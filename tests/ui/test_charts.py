"""Issue 15: charts where people would rather look than read, with AppTest on the demo.

*Overblik* draws the reports per month by kind, *Samarbejdspartnere* each partner's reports
and what they led to. Each chart has Danish titles, and its data are the repository's counts
(the analyst's protected ones: no count below 5 is drawn or written). The demo build on an
empty database shows a progress bar with Danish step texts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from detection import clock
from detection.privacy import publication_date
from detection.repository import Repository
from detection.vocab import KIND_BY_ID
from ui.charts import month_text, partner_yield_frame, signals_per_month_table

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DANISH_MONTH = re.compile(r"^(jan\.|feb\.|mar\.|apr\.|maj|jun\.|jul\.|aug\.|sep\.|okt\.|nov\.|dec\.) \d{4}$")


@pytest.fixture()
def app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv("OPSPOR_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(APP, default_timeout=90)


def _charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Every Altair chart on the page: its Vega-Lite spec and its data (one dataset each)."""
    out = []
    for el in at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in el.proto.datasets]
        if el.proto.data.data:
            frames.append(pa.ipc.open_stream(el.proto.data.data).read_pandas())
        assert len(frames) == 1, f"expected one dataset per chart, got {len(frames)}"
        out.append((spec, frames[0]))
    return out


def _chart(at: AppTest, title: str) -> tuple[dict, pd.DataFrame]:
    charts = _charts(at)
    found = [c for c in charts if c[0].get("title") == title]
    assert found, f"no chart titled {title!r}; titles: {[c[0].get('title') for c in charts]}"
    return found[0]


def _titles(spec: dict) -> dict[str, str]:
    return {ch: enc.get("title") or (enc.get("axis") or {}).get("title")
            for ch, enc in spec["encoding"].items() if isinstance(enc, dict)}


def _as(app: AppTest, user: str) -> AppTest:
    at = app.run()
    at.selectbox(key="demo_user").set_value(user).run()
    assert not at.exception, at.exception
    return at


# ------------------------------------------------------------------ Overblik


def test_overview_chart__planner_sees_every_report_per_month_and_kind(app, demo_db):
    at = _as(app, "planner")
    at.switch_page("ui/pages/overview.py").run()
    assert not at.exception, at.exception
    spec, data = _chart(at, "Henvendelser pr. måned")
    titles = _titles(spec)
    assert titles["x"] == "Måned" and titles["y"] == "Henvendelser" and titles["color"] == "Type henvendelse"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Måned", "Type henvendelse", "Henvendelser"]
    assert spec["encoding"]["y"]["axis"]["format"] == ",d"  # whole numbers
    # the legend names every series (not colour alone), in Danish
    assert set(spec["encoding"]["color"]["scale"]["domain"]) == set(data["type"])
    assert all(DANISH_MONTH.match(m) for m in spec["encoding"]["x"]["scale"]["domain"])
    # the data are the repository's counts
    truth = Repository.open(str(demo_db), "planner").signals_per_month()
    want = {(month_text(m, "da"), KIND_BY_ID[k].name("da"), int(v)) for m, k, v in truth.itertuples(index=False)}
    got = {(m, k, int(v)) for m, k, v in zip(data["maaned"], data["type"], data["antal"], strict=True)}
    assert got == want
    assert len(data) == len(truth)
    # the numbers behind the chart, in an expander, add up to the count of reports shown above
    table = next(d.value for d in at.dataframe if "Måned" in d.value.columns)
    total = sum(int(str(v).replace(".", "")) for v in table.drop(columns=["Måned"]).to_numpy().ravel())
    assert total == int(truth["signals"].sum())


def test_overview_chart__analyst_sees_only_protected_counts(app, demo_db):
    at = _as(app, "analytiker")
    at.switch_page("ui/pages/overview.py").run()
    assert not at.exception, at.exception
    assert any("multiplum af 5" in i.value for i in at.info)
    spec, data = _chart(at, "Henvendelser pr. måned")
    assert _titles(spec)["y"] == "Henvendelser"
    shown = Repository.open(str(demo_db), "analytiker").signals_per_month()
    drawn = shown[shown["signals"] != "<5"]
    want = {(month_text(m, "da"), KIND_BY_ID[k].name("da"), int(v)) for m, k, v in drawn.itertuples(index=False)}
    got = {(m, k, int(v)) for m, k, v in zip(data["maaned"], data["type"], data["antal"], strict=True)}
    assert got == want
    # no count below the threshold anywhere: not drawn, not in the tooltip text, not in the table
    assert all(v >= 5 and v % 5 == 0 for v in data["antal"]), list(data["antal"])
    assert not set(data["antal_tekst"]) & {"0", "1", "2", "3", "4"}
    table = next(d.value for d in at.dataframe if "Måned" in d.value.columns)
    cells = [str(v) for v in table.drop(columns=["Måned"]).to_numpy().ravel()]
    assert cells and all(c == "<5" or (int(c.replace(".", "")) >= 5 and int(c.replace(".", "")) % 5 == 0)
                         for c in cells), cells
    # up to the publication point only (the last day of the last complete month)
    pub = f"{publication_date(clock.today()):%Y-%m}"
    assert (shown["month"] <= pub).all()
    assert spec["encoding"]["x"]["scale"]["domain"][-1] == month_text(max(shown["month"]), "da")


# ------------------------------------------------------------------ Samarbejdspartnere


@pytest.mark.parametrize("user", ["planner", "teamleder"])
def test_partner_yield_chart__reports_and_what_they_led_to(app, demo_db, user):
    at = _as(app, user)
    at.switch_page("ui/pages/partners.py").run()
    assert not at.exception, at.exception
    spec, data = _chart(at, "Henvendelser og hvad de førte til")
    titles = _titles(spec)
    assert titles["y"] == "Samarbejdspartner" and titles["x"] == "Antal henvendelser"
    assert titles["color"] == "Opgørelse"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Henvendelser", "Vurderet", "I målgruppen"]
    as_of = at.date_input(key="par_as_of").value
    totals = pd.DataFrame(Repository.open(str(demo_db), user).partner_yield(as_of=as_of)["totals"])
    want = set()
    for rec in totals.to_dict("records"):
        for col, word in (("reports", "Henvendelser"), ("assessed", "Vurderet"),
                          ("in_target_group", "I målgruppen")):
            if rec[col]:
                want.add((rec["name"], word, int(rec[col])))
    got = {(p, s, int(v)) for p, s, v in zip(data["partner"], data["serie"], data["antal"], strict=True)}
    assert got == want and got
    # partners by name, never an id
    assert not data["partner"].str.fullmatch(r"[0-9a-f-]{36}").any()
    assert any("Tallene står i tabellen ovenfor" in c.value for c in at.caption)


# ------------------------------------------------------------------ the pure chart helpers


def test_month_text__danish_and_english():
    assert month_text("2026-11", "da") == "nov. 2026"
    assert month_text("2026-05", "da") == "maj 2026"
    assert month_text("2026-05", "en") == "May 2026"


def test_partner_yield_frame__a_protected_small_count_is_not_drawn():
    totals = pd.DataFrame([{"partner_id": "x", "name": "Vicevært (fiktiv)", "reports": 15, "assessed": "<5",
                            "in_target_group": "<5", "target_share": 0.0}])
    data = partner_yield_frame(totals, "da")
    assert data[["partner", "serie", "antal"]].values.tolist() == [["Vicevært (fiktiv)", "Henvendelser", 15]]


def test_signals_per_month_table__a_protected_empty_cell_reads_small():
    df = pd.DataFrame({"month": ["2026-09", "2026-10"], "kind": ["neighbour_complaint"] * 2, "signals": [5, "<5"]})
    exact = signals_per_month_table(df.assign(signals=[1816, 3]), "da", protected=False)
    assert exact.to_dict("list") == {"Måned": ["sep. 2026", "okt. 2026"], "naboklage": ["1.816", "3"]}
    shown = signals_per_month_table(df, "da", protected=True)
    assert shown["naboklage"].tolist() == ["5", "<5"]


# ------------------------------------------------------------------ the demo build's progress bar


def test_demo_build__a_progress_bar_with_danish_steps(tmp_path, monkeypatch):
    """On an empty database the demo button builds the demo with a bar that names each step
    in Danish. (AppTest sees only the end of a run: a stand-in build stops after two steps.)"""
    import ui.pages.no_workspace as page

    def two_steps_then_stop(repo, *, as_of, progress):  # noqa: ANN001, ARG001
        progress(0.0, "register")
        progress(0.3, "store")
        raise RuntimeError("stopped by the test")

    monkeypatch.setenv("OPSPOR_DB", str(tmp_path / "empty.sqlite"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(page, "install_demo", two_steps_then_stop)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    at.button[0].click().run()
    bars = at.get("progress")
    assert len(bars) == 1
    assert bars[0].proto.value == 30
    assert bars[0].proto.text == "Gemmer arbejdsområdet og de opdigtede henvendelser …"


def test_demo_build__the_real_build_ends_on_the_map(tmp_path, monkeypatch):
    import ui.pages.no_workspace as page

    seen: list[str] = []
    real = page.install_demo

    def recording(repo, *, as_of, progress):  # noqa: ANN001
        real(repo, as_of=as_of, progress=lambda f, s: (seen.append(page._step_text(s, "da")), progress(f, s)))

    monkeypatch.setenv("OPSPOR_DB", str(tmp_path / "empty.sqlite"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(page, "install_demo", recording)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert seen[0] == "Læser adresser, veje og sogne for Samsø …" and seen[-1] == "Demoen er klar."
    assert "Bygger demo …" not in seen  # every step has its own words
    assert at.selectbox(key="demo_user").value == "planner"  # the demo opened, signed in


def test_signals_per_month__a_month_without_reports_is_on_the_axis_and_in_the_table():
    from ui.charts import signals_per_month_chart

    df = pd.DataFrame({"month": ["2026-09", "2026-11"], "kind": ["landlord_report"] * 2, "signals": [2, 1]})
    spec = signals_per_month_chart(df, "da").to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["sep. 2026", "okt. 2026", "nov. 2026"]
    table = signals_per_month_table(df, "da", protected=False)
    assert table["udlejerhenvendelse"].tolist() == ["2", "0", "1"]
