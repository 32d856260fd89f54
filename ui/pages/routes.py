"""Ruteplanlægning (team lead): plan door-to-door routes for pairs, see them on the map,
take them out (PDF, GPX, GeoPackage), assign them, and import outcomes."""

from __future__ import annotations

from datetime import date, datetime, time

import folium
import pandas as pd
import streamlit as st
from folium.plugins import Draw

from detection import clock
from detection.access import allowed
from detection.errors import InputError
from detection.repository import Repository
from detection.routes.explain import note_text
from detection.routes.field_files import plan_gpkg_bytes, route_gpx, walk_list_pdf
from detection.routes.revisits import ClosedDays, days_off, next_working_day
from detection.vocab import LAYER_NAMES, area_words
from geo.assets import use_local_assets
from geo.drawn import last_drawn_polygon
from geo.maplang import MapLanguage, aria_label_attrs, label_html
from geo.maps import build_map, escape_html
from ui import session
from ui.basemap import base_map
from ui.closed_days import closed_days_form, day_words
from ui.foliummap import show_map
from ui.i18n import t
from ui.letters import letters_download, letters_form
from ui.text import md_escape
from ui.widgets import date_format, date_text, input_error_text, number_text, uploaded_path

repo: Repository = st.session_state["repo"]
lg = session.lang()
as_of = clock.today()

#: line styles so routes differ by more than colour
DASHES = (None, "10 6", "2 6", "14 4 2 4")
COLOURS = ("#1f4e9c", "#b3261e", "#1b6e3a", "#7a3e9d", "#a65f00", "#006d77")


def _hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


def _count(key: str, n: int) -> str:
    """``"1 rute"``, ``"8 ruter"`` (``rt_n_routes_1``/``rt_n_routes``)."""
    return t(f"{key}_1" if n == 1 else key, lg).format(n=number_text(n, lg))


def _days_text(days: list[str]) -> str:
    """A plan's days as people write them: ``02.12.–03.12.2026`` (one day ``02.12.2026``)."""
    if not days:
        return "–"
    first, last = date_text(min(days), lg), date_text(max(days), lg)
    if first == last:
        return first
    if lg == "da" and first[6:] == last[6:]:  # the same year: written once
        return f"{first[:6]}–{last}"
    return f"{first} – {last}" if lg != "da" else f"{first}–{last}"


def _plan_texts(plans: list[dict]) -> dict[str, str]:
    """Each stored plan in words: "Plan af 01.12.2026 kl. 09:14 · Tranebjerg (sogn) ·
    02.12.–03.12.2026", never its id; two plans that read the same get a number."""
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for p in plans:
        day, _, hhmm = date_text(p["created_at"], lg, with_time=True).partition(" ")
        text = t("rt_plan_option", lg).format(date=day, time=hhmm, area=area_words(p["area"], lg),
                                              days=_days_text(p["days"]))
        seen[text] = seen.get(text, 0) + 1
        out[p["plan_id"]] = text if seen[text] == 1 else f"{text} ({seen[text]})"
    return out


def _units(stop: dict, lang: str | None = None) -> str:
    return ", ".join(stop.get("unit_labels") or []) or t("rt_whole_entrance", lang or lg)


LANGS = ("da", "en")
"""The maps hold both UI languages and switch in the browser (issue 18: ``geo.maplang``)."""


