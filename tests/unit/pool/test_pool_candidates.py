"""Adding resumes to the pool: added, exact duplicates, possible duplicates, history."""

from __future__ import annotations

import pytest
from pool_support import ANN_V1, ANN_V2, BO, doc

from resumatch.pool import candidates, field_store
from resumatch.pool.changes import pool_version
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


def test_add_skips_exact_duplicates_and_flags_the_same_person(store: Store) -> None:
    before = pool_version(store)
    first = candidates.add_documents(store, [doc("ann_v1", ANN_V1), doc("bo", BO)])
    assert [o.status for o in first] == ["added", "added"]
    assert pool_version(store) != before

    again = candidates.add_documents(store, [doc("ann_copy", ANN_V1), doc("ann_v2", ANN_V2)])
    assert again[0].status == "exact_duplicate"
    assert again[0].candidate_id == first[0].candidate_id
    assert again[0].message() == (f"ann_copy.txt: skipped, exact duplicate of candidate "
                                  f"{first[0].candidate_id} (same text)")
    assert again[1].status == "possible_duplicate"
    assert again[1].duplicate_of == first[0].candidate_id
    assert again[1].reason == "same email"
    assert "possible duplicate of candidate" in again[1].message()

    listed = candidates.list_candidates(store)
    assert [c.name for c in listed] == ["ann_v1", "bo", "ann_v2"]
    assert listed[2].possible_duplicate_of == listed[0].id
    assert listed[0].possible_duplicate_of is None
    assert store.count("documents") == 3


def test_fields_are_extracted_when_added(store: Store) -> None:
    (outcome,) = candidates.add_documents(store, [doc("bo", BO)])
    profile = field_store.profiles(store)[outcome.candidate_id]
    assert profile.value("degree") == "bachelor"
    assert profile.value("title") == "ICU Registered Nurse"
    assert 7.5 < profile.years < 8.5
    assert "critical care" in profile.skills or profile.skills  # vocabulary skills found
    assert profile.fields["degree"].passage.startswith("Bachelor of Science in Nursing")


def test_history_and_lookup_by_document(store: Store) -> None:
    (outcome,) = candidates.add_documents(store, [doc("ann", ANN_V1)])
    found = candidates.candidate_for_document(store, doc("x", ANN_V1).sha256)
    assert found is not None and found.id == outcome.candidate_id
    (item,) = candidates.history(store, outcome.candidate_id)
    assert item.name == "ann" and item.source == "ann.txt"
    assert candidates.contact(store, outcome.candidate_id) == ("ann.example@mail.com",
                                                               "5550102233")


def test_ensure_candidate_without_stored_text_keeps_hash_and_name(store: Store) -> None:
    made = candidates.ensure_candidate(store, "f" * 64, "old shortlist row")
    assert (made.sha256, made.name) == ("f" * 64, "old shortlist row")
    assert candidates.ensure_candidate(store, "f" * 64, "again").id == made.id
