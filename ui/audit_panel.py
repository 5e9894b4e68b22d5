"""Audit trail and data deletion in the UI.

``record_ranking`` and ``export_logger`` are used by the Match page; ``render`` is the
admin page's section: download the audit log as CSV, and delete all candidate data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import streamlit as st

from resumatch.pipeline import MatchResult
from resumatch.store import Store
from resumatch.store.audit import audit_csv, audit_frame, record_export
from resumatch.store.audit import record_ranking as log_ranking
from resumatch.store.purge import (
    CANDIDATE_TABLES,
    TRAINING_TABLES,
    count_candidate_data,
    purge_candidate_data,
)
from ui import access, cache

CONFIRM_WORD = "DELETE"


def session_id() -> str:
    """A random id for this browser session: the "who" of the audit log (never a name).

    The same random part as the admin's ``access.session_label()``, so one browser's
    rankings and admin actions can be told apart and still be linked.
    """
    return "user-" + st.session_state.setdefault("audit_session", uuid.uuid4().hex[:12])


def record_ranking(result: MatchResult, blind: bool) -> None:
    """Log the result set this session is about to be shown."""
    log_ranking(cache.store(), session_id(), result.model_id,
                [(e.doc.name, e.doc.sha256) for e in result.resumes],
                [(e.doc.name, e.doc.sha256) for e in result.jobs],
                result.table, blind)


def export_logger(result: MatchResult, file_name: str, content: str,
                  blind: bool) -> Callable[[], None]:
    """An ``on_click`` callback for a download button that logs the export."""
    documents = [e.doc.sha256 for e in result.resumes + result.jobs]

    def log() -> None:
        record_export(cache.store(), session_id(), result.model_id, file_name, content,
                      documents, blind=blind)

    return log


def render(store: Store) -> None:
    """Admin section: audit log download and "Delete all candidate data"."""
    st.subheader("Audit log and candidate data")
    frame = audit_frame(store, limit=20)
    st.caption("Append-only: who (a random session id), when, which model version, which "
               "documents (content hashes) and which result set was shown or exported.")
    if not frame.empty:
        st.dataframe(frame.drop(columns=["documents"]), hide_index=True, width="stretch")
    content = audit_csv(store)
    st.download_button("Download audit log (CSV)", content, file_name="audit_log.csv",
                       mime="text/csv", key="download_audit",
                       on_click=lambda: record_export(store, access.session_label(), None,
                                                      "audit_log.csv", content))
    _purge_form(store)


def _purge_form(store: Store) -> None:
    labels = {**CANDIDATE_TABLES, **TRAINING_TABLES}
    done = st.session_state.pop("purge_report", None)
    if done:
        st.success("Candidate data deleted.")
        st.text("\n".join(done))
    with st.expander("Delete all candidate data"):
        pending = count_candidate_data(store)
        st.text("\n".join(f"{count} {labels[table]}" for table, count in pending.items()))
        st.caption("Model versions, training run records and the audit log (hashes only) "
                   "are kept. This cannot be undone.")
        typed = st.text_input(f"Type {CONFIRM_WORD} to confirm", key="purge_confirm")
        if st.button("Delete all candidate data", type="primary", key="purge_button",
                     disabled=typed.strip() != CONFIRM_WORD):
            report = purge_candidate_data(store, session=access.session_label())
            st.session_state["purge_report"] = report.lines()
            st.session_state.pop("match_result", None)  # this session's results go too
            st.session_state.pop("purge_confirm", None)
            st.rerun()
