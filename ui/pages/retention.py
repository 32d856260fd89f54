"""Sletning og opbevaring: retention periods and the purge (administrator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError
from detection.repository import Repository
from detection.repository.base import MIN_SETTINGS
from ui import session
from ui.closed_days import closed_days_form
from ui.i18n import t
from ui.widgets import error_text, number_text

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("retention_heading", lg))
st.caption(t("retention_caption", lg))

cfg = repo.settings()


def _settings_form(key: str, keys: list[str], max_value: int | dict[str, int]) -> None:
    with st.form(key):
        values = {k: st.number_input(t(k, lg), min_value=MIN_SETTINGS.get(k, 1),
                                     max_value=max_value[k] if isinstance(max_value, dict) else max_value,
                                     value=max(int(cfg[k]), MIN_SETTINGS.get(k, 1)), step=1)
                  for k in keys}
        if st.form_submit_button(t("save", lg)):
            try:
                for k, v in values.items():
                    if int(v) != cfg[k]:
                        repo.set_setting(k, int(v))
            except InputError as exc:
                st.error(t("settings_refused", lg).format(detail=error_text(exc, lg)))
            else:
                st.success(t("done", lg))


_settings_form("retention", [k for k in cfg if k.startswith("retention_")], 3650)


def _table_name(table: str) -> str:
    try:
        return t(f"tbl_{table}", lg)
    except KeyError:
        return table


def _table(counts: dict[str, int]) -> pd.DataFrame:
    """Rows per kind of data, in the user's words; kinds with nothing to delete left out."""
    rows = [(name, n) for name, n in counts.items() if n]
    return pd.DataFrame({t("col_table", lg): [_table_name(name) for name, _ in rows],
                         t("col_rows", lg): [number_text(n, lg) for _, n in rows]})


# Safe deletion: first the dry run (what would go), then a tick that says how many rows, then
# "Slet nu". The purge deletes only when the counts are still those the user saw.
c1, c2 = st.columns(2)
if c1.button(t("purge_preview", lg), key="purge_preview"):
    st.session_state["purge_seen"] = dict(repo.purge(as_of=clock.today(), dry_run=True))
    st.session_state.pop("purge_confirm", None)
seen: dict[str, int] | None = st.session_state.get("purge_seen")
total = sum(seen.values()) if seen else 0
if seen is not None:
    if total:
        st.markdown(f"**{t('purge_table_heading', lg)}**")
        st.dataframe(_table(seen), hide_index=True, key="purge_preview_table")
    else:
        st.info(t("purge_nothing", lg))
confirmed = st.checkbox(t("purge_confirm", lg).format(n=number_text(total, lg)), key="purge_confirm",
                        disabled=not total) if seen is not None and total else False
if seen is None or not total:
    st.caption(t("purge_need_preview", lg))
if c2.button(t("purge_now", lg), type="primary", key="purge_now", disabled=not confirmed):
    now_counts = dict(repo.purge(as_of=clock.today(), dry_run=True))
    if now_counts != seen:
        st.session_state["purge_seen"] = now_counts
        st.session_state.pop("purge_confirm", None)
        st.warning(t("purge_changed", lg))
    else:
        result = repo.purge(as_of=clock.today())
        st.session_state.pop("purge_seen", None)
        st.session_state.pop("purge_confirm", None)
        st.session_state["purge_result"] = (dict(result), bool(result.reclaimed), list(result.pending))
        st.rerun()
if "purge_result" in st.session_state:
    done, reclaimed, pending = st.session_state.pop("purge_result")
    st.success(t("purge_done", lg).format(n=number_text(sum(done.values()), lg)))
    st.dataframe(_table(done), hide_index=True, key="purge_result_table")
    if not reclaimed:  # deleted, but a reader or a lock kept the bytes on disk for now
        st.warning(t("purge_pending", lg).format(tables=", ".join(_table_name(x) for x in pending)))

st.subheader(t("settings_other", lg))
_settings_form("settings_partners", ["partner_active_months"], 120)

st.subheader(t("settings_sign_in", lg))
_settings_form("settings_sign_in", ["session_idle_minutes", "sign_in_lockout_failures"], 480)

# issue 17, pair safety: how long after the shift's end a pair not checked out is listed
st.subheader(t("settings_safety", lg))
_settings_form("settings_safety", ["overdue_minutes"], 720)

# issue 17, routes: the walking limit of "bil + gå" and the shortest route worth a shift
st.subheader(t("settings_routes", lg))
_settings_form("settings_routes", ["drive_walk_m", "min_route_minutes"],
               {"drive_walk_m": 20_000, "min_route_minutes": 480})

# issue 16: the thresholds of the method's core elements (percent)
st.subheader(t("settings_fidelity", lg))
_settings_form("settings_fidelity", [k for k in cfg if k.startswith("fidelity_")],
               {k: (500 if k == "fidelity_contacts_pct" else 100) for k in cfg if k.startswith("fidelity_")})

# issue 17: the municipality's closed days (the team lead sets them on the route page too)
st.subheader(t("cd_label", lg))
closed_days_form(repo, lg, key="settings_closed_days")
