"""Sidebar content shared by the pages: which model and backend are serving."""

from __future__ import annotations

import time

import streamlit as st

from resumatch.embed.backends import describe
from resumatch.embed.registry import ModelVersion
from ui import cache


def render_model_info() -> None:
    version = cache.active_version()
    with st.sidebar:
        st.markdown("**Active model**")
        created = ("shipped base model" if version.id == "base"
                   else time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created)))
        status = describe(cache.encoder(version))
        if status is not None and status.preparing:
            _preparing_line(version, created)  # refreshes itself until auto has decided
        else:
            st.text(f"{version.id}\n{created}\nbackend: {backend_label(version)}")
    warn_backend_fallback(version)


@st.fragment(run_every=3)
def _preparing_line(version: ModelVersion, created: str) -> None:
    """The model line while auto prepares a faster encoder in the background: "torch
    (preparing a faster encoder… (n%))", refreshed every 3 s; the whole page runs again
    when the preparation ends, to show the backend in use (or why torch stays)."""
    status = describe(cache.encoder(version))
    st.text(f"{version.id}\n{created}\nbackend: {backend_label(version)}")
    if status is not None and not status.preparing:
        st.rerun(scope="app")


def backend_label(version: ModelVersion | None = None) -> str:
    """The backend actually serving (auto's choice once made), not just the setting."""
    status = describe(cache.encoder(version))
    return status.label() if status is not None else cache.settings().backend


def warn_backend_fallback(version: ModelVersion | None = None) -> None:
    """Once per session: say that torch serves because a faster backend failed."""
    version = version or cache.active_version()
    status = describe(cache.encoder(version))
    if status is None or not status.fallback:
        return
    shown = f"backend_fallback_shown:{version.id}:{status.requested}"
    if st.session_state.get(shown):
        return
    st.session_state[shown] = True
    with st.sidebar:
        st.warning("The faster encoder could not be used, so ranking runs on the exact "
                   "torch model instead: same quality, only slower. Details are in the "
                   "server log.")
        st.text(status.fallback[:300])
