"""Pool settings on the Pool page: retention and whether ranked resumes are kept."""

from __future__ import annotations

import streamlit as st

from resumatch.pool.candidates import KEEP_RANKED_KEY, keep_ranked
from resumatch.pool.retention import apply_retention, retention_days, set_retention_days
from ui import audit_panel, cache


def apply() -> None:
    """Apply the retention setting (a no-op when it is off) and say what it deleted."""
    erased = apply_retention(cache.store(), session=audit_panel.session_id())
    if erased:
        st.info(f"Retention: deleted {len(erased)} candidate(s) untouched for "
                f"{retention_days(cache.store())} days.")


def render() -> None:
    store = cache.store()
    with st.expander("Pool settings"):
        keep = st.toggle("Keep resumes ranked on the Match page in the pool",
                         value=keep_ranked(store), key="pool_keep_ranked",
                         help="Off: rankings are not kept. Blind mode never keeps them.")
        if keep != keep_ranked(store):
            store.set_setting(KEEP_RANKED_KEY, "1" if keep else "0")
        days = st.number_input("Delete candidates untouched for this many days (0: never)",
                               min_value=0, max_value=3650, value=retention_days(store) or 0,
                               step=30, key="pool_retention_days")
        if st.button("Save retention", key="pool_save_retention"):
            set_retention_days(store, int(days), audit_panel.session_id())
            st.rerun()
