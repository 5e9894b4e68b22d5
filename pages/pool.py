"""Pool page: openings, the talent pool searched for an opening or listed whole, and one
candidate's fields, duplicates, stage, rating, notes and deletion."""

from __future__ import annotations

import streamlit as st

from ui import (
    blind,
    pool_candidate,
    pool_filters,
    pool_openings,
    pool_settings,
    pool_views,
    shortlist_sidebar,
    sidebar,
)

sidebar.render_model_info()
blind_on = blind.toggle()
shortlist_sidebar.render()
pool_settings.apply()

st.title("Talent pool")
st.caption("Every resume ranked on the Match page (unless blind mode is on) and every "
           "resume added with `python -m resumatch pool add` is kept here as a candidate.")
deleted = st.session_state.pop("pool_deleted", None)
if deleted:
    st.success(deleted)
pool_openings.manage()
field_filter = pool_filters.render("pool")

search_tab, list_tab = st.tabs(["Search the pool for an opening", "All candidates"])
with search_tab:
    opening, fits = pool_views.search(field_filter, blind_on)
with list_tab:
    pool_views.candidates_table(field_filter, blind_on)

st.divider()
pool_candidate.render(blind_on, fits, opening)
pool_settings.render()
