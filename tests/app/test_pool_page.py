"""The Pool page under AppTest: an empty pool, then a seeded one: openings, search with a
filter, stage, rating and note, corrections, merge and undo, blind mode, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES
from pool_support import rows_mentioning
from streamlit.testing.v1 import AppTest

from resumatch.ingest.documents import Document, read_files
from resumatch.pool import candidates, notes, openings, workflow
from resumatch.store import Store

PAGE = ROOT / "pages" / "pool.py"
TIMEOUT_S = 180  # the first search in a process loads the model


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir / "resumatch.sqlite3")


def page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.main.text]


def test_an_empty_pool_says_how_to_fill_it(data_dir: Path) -> None:
    at = page()
    assert at.title[0].value == "Talent pool"
    assert any("The pool is empty" in i.value for i in at.info)


def test_search_stage_note_merge_undo_and_delete(store: Store) -> None:
    resumes, _ = read_files([SAMPLE_RESUMES])
    candidates.add_documents(store, resumes)
    alice = next(d for d in resumes if d.name == "alice_nguyen_data_engineer")
    newer = Document("alice_2025", alice.text + "\n- Mentored two junior data engineers",
                     "alice_2025.txt")
    flagged = candidates.add_documents(store, [newer])[0]
    assert flagged.status == "possible_duplicate"
    (job,) = read_files([SAMPLE_JOBS / "senior_data_engineer.md"])[0]
    opening = openings.save_opening(store, "Senior data engineer", job.text)

    at = page()
    assert len(at.dataframe) == 1  # the search waits for the button; the list is shown
    assert len(at.dataframe[0].value) == 13
    button(at, "pool_search")
    results = at.dataframe[0].value
    assert set(results["candidate"].head(2)) == {"alice_nguyen_data_engineer", "alice_2025"}
    assert results["rank"].tolist() == list(range(1, 14))

    # A filter narrows both lists; the scores of the candidates kept do not change.
    at.number_input(key="pool_min_years").set_value(20.0).run()
    assert len(at.dataframe[0].value) < 13

    at.number_input(key="pool_min_years").set_value(0.0).run()
    at.selectbox(key="pool_candidate").set_value(flagged.candidate_id).run()
    assert any("Possible duplicate of alice_nguyen_data_engineer" in w.value for w in at.warning)

    # Stage, rating and a note for the opening.
    token = f"{opening.id}_{flagged.candidate_id}"
    at.selectbox(key=f"pool_stage_{token}").set_value("interview")
    at.selectbox(key=f"pool_rating_{token}").set_value(4)
    button(at, "pool_save_stage")
    placed = workflow.placement(store, opening.id, flagged.candidate_id)
    assert (placed.stage, placed.rating) == ("interview", 4) and placed.fit is not None
    at.text_area(key=f"pool_note_{flagged.candidate_id}").input("Great Airflow depth")
    button(at, "pool_add_note")
    assert "Great Airflow depth" in texts(at)
    assert notes.notes_for(store, [flagged.candidate_id])[0].opening_id == opening.id

    # A correction wins over extraction.
    at.text_input(key=f"pool_fix_years_{flagged.candidate_id}").input("11")
    at.button[[b.label for b in at.button].index("Save corrections")].click().run()
    assert "Years of experience: 11.0 (corrected)" in texts(at)

    # Merge into Alice, then undo.
    first = flagged.duplicate_of
    button(at, "pool_merge")
    assert at.selectbox(key="pool_candidate").value == first
    assert candidates.get_candidate(store, first).name == "alice_2025"  # newest text wins
    button(at, f"pool_unmerge_{flagged.candidate_id}")
    assert candidates.get_candidate(store, first).name == "alice_nguyen_data_engineer"
    assert candidates.get_candidate(store, flagged.candidate_id).merged_into is None

    # Blind mode hides names in both lists and in the detail.
    at.sidebar.toggle(key="blind_mode_toggle").set_value(True).run()
    listed = at.dataframe[-1].value
    assert listed["name"].str.startswith("Candidate ").all()
    options = [o for s in at.selectbox for o in s.options]
    assert any(o.startswith("Candidate ") for o in options)
    assert not any("alice" in o for o in options)

    # Delete everywhere.
    at.sidebar.toggle(key="blind_mode_toggle").set_value(False).run()
    at.selectbox(key="pool_candidate").set_value(flagged.candidate_id).run()
    at.toggle(key=f"pool_delete_open_{flagged.candidate_id}").set_value(True).run()
    at.text_input(key=f"pool_delete_confirm_{flagged.candidate_id}").input("DELETE").run()
    button(at, "pool_delete")
    assert any("Deleted alice_2025" in s.value for s in at.success)
    assert rows_mentioning(store, ["Mentored two junior data engineers"],
                           [newer.sha256]) == {}
