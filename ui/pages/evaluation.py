"""Evaluering: what the effort cost and what it may give (issue 16) — the cost from the
framing (team hours × hourly cost + other costs), the citizens reached (courses started),
and three scenarios (lav, mellem, høj) from the municipality's own SØM unit prices and
probabilities. No figures are shipped as defaults; welfare gains are not counted, as in the
method's evaluation (docs/evaluation.md)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.access import allowed
from detection.errors import InputError
from detection.method.economics import SCENARIO_IDS, SCENARIO_NAMES
from ui import session
from ui.i18n import t
from ui.period import period_picker
from ui.text import md_escape
from ui.widgets import date_text, error_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("ev_heading", lg))
st.caption(t("ev_caption", lg))

start, end = period_picker(repo, lg)
try:
    ev = repo.evaluation(start=start, end=end)
except InputError as exc:
    st.error(md_escape(error_text(exc, lg)))
    st.stop()
if ev["protected"]:
    st.info(t("fu_protected", lg).format(to=date_text(ev["period"]["to"], lg)))


def _kr(v: object) -> str:
    return "–" if v is None else f"{number_text(v, lg, decimals=0)} kr."


c = st.columns(3)
c[0].metric(t("ev_cost_total", lg), _kr(ev["cost_total"]))
c[1].metric(t("ev_citizens", lg), number_text(ev["citizens_reached"], lg))
c[2].metric(t("ev_cost_per_citizen", lg), _kr(ev["cost_per_citizen"]))
if ev["team_hours"] is not None:
    st.caption(t("ev_cost_basis", lg).format(hours=number_text(ev["team_hours"], lg, decimals=0),
                                             rate=_kr(ev["hourly_cost_dkk"]), other=_kr(ev["other_costs_dkk"])))
st.caption(t("ev_by_channel", lg).format(**{ch: number_text(v, lg) for ch, v in ev["by_channel"].items()}))
for m in ev["missing"]:
    st.warning(t(f"ev_missing_{m}", lg))

st.subheader(t("ev_scenarios", lg))


def _net(v: object) -> str:
    if v is None:
        return "–"
    return _kr(v) if float(v) >= 0 else t("ev_net_gain", lg).format(amount=_kr(-float(v)))


st.dataframe(pd.DataFrame({
    t("ev_scenario", lg): [SCENARIO_NAMES[s["id"]] for s in ev["scenarios"]],
    t("ev_added", lg): [_kr(s["added_dkk"]) for s in ev["scenarios"]],
    t("ev_prevented", lg): [_kr(s["prevented_dkk"]) for s in ev["scenarios"]],
    t("ev_net", lg): [_net(s["net_cost"]) for s in ev["scenarios"]],
    t("ev_net_per_citizen", lg): [_net(s["net_cost_per_citizen"]) for s in ev["scenarios"]],
}), hide_index=True, use_container_width=True, key="ev_table")
st.info(t("ev_welfare", lg))

# --- the management report: for a manager or a politician (protected, no address), PDF or Excel
st.subheader(t("ev_report", lg))
st.caption(t("ev_report_caption", lg))
if st.button(t("ev_report_make", lg), key="ev_report_make"):
    from detection.method.report import report_pdf, report_xlsx

    data = repo.management_report(start=start, end=end)
    stem = f"ledelsesrapport_{data.period_from.isoformat()}_{data.period_to.isoformat()}"
    st.session_state["ev_report"] = (stem, report_pdf(data, lang=lg), report_xlsx(data, lang=lg))
if "ev_report" in st.session_state:
    stem, pdf, xlsx = st.session_state["ev_report"]
    c1, c2 = st.columns(2)
    c1.download_button(t("ev_report_pdf", lg), data=pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                       key="ev_report_pdf")
    c2.download_button(t("ev_report_xlsx", lg), data=xlsx, file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="ev_report_xlsx")

# --- the municipality's inputs: one row per item and scenario (planner, analyst)
if allowed(repo.actor.role, "economics.write"):
    st.subheader(t("ev_inputs", lg))
    st.caption(t("ev_inputs_caption", lg))
    framing = repo.framing(end) or repo.framing()
    # the table shows words, never codes: scenario names and the kind in the UI's language
    kinds = {"added": t("ev_kind_added", lg), "prevented": t("ev_kind_prevented", lg)}
    rows = []
    for sc in ((framing.economics or {}).get("scenarios", []) if framing else []):
        for it in sc.get("items", []):
            rows.append({**it, "scenario": SCENARIO_NAMES[sc["id"]], "kind": kinds.get(it.get("kind"), it.get("kind"))})
    cols = ["scenario", "id", "name", "kind", "probability", "unit_cost_dkk", "quantity"]
    df = pd.DataFrame(rows, columns=cols)
    edited = st.data_editor(df, num_rows="dynamic", hide_index=True, use_container_width=True, key="ev_editor",
                            disabled=framing is None, column_config={
        "scenario": st.column_config.SelectboxColumn(t("ev_scenario", lg), options=[SCENARIO_NAMES[x] for x in SCENARIO_IDS], required=True),
        "id": st.column_config.TextColumn(t("ev_item_id", lg), help=t("ev_item_id_help", lg), required=True),
        "name": st.column_config.TextColumn(t("ev_item_name", lg), required=True),
        "kind": st.column_config.SelectboxColumn(t("ev_item_kind", lg), options=list(kinds.values()),
                                                 help=t("ev_item_kind_help", lg), required=True),
        "probability": st.column_config.NumberColumn(t("ev_item_prob", lg), min_value=0.0, max_value=1.0,
                                                     step=0.01, help=t("ev_item_prob_help", lg), required=True),
        "unit_cost_dkk": st.column_config.NumberColumn(t("ev_item_price", lg), min_value=0.0, step=100.0,
                                                       help=t("ev_item_price_help", lg), required=True),
        "quantity": st.column_config.NumberColumn(t("ev_item_qty", lg), min_value=0.0, step=1.0,
                                                  help=t("ev_item_qty_help", lg)),
    })
    if framing is None:
        st.caption(t("ev_inputs_need_framing", lg))
    elif st.button(t("ev_inputs_save", lg), type="primary", key="ev_inputs_save"):
        items: dict[str, list[dict]] = {s: [] for s in SCENARIO_IDS}
        scenario_of = {SCENARIO_NAMES[x]: x for x in SCENARIO_IDS}
        kind_of = {v: k for k, v in kinds.items()}
        for r in edited.to_dict("records"):
            if not r.get("scenario") and not r.get("id"):
                continue  # an empty new row
            item = {k: r.get(k) for k in ("id", "name", "probability", "unit_cost_dkk")}
            item["kind"] = kind_of.get(r.get("kind"), r.get("kind"))
            if r.get("quantity") is not None and r.get("quantity") == r.get("quantity"):
                item["quantity"] = r["quantity"]
            items.setdefault(scenario_of.get(r.get("scenario"), str(r.get("scenario"))), []).append(item)
        try:
            repo.set_economics({"scenarios": [{"id": s, "items": v} for s, v in items.items()]},
                               on=framing.period_from)
        except InputError as exc:
            st.error(md_escape(t("ev_inputs_refused", lg).format(detail=error_text(exc, lg))))
        else:
            st.success(t("ev_inputs_saved", lg))
            st.rerun()
