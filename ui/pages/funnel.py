"""Tragt: the funnel of the method (issue 16) — reports → assessed in the target group →
doors knocked → contacts → relationships → handovers — by channel, month or area, with the
rates between stages and the median days from first report to contact and from contact
to handover. Analysts see it under the disclosure policy (the repository applies it)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.errors import InputError
from ui import session
from ui.charts import FUNNEL_STAGES, funnel_chart, month_text
from ui.i18n import t
from ui.period import period_picker
from ui.text import md_escape
from ui.widgets import date_text, error_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("fu_heading", lg))
st.caption(t("fu_caption", lg))

start, end = period_picker(repo, lg)
by = st.radio(t("fu_by", lg), ["channel", "month", "area"], horizontal=True, key="fu_by",
              format_func=lambda k: t(f"fu_by_{k}", lg))
try:
    f = repo.funnel(start=start, end=end, by=by)
except InputError as exc:
    st.error(md_escape(error_text(exc, lg)))
    st.stop()
if f["protected"]:
    st.info(t("fu_protected", lg).format(to=date_text(f["period"]["to"], lg)))


def _rate(r: object) -> str:
    return "–" if r is None else f"{number_text(100 * float(r), lg, decimals=0)} %"


totals = {s["id"]: s for s in f["stages"]}
cols = st.columns(6)
for i, sid in enumerate(FUNNEL_STAGES):
    cols[i].metric(t(f"fu_stage_{sid}", lg), number_text(totals[sid]["count"], lg))

if by == "channel":
    chart = funnel_chart(f, lg)
    if len(chart.data):
        st.altair_chart(chart, use_container_width=True)
    table = pd.DataFrame({t("fu_stage", lg): [t(f"fu_stage_{s}", lg) for s in FUNNEL_STAGES]})
    for g in f["by_channel"]:
        table[t(f"co_channel_{g['channel']}", lg)] = [number_text(s["count"], lg) for s in g["stages"]]
    table[t("fu_total", lg)] = [number_text(totals[s]["count"], lg) for s in FUNNEL_STAGES]
    table[t("fu_rate", lg)] = [_rate(totals[s]["rate"]) for s in FUNNEL_STAGES]
    st.dataframe(table, hide_index=True, use_container_width=True, key="fu_table")
    st.caption(t("fu_channel_help", lg))
    if f.get("by_report_kind"):
        from detection.vocab import KIND_BY_ID

        st.markdown(f"**{t('fu_by_kind', lg)}**")
        st.dataframe(pd.DataFrame({
            t("fu_kind", lg): [KIND_BY_ID[g["kind"]].name(lg) if g["kind"] in KIND_BY_ID else g["kind"]
                               for g in f["by_report_kind"]],
            **{t(f"fu_stage_{sid}", lg): [number_text(next(s["count"] for s in g["stages"] if s["id"] == sid), lg)
                                          for g in f["by_report_kind"]]
               for sid in ("contacts", "relationships", "handovers")},
        }), hide_index=True, use_container_width=True, key="fu_kind_table")
else:
    key, label = ("by_month", "month") if by == "month" else ("by_area", "area")
    groups = f.get(key, [])
    if not groups:
        st.info(t("fu_nothing", lg))
    else:
        first = t("fu_month", lg) if by == "month" else t("fu_area", lg)
        rows = {first: [month_text(g["month"], lg) if by == "month" else (g["area"] or t("fu_no_area", lg))
                        for g in groups]}
        for i, sid in enumerate(FUNNEL_STAGES):
            rows[t(f"fu_stage_{sid}", lg)] = [number_text(g["stages"][i]["count"], lg) for g in groups]
        st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True, key=f"fu_{label}_table")
        if by == "month":
            import altair as alt

            long = pd.DataFrame([{"maaned": month_text(g["month"], lg), "orden": i, "fase": t(f"fu_stage_{s['id']}", lg),
                                  "antal": s["count"]} for i, g in enumerate(groups) for s in g["stages"]
                                 if s["id"] in ("contacts", "handovers") and not isinstance(s["count"], str)])
            if len(long):
                st.altair_chart(alt.Chart(long).mark_line(point=True).encode(
                    x=alt.X("maaned:N", sort=[month_text(g["month"], lg) for g in groups], title=None),
                    y=alt.Y("antal:Q", title=t("fu_count", lg)),
                    strokeDash=alt.StrokeDash("fase:N", title=t("fu_stage", lg)),
                    color=alt.Color("fase:N", title=t("fu_stage", lg),
                                    scale=alt.Scale(range=["#1b4f72", "#c0392b"])),
                    tooltip=["maaned:N", "fase:N", "antal:Q"]), use_container_width=True)

st.subheader(t("fu_medians", lg))
m = f["medians"]
c1, c2 = st.columns(2)
for col, key in ((c1, "report_to_contact"), (c2, "contact_to_handover")):
    v = m[key]
    col.metric(t(f"fu_{key}", lg), "–" if v["median_days"] is None else
               t("fu_days", lg).format(n=number_text(v["median_days"], lg)),
               help=t("fu_median_n", lg).format(n=number_text(v["n"], lg)))
