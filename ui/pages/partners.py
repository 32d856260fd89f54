"""Samarbejdspartnere: the registry, import of partners and coverage, the contact log with
overdue partners, partner yield and the feedback file (planner writes; team lead reads)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from folium.template import Template

from detection import clock
from detection.access import allowed
from detection.errors import OpsporError
from detection.partners.feedback import write_feedback_csv, write_feedback_pdf
from detection.repository import Repository
from detection.vocab import CHANNELS, PARTNER_KINDS
from detection.vocab import PARTNER_KIND_BY_ID as KIND_BY_ID
from geo.assets import use_local_assets
from geo.drawn import drawn_shapes
from geo.maps import coverage_items_map
from ui import session
from ui.basemap import base_map
from ui.charts import partner_yield_chart
from ui.foliummap import show_map
from ui.i18n import TEXTS, t
from ui.text import md_escape
from ui.widgets import date_format, date_text, uploaded_path

repo: Repository = st.session_state["repo"]
lg = session.lang()
can_write = allowed(repo.actor.role, "partners.write")
today = clock.today()


def _cols(df: pd.DataFrame) -> pd.DataFrame:
    """Column names in the chosen language (``par_col_*`` texts)."""
    return df.rename(columns={c: t(f"par_col_{c}", lg) for c in df.columns if f"par_col_{c}" in TEXTS})


def _kind(k: str) -> str:
    return KIND_BY_ID[k].name(lg) if k in KIND_BY_ID else k


st.title(t("par_title", lg))
st.caption(t("par_caption", lg))
as_of = st.date_input(t("cov_as_of", lg), value=today, key="par_as_of", format=date_format(lg))
plist = repo.partners_list(as_of=as_of)
names = dict(zip(plist["partner_id"], plist["name"], strict=True))
status_word = {s: t(f"par_st_{s}", lg) for s in ("active", "lapsed", "ended")}

tabs = st.tabs([t("par_tab_registry", lg), t("par_tab_coverage", lg), t("par_tab_import", lg),
                t("par_tab_log", lg), t("par_tab_yield", lg), t("par_tab_feedback", lg)])
tab_registry, tab_coverage, tab_import, tab_log, tab_yield, tab_feedback = tabs

with tab_registry:
    view = pd.DataFrame({
        t("par_name", lg): plist["name"],
        t("par_kind", lg): plist["kind"].map(_kind),
        t("par_status", lg): plist["status"].map(status_word),
        t("par_last", lg): [date_text(d, lg) for d in plist["last_contact"]],
        t("par_next", lg): [date_text(d, lg) for d in plist["next_contact"]],
        t("par_contact_name", lg): plist["contact_name"].fillna(""),
        t("par_phone", lg): plist["contact_phone"].fillna(""),
        t("par_email", lg): plist["contact_email"].fillna(""),
        t("par_coverage_items", lg): [f"{a} / {b} / {c}" for a, b, c in
                                      zip(plist["n_polygon"], plist["n_entrances"], plist["n_radius"], strict=True)],
    })
    st.dataframe(view, hide_index=True, key="par_registry")
    if can_write:
        with st.form("par_add_form", clear_on_submit=True):
            st.subheader(t("par_add", lg))
            name = st.text_input(t("par_name", lg), max_chars=200)
            kind = st.selectbox(t("par_kind", lg), [k.id for k in PARTNER_KINDS], format_func=_kind)
            contact = st.text_input(t("par_contact_name", lg), max_chars=200)
            phone = st.text_input(t("par_phone", lg), max_chars=50)
            email = st.text_input(t("par_email", lg), max_chars=200)
            notes = st.text_area(t("par_notes", lg), max_chars=2000)
            if st.form_submit_button(t("par_save", lg)):
                try:
                    repo.add_partner(name, kind, contact_name=contact or None, contact_phone=phone or None,
                                     contact_email=email or None, notes=notes)
                    st.success(t("par_added", lg))
                    st.rerun()
                except OpsporError as exc:
                    st.error(md_escape(exc))
        if len(plist):
            st.subheader(t("par_edit", lg))
            epid = st.selectbox(t("par_partner", lg), list(names), format_func=names.get, key="par_edit_partner")
            cur = plist.set_index("partner_id").loc[epid]
            with st.form(f"par_edit_form_{epid}"):
                e_contact = st.text_input(t("par_contact_name", lg), value=cur["contact_name"] or "", max_chars=200)
                e_phone = st.text_input(t("par_phone", lg), value=cur["contact_phone"] or "", max_chars=50)
                e_email = st.text_input(t("par_email", lg), value=cur["contact_email"] or "", max_chars=200)
                e_notes = st.text_area(t("par_notes", lg), value=cur["notes"] or "", max_chars=2000)
                e_active = st.checkbox(t("par_active_flag", lg), value=bool(cur["active"]))
                if st.form_submit_button(t("par_save", lg)):
                    try:
                        repo.update_partner(epid, contact_name=e_contact or None, contact_phone=e_phone or None,
                                            contact_email=e_email or None, notes=e_notes, active=e_active)
                        st.success(t("par_updated", lg))
                        st.rerun()
                    except OpsporError as exc:
                        st.error(md_escape(exc))
    else:
        st.info(t("par_read_only", lg))

def _kind_word(k: str) -> str:
    return t(f"par_cov_kind_{k}", lg)


class _FitWhenShown(MacroElement):
    """Fits the map to its bounds again the first time it gets a size.

    A map in a tab that is not open is drawn in a box of width 0: Leaflet's fitBounds then
    picks the highest zoom, and on opening the tab the user sees one beige square of a
    coverage circle at zoom 19. This waits for the box to get a size, then fits.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds|tojson }};
            var fitted = map.getSize().x > 0;
            new ResizeObserver(function () {
                map.invalidateSize();
                if (!fitted && map.getContainer().clientWidth > 0) {
                    fitted = true;
                    map.fitBounds(bounds, {padding: [30, 30]});
                }
            }).observe(map.getContainer());
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list) -> None:
        super().__init__()
        self._name = "OpsporFitWhenShown"
        self.bounds = bounds


