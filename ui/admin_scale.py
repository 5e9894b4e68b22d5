"""The admin page's bulk section: re-embed the pool for a model version (offered after a
fine-tune, before promotion), ingest a folder on the server, and follow the job.

A job runs as a background process (``resumatch.scale.jobs``) whose progress lives in the
store: every app server's admin page shows it and can cancel it, as with training. Paths
and messages are shown escaped, never as live markdown.
"""

from __future__ import annotations

import os
import time

import pandas as pd
import streamlit as st

from resumatch.config import Settings
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.scale import jobs
from resumatch.scale.engine import planned_model_id
from resumatch.scale.job_rows import ScaleJob, list_jobs
from resumatch.scale.units import pool_coverage
from resumatch.store import Store
from ui import access
from ui.text import duration, escape_markdown

POLL_S = 2.0
WATCH_KEY = "admin_watching_scale_job"
ENGINE_LABELS = {"local": "this server (a background process)",
                 "ray": "Ray (RAY_ADDRESS, or a Ray started on this server)"}


def render(settings: Settings, store: Store, registry: ModelRegistry) -> None:
    """The whole section: a running job's progress, or the last result and the forms."""
    st.header("Bulk ingest and re-embedding")
    st.caption("Large jobs run in a background process on this server, or on Ray; their "
               "progress is kept in the database, so every app server shows it. A stopped "
               "job keeps what it embedded: start it again to continue.")
    running = jobs.active_job(store)
    if running is not None:
        st.session_state[WATCH_KEY] = running.id
        st.fragment(run_every=POLL_S)(_progress)(store, running.id)
        return
    _last_job(store)
    engine, address = _engine_choice()
    _reembed(settings, store, registry, engine, address)
    _ingest(settings, store, engine, address)


def _engine_choice() -> tuple[str, str]:
    engine = st.radio("Where to embed", list(ENGINE_LABELS), key="scale_engine",
                      format_func=ENGINE_LABELS.get, horizontal=True)
    address = ""
    if engine == "ray":
        address = st.text_input(
            "Ray address", value=os.environ.get("RAY_ADDRESS", ""), key="scale_ray_address",
            help="A running Ray cluster, e.g. ray://head:10001. Empty: Ray starts on this "
                 "server with its cores. Workers need the same models directory path.")
    return engine, address.strip()


def _start(settings: Settings, store: Store, kind: str, params: dict, engine: str,
           address: str) -> None:
    params = {**params, "ray_address": address or None}
    try:
        job = jobs.start_job(settings, store, kind, params, engine=engine,
                             session=access.session_label())
    except (RuntimeError, ValueError) as err:
        st.error(escape_markdown(str(err)))
        return
    store.audit(access.session_label(), f"{kind}_started",
                detail={"job": job.id, "engine": engine, **params})
    st.session_state[WATCH_KEY] = job.id
    st.rerun()


# -- re-embed -----------------------------------------------------------------------------
def _default_version(versions: list[ModelVersion], active: ModelVersion) -> int:
    """The newest version that is not active (what a fine-tune just made), else active."""
    others = [v for v in versions if v.id != active.id and v.created > active.created]
    target = max(others, key=lambda v: v.created) if others else active
    return [v.id for v in versions].index(target.id)