@st.cache_resource(max_entries=16, show_spinner=False)
def _route_map(db_key: str, plan_id: str, user: str) -> folium.Map:
    """The folium map of one stored plan for one user (plans never change once stored), in
    both languages: a language switch neither rebuilds nor resends it."""
    plan = Repository.open(session.db_url(), user, migrate=False).route_plan(plan_id)
    pts = [[s["lat"], s["lon"]] for r in plan["routes"] for s in r["stops"]]
    sp = plan["start_point"]
    m = folium.Map(location=[sp["lat"], sp["lon"]], zoom_start=14, tiles=None, maxZoom=19, control_scale=True)
    MapLanguage(list(LANGS)).add_to(m)
    base_map(Repository.open(session.db_url(), user, migrate=False)).add_to(m)
    folium.Marker([sp["lat"], sp["lon"]], tooltip=label_html({g: t("rt_start_marker", g) for g in LANGS}),
                  icon=folium.DivIcon(
        html='<div style="font:bold 13px sans-serif;background:#000;color:#fff;border-radius:3px;'
             'padding:1px 4px;display:inline-block">S</div>', icon_size=(20, 18), icon_anchor=(10, 9))).add_to(m)
    for tf in plan.get("turfs") or []:  # each pair's turf: a dashed outline with the pair's number
        if not tf.get("geometry"):
            continue
        name = label_html({g: t("rt_turf_layer", g).format(team=tf["team"]) for g in LANGS})
        fg = folium.FeatureGroup(name=name, show=True)
        folium.GeoJson(tf["geometry"], tooltip=name, style_function=lambda _f: {
            "color": "#333333", "weight": 2, "dashArray": "6 4", "fillColor": "#888888",
            "fillOpacity": 0.06}).add_to(fg)
        if tf.get("label"):
            folium.Marker([tf["label"][1], tf["label"][0]], tooltip=name, icon=folium.DivIcon(
                html='<div style="font:bold 16px sans-serif;color:#333;background:rgba(255,255,255,.85);'
                     'border:2px dashed #333;border-radius:4px;padding:0 5px;display:inline-block">'
                     f'{escape_html(str(tf["team"]))}</div>', icon_size=(28, 24), icon_anchor=(14, 12))).add_to(fg)
        fg.add_to(m)
    for n, r in enumerate([r for r in plan["routes"] if r["stops"]], start=1):
        colour = COLOURS[(n - 1) % len(COLOURS)]
        names = {g: t("rt_route_label", g).format(n=n, team=r["team"], day=date_text(r["day"], g)) for g in LANGS}
        fg = folium.FeatureGroup(name=label_html(names), show=True)
        if r["path"]:
            folium.PolyLine([[lat, lon] for lon, lat in r["path"]], color=colour, weight=4, opacity=0.8,
                            dash_array=DASHES[(n - 1) % len(DASHES)], tooltip=label_html(names)).add_to(fg)
        for line in r.get("car_paths") or []:  # drive then walk: the car legs, wide and grey beneath
            folium.PolyLine([[lat, lon] for lon, lat in line], color="#4d4d4d", weight=8, opacity=0.55,
                            tooltip=label_html({g: t("rt_car_leg", g).format(route=names[g]) for g in LANGS})
                            ).add_to(fg)
        for pk in (r.get("parking") or [])[1:]:  # the car's stops (P1 is the start point)
            tip = {g: t("rt_parking_tip", g).format(n=pk["n"], route=names[g]) for g in LANGS}
            folium.Marker([pk["lat"], pk["lon"]], tooltip=label_html(tip), icon=folium.DivIcon(
                html=f'<div style="font:bold 12px sans-serif;background:#1f3a93;color:#fff;border:2px solid #fff;'
                     f'border-radius:3px;padding:0 3px;display:inline-block" {aria_label_attrs(tip)}>'
                     f'P{pk["n"]}</div>', icon_size=(28, 18), icon_anchor=(14, 9))).add_to(fg)
        for s in r["stops"]:
            label = f"{n}·{s['seq']}"
            tip = {g: f"{label} {_hhmm(s['arrive'])} {s['address']} ({_units(s, g)})" for g in LANGS}
            folium.Marker([s["lat"], s["lon"]], tooltip=label_html(tip), icon=folium.DivIcon(
                html=f'<div style="font:bold 12px sans-serif;background:#fff;color:{colour};'
                     f'border:2px solid {colour};border-radius:9px;padding:0 4px;white-space:nowrap;'
                     f'display:inline-block">{escape_html(label)}</div>',
                icon_size=(34, 18), icon_anchor=(17, 9))).add_to(fg)
        fg.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if pts:
        lats, lons = [p[0] for p in pts] + [sp["lat"]], [p[1] for p in pts] + [sp["lon"]]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    # Leaflet and its CSS from the app itself: from a CDN the map stays blank offline
    return use_local_assets(m)


st.title(t("rt_heading", lg))
st.caption(t("rt_caption", lg))

areas = repo.planning_areas()


def _area_label(a: dict) -> str:
    """"Tranebjerg (sogn)", "Nordby centrum (fokusområde)"."""
    kind = LAYER_NAMES[a["kind"]].one(lg) if a["kind"] in LAYER_NAMES else a["kind"]
    return f"{a['name']} ({kind})"


