"""Mine ruter: a field worker's own routes, stops in order, and recording outcomes per unit
or for the whole entrance (phone-friendly: one column, large buttons). An outcome recorded
today can be undone or corrected the same day.

On top, a map of the route of the day (else the next coming one, else the latest): the stops
numbered in walking order, the walked path, and the next stop — the first without an outcome
on the route's day — larger and with the word *Næste*, not colour alone. It is drawn from the
app's own scripts and the workspace's own base map, so it works without internet. Routes are
listed in the same order: today's, the coming ones, then the past ones, newest first. A field
worker without a route is told whom to ask: the workspace's team leads.

Pair safety (issue 17): each route has large buttons to check the pair in at the start (on
the route's day) and out at the end, with the state in words ("✓ Tjekket ind kl. 09:02 af
anna"); a stop next to a door marked unsafe carries a warning.

Every save runs in a button callback, before the page is drawn again: the counter ("3 af
36") and the ✓ on each stop then show the outcome just saved, not the state before it.
"""

from __future__ import annotations

from datetime import date, datetime

import folium
import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.routes.outcomes import outcomes_by_day
from detection.vocab import OUTCOMES
from geo.addresses import format_address
from geo.assets import use_local_assets
from geo.maplang import MapLanguage, label_html
from ui import session
from ui.basemap import base_map
from ui.foliummap import show_map
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import date_text, error_text

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
        text = t("mr_recorded", lg).format(what=names[outcome])
        if outcome == "contact_established":  # phase 2 (issue 16): the contact starts a course
            text += ". " + t("mr_course_started", lg)
        _flash(stop, "success", text)
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


def _check(route_id: str, kind: str) -> None:
    """Pair safety (issue 17): check the pair in or out of its route; the message shows at the
    route's check buttons."""
    try:
        (repo.check_in if kind == "in" else repo.check_out)(route_id)
    except (InputError, NotAllowed) as exc:
        _flash(f"chk_{route_id}", "error", error_text(exc, lg))
    else:
        _flash(f"chk_{route_id}", "success", t(f"ps_done_{kind}", lg))


def _check_text(check: dict | None, kind: str) -> str:
    """"✓ Tjekket ind kl. 09:02 af anna" or "Ikke tjekket ind endnu." (words, not colour)."""
    if not check:
        return t(f"ps_not_{kind}", lg)
    return t(f"ps_checked_{kind}", lg).format(time=datetime.fromisoformat(check["at"]).strftime("%H:%M"),
                                             who=md_escape(check["by"]))


def _check_buttons(r: dict, today: date, flash: tuple | None, minutes: int) -> None:
    """The pair's check-in and check-out of route ``r``: large buttons, the state in words."""
    key = f"chk_{r['route_id']}"
    day = date.fromisoformat(r["day"])
    st.markdown(f"**{t('ps_heading', lg)}**")
    st.caption(t("ps_help", lg).format(minutes=minutes))
    st.write(_check_text(r.get("check_in"), "in"))
    st.write(_check_text(r.get("check_out"), "out"))
    if flash is not None and flash[0] == key:
        (st.success if flash[1] == "success" else st.error)(md_escape(flash[2]))
    if day != today and not r.get("check_in"):
        st.caption(t("ps_not_today", lg))
    c1, c2 = st.columns(2)
    c1.button(t("ps_check_in", lg), key=f"ci_{r['route_id']}", type="primary", use_container_width=True,
              disabled=bool(r.get("check_in") or r.get("check_out")) or day != today,
              on_click=_check, args=(r["route_id"], "in"))
    c2.button(t("ps_check_out", lg), key=f"co_{r['route_id']}", type="primary", use_container_width=True,
              disabled=bool(r.get("check_out")) or day > today, on_click=_check, args=(r["route_id"], "out"))


def _in_order(routes: list[dict], today: date) -> list[dict]:
    """Today's routes first, then the coming ones (soonest first), then the past ones (newest
    first): on a phone the route of the day is at the top."""
    iso = today.isoformat()
    now = [r for r in routes if r["day"] == iso]
    coming = sorted((r for r in routes if r["day"] > iso), key=lambda r: r["day"])
    past = sorted((r for r in routes if r["day"] < iso), key=lambda r: r["day"], reverse=True)
    return now + coming + past