def _reembed(settings: Settings, store: Store, registry: ModelRegistry, engine: str,
             address: str) -> None:
    st.subheader("Re-embed the pool")
    versions, active = registry.versions(), registry.active()
    # No widget key: when a fine-tune adds a version, the choice moves to it by itself.
    version: ModelVersion = st.selectbox(
        "Model version to embed the pool for", versions,
        index=_default_version(versions, active),
        format_func=lambda v: v.id + (" (active)" if v.id == active.id else ""))
    model_id = planned_model_id(settings, store, version)
    if model_id is None:
        st.caption(f"The auto backend has not been chosen for {version.id} yet: the job "
                   "chooses it first (a few minutes, once per version).")
        covered, total = 0, pool_coverage(store, version.id)[1]
    else:
        covered, total = pool_coverage(store, model_id)
    if total == 0:
        st.caption("The pool is empty: nothing to embed.")
        return
    st.caption(f"{covered} of {total} pool candidates have vectors for {version.id}.")
    if covered >= total:
        return
    if version.id != active.id:
        st.info(f"{version.id} is not active yet. Embed the pool for it before promoting "
                f"it: then the first searches after the promotion read {total - covered} "
                "resumes' vectors from the cache instead of embedding them.")
    if st.button(f"Re-embed the pool for {version.id}", key="scale_reembed_start"):
        _start(settings, store, "reembed", {"model": version.id}, engine, address)


# -- ingest ---------------------------------------------------------------------------------
def _ingest(settings: Settings, store: Store, engine: str, address: str) -> None:
    st.subheader("Ingest a folder on the server")
    with st.form("scale_ingest"):
        raw = st.text_area(
            "Folders or files on the server, one per line", key="scale_ingest_paths",
            placeholder="/srv/resumes/2024",
            help="Absolute paths the app server can read: TXT, MD, PDF, DOCX and CSV files "
                 "(folders are read recursively). Exact duplicates are skipped; new resumes "
                 "are embedded with the active model and added to the pool.")
        submitted = st.form_submit_button("Start ingest")
    if not submitted:
        return
    good, problems = jobs.check_paths(raw.splitlines())
    for problem in problems:
        st.error(escape_markdown(problem))
    if problems:
        return
    files = jobs.count_files(good)
    if files == 0:
        st.error("No supported files (TXT, MD, PDF, DOCX, CSV) under "
                 f"{escape_markdown(', '.join(good))}.")
        return
    _start(settings, store, "ingest", {"paths": good, "files": files}, engine, address)


# -- following a job --------------------------------------------------------------------------
def _progress(store: Store, job_id: str) -> None:
    """Polled every few seconds while the job is active; reruns the page when it ends."""
    job = jobs.refresh(store, job_id)
    if not job.active:
        st.rerun(scope="app")
    if job.total:
        text = (f"{job.done} of {max(job.total - job.skipped, 0)} embedded · {job.skipped} "
                "already embedded")
        if job.rate:
            text += f" · {job.rate:.1f} docs/s"
        if job.eta_s is not None and job.done:
            text += f" · about {duration(job.eta_s)} left"
    else:
        text = job.message or job.status
    st.progress(job.fraction, text=text)
    st.caption(escape_markdown(f"{job.describe()}: job {job.id} ({job.status}) on "
                               f"{job.host or '?'} with the {job.engine} engine. "
                               f"{job.message}"))
    if job.status != "cancelling" and st.button("Cancel bulk job", key="scale_cancel"):
        jobs.cancel(store, job.id)
        store.audit(access.session_label(), f"{job.kind}_cancel_requested",
                    detail={"job": job.id})
        st.rerun(scope="app")


def _last_job(store: Store) -> None:
    recent = list_jobs(store, limit=1)
    if not recent:
        return
    job: ScaleJob = jobs.refresh(store, recent[0].id)
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(job.updated))
    text = escape_markdown(f"Last bulk job, {job.describe()} ({when}): {job.status}. "
                           f"{job.message}")
    {"done": st.success, "cancelled": st.warning}.get(job.status, st.error)(text)
    if job.errors:
        with st.container(key="scale_errors"):
            st.caption(f"{job.failed} file(s) could not be read"
                       + (f" (the first {len(job.errors)} are listed)"
                          if job.failed > len(job.errors) else "") + ":")
            st.dataframe(pd.DataFrame(job.errors, columns=["file", "problem"]),
                         hide_index=True, width="stretch")
    if job.status == "failed":
        tail = jobs.log_tail(job)
        if tail:
            with st.expander("Process output"):
                st.code(tail, language=None)
