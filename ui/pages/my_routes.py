"""Mine ruter: a field worker's own routes, stops in order, and recording outcomes per unit
or for the whole entrance (phone-friendly: one column, large buttons)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from detection import clock
from detection.clock import COPENHAGEN
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.vocab import OUTCOMES
from geo.addresses import format_address
from ui import session
from ui.i18n import t
from ui.text import md_escape

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("mr_heading", lg))
routes = repo.my_routes()
names = {o.id: o.name(lg) for o in OUTCOMES}


def _record(entrance_id: str, outcome: str, unit_id: str | None, note: str) -> None:
    try:
        repo.record_outcome(entrance_id, outcome, visited_at=clock.now_local(), unit_id=unit_id, note=note)
    except (InputError, NotAllowed) as exc:
        st.error(md_escape(exc))
    else:
        st.success(t("mr_recorded", lg).format(what=names[outcome]))


def _recorded_by_day() -> dict[tuple[str, str], list[str]]:
    """(entrance id, day) → the outcomes recorded there that day, oldest first (one audited
    read of the worker's own outcomes, so each stop can say what is done)."""
    if not routes:
        return {}
    df = repo.outcomes()
    out: dict[tuple[str, str], list[str]] = {}
    for e, when, what in zip(df["entrance_id"], df["visited_at"], df["outcome"], strict=True):
        ts = pd.Timestamp(when)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
        out.setdefault((e, ts.tz_convert(COPENHAGEN).date().isoformat()), []).append(what)
    return out


recorded = _recorded_by_day()
if not routes:
    st.write(t("mr_none", lg))
for r in routes:
    st.subheader(t("rt_route_label", lg).format(n=r["route_id"], team=r["team"], day=r["day"]))
    done = sum(1 for s in r["stops"] if recorded.get((s["entrance_id"], r["day"])))
    st.caption(t("mr_progress", lg).format(done=done, total=len(r["stops"])))
    for s in r["stops"]:
        arrive = datetime.fromisoformat(s["arrive"]).strftime("%H:%M")
        label = t("mr_stop", lg).format(seq=s["seq"], time=arrive, address=md_escape(s["address"]))
        got = recorded.get((s["entrance_id"], r["day"]))
        if got:  # a check mark and the word, not colour alone
            label += " — ✓ " + ", ".join(dict.fromkeys(names.get(o, o) for o in got))
        with st.expander(label):
            st.write(t(f"rt_task_{s['task']}", lg))
            key = f"{r['route_id']}_{s['seq']}"
            if st.button(t("mr_not_home_all", lg), key=f"nh_{key}", use_container_width=True):
                try:
                    repo.mark_entrance_not_home(s["entrance_id"], visited_at=clock.now_local())
                except (InputError, NotAllowed) as exc:
                    st.error(md_escape(exc))
                else:
                    st.success(t("mr_recorded", lg).format(what=names["not_home"]))
            units = list(zip(s["units"], s["unit_labels"], strict=True)) or [(None, t("rt_whole_entrance", lg))]
            for uid, label in units:
                with st.form(f"f_{key}_{uid}"):
                    choice = st.selectbox(t("mr_outcome", lg).format(unit=label), [""] + list(names),
                                          format_func=lambda c: names.get(c, t("mr_choose", lg)),
                                          key=f"o_{key}_{uid}")
                    note = st.text_input(t("mr_note", lg), key=f"n_{key}_{uid}", max_chars=2000)
                    if st.form_submit_button(t("mr_save", lg), use_container_width=True) and choice:
                        _record(s["entrance_id"], choice, uid, note)

# entrances assigned one by one (not through a route) are still listed
mine = repo.my_assignments()
on_routes = {s["entrance_id"] for r in routes for s in r["stops"]}
rest = mine[~mine["entrance_id"].isin(on_routes)]
if len(rest):
    st.subheader(t("mr_assigned_heading", lg))
    st.dataframe(pd.DataFrame({
        t("col_address", lg): [format_address(a.street, a.house_number, a.postcode, a.city)
                               for a in rest.itertuples(index=False)],
        t("col_team", lg): rest["team"].str.replace(",", ", "),
    }), hide_index=True)
elif mine.empty and not routes:
    st.write(t("my_routes_none", lg))