LANGS = ("da", "en")
"""The map holds both UI languages and switches in the browser (issue 18: ``geo.maplang``)."""


def _stop_marker(text: str | dict[str, str], *, kind: str) -> folium.DivIcon:
    """A numbered stop: ``next`` larger, square, thick-bordered and with the word; ``done``
    grey with a ✓; else a small white pill. ``text`` (one, or one per language) is escaped
    here.

    Its class is not folium's ``empty``: the base map hides a DivIcon of that class that
    overlaps another label, and a stop must never be hidden (neighbouring doors overlap until
    one zooms in; the next stop stays on top)."""
    if kind == "next":
        html = ('<div style="font:bold 15px sans-serif;background:#b3261e;color:#fff;border:3px solid #000;'
                'border-radius:3px;padding:1px 5px;white-space:nowrap;display:inline-block;'
                f'box-shadow:0 0 0 2px #fff">{label_html(text)}</div>')
        return folium.DivIcon(html=html, icon_size=(80, 28), icon_anchor=(14, 14), class_name="opspor-stop")
    colour, bg = ("#444", "#e8e8e8") if kind == "done" else ("#1f4e9c", "#fff")
    html = (f'<div style="font:bold 12px sans-serif;background:{bg};color:{colour};border:2px solid {colour};'
            f'border-radius:9px;padding:0 4px;white-space:nowrap;display:inline-block">{label_html(text)}</div>')
    return folium.DivIcon(html=html, icon_size=(34, 18), icon_anchor=(12, 9), class_name="opspor-stop")


@st.cache_resource(max_entries=16, show_spinner=False)
def _route_map(db_key: str, user: str, route_id: str, day: str, done: tuple, next_seq: int | None,
               _route: dict) -> folium.Map:
    """The folium map of one of ``user``'s routes as it stands: keyed on the route, its day,
    the stops done that day (with their outcomes) and the next stop, so a save redraws it.
    ``_route`` (not hashed) is that route as :meth:`Repository.my_routes` gives it. In both
    languages: a language switch neither rebuilds nor resends it (``geo.maplang``)."""
    stops = _route["stops"]
    pts = [[s["lat"], s["lon"]] for s in stops] + [[lat, lon] for lon, lat in _route["path"]]
    # a phone's map: no scale bar over the route's corner, the page scrolls past it on a wheel
    m = folium.Map(location=pts[0], zoom_start=15, tiles=None, maxZoom=19, control_scale=False,
                   scrollWheelZoom=False)
    MapLanguage(list(LANGS)).add_to(m)
    base_map(Repository.open(session.db_url(), user, migrate=False)).add_to(m)
    if len(_route["path"]) >= 2:
        folium.PolyLine([[lat, lon] for lon, lat in _route["path"]], color="#1f4e9c", weight=4, opacity=0.8,
                        tooltip=label_html({g: t("mr_map_path", g) for g in LANGS})).add_to(m)
    got = dict(done)
    for s in sorted(stops, key=lambda s: s["seq"] == next_seq):  # the next stop last: on top
        arrive = datetime.fromisoformat(s["arrive"]).strftime("%H:%M")
        tip = {g: t("mr_stop", g).format(seq=s["seq"], time=arrive, address=s["address"]) for g in LANGS}
        text: str | dict[str, str]
        if s["seq"] == next_seq:
            kind = "next"
            text = {g: f"{s['seq']} {t('mr_next', g)}" for g in LANGS}
            tip = {g: f"{t('mr_next', g)}: {tip[g]}" for g in LANGS}
        elif s["seq"] in got:
            kind, text = "done", f"{s['seq']} ✓"
            words = {g: {o.id: o.name(g) for o in OUTCOMES} for g in LANGS}
            tip = {g: tip[g] + " — ✓ " + ", ".join(words[g].get(o, o) for o in got[s["seq"]]) for g in LANGS}
        else:
            kind, text = "stop", str(s["seq"])
        folium.Marker([s["lat"], s["lon"]], tooltip=label_html(tip), icon=_stop_marker(text, kind=kind),
                      z_index_offset=1000 if kind == "next" else 0).add_to(m)
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(36, 36), max_zoom=17)
    # Leaflet and its CSS from the app itself: from a CDN the map stays blank offline
    return use_local_assets(m)


