"""Fremdrift: the team lead's progress overview (doors done and to go, outcomes, revisits), with
the pairs not checked out in time on top (pair safety, issue 17)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from detection import clock
from detection.vocab import OUTCOMES, area_words
from ui import session
from ui.i18n import t
from ui.widgets import date_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("pg_heading", lg))
st.caption(t("pg_caption", lg))

today = clock.today()
p = repo.team_progress(as_of=today)
routes: pd.DataFrame = p["routes"]
if routes.empty:
    st.info(t("pg_none", lg))
    st.stop()

# pair safety (issue 17), on top: pairs not checked out overdue_minutes after their shift ended,
# each route in words (day, pair, area), never a bare route id
overdue = repo.overdue_routes()
st.subheader(t("pg_overdue_heading", lg))
if overdue:
    st.warning(t("pg_overdue_warning", lg).format(n=len(overdue), minutes=repo.settings()["overdue_minutes"]))
    st.dataframe(pd.DataFrame({
        t("pg_overdue_route", lg): [t("pg_overdue_route_words", lg).format(
            day=date_text(o["day"], lg), team=o["team"], area=area_words(o["area"], lg)) for o in overdue],
        t("pg_members", lg): [", ".join(o["members"]) for o in overdue],
        t("pg_overdue_end", lg): [f"{date_text(o['shift_end'][:10], lg)} {o['shift_end'][11:16]}" for o in overdue],
        t("pg_overdue_minutes", lg): [number_text(o["minutes_over"], lg) for o in overdue],
        t("pg_overdue_checked_in", lg): [o["checked_in"]["at"][11:16] + " (" + o["checked_in"]["by"] + ")"
                                         if o["checked_in"] else t("pg_overdue_not_in", lg) for o in overdue],
    }), hide_index=True, use_container_width=True, key="pg_overdue_table")
else:
    st.success(t("pg_overdue_none", lg))

# doors marked unsafe wait for the lead's decision (as on the route page): approve one here too
unsafe = repo.unsafe_doors()
if unsafe:
    st.subheader(t("rt_unsafe_heading", lg))
    st.caption(t("pg_unsafe_caption", lg))
    with st.form("pg_unsafe_form"):
        words = {u["entrance_id"]: u["address"] for u in unsafe}
        pick = st.selectbox(t("rt_unsafe_pick", lg), list(words), format_func=words.get, key="pg_unsafe_pick")
        if st.form_submit_button(t("rt_unsafe_clear", lg)):
            repo.clear_unsafe(pick, note="cleared on the progress page")
            st.success(t("rt_unsafe_cleared", lg))

week = f"{today.isocalendar().year}-U{today.isocalendar().week:02d}"
this_week = routes[routes["week"] == week]
cols = st.columns(4)
cols[0].metric(t("pg_m_week_done", lg).format(week=today.isocalendar().week),
               number_text(int(this_week["done"].sum()), lg))
cols[1].metric(t("pg_m_week_to_go", lg).format(week=today.isocalendar().week),
               number_text(int(this_week["to_go"].sum()), lg))
cols[2].metric(t("pg_m_revisits", lg), number_text(p["revisits_due"], lg))
cols[3].metric(t("pg_m_unassigned", lg), number_text(len(p["unassigned"]), lg))

# the days as a stacked bar chart: visited and to go, in words and in two hatch-free colours
# that differ in lightness too (not colour alone: the legend names them)
st.subheader(t("pg_by_day", lg))
by_day = p["by_day"].copy()
by_day["label"] = [date_text(d, lg) for d in by_day["day"]]
long = pd.concat([
    pd.DataFrame({"dag": by_day["label"], "status": t("pg_done", lg), "antal": by_day["done"], "orden": 0}),
    pd.DataFrame({"dag": by_day["label"], "status": t("pg_to_go", lg), "antal": by_day["to_go"], "orden": 1}),
])
chart = (alt.Chart(long).mark_bar()
         .encode(x=alt.X("dag:N", title=t("pg_day", lg), sort=list(by_day["label"])),
                 y=alt.Y("antal:Q", title=t("pg_doors", lg), axis=alt.Axis(format="d")),
                 color=alt.Color("status:N", title="", scale=alt.Scale(range=["#1b4f72", "#aed6f1"])),
                 order=alt.Order("orden:Q"),
                 tooltip=[alt.Tooltip("dag:N", title=t("pg_day", lg)), alt.Tooltip("status:N", title=""),
                          alt.Tooltip("antal:Q", title=t("pg_doors", lg))])
         .properties(height=260))
st.altair_chart(chart, use_container_width=True)

st.subheader(t("pg_routes", lg))
table = pd.DataFrame({
    t("pg_day", lg): [date_text(d, lg) for d in routes["day"]],
    t("pg_pair", lg): [t("pg_pair_n", lg).format(n=n) for n in routes["team"]],
    t("pg_members", lg): [m.replace(",", ", ") if m else t("pg_no_members", lg) for m in routes["members"]],
    t("pg_area", lg): [area_words(a, lg) for a in routes["area"]],
    t("pg_doors", lg): [number_text(v, lg) for v in routes["doors"]],
    t("pg_done", lg): [number_text(v, lg) for v in routes["done"]],
    t("pg_to_go", lg): [number_text(v, lg) for v in routes["to_go"]],
})
st.dataframe(table, hide_index=True, use_container_width=True)

st.subheader(t("pg_by_week", lg))
st.dataframe(pd.DataFrame({
    t("pg_week", lg): [w.replace("-U", " uge ") if lg == "da" else w.replace("-U", " week ") for w in p["by_week"]["week"]],
    t("pg_doors", lg): [number_text(v, lg) for v in p["by_week"]["doors"]],
    t("pg_done", lg): [number_text(v, lg) for v in p["by_week"]["done"]],
    t("pg_to_go", lg): [number_text(v, lg) for v in p["by_week"]["to_go"]],
}), hide_index=True)

st.subheader(t("pg_outcomes", lg))
oc = pd.DataFrame({"udfald": [o.name(lg) for o in OUTCOMES],
                   "uge": [p["outcomes"][o.id]["week"] for o in OUTCOMES],
                   "alt": [p["outcomes"][o.id]["all"] for o in OUTCOMES]})
st.altair_chart(alt.Chart(oc).mark_bar(color="#1b4f72")
                .encode(y=alt.Y("udfald:N", title=t("pg_outcome", lg), sort=None),
                        x=alt.X("alt:Q", title=t("pg_all", lg), axis=alt.Axis(format="d")),
                        tooltip=[alt.Tooltip("udfald:N", title=t("pg_outcome", lg)),
                                 alt.Tooltip("uge:Q", title=t("pg_this_week", lg)),
                                 alt.Tooltip("alt:Q", title=t("pg_all", lg))])
                .properties(height=240), use_container_width=True)
st.dataframe(pd.DataFrame({t("pg_outcome", lg): oc["udfald"],
                           t("pg_this_week", lg): [number_text(v, lg) for v in oc["uge"]],
                           t("pg_all", lg): [number_text(v, lg) for v in oc["alt"]]}), hide_index=True)

un = p["unassigned"]
if un.empty:
    st.success(t("pg_all_assigned", lg))
else:
    st.warning(t("pg_unassigned", lg))
    st.dataframe(pd.DataFrame({
        t("pg_day", lg): [date_text(d, lg) for d in un["day"]],
        t("pg_pair", lg): [t("pg_pair_n", lg).format(n=n) for n in un["team"]],
        t("pg_area", lg): [area_words(a, lg) for a in un["area"]],
        t("pg_doors", lg): [number_text(v, lg) for v in un["doors"]],
    }), hide_index=True)
