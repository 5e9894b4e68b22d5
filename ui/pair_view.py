"""The pair view: why one resume and one job score as they do."""

from __future__ import annotations

import streamlit as st

from resumatch.matching import PairExplanation, explain_pair
from resumatch.pipeline import MatchResult
from ui import cache
from ui.text import escape_markdown


def explanation(result: MatchResult, resume: str, job: str) -> PairExplanation:
    """Explain a pair once per session and result (passages are embedded on demand)."""
    memo = st.session_state.setdefault("explanations", {})
    key = (result.model_id, result.resume(resume).doc.sha256, result.job(job).doc.sha256)
    if key not in memo:
        memo[key] = explain_pair(result.resume(resume), result.job(job), cache.encoder())
    return memo[key]


def render(result: MatchResult, resume: str, job: str) -> None:
    """Score, rank and the best-matching passages of both sides, side by side."""
    row = result.table[(result.table["resume"] == resume) & (result.table["job"] == job)].iloc[0]
    found = explanation(result, resume, job)
    cols = st.columns(3)
    cols[0].metric("Cosine similarity", f"{row['score']:.3f}")
    cols[1].metric("Rank for this job", f"{int(row['rank'])} of {len(result.resumes)}")
    cols[2].metric("Job rank for this candidate", f"{int(row['job_rank'])} of {len(result.jobs)}")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Resume passages that match best** — {escape_markdown(resume)}")
        for passage in found.resume_passages:
            with st.container(border=True):
                st.caption(f"similarity {passage.score:.2f}")
                st.text(passage.text)
    with right:
        st.markdown(f"**Job passages that match best** — {escape_markdown(job)}")
        for passage in found.job_passages:
            with st.container(border=True):
                st.caption(f"similarity {passage.score:.2f}")
                st.text(passage.text)
