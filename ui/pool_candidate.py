"""One candidate on the Pool page: files, duplicate flag (merge, keep both, undo),
structured fields with their passages and corrections, stage and rating per opening,
notes, and "delete everywhere"."""

from __future__ import annotations

import time

import streamlit as st

from resumatch.ingest.fields import DEGREE_LEVELS, FIELDS
from resumatch.ingest.redaction import redact_text
from resumatch.pool import candidates, duplicates, field_store, notes, workflow
from resumatch.pool.candidates import Candidate
from resumatch.pool.erasure import delete_candidate
from resumatch.pool.field_store import FIELD_LABELS, FieldError
from resumatch.pool.listing import blind_name
from resumatch.pool.notes import NoteError
from resumatch.pool.openings import Opening
from resumatch.pool.workflow import STAGES
from ui import audit_panel, cache, pool_openings
from ui.text import escape_markdown

CONFIRM_WORD = "DELETE"
SELECTED_KEY = "pool_candidate"


def shown_name(candidate: Candidate, blind: bool) -> str:
    return blind_name(candidate.id) if blind else candidate.name


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def select(candidate_id: int) -> None:
    """Show this candidate in the detail section."""
    st.session_state[SELECTED_KEY] = int(candidate_id)


def render(blind: bool, search_fits: dict[int, tuple[float, float]],
           search_opening: Opening | None) -> None:
    """The detail section for the selected candidate (a selectbox picks another)."""
    people = candidates.list_candidates(cache.store())
    st.subheader("Candidate")
    if not people:
        st.info("The pool is empty: rank resumes on the Match page (they are kept here), "
                "or run `python -m resumatch pool add PATH...`.")
        return
    by_id = {c.id: c for c in people}
    if st.session_state.get(SELECTED_KEY) not in by_id:
        st.session_state[SELECTED_KEY] = people[0].id
    chosen = st.selectbox("Candidate", list(by_id), key=SELECTED_KEY,
                          format_func=lambda i: f"{shown_name(by_id[i], blind)} (#{i})")
    candidate = by_id[chosen]
    with st.container(key="pool_detail", border=True):
        _header(candidate, by_id, blind)
        _duplicates(candidate, by_id, blind)
        left, right = st.columns(2)
        with left:
            _fields(candidate, blind)
        with right:
            _workflow(candidate, search_fits, search_opening)
            _notes(candidate, blind)
        _delete(candidate, blind)


def _header(candidate: Candidate, by_id: dict[int, Candidate], blind: bool) -> None:
    st.markdown(f"**{escape_markdown(shown_name(candidate, blind))}** · candidate "
                f"#{candidate.id}")
    files = candidates.history(cache.store(), candidate.id)
    source = "" if blind else f" · from {candidate.source}"
    st.caption(f"Added {_when(candidate.created)}{source} · last touched "
               f"{_when(candidate.updated)} · {len(files)} file(s)")
    placed = workflow.placements(cache.store(), candidate_ids=[candidate.id])
    if placed:
        st.text("Openings: " + "; ".join(
            f"{p.opening_name} ({p.stage}" + (f", fit {p.fit:.0f}" if p.fit is not None else "")
            + ")" for p in placed))
    with st.expander(f"Files ({len(files)})"):
        for number, item in enumerate(files, start=1):
            label = f"file {number}" if blind else item.name
            merged = f" · merged from #{item.merged_from}" if item.merged_from else ""
            current = " · current text" if item.sha256 == candidate.sha256 else ""
            st.text(f"{label} · added {_when(item.added)}{merged}{current}")


def _merge(keep_id: int, other_id: int) -> None:
    duplicates.merge(cache.store(), keep_id, other_id, audit_panel.session_id())
    st.session_state[SELECTED_KEY] = keep_id


def _undo(merged_id: int) -> None:
    duplicates.undo_merge(cache.store(), merged_id, audit_panel.session_id())
    st.session_state[SELECTED_KEY] = merged_id


def _keep_both(candidate_id: int) -> None:
    duplicates.keep_both(cache.store(), candidate_id, audit_panel.session_id())


def _duplicates(candidate: Candidate, by_id: dict[int, Candidate], blind: bool) -> None:
    other_id = candidate.possible_duplicate_of
    if other_id is not None and other_id in by_id:
        other = by_id[other_id]
        with st.container(key="pool_duplicate"):
            st.warning(f"Possible duplicate of {shown_name(other, blind)} (#{other.id}): "
                       f"{candidate.duplicate_reason}.")
            merge, keep = st.columns(2)
            merge.button(f"Merge into #{other.id}", key="pool_merge", on_click=_merge,
                         args=(other.id, candidate.id),
                         help="One candidate with both files; the newest text counts. "
                              "Can be undone.")
            keep.button("Keep both", key="pool_keep_both", on_click=_keep_both,
                        args=(candidate.id,))
    for merged in candidates.merged_into(cache.store(), candidate.id):
        with st.container(key=f"pool_merged_{merged.id}"):
            st.info(f"Includes the file(s) of {shown_name(merged, blind)} (#{merged.id}), "
                    "merged as the same person.")
            st.button(f"Undo merge of #{merged.id}", key=f"pool_unmerge_{merged.id}",
                      on_click=_undo, args=(merged.id,))


