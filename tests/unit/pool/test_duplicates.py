"""Likely the same person: contact keys, the similar-text threshold on real resumes,
merge (newest text wins, both files kept) and undo."""

from __future__ import annotations

import pandas as pd
import pytest
from paths import SHARED_DATA
from pool_support import ANN_V1, ANN_V2, BO, doc

from resumatch.ingest.documents import normalize_text
from resumatch.pool import candidates, duplicates
from resumatch.pool.duplicates import MergeError, contact_keys, text_similarity
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


def test_contact_keys_normalise_email_phone_and_name() -> None:
    keys = contact_keys("JANE DOE\nJane.Doe@Mail.COM · +1 (555) 123-4567\n2015 - 2019")
    assert keys == duplicates.ContactKeys("jane.doe@mail.com", "5551234567", "jane doe")
    assert contact_keys("Worked 2015 - 2019 on SQL").phone == ""


def test_threshold_separates_new_versions_from_different_people() -> None:
    """A newer version of a resume is far above the threshold; different real resumes of
    the same occupation are far below it (the worst pair of 40 shared resumes)."""
    assert text_similarity(ANN_V1, ANN_V2) >= duplicates.SIMILAR_TEXT_THRESHOLD
    frame = pd.read_csv(SHARED_DATA / "livecareer_dev.csv")
    texts = [normalize_text(t) for t in
             frame[frame["category"] == "INFORMATION-TECHNOLOGY"]["text"].head(40)]
    worst = max(text_similarity(a, b) for i, a in enumerate(texts) for b in texts[i + 1:])
    assert worst < 0.2 < duplicates.SIMILAR_TEXT_THRESHOLD
    # A real resume with one extra job paragraph is still "very similar".
    newer = texts[0] + "\nSenior Analyst, Jan 2020 - Present\n- Led the migration to the cloud"
    assert text_similarity(texts[0], newer) > 0.8


def test_same_name_needs_similar_text(store: Store) -> None:
    other = "Ann Example\nPastry chef at a bakery in Lyon, 2001 - 2009. Croissants."
    first = candidates.add_documents(store, [doc("ann", ANN_V1.replace(
        "ann.example@mail.com | +1 (555) 010-2233 | ", ""))])[0]
    same_name = candidates.add_documents(store, [doc("chef", other)])[0]
    assert same_name.status == "added"  # same name, different person
    newer = candidates.add_documents(store, [doc("ann2", ANN_V2.replace(
        "ann.example@mail.com | +1 (555) 010-2233 | ", ""))])[0]
    assert newer.status == "possible_duplicate" and newer.duplicate_of == first.candidate_id
    assert newer.reason.startswith("same name, ") and newer.reason.endswith("similar text")


def test_merge_keeps_both_files_newest_wins_and_undo_restores(store: Store) -> None:
    old = candidates.add_documents(store, [doc("ann_v1", ANN_V1), doc("bo", BO)])[0]
    new = candidates.add_documents(store, [doc("ann_v2", ANN_V2)])[0]
    duplicates.merge(store, old.candidate_id, new.candidate_id, session="s1")

    kept = candidates.get_candidate(store, old.candidate_id)
    assert kept.sha256 == doc("x", ANN_V2).sha256 and kept.name == "ann_v2"  # newest wins
    assert [d.name for d in candidates.history(store, kept.id)] == ["ann_v2", "ann_v1"]
    assert [c.id for c in candidates.list_candidates(store)] == [old.candidate_id,
                                                                old.candidate_id + 1]
    assert candidates.merged_into(store, kept.id)[0].id == new.candidate_id
    with pytest.raises(MergeError):
        duplicates.merge(store, old.candidate_id, new.candidate_id)

    assert duplicates.undo_merge(store, new.candidate_id, session="s1") == old.candidate_id
    restored_old = candidates.get_candidate(store, old.candidate_id)
    restored_new = candidates.get_candidate(store, new.candidate_id)
    assert restored_old.sha256 == doc("x", ANN_V1).sha256 and restored_old.name == "ann_v1"
    assert restored_new.sha256 == doc("x", ANN_V2).sha256
    assert restored_new.possible_duplicate_of == old.candidate_id
    assert [d.name for d in candidates.history(store, new.candidate_id)] == ["ann_v2"]
    actions = [r["action"] for r in store.audit_rows()]
    assert "merge_candidates" in actions and "unmerge_candidates" in actions


def test_keep_both_clears_the_flag(store: Store) -> None:
    candidates.add_documents(store, [doc("ann_v1", ANN_V1)])
    new = candidates.add_documents(store, [doc("ann_v2", ANN_V2)])[0]
    duplicates.keep_both(store, new.candidate_id)
    assert candidates.get_candidate(store, new.candidate_id).possible_duplicate_of is None
    with pytest.raises(MergeError):
        duplicates.undo_merge(store, new.candidate_id)
