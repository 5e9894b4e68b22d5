"""The product's ranking of a pool: features, their combination, requirement evidence,
must-have caps, "too little text", and the 0-100 fit.

``score_pool`` is the single entry point: the Match page, the CLI (``rank`` and
``compare``), the evaluation harness (method ``default``) and the talent pool all rank by
it, so a change here is measured by ``bench/quality.py``. It needs only cached vectors
(windows, passages, requirement vectors) and the documents' text (for BM25).

**The ranking score** is a weighted sum of the six standardised features of
:mod:`resumatch.rank.features` (``WEIGHTS``, summing to 6). The weights are a
regularised pairwise ranker: a logistic regression on feature differences between
right- and wrong-occupation resumes of the same query (RankNet-style, linear, L2),
restricted to non-negative weights and averaged with equal weights, fitted on every dev
query of both data sets and styles. In leave-one-style-out and grouped-by-category
cross-validation on dev this beat equal weights on every held-out part and the plain
logistic regression on most (``bench/quality.py --learn`` prints the check): the job
title against the resume's closest passages carries the most weight, the two
window-level features the least (they overlap with the others).

**Caps.** A resume that misses a must-have requirement of a job has its fit capped at
``MUST_HAVE_FIT_CAP`` for that job (a dealbreaker); one with too little text to judge
(:mod:`resumatch.rank.sufficiency`) at ``TOO_LITTLE_FIT_CAP`` for every job. The ranking
score is capped to match, so ranks follow the fit; capped resumes keep their order among
themselves.

**The fit** is ``100 / (1 + exp(-(score - FIT_CENTER) / FIT_SCALE))`` of the capped
score: a logistic regression of "same occupation" on the score over every dev pair
(short posts and formal profiles, classes balanced), so 50 means "as likely a
right-occupation match as not" (``bench/quality.py --calibrate`` refits it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from resumatch.embed.embedding import DocEmbedding
from resumatch.ingest.requirements import Requirement, extract_requirements
from resumatch.rank.evidence import (
    PassageIndex,
    PassageSet,
    evidence_strength,
    mentions,
    met_cells,
    requirement_names,
    requires_name,
)
from resumatch.rank.explain import fit_score as old_fit_score
from resumatch.rank.features import (
    FEATURES,
    PASSAGES_TOP,
    TITLE_TOP,
    PassageMatrix,
    PoolFeatures,
    job_title,
    window_features,
)
from resumatch.rank.marks import MARK_WEIGHTS, MUST, effective_marks
from resumatch.rank.matching import (
    DEFAULT_SCORING as WINDOW_SCORING,
)
from resumatch.rank.matching import (
    Scoring,
    keyword_evidence,
    ranking_scores,
    score_matrix,
)
from resumatch.rank.sufficiency import TOO_LITTLE_FIT_CAP, Sufficiency, judge_text

WEIGHTS = {"window": 0.5, "opening": 1.0, "title": 1.9, "passages": 0.5,
           "requirements": 1.0, "keywords": 1.1}
# Logistic calibration of the ranking score against "same occupation" (dev split).
FIT_CENTER = 5.02
FIT_SCALE = 2.58
SINGLE_THREAD_BELOW = 200_000  # passages in the pool
MUST_HAVE_FIT_CAP = 35.0  # a missing must-have: less likely a fit than not, whatever else
FIT_MAPPING = (f"Fit 0–100 = 100 / (1 + exp(−(s − {FIT_CENTER:g}) / {FIT_SCALE:g})), where s "
               "is the ranking score (the sum of six standardised features: best section, "
               "resume opening, job title, closest passages, requirement evidence, keywords),"
               " calibrated on labelled real resumes so that 50 is as typical of a "
               f"right-occupation match as of a wrong one. A missing must-have caps it at "
               f"{MUST_HAVE_FIT_CAP:g}; too little text to judge at {TOO_LITTLE_FIT_CAP:g}.")


def fit_from_score(score: np.ndarray | float) -> np.ndarray:
    """0-100 fit of a ranking score (see ``FIT_MAPPING``).

    Example:
        >>> float(fit_from_score(FIT_CENTER))
        50.0
    """
    z = (np.asarray(score, dtype=np.float64) - FIT_CENTER) / FIT_SCALE
    return np.round(100.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), 1)


def score_for_fit(fit: float) -> float:
    """The ranking score whose fit is ``fit`` (the inverse of :func:`fit_from_score`)."""
    return FIT_CENTER + FIT_SCALE * float(np.log(fit / (100.0 - fit)))


@dataclass
class JobEvidence:
    """One job's requirements and every resume's evidence for each, arrays of shape
    (n_requirements, n_resumes)."""

    requirements: list[Requirement]
    marks: list[str]
    score: np.ndarray  # best eligible passage cosine (NO_PASSAGE: none)
    passage: np.ndarray  # that passage's position in the resume's PassageSet (-1: none)
    strength: np.ndarray  # evidence strength (resumatch.rank.evidence)
    met: np.ndarray
    vectors: np.ndarray | None = None  # the requirements' unit vectors (m, dim)
    named: np.ndarray | None = None  # an eligible passage names the requirement (m, n)
    name_only: np.ndarray | None = None  # met only by naming (an acronym requirement) (m,)
    names: list[list[tuple[str, ...]]] = field(default_factory=list)  # [req][resume]

    @property
    def counted(self) -> np.ndarray:
        """Which requirements count (not marked "ignore"), shape (m,)."""
        return np.array([MARK_WEIGHTS[m] > 0 for m in self.marks], dtype=bool)

    @property
    def must(self) -> np.ndarray:
        return np.array([m == MUST for m in self.marks], dtype=bool)

    def coverage(self) -> np.ndarray:
        """Weighted share of counted requirements met per resume (0..1), shape (n,)."""
        weights = np.array([MARK_WEIGHTS[m] for m in self.marks], dtype=np.float64)
        if weights.sum() == 0:
            return np.zeros(self.met.shape[1])
        return (weights[:, None] * self.met).sum(axis=0) / weights.sum()

    def missing_must(self) -> np.ndarray:
        """Whether each resume misses at least one must-have, shape (n,)."""
        if not self.must.any():
            return np.zeros(self.met.shape[1], dtype=bool)
        return (~self.met[self.must]).any(axis=0)

    def summary(self, resume: int) -> str:
        """"meets 5 of 7 requirements, 2 of 3 must-haves" for one resume."""
        counted, must = self.counted, self.must
        if not counted.any():
            return ""
        met = self.met[:, resume]
        line = f"meets {int((met & counted).sum())} of {int(counted.sum())} requirements"
        if must.any():
            line += f", {int((met & must).sum())} of {int(must.sum())} must-haves"
        return line


@dataclass
class PoolScores:
    """Every score of a pool; matrices have shape (n_resumes, n_jobs).

    ``cosine`` is the best window-pair cosine (the raw similarity tables show);
    ``ranking`` what ranks order by; ``fit`` the 0-100 fit, both after the caps.
    ``features`` holds the standardised features (each one's contribution to the
    ranking score is ``WEIGHTS[name] * value``); ``evidence`` one :class:`JobEvidence`
    per job (``None`` when scored without passages); ``sufficiency`` one verdict per
    resume; ``capped`` marks pairs whose fit a missing must-have capped.
    """

    cosine: np.ndarray
    keyword: np.ndarray
    ranking: np.ndarray
    fit: np.ndarray
    features: dict[str, np.ndarray] = field(default_factory=dict)
    evidence: list[JobEvidence] | None = None
    sufficiency: list[Sufficiency] = field(default_factory=list)
    capped: np.ndarray | None = None
    raw: dict[str, np.ndarray] = field(default_factory=dict)  # features before standardising
    uncapped: np.ndarray | None = None  # the ranking score before the caps
    passage_spans: list[list[tuple[int, int]]] | None = None  # per resume, when scored so

    @property
    def too_little(self) -> np.ndarray:
        """Which resumes have too little text to judge, shape (n_resumes,)."""
        return np.array([not s.enough for s in self.sufficiency], dtype=bool)

    def met(self) -> list[np.ndarray]:
        """Per job, whether each requirement is met in each resume (m_j, n_resumes)."""
        if self.evidence is None:
            return []
        return [job.met for job in self.evidence]

    def contributions(self, resume: int, job: int) -> list[tuple[str, float]]:
        """Each feature's share of one pair's ranking score, largest first."""
        parts = [(name, WEIGHTS[name] * float(values[resume, job]))
                 for name, values in self.features.items()]
        return sorted(parts, key=lambda item: -abs(item[1]))

    def note(self, resume: int, job: int) -> str:
        """Why a fit is capped or absent, for tables and CSVs ("" when it is not)."""
        if self.sufficiency and not self.sufficiency[resume].enough:
            return self.sufficiency[resume].note
        if self.capped is not None and self.capped[resume, job] and self.evidence:
            missing = [r.text for r, m, ok in zip(self.evidence[job].requirements,
                                                  self.evidence[job].marks,
                                                  self.evidence[job].met[:, resume],
                                                  strict=True) if m == MUST and not ok]
            return "missing must-have: " + "; ".join(missing)
        return ""


def score_pool(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
               scoring: Scoring | None = None, *, index: PassageIndex | None = None,
               marks: Mapping[str, Mapping[str, str]] | None = None,
               requirements: Mapping[str, Sequence[Requirement]] | None = None,
               keywords: np.ndarray | None = None) -> PoolScores:
    """The product's scores of every resume against every job.

    Args:
        resumes: Resume embeddings; with passages (``Embedder.embed(..., passages=True)``)
            the passage features and requirement evidence are computed.
        jobs: Job embeddings (windows only).
        scoring: ``None`` for the product's ranking; a :class:`Scoring` ranks the old way
            (best windows plus a BM25 bonus), as the evaluation harness's ``old-default``.
        index: Encodes requirements and job titles and caches them; needed for the
            passage features (without it they count as average and there is no evidence).
        marks: Requirement marks per job sha256 (requirement text -> mark), as
            :func:`resumatch.rank.marks.get_marks` returns them; defaults follow wording.
        requirements: Requirements per job sha256, instead of splitting the job text.
        keywords: The BM25 z-scores (n_resumes, n_jobs) of this pool when the caller
            already has them (the talent pool's index); computed here otherwise.

    Returns:
        :class:`PoolScores`.
    """
    if scoring is not None:
        return _old_scores(resumes, jobs, scoring)
    passages = sum(len(e.passage_vectors) for e in resumes if e.passage_vectors is not None)
    # Many small matrix products: a BLAS thread pool costs more to wake than it saves
    # (30 ms against 0.3 ms per product on a busy 2-core machine); big pools keep it.
    with threadpool_limits(1) if passages < SINGLE_THREAD_BELOW else nullcontext():
        return _score_pool(resumes, jobs, index, marks or {}, requirements or {}, keywords)


def _score_pool(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                index: PassageIndex | None, marks: Mapping[str, Mapping[str, str]],
                requirements: Mapping[str, Sequence[Requirement]],
                keywords: np.ndarray | None = None) -> PoolScores:
    n, m = len(resumes), len(jobs)
    sufficiency = [judge_text(e.doc.text) for e in resumes]
    if n == 0 or m == 0:
        empty = np.zeros((n, m))
        return PoolScores(empty, empty, empty, empty, sufficiency=sufficiency,
                          capped=np.zeros((n, m), bool))
    features = PoolFeatures((n, m), window_features(resumes, jobs, keywords))
    evidence = None
    with_passages = index is not None and all(e.passage_vectors is not None for e in resumes)
    if with_passages:
        sets = [index.remember(e) for e in resumes]
        evidence = _passage_features(resumes, jobs, sets, index, features, marks,
                                     requirements)
    standard = features.standardized()
    total = sum(WEIGHTS[name] * standard[name] for name in FEATURES)
    capped = np.zeros((n, m), dtype=bool)
    if evidence is not None:
        pair = total / sum(WEIGHTS.values())  # the match as a whole, in standard units
        for j, job in enumerate(evidence):
            _decide(job, pair[:, j], resumes, sets)
            capped[:, j] = job.missing_must()
    ranking = total.copy()
    ranking = _cap(ranking, capped, score_for_fit(MUST_HAVE_FIT_CAP))
    too_little = np.array([not s.enough for s in sufficiency], dtype=bool)
    ranking = _cap(ranking, np.repeat(too_little[:, None], m, axis=1),
                   score_for_fit(TOO_LITTLE_FIT_CAP))
    cosine = features.raw["window"]
    return PoolScores(cosine, features.raw["keywords"], ranking, fit_from_score(ranking),
                      standard, evidence, sufficiency, capped, dict(features.raw), total,
                      [s.spans for s in sets] if evidence is not None else None)


def _cap(score: np.ndarray, where: np.ndarray, ceiling: float) -> np.ndarray:
    """Scores above ``ceiling`` where ``where``: squeezed just under it, order kept."""
    above = where & (score > ceiling)
    out = score.copy()
    out[above] = ceiling - 0.5 * np.exp(-(score[above] - ceiling))
    return out


def _passage_features(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                      sets: list[PassageSet], index: PassageIndex, features: PoolFeatures,
                      marks: Mapping[str, Mapping[str, str]],
                      requirements: Mapping[str, Sequence[Requirement]],
                      ) -> list[JobEvidence]:
    """Fill the passage features in ``features``; return each job's evidence (met is
    decided later, once the ranking score is known)."""
    n, m = len(resumes), len(jobs)
    dim = int(resumes[0].passage_vectors.shape[1]) if len(resumes[0].passage_vectors) \
        else int(jobs[0].chunk_vectors.shape[1])
    matrix = index.pool_memo(("passage-matrix", tuple(e.doc.sha256 for e in resumes), dim),
                             lambda: PassageMatrix.of(sets, dim))
    titles = index.encode([job_title(j.doc.text) or j.doc.name for j in jobs])
    title = np.zeros((n, m))
    passages = np.zeros((n, m))
    requirement_feature = np.zeros((n, m))
    no_requirements = np.zeros(m, dtype=bool)
    baselines = index.baselines([e.doc for e in resumes], sets)
    found: list[JobEvidence] = []
    for j, job in enumerate(jobs):
        title[:, j] = matrix.top_mean(titles[j], TITLE_TOP)
        passages[:, j] = matrix.top_mean(job.vector, PASSAGES_TOP)
        reqs = list(requirements.get(job.doc.sha256) or extract_requirements(job.doc.text))
        job_marks = effective_marks(reqs, marks.get(job.doc.sha256))
        vectors = index.encode([r.text for r in reqs])
        score, where = matrix.best(vectors)
        strength = evidence_strength(score, baselines) if reqs else np.zeros((0, n))
        weights = np.array([MARK_WEIGHTS[k] for k in job_marks], dtype=np.float64)
        if reqs and weights.sum() > 0:
            requirement_feature[:, j] = (weights[:, None] * strength).sum(axis=0) \
                / weights.sum()
        else:
            no_requirements[j] = True
        found.append(JobEvidence(reqs, job_marks, score, where, strength,
                                 np.zeros((len(reqs), n), dtype=bool), vectors))
    features.raw["title"] = title
    features.raw["passages"] = passages
    features.raw["requirements"] = requirement_feature
    features.missing_jobs["requirements"] = no_requirements
    return found


def _decide(job: JobEvidence, pair: np.ndarray, resumes: Sequence[DocEmbedding],
            sets: list[PassageSet]) -> None:
    """Decide which cells of one job are met (in place), names first."""
    m, n = job.score.shape
    named = np.zeros((m, n), dtype=bool)
    name_only = np.zeros(m, dtype=bool)
    job.names = [[() for _ in range(n)] for _ in range(m)]
    for q, requirement in enumerate(job.requirements):
        names = requirement_names(requirement.text)
        name_only[q] = requires_name(requirement.text, names)
        if not names:
            continue
        lowered = [n.lower() for n in names]
        for r, (embedding, passages) in enumerate(zip(resumes, sets, strict=True)):
            text = embedding.doc.text
            if not any(name in text.lower() for name in lowered):
                continue
            best, best_score, best_found = -1, -np.inf, ()
            for position in np.flatnonzero(passages.eligible):
                a, b = passages.spans[position]
                hits = tuple(name for name in names if mentions(text[a:b], name))
                if hits:
                    cosine = float(passages.vectors[position] @ job.vectors[q])
                    if cosine > best_score:
                        best, best_score, best_found = position, cosine, hits
            if best >= 0:
                named[q, r] = True
                job.names[q][r] = best_found
                job.passage[q, r] = best
                job.score[q, r] = max(best_score, float(job.score[q, r]))
    job.named, job.name_only = named, name_only
    job.met = met_cells(job.score, job.strength, pair, named, name_only)


def _old_scores(resumes: Sequence[DocEmbedding], jobs: Sequence[DocEmbedding],
                scoring: Scoring) -> PoolScores:
    """The ranking before issue 11: best window pair plus a BM25 bonus, and its fit."""
    cosine = score_matrix(resumes, jobs, scoring)
    keyword = keyword_evidence(resumes, jobs)
    ranking = ranking_scores(cosine, keyword, scoring)
    return PoolScores(cosine, keyword, ranking, old_fit_score(ranking))


OLD_SCORING = WINDOW_SCORING
