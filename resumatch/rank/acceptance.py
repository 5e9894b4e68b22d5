"""Whether a faster encoder backend is acceptable, judged by what users see.

Issue 14 sets the bar, against torch fp32 on the same documents:

- nDCG@10 on the dev harness (:mod:`resumatch.rank.evaluation`, every query style) changes
  by at most ``MAX_NDCG_DELTA`` = 0.005 per style (:func:`ndcg_delta`);
- the 0-100 fit (``PoolScores.fit``) changes by at most ``MAX_FIT_MAE`` = 2 points on
  average (:func:`fit_mae`);
- the requirement evidence (met or not met, ``PoolScores.met()``) agrees on at least
  ``MIN_EVIDENCE_AGREEMENT`` = 98% of (requirement, resume) cells
  (:func:`evidence_agreement`).

Exact top-10 identity is not a criterion: in a pool of 200 resumes many candidates sit
within a few thousandths of each other, so it measures rounding noise, not harm.

``auto`` (:mod:`resumatch.embed.backends`) cannot run the dev harness (the shared data is
not shipped), so its once-per-version check applies the fit and evidence criteria to the
shipped samples (:func:`check_documents`, through :class:`ProductJudge`); the nDCG change
is measured by ``bench/throughput.py`` on the dev harness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder, Encoder
from resumatch.ingest.documents import Document, read_files
from resumatch.rank.evidence import PassageIndex
from resumatch.rank.scoring import PoolScores, score_pool

# The thresholds of issue 14 ("Judge a backend by what users see").
MAX_NDCG_DELTA = 0.005  # nDCG@10, per query style of the dev harness
MAX_FIT_MAE = 2.0  # fit points (0-100 scale), mean over (resume, job) pairs
MIN_EVIDENCE_AGREEMENT = 0.98  # share of (requirement, resume) met/not-met cells

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def fit_mae(reference: PoolScores, candidate: PoolScores) -> float:
    """Mean absolute change of the 0-100 fit between two scorings of the same pool.

    Args:
        reference: the pool scored with torch fp32; ``fit`` has shape (n_resumes, n_jobs).
        candidate: the same pool scored with the backend under test, same shape.

    Returns:
        Fit points (0 for an empty pool).

    Raises:
        ValueError: the two fits differ in shape (not the same pool).
    """
    if reference.fit.shape != candidate.fit.shape:
        raise ValueError(f"fit shapes differ: {reference.fit.shape} vs {candidate.fit.shape}")
    if not reference.fit.size:
        return 0.0
    return float(np.mean(np.abs(reference.fit.astype(np.float64) - candidate.fit)))


def evidence_agreement(reference: PoolScores, candidate: PoolScores) -> float:
    """Share of requirement evidence cells whose met/not-met verdict is the same.

    A cell is one requirement of one job in one resume: ``PoolScores.met()`` gives one
    (m_j, n_resumes) boolean matrix per job. Returns 1.0 when there is no requirement.

    Raises:
        ValueError: the two scorings do not have the same jobs, requirements and resumes.
    """
    ours, theirs = reference.met(), candidate.met()
    if len(ours) != len(theirs) or any(a.shape != b.shape for a, b in zip(ours, theirs,
                                                                          strict=False)):
        raise ValueError("the two scorings do not cover the same requirements and resumes")
    cells = sum(a.size for a in ours)
    if not cells:
        return 1.0
    return float(sum(int((a == b).sum()) for a, b in zip(ours, theirs, strict=True)) / cells)


def ndcg_delta(reference: Mapping[str, float], candidate: Mapping[str, float]) -> float:
    """The largest absolute nDCG@10 change over the tasks both runs scored.

    Args:
        reference: nDCG@10 per task (e.g. ``"livecareer/formal"``) with torch fp32.
        candidate: nDCG@10 per task with the backend under test.

    Returns:
        max |candidate - reference| over the shared tasks (0.0 when none are shared).
    """
    shared = [name for name in reference if name in candidate]
    return max((abs(candidate[n] - reference[n]) for n in shared), default=0.0)


@dataclass
class Acceptance:
    """The issue-14 figures of one backend against torch fp32, and the verdict.

    ``ndcg_delta`` is None when it was not measured (``auto``'s check has no dev data).
    """

    fit_mae: float
    evidence_agreement: float
    ndcg_delta: float | None = None

    @property
    def passed(self) -> bool:
        return (self.fit_mae <= MAX_FIT_MAE
                and self.evidence_agreement >= MIN_EVIDENCE_AGREEMENT
                and (self.ndcg_delta is None or self.ndcg_delta <= MAX_NDCG_DELTA))

    def summary(self) -> str:
        """E.g. ``fit MAE 0.41 pts, evidence agreement 99.5%``."""
        text = (f"fit MAE {self.fit_mae:.2f} pts, evidence agreement "
                f"{100 * self.evidence_agreement:.1f}%")
        if self.ndcg_delta is not None:
            text += f", nDCG@10 change {self.ndcg_delta:.4f}"
        return text


def check_documents(assets: Path = ASSETS) -> tuple[list[Document], list[Document]]:
    """The shipped check set: every sample resume and job in ``assets/``, read through
    the product's own reader (as an upload would be), so their layout (headings, bullets,
    contact blocks) is what the product sees.

    Raises:
        FileNotFoundError: ``assets`` has no sample resumes or jobs.
    """
    resumes, _ = read_files([assets / "sample_resumes"])
    jobs, _ = read_files([assets / "sample_jobs"])
    if not resumes or not jobs:
        raise FileNotFoundError(f"{assets} has no sample resumes or jobs")
    return resumes, jobs


def product_pool(encoder: Encoder, resumes: Sequence[Document],
                 jobs: Sequence[Document]) -> PoolScores:
    """The product's scoring (:func:`score_pool` with passages and requirement evidence,
    as ``pipeline.match`` does it) of a pool with ``encoder``, without any cache."""
    embedder = Embedder(encoder, None, DEFAULT_CHUNKING)
    index = PassageIndex(encoder, None, embedder)
    resume_emb = embedder.embed(list(resumes), passages=True)
    job_emb = embedder.embed(list(jobs))
    return score_pool(resume_emb, job_emb, index=index)


class ProductJudge:
    """``auto``'s acceptance test: the fit and evidence criteria on the shipped samples.

    Called as ``judge(reference_encoder, candidate_encoder)``; the reference pool (torch
    fp32) is scored once per reference encoder and reused for every candidate.

    Example:
        >>> judge = ProductJudge()  # doctest: +SKIP
        >>> judge(torch_encoder, int8_encoder).passed  # doctest: +SKIP
        True
    """

    def __init__(self, resumes: Sequence[Document] | None = None,
                 jobs: Sequence[Document] | None = None) -> None:
        # Read on first use: building a judge costs nothing until a check runs.
        self.resumes = None if resumes is None else list(resumes)
        self.jobs = None if jobs is None else list(jobs)
        self._reference: tuple[int, PoolScores] | None = None

    def __call__(self, reference: Encoder, candidate: Encoder) -> Acceptance:
        if self.resumes is None or self.jobs is None:
            self.resumes, self.jobs = check_documents()
        if self._reference is None or self._reference[0] != id(reference):
            self._reference = (id(reference), product_pool(reference, self.resumes, self.jobs))
        ours = product_pool(candidate, self.resumes, self.jobs)
        theirs = self._reference[1]
        return Acceptance(round(fit_mae(theirs, ours), 4),
                          round(evidence_agreement(theirs, ours), 5))