def _fit_when_shown(m: folium.Map) -> folium.Map:
    """Add :class:`_FitWhenShown` with the bounds the map was fitted to (if any)."""
    fits = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    if fits:
        _FitWhenShown([list(map(float, p)) for p in fits[-1].bounds]).add_to(m)
    return m


@st.cache_data(max_entries=16, show_spinner=False)
def _partner_yield(db_key: str, data_version: int, user: str, day: str) -> dict:
    """Reports per partner and month, once per data version, user and day (issue 18: read on
    every rerun of the page, it re-read all reports: 3 s on a city)."""
    return Repository.open(session.db_url(), user, migrate=False).partner_yield(as_of=date.fromisoformat(day))


@st.cache_resource(max_entries=16, show_spinner=False)
def _coverage_tab_map(db_key: str, data_version: int, user: str, partner_id: str, draw: bool):
    """One partner's coverage items and their map, built once per stored version (adding or
    removing coverage bumps the workspace's data version), in both languages: a language
    switch neither rebuilds nor resends it (issue 18)."""
    r = Repository.open(session.db_url(), user, migrate=False)
    items = r.partner_coverage(partner_id)

    def both(key: str) -> dict[str, str]:
        return {lang: t(key, lang) for lang in ("da", "en")}

    m = coverage_items_map(
        boundary=r.boundary(), items=items, draw=draw,
        labels={"boundary": both("boundary"), "polygon": both("par_cov_kind_polygon"),
                "radius": both("par_cov_kind_radius"), "entrances": both("par_cov_kind_entrances")})
    base_map(r).add_to(m)
    return use_local_assets(_fit_when_shown(m)), items


