"""The ranking memo: an unchanged pool is scored once; erasure forgets everything."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_docs import WordEncoder

import resumatch.pipeline as pipeline
from resumatch.embed.embedding import Embedder, LazyEncoder
from resumatch.ingest.documents import Document
from resumatch.pipeline import match
from resumatch.rank.memo import RankingMemo, ranking_key
from resumatch.store import Store
from resumatch.store.purge import purge_candidate_data

RESUMES = [Document("ann", "Spark pipelines and airflow on AWS, five years"),
           Document("bo", "ICU nurse, ten years of critical care"),
           Document("cy", "Payroll, audit and the general ledger")]
JOBS = [Document("data", "Data engineer\nRequirements:\n- Spark\n- Airflow"),
        Document("care", "ICU nurse\nRequirements:\n- critical care")]


@pytest.fixture
def scorings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pipeline's calls of score_pool."""
    calls: list[int] = []
    real = pipeline.score_pool

    def counted(*args, **kwargs):  # noqa: ANN202
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "score_pool", counted)
    return calls


def no_model():  # noqa: ANN201
    raise AssertionError("the model was loaded for a fully cached pool")


def test_an_unchanged_pool_is_scored_once_and_gives_the_same_table(
        tmp_path: Path, scorings: list[int]) -> None:
    store = Store(tmp_path / "s.sqlite3")
    first = match(RESUMES, JOBS, Embedder(WordEncoder(), store))
    again = match(RESUMES, JOBS, Embedder(LazyEncoder("words", no_model), store))
    assert scorings == [1]
    pd.testing.assert_frame_equal(again.table, first.table)
    np.testing.assert_array_equal(again.fit, first.fit)


def test_a_changed_pool_marks_or_store_is_scored_again(tmp_path: Path,
                                                       scorings: list[int]) -> None:
    store = Store(tmp_path / "s.sqlite3")
    match(RESUMES, JOBS, Embedder(WordEncoder(), store))
    match(RESUMES[:2], JOBS, Embedder(WordEncoder(), store))  # another pool
    marks = {JOBS[0].sha256: {"Spark": "must"}}
    match(RESUMES, JOBS, Embedder(WordEncoder(), store), marks=marks)  # other marks
    match(RESUMES, JOBS, Embedder(WordEncoder(), Store(tmp_path / "other.sqlite3")))
    renamed = [Document("ann2", RESUMES[0].text), *RESUMES[1:]]
    match(renamed, JOBS, Embedder(WordEncoder(), store))  # names are shown: a new ranking
    assert len(scorings) == 5


def test_an_erasure_anywhere_forgets_every_kept_ranking(tmp_path: Path,
                                                         scorings: list[int]) -> None:
    store = Store(tmp_path / "s.sqlite3")
    match(RESUMES, JOBS, Embedder(WordEncoder(), store))
    # Another process erases: this process's memo must not serve the old scores.
    purge_candidate_data(Store(tmp_path / "s.sqlite3"))
    match(RESUMES, JOBS, Embedder(WordEncoder(), store))
    assert scorings == [1, 1]


def test_the_memo_keeps_the_most_recent_rankings_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    memo = RankingMemo(size=2)
    for key in ("a", "b", "c"):
        memo.put(store, key, key.upper())
    assert memo.get(store, "a") is None
    assert (memo.get(store, "b"), memo.get(store, "c")) == ("B", "C")
    assert memo.get(None, "c") is None  # nothing is served without a store
    memo.put(None, "d", "D")
    assert len(memo) == 2


def test_the_key_names_model_chunking_texts_names_and_marks() -> None:
    encoder = WordEncoder()
    embedded = Embedder(encoder).embed(RESUMES), Embedder(encoder).embed(JOBS)
    key = ranking_key("words", "w256-o32", *embedded, None)
    assert key == ranking_key("words", "w256-o32", *embedded, {})
    assert key != ranking_key("other", "w256-o32", *embedded, None)
    assert key != ranking_key("words", "w128-o32", *embedded, None)
    assert key != ranking_key("words", "w256-o32", *embedded, {"x": {"Spark": "must"}})