def _fields(candidate: Candidate, blind: bool) -> None:
    st.markdown("**Fields**")
    profile = field_store.profiles(cache.store(), [candidate.id]).get(candidate.id)
    items = profile.fields if profile else {}
    with st.container(key="pool_fields"):
        for name in FIELDS:
            item = items.get(name)
            value = None if item is None else item.value
            shown = ", ".join(value) if isinstance(value, list) else value
            mark = " (corrected)" if item is not None and item.corrected else ""
            st.text(f"{FIELD_LABELS[name]}: {shown if shown not in (None, '') else '—'}{mark}")
            if item is not None and item.passage:
                passage = redact_text(item.passage) if blind else item.passage
                st.caption(f"from: {escape_markdown(passage)}")
    with st.form(f"pool_fix_{candidate.id}"):
        st.caption("Correct a field (a correction wins over extraction and is kept when "
                   "the resume is read again). Leave a box empty to keep the value.")
        typed = {
            "years_experience": st.text_input("Years of experience",
                                              key=f"pool_fix_years_{candidate.id}"),
            "degree": st.selectbox("Highest degree", ["", *DEGREE_LEVELS],
                                   key=f"pool_fix_degree_{candidate.id}"),
            "title": st.text_input("Most recent title", key=f"pool_fix_title_{candidate.id}"),
            "location": st.text_input("Location", key=f"pool_fix_location_{candidate.id}"),
            "skills": st.text_input("Skills (comma-separated)",
                                    key=f"pool_fix_skills_{candidate.id}"),
        }
        if st.form_submit_button("Save corrections"):
            try:
                for name, raw in typed.items():
                    if raw not in ("", None):
                        field_store.correct(cache.store(), candidate.id, name, raw,
                                            audit_panel.session_id())
            except FieldError as err:
                st.error(str(err))
            else:
                st.rerun()


def _workflow(candidate: Candidate, search_fits: dict[int, tuple[float, float]],
              search_opening: Opening | None) -> None:
    st.markdown("**Stage and rating**")
    opening = pool_openings.pick("pool_detail_opening", "For opening")
    if opening is None:
        st.caption("Save an opening to track this candidate's stage.")
        return
    current = workflow.placement(cache.store(), opening.id, candidate.id)
    token = f"{opening.id}_{candidate.id}"
    stage = st.selectbox("Stage", STAGES, key=f"pool_stage_{token}",
                         index=STAGES.index(current.stage) if current else 0)
    ratings = [0, 1, 2, 3, 4, 5]
    rating = st.selectbox("Rating", ratings, key=f"pool_rating_{token}",
                          index=ratings.index(current.rating) if current and current.rating
                          else 0, format_func=lambda r: "—" if r == 0 else "★" * r)
    if st.button("Save stage and rating", key="pool_save_stage"):
        score, fit = (search_fits.get(candidate.id, (None, None))
                      if search_opening is not None and search_opening.id == opening.id
                      else (None, None))
        session = audit_panel.session_id()
        workflow.set_stage(cache.store(), opening.id, candidate.id, stage, session,
                           score=score, fit=fit)
        workflow.set_rating(cache.store(), opening.id, candidate.id, rating or None, session)
        st.rerun()
    if current is not None:
        stars = "★" * current.rating if current.rating else "no rating"
        fit = f" · fit {current.fit:.0f}" if current.fit is not None else ""
        st.caption(f"Now: {current.stage} · {stars}{fit} · since {_when(current.updated)}")
    st.session_state["pool_note_opening"] = opening.id


def _notes(candidate: Candidate, blind: bool) -> None:
    st.markdown("**Notes**")
    opening_id = st.session_state.get("pool_note_opening")
    text = st.text_area("New note", key=f"pool_note_{candidate.id}", height=80)
    if st.button("Add note", key="pool_add_note"):
        try:
            notes.add_note(cache.store(), candidate.id, text, audit_panel.session_id(),
                           opening_id=opening_id)
        except NoteError as err:
            st.error(str(err))
        else:
            st.session_state.pop(f"pool_note_{candidate.id}", None)
            st.rerun()
    group = [candidate.id] + [m.id for m in candidates.merged_into(cache.store(), candidate.id)]
    with st.container(key="pool_notes"):
        for note in notes.notes_for(cache.store(), group):
            st.caption(f"{_when(note.created)} · {note.session}")
            st.text(note.text)


def _delete(candidate: Candidate, blind: bool) -> None:
    if not st.toggle("Delete this candidate everywhere", key=f"pool_delete_open_{candidate.id}"):
        return
    with st.container(border=True, key="pool_delete_box"):
        st.caption("Deletes their files' text and vectors, fields, stages, ratings, notes, "
                   "shortlist rows and labelled pairs with their resume (the right to "
                   "erasure). The audit log keeps one row naming the files by hash only.")
        typed = st.text_input(f"Type {CONFIRM_WORD} to confirm",
                              key=f"pool_delete_confirm_{candidate.id}")
        if st.button("Delete candidate", type="primary", key="pool_delete",
                     disabled=typed.strip() != CONFIRM_WORD):
            report = delete_candidate(cache.store(), candidate.id, audit_panel.session_id())
            st.session_state["pool_deleted"] = (
                f"Deleted {shown_name(candidate, blind)} (#{candidate.id}): "
                f"{len(report.documents)} file(s) and everything stored about them.")
            st.session_state.pop(SELECTED_KEY, None)
            st.rerun()
