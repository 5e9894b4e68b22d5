"""The shortlist in the sidebar: candidates at the "screen" stage (or later) of each
opening, read from the store on every run (so it survives reloads and new sessions),
with remove buttons and a CSV export."""

from __future__ import annotations

import itertools

import streamlit as st

from resumatch.pool import shortlist
from ui import audit_panel, cache
from ui.text import escape_markdown


def _remove(job_sha256: str, resume_sha256: str) -> None:
    shortlist.unstar(cache.store(), job_sha256, resume_sha256, session=audit_panel.session_id())


def render() -> None:
    """The "Shortlist" block of the sidebar."""
    items = shortlist.entries(cache.store())
    with st.sidebar, st.container(key="shortlist_sidebar"):
        st.markdown(f"**Shortlist** ({len(items)})")
        if not items:
            st.caption("No one starred yet: star candidates under Compare candidates, or "
                       "set a stage on the Pool page.")
            return
        for (_, job_name), group in itertools.groupby(
                items, key=lambda item: (item.job_sha256, item.job_name)):
            st.caption(escape_markdown(job_name))
            for item in group:
                name, remove = st.columns([5, 1], vertical_alignment="center")
                fit = "" if item.fit is None else f" · fit {item.fit:.0%}"
                stage = "" if item.stage == "screen" else f" · {item.stage}"
                name.text(f"★ {item.resume_name}{fit}{stage}")
                remove.button("✕", key=f"shortlist_remove_{item.job_sha256[:12]}_"
                                       f"{item.resume_sha256[:12]}",
                              help="Remove from the shortlist (back to the new stage)",
                              type="tertiary",
                              on_click=_remove, args=(item.job_sha256, item.resume_sha256))
        st.download_button("Download shortlist (CSV)", shortlist.to_csv(items),
                           file_name="shortlist.csv", mime="text/csv",
                           key="shortlist_download", on_click="ignore")
