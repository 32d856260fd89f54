"""Vurdering: the planner's list of reports to assess, filterable by kind, source, area and
match quality; each report assessed as in / not in the target group / unclear — one at a
time (nothing preselected) or the whole filtered list at once; the last assessment can be
undone."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from detection.errors import OpsporError
from detection.repository import Repository
from detection.vocab import ASSESSMENTS, KIND_BY_ID, KINDS
from geo.areas import GRID_LAYERS
from geo.geocode import QUALITIES
from ui import session
from ui.i18n import t
from ui.text import md_escape
from ui.widgets import cell_labels, date_text, error_text, layer_label, number_text

repo: Repository = st.session_state["repo"]
lg = session.lang()
ALL = "__all__"
CHOICES = [a for a in ASSESSMENTS if a != "new"]

st.title(t("as_heading", lg))
st.caption(t("as_caption", lg))
if "as_msg" in st.session_state:
    st.success(st.session_state.pop("as_msg"))

# the last assessment of this session, to undo (the repository restores only what is unchanged)
last = st.session_state.get("as_last")
if last:
    c1, c2 = st.columns([3, 1])
    c1.caption(t("as_undo_caption", lg).format(n=number_text(len(last["before"]), lg),
                                               value=t(f"imp_a_{last['assessment']}", lg),
                                               when=date_text(last["at"], lg, with_time=True)))
    if c2.button(t("as_undo", lg), key="as_undo"):
        try:
            n = repo.undo_assessment(last)
        except OpsporError as exc:
            st.error(error_text(exc, lg))
        else:
            st.session_state.pop("as_last", None)
            st.session_state["as_msg"] = t("as_undone", lg).format(n=number_text(n, lg))
            st.rerun()


@st.cache_data(max_entries=8, show_spinner=False)
def _report_cells(db_key: str, data_version: int, user: str, layer: str) -> pd.DataFrame:
    """The grid cells that hold reports, once per data version, user and layer (issue 18: read
    from every entrance on each rerun, 1–2 s on a city). Assessing a report leaves them as
    they are; an import, an erasure or a restriction changes the data version."""
    return Repository.open(session.db_url(), user, migrate=False).report_cells(layer)


c1, c2, c3 = st.columns(3)
kind = c1.selectbox(t("as_filter_kind", lg), [ALL, *[k.id for k in KINDS]], key="as_kind",
                    format_func=lambda k: t("as_all", lg) if k == ALL else KIND_BY_ID[k].name(lg))
source = c2.selectbox(t("as_filter_source", lg), [ALL, *repo.signal_sources()], key="as_source",
                      format_func=lambda s: t("as_all", lg) if s == ALL else s)
quality = c3.selectbox(t("as_filter_quality", lg), [ALL, *QUALITIES], key="as_quality",
                       format_func=lambda q: t("as_all", lg) if q == ALL else t(f"imp_q_{q}", lg))
c4, c5, c6 = st.columns(3)
status = c4.selectbox(t("as_filter_status", lg), [*ASSESSMENTS, ALL], key="as_status",
                      format_func=lambda a: t("as_all", lg) if a == ALL else t(f"imp_a_{a}", lg))
layers = [*repo.area_layer_names(), *GRID_LAYERS]
layer = c5.selectbox(t("as_filter_layer", lg), [ALL, *layers], key="as_layer",
                     format_func=lambda v: t("as_all", lg) if v == ALL else layer_label(v, lg))
area = None
if layer != ALL and layer in GRID_LAYERS:
    cells = _report_cells(session.db_key(), int(st.session_state["workspace"]["data_version"]), repo.actor.name,
                          layer)
    names = cell_labels(cells, layer, lg)
    counts = dict(zip(cells["area_id"], cells["signals"], strict=True))
    picked = c6.selectbox(t("as_filter_area", lg), [ALL, *names], key=f"as_cell_{layer}",
                          format_func=lambda a: t("as_all", lg) if a == ALL else
                          f"{names[a]} ({number_text(int(counts[a]), lg)})")
    area = (layer, picked) if picked != ALL else None
elif layer != ALL:
    polys = repo.areas(layer)
    names = dict(zip(polys["area_id"], polys["name"], strict=True))
    picked = c6.selectbox(t("as_filter_area", lg), [ALL, *names], key=f"as_area_{layer}",
                          format_func=lambda a: t("as_all", lg) if a == ALL else str(names[a]))
    area = (layer, picked) if picked != ALL else None

MAX_ROWS = 500
"""Reports listed in the table and the chooser at most (``OPSPOR_ASSESS_ROWS`` overrides)."""


def max_rows() -> int:
    try:
        return max(1, int(os.environ.get("OPSPOR_ASSESS_ROWS", MAX_ROWS)))
    except ValueError:
        return MAX_ROWS


def assessed(by: object) -> bool:
    """Whether a report's ``assessed_by`` names someone: a column of names and gaps holds its
    gaps as NaN, which is truthy (it showed "Vurderet af nan")."""
    return isinstance(by, str) and by != ""


filters = {"kind": None if kind == ALL else kind, "source": None if source == ALL else source, "area": area,
           "match_quality": None if quality == ALL else quality, "assessment": None if status == ALL else status}
# a city's queue holds tens of thousands of reports: the repository reads the first rows
# for the table and the chooser and counts the rest (issue 18: reading all of them took 2 s
# on every rerun); the count and the bulk assessment below cover the whole filtered list
df = repo.signals_to_assess(**filters, limit=max_rows())
total = int(df.attrs["total"])
st.write(t("as_count", lg).format(n=number_text(total, lg)))
if df.empty:
    st.info(t("as_none", lg))
    st.stop()

COLS = {"received": t("imp_col_received", lg), "kind": t("as_filter_kind", lg), "address": t("imp_col_address", lg),
        "source": t("imp_col_source", lg), "quality": t("imp_col_quality", lg),
        "credibility": t("imp_col_credibility", lg), "note": t("imp_col_note", lg),
        "assessment": t("imp_col_assessment", lg), "assessed": t("as_col_assessed", lg)}
if total > len(df):
    st.caption(t("as_shown_first", lg).format(shown=number_text(len(df), lg), n=number_text(total, lg)))
table = pd.DataFrame({
    COLS["received"]: [date_text(d, lg) for d in df["received"]],
    COLS["kind"]: [f"{KIND_BY_ID[k].symbol} · {KIND_BY_ID[k].name(lg)}" for k in df["kind"]],
    COLS["address"]: df["address"].astype(str),
    COLS["source"]: df["source"].astype(str),
    COLS["quality"]: [t(f"imp_q_{q}", lg) for q in df["match_quality"]],
    COLS["credibility"]: [number_text(int(c), lg) for c in df["credibility"]],
    COLS["note"]: df["note"].fillna("").astype(str),  # a dataframe cell shows text as text (no HTML)
    COLS["assessment"]: [t(f"imp_a_{a}", lg) for a in df["assessment"]],
    COLS["assessed"]: [date_text(a, lg) if assessed(by) else ""
                       for a, by in zip(df["assessed_at"], df["assessed_by"], strict=True)],
})
widths = {"received": "small", "kind": "medium", "address": "medium", "source": "medium", "quality": "small",
          "credibility": "small", "note": "large", "assessment": "small", "assessed": "small"}
st.dataframe(table, hide_index=True, key="assess_table", width="stretch",
             column_config={COLS[k]: st.column_config.TextColumn(COLS[k], width=w) for k, w in widths.items()})

# one report: nothing is preselected, neither the report nor the assessment
labels = {sid: f"{date_text(r, lg)} · {KIND_BY_ID[k].name(lg)} · {a}" for sid, r, k, a in
          zip(df["signal_id"], df["received"], df["kind"], df["address"], strict=True)}
sid = st.selectbox(t("as_pick", lg), list(labels), format_func=labels.get, key="as_pick", index=None,
                   placeholder=t("as_pick_none", lg))
if sid is None:
    st.caption(t("as_pick_first", lg))
else:
    chosen = df[df["signal_id"] == sid].iloc[0]
    st.markdown(f"**{t('as_note', lg)}:** {md_escape(chosen['note'] or '') or '—'}")
    if assessed(chosen["assessed_by"]):
        st.caption(t("as_by", lg).format(who=md_escape(chosen["assessed_by"]),
                                         when=date_text(chosen["assessed_at"], lg, with_time=True)))
    with st.form("assess_form"):
        value = st.radio(t("as_set", lg), CHOICES, key="as_value", horizontal=True, index=None,
                         format_func=lambda a: t(f"imp_a_{a}", lg))
        save = st.form_submit_button(t("as_save", lg), type="primary")
    if save:
        if value is None:
            st.error(t("as_need_value", lg))
        else:
            st.session_state["as_last"] = repo.assess_signals([sid], value)
            st.session_state["as_msg"] = t("as_saved", lg)
            st.rerun()

# the whole filtered list at once, after a tick that says how many; the repository assesses
# what the filters match when the button is pressed and says how many that was
n = number_text(total, lg)
with st.expander(t("as_bulk_heading", lg).format(n=n)):
    bulk_value = st.radio(t("as_set", lg), CHOICES, key="as_bulk_value", horizontal=True, index=None,
                          format_func=lambda a: t(f"imp_a_{a}", lg))
    sure = st.checkbox(t("as_bulk_confirm", lg).format(n=n), key="as_bulk_confirm")
    if st.button(t("as_bulk_save", lg), key="as_bulk_save"):
        if bulk_value is None:
            st.error(t("as_need_value", lg))
        elif not sure:
            st.error(t("as_bulk_need_confirm", lg).format(n=n))
        else:
            try:
                done = repo.assess_filtered(bulk_value, **filters)
            except OpsporError as exc:
                st.error(error_text(exc, lg))
            else:
                if done["before"]:
                    st.session_state["as_last"] = done
                st.session_state["as_msg"] = t("as_bulk_saved", lg).format(n=number_text(len(done["before"]), lg))
                for k in ("as_bulk_confirm", "as_bulk_value"):
                    st.session_state.pop(k, None)
                st.rerun()
