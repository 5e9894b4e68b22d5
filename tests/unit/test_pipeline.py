"""The pipeline the CLI and the page share, and the issue's two promises on the real model:
a long resume is judged by all of its text, and a repeated ranking embeds nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES, WordEncoder

from resumatch.embed.embedding import DEFAULT_CHUNKING, Chunking, Embedder, LazyEncoder
from resumatch.ingest.documents import Document, read_files
from resumatch.pipeline import (
    MatchResult,
    export_rankings,
    load_encoder,
    match,
    open_registry,
    open_store,
    rank_ahead,
)
from resumatch.rank.matching import candidates_for_job
from resumatch.rank.memo import RANKINGS
from resumatch.store import Store

CAREER_CHANGER = "omar_haddad_career_changer"
JOB = "senior_data_engineer"
# Plausible candidates who are clearly not data engineers (the data engineer, the ML
# engineer and the DevOps engineer of the samples are left out on purpose).
NOT_DATA_ENGINEERS = [
    "daniel_okafor_fullstack_java_developer", "ethan_walsh_accountant",
    "fatima_yusuf_registered_nurse", "grace_kim_icu_registered_nurse",
    "hannah_brooks_hr_generalist", "jasmine_patel_sales_representative",
    "marcus_lee_frontend_developer", "rachel_cohen_recruiting_coordinator",
]


# -- the pipeline on a stand-in encoder ------------------------------------------------------

@pytest.fixture
def small_result(store: Store) -> MatchResult:
    resumes = [Document("ann", "Spark pipelines and airflow"), Document("bo", "ICU nurse"),
               Document("cy", "Payroll and audit ledger")]
    jobs = [Document("data", "Spark and airflow pipelines"), Document("care", "ICU nurse")]
    return match(resumes, jobs, Embedder(WordEncoder(), store))


def test_match_scores_every_pair_and_ranks_per_job(small_result: MatchResult) -> None:
    assert small_result.model_id == "words"
    assert small_result.scores.shape == (3, 2)
    assert small_result.resume_names == ["ann", "bo", "cy"]
    assert small_result.job_names == ["data", "care"]
    assert small_result.resume("bo").doc.text == "ICU nurse"
    assert small_result.job("care").doc.name == "care"
    best = small_result.table[small_result.table["rank"] == 1]
    assert dict(zip(best.job, best.resume, strict=True)) == {"data": "ann", "care": "bo"}


def test_export_is_long_format_csv_one_row_per_pair(small_result: MatchResult,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    path.write_text(export_rankings(small_result), encoding="utf-8")
    frame = pd.read_csv(path)
    assert {"job", "resume", "score", "rank"} <= set(frame.columns)
    assert len(frame) == 6
    assert frame.groupby("job")["rank"].apply(sorted).tolist() == [[1, 2, 3]] * 2


def test_progress_counts_documents_up_to_the_total(store: Store) -> None:
    calls: list[tuple[int, int]] = []
    match([Document("a", "x y"), Document("b", "y z")], [Document("j", "x z")],
          Embedder(WordEncoder(), store), lambda done, total, note: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_stores_and_encoders_open_lazily_under_the_data_dir(settings) -> None:
    store = open_store(settings)
    assert store.path == settings.data_dir / "resumatch.sqlite3"
    registry = open_registry(settings, store)
    assert registry.models_dir == settings.models_dir
    encoder = load_encoder(registry.active(), settings)
    assert isinstance(encoder, LazyEncoder)
    assert encoder.model_id == "base"
    assert encoder._encoder is None  # no model loaded until something must be encoded


# -- the promises, on the real model -----------------------------------------------

@pytest.fixture(scope="module")
def career_change_pool(base_encoder, tmp_path_factory: pytest.TempPathFactory):
    """The career changer, eight non-data-engineers, the data engineering job, and the
    store they were ranked through once (default chunking)."""
    wanted = {CAREER_CHANGER, *NOT_DATA_ENGINEERS}
    resumes, errors = read_files(sorted(p for p in SAMPLE_RESUMES.iterdir() if p.stem in wanted))
    assert errors == [] and sorted(d.name for d in resumes) == sorted(wanted)
    jobs, _ = read_files([SAMPLE_JOBS / f"{JOB}.md"])
    store = Store(tmp_path_factory.mktemp("pipeline") / "state.sqlite3")
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    result = match(resumes, jobs, embedder)
    return resumes, jobs, store, embedder, result


def test_relevant_section_past_token_256_ranks_first_and_truncation_would_miss_it(
        base_encoder, career_change_pool) -> None:
    resumes, jobs, store, embedder, result = career_change_pool
    omar = next(d for d in resumes if d.name == CAREER_CHANGER)

    # The premise: a long resume whose data engineering section starts after the window.
    offsets = base_encoder.token_offsets(omar.text)
    assert len(offsets) > 2 * base_encoder.max_tokens
    section_at = omar.text.index("RECENT EXPERIENCE: DATA ENGINEERING")
    first_window_end = offsets[base_encoder.max_tokens - 3][1]
    assert section_at > first_window_end
    assert "Spark" not in omar.text[:first_window_end]
    assert embedder.stats.chunks_encoded > len(resumes) + len(jobs)  # Omar took many windows

    ranked = candidates_for_job(result.table, JOB)
    assert ranked.resume.iloc[0] == CAREER_CHANGER, ranked.to_string()

    # The control: the same model reading only the first window ranks him below others.
    truncated = match(resumes, jobs, Embedder(base_encoder, store, Chunking(max_chunks=1)))
    ranked_truncated = candidates_for_job(truncated.table, JOB)
    truncated_rank = ranked_truncated.resume.tolist().index(CAREER_CHANGER) + 1
    assert truncated_rank > len(resumes) // 2, ranked_truncated.to_string()  # bottom half
    row = result.resume_names.index(CAREER_CHANGER)
    assert truncated.scores[row, 0] < result.scores[row, 0]


def test_running_the_same_ranking_twice_embeds_nothing_the_second_time(
        career_change_pool) -> None:
    resumes, jobs, store, first_embedder, first = career_change_pool
    assert first_embedder.stats.misses >= len(resumes) + len(jobs)
    loads: list[int] = []

    def load():  # noqa: ANN202
        loads.append(1)
        raise AssertionError("the model was loaded although every embedding is cached")

    # A fresh embedder over the same store, as a second CLI run or app session would have.
    again = Embedder(LazyEncoder("base", load), store, DEFAULT_CHUNKING)
    second = match(resumes, jobs, again)
    assert again.stats.misses == 0
    assert again.stats.chunks_encoded == 0
    assert again.stats.hits == len(resumes) + len(jobs)
    assert loads == []
    np.testing.assert_array_equal(second.scores, first.scores)
    pd.testing.assert_frame_equal(second.table, first.table)


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="export_rankings explains the top pairs with passage vectors that "
                   "are memoised in memory only, so every run (CLI or page) loads the model "
                   "and embeds those passages again; see the test engineer's report")
def test_exporting_a_cached_ranking_embeds_nothing(career_change_pool) -> None:
    resumes, jobs, store, _, _ = career_change_pool

    def load():  # noqa: ANN202
        raise AssertionError("the model was loaded to export a cached ranking")

    RANKINGS.clear()  # a new process (a CLI run) has no ranking memo: only the store's cache
    again = match(resumes, jobs, Embedder(LazyEncoder("base", load), store, DEFAULT_CHUNKING))
    assert "resume" in export_rankings(again).splitlines()[0]


# -- ranking ahead of the click ----------------------------------------------------------------

def test_ranking_ahead_leaves_the_click_a_cached_re_rank_with_the_same_result(
        tmp_path: Path) -> None:
    resumes = [Document("ann", "Spark pipelines and airflow"), Document("bo", "ICU nurse")]
    jobs = [Document("data", "Data engineer\nRequirements:\n- Spark"), Document("care", "Nurse")]
    plain = match(resumes, jobs, Embedder(WordEncoder(), Store(tmp_path / "plain.sqlite3")))
    store = Store(tmp_path / "ahead.sqlite3")
    rank_ahead(resumes, jobs, Embedder(WordEncoder(), store))

    def load():  # noqa: ANN202
        raise AssertionError("the click loaded the model although the work was done ahead")

    clicked = Embedder(LazyEncoder("words", load), store)
    result = match(resumes, jobs, clicked)
    assert clicked.stats.misses == 0
    pd.testing.assert_frame_equal(result.table, plain.table)


def test_ranking_ahead_with_one_side_embeds_that_side(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    resumes = [Document("ann", "Spark pipelines and airflow")]
    rank_ahead(resumes, [], Embedder(WordEncoder(), store))
    again = Embedder(WordEncoder(), store)
    [embedded] = again.embed(resumes, passages=True)
    assert again.stats.misses == 0 and embedded.passage_vectors is not None