with tab_coverage:
    st.caption(t("par_cov_caption", lg))
    if not len(plist):
        st.info(t("par_cov_no_partners", lg))
    else:
        cpid = st.selectbox(t("par_partner", lg), list(names), format_func=names.get, key="par_cov_partner")
        version = int(st.session_state["workspace"]["data_version"])
        cmap, items = _coverage_tab_map(session.db_key(), version, repo.actor.name, cpid, can_write)
        if can_write:
            st.caption(t("par_cov_draw_help", lg))
        # the key changes with what is stored, so a saved drawing leaves the draw layer
        stored = f"{len(items)}-{int(items['coverage_id'].max()) if len(items) else 0}"
        state = show_map(cmap, height=480, returned_objects=["all_drawings"] if can_write else [], key=f"par_cov_map_{cpid}_{stored}")
        st.markdown(f"**{t('par_cov_items', lg)}** ({len(items)})")
        if len(items):
            st.dataframe(pd.DataFrame({
                "#": items["coverage_id"].astype(int),
                t("par_cov_kind", lg): items["kind"].map(_kind_word),
                t("par_cov_label", lg): items["label"].fillna(""),
                t("par_cov_detail", lg): [f"{r:.0f} m" if k == "radius" else a for k, r, a in
                                          zip(items["kind"], items["radius_m"].fillna(0), items["address"], strict=True)],
            }), hide_index=True, key="par_cov_items_table")
        if can_write:
            try:
                drawn = drawn_shapes((state or {}).get("all_drawings"))
            except ValueError as exc:
                drawn = []
                st.error(md_escape(exc))
            label = st.text_input(t("par_cov_label", lg), max_chars=200, key="par_cov_label")
            n_poly = sum(d.kind == "polygon" for d in drawn)
            n_circ = sum(d.kind == "radius" for d in drawn)
            st.caption(t("par_cov_drawn", lg).format(polygons=n_poly, circles=n_circ))
            if st.button(t("par_cov_save_drawn", lg), key="par_cov_save_drawn", disabled=not drawn):
                try:
                    for d in drawn:
                        repo.add_coverage(cpid, d.kind, geometry=d.geometry, radius_m=d.radius_m, label=label)
                    st.success(t("par_cov_saved", lg).format(n=len(drawn)))
                    st.rerun()
                except OpsporError as exc:
                    st.error(md_escape(exc))
            st.subheader(t("par_cov_portfolio", lg))
            text = st.text_area(t("par_cov_portfolio_help", lg), key="par_cov_portfolio_text", height=140)
            if st.button(t("par_cov_match", lg), key="par_cov_match") and text.strip():
                try:
                    st.session_state["par_cov_matched"] = (cpid, repo.match_portfolio(text.splitlines()))
                except OpsporError as exc:
                    st.error(md_escape(exc))
            matched = st.session_state.get("par_cov_matched")
            if matched and matched[0] == cpid:
                mdf = matched[1]
                ok = mdf[mdf["entrance_id"] != ""]
                st.caption(t("par_cov_match_result", lg).format(found=len(ok), missing=len(mdf) - len(ok)))
                if len(mdf) > len(ok):
                    miss = mdf[mdf["entrance_id"] == ""]
                    st.dataframe(pd.DataFrame({
                        t("par_cov_line", lg): miss["line"], t("par_cov_address", lg): miss["address"],
                        t("par_cov_reason", lg): [f"{t('imp_reason_' + r, lg) if 'imp_reason_' + r in TEXTS else r}: {m}"
                                                  for r, m in zip(miss["reason"], miss["message"], strict=True)],
                    }), hide_index=True, key="par_cov_unmatched")
                if len(ok) and st.button(t("par_cov_add_found", lg).format(n=len(ok)), key="par_cov_add_found"):
                    try:
                        repo.add_coverage(cpid, "entrances", entrance_ids=sorted(set(ok["entrance_id"])), label=label)
                        st.session_state.pop("par_cov_matched", None)
                        st.success(t("par_cov_saved", lg).format(n=len(set(ok["entrance_id"]))))
                        st.rerun()
                    except OpsporError as exc:
                        st.error(md_escape(exc))
            if len(items):
                st.subheader(t("par_cov_delete", lg))
                kind_of = dict(zip(items["coverage_id"].astype(int), items["kind"], strict=True))
                del_id = st.selectbox(t("par_cov_item", lg), list(kind_of),
                                      format_func=lambda c: f"#{c} {_kind_word(kind_of[c])}",
                                      key="par_cov_delete_item")
                if st.button(t("par_cov_delete_btn", lg), key="par_cov_delete_btn"):
                    try:
                        repo.delete_coverage(int(del_id))
                        st.rerun()
                    except OpsporError as exc:
                        st.error(md_escape(exc))

with tab_import:
    if can_write:
        st.caption(t("par_import_help", lg))
        up = st.file_uploader(t("par_import_file", lg), type=["csv", "geojson", "json", "gpkg"], key="par_upload")
        allow = st.checkbox(t("par_allow_demo", lg), key="par_allow_demo") \
            if st.session_state["workspace"]["synthetic"] else False
        if up is not None and st.button(t("par_import_btn", lg), key="par_import_btn"):
            with uploaded_path(up) as path:
                try:
                    out = repo.import_partners(path, allow_in_demo=allow)
                    st.success(t("par_import_result", lg).format(**out))
                    if out.get("left_demo"):  # the demo is a real workspace now (docs/privacy.md)
                        st.warning(t("demo_left", lg))
                    if out["rejected_rows"]:
                        st.subheader(t("par_rejected", lg))
                        st.dataframe(pd.DataFrame(out["rejected_rows"]), hide_index=True)
                except OpsporError as exc:
                    st.error(t("par_demo_refused", lg) if exc.code == "demo_workspace" else md_escape(exc))
    else:
        st.info(t("par_read_only", lg))

