"""The pair view: why one resume and one job score as they do.

Shows the 0-100 fit beside the raw cosine (naming the mapping), a one-line summary,
matched and missing terms, and the three best passages of each side highlighted in
their surrounding text. All document text is escaped before it reaches markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from resumatch.pipeline import EXPLAIN_TOP, MatchResult, export_rankings
from resumatch.rank.explain import Explanation, MemoEncoder, context_window, explain
from resumatch.rank.matching import Passage
from resumatch.rank.scoring import FIT_MAPPING
from ui import cache
from ui.text import escape_markdown

MEMO_KEY = "pair_explanations"
EXPORT_KEY = "rankings_export"
FIT_CAPTION = ("Fit (0–100) is a logistic calibration of the ranking score (best section, "
               "resume opening, job title, closest passages, requirement evidence and "
               "keywords) on labelled real resumes; 50 = as typical of a right-occupation "
               "match as of a wrong one. A missing must-have caps it at 35. Ranks follow the "
               "fit; the cosine is the raw embedding similarity of the best sections. A "
               "resume with too little text to judge shows no fit.")
SCORE_COLUMNS = {
    "fit": st.column_config.NumberColumn("Fit (0–100)", format="%.0f", help=FIT_MAPPING),
    "score": st.column_config.NumberColumn("Cosine", format="%.3f",
                                           help="raw cosine similarity of the embeddings"),
    "requirements": st.column_config.TextColumn("Requirements"),
    "note": st.column_config.TextColumn("Note"),
}


def ranked_table(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows of the ranked table as shown: no fit for a resume with too little text to
    judge (its note says so instead), the requirement line and the note beside it."""
    table = rows.copy()
    if "note" in table:
        too_little = table["note"].astype(str).str.startswith("too little")
        table["fit"] = table["fit"].astype(float).where(~too_little)
    extra = [c for c in ("requirements", "note") if c in table]
    return table[[*columns, *extra]]


def _memo_encoder(result: MatchResult) -> MemoEncoder:
    """One memoising encoder per model and session: passages are embedded once."""
    encoders = st.session_state.setdefault("explain_encoders", {})
    if result.model_id not in encoders:
        encoders[result.model_id] = MemoEncoder(result.encoder or cache.encoder(),
                                                result.store or cache.store())
    return encoders[result.model_id]


def explanation(result: MatchResult, resume: str, job: str) -> Explanation:
    """Explain a pair once per session and result (passages are embedded on demand)."""
    memo = st.session_state.setdefault(MEMO_KEY, {})
    r, j = result.resume_names.index(resume), result.job_names.index(job)
    key = (result.model_id, result.resumes[r].doc.sha256, result.jobs[j].doc.sha256)
    if key not in memo:
        fit = float(result.fit[r, j]) if result.fit is not None else float("nan")
        memo[key] = explain(result.resumes[r], result.jobs[j], _memo_encoder(result),
                            float(result.scores[r, j]), fit)
    return memo[key]


def rankings_csv(result: MatchResult) -> str:
    """The rankings CSV: with explanation columns filled once the user asked for them.

    Explaining the top resumes of every job embeds their passages and phrases, which
    takes seconds per job on a CPU, so it runs on request (once per result); until then
    the explanation columns are empty and ranking stays fast.
    """
    key = (id(result), result.model_id)
    cached = st.session_state.get(EXPORT_KEY)
    if cached is not None and cached[0] == key:
        st.caption(f"Explanations included for the top {EXPLAIN_TOP} resumes of each job.")
        return cached[1]
    if st.button(f"Add explanations for the top {EXPLAIN_TOP} per job",
                 key="prepare_rankings_csv",
                 help="Fills the summary, matched_terms, missing_terms and passage columns"):
        with st.spinner("Explaining the top resumes of each job…"):
            st.session_state[EXPORT_KEY] = (key, export_rankings(result))
        st.caption(f"Explanations included for the top {EXPLAIN_TOP} resumes of each job.")
        return st.session_state[EXPORT_KEY][1]
    st.caption("The CSV has scores and fit for every pair; its explanation columns are "
               "empty until you add them.")
    return export_rankings(result, top=0)


