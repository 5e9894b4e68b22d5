"""Score resumes against jobs, rank both ways, and explain one pair.

The score of a pair is a cosine similarity computed over chunks: every resume window is
compared with every job window, each resume window keeps its best job window, and the
pair scores the mean of the resume's ``top_k`` best windows (default 1: the best window
pair). A long resume is judged by its most relevant part instead of by an average that
washes it out (mean pooling). The ranking adds keyword evidence: BM25 of the job over
the pool, z-scored per job, times a small weight (``Scoring.keyword_weight``, in cosine
units). Both were chosen on the dev split of the shared evaluation data (see
``bench/quality.py``; top-2/top-3 windows, mean/max pooling and 128-token windows all
scored lower there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resumatch.embed.embedding import DocEmbedding, Encoder
from resumatch.ingest.passages import split_passages
from resumatch.rank.keywords import MIN_POOL_FOR_KEYWORDS, keyword_matrix


@dataclass(frozen=True)
class Scoring:
    """How a pair score is computed from chunk vectors and keywords.

    ``top_k`` 0 scores the pooled document vectors (the embedder's pooling) instead of
    chunks; ``keyword_weight`` 0 ranks by the cosine alone.

    Example:
        >>> Scoring(top_k=0, keyword_weight=0.0).key
        'pooled'
    """

    top_k: int = 1
    keyword_weight: float = 0.05

    @property
    def key(self) -> str:
        base = f"top{self.top_k}" if self.top_k else "pooled"
        return base + (f"+bm25x{self.keyword_weight:g}" if self.keyword_weight else "")


DEFAULT_SCORING = Scoring()


def score_matrix(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                 scoring: Scoring = DEFAULT_SCORING) -> np.ndarray:
    """Cosine similarity, shape (n_resumes, n_jobs): over chunks (``scoring.top_k``) or
    of the pooled document vectors (``top_k=0``)."""
    if not resumes or not jobs:
        return np.zeros((len(resumes), len(jobs)), dtype=np.float32)
    if scoring.top_k <= 0:
        r = np.stack([e.vector for e in resumes])
        j = np.stack([e.vector for e in jobs])
        return np.clip(r @ j.T, -1.0, 1.0)
    return np.clip(_chunk_scores(resumes, jobs, scoring.top_k), -1.0, 1.0)


def _chunk_scores(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding], top_k: int,
                  ) -> np.ndarray:
    """Mean of each resume's ``top_k`` windows, each scored against its best job window."""
    r_counts = np.array([len(e.chunk_vectors) for e in resumes])
    j_counts = np.array([len(e.chunk_vectors) for e in jobs])
    r_chunks = np.concatenate([e.chunk_vectors for e in resumes]).astype(np.float32)
    j_chunks = np.concatenate([e.chunk_vectors for e in jobs]).astype(np.float32)
    sims = r_chunks @ j_chunks.T
    # Each resume window against its best window of each job: (resume windows, jobs).
    best = np.maximum.reduceat(sims, np.concatenate([[0], np.cumsum(j_counts)[:-1]]), axis=1)
    # Pad windows per resume with -inf, sort, and average the top_k that exist.
    width = int(r_counts.max())
    padded = np.full((len(resumes), width, len(jobs)), -np.inf, dtype=np.float32)
    owner = np.repeat(np.arange(len(resumes)), r_counts)
    slot = np.arange(len(r_chunks)) - np.repeat(np.cumsum(r_counts) - r_counts, r_counts)
    padded[owner, slot] = best
    top = -np.sort(-padded, axis=1)[:, :top_k]
    used = np.minimum(r_counts, top_k)[:, None]
    return np.where(np.isfinite(top), top, 0.0).sum(axis=1) / used


def covered_text(embedding: DocEmbedding) -> str:
    """The part of a document its chunks cover: all of it, or the first window when the
    chunking truncates. Keyword evidence reads the same text the model read."""
    if not embedding.spans:
        return embedding.doc.text
    return embedding.doc.text[embedding.spans[0][0]:embedding.spans[-1][1]]


def keyword_evidence(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                     ) -> np.ndarray:
    """BM25 of each job over the resume pool, z-scored per job, shape (n_resumes, n_jobs).

    0 everywhere when the pool has fewer than ``MIN_POOL_FOR_KEYWORDS`` resumes (IDF and a
    standard deviation mean nothing over one or two documents) or a job's scores are flat.
    """
    out = np.zeros((len(resumes), len(jobs)), dtype=np.float64)
    if len(resumes) < MIN_POOL_FOR_KEYWORDS or not jobs:
        return out
    raw = keyword_matrix([covered_text(e) for e in resumes], [covered_text(e) for e in jobs])
    spread = raw.std(axis=0)
    varies = spread > 1e-9
    out[:, varies] = (raw[:, varies] - raw[:, varies].mean(axis=0)) / spread[varies]
    return out


def ranking_scores(cosine: np.ndarray, keyword_z: np.ndarray,
                   scoring: Scoring = DEFAULT_SCORING) -> np.ndarray:
    """What the product ranks by: the cosine plus ``keyword_weight`` per standard
    deviation of keyword evidence (so it stays in cosine units)."""
    return cosine + scoring.keyword_weight * keyword_z


def rankings(scores: np.ndarray, resume_names: Sequence[str], job_names: Sequence[str],
             rank_by: np.ndarray | None = None,
             extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Long table, one row per pair: ``job, resume, score, rank, job_rank`` and then one
    column per ``extra`` matrix (e.g. ``fit``).

    ``rank`` 1 is the best resume for that job; ``job_rank`` 1 the best job for that
    resume, ordered by ``rank_by`` when given (the product's ranking score) and by
    ``scores`` otherwise. Ties keep input order. Sorted by job, then rank.

    Example:
        >>> rankings(np.array([[0.2, 0.9], [0.5, 0.1]]), ["ann", "bob"], ["dev", "ops"])
           job resume  score  rank  job_rank
        0  dev    bob    0.5     1         1
        1  dev    ann    0.2     2         2
        2  ops    ann    0.9     1         1
        3  ops    bob    0.1     2         2
    """
    n_r, n_j = scores.shape
    extra = extra or {}
    if n_r == 0 or n_j == 0:
        return pd.DataFrame(columns=["job", "resume", "score", "rank", "job_rank", *extra])
    order_by = scores if rank_by is None else rank_by
    rank = np.empty_like(order_by, dtype=np.int64)
    order = np.argsort(-order_by, axis=0, kind="stable")
    rank[order, np.arange(n_j)] = np.arange(1, n_r + 1)[:, None]
    job_rank = np.empty_like(order_by, dtype=np.int64)
    order_j = np.argsort(-order_by, axis=1, kind="stable")
    job_rank[np.arange(n_r)[:, None], order_j] = np.arange(1, n_j + 1)[None, :]
    # Rows already in output order (job by job, best resume first): gather, don't sort.
    resume_index = order.T.reshape(-1)
    job_index = np.repeat(np.arange(n_j), n_r)
    return pd.DataFrame({
        "job": np.asarray(job_names, dtype=object)[job_index],
        "resume": np.asarray(resume_names, dtype=object)[resume_index],
        "score": scores[resume_index, job_index].astype(float).round(4),
        "rank": rank[resume_index, job_index],
        "job_rank": job_rank[resume_index, job_index],
        **{name: np.asarray(values)[resume_index, job_index] for name, values in extra.items()},
    })


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
        resume_passages=top_passages(sims, r_spans, r_texts, j_texts, top),
        job_passages=top_passages(sims.T, j_spans, j_texts, r_texts, top),
    )


def top_passages(sims: np.ndarray, spans: list[tuple[int, int]], texts: list[str],
                 other: list[str], top: int) -> list[Passage]:
    """The ``top`` rows of ``sims`` by their best similarity, as passages with the
    best-matching text of the other side."""
    best_other = sims.argmax(axis=1)
    best = sims.max(axis=1)
    picked = np.argsort(-best, kind="stable")[:top]
    return [Passage(texts[i], spans[i][0], spans[i][1], float(best[i]), other[best_other[i]])
            for i in picked]
