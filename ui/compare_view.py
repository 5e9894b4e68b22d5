"""Compare candidates side by side: a requirements x candidates grid with the evidence for
each cell, the requirement marks (must-have, nice-to-have, ignore) a recruiter sets, each
candidate's fit and "meets 5 of 7 requirements, 2 of 3 must-haves", matched/missing
requirements and terms, star buttons for the shortlist, exports, and "more like this"."""

from __future__ import annotations

import hashlib
import html
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from resumatch.pipeline import MatchResult, rescore
from resumatch.pool import shortlist
from resumatch.rank.compare import (
    CandidateComparison,
    Comparison,
    PassageIndex,
    compare_candidates,
    comparison_from_pool,
    similar_resumes,
)
from resumatch.rank.explain import TermMatch, match_terms
from resumatch.rank.marks import MARK_LABELS, MARKS, set_mark
from resumatch.rank.matching import candidates_for_job
from ui import audit_panel, cache
from ui.text import escape_markdown

MIN_CANDIDATES, MAX_CANDIDATES, DEFAULT_CANDIDATES = 2, 6, 3
MORE_LIKE_THIS = 5
NO_EVIDENCE_COLOR = "#e5e7eb"
LABEL_CHARS = 52


def passage_index() -> PassageIndex:
    """One passage index per model and session; vectors are also cached in the store."""
    encoder = cache.encoder()
    indexes = st.session_state.setdefault("passage_indexes", {})
    if encoder.model_id not in indexes:
        indexes[encoder.model_id] = PassageIndex(encoder, cache.store())
    return indexes[encoder.model_id]


def comparison(result: MatchResult, job: str, names: list[str]) -> Comparison:
    """The comparison of ``names`` for ``job``: read from the ranking's own scores (the
    same fit and evidence), or computed for a ranking made without passages."""
    job_doc = result.job(job).doc
    resumes = [result.resume(name).doc for name in names]
    ranked = candidates_for_job(result.table, job)
    scores = dict(zip(ranked["resume"], ranked["score"].astype(float), strict=True))
    if result.pool is not None and result.pool.evidence is not None:
        rows = [result.resume_names.index(name) for name in names]
        return comparison_from_pool(job_doc, resumes, result.pool,
                                    result.job_names.index(job), result.model_id,
                                    scores=scores, rows=rows)
    index = passage_index()
    key = (index.model_id, job_doc.sha256, tuple(d.sha256 for d in resumes), tuple(names))
    memo = st.session_state.setdefault("comparisons", {})
    if key not in memo:
        with st.spinner("Finding evidence in the resumes…"):
            memo[key] = compare_candidates(job_doc, resumes, index, scores=scores)
    return memo[key]


def terms(result: MatchResult, job: str, name: str) -> list[TermMatch]:
    """The job's terms matched or missing in a resume (named or alias matches only)."""
    job_doc, resume_doc = result.job(job).doc, result.resume(name).doc
    memo = st.session_state.setdefault("compare_terms", {})
    key = (job_doc.sha256, resume_doc.sha256)
    if key not in memo:
        memo[key] = match_terms(job_doc.text, resume_doc.text)
    return memo[key]


# -- the grid ------------------------------------------------------------------------


def _plain(text: str) -> str:
    """User text made safe for plotly labels, which understand a few HTML tags."""
    return html.escape(" ".join(text.split()), quote=False)


def _wrap(text: str, width: int) -> str:
    """Escaped text with ``<br>`` at spaces/underscores so each line stays near ``width``."""
    words = re.findall(r"[^ _]+[ _]?", " ".join(text.split())) or [text]
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line += word
    lines.append(line)
    return "<br>".join(_plain(x) for x in lines)


def requirement_label(number: int, text: str, preferred: bool) -> str:
    """``3. Strong SQL skills, including…`` (``*`` marks a nice-to-have)."""
    short = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"
    return f"{number}. {short}{' *' if preferred else ''}"