def _drivers(result: MatchResult, resume: str, job: str) -> str:
    """"Driven by job title +2.1, keywords +1.3, resume opening -0.4": the features that
    moved this pair's score most (standard units; 0 is an average pair)."""
    if result.pool is None or not result.pool.features:
        return ""
    from resumatch.pipeline import drivers_text

    return "driven by " + drivers_text(result.pool, result.resume_names.index(resume),
                                       result.job_names.index(job))


def highlighted(text: str, passage: Passage, chars: int = 240) -> str:
    """Markdown for a passage in its context: the passage on a highlighted background,
    every piece of document text escaped (no links, HTML or markdown can get through)."""
    before, inside, after = context_window(text, passage.start, passage.end, chars)
    # A line break would end the highlight directive early; the passage stays one line.
    marked = escape_markdown(" ".join(inside.split()))
    return f"{escape_markdown(before)}:orange-background[**{marked}**]{escape_markdown(after)}"


def _terms_markdown(names: list[str], colour: str) -> str:
    return " ".join(f":{colour}-badge[{escape_markdown(name)}]" for name in names)


def render(result: MatchResult, resume: str, job: str) -> None:
    """Fit and cosine, summary, terms, and the best-matching passages side by side."""
    row = result.table[(result.table["resume"] == resume) & (result.table["job"] == job)].iloc[0]
    found = explanation(result, resume, job)
    cols = st.columns(4)
    if result.too_little(resume):
        cols[0].metric("Fit (0–100)", "—", help=str(row.get("note", "")))
    else:
        cols[0].metric("Fit (0–100)", f"{found.fit:.0f}", help=FIT_MAPPING)
    cols[1].metric("Cosine similarity", f"{found.cosine:.3f}",
                   help="Raw cosine of the best-matching windows of the two documents; "
                        "MiniLM cosines crowd into a narrow band, so read the fit first.")
    cols[2].metric("Rank for this job", f"{int(row['rank'])} of {len(result.resumes)}")
    cols[3].metric("Job rank for this candidate", f"{int(row['job_rank'])} of {len(result.jobs)}")
    st.caption(FIT_CAPTION)
    note = str(row.get("note", "") or "")
    if note.startswith("too little"):
        st.warning(f"{note.capitalize()}: the scores below are not a judgement of this "
                   "candidate.")
    elif note:
        st.warning(escape_markdown(note.capitalize()))
    drivers = _drivers(result, resume, job)
    if drivers or row.get("requirements"):
        st.markdown(escape_markdown(" · ".join(x for x in (str(row.get("requirements", "")
                                                               or ""), drivers) if x)))

    with st.container(border=True, key="pair_summary"):
        st.markdown(f"**Summary:** {escape_markdown(found.summary)}")
        matched, missing = st.columns(2)
        with matched:
            st.markdown(f"**Matched terms** ({len(found.matched)})")
            if found.matched:
                st.markdown(_terms_markdown(
                    [t.term if t.how == "named" else f"{t.term} ≈ {t.evidence}"
                     for t in found.matched], "green"))
            else:
                st.caption("None of the job's terms appear in the resume.")
        with missing:
            st.markdown(f"**Missing terms** ({len(found.missing)})")
            if found.missing:
                st.markdown(_terms_markdown(
                    [t.term + ("" if t.required else " (nice to have)") for t in found.missing],
                    "red"))
            else:
                st.caption("Every term of the job has evidence in the resume.")
        st.caption("Terms come from the job description (skills vocabulary and noun phrases). "
                   "≈ marks a match by meaning (embedding similarity), not by spelling.")

    left, right = st.columns(2)
    with left:
        st.markdown(f"**Resume passages that match best** — {escape_markdown(resume)}")
        for passage in found.resume_passages:
            with st.container(border=True):
                st.caption(f"similarity {passage.score:.2f}")
                st.markdown(highlighted(result.resume(resume).doc.text, passage))
    with right:
        st.markdown(f"**Job passages that match best** — {escape_markdown(job)}")
        for passage in found.job_passages:
            with st.container(border=True):
                st.caption(f"similarity {passage.score:.2f}")
                st.markdown(highlighted(result.job(job).doc.text, passage))
