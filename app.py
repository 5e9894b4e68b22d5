"""resumatch entry point: routes pages; the admin page is listed only once unlocked."""

from __future__ import annotations

import streamlit as st

from ui import access, cache, streamlit_fixes

# Before any upload: Streamlit can drop the answer to an upload request (see the module).
streamlit_fixes.keep_request_answers()

st.set_page_config(page_title="resumatch", page_icon=":material/compare_arrows:", layout="wide")

pages = [st.Page("pages/match.py", title="Match", icon=":material/compare_arrows:", default=True),
         st.Page("pages/pool.py", title="Pool", icon=":material/groups:")]
if access.admin_visible():
    pages.append(st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:"))

# Load the model while the recruiter uploads files: the first ranking then waits for no
# model load (bench/cold_start.py measures it).
cache.start_warm_up()
navigation = st.navigation(pages)
access.sidebar_login()
navigation.run()
