"""Self-reported categories: row-by-row validation, storage apart from resumes, deletion
with the candidate, on both store engines."""

from __future__ import annotations

import pytest
from pool_support import ANN_V1, ANN_V2, BO, CY, doc

from resumatch.fairness import categories as cats
from resumatch.pool import candidates, duplicates
from resumatch.pool.erasure import delete_candidate
from resumatch.store import Store
from resumatch.store.purge import count_candidate_data, purge_candidate_data

pytestmark = pytest.mark.store_backends


def seed(store: Store) -> list[int]:
    added = candidates.add_documents(store, [doc("ann", ANN_V1), doc("bo", BO), doc("cy", CY)])
    return [o.candidate_id for o in added]


def test_accepted_rows_use_eeo1_names_and_aliases(store: Store) -> None:
    ann, bo, cy = seed(store)
    data = (f"Candidate ID;Sex;Race/Ethnicity\n{ann};F;Black (not Hispanic or Latino)\n"
            f"{bo};male;Latina\n\n{cy};Prefer not to say;declined\n").encode()
    found = cats.parse_categories("team.csv", data, store)
    assert found.errors == []
    assert found.categories == [
        cats.Categories(ann, cats.FEMALE, cats.BLACK),
        cats.Categories(bo, cats.MALE, cats.HISPANIC),
        cats.Categories(cy, cats.DECLINED, cats.DECLINED)]
    assert found.summary() == {"rows": 3, "accepted": 3, "rejected": 0, "declined": 1}


def test_every_bad_row_gets_its_own_error(store: Store) -> None:
    ann, bo, cy = seed(store)
    data = ("candidate_id,file,sex,race_ethnicity\n"
            f"{ann},,Female,Asian\n"                 # 1 fine
            "999,,Female,Asian\n"                    # 2 unknown id
            ",nobody.pdf,Male,White\n"               # 3 unknown file
            f"{bo},,,White\n"                        # 4 empty sex
            f"{cy},,Male,Martian\n"                  # 5 unknown race
            f"{ann},,Male,White\n"                   # 6 candidate given twice
            f"{bo},cy.txt,Male,White\n"              # 7 id and file disagree
            "x7,,Male,White\n"                       # 8 not a number
            ",,Male,White\n"                         # 9 nobody named
            ",bo.txt,Male,Two or more races\n")      # 10 fine, by file name
    found = cats.parse_categories("c.csv", data.encode(), store)
    assert [c.candidate_id for c in found.categories] == [ann, bo]
    assert found.categories[1].race_ethnicity == cats.TWO_OR_MORE
    messages = {e.row: e.message for e in found.errors}
    assert messages == {
        2: "no candidate with id 999 in the talent pool",
        3: "no candidate with the file 'nobody.pdf' in the talent pool",
        4: "sex is empty (write 'declined' if the candidate chose not to say)",
        5: ("race/ethnicity 'Martian' is not one of Hispanic or Latino, White, Black or "
            "African American, Native Hawaiian or Other Pacific Islander, Asian, American "
            "Indian or Alaska Native, Two or More Races or declined"),
        6: f"candidate {ann} is already given in row 1; one row per candidate",
        7: f"candidate_id and file name different candidates ({bo}, {cy})",
        8: "candidate id 'x7' is not a number",
        9: "no candidate_id or file given",
    }
    assert found.summary()["rejected"] == 8 and found.n_rows == 10


def test_file_level_problems(store: Store) -> None:
    assert str(cats.parse_categories("e.csv", b"  \n", store).errors[0]) == "the file is empty"
    missing = cats.parse_categories("m.csv", b"candidate_id,gender\n1,F\n", store)
    assert str(missing.errors[0]) == ("missing columns: race_ethnicity (need candidate_id, "
                                      "file, sex, race_ethnicity; found: candidate_id, gender)")
    assert not missing.categories


def test_a_merged_candidate_is_named_by_the_one_it_was_merged_into(store: Store) -> None:
    first = candidates.add_documents(store, [doc("ann_v1", ANN_V1)])[0].candidate_id
    newer = candidates.add_documents(store, [doc("ann_v2", ANN_V2)])[0].candidate_id
    duplicates.merge(store, first, newer)
    found = cats.parse_categories(
        "c.csv", f"candidate_id,sex,race_ethnicity\n{newer},Female,White\n".encode(), store)
    by_file = cats.parse_categories(
        "c.csv", b"file,sex,race_ethnicity\nann_v2.txt,Female,White\n", store)
    assert [c.candidate_id for c in found.categories] == [first]
    assert [c.candidate_id for c in by_file.categories] == [first]


def test_saved_apart_updated_and_audited_by_count_only(store: Store) -> None:
    ann, bo, _ = seed(store)
    assert cats.save_categories(store, [cats.Categories(ann, cats.FEMALE, cats.ASIAN),
                                        cats.Categories(bo, cats.MALE, cats.WHITE)],
                                session="admin-1", source="team.csv") == 2
    cats.save_categories(store, [cats.Categories(ann, cats.FEMALE, cats.HISPANIC)])
    assert cats.load_categories(store) == {
        ann: cats.Categories(ann, cats.FEMALE, cats.HISPANIC),
        bo: cats.Categories(bo, cats.MALE, cats.WHITE)}
    rows = [r for r in store.audit_rows() if r["action"] == "categories_upload"]
    assert len(rows) == 2
    assert not any(word in rows[-1]["detail"] for word in ("Female", "Asian", "White"))
    with store.connect() as conn:  # the resumes' own rows hold no category
        texts = " ".join(r["text"] for r in conn.execute("SELECT text FROM documents"))
    assert "Hispanic" not in texts


def test_deleted_with_the_candidate_and_with_everyone(store: Store) -> None:
    ann, bo, cy = seed(store)
    cats.save_categories(store, [cats.Categories(i, cats.DECLINED, cats.ASIAN)
                                 for i in (ann, bo, cy)])
    report = delete_candidate(store, ann, compact=False)
    assert report.deleted["candidate_categories"] == 1
    assert set(cats.load_categories(store)) == {bo, cy}
    assert count_candidate_data(store, include_pool=True)["candidate_categories"] == 2
    purged = purge_candidate_data(store)
    assert purged.deleted["candidate_categories"] == 2
    assert store.count("candidate_categories") == 0


def test_template_lists_every_active_candidate(store: Store) -> None:
    ann, bo, cy = seed(store)
    lines = cats.template_csv(store).splitlines()
    assert lines[0] == "candidate_id,file,sex,race_ethnicity"
    assert lines[1:] == [f"{ann},ann.txt,,", f"{bo},bo.txt,,", f"{cy},cy.txt,,"]
    # The filled-in template reads back.
    filled = "\n".join([lines[0], f"{ann},ann.txt,Female,White"]).encode()
    assert cats.parse_categories("t.csv", filled, store).categories[0].candidate_id == ann


def test_delete_all_categories_keeps_candidates(store: Store) -> None:
    ann, *_ = seed(store)
    cats.save_categories(store, [cats.Categories(ann, cats.MALE, cats.WHITE)])
    assert cats.delete_all_categories(store, "admin") == 1
    assert store.count("candidate_categories") == 0 and store.count("candidates") == 3
