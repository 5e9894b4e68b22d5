"""The Match page's link to the talent pool: rank against saved openings, save a job as
an opening, keep ranked resumes as candidates, and filter the ranked list on fields."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from resumatch.ingest.documents import Document
from resumatch.pipeline import MatchResult
from resumatch.pool import candidates, field_store, openings, workflow
from resumatch.pool.filters import FieldFilter
from ui import audit_panel, cache, pool_filters


def saved_openings() -> list[Document]:
    """A multiselect of open openings; returns the chosen ones as job descriptions."""
    found = openings.list_openings(cache.store(), status="open")
    if not found:
        st.caption("No saved openings yet: rank a job, then save it as an opening.")
        return []
    by_label = {f"{o.name} (#{o.id})": o for o in found}
    chosen = st.multiselect("Rank against saved openings", list(by_label),
                            key="match_openings")
    return [by_label[label].as_document() for label in chosen]


def keep_ranked(result: MatchResult, originals: list[Document], blind: bool) -> None:
    """Keep ranked resumes in the pool (not in blind mode, nor when the setting is off)
    and remember their fit for the jobs that are saved openings."""
    store = cache.store()
    if blind or not candidates.keep_ranked(store):
        return
    outcomes = candidates.add_documents(store, originals, session=audit_panel.session_id())
    by_sha = {o.doc.sha256: o.candidate_id for o in outcomes}
    st.session_state["pool_flags"] = [o.message() for o in outcomes
                                      if o.status == "possible_duplicate"]
    for j, job in enumerate(result.jobs):
        opening = openings.opening_for_job(store, job.doc.sha256)
        if opening is None or result.fit is None:
            continue
        workflow.record_matches(store, opening.id, [
            (by_sha[e.doc.sha256], float(result.scores[i, j]), float(result.fit[i, j]))
            for i, e in enumerate(result.resumes) if e.doc.sha256 in by_sha],
            result.model_id)


def pool_notes() -> None:
    """Possible duplicates found while keeping the ranked resumes."""
    for message in st.session_state.get("pool_flags", []):
        st.caption(f"Talent pool — {message}")


def save_job_as_opening(result: MatchResult) -> None:
    """A row that saves one of the ranked jobs as an opening (its ranked candidates enter
    the opening as ``new`` with the fit they just got)."""
    saved_message = st.session_state.pop("save_opening_done", None)
    with st.container(border=True, key="save_opening_row"):
        pick, name_box, action = st.columns([2, 2, 1], vertical_alignment="bottom")
        job = pick.selectbox("Save a job as an opening", result.job_names,
                             key="save_opening_job")
        name = name_box.text_input("Opening name", key="save_opening_name",
                                   placeholder=job)
        if action.button("Save as opening", key="save_opening"):
            store = cache.store()
            saved = openings.save_opening(store, name or job, result.job(job).doc.text,
                                          audit_panel.session_id())
            j = result.job_names.index(job)
            ranked = []
            for i, e in enumerate(result.resumes):
                found = candidates.candidate_for_document(store, e.doc.sha256)
                if found is not None and result.fit is not None:
                    ranked.append((found.id, float(result.scores[i, j]),
                                   float(result.fit[i, j])))
            workflow.record_matches(store, saved.id, ranked, result.model_id)
            saved_message = f"Saved opening #{saved.id}: {saved.name}"
        if saved_message:
            st.success(saved_message)


def filter_ranked(table: pd.DataFrame, result: MatchResult) -> pd.DataFrame:
    """The ranked list of one job, filtered on the candidates' fields (pool values with
    corrections where the resume is in the pool, else extracted now)."""
    field_filter = pool_filters.render("match")
    if not field_filter.active:
        return table
    kept = [name for name in table["resume"] if _passes(result, name, field_filter)]
    st.caption(f"{field_filter.describe()}: {len(kept)} of {len(table)} shown")
    return table[table["resume"].isin(kept)].reset_index(drop=True)


def _passes(result: MatchResult, name: str, field_filter: FieldFilter) -> bool:
    doc = result.resume(name).doc
    memo = st.session_state.setdefault("match_profiles", {})
    if doc.sha256 not in memo:
        found = candidates.candidate_for_document(cache.store(), doc.sha256)
        profile = (field_store.profiles(cache.store(), [found.id]).get(found.id)
                   if found is not None else None)
        if profile is None:
            extracted = field_store.extract(doc.text)
            profile = field_store.Profile(0, {k: field_store.ProfileField(v.value, v.passage)
                                              for k, v in extracted.items()})
        memo[doc.sha256] = profile
    return field_filter.matches(memo[doc.sha256])
