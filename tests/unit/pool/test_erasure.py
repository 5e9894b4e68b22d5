"""Delete one candidate everywhere: nothing of them is left in any table, others stay."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fixtures_trust import bytes_on_disk
from pool_support import ANN_V1, ANN_V2, BO, doc, rows_mentioning

from resumatch.pool import candidates, duplicates, field_store, notes, openings, shortlist, workflow
from resumatch.pool.erasure import UnknownCandidate, delete_candidate, derived_hashes
from resumatch.pool.retention import apply_retention, expired, set_retention_days
from resumatch.rank.explain import PHRASE_CACHE_KEY
from resumatch.store import Store
from resumatch.store.purge import count_candidate_data, purge_candidate_data
from resumatch.train.pairs import Pair, save_dataset

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL

MARK = "Quokka-Lantern-4417"


def seed(store: Store) -> tuple[int, int, list[str]]:
    v1, v2 = ANN_V1 + f"\n{MARK}", ANN_V2 + f"\n{MARK} again"
    ann = candidates.add_documents(store, [doc("ann_v1", v1), doc("bo", BO)])
    newer = candidates.add_documents(store, [doc("ann_v2", v2)])[0]
    duplicates.merge(store, ann[0].candidate_id, newer.candidate_id)
    hashes = [doc("x", v1).sha256, doc("x", v2).sha256]
    vectors = np.ones((1, 4), dtype=np.float32)
    store.put_embeddings("base", "w256-o32", [(h, vectors, [(0, 5)]) for h in hashes])
    passage = sorted(derived_hashes(v1))[0]
    store.put_embeddings("base", PHRASE_CACHE_KEY, [(passage, vectors, [(0, 5)])])
    opening = openings.save_opening(store, "Data engineer", "Spark and SQL pipelines")
    workflow.set_stage(store, opening.id, ann[0].candidate_id, "interview")
    workflow.set_rating(store, opening.id, ann[0].candidate_id, 4)
    workflow.set_stage(store, opening.id, ann[1].candidate_id, "screen")
    notes.add_note(store, ann[0].candidate_id, f"call back {MARK}", opening_id=opening.id)
    notes.add_note(store, newer.candidate_id, "note on the merged file")
    field_store.correct(store, ann[0].candidate_id, "location", "Boston")
    shortlist.star(store, opening.job_sha256, "Data engineer", hashes[0], "ann_v1")
    save_dataset(store, "labels", [Pair(v1, "Data engineer", 0.9),
                                   Pair("Welder", "Data engineer", 0.1)])
    with store.connect() as conn:
        conn.execute("INSERT INTO shortlist (job_sha256, job_name, resume_sha256, resume_name,"
                     " score, fit, evidence, created) VALUES (?,?,?,?,?,?,?,?)",
                     (opening.job_sha256, "Data engineer", hashes[1], "ann_v2", 0.5, 0.5,
                      MARK, 1.0))
    return ann[0].candidate_id, ann[1].candidate_id, hashes


def test_delete_one_candidate_everywhere(store: Store) -> None:
    ann, bo, hashes = seed(store)
    assert rows_mentioning(store, [MARK], hashes)  # the seed really holds them
    report = delete_candidate(store, ann, session="admin-1")
    assert report.documents == sorted(hashes)
    assert rows_mentioning(store, [MARK, "ann.example@mail.com"], hashes) == {}
    assert MARK.encode() not in bytes_on_disk(store)
    assert {"candidates", "candidate_documents", "documents", "embeddings",
            "opening_candidates", "candidate_notes", "pairs", "phrase_embeddings",
            "extracted_fields", "field_corrections", "shortlist"} <= set(report.deleted)
    assert report.deleted["candidates"] == 2  # the merged-in file's candidate too
    # Bo, the opening and the other pair are untouched; the audit names hashes only.
    assert [c.id for c in candidates.list_candidates(store, include_merged=True)] == [bo]
    assert workflow.placement(store, openings.list_openings(store)[0].id, bo) is not None
    assert store.count("pairs") == 1
    with store.connect() as conn:
        assert conn.execute("SELECT n_rows FROM datasets").fetchone()["n_rows"] == 1
    row = store.audit_rows(limit=1)[0]
    assert (row["action"], row["session"]) == ("erase_candidate", "admin-1")
    assert set(hashes) <= set(json.loads(row["documents"]))
    with pytest.raises(UnknownCandidate):
        delete_candidate(store, ann)


def test_retention_is_off_by_default_and_erases_untouched_candidates(store: Store) -> None:
    ann, bo, _ = seed(store)
    far_future = 10**10
    assert expired(store, now=far_future) == []  # off by default
    set_retention_days(store, 30)
    with store.connect() as conn:
        conn.execute("UPDATE candidates SET updated = 0 WHERE id = ?", (bo,))
    assert expired(store) == [bo]
    assert apply_retention(store) == [bo]
    assert [c.id for c in candidates.list_candidates(store)] == [ann]
    set_retention_days(store, 0)
    assert expired(store, now=far_future) == []


def test_purging_everyone_empties_the_pool_and_keeps_openings(store: Store) -> None:
    seed(store)
    pending = count_candidate_data(store, include_pool=True)
    assert pending["candidates"] == 3 and pending["candidate_notes"] == 2
    assert "candidates" not in count_candidate_data(store)  # the admin panel's old keys
    report = purge_candidate_data(store)
    assert report.deleted["candidates"] == 3 and report.deleted["opening_candidates"] == 2
    assert "deleted 3 talent pool candidates" in report.lines()
    assert candidates.list_candidates(store, include_merged=True) == []
    assert rows_mentioning(store, [MARK], []) == {}
    assert len(openings.list_openings(store)) == 1  # job descriptions are not candidates
