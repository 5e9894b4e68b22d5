"""Openings on the Pool page: save a new one, open or close one, and pick one."""

from __future__ import annotations

import streamlit as st

from resumatch.pool import openings
from resumatch.pool.openings import Opening, OpeningError
from ui import audit_panel, cache


def _set_status(opening_id: int, status: str) -> None:
    openings.set_status(cache.store(), opening_id, status, audit_panel.session_id())


def manage() -> None:
    """An expander listing openings, with a form to save a new one."""
    found = openings.list_openings(cache.store())
    saved = st.session_state.pop("pool_opening_saved", None)
    if saved:
        st.success(saved)
    with st.expander("Openings"), st.container(key="pool_openings"):
        if not found:
            st.caption("No openings yet.")
        for opening in found:
            name, action = st.columns([5, 1], vertical_alignment="center")
            name.text(f"#{opening.id} {opening.name} · {opening.status}")
            target = "closed" if opening.status == "open" else "open"
            action.button("Close" if target == "closed" else "Reopen",
                          key=f"opening_status_{opening.id}", type="tertiary",
                          on_click=_set_status, args=(opening.id, target))
        with st.form("new_opening", clear_on_submit=True):
            st.markdown("**Save a new opening**")
            name = st.text_input("Opening name", key="new_opening_name")
            text = st.text_area("Job description", key="new_opening_text", height=140)
            if st.form_submit_button("Save opening"):
                try:
                    saved = openings.save_opening(cache.store(), name, text,
                                                  audit_panel.session_id())
                except OpeningError as err:
                    st.error(str(err))
                else:
                    st.session_state["pool_opening"] = saved.id
                    st.session_state["pool_opening_saved"] = (
                        f"Saved opening #{saved.id}: {saved.name}")
                    st.rerun()


def pick(key: str, label: str = "Opening") -> Opening | None:
    """A selectbox of openings (open ones first); None when there are none."""
    found = sorted(openings.list_openings(cache.store()), key=lambda o: o.status != "open")
    if not found:
        return None
    by_id = {o.id: o for o in found}
    if st.session_state.get(key) not in by_id:
        st.session_state[key] = found[0].id
    chosen = st.selectbox(label, list(by_id), key=key,
                          format_func=lambda i: f"{by_id[i].name} (#{i}, {by_id[i].status})")
    return by_id[chosen]