@st.cache_resource(max_entries=8, show_spinner=False)
def _draw_map(db_key: str, version: str, user: str) -> folium.Map:
    """The municipality with its saved focus areas, and Leaflet.draw's polygon tools; in both
    languages (a language switch keeps the map and a drawing in progress)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    fa = r.focus_areas()
    layers = {"focus": fa[["focus_id", "name", "geometry"]].rename(columns={"focus_id": "area_id"})} if len(fa) else {}
    m = build_map(boundary=r.boundary(), area_layers=layers,
                  area_labels={"focus": {g: LAYER_NAMES["focus"].name(g) for g in LANGS}},
                  boundary_label={g: t("boundary", g) for g in LANGS}, tiles_label=None)
    base_map(r).add_to(m)
    Draw(export=False, draw_options={"polyline": False, "circle": False, "marker": False,
                                     "circlemarker": False, "rectangle": True, "polygon": True}).add_to(m)
    return use_local_assets(m)


source = st.radio(t("rt_area_source", lg), ["saved", "draw"], horizontal=True, key="rt_area_source",
                  format_func=lambda s: t(f"rt_area_source_{s}", lg))
drawn = None
if source == "draw":

    st.caption(t("rt_draw_help", lg))
    version = str(repo.data_version())
    state = show_map(_draw_map(session.db_key(), version, repo.actor.name), height=460, returned_objects=["all_drawings"], key="rt_draw_map")
    try:
        drawn = last_drawn_polygon((state or {}).get("all_drawings"))
    except ValueError as exc:
        st.error(md_escape(exc))
    st.caption(t("rt_drawn_ok", lg).format(km2=f"{drawn.area / 1e6:.2f}") if drawn is not None
               else t("rt_drawn_none", lg))
elif not areas:
    st.info(t("rt_no_areas", lg))
    st.stop()

if allowed(repo.actor.role, "calendar.write"):
    closed_days_form(repo, lg, key="rt_closed_days")
letters_form(repo, lg, key="rt_letters")  # issue 17: the letters' phone number, hours and text

with st.form("rt_plan_form"):
    st.subheader(t("rt_setup", lg))
    if source == "draw":
        area = {"key": st.text_input(t("rt_drawn_name", lg), value=t("rt_drawn_default", lg), max_chars=100,
                                     key="rt_drawn_name")}
    else:
        area = st.selectbox(t("rt_area", lg), areas, format_func=_area_label, key="rt_area")
    doors = st.radio(t("rt_doors", lg), ["reported", "all", "social_housing"],
                     format_func=lambda d: t(f"rt_doors_{d}", lg), key="rt_doors", horizontal=True)
    # the framing of the period (issue 16) gives the defaults: its pairs and its shift
    framed = repo.framing(as_of)
    f_start, f_end = time(9, 0), time(15, 0)
    if framed is not None and framed.shift:
        (h1, m1), (h2, m2) = (map(int, x.split(":")) for x in framed.shift.split("-"))
        f_start, f_end = time(h1, m1), (time(23, 59) if h2 == 24 else time(h2, m2))
    c1, c2, c3 = st.columns(3)
    teams = c1.number_input(t("rt_teams", lg), min_value=1, max_value=20, step=1, key="rt_teams",
                            value=int(framed.pairs) if framed is not None and framed.pairs else 2)
    days = c2.number_input(t("rt_days", lg), min_value=1, max_value=10, value=2, step=1, key="rt_days")
    first = c3.date_input(t("rt_from", lg), value=next_working_day(as_of, closed=repo.closed_days()),
                        key="rt_from", format=date_format(lg))
    c1, c2, c3 = st.columns(3)
    shift_start = c1.time_input(t("rt_shift_start", lg), value=f_start, key="rt_shift_start")
    shift_end = c2.time_input(t("rt_shift_end", lg), value=f_end, key="rt_shift_end")
    seconds = c3.slider(t("rt_seconds", lg), min_value=1, max_value=60, value=5, key="rt_seconds")
    start = st.text_input(t("rt_start", lg), value="", key="rt_start")
    c1, c2, c3, c4 = st.columns(4)
    # a select slider, not a number field: a number field writes "4.50" whatever the language
    speed = c1.select_slider(t("rt_speed", lg), options=[x / 2 for x in range(4, 17)], value=4.5, key="rt_speed",
                             format_func=lambda v: number_text(v, lg, decimals=1))
    per_entrance = c2.number_input(t("rt_per_entrance", lg), min_value=0, max_value=1800, value=60, step=10,
                                   key="rt_per_entrance")
    per_unit = c3.number_input(t("rt_per_unit", lg), min_value=0, max_value=1800, value=90, step=10,
                               key="rt_per_unit")
    attempts = c4.number_input(t("rt_attempts", lg), min_value=1, max_value=10, value=3, step=1, key="rt_attempts")
    c1, c2 = st.columns([2, 1])
    mode = c1.radio(t("rt_mode", lg), ["auto", "walk", "drive_walk"], key="rt_mode", horizontal=True,
                    format_func=lambda x: t(f"rt_mode_{x}", lg), help=t("rt_mode_help", lg))
    walk_limit = c2.number_input(t("rt_walk_limit", lg), min_value=100, max_value=20_000, step=100,
                                 value=int(repo.settings()["drive_walk_m"]), key="rt_walk_limit",
                                 help=t("rt_walk_limit_help", lg))
    use_turfs = st.checkbox(t("rt_turfs", lg), value=False, key="rt_turfs", help=t("rt_turfs_help", lg))
    submitted = st.form_submit_button(t("rt_plan_button", lg), type="primary")

if submitted:
    if shift_end <= shift_start:
        st.error(t("rt_bad_shift", lg))
    elif source == "draw" and drawn is None:
        st.error(t("rt_drawn_none", lg))
    else:
        bar = st.progress(0.0, text=t("rt_solving", lg))
        try:
            plan = repo.plan_routes(
                area["key"], teams=int(teams), days=int(days),
                shift=f"{shift_start:%H:%M}-{shift_end:%H:%M}", start=start.strip() or None, doors=doors,
                from_date=first, as_of=as_of, seconds=float(seconds), speed_kmh=float(speed),
                per_entrance_s=int(per_entrance), per_unit_s=int(per_unit), attempts=int(attempts),
                progress=lambda f: bar.progress(min(1.0, float(f)), text=t("rt_solving", lg)),
                area_geometry=drawn if source == "draw" else None, turfs=bool(use_turfs),
                mode=mode, walk_limit_m=int(walk_limit))
        except InputError as exc:
            bar.empty()
            st.error(md_escape(input_error_text(exc, lg)))
        else:
            bar.success(t("rt_saved", lg).format(area=md_escape(area_words(plan["area"], lg)),
                                                routes=_count("rt_n_routes", plan["totals"]["routes"]),
                                                stops=_count("rt_n_stops", plan["totals"]["stops"])))
            # the selector below shows the plan just saved: its widget state would keep the
            # previous one (an index= is ignored once the key has a value)
            st.session_state["rt_plan_pick"] = plan["plan_id"]

plans = repo.route_plans()
st.subheader(t("rt_plans", lg))
if not plans:
    st.write(t("rt_no_plans", lg))
    st.stop()
ids = [p["plan_id"] for p in plans]
if st.session_state.get("rt_plan_pick") not in ids:  # none yet, or deleted: the newest
    st.session_state["rt_plan_pick"] = ids[0]
plan_texts = _plan_texts(plans)
plan_id = st.selectbox(t("rt_plan_label", lg), ids, key="rt_plan_pick", format_func=plan_texts.get)
plan = repo.route_plan(plan_id)
routes = [r for r in plan["routes"] if r["stops"]]

st.subheader(t("rt_totals", lg))
tot = plan["totals"]
driving = plan.get("mode") == "drive_walk"
c = st.columns(6 if driving else 5)
c[0].metric(t("rt_m_routes", lg), tot["routes"])
c[1].metric(t("rt_m_stops", lg), tot["stops"])
c[2].metric(t("rt_m_walk", lg), number_text(tot["walk_m"] / 1000, lg, decimals=1))
c[3].metric(t("rt_m_hours", lg), number_text(tot["duration_s"] / 3600, lg, decimals=1))
c[4].metric(t("rt_m_unplanned", lg), len(plan["unplanned"]))
if driving:
    c[5].metric(t("rt_m_drive", lg), number_text(tot.get("drive_m", 0) / 1000, lg, decimals=1))
st.caption(t(f"rt_method_{plan['method']}", lg))
if plan["params"].get("mode") == "auto" or driving:
    st.caption(t(f"rt_mode_used_{plan.get('mode', 'walk')}", lg).format(
        limit=number_text(plan["params"].get("walk_limit_m") or 0, lg)))
# the plan in words (issue 17): days or pairs it did not need, short routes merged or why
# they stay, doors that did not fit
for note in plan.get("notes") or []:
    text = note_text(note, "da" if lg == "da" else "en", days=plan["params"].get("days") or [],
                     min_minutes=plan["params"].get("min_route_minutes") or 60)
    (st.warning if note["code"] in ("not_enough_time", "short_route") else st.info)(text)
q = plan.get("stats") or {}
if q.get("balance_ratio") is not None:
    st.caption(t("rt_quality", lg).format(balance=number_text(q["balance_ratio"], lg, decimals=2),
                                          overlap=number_text(100 * q["turf_overlap"], lg)))


def _day_list(plan: dict) -> None:
    """The plan's days, and every day between its first and last without routes, and why
    (a public holiday by name, the municipality's closed day, the weekend)."""
    planned = sorted(plan["params"].get("days") or [])
    if not planned:
        return
    first, last = (date.fromisoformat(d) for d in (planned[0], planned[-1]))
    closed = ClosedDays.parse(plan["params"].get("closed_days") or [])
    off = days_off(first, last, closed=closed, language="da" if lg == "da" else "en")
    st.subheader(t("rt_days_heading", lg))
    st.write(t("rt_days_planned", lg).format(days=", ".join(day_words(date.fromisoformat(d), lg)
                                                             for d in planned)))
    lines = [t(f"rt_day_off_{o.reason}", lg).format(day=day_words(o.day, lg), name=o.name)
             for o in off if o.reason != "weekend"]
    weekend = [day_words(o.day, lg) for o in off if o.reason == "weekend"]
    if weekend:
        lines.append(t("rt_day_off_weekend", lg).format(days=", ".join(weekend)))
    if lines:
        st.write(t("rt_days_off_caption", lg))
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))
    else:
        st.caption(t("rt_days_off_none", lg))


