"""Admin page: labeled pairs → fine-tune job → held-out evaluation → promote or roll back."""

from __future__ import annotations

import streamlit as st

from ui import access, admin_bias, admin_scale, admin_widgets, audit_panel, cache, sidebar

st.title("Admin")
if access.configured_password() is None:
    st.info("The admin page is locked until a password is set. Start the app with "
            "`RESUMATCH_ADMIN_PASSWORD=...` in the environment (or put "
            "`RESUMATCH_ADMIN_PASSWORD` in `.streamlit/secrets.toml`), then sign in "
            "from the sidebar.")
    st.stop()
if not access.unlocked():
    # Not listed in the navigation when locked; this guards any other way in.
    st.warning("Sign in with the admin password in the sidebar.")
    st.stop()

settings = cache.settings()
store = cache.store()
registry = cache.registry()
sidebar.render_model_info()
admin_widgets.show_flash()

admin_widgets.pairs_section(settings, store)
admin_widgets.training_section(settings, store, registry)
admin_widgets.evaluation_section(store)
admin_widgets.versions_section(registry)
admin_bias.render(store)
admin_scale.render(settings, store, registry)
admin_widgets.audit_section(store)
audit_panel.render(store)
