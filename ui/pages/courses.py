"""Forløb: phase 2 of the method (issue 16) — contact → relationship → bridging → handed
over, or closed with a reason. A field worker follows their own courses, the team lead all
of them. Opspor is not the case file: a course keeps stages, dates, meetings (date, kind,
minutes), the handover target and optionally the case system's number; no name, no CPR,
no narrative."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.method.courses import NEXT
from detection.vocab import CLOSE_REASON_CODES, MEETING_KIND_CODES, STAGE_CODES, TARGET_CODES
from ui import session
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_format, date_text, error_text, number_text

repo = st.session_state["repo"]
lg = session.lang()
lead = repo.actor.role == "team_lead"
st.title(t("co_heading", lg))
st.caption(t("co_caption", lg))
today = clock.today()


def _flash(kind: str, text: str) -> None:
    st.session_state["co_flash"] = (kind, text)


def _stage(code: str | None) -> str:
    return STAGE_CODES.by_id[code].name(lg) if code in STAGE_CODES else "–"


def _channel(code: str | None) -> str:
    return t(f"co_channel_{code}", lg) if code else "–"


# --- start a course by hand from a report assessed in the target group (team lead)
if lead:
    with st.expander(t("co_start_heading", lg)):
        st.caption(t("co_start_caption", lg))
        cands = repo.course_candidates()
        if not cands:
            st.info(t("co_start_none", lg))
        else:
            with st.form("co_start_form"):
                words = {c["entrance_id"]: f"{c['address']} ({t('co_reported', lg)} {date_text(c['received'], lg)})"
                         for c in cands}
                ent = st.selectbox(t("co_address", lg), list(words), format_func=words.get, key="co_start_entrance")
                workers = repo.field_workers()
                owner = st.selectbox(t("co_owner", lg), [repo.actor.name, *workers], key="co_start_owner")
                day = st.date_input(t("co_contact_day", lg), value=today, max_value=today, format=date_format(lg),
                                    key="co_start_day")
                if st.form_submit_button(t("co_start_button", lg), type="primary"):
                    try:
                        repo.start_course(ent, on=day, owner=owner)
                    except (InputError, NotAllowed) as exc:
                        _flash("error", error_text(exc, lg))
                    else:
                        _flash("success", t("co_start_done", lg).format(address=words[ent]))
                    st.rerun()

flash = st.session_state.pop("co_flash", None)
if flash:
    (st.success if flash[0] == "success" else st.error)(md_escape(flash[1]))

show_ended = st.toggle(t("co_show_ended", lg), value=False, key="co_show_ended")
courses = repo.courses(open_only=not show_ended)
if not courses:
    st.info(t("co_none_lead" if lead else "co_none", lg))
    st.stop()

table = pd.DataFrame({
    t("co_address", lg): [c["address"] for c in courses],
    t("co_stage", lg): [_stage(c["stage"]) for c in courses],
    t("co_started", lg): [date_text(c["started_on"], lg) for c in courses],
    t("co_meetings", lg): [number_text(c["meetings"], lg) for c in courses],
    t("co_minutes", lg): [number_text(c["minutes"], lg) for c in courses],
    t("co_last_meeting", lg): [date_text(c["last_meeting"], lg) for c in courses],
    t("co_channel", lg): [_channel(c["channel"]) for c in courses],
    t("co_outcome", lg): [TARGET_CODES.by_id[c["target"]].name(lg) if c["target"]
                          else CLOSE_REASON_CODES.by_id[c["close_reason"]].name(lg) if c["close_reason"] else ""
                          for c in courses],
    **({t("co_owner", lg): [c["owner"] for c in courses]} if lead else {}),
})
st.dataframe(table, hide_index=True, use_container_width=True, key="co_table")

# --- one course: its meetings, the next stage, the case number
by_id = {c["course_id"]: c for c in courses}
# the choice's words never change with the stage: Streamlit would take a changed option for a new
# widget and jump back to the first course after each move
label = {cid: t("co_pick_label", lg).format(address=c["address"], day=date_text(c["started_on"], lg))
         for cid, c in by_id.items()}
cid = st.selectbox(t("co_pick", lg), list(by_id), format_func=label.get, key="co_pick")
course = by_id[cid]
st.subheader(f"{label[cid]} · {_stage(course['stage'])}")
is_open = course["stage"] in ("contact", "relationship", "bridging")

meetings = repo.course_meetings(cid)
if meetings:
    st.dataframe(pd.DataFrame({
        t("co_meeting_day", lg): [date_text(m["met_on"], lg) for m in meetings],
        t("co_meeting_kind", lg): [MEETING_KIND_CODES.by_id[m["kind"]].name(lg) for m in meetings],
        t("co_minutes", lg): [number_text(m["minutes"], lg) for m in meetings],
    }), hide_index=True, key="co_meetings_table")
else:
    st.caption(t("co_no_meetings", lg))

if not is_open:
    st.info(t("co_ended", lg).format(stage=_stage(course["stage"])))
    st.stop()

c1, c2 = st.columns(2)
with c1.form("co_meeting_form"):
    st.markdown(f"**{t('co_meeting_heading', lg)}**")
    met_on = st.date_input(t("co_meeting_day", lg), value=today, max_value=today, format=date_format(lg),
                           key="co_meeting_day")
    kind = st.selectbox(t("co_meeting_kind", lg), MEETING_KIND_CODES.ids,
                        format_func=lambda k: MEETING_KIND_CODES.by_id[k].name(lg), key="co_meeting_kind")
    minutes = st.number_input(t("co_minutes", lg), min_value=1, max_value=600, value=45, step=5, key="co_meeting_min")
    if st.form_submit_button(t("co_meeting_button", lg), type="primary"):
        try:
            repo.add_meeting(cid, on=met_on, kind=kind, minutes=int(minutes))
        except (InputError, NotAllowed) as exc:
            _flash("error", error_text(exc, lg))
        else:
            _flash("success", t("co_meeting_saved", lg))
        st.rerun()

with c2.form("co_stage_form"):
    st.markdown(f"**{t('co_stage_heading', lg)}**")
    st.caption(t("co_stage_now", lg).format(stage=_stage(course["stage"])))
    to = st.radio(t("co_stage_to", lg), list(NEXT[course["stage"]]), format_func=_stage, key="co_stage_to")
    target = st.selectbox(t("co_target", lg), [None, *TARGET_CODES.ids], key="co_stage_target",
                          format_func=lambda k: t("co_choose", lg) if k is None else TARGET_CODES.by_id[k].name(lg))
    reason = st.selectbox(t("co_reason", lg), [None, *CLOSE_REASON_CODES.ids], key="co_stage_reason",
                          format_func=lambda k: t("co_choose", lg) if k is None else CLOSE_REASON_CODES.by_id[k].name(lg))
    note = st.text_input(t("co_note", lg), max_chars=200, key="co_stage_note", help=t("co_note_help", lg))
    on = st.date_input(t("co_stage_day", lg), value=today, max_value=today, format=date_format(lg),
                       key="co_stage_day")
    st.caption(t("co_stage_help", lg))
    if st.form_submit_button(t("co_stage_button", lg), type="primary"):
        try:
            repo.move_course(cid, to=to, on=on, target=target if to == "handed_over" else None,
                             reason=reason if to == "closed" else None, note=note or None)
        except (InputError, NotAllowed) as exc:
            _flash("error", error_text(exc, lg))
        else:
            _flash("success", t("co_stage_saved", lg).format(stage=_stage(to)))
        st.rerun()

with st.form("co_case_form"):
    ref = st.text_input(t("co_case_ref", lg), value=course["case_ref"] or "", max_chars=60, key="co_case_ref",
                        help=t("co_case_help", lg))
    if st.form_submit_button(t("save", lg)):
        try:
            repo.set_case_ref(cid, ref)
        except (InputError, NotAllowed) as exc:
            _flash("error", error_text(exc, lg))
        else:
            _flash("success", t("co_case_saved", lg))
        st.rerun()
