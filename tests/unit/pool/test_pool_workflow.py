"""Openings, stages, ratings, notes and the opening CSV export."""

from __future__ import annotations

import csv
import io
import sqlite3
import time

import pytest
from pool_support import ANN_V1, BO, doc

from resumatch.pool import (
    candidates,
    listing,
    notes,
    opening_export,
    openings,
    shortlist,
    workflow,
)
from resumatch.store import MIGRATIONS, Store
from resumatch.store.migrations import script

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL

JOB = "Data engineer: Spark, Airflow, SQL. Must have 3 years of pipelines."


def test_saving_the_same_text_updates_the_opening(store: Store) -> None:
    first = openings.save_opening(store, "Data engineer", JOB)
    again = openings.save_opening(store, "Data engineer (Q3)", JOB + "\n")
    assert again.id == first.id and again.name == "Data engineer (Q3)"
    assert first.job_sha256 == doc("x", JOB).sha256
    closed = openings.set_status(store, first.id, "closed")
    assert closed.status == "closed" and closed.updated >= first.updated
    assert openings.list_openings(store, status="open") == []
    with pytest.raises(openings.OpeningError):
        openings.save_opening(store, " ", JOB)
    with pytest.raises(openings.OpeningError):
        openings.set_status(store, first.id, "paused")


def test_stages_ratings_and_notes_are_kept_and_audited(store: Store) -> None:
    opening = openings.save_opening(store, "Data engineer", JOB)
    ann, bo = (o.candidate_id for o in candidates.add_documents(
        store, [doc("ann", ANN_V1), doc("bo", BO)]))
    workflow.record_matches(store, opening.id, [(ann, 0.61, 80.0), (bo, 0.2, 5.0)], "base")
    assert [(p.candidate_name, p.stage) for p in workflow.placements(store, opening.id)] == [
        ("ann", "new"), ("bo", "new")]
    workflow.set_stage(store, opening.id, ann, "interview", session="s1")
    workflow.set_rating(store, opening.id, ann, 4, session="s1")
    workflow.record_matches(store, opening.id, [(ann, 0.65, 85.0)])  # keeps stage/rating
    placed = workflow.placement(store, opening.id, ann)
    assert (placed.stage, placed.rating, placed.fit) == ("interview", 4, 85.0)
    with pytest.raises(workflow.WorkflowError):
        workflow.set_stage(store, opening.id, ann, "maybe")
    with pytest.raises(workflow.WorkflowError):
        workflow.set_rating(store, opening.id, ann, 6)

    note = notes.add_note(store, ann, "Strong Airflow answers", session="s1",
                          opening_id=opening.id)
    general = notes.add_note(store, ann, "Prefers remote", session="s2")
    found = notes.notes_for(store, [ann], opening_id=opening.id)
    assert [n.id for n in found] == [general.id, note.id]
    assert found[1].session == "s1" and found[1].created <= time.time()
    with pytest.raises(notes.NoteError):
        notes.add_note(store, ann, "   ")
    logged = [r for r in store.audit_rows() if r["action"] in ("stage", "rating", "note")]
    assert {r["action"] for r in logged} == {"stage", "rating", "note"}
    assert all("Airflow" not in r["detail"] for r in logged)  # note text stays out


def test_opening_csv_has_ats_columns_and_a_must_have_hook(store: Store) -> None:
    opening = openings.save_opening(store, "Data engineer", JOB)
    ann = candidates.add_documents(store, [doc("ann", ANN_V1)])[0].candidate_id
    workflow.record_matches(store, opening.id, [(ann, 0.61, 80.04)])
    workflow.set_stage(store, opening.id, ann, "screen")
    workflow.set_rating(store, opening.id, ann, 5)
    notes.add_note(store, ann, "=cmd|' /C calc'!A0", opening_id=opening.id)
    content = opening_export.opening_csv(store, opening.id,
                                         must_haves_met=lambda p: "2 of 3")
    (row,) = list(csv.DictReader(io.StringIO(content)))
    assert list(row) == list(opening_export.EXPORT_COLUMNS)
    assert (row["candidate"], row["email"], row["stage"], row["rating"], row["fit"],
            row["must_haves_met"]) == ("ann", "ann.example@mail.com", "screen", "5", "80.0",
                                       "2 of 3")
    assert row["notes"].endswith(": =cmd|' /C calc'!A0")  # dated, so never a formula
    blind = list(csv.DictReader(io.StringIO(
        opening_export.opening_csv(store, opening.id, blind=True))))[0]
    assert blind["candidate"] == f"Candidate {ann}" and blind["email"] == ""
    assert blind["must_haves_met"] == ""


def test_shortlist_rows_are_migrated_to_the_screen_stage(tmp_path) -> None:
    """A store made before openings existed: its shortlist becomes screen stages."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(script(MIGRATIONS[0], "sqlite"))
    conn.execute("PRAGMA user_version = 1")
    job, resume = doc("job", JOB), doc("ann", ANN_V1)
    conn.execute("INSERT INTO documents VALUES (?,?,?,?)", (job.sha256, "job", JOB, 1.0))
    conn.execute("INSERT INTO documents VALUES (?,?,?,?)",
                 (resume.sha256, "ann", ANN_V1, 1.0))
    conn.execute("INSERT INTO shortlist VALUES (?,?,?,?,?,?,?,?)",
                 (job.sha256, "Data engineer", resume.sha256, "ann", 0.6, 0.8, "SQL", 5.0))
    conn.commit()
    conn.close()

    store = Store(path)  # migrates
    assert store.count("shortlist") == 0
    (opening,) = openings.list_openings(store)
    assert (opening.name, opening.text, opening.job_sha256) == ("Data engineer", JOB,
                                                                job.sha256)
    (entry,) = shortlist.entries(store)
    assert (entry.job_name, entry.resume_name, entry.stage, entry.score, entry.fit,
            entry.evidence, entry.created) == ("Data engineer", "ann", "screen", 0.6, 0.8,
                                               "SQL", 5.0)
    assert shortlist.is_starred(store, job.sha256, resume.sha256)
    # Migrated candidates get their fields when the pool is first listed.
    (row,) = listing.pool_frame(store).to_dict("records")
    assert (row["name"], row["degree"], row["openings"]) == ("ann", "bachelor",
                                                             "Data engineer: screen")
