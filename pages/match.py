"""Match page: resumes and job descriptions in; rankings, heatmap, pair view, export out."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from resumatch.pipeline import MatchResult, export_matrix, match
from resumatch.rank.matching import candidates_for_job, jobs_for_candidate, matrix_frame
from ui import (
    ahead,
    audit_panel,
    blind,
    cache,
    compare_view,
    extracted_text,
    inputs,
    pair_view,
    pool_match,
    shortlist_sidebar,
    sidebar,
)

RESULT_KEY = "match_result"
HEATMAP_MAX_ROWS = 150

settings = cache.settings()
sidebar.render_model_info()


def rerank_shown_result() -> None:
    # A result ranked with the other blind setting would show names it should not (or
    # hide them for no reason): rank the same inputs again.
    if st.session_state.pop(RESULT_KEY, None) is not None:
        st.session_state["rank_now"] = True


blind_on = blind.toggle(on_change=rerank_shown_result)
shortlist_sidebar.render()

st.title("Match resumes to jobs")
st.caption("Upload or paste resumes and job descriptions, then rank. Each pair gets a fit "
           "from 0 to 100 (a logistic calibration of the ranking score) beside the raw "
           "cosine similarity of sentence embeddings (higher is a closer match).")

if st.button("Load sample data", help="12 fictional resumes and 4 job descriptions"):
    st.session_state["use_samples"] = True
    st.session_state["rank_now"] = True

samples = inputs.sample_documents() if st.session_state.get("use_samples") else ([], [])
if st.session_state.get("use_samples"):
    st.info(f"Sample data loaded: {len(samples[0])} resumes, {len(samples[1])} jobs.")

left, right = st.columns(2)
with left:
    st.subheader("Resumes")
    resume_files = st.file_uploader("Upload resumes", type=inputs.UPLOAD_TYPES,
                                    accept_multiple_files=True, key="resume_files",
                                    help=inputs.UPLOAD_HELP)
    with st.expander("…or paste resume text"):
        resume_pasted = inputs.paste_boxes("resume", "Resume")
with right:
    st.subheader("Job descriptions")
    job_files = st.file_uploader("Upload job descriptions", type=inputs.UPLOAD_TYPES,
                                 accept_multiple_files=True, key="job_files",
                                 help=inputs.UPLOAD_HELP)
    with st.expander("…or paste job description text"):
        job_pasted = inputs.paste_boxes("job", "Job")
    opening_docs = pool_match.saved_openings()

# Each side's sources: uploaded files, pasted texts, sample (and opening) documents.
sides = ((resume_files, resume_pasted, samples[0]),
         (job_files, job_pasted, samples[1] + opening_docs))
st.caption(inputs.ready_line(*(inputs.count_inputs(*side) for side in sides)))
inputs_key = ahead.inputs_key(*sides[0], *sides[1], blind_on, cache.active_version().id)


def read_both() -> tuple[inputs.Collected, inputs.Collected]:
    resumes, jobs = (inputs.read_side(*side, settings.max_upload_bytes, settings.max_files)
                     for side in sides)
    return resumes, jobs


if st.button("Rank candidates", type="primary") or st.session_state.pop("rank_now", False):
    bar = st.progress(0.0, text="Reading…")
    done_ahead = ahead.finish(inputs_key, bar)  # work started when the files arrived
    if done_ahead is not None:
        resumes, jobs = done_ahead
    else:
        resumes, jobs = (inputs.collect(*side, settings.max_upload_bytes, settings.max_files)
                         for side in sides)
    st.session_state["read_problems"] = [str(e) for e in resumes.errors + jobs.errors]
    st.session_state["read_notes"] = resumes.notes + jobs.notes
    st.session_state.pop(RESULT_KEY, None)
    if not resumes.docs or not jobs.docs:
        bar.empty()
        missing = "resume" if not resumes.docs else "job description"
        st.session_state["read_problems"].append(f"No readable {missing} yet: add at least one.")
    else:
        bar.progress(0.0, text="Embedding…")

        def progress(done: int, total: int, note: str) -> None:
            # The note carries the encoder's chunks/s while passages are embedded.
            bar.progress(min(done / max(total, 1), 1.0), text=f"{done}/{total} documents · {note}")

        # Blind mode redacts before embedding, so the model never sees what is hidden.
        ranked = blind.redact(resumes.docs) if blind_on else resumes.docs
        st.session_state[RESULT_KEY] = match(ranked, jobs.docs, cache.embedder(), progress)
        bar.empty()
        sidebar.warn_backend_fallback()  # a fallback during this ranking shows right away
        audit_panel.record_ranking(st.session_state[RESULT_KEY], blind_on)
        # Ranked resumes become talent-pool candidates (never in blind mode).
        pool_match.keep_ranked(st.session_state[RESULT_KEY], resumes.docs, blind_on)

elif resume_files or job_files:
    # Uploads arrived: read and rank them in the background until the click comes.
    ahead.start(inputs_key, read_both, cache.embedder(), blind_on)

problems = st.session_state.get("read_problems", [])
if problems:
    st.error(f"{len(problems)} file(s) could not be used; the rest were ranked.")
    for problem in problems:
        st.text(f"• {problem}")
for note in st.session_state.get("read_notes", []):
    st.caption(f"Duplicate skipped — {note}")

result: MatchResult | None = st.session_state.get(RESULT_KEY)
if result is None:
    st.stop()

st.divider()
st.subheader(f"Results — {len(result.resumes)} resumes × {len(result.jobs)} jobs")
st.caption(f"Scored with model version `{result.model_id}`.")
pool_match.pool_notes()
pool_match.save_job_as_opening(result)
extracted_text.render_flags(result)  # OCR and hidden text, beside the candidates' names
extracted_text.render(result)

by_job, by_candidate, heatmap, export = st.tabs(
    ["Ranked by job", "Ranked by candidate", "Heatmap", "Export"])


def choose_pair(resume: str, job: str) -> None:
    st.session_state["pair_resume"] = resume
    st.session_state["pair_job"] = job


with by_job:
    job = st.selectbox("Job", result.job_names, key="rank_job")
    table = pair_view.ranked_table(candidates_for_job(result.table, job),
                                   ["rank", "resume", "fit", "score", "reading_notes"])
    table = pool_match.filter_ranked(table, result)
    event = st.dataframe(table, hide_index=True, on_select="rerun",
                         selection_mode="single-row", key="job_table", width="stretch",
                         column_config=pair_view.SCORE_COLUMNS | extracted_text.NOTES_COLUMN)
    if event.selection.rows:
        choose_pair(table.iloc[event.selection.rows[0]]["resume"], job)
    st.caption(f"Select a row to open the pair view below. {pair_view.FIT_CAPTION}")

with by_candidate:
    resume = st.selectbox("Candidate", result.resume_names, key="rank_resume")
    table = pair_view.ranked_table(jobs_for_candidate(result.table, resume),
                                   ["job_rank", "job", "fit", "score"])
    event = st.dataframe(table.rename(columns={"job_rank": "rank"}), hide_index=True,
                         on_select="rerun", selection_mode="single-row",
                         key="candidate_table", width="stretch",
                         column_config=pair_view.SCORE_COLUMNS)
    if event.selection.rows:
        choose_pair(resume, table.iloc[event.selection.rows[0]]["job"])

with heatmap:
    frame = matrix_frame(result.scores, result.resume_names, result.job_names)
    if len(frame) > HEATMAP_MAX_ROWS:
        frame = frame.loc[frame.max(axis=1).sort_values(ascending=False).index[:HEATMAP_MAX_ROWS]]
        st.caption(f"Showing the {HEATMAP_MAX_ROWS} resumes with the highest best score.")
    figure = px.imshow(frame, text_auto=".2f", aspect="auto", color_continuous_scale="Blues",
                       labels={"x": "Job", "y": "Resume", "color": "Cosine"})
    figure.update_layout(height=max(320, 28 * len(frame) + 120),
                         margin={"l": 10, "r": 10, "t": 30, "b": 10})
    st.plotly_chart(figure, width="stretch", key="heatmap")
    st.caption("Hover a cell for its score. To drill into a pair, select it in a ranked "
               "table or below.")

with export:
    rankings_csv = pair_view.rankings_csv(result)  # explanation columns on request
    st.download_button("Download rankings (CSV)", rankings_csv,
                       file_name="matches.csv", mime="text/csv", key="download_rankings",
                       on_click=audit_panel.export_logger(result, "matches.csv", rankings_csv,
                                                          blind_on))
    matrix_csv = export_matrix(result)
    st.download_button("Download score matrix (CSV)", matrix_csv,
                       file_name="score_matrix.csv", mime="text/csv", key="download_matrix",
                       on_click=audit_panel.export_logger(result, "score_matrix.csv",
                                                          matrix_csv, blind_on))

st.divider()
st.subheader("Pair view")
if st.session_state.get("pair_resume") not in result.resume_names:
    st.session_state["pair_resume"] = result.resume_names[0]
if st.session_state.get("pair_job") not in result.job_names:
    st.session_state["pair_job"] = result.job_names[0]
pick_resume, pick_job = st.columns(2)
pair_resume = pick_resume.selectbox("Candidate", result.resume_names, key="pair_resume")
pair_job = pick_job.selectbox("Job", result.job_names, key="pair_job")
pair_view.render(result, pair_resume, pair_job)

st.divider()
compare_view.render(result)
