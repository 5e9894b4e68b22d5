"""Sidebar content shared by the pages: which model and backend are serving."""

from __future__ import annotations

import time

import streamlit as st

from ui import cache


def render_model_info() -> None:
    version = cache.active_version()
    with st.sidebar:
        st.markdown("**Active model**")
        created = ("shipped base model" if version.id == "base"
                   else time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created)))
        st.text(f"{version.id}\n{created}\nbackend: {cache.settings().backend}")
