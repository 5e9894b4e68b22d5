"""Score resumes against jobs, rank both ways, and explain one pair.

The score of a pair is the cosine similarity of the pooled document vectors (a dot
product: vectors are unit length), so a whole matrix is one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resumatch.embedding import DocEmbedding, Encoder
from resumatch.passages import split_passages


def score_matrix(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding]) -> np.ndarray:
    """Cosine similarity, shape (n_resumes, n_jobs)."""
    if not resumes or not jobs:
        return np.zeros((len(resumes), len(jobs)), dtype=np.float32)
    r = np.stack([e.vector for e in resumes])
    j = np.stack([e.vector for e in jobs])
    return np.clip(r @ j.T, -1.0, 1.0)


def rankings(scores: np.ndarray, resume_names: Sequence[str], job_names: Sequence[str],
             ) -> pd.DataFrame:
    """Long table, one row per pair: ``job, resume, score, rank, job_rank``.

    ``rank`` 1 is the best resume for that job; ``job_rank`` 1 the best job for that
    resume. Ties keep input order. Sorted by job, then rank.

    Example:
        >>> rankings(np.array([[0.2, 0.9], [0.5, 0.1]]), ["ann", "bob"], ["dev", "ops"])
           job resume  score  rank  job_rank
        0  dev    bob    0.5     1         1
        1  dev    ann    0.2     2         2
        2  ops    ann    0.9     1         1
        3  ops    bob    0.1     2         2
    """
    n_r, n_j = scores.shape
    if n_r == 0 or n_j == 0:
        return pd.DataFrame(columns=["job", "resume", "score", "rank", "job_rank"])
    rank = np.empty_like(scores, dtype=np.int64)
    order = np.argsort(-scores, axis=0, kind="stable")
    rank[order, np.arange(n_j)] = np.arange(1, n_r + 1)[:, None]
    job_rank = np.empty_like(scores, dtype=np.int64)
    order_j = np.argsort(-scores, axis=1, kind="stable")
    job_rank[np.arange(n_r)[:, None], order_j] = np.arange(1, n_j + 1)[None, :]
    frame = pd.DataFrame({
        "job": np.repeat(np.asarray(job_names, dtype=object), n_r),
        "resume": np.tile(np.asarray(resume_names, dtype=object), n_j),
        "score": scores.T.reshape(-1).astype(float).round(4),
        "rank": rank.T.reshape(-1),
        "job_rank": job_rank.T.reshape(-1),
    })
    job_order = {name: i for i, name in enumerate(job_names)}
    frame["_j"] = frame["job"].map(job_order)
    frame = frame.sort_values(["_j", "rank"], kind="stable").drop(columns="_j")
    return frame.reset_index(drop=True)


def candidates_for_job(table: pd.DataFrame, job: str) -> pd.DataFrame:
    """Resumes ranked for one job (rank 1 first)."""
    return table[table["job"] == job].sort_values("rank").reset_index(drop=True)


def jobs_for_candidate(table: pd.DataFrame, resume: str) -> pd.DataFrame:
    """Jobs ranked for one resume (best first)."""
    return table[table["resume"] == resume].sort_values("job_rank").reset_index(drop=True)


def matrix_frame(scores: np.ndarray, resume_names: Sequence[str], job_names: Sequence[str],
                 ) -> pd.DataFrame:
    """The wide score matrix: resumes as rows, jobs as columns."""
    return pd.DataFrame(scores, index=list(resume_names), columns=list(job_names)).round(4)


@dataclass(frozen=True)
class Passage:
    """A span of a document and how well it matches the other side."""

    text: str
    start: int
    end: int
    score: float
    counterpart: str  # the best-matching passage on the other side


@dataclass(frozen=True)
class PairExplanation:
    """Why a resume and a job score as they do: their best-matching passages."""

    score: float
    resume_passages: list[Passage]
    job_passages: list[Passage]


def explain_pair(resume: DocEmbedding, job: DocEmbedding, encoder: Encoder, top: int = 3,
                 ) -> PairExplanation:
    """The ``top`` resume and job passages (sentences/bullets) that match best.

    Passages are embedded on demand with the same encoder; each passage's score is its
    best cosine similarity to any passage of the other document.
    """
    r_spans = split_passages(resume.doc.text) or [(0, len(resume.doc.text))]
    j_spans = split_passages(job.doc.text) or [(0, len(job.doc.text))]
    r_texts = [resume.doc.text[a:b] for a, b in r_spans]
    j_texts = [job.doc.text[a:b] for a, b in j_spans]
    vectors = encoder.encode(r_texts + j_texts)
    sims = vectors[: len(r_texts)] @ vectors[len(r_texts):].T
    score = float(resume.vector @ job.vector)
    return PairExplanation(
        score=score,
        resume_passages=_top_passages(sims, r_spans, r_texts, j_texts, top),
        job_passages=_top_passages(sims.T, j_spans, j_texts, r_texts, top),
    )


def _top_passages(sims: np.ndarray, spans: list[tuple[int, int]], texts: list[str],
                  other: list[str], top: int) -> list[Passage]:
    best_other = sims.argmax(axis=1)
    best = sims.max(axis=1)
    picked = np.argsort(-best, kind="stable")[:top]
    return [Passage(texts[i], spans[i][0], spans[i][1], float(best[i]), other[best_other[i]])
            for i in picked]
