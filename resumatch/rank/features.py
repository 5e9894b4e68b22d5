"""The features the product ranks by, computed for a whole pool from cached vectors.

Six features, each a matrix of shape (n_resumes, n_jobs):

===============  ==========================================================================
``window``       best resume window against best job window (cosine); the old default
``opening``      the resume's first window (headline, summary) against the job's first
                 window: why plain truncation wins on formal occupation profiles
``title``        the job's title line against the resume's three closest passages (mean)
``passages``     the job as a whole against the resume's five closest passages (mean)
``requirements`` late interaction: each requirement of the job against every passage of
                 the resume, best passage per requirement, read against the resume's own
                 baseline (:mod:`resumatch.rank.evidence`), averaged with the marks'
                 weights (a nice-to-have counts half, an ignored one not at all)
``keywords``     BM25 of the job over the pool, z-scored per job (0 below 3 resumes)
===============  ==========================================================================

Each feature is standardised with fixed constants (``STANDARDIZATION``: mean and spread
over every dev pair of both shared data sets and all three query styles), not per pool,
so a score means the same in a pool of 2 and of 2,000, and the 0-100 fit can be
calibrated once. ``keywords`` is already a z-score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from resumatch.embed.embedding import DocEmbedding
from resumatch.rank.evidence import NO_PASSAGE, PassageSet
from resumatch.rank.matching import DEFAULT_SCORING, keyword_evidence, score_matrix

FEATURES = ("window", "opening", "title", "passages", "requirements", "keywords")
FEATURE_LABELS = {
    "window": "best-matching section",
    "opening": "resume opening (headline and summary)",
    "title": "job title",
    "passages": "closest passages",
    "requirements": "requirement evidence",
    "keywords": "keywords (BM25)",
}
# (mean, standard deviation) of each raw feature over all dev pairs of both shared data
# sets and the three query styles; refit with ``bench/quality.py --calibrate``.
STANDARDIZATION: dict[str, tuple[float, float]] = {
    "window": (0.2776, 0.1144),
    "opening": (0.2277, 0.1231),
    "title": (0.2830, 0.0981),
    "passages": (0.2830, 0.1029),
    "requirements": (0.5732, 0.7150),
}
TITLE_TOP, PASSAGES_TOP = 3, 5
_MARKDOWN = re.compile(r"^[#*_>\s-]+|[*_`]+")


def job_title(text: str, max_words: int = 12) -> str:
    """The job's title: its first non-empty line without markdown, at most
    ``max_words`` words (a role name is its own title).

    Example:
        >>> job_title("## Senior Data Engineer (Remote)\\n\\nWe build pipelines.")
        'Senior Data Engineer (Remote)'
    """
    for line in text.split("\n"):
        bare = _MARKDOWN.sub("", line).strip()
        if bare:
            return " ".join(bare.split()[:max_words])
    return ""


@dataclass
class PassageMatrix:
    """The eligible passages of a pool stacked once: vectors (P, dim), the resume each
    belongs to, and a padded (n_resumes, longest) table of row indexes (-1 = none)."""

    vectors: np.ndarray
    owner: np.ndarray
    table: np.ndarray
    positions: np.ndarray  # each row's position in its resume's PassageSet

    @classmethod
    def of(cls, sets: Sequence[PassageSet], dim: int) -> PassageMatrix:
        counts = np.array([int(s.eligible.sum()) for s in sets], dtype=np.int64)
        if counts.sum() == 0:
            return cls(np.zeros((0, dim), np.float32), np.zeros(0, np.int64),
                       np.full((len(sets), 1), -1, np.int64), np.zeros(0, np.int64))
        vectors = np.concatenate([s.vectors[s.eligible] for s in sets if s.eligible.any()])
        owner = np.repeat(np.arange(len(sets)), counts)
        positions = np.concatenate([np.flatnonzero(s.eligible) for s in sets
                                    if s.eligible.any()])
        width = max(int(counts.max()), 1)
        table = np.full((len(sets), width), -1, dtype=np.int64)
        slot = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        table[owner, slot] = np.arange(len(owner))
        return cls(vectors.astype(np.float32), owner, table, positions)

    def top_mean(self, query: np.ndarray, top: int) -> np.ndarray:
        """Mean cosine of each resume's ``top`` passages closest to ``query`` (n,);
        0 for a resume without eligible passages."""
        if not len(self.vectors):
            return np.zeros(len(self.table), dtype=np.float32)
        sims = self.vectors @ np.asarray(query, dtype=np.float32)
        padded = np.where(self.table >= 0, sims[np.maximum(self.table, 0)], -np.inf)
        k = min(top, padded.shape[1])
        best = -np.partition(-padded, k - 1, axis=1)[:, :k]
        finite = np.isfinite(best)
        return np.where(finite.any(axis=1),
                        np.where(finite, best, 0.0).sum(axis=1) / np.maximum(finite.sum(1), 1),
                        0.0).astype(np.float32)

    def best(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each query (rows) and resume: the best cosine and that passage's position
        in the resume's PassageSet (``NO_PASSAGE`` / -1 without eligible passages)."""
        n = len(self.table)
        score = np.full((len(queries), n), NO_PASSAGE, dtype=np.float32)
        where = np.full((len(queries), n), -1, dtype=np.int64)
        if not len(self.vectors) or not len(queries):
            return score, where
        sims = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        has = (self.table >= 0).any(axis=1)
        starts = self.table[has, 0]
        best = np.maximum.reduceat(sims, starts, axis=1)
        score[:, has] = best
        hit = sims >= best[:, np.searchsorted(starts, np.arange(sims.shape[1]), "right") - 1]
        rows, cols = np.nonzero(hit)
        first = np.zeros((len(queries), int(has.sum())), dtype=np.int64)
        segment = np.searchsorted(starts, cols, "right") - 1
        first[rows[::-1], segment[::-1]] = cols[::-1]
        where[:, has] = self.positions[first]
        return score, where


