"""Indlæs henvendelser: a planner uploads a file of partners' reports and sees every row
accounted for — imported (with match quality) or rejected with a reason to act on."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from detection import clock
from detection.errors import InputError, NotAllowed
from detection.repository import Repository
from detection.tabular import write_csv
from ui import session
from ui.i18n import t
from ui.text import md_escape

repo: Repository = st.session_state["repo"]
info = st.session_state["workspace"]
lg = session.lang()


def _reason(code: str) -> str:
    key = f"imp_reason_{code}"
    try:
        return f"{t(key, lg)} ({code})"
    except KeyError:
        return code


def _rejected_table(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["row", "field", "value", "reason", "message"]) if isinstance(rows, list) \
        else rows[["row", "field", "value", "reason", "message"]]
    df = df.assign(reason=[_reason(c) for c in df["reason"]])
    return df.rename(columns={"row": t("col_row", lg), "field": t("col_field", lg), "value": t("col_value", lg),
                              "reason": t("col_reason", lg), "message": t("col_message", lg)})


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for Danish Excel via :func:`detection.tabular.write_csv` (formula prefixes neutralised)."""
    with tempfile.TemporaryDirectory() as d:
        return write_csv(df, Path(d) / "afviste.csv").read_bytes()


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
                 else f"{t('imp_not_allowed', lg)} {md_escape(exc)}")
    except InputError as exc:
        st.session_state.pop("import_result", None)
        code = getattr(exc, "code", "")
        if code == "bad_quoting":
            st.error(t("imp_bad_quoting", lg).format(line=getattr(exc, "line", "?")))
        elif code == "cpr_in_source":
            st.error(t("imp_cpr_in_source", lg))
        else:
            st.error(f"{t('imp_failed', lg)} {md_escape(exc)}")
    bar.empty()

result = st.session_state.get("import_result")
if result:
    st.success(t("imp_done", lg).format(**{k: result[k] for k in ("rows", "imported", "duplicates", "rejected")}))
    cols = st.columns(5)
    for col, key in zip(cols, ("rows", "imported", "duplicates", "rejected", "cpr_removed"), strict=True):
        col.metric(t(f"imp_m_{key}", lg), result[key])
    if result["rejected_rows"]:
        st.subheader(t("imp_rejected_heading", lg))
        st.dataframe(_rejected_table(result["rejected_rows"]), hide_index=True, key="import_rejected_table")
        sheet = repo.rejected_export_frame(batch_id=result["batch_id"])
        st.download_button(t("imp_download", lg), _csv_bytes(sheet), file_name=f"afviste-{result['batch_id'][:8]}.csv",
                           mime="text/csv", key="download_batch_rejected")

st.subheader(t("imp_open_heading", lg))
open_rows = repo.rejected_rows()
if open_rows.empty:
    st.write(t("imp_none_open", lg))
else:
    st.caption(t("imp_open_caption", lg))
    table = _rejected_table(open_rows).assign(**{t("col_file", lg): open_rows["file"].to_numpy()})
    st.dataframe(table, hide_index=True, key="open_rejected_table")
    st.download_button(t("imp_download", lg), _csv_bytes(repo.rejected_export_frame()),
                       file_name="afviste-raekker.csv", mime="text/csv", key="download_all_rejected")

batches = repo.import_batches()
if not batches.empty:
    st.subheader(t("imp_batches_heading", lg))
    st.dataframe(batches[["created_at", "created_by", "file_name", "rows", "imported", "duplicates", "rejected",
                          "cpr_removed"]].rename(columns={
        "created_at": t("imp_col_when", lg), "created_by": t("imp_col_by", lg), "file_name": t("col_file", lg),
        "rows": t("imp_m_rows", lg), "imported": t("imp_m_imported", lg), "duplicates": t("imp_m_duplicates", lg),
        "rejected": t("imp_m_rejected", lg), "cpr_removed": t("imp_m_cpr_removed", lg)}),
        hide_index=True, key="batches_table")