def grid_figure(found: Comparison, title: str | None = None) -> go.Figure:
    """Requirements (rows) x candidates (columns): best passage cosine where there is
    evidence, grey "no evidence" cells, and an overall-fit row on top."""
    # Three heatmaps (fit, no evidence, evidence) over the same full grid, each blank
    # (None) outside its own cells: plotly places cell text by index, so every trace
    # must span every row.
    rows = ["Overall fit"] + [_plain(requirement_label(i + 1, r.text, r.preferred))
                              for i, r in enumerate(found.requirements)]
    columns = [_wrap(c.name, 18) for c in found.candidates]
    size = (len(rows), len(found.candidates))
    layers = {name: ([[None] * size[1] for _ in rows], [[""] * size[1] for _ in rows])
              for name in ("fit", "gap", "evidence")}
    hovers = [[""] * size[1] for _ in rows]
    for col, candidate in enumerate(found.candidates):
        too_little = candidate.note.startswith("too little")
        layers["fit"][0][0][col] = None if too_little else candidate.fit / 100
        layers["fit"][1][0][col] = "too little text" if too_little else f"{candidate.fit:.0f}"
        hovers[0][col] = (f"<b>Overall fit</b><br>{_plain(candidate.name)}: "
                          + (_plain(candidate.note) if too_little else f"{candidate.fit:.0f}")
                          + f"<br>{_plain(candidate.summary)}"
                          + (f"<br>{_plain(candidate.note)}" if candidate.note
                             and not too_little else ""))
        for row, item in enumerate(candidate.evidence, start=1):
            head = f"<b>{_wrap(item.requirement.text, 70)}</b><br>{_plain(candidate.name)}: "
            passage = _wrap(item.passage, 70)
            if item.met:
                names = f" (names {_plain(', '.join(item.names))})" if item.names else ""
                hovers[row][col] = f"{head}{item.score:.2f}{names}<br><br>{passage}"
                layers["evidence"][0][row][col] = item.score
                layers["evidence"][1][row][col] = f"{item.score:.2f}"
            else:
                hovers[row][col] = (f"{head}no evidence<br><br>closest passage "
                                    f"({item.score:.2f}):<br>{passage}")
                layers["gap"][0][row][col] = 0.0
                layers["gap"][1][row][col] = "no evidence"
    common = {"x": columns, "y": rows, "xgap": 3, "ygap": 3, "hovertext": hovers,
              "texttemplate": "%{text}", "hovertemplate": "%{hovertext}<extra></extra>"}
    figure = go.Figure([
        go.Heatmap(z=layers["fit"][0], text=layers["fit"][1], zmin=0, zmax=1.4,
                   colorscale="Greens", showscale=False, name="fit", **common),
        go.Heatmap(z=layers["gap"][0], text=layers["gap"][1], zmin=0, zmax=1,
                   colorscale=[[0, NO_EVIDENCE_COLOR], [1, NO_EVIDENCE_COLOR]],
                   showscale=False, name="no evidence", textfont={"color": "#6b7280"},
                   **common),
        go.Heatmap(z=layers["evidence"][0], text=layers["evidence"][1],
                   zmin=0.2 if found.threshold is None else found.threshold, zmax=0.85,
                   colorscale="Blues", name="evidence",
                   colorbar={"title": {"text": "cosine"}, "len": 0.6}, **common),
    ])
    figure.update_yaxes(autorange="reversed", automargin=True, type="category")
    figure.update_xaxes(side="top", automargin=True, type="category")
    figure.update_layout(height=140 + 34 * len(rows),
                         margin={"l": 10, "r": 10, "t": 30 if title is None else 80, "b": 10},
                         plot_bgcolor="white",
                         title=None if title is None else {"text": _plain(title)})
    return figure


def standalone_html(found: Comparison) -> str:
    """The grid as one HTML file that works offline (plotly.js is embedded)."""
    title = f"{found.job_name} — requirements × candidates (model {found.model_id})"
    return grid_figure(found, title).to_html(include_plotlyjs=True, full_html=True)


# -- widgets -------------------------------------------------------------------------


