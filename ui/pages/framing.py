"""Rammesætning: the framing of the effort per period (issue 16) — target group, focus
areas, team, hours, default shift, hourly cost and the period's goals. Everyone reads it;
the planner and the team lead set it. Route planning and method fidelity take their
defaults from it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from detection import clock
from detection.access import allowed
from detection.errors import InputError
from ui import session
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_format, date_text, error_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
st.title(t("fr_heading", lg))
st.caption(t("fr_caption", lg))

today = clock.today()
current = repo.framing(today)
periods = repo.framings()
may_edit = allowed(repo.actor.role, "framing.write")


def _period_words(f) -> str:  # noqa: ANN001
    return f"{date_text(f.period_from, lg)}–{date_text(f.period_to, lg)}"


# --- the framing in force today, in words
if current is None:
    st.info(t("fr_none_today", lg))
else:
    st.subheader(t("fr_current", lg).format(period=_period_words(current)))
    c = st.columns(4)
    c[0].metric(t("fr_pairs", lg), number_text(current.pairs, lg))
    c[1].metric(t("fr_hours", lg), number_text(current.hours_per_week, lg))
    c[2].metric(t("fr_team_hours", lg), number_text(current.team_hours, lg, decimals=0))
    c[3].metric(t("fr_staff_cost", lg), f"{number_text(current.staff_cost_dkk, lg, decimals=0)} kr."
                if current.staff_cost_dkk is not None else "–")
    st.markdown(f"**{t('fr_target_group', lg)}:** " + (md_escape(current.target_group) or t("fr_not_set", lg)))
    st.markdown(f"**{t('fr_shift', lg)}:** " + (current.shift or t("fr_not_set", lg)))
    goals = current.goals
    st.markdown(f"**{t('fr_goals', lg)}:** " + (", ".join(
        t(f"fr_goal_{k}_words", lg).format(n=number_text(v, lg)) for k, v in goals.items()) or t("fr_not_set", lg)))
    names = {}
    if current.focus_areas:
        fa = repo.focus_areas()
        names = dict(zip(fa["focus_id"], fa["name"], strict=True))
    st.markdown(f"**{t('fr_focus', lg)}:** " + (", ".join(md_escape(names.get(x, x)) for x in current.focus_areas)
                                                 or t("fr_focus_all", lg)))
    if current.updated_by:
        st.caption(t("fr_updated", lg).format(who=md_escape(current.updated_by),
                                              when=date_text(current.updated_at, lg, with_time=True)))

if periods:
    st.subheader(t("fr_periods", lg))
    st.dataframe(pd.DataFrame({
        t("fr_col_period", lg): [_period_words(f) for f in periods],
        t("fr_pairs", lg): [number_text(f.pairs, lg) for f in periods],
        t("fr_hours", lg): [number_text(f.hours_per_week, lg) for f in periods],
        t("fr_goal_contacts", lg): [number_text(f.goals.get("contacts"), lg) for f in periods],
        t("fr_goal_handovers", lg): [number_text(f.goals.get("handovers"), lg) for f in periods],
        t("fr_col_now", lg): [t("yes", lg) if f.covers(today) else "" for f in periods],
    }), hide_index=True, use_container_width=True, key="fr_periods_table")

if not may_edit:
    st.caption(t("fr_read_only", lg))
    st.stop()

# --- the form: a period to frame (a new one, or one of those above)
st.subheader(t("fr_form_heading", lg))
options = ["new", *[f.period_from.isoformat() for f in periods]]
by_start = {f.period_from.isoformat(): f for f in periods}
default = options.index(current.period_from.isoformat()) if current is not None else 0
pick = st.selectbox(t("fr_pick", lg), options, index=default, key="fr_pick",
                    format_func=lambda k: t("fr_new_period", lg) if k == "new" else _period_words(by_start[k]))
base = by_start.get(pick)
fa = repo.focus_areas()
focus_names = dict(zip(fa["focus_id"], fa["name"], strict=True))
with st.form(f"fr_form_{pick}"):  # each period its own widgets: a switch shows that period's values
    c1, c2 = st.columns(2)
    if base is None:
        start = c1.date_input(t("fr_from", lg), value=date(today.year, today.month, 1), format=date_format(lg),
                              key=f"fr_from_{pick}")
    else:  # a period is known by its first day: it stays (text, not a greyed-out field)
        start = base.period_from
        c1.markdown(f"{t('fr_from', lg)}  \n**{date_text(start, lg)}**")
    end = c2.date_input(t("fr_to", lg), value=base.period_to if base else
                        (date(today.year, today.month, 1) + timedelta(days=182)),
                        format=date_format(lg), key=f"fr_to_{pick}")
    target = st.text_area(t("fr_target_group", lg), value=base.target_group if base else "", max_chars=1000,
                          key=f"fr_target_{pick}", help=t("fr_target_help", lg))
    if focus_names:  # the period's focus areas (none chosen before: all of them, said in the field itself)
        had = [x for x in (base.focus_areas if base else ()) if x in focus_names]
        chosen = st.multiselect(t("fr_focus", lg), list(focus_names), default=had or list(focus_names),
                                format_func=focus_names.get, key=f"fr_focus_{pick}", help=t("fr_focus_help", lg))
    else:  # no saved focus area yet: nothing to choose (an empty field would read as greyed out)
        chosen = []
        st.markdown(f"{t('fr_focus', lg)}: {t('fr_focus_none', lg)}")
    c1, c2, c3 = st.columns(3)
    pairs = c1.number_input(t("fr_pairs", lg), min_value=1, max_value=50, step=1,
                            value=int(base.pairs) if base and base.pairs else 2, key=f"fr_pairs_{pick}")
    hours = c2.number_input(t("fr_hours", lg), min_value=1.0, max_value=80.0, step=1.0,
                            value=float(base.hours_per_week) if base and base.hours_per_week else 30.0, key=f"fr_hours_{pick}")
    shift = c3.text_input(t("fr_shift", lg), value=(base.shift if base and base.shift else "09:00-15:00"),
                          key=f"fr_shift_{pick}", help=t("fr_shift_help", lg))
    c1, c2 = st.columns(2)
    hourly = c1.number_input(t("fr_hourly", lg), min_value=0.0, max_value=5000.0, step=10.0,
                             value=float(base.hourly_cost_dkk) if base and base.hourly_cost_dkk is not None else 0.0,
                             key=f"fr_hourly_{pick}", help=t("fr_hourly_help", lg))
    other = c2.number_input(t("fr_other", lg), min_value=0.0, step=1000.0,
                            value=float(base.other_costs_dkk) if base else 0.0, key=f"fr_other_{pick}")
    st.markdown(f"**{t('fr_goals', lg)}**")
    gc = st.columns(4)
    goals_in = {g: gc[i].number_input(t(f"fr_goal_{g}", lg), min_value=0, step=1,
                                      value=int((base.goals if base else {}).get(g, 0)), key=f"fr_goal_{g}_{pick}")
                for i, g in enumerate(("partners", "doors", "contacts", "handovers"))}
    if st.form_submit_button(t("save", lg), type="primary"):
        try:
            saved = repo.set_framing(
                period_from=base.period_from if base else start, period_to=end, target_group=target,
                focus_areas=chosen, pairs=pairs, hours_per_week=hours, shift=shift,
                hourly_cost_dkk=hourly or None, other_costs_dkk=other,
                goals={g: (v or None) for g, v in goals_in.items()})
        except InputError as exc:
            st.error(md_escape(t("fr_refused", lg).format(detail=error_text(exc, lg))))
        else:
            st.success(t("fr_saved", lg).format(period=_period_words(saved)))
