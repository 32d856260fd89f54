"""Indlæs henvendelser: a planner uploads a file of partners' reports and sees every row
accounted for — imported (with match quality) or rejected with a reason to act on."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.vocab import KINDS
from ui import session
from ui.i18n import t
from ui.widgets import date_text, error_text, excel_csv, number_text

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()


def _reason(code: str) -> str:
    """A reason code (``date_invalid``) as the user reads it ("Dato kan ikke læses")."""
    try:
        return t(f"imp_reason_{code}", lg)
    except KeyError:
        return t("imp_reason_other", lg)


def _message(row: object, field: str, value: object, code: str) -> str:
    """The rejected row's message in the UI's language, built from its reason, field and value."""
    try:
        fix = t(f"imp_fix_{code}", lg)
    except KeyError:
        fix = t("imp_fix_other", lg)
    fix = fix.replace("{kinds}", ", ".join(k.name(lg) for k in KINDS))
    value = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    key = "imp_msg_value" if value and field else "imp_msg"
    return t(key, lg).format(row=row, reason=_reason(code), field=field, value=value, fix=fix)


def _rejected_table(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["row", "field", "value", "reason", "message"]) if isinstance(rows, list) \
        else rows[["row", "field", "value", "reason", "message"]]
    return pd.DataFrame({
        t("col_row", lg): [str(r) for r in df["row"]],
        t("col_field", lg): df["field"].fillna("").astype(str).to_numpy(),
        t("col_value", lg): df["value"].fillna("").astype(str).to_numpy(),
        t("col_reason", lg): [_reason(c) for c in df["reason"]],
        t("col_message", lg): [_message(r, f, v, c) for r, f, v, c in
                               zip(df["row"], df["field"].fillna(""), df["value"], df["reason"], strict=True)],
    })


def _csv_bytes(sheet: pd.DataFrame, rejected: pd.DataFrame) -> bytes:
    """The rejected rows as a sheet to fix in Danish Excel and import again: the cells as they
    were, the reason and the message in the user's words (the importer ignores those two)."""
    if len(sheet) != len(rejected):  # an import came in between the two reads: keep the stored words
        return excel_csv(sheet, lg)
    sheet = sheet.assign(**{
        "Afvisningsårsag": [_reason(c) for c in rejected["reason"]],
        "Besked": [_message(r, f, v, c) for r, f, v, c in
                   zip(rejected["row"], rejected["field"].fillna(""), rejected["value"], rejected["reason"],
                       strict=True)]})
    return excel_csv(sheet, lg)


st.title(t("imp_heading", lg))
st.caption(t("imp_caption", lg))

with st.form("import_form"):
    upload = st.file_uploader(t("imp_file", lg), type=["csv", "txt", "xlsx", "geojson", "json", "gpkg"],
                              key="import_file")
    source = st.text_input(t("imp_source", lg), key="import_source")
    allow = st.checkbox(t("imp_allow_demo", lg), key="import_allow_demo") if info["synthetic"] else False
    go = st.form_submit_button(t("imp_button", lg), type="primary")

if go and upload is not None:
    bar = st.progress(0.0, text=t("imp_progress", lg))
    try:
        result = repo.import_signals(upload.getvalue(), file_name=upload.name, source=source.strip() or None,
                                     allow_in_demo=bool(allow), as_of=clock.today(),
                                     progress=lambda f: bar.progress(min(1.0, max(0.0, f)), text=t("imp_progress", lg)))
        st.session_state["import_result"] = result
        if result.get("left_demo"):  # real reports made the demo a real workspace (docs/privacy.md)
            st.warning(t("demo_left", lg))
    except NotAllowed as exc:
        st.session_state.pop("import_result", None)
        st.error(t("imp_demo_refused", lg) if getattr(exc, "code", "") == "demo_workspace"
                 else error_text(exc, lg))
    except InputError as exc:
        st.session_state.pop("import_result", None)
        st.error(error_text(exc, lg))
    bar.empty()

result = st.session_state.get("import_result")
if result:
    st.success(t("imp_done", lg).format(**{k: number_text(result[k], lg)
                                           for k in ("rows", "imported", "duplicates", "rejected")}))
    cols = st.columns(5)
    for col, key in zip(cols, ("rows", "imported", "duplicates", "rejected", "cpr_removed"), strict=True):
        col.metric(t(f"imp_m_{key}", lg), number_text(result[key], lg))
    if result["imported"]:  # the new reports apart from the old ones: Kort, "Kun fra seneste indlæsning"
        st.page_link("ui/pages/map.py", label=t("imp_see_map", lg), icon=":material/map:")
    if result["rejected_rows"]:
        st.subheader(t("imp_rejected_heading", lg))
        st.dataframe(_rejected_table(result["rejected_rows"]), hide_index=True, key="import_rejected_table")
        sheet = repo.rejected_export_frame(batch_id=result["batch_id"])
        st.download_button(t("imp_download", lg),
                           _csv_bytes(sheet, repo.rejected_rows(batch_id=result["batch_id"])),
                           file_name="afviste-raekker-denne-fil.csv", mime="text/csv", key="download_batch_rejected")

st.subheader(t("imp_open_heading", lg))
open_rows = repo.rejected_rows()
if open_rows.empty:
    st.write(t("imp_none_open", lg))
else:
    st.caption(t("imp_open_caption", lg))
    table = _rejected_table(open_rows).assign(**{t("col_file", lg): open_rows["file"].to_numpy()})
    st.dataframe(table, hide_index=True, key="open_rejected_table")
    st.download_button(t("imp_download", lg), _csv_bytes(repo.rejected_export_frame(), open_rows),
                       file_name="afviste-raekker.csv", mime="text/csv", key="download_all_rejected")

batches = repo.import_batches()
if not batches.empty:
    st.subheader(t("imp_batches_heading", lg))
    table = pd.DataFrame({
        t("imp_col_when", lg): [date_text(a, lg, with_time=True) for a in batches["created_at"]],
        t("imp_col_by", lg): batches["created_by"].astype(str).to_numpy(),
        t("col_file", lg): batches["file_name"].astype(str).to_numpy()})
    for key in ("rows", "imported", "duplicates", "rejected", "cpr_removed"):
        table[t(f"imp_m_{key}", lg)] = [number_text(int(v), lg) for v in batches[key]]
    st.dataframe(table, hide_index=True, key="batches_table")