_day_list(plan)

st.subheader(t("rt_map", lg))
st.caption(t("rt_map_caption", lg))
m = _route_map(session.db_key(), plan_id, repo.actor.name)
show_map(m, height=560, returned_objects=[], key=f"rt-map-{plan_id}")
if plan.get("turfs"):
    st.subheader(t("rt_turfs_heading", lg))
    st.caption(t("rt_turfs_caption", lg))
    st.dataframe(pd.DataFrame({
        t("rt_col_turf_team", lg): [str(x["team"]) for x in plan["turfs"]],
        t("rt_col_turf_doors", lg): [number_text(x["doors"], lg) for x in plan["turfs"]],
        t("rt_col_turf_work", lg): [number_text(x["work_s"] / 3600, lg, decimals=1) for x in plan["turfs"]],
        t("rt_col_turf_compact", lg): [number_text(x["compactness"], lg, decimals=2) for x in plan["turfs"]],
    }), hide_index=True)

for n, r in enumerate(routes, start=1):
    head = t("rt_route_label", lg).format(n=n, team=r["team"], day=date_text(r["day"], lg))
    summary = t("rt_route_summary", lg).format(stops=len(r["stops"]), km=number_text(r["walk_m"] / 1000, lg, decimals=1),
                                               start=_hhmm(r["start"]), end=_hhmm(r["end"]))
    if r.get("drive_m"):
        summary += t("rt_route_summary_drive", lg).format(km=number_text(r["drive_m"] / 1000, lg, decimals=1),
                                                          n=len(r.get("parking") or []) - 1)
    with st.expander(f"{head} — {summary}", expanded=n == 1):
        st.dataframe(pd.DataFrame({
            t("rt_col_seq", lg): [s["seq"] for s in r["stops"]],
            t("rt_col_arrive", lg): [_hhmm(s["arrive"]) for s in r["stops"]],
            t("col_address", lg): [s["address"] for s in r["stops"]],
            t("rt_col_units", lg): [_units(s) for s in r["stops"]],
            t("rt_col_task", lg): [t(f"rt_task_{s['task']}", lg) for s in r["stops"]],
            t("rt_col_walk", lg): [number_text(s["walk_m"], lg) for s in r["stops"]],
            **({t("rt_col_drive", lg): [t("rt_drive_to", lg).format(n=s["parking"], m=number_text(s["drive_m"], lg))
                                        if s.get("parking") else "" for s in r["stops"]]} if r.get("drive_m") else {}),
        }), hide_index=True)
        if r["members"]:
            st.write(t("rt_assigned", lg).format(n=n, who=md_escape(", ".join(r["members"]))))