@dataclass
class PoolFeatures:
    """Raw feature matrices (n_resumes, n_jobs) of a pool; :meth:`standardized` puts them
    in standard units. Features that cannot be computed (no passages, no requirements)
    are absent and count as average (0) in the standardised view."""

    shape: tuple[int, int]
    raw: dict[str, np.ndarray] = field(default_factory=dict)
    # Requirements (and keywords) mean nothing for a job without them: 0 there.
    missing_jobs: dict[str, np.ndarray] = field(default_factory=dict)

    def standardized(self) -> dict[str, np.ndarray]:
        """Every feature of ``FEATURES`` in standard units (0 where absent)."""
        out = {}
        for name in FEATURES:
            values = self.raw.get(name)
            if values is None:
                out[name] = np.zeros(self.shape, dtype=np.float64)
                continue
            if name in STANDARDIZATION:
                mean, spread = STANDARDIZATION[name]
                values = (np.asarray(values, dtype=np.float64) - mean) / spread
            values = np.asarray(values, dtype=np.float64)
            skip = self.missing_jobs.get(name)
            if skip is not None and skip.any():
                values = values.copy()
                values[:, skip] = 0.0
            out[name] = values
        return out


def window_features(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                    keywords: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """``window``, ``opening`` and ``keywords`` from window vectors and text alone.

    ``keywords`` (n_resumes, n_jobs), when given, is the BM25 z-score computed elsewhere
    over the same pool (the talent pool's sparse index), used instead of computing it.
    """
    window = score_matrix(resumes, jobs, DEFAULT_SCORING)
    first_r = np.stack([e.chunk_vectors[0] for e in resumes]).astype(np.float32)
    first_j = np.stack([e.chunk_vectors[0] for e in jobs]).astype(np.float32)
    if keywords is None:
        keywords = keyword_evidence(resumes, jobs)
    return {"window": window.astype(np.float64),
            "opening": np.clip(first_r @ first_j.T, -1.0, 1.0).astype(np.float64),
            "keywords": np.asarray(keywords, dtype=np.float64)}
