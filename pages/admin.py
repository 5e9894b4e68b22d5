"""Admin page: labeled pairs, fine-tuning, evaluation and model versions."""

from __future__ import annotations

import streamlit as st

from ui import access

st.title("Admin")
if access.configured_password() is None:
    st.info("The admin page is locked until a password is set. Start the app with "
            "`RESUMATCH_ADMIN_PASSWORD=...` in the environment (or put "
            "`RESUMATCH_ADMIN_PASSWORD` in `.streamlit/secrets.toml`), then sign in "
            "from the sidebar.")
    st.stop()
st.write("Fine-tuning arrives here.")