if plan["unplanned"]:
    st.subheader(t("rt_unplanned", lg))
    ent = repo.entrances()
    addr = {a.entrance_id: f"{a.street} {a.house_number}, {a.postcode} {a.city}" for a in ent.itertuples()}
    st.dataframe(pd.DataFrame({
        t("col_address", lg): [addr.get(u["entrance_id"], u["entrance_id"]) for u in plan["unplanned"]],
        t("rt_col_reason", lg): [t(f"rt_reason_{u['reason']}", lg) for u in plan["unplanned"]],
    }), hide_index=True)
    unsafe = [u["entrance_id"] for u in plan["unplanned"] if u["reason"] == "unsafe"]
    if unsafe:
        with st.form("rt_unsafe_form"):
            st.write(t("rt_unsafe_heading", lg))
            pick = st.selectbox(t("rt_unsafe_pick", lg), unsafe, format_func=lambda e: addr.get(e, e),
                                key="rt_unsafe_pick")
            if st.form_submit_button(t("rt_unsafe_clear", lg)):
                repo.clear_unsafe(pick, note="cleared on the route page")
                st.success(t("rt_unsafe_cleared", lg))

st.subheader(t("rt_downloads", lg))
# file names in words too (the pair and the day), not the route's id
pdf_stem, gpx_stem, team_word, plan_stem = (("gaaliste", "rute", "hold", "ruteplan") if lg == "da"
                                            else ("walk-list", "route", "team", "route-plan"))
