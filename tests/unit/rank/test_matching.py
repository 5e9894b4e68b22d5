"""Scores, rankings in both directions (checked by hand), and pair explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES, WordEncoder

from resumatch.embed.embedding import DocEmbedding, Embedder
from resumatch.ingest.documents import Document, read_files
from resumatch.rank.matching import (
    candidates_for_job,
    explain_pair,
    jobs_for_candidate,
    matrix_frame,
    rankings,
    score_matrix,
)


def emb(name: str, vector: list[float], text: str = "x") -> DocEmbedding:
    v = np.asarray(vector, dtype=np.float32)
    return DocEmbedding(Document(name, text), v[None, :], [(0, len(text))], v)


def test_score_matrix_is_the_cosine_of_pooled_vectors() -> None:
    resumes = [emb("a", [1, 0]), emb("b", [0, 1]), emb("c", [0.6, 0.8])]
    jobs = [emb("x", [1, 0]), emb("y", [0.8, 0.6])]
    np.testing.assert_allclose(score_matrix(resumes, jobs),
                               [[1.0, 0.8], [0.0, 0.6], [0.6, 0.96]], atol=1e-6)
    assert score_matrix([], jobs).shape == (0, 2)
    assert score_matrix(resumes, []).shape == (3, 0)


def test_scores_are_clipped_to_the_cosine_range() -> None:
    # Rounding can push a float32 dot product of unit vectors just past 1.
    scores = score_matrix([emb("a", [1.0000001, 0])], [emb("x", [1.0000001, 0])])
    assert scores.max() <= 1.0


def test_rankings_by_hand() -> None:
    #            dev   ops
    scores = np.array([[0.2, 0.9],   # ann
                       [0.5, 0.1],   # bob
                       [0.7, 0.3]])  # cy
    table = rankings(scores, ["ann", "bob", "cy"], ["dev", "ops"])
    assert list(table.columns) == ["job", "resume", "score", "rank", "job_rank"]
    assert table[["job", "resume", "rank"]].values.tolist() == [
        ["dev", "cy", 1], ["dev", "bob", 2], ["dev", "ann", 3],
        ["ops", "ann", 1], ["ops", "cy", 2], ["ops", "bob", 3]]
    job_rank = {(r.resume, r.job): r.job_rank for r in table.itertuples()}
    assert job_rank == {("ann", "ops"): 1, ("ann", "dev"): 2, ("bob", "dev"): 1,
                        ("bob", "ops"): 2, ("cy", "dev"): 1, ("cy", "ops"): 2}
    assert table.loc[0, "score"] == pytest.approx(0.7)


def test_ties_keep_input_order() -> None:
    scores = np.array([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1]])
    table = rankings(scores, ["a", "b", "c"], ["dev", "ops"])
    assert table[table.job == "dev"].resume.tolist() == ["c", "a", "b"]
    assert table[table.job == "ops"].resume.tolist() == ["a", "b", "c"]
    assert table[table.job == "dev"]["rank"].tolist() == [1, 2, 3]
    assert jobs_for_candidate(table, "a").job.tolist() == ["dev", "ops"]


def test_jobs_stay_in_input_order_not_alphabetical() -> None:
    table = rankings(np.array([[0.1, 0.2]]), ["ann"], ["zeta", "alpha"])
    assert table.job.tolist() == ["zeta", "alpha"]


def test_every_pair_gets_one_row_and_each_job_one_rank_1() -> None:
    rng = np.random.default_rng(1)
    table = rankings(rng.uniform(size=(7, 3)), [f"r{i}" for i in range(7)], ["a", "b", "c"])
    assert len(table) == 21
    assert (table.groupby("job")["rank"].apply(sorted) == [list(range(1, 8))] * 3).all()
    assert (table.groupby("resume")["job_rank"].min() == 1).all()


def test_empty_inputs_give_an_empty_table_with_the_columns() -> None:
    table = rankings(np.zeros((0, 2)), [], ["a", "b"])
    assert table.empty
    assert list(table.columns) == ["job", "resume", "score", "rank", "job_rank"]


def test_views_of_the_table() -> None:
    scores = np.array([[0.2, 0.9], [0.5, 0.1]])
    table = rankings(scores, ["ann", "bob"], ["dev", "ops"])
    assert candidates_for_job(table, "ops").resume.tolist() == ["ann", "bob"]
    assert jobs_for_candidate(table, "bob").job.tolist() == ["dev", "ops"]
    frame = matrix_frame(scores, ["ann", "bob"], ["dev", "ops"])
    pd.testing.assert_frame_equal(
        frame, pd.DataFrame([[0.2, 0.9], [0.5, 0.1]], index=["ann", "bob"],
                            columns=["dev", "ops"]))


def test_explanation_picks_the_passages_that_match_each_other() -> None:
    resume_text = ("Managed a busy retail store with sixty staff.\n"
                   "- Built spark pipelines with airflow and kafka.\n"
                   "- Coached associates on customer service.")
    job_text = ("We want spark pipelines with airflow and kafka.\n"
                "Benefits include dental, vision and a 401(k) plan.")
    encoder = WordEncoder()
    resume, job = Embedder(encoder).embed([Document("omar", resume_text),
                                           Document("de", job_text)])
    found = explain_pair(resume, job, encoder, top=2)
    assert found.score == pytest.approx(float(resume.vector @ job.vector))
    assert len(found.resume_passages) == 2 and len(found.job_passages) == 2
    best = found.resume_passages[0]
    assert best.text == "- Built spark pipelines with airflow and kafka."
    assert resume_text[best.start:best.end] == best.text
    assert best.counterpart == "We want spark pipelines with airflow and kafka."
    assert found.job_passages[0].counterpart == best.text
    assert best.score >= found.resume_passages[1].score


def test_real_explanation_points_at_the_data_section_of_a_career_changer(base_encoder,
                                                                          ) -> None:
    resumes, _ = read_files([SAMPLE_RESUMES / "omar_haddad_career_changer.txt"])
    jobs, _ = read_files([SAMPLE_JOBS / "senior_data_engineer.md"])
    resume, job = Embedder(base_encoder).embed(resumes + jobs)
    found = explain_pair(resume, job, base_encoder, top=3)
    data_section = resume.doc.text.index("RECENT EXPERIENCE: DATA ENGINEERING")
    assert all(p.start >= data_section for p in found.resume_passages), \
        [p.text for p in found.resume_passages]