with tab_log:
    st.subheader(t("par_overdue", lg))
    od = repo.overdue_partners(as_of=as_of)
    if od.empty:
        st.success(t("par_no_overdue", lg))
    else:
        st.dataframe(pd.DataFrame({
            t("par_name", lg): od["name"], t("par_kind", lg): od["kind"].map(_kind),
            t("par_status", lg): od["status"].map(status_word), t("par_last", lg): [date_text(d, lg) for d in od["last_contact"]],
            t("par_next", lg): [date_text(d, lg) for d in od["next_contact"]], t("par_days_overdue", lg): od["days_overdue"],
        }), hide_index=True, key="par_overdue_table")
    if can_write and len(plist):
        with st.form("par_log_form", clear_on_submit=True):
            st.subheader(t("par_log_add", lg))
            pid = st.selectbox(t("par_partner", lg), list(names), format_func=names.get)
            channel = st.selectbox(t("par_channel", lg), list(CHANNELS), format_func=lambda c: CHANNELS[c][lg])
            when = st.date_input(t("par_date", lg), value=today, format=date_format(lg))
            nxt = st.date_input(t("par_next", lg), value=today + timedelta(days=90), format=date_format(lg))
            who = st.text_input(t("par_who", lg), value=repo.actor.name, max_chars=100)
            summary = st.text_area(t("par_summary", lg), max_chars=2000)
            if st.form_submit_button(t("par_save", lg)):
                try:
                    repo.log_contact(pid, contact_date=when, channel=channel, who=who, summary=summary,
                                     next_contact=nxt)
                    st.success(t("par_logged", lg))
                    st.rerun()
                except OpsporError as exc:
                    st.error(md_escape(exc))
    st.subheader(t("par_log", lg))
    log = repo.contact_log()
    st.dataframe(pd.DataFrame({
        t("par_date", lg): [date_text(d, lg) for d in log["contact_date"]], t("par_partner", lg): log["partner_name"],
        t("par_channel", lg): log["channel"].map(lambda c: CHANNELS.get(c, {}).get(lg, c)),
        t("par_who", lg): log["who"], t("par_summary", lg): log["summary"],
        t("par_next", lg): [date_text(d, lg) for d in log["next_contact"]],
    }), hide_index=True, key="par_log_table")

with tab_yield:
    y = _partner_yield(session.db_key(), int(st.session_state["workspace"]["data_version"]), repo.actor.name,
                       as_of.isoformat())
    st.caption(t("par_yield_caption", lg).format(days=y["window_days"]))
    st.dataframe(_cols(pd.DataFrame(y["totals"]).drop(columns=["partner_id"], errors="ignore")), hide_index=True,
                 key="par_yield_totals")
    if y["totals"]:  # issue 15: the same numbers as a chart
        st.altair_chart(partner_yield_chart(pd.DataFrame(y["totals"]), lg), width="stretch")
        st.caption(t("par_yield_chart_caption", lg))
    monthly = pd.DataFrame(y["monthly"])
    if len(monthly):
        st.subheader(t("par_yield_monthly", lg))
        st.dataframe(_cols(monthly.pivot_table(index="name", columns="month", values="reports", aggfunc="first",
                                               fill_value=0).reset_index()), hide_index=True, key="par_yield_monthly")
    st.subheader(t("par_yield_contacts", lg))
    contacts = pd.DataFrame(y["contacts"]).drop(columns=["partner_id", "contact_id"], errors="ignore")
    if "channel" in contacts.columns:
        contacts["channel"] = contacts["channel"].map(lambda c: CHANNELS.get(c, {}).get(lg, c))
    st.dataframe(_cols(contacts),
                 hide_index=True, key="par_yield_contacts")

with tab_feedback:
    st.caption(t("par_feedback_caption", lg))
    fb = None
    if len(plist):
        pid = st.selectbox(t("par_partner", lg), list(names), format_func=names.get, key="par_feedback_partner")
        # made on request (each one is in the audit log), then kept for this partner and day
        if st.button(t("par_make_feedback", lg), key="par_make_feedback"):
            st.session_state["par_feedback"] = (repo.actor.name, pid, as_of, repo.partner_feedback(pid, as_of=as_of))
        made = st.session_state.get("par_feedback")
        fb = made[3] if made and made[:3] == (repo.actor.name, pid, as_of) else None
    if fb is not None:
        st.dataframe(_cols(pd.DataFrame(fb["quarters"]).astype(str)), hide_index=True, key="par_feedback_table")
        with tempfile.TemporaryDirectory() as d:
            pdf = write_feedback_pdf(fb, Path(d) / "f.pdf", lang=lg).read_bytes()
            csvb = write_feedback_csv(fb, Path(d) / "f.csv", lang=lg).read_bytes()
        stem = f"tilbagemelding_{as_of:%Y%m%d}"
        c1, c2 = st.columns(2)
        c1.download_button(t("par_download_pdf", lg), data=pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                           key="par_feedback_pdf")
        c2.download_button(t("par_download_csv", lg), data=csvb, file_name=f"{stem}.csv", mime="text/csv",
                           key="par_feedback_csv")
