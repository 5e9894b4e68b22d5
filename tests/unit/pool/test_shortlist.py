"""Shortlist rows in the store: star, unstar, list per job, persist, export."""

from __future__ import annotations

import csv
import io

import pytest

from resumatch.pool import shortlist
from resumatch.store import Store, open_store

pytestmark = pytest.mark.store_backends  # the store tests run on SQLite and PostgreSQL


def test_star_list_and_unstar(store: Store) -> None:
    shortlist.star(store, "job-b", "Nurse", "r1", "grace", score=0.71, fit=0.9,
                   evidence="CCRN certification — CCRN (critical care)")
    shortlist.star(store, "job-a", "Data engineer", "r2", "alice", score=0.7, fit=1.0)
    shortlist.star(store, "job-a", "Data engineer", "r3", "omar")
    assert shortlist.is_starred(store, "job-a", "r2")
    assert not shortlist.is_starred(store, "job-b", "r2")  # per job
    assert shortlist.starred_hashes(store, "job-a") == {"r2", "r3"}
    listed = shortlist.entries(store)
    assert [(e.job_name, e.resume_name) for e in listed] == [
        ("Data engineer", "alice"), ("Data engineer", "omar"), ("Nurse", "grace")]
    assert listed[1].score is None and listed[1].fit is None and listed[1].evidence == ""
    assert [e.resume_name for e in shortlist.entries(store, "job-b")] == ["grace"]

    shortlist.unstar(store, "job-a", "r2")
    shortlist.unstar(store, "job-a", "missing")  # no error
    assert shortlist.starred_hashes(store, "job-a") == {"r3"}


def test_starring_again_refreshes_the_values_and_keeps_one_row(store: Store) -> None:
    shortlist.star(store, "job", "Job", "r1", "ann", score=0.5, fit=0.4)
    created = shortlist.entries(store)[0].created
    shortlist.star(store, "job", "Job", "r1", "ann (renamed)", score=0.6, fit=0.8,
                   evidence="SQL — complex SQL")
    (entry,) = shortlist.entries(store)
    assert (entry.resume_name, entry.score, entry.fit) == ("ann (renamed)", 0.6, 0.8)
    assert entry.created == created  # the star keeps its place in the list


def test_the_shortlist_survives_a_new_store_on_the_same_file(settings) -> None:
    shortlist.star(open_store(settings), "job", "Job", "r1", "ann", score=0.5)
    # A page reload opens the same store again (here: a fresh Store object).
    assert [e.resume_name for e in shortlist.entries(open_store(settings))] == ["ann"]


def test_csv_export(store: Store) -> None:
    shortlist.star(store, "job", "Data, engineer", "r1", "alice", score=0.71234, fit=1.0,
                   evidence='Strong SQL — "complex SQL", tuned queries')
    shortlist.star(store, "job", "Data, engineer", "r2", "omar")
    rows = list(csv.DictReader(io.StringIO(shortlist.to_csv(shortlist.entries(store)))))
    assert list(rows[0]) == ["job", "name", "score", "fit", "top_evidence", "starred"]
    assert rows[0]["job"] == "Data, engineer" and rows[0]["name"] == "alice"
    assert (rows[0]["score"], rows[0]["fit"]) == ("0.7123", "1.0000")
    assert rows[0]["top_evidence"] == 'Strong SQL — "complex SQL", tuned queries'
    assert rows[1]["score"] == "" and rows[1]["starred"].endswith("Z")
    assert shortlist.to_csv([]).strip() == "job,name,score,fit,top_evidence,starred"