for n, r in enumerate(routes, start=1):
    c1, c2 = st.columns(2)
    name = f"{team_word}-{r['team']}_{r['day']}"
    c1.download_button(t("rt_dl_pdf", lg).format(n=n), data=walk_list_pdf(r, area=plan["area"], lang=lg),
                       file_name=f"{pdf_stem}_{name}.pdf", mime="application/pdf", key=f"rt_pdf_{r['route_id']}")
    c2.download_button(t("rt_dl_gpx", lg).format(n=n), data=route_gpx(r, area=plan["area"], lang=lg),
                       file_name=f"{gpx_stem}_{name}.gpx", mime="application/gpx+xml",
                       key=f"rt_gpx_{r['route_id']}")
days = sorted({r["day"] for r in plan["routes"]}) or [""]
span = days[0] if days[0] == days[-1] else f"{days[0]}_{days[-1]}"
st.download_button(t("rt_dl_gpkg", lg), data=plan_gpkg_bytes(plan), file_name=f"{plan_stem}_{span}.gpkg",
                   mime="application/geopackage+sqlite3", key="rt_gpkg")
letters_download(repo, plan, lg, key="rt_letters_pdf")  # "Hent breve (PDF)" when letters are due

st.subheader(t("rt_assign", lg))
st.caption(t("rt_assign_pair_hint", lg))  # pair safety (issue 17): the repository refuses one alone
workers = repo.field_workers()
with st.form("rt_assign_form"):
    picks = {}
    for n, r in enumerate(routes, start=1):
        picks[r["route_id"]] = st.multiselect(t("rt_assign_who", lg).format(n=n), workers,
                                              default=[w for w in r["members"] if w in workers],
                                              key=f"rt_who_{r['route_id']}")
    if st.form_submit_button(t("rt_assign_button", lg)):
        for n, r in enumerate(routes, start=1):
            who = picks[r["route_id"]]
            if who and who != r["members"]:
                try:
                    repo.assign_route(r["route_id"], who)
                except InputError as exc:  # e.g. a worker already on another route that day
                    st.error(md_escape(input_error_text(exc, lg)))
                else:
                    st.success(t("rt_assigned", lg).format(n=n, who=md_escape(", ".join(who))))

st.subheader(t("rt_outcomes_import", lg))
up = st.file_uploader(t("rt_outcomes_import", lg), type=["csv", "gpkg"], key="rt_upload",
                      label_visibility="collapsed")
if up is not None and st.button(t("rt_import_button", lg), key="rt_import"):
    with uploaded_path(up) as path:
        try:
            out = repo.import_outcomes(path, as_of=as_of)
        except InputError as exc:
            st.error(md_escape(exc))
        else:
            st.success(t("rt_import_summary", lg).format(flagged=len(out["flagged"]), **{
                k: out[k] for k in ("rows", "imported", "rejected", "duplicates")}))
            if out["rejected_rows"]:
                st.dataframe(pd.DataFrame(out["rejected_rows"]), hide_index=True)
            if out["flagged"]:
                st.dataframe(pd.DataFrame(out["flagged"]), hide_index=True)
