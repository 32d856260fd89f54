"""Mine adresser: a field worker's own assigned entrances (nothing else)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from detection.repository import Repository
from geo.addresses import format_address
from ui import session
from ui.i18n import t

repo: Repository = st.session_state["repo"]
lg = session.lang()
st.title(t("my_routes_heading", lg))
mine = repo.my_assignments()
if mine.empty:
    st.write(t("my_routes_none", lg))
else:
    st.dataframe(pd.DataFrame({
        t("col_address", lg): [format_address(r.street, r.house_number, r.postcode, r.city)
                               for r in mine.itertuples(index=False)],
        t("col_team", lg): mine["team"].str.replace(",", ", "),
    }), hide_index=True)
