"""Blind screening in the UI: the sidebar toggle and the redaction of one batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from resumatch.ingest.documents import Document
from resumatch.ingest.redaction import blind_documents

BLIND_KEY = "blind_mode"  # the remembered value; survives pages where the toggle is absent
_TOGGLE_KEY = "blind_mode_toggle"


def enabled() -> bool:
    """Whether blind screening is on for this browser session (default off)."""
    return bool(st.session_state.get(BLIND_KEY, False))


def toggle(on_change: Callable[[], None] | None = None) -> bool:
    """The "Blind screening" switch in the sidebar; returns whether it is on.

    A widget's own state is dropped when a page without it runs, so the value is kept
    under a separate key and fed back as the default.
    """

    def remember() -> None:
        st.session_state[BLIND_KEY] = bool(st.session_state[_TOGGLE_KEY])
        if on_change is not None:
            on_change()

    with st.sidebar:
        st.toggle("Blind screening", value=enabled(), key=_TOGGLE_KEY, on_change=remember,
                  help="Hide names, contact details, addresses, dates of birth, ages, "
                       "gender words and graduation years before ranking; candidates are "
                       "shown as 'Candidate 1', 'Candidate 2', ...")
    return enabled()


def redact(resumes: Sequence[Document]) -> list[Document]:
    """Redacted resumes named ``Candidate N`` (N = position in the batch, from 1)."""
    return blind_documents(resumes)
