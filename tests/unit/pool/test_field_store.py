"""Corrections take precedence over extraction and survive re-extraction; filters."""

from __future__ import annotations

import pytest
from pool_support import ANN_V1, BO, CY, doc

from resumatch.pool import candidates, field_store
from resumatch.pool.field_store import FieldError
from resumatch.pool.filters import FieldFilter, parse_skills
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


def test_a_correction_wins_and_survives_re_extraction(store: Store) -> None:
    ann = candidates.add_documents(store, [doc("ann", ANN_V1)])[0].candidate_id
    extracted = field_store.profiles(store)[ann].value("degree")
    assert extracted == "bachelor"
    field_store.correct(store, ann, "degree", "Master", session="s1")
    field_store.correct(store, ann, "years_experience", "12")
    with store.connect() as conn:  # an older extractor's rows: re-extract them
        conn.execute("UPDATE extracted_fields SET extractor = 'old'")
    assert field_store.ensure_extracted(store) == 1
    profile = field_store.profiles(store)[ann]
    assert profile.value("degree") == "master" and profile.fields["degree"].corrected
    assert profile.fields["degree"].extracted == "bachelor"
    assert profile.fields["degree"].passage.startswith("B.S. in Computer Science")
    assert profile.years == 12.0
    field_store.clear_correction(store, ann, "degree")
    assert field_store.profiles(store)[ann].value("degree") == "bachelor"
    for name, bad in (("degree", "wizard"), ("years_experience", "-3"), ("height", "2")):
        with pytest.raises(FieldError):
            field_store.correct(store, ann, name, bad)


def test_filters_on_years_degree_and_all_skills(store: Store) -> None:
    ids = [o.candidate_id for o in candidates.add_documents(
        store, [doc("ann", ANN_V1), doc("bo", BO), doc("cy", CY)])]
    found = field_store.profiles(store)
    people = [found[i] for i in ids]
    assert people[0].years > 9 and people[1].years > 7 and people[2].years == 4.0
    # Ann: Jun 2015 - Dec 2018 and Jan 2019 - present; Bo: Mar 2012 - Feb 2020 (7.9).
    assert FieldFilter(min_years=8).mask(people).tolist() == [True, False, False]
    assert FieldFilter(degree="bachelor").mask(people).tolist() == [True, True, False]
    assert FieldFilter(degree="high school").mask(people).tolist() == [True, True, True]
    assert FieldFilter(skills=parse_skills("Spark, SQL")).mask(people).tolist() == [
        True, False, False]
    assert FieldFilter().mask(people).all()
    assert FieldFilter(min_years=3, degree="master", skills=("python",)).describe() == (
        "at least 3 years · master or higher · python")
    with pytest.raises(ValueError):
        FieldFilter(degree="wizard")
