"""What an audit counts: placements of an opening or a date range, their categories,
whether they reached the screen stage, their fit; on both store engines."""

from __future__ import annotations

import time

import pytest
from pool_support import ANN_V1, BO, CY, doc

from resumatch.fairness import categories as cats
from resumatch.fairness.sample import date_range_sample, opening_sample
from resumatch.pool import candidates, openings, workflow
from resumatch.pool.openings import OpeningError
from resumatch.store import Store

pytestmark = pytest.mark.store_backends


def test_selection_fit_and_categories_of_an_opening(store: Store) -> None:
    people = candidates.add_documents(store, [doc("ann", ANN_V1), doc("bo", BO), doc("cy", CY),
                                              doc("dee", CY + "\nForklift")])
    ann, bo, cy, dee = (o.candidate_id for o in people)
    nurse = openings.save_opening(store, "ICU nurse", "Critical care nurse, CCRN")
    other = openings.save_opening(store, "Welder", "MIG welding")
    workflow.record_matches(store, nurse.id, [(ann, 0.2, 20.0), (bo, 0.7, 80.0),
                                              (cy, 0.3, 30.0), (dee, 0.4, 40.0)])
    workflow.set_stage(store, nurse.id, bo, "interview")
    workflow.set_stage(store, nurse.id, cy, "screen")
    workflow.set_stage(store, nurse.id, cy, "rejected")  # rejected after screening
    workflow.set_stage(store, nurse.id, dee, "rejected")  # rejected straight away
    workflow.set_stage(store, other.id, dee, "screen")  # another opening's decision
    cats.save_categories(store, [cats.Categories(bo, cats.FEMALE, cats.BLACK),
                                 cats.Categories(cy, cats.MALE, cats.DECLINED)])

    sample = opening_sample(store, nurse.id)
    assert sample.openings == ["ICU nurse"] and "ICU nurse" in sample.scope
    found = {r.candidate_id: r for r in sample.records}
    assert set(found) == {ann, bo, cy, dee}
    assert [found[i].selected for i in (ann, bo, cy, dee)] == [False, True, True, False]
    assert [found[i].fit for i in (ann, bo, cy, dee)] == [20.0, 80.0, 30.0, 40.0]
    assert (found[bo].sex, found[bo].race_ethnicity) == (cats.FEMALE, cats.BLACK)
    assert (found[cy].sex, found[cy].race_ethnicity) == (cats.MALE, cats.DECLINED)
    assert (found[ann].sex, found[ann].race_ethnicity) == (cats.UNKNOWN, cats.UNKNOWN)
    with pytest.raises(OpeningError):
        opening_sample(store, 999)


def test_a_date_range_counts_every_opening_entered_in_it(store: Store) -> None:
    ann, bo = (o.candidate_id for o in candidates.add_documents(
        store, [doc("ann", ANN_V1), doc("bo", BO)]))
    first = openings.save_opening(store, "ICU nurse", "Critical care nurse")
    second = openings.save_opening(store, "Data engineer", "Spark pipelines")
    workflow.set_stage(store, first.id, ann, "screen")
    workflow.set_stage(store, second.id, ann, "new")
    workflow.set_stage(store, second.id, bo, "hired")
    now = time.time()
    sample = date_range_sample(store, now - 3600, now + 3600)
    assert len(sample.records) == 3  # ann twice: one record per decision
    assert sample.openings == ["Data engineer", "ICU nurse"] and "2 openings" in sample.scope
    assert sorted(r.selected for r in sample.records) == [False, True, True]
    assert date_range_sample(store, now + 3600, now + 7200).records == []