def _show_map(routes: list[dict], recorded: dict, today: date) -> tuple[str, int] | None:
    """The map of the route of the day (else the next coming one, else the latest);
    returns that route's id and its next stop (``None`` when no stop is next)."""
    with_stops = [r for r in routes if r["stops"]]
    if not with_stops:
        return None
    r = with_stops[0]  # routes are in _in_order's order
    day = date.fromisoformat(r["day"])
    if day == today:
        st.subheader(t("mr_map_today", lg))
    else:
        st.subheader(t("mr_map_next" if day > today else "mr_map_last", lg).format(day=date_text(r["day"], lg)))
    done = tuple((s["seq"], tuple(dict.fromkeys(recorded[(s["entrance_id"], day)])))
                 for s in r["stops"] if recorded.get((s["entrance_id"], day)))
    seqs = {seq for seq, _ in done}
    # the next stop: the first without an outcome on the route's day (none on a past route)
    next_seq = None if day < today else next((s["seq"] for s in r["stops"] if s["seq"] not in seqs), None)
    more = ("mr_map_next_caption" if next_seq is not None else "mr_map_all_done" if day == today else None)
    st.caption(t("mr_map_caption", lg) + (" " + t(more, lg) if more else ""))
    m = _route_map(session.db_key(), repo.actor.name, r["route_id"], r["day"], done, next_seq, r)
    show_map(m, height=320, returned_objects=[], key=f"mr-map-{r['route_id']}-{len(done)}-{next_seq}")
    return (r["route_id"], next_seq) if next_seq is not None else None


st.title(t("mr_heading", lg))
today = clock.today()
routes = _in_order(repo.my_routes(), today)
# read after the callbacks above have saved: what the page shows is what is stored
outcomes = repo.outcomes() if routes else pd.DataFrame(
    columns=["outcome_id", "entrance_id", "unit_id", "outcome", "visited_at", "recorded_by", "recorded_at"])
recorded = outcomes_by_day(outcomes)  # (entrance, Copenhagen day) → outcomes that day, oldest first
mine_today = outcomes[(outcomes["recorded_by"] == repo.actor.name)
                      & pd.Series([v.date() == today for v in outcomes["recorded_at"]], index=outcomes.index,
                                  dtype=bool)]
flash = st.session_state.pop(FLASH, None)
overdue_minutes = repo.settings()["overdue_minutes"] if routes else 30

if not routes:  # whom to ask: the team leads, by name only
    leads = repo.team_leads()
    st.info(t("mr_ask_lead", lg).format(leads=md_escape(", ".join(leads))) if leads
            else t("mr_ask_lead_nobody", lg))
next_stop = _show_map(routes, recorded, today)
for n, r in enumerate(routes, start=1):
    st.subheader(t("rt_route_label", lg).format(n=n, team=r["team"], day=date_text(r["day"], lg)))
    day = date.fromisoformat(r["day"])
    done = sum(1 for s in r["stops"] if recorded.get((s["entrance_id"], day)))
    st.caption(t("mr_progress", lg).format(done=done, total=len(r["stops"])))
    _check_buttons(r, today, flash, overdue_minutes)
    for s in r["stops"]:
        key = f"{r['route_id']}_{s['seq']}"
        unit_names = dict(zip(s["units"], s["unit_labels"], strict=True))
        arrive = datetime.fromisoformat(s["arrive"]).strftime("%H:%M")
        label = t("mr_stop", lg).format(seq=s["seq"], time=arrive, address=md_escape(s["address"]))
        got = recorded.get((s["entrance_id"], day))
        if got:  # a check mark and the word, not colour alone
            label += " — ✓ " + ", ".join(dict.fromkeys(names.get(o, o) for o in got))
        elif next_stop == (r["route_id"], s["seq"]):  # as on the map: the word, not colour alone
            label += f" — {t('mr_next', lg)}"
        here = flash is not None and flash[0] == key
        with st.expander(label, expanded=here):
            if here:
                (st.success if flash[1] == "success" else st.error)(md_escape(flash[2]))
            if s.get("near_unsafe"):  # pair safety: a door next to one marked unsafe (issue 17)
                st.warning(t("ps_near_unsafe", lg).format(addresses=md_escape("; ".join(s["near_unsafe"]))))
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