def _token(result: MatchResult, job: str) -> str:
    """A short key for widgets that belong to one job of one ranking."""
    parts = [result.job(job).doc.sha256, *(e.doc.sha256 for e in result.resumes)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _toggle_star(job_sha: str, job_name: str, candidate: CandidateComparison,
                 score: float | None, starred: bool) -> None:
    # A callback runs before the script, so the sidebar shortlist is current on this run.
    # Starring is the "screen" stage of the job's opening (created if the job is not one).
    session = audit_panel.session_id()
    if starred:
        shortlist.unstar(cache.store(), job_sha, candidate.sha256, session=session)
    else:
        shortlist.star(cache.store(), job_sha, job_name, candidate.sha256, candidate.name,
                       score=score, fit=candidate.fit, evidence=candidate.top_evidence_text,
                       session=session)


def _show_more_like(key: str, name: str) -> None:
    st.session_state[key] = name


def _save_marks(job_sha: str, requirements: list[str], key: str, result_key: str) -> None:
    """Keep the marks edited in the table and score the ranking again (a callback: the
    page shows the new ranking on this run)."""
    edits = st.session_state.get(key, {}).get("edited_rows", {})
    labels = {label: mark for mark, label in MARK_LABELS.items()}
    for row, change in edits.items():
        if "mark" in change:
            set_mark(cache.store(), job_sha, requirements[int(row)],
                     labels.get(change["mark"], change["mark"]))
    result = st.session_state.get(result_key)
    if result is not None and result.pool is not None:
        st.session_state[result_key] = rescore(result)


def _render_marks(result: MatchResult, job: str, found: Comparison, token: str) -> None:
    """The requirement marks as an editable table; a change re-ranks this job."""
    frame = pd.DataFrame({
        "requirement": [r.text for r in found.requirements],
        "mark": [MARK_LABELS.get(m, m) for m in found.marks] or [""] * len(found.requirements),
    })
    key = f"compare_marks_{token}"
    with st.expander("Requirement marks: must-have, nice-to-have, ignore", expanded=False):
        st.caption("Defaults follow the job's wording (\"must\", \"required\", \"Minimum "
                   "qualifications\" make a must-have; \"Nice to have\", \"preferred\" a "
                   "nice-to-have). A missing must-have caps the fit; an ignored requirement "
                   "does not count. Marks are kept for this job and change its ranking.")
        st.data_editor(frame, key=key, hide_index=True, width="stretch",
                       disabled=["requirement"],
                       column_config={"mark": st.column_config.SelectboxColumn(
                           "mark", options=[MARK_LABELS[m] for m in MARKS], required=True)},
                       on_change=_save_marks,
                       args=(found.job_sha256, [r.text for r in found.requirements], key,
                             "match_result"))


def render(result: MatchResult) -> None:
    """Requirement-by-requirement comparison of a few candidates for one job."""
    st.subheader("Compare candidates")
    st.caption("Each cell is the candidate's best-matching resume passage for one "
               "requirement of the job (cosine). Grey cells have no evidence: no passage "
               "stands out clearly enough (against the candidate's own baseline, and more "
               "clearly for a resume that does not match the job as a whole), headings never "
               "count, and a tool or credential must be named. Hover a cell for the "
               "passage; pick a requirement below to read them all.")
    pick_job, pick_candidates = st.columns([1, 2])
    job = pick_job.selectbox("Job", result.job_names, key="compare_job")
    token = _token(result, job)
    ranked = candidates_for_job(result.table, job)["resume"].tolist()
    names = pick_candidates.multiselect(
        f"Candidates ({MIN_CANDIDATES}–{MAX_CANDIDATES}, best ranked first)", ranked,
        default=ranked[:DEFAULT_CANDIDATES], max_selections=MAX_CANDIDATES,
        key=f"compare_candidates_{token}")
    more_key = f"more_like_for_{token}"
    if len(names) < MIN_CANDIDATES:
        st.info(f"Pick at least {MIN_CANDIDATES} candidates to compare.")
    else:
        found = comparison(result, job, names)
        if not found.requirements:
            st.warning("No requirements found in this job description: add a requirements "
                       "or qualifications list, or bullets, and rank again.")
        else:
            _render_grid(result, job, found, token, more_key)
    _render_more_like_this(result, job, names, more_key)


def _render_grid(result: MatchResult, job: str, found: Comparison, token: str,
                 more_key: str) -> None:
    n = len(found.requirements)
    _render_marks(result, job, found, token)
    st.plotly_chart(grid_figure(found), width="stretch", key="compare_grid")
    st.caption(f"{n} requirements from the job description (* nice to have, counts half; "
               "marks change the ranking). Overall fit is the same 0–100 fit as the "
               "ranked lists.")

    st.markdown("**Evidence by requirement**")
    number = st.selectbox(
        "Requirement", list(range(n)), key=f"compare_requirement_{token}",
        format_func=lambda i: requirement_label(i + 1, found.requirements[i].text,
                                                found.requirements[i].preferred))
    st.text(found.requirements[number].text)
    for position, (column, candidate) in enumerate(
            zip(st.columns(len(found.candidates)), found.candidates, strict=True)):
        item = candidate.evidence[number]
        with column.container(border=True, key=f"compare_evidence_{position}"):
            st.markdown(f"**{escape_markdown(candidate.name)}**")
            if item.met:
                names = f" · names {', '.join(item.names)}" if item.names else ""
                st.caption(escape_markdown(f"evidence · {item.score:.2f}{names}"))
            else:
                st.caption(f"no evidence · closest passage {item.score:.2f}")
            st.text(item.passage)

    st.markdown("**Candidates**")
    starred = shortlist.starred_hashes(cache.store(), found.job_sha256)
    ranked = candidates_for_job(result.table, job)
    for position, (column, candidate) in enumerate(
            zip(st.columns(len(found.candidates)), found.candidates, strict=True)):
        row = ranked[ranked["resume"] == candidate.name].iloc[0]
        is_starred = candidate.sha256 in starred
        with column.container(border=True):
            st.markdown(f"**{escape_markdown(candidate.name)}**")
            if candidate.note.startswith("too little"):
                st.metric("Overall fit", "—", help=candidate.note)
                st.caption(escape_markdown(candidate.note.capitalize()))
            else:
                st.metric("Overall fit", f"{candidate.fit:.0f}")
                if candidate.note:
                    st.caption(escape_markdown(candidate.note))
            st.caption(escape_markdown(f"{candidate.summary} · rank {int(row['rank'])} · "
                                       f"cosine {row['score']:.3f}"))
            st.button("★ Starred" if is_starred else "☆ Star", key=f"compare_star_{position}",
                      type="primary" if is_starred else "secondary",
                      help=("Remove from" if is_starred else "Add to") + " this job's shortlist"
                           " (the screen stage of its opening)",
                      on_click=_toggle_star,
                      args=(found.job_sha256, found.job_name, candidate,
                            float(row["score"]), is_starred))
            st.button("More like this", key=f"compare_more_{position}",
                      on_click=_show_more_like, args=(more_key, candidate.name))
            with st.expander(f"Matched ({len(candidate.matched)})"):
                st.text("\n".join(f"• {r.text}" for r in candidate.matched) or "none")
            with st.expander(f"Missing ({len(candidate.missing)})"):
                st.text("\n".join(f"• {r.text}" for r in candidate.missing) or "none")
            found_terms = terms(result, job, candidate.name)
            if found_terms:
                matched = [t.term for t in found_terms if t.matched]
                missing = [t.term for t in found_terms if not t.matched]
                with st.expander(f"Terms ({len(matched)} of {len(found_terms)} named)"):
                    st.caption("Matched")
                    st.text(", ".join(matched) or "none")
                    st.caption("Missing")
                    st.text(", ".join(missing) or "none")

    left, right = st.columns(2)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", found.job_name)[:60] or "job"
    left.download_button("Download comparison (CSV)", found.to_csv(),
                         file_name=f"compare_{slug}.csv", mime="text/csv",
                         key="compare_download_csv", on_click="ignore")
    right.download_button("Download grid (HTML)", lambda: standalone_html(found),
                          file_name=f"compare_{slug}.html", mime="text/html",
                          key="compare_download_html", on_click="ignore")


def _render_more_like_this(result: MatchResult, job: str, names: list[str],
                           more_key: str) -> None:
    st.markdown("**More like this**")
    options = result.resume_names
    if len(options) < 2:
        st.caption("Add more resumes to find similar ones.")
        return
    if st.session_state.get(more_key) not in options:
        st.session_state[more_key] = names[0] if names else options[0]
    target = st.selectbox("Resumes most similar to", options, key=more_key)
    similar = similar_resumes(result.resume(target), result.resumes, top=MORE_LIKE_THIS)
    ranked = candidates_for_job(result.table, job).set_index("resume")
    table = pd.DataFrame({
        "resume": [s.name for s in similar],
        "similarity": [round(s.score, 3) for s in similar],
        f"rank for {job}": [int(ranked.loc[s.name, "rank"]) for s in similar],
    })
    # A container carries the key: a read-only dataframe gets no key class to find it by.
    with st.container(key="more_like_this"):
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"similarity": st.column_config.ProgressColumn(
                         "similarity", min_value=0.0, max_value=1.0, format="%.3f")})
    st.caption("Resume-to-resume cosine of the whole documents (the same chunked embeddings "
               "as the ranking); add one to the comparison with the candidates box above.")
