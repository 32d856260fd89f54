"""Mine ruter: a field worker's own routes, stops in order, and recording outcomes per unit
or for the whole entrance (phone-friendly: one column, large buttons). An outcome recorded
today can be undone or corrected the same day.

Every save runs in a button callback, before the page is drawn again: the counter ("3 af
36") and the ✓ on each stop then show the outcome just saved, not the state before it.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.routes.outcomes import outcomes_by_day
from detection.vocab import OUTCOMES
from geo.addresses import format_address
from ui import session
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_text

repo: Repository = st.session_state["repo"]
lg = session.lang()
names = {o.id: o.name(lg) for o in OUTCOMES}
FLASH = "mr_flash"  # (stop key, "success" | "error", text): the last save's message, shown at its stop


def _flash(stop: str, kind: str, text: str) -> None:
    st.session_state[FLASH] = (stop, kind, text)


def _error_text(exc: Exception) -> str:
    return t("mr_not_allowed", lg) if isinstance(exc, NotAllowed) else str(exc)


def _record(stop: str, entrance_id: str, unit_id: str | None, widget: str, note_widget: str) -> None:
    """The stop form's callback: save the chosen outcome for one unit (or the entrance)."""
    outcome = st.session_state.get(widget) or ""
    if not outcome:
        return
    try:
        repo.record_outcome(entrance_id, outcome, visited_at=clock.now_local(), unit_id=unit_id,
                            note=st.session_state.get(note_widget) or "")
    except (InputError, NotAllowed) as exc:
        _flash(stop, "error", _error_text(exc))
    else:
        _flash(stop, "success", t("mr_recorded", lg).format(what=names[outcome]))
        st.session_state[widget] = ""
        st.session_state[note_widget] = ""


def _not_home(stop: str, entrance_id: str) -> None:
    try:
        repo.mark_entrance_not_home(entrance_id, visited_at=clock.now_local())
    except (InputError, NotAllowed) as exc:
        _flash(stop, "error", _error_text(exc))
    else:
        _flash(stop, "success", t("mr_recorded", lg).format(what=names["not_home"]))


def _undo(stop: str, outcome_id: str, what: str) -> None:
    try:
        repo.undo_outcome(outcome_id)
    except (InputError, NotAllowed) as exc:
        _flash(stop, "error", _error_text(exc))
    else:
        _flash(stop, "success", t("mr_undone", lg).format(what=names.get(what, what)))


def _edit(stop: str, outcome_id: str, old: str, widget: str) -> None:
    new = st.session_state.get(widget) or old
    try:
        repo.edit_outcome(outcome_id, new)
    except (InputError, NotAllowed) as exc:
        _flash(stop, "error", _error_text(exc))
    else:
        _flash(stop, "success", t("mr_edited", lg).format(old=names.get(old, old), what=names.get(new, new)))


st.title(t("mr_heading", lg))
routes = repo.my_routes()
# read after the callbacks above have saved: what the page shows is what is stored
outcomes = repo.outcomes() if routes else pd.DataFrame(
    columns=["outcome_id", "entrance_id", "unit_id", "outcome", "visited_at", "recorded_by", "recorded_at"])
recorded = outcomes_by_day(outcomes)  # (entrance, Copenhagen day) → outcomes that day, oldest first
today = clock.today()
mine_today = outcomes[(outcomes["recorded_by"] == repo.actor.name)
                      & pd.Series([v.date() == today for v in outcomes["recorded_at"]], index=outcomes.index,
                                  dtype=bool)]
flash = st.session_state.pop(FLASH, None)

if not routes:
    st.write(t("mr_none", lg))
for n, r in enumerate(routes, start=1):
    st.subheader(t("rt_route_label", lg).format(n=n, team=r["team"], day=date_text(r["day"], lg)))
    day = date.fromisoformat(r["day"])
    done = sum(1 for s in r["stops"] if recorded.get((s["entrance_id"], day)))
    st.caption(t("mr_progress", lg).format(done=done, total=len(r["stops"])))
    for s in r["stops"]:
        key = f"{r['route_id']}_{s['seq']}"
        unit_names = dict(zip(s["units"], s["unit_labels"], strict=True))
        arrive = datetime.fromisoformat(s["arrive"]).strftime("%H:%M")
        label = t("mr_stop", lg).format(seq=s["seq"], time=arrive, address=md_escape(s["address"]))
        got = recorded.get((s["entrance_id"], day))
        if got:  # a check mark and the word, not colour alone
            label += " — ✓ " + ", ".join(dict.fromkeys(names.get(o, o) for o in got))
        here = flash is not None and flash[0] == key
        with st.expander(label, expanded=here):
            if here:
                (st.success if flash[1] == "success" else st.error)(md_escape(flash[2]))
            st.write(t(f"rt_task_{s['task']}", lg))
            st.button(t("mr_not_home_all", lg), key=f"nh_{key}", use_container_width=True,
                      on_click=_not_home, args=(key, s["entrance_id"]))
            units = list(unit_names.items()) or [(None, t("rt_whole_entrance", lg))]
            for uid, unit in units:
                with st.form(f"f_{key}_{uid}"):
                    st.selectbox(t("mr_outcome", lg).format(unit=unit), [""] + list(names),
                                 format_func=lambda c: names.get(c, t("mr_choose", lg)), key=f"o_{key}_{uid}")
                    st.text_input(t("mr_note", lg), key=f"n_{key}_{uid}", max_chars=2000)
                    st.form_submit_button(t("mr_save", lg), use_container_width=True, on_click=_record,
                                          args=(key, s["entrance_id"], uid, f"o_{key}_{uid}", f"n_{key}_{uid}"))
            own = mine_today[mine_today["entrance_id"] == s["entrance_id"]]
            if len(own):
                st.markdown(f"**{t('mr_today', lg)}**")
            for o in own.itertuples(index=False):
                unit = unit_names.get(o.unit_id, o.unit_id) if o.unit_id else t("rt_whole_entrance", lg)
                with st.form(f"e_{key}_{o.outcome_id}"):
                    st.write(t("mr_today_item", lg).format(time=f"{o.visited_at:%H:%M}", unit=md_escape(unit),
                                                           what=names.get(o.outcome, o.outcome)))
                    st.selectbox(t("mr_change_to", lg), list(names), index=list(names).index(o.outcome)
                                 if o.outcome in names else 0, format_func=names.get, key=f"x_{o.outcome_id}")
                    st.form_submit_button(t("mr_edit", lg), use_container_width=True, on_click=_edit,
                                          args=(key, o.outcome_id, o.outcome, f"x_{o.outcome_id}"))
                    st.form_submit_button(t("mr_undo", lg), use_container_width=True, on_click=_undo,
                                          args=(key, o.outcome_id, o.outcome))

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
