"""Admin access: the password gate that decides whether the admin page is listed."""

from __future__ import annotations

import hmac
import os
import uuid

import streamlit as st

UNLOCKED_KEY = "admin_unlocked"


def configured_password() -> str | None:
    """The admin password from ``RESUMATCH_ADMIN_PASSWORD`` or ``st.secrets``."""
    password = os.environ.get("RESUMATCH_ADMIN_PASSWORD")
    if password:
        return password
    try:
        return st.secrets.get("RESUMATCH_ADMIN_PASSWORD") or None
    except Exception:  # no secrets.toml at all
        return None


def check_password(given: str) -> bool:
    expected = configured_password()
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def unlocked() -> bool:
    """Whether this browser session entered the admin password."""
    return configured_password() is not None and bool(st.session_state.get(UNLOCKED_KEY))


def session_label() -> str:
    """A random id for this browser session, written to the audit log with admin actions."""
    return "admin-" + st.session_state.setdefault("audit_session", uuid.uuid4().hex[:12])


def admin_visible() -> bool:
    """List the admin page when unlocked, or when no password is set (it then only says
    how to set one)."""
    return configured_password() is None or bool(st.session_state.get(UNLOCKED_KEY))


def sidebar_login() -> None:
    """A small sign-in form in the sidebar; unlocking reruns so the page gets listed."""
    if configured_password() is None:
        return
    with st.sidebar:
        if st.session_state.get(UNLOCKED_KEY):
            # A link in the page itself, beside "Lock admin": the navigation menu has been
            # seen (in browser tests) to keep its old list after unlocking, until the
            # next rerun.
            st.page_link("pages/admin.py", label="Open the admin page",
                         icon=":material/admin_panel_settings:")
            if st.button("Lock admin", key="admin_lock"):
                st.session_state[UNLOCKED_KEY] = False
                st.rerun()
            return
        with st.expander("Admin sign-in"):
            with st.form("admin_login", clear_on_submit=True):
                given = st.text_input("Admin password", type="password")
                if st.form_submit_button("Unlock admin"):
                    if check_password(given):
                        st.session_state[UNLOCKED_KEY] = True
                        st.rerun()
                    else:
                        st.error("Wrong password.")
