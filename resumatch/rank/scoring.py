"""The product's ranking of a pool: chunk cosine, keyword evidence, their blend, the fit.

``score_pool`` is what the Match page, the CLI and the evaluation harness (as method
``default``) all rank by, so a change here is measured by ``bench/quality.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from resumatch.embed.embedding import DocEmbedding
from resumatch.rank.explain import fit_score
from resumatch.rank.matching import (
    DEFAULT_SCORING,
    Scoring,
    keyword_evidence,
    ranking_scores,
    score_matrix,
)


@dataclass
class PoolScores:
    """Every score of a pool, shape (n_resumes, n_jobs) each."""

    cosine: np.ndarray
    keyword: np.ndarray
    ranking: np.ndarray
    fit: np.ndarray


def score_pool(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
               scoring: Scoring = DEFAULT_SCORING) -> PoolScores:
    """The product's scores: chunk-level cosine, keyword evidence, the ranking score that
    blends them, and the 0-100 fit. The evaluation harness calls this as ``default``."""
    cosine = score_matrix(resumes, jobs, scoring)
    keyword = keyword_evidence(resumes, jobs)
    ranking = ranking_scores(cosine, keyword, scoring)
    return PoolScores(cosine, keyword, ranking, fit_score(ranking))
