"""Compare candidates requirement by requirement, and find resumes like a given one.

A comparison is the product's own scoring (:func:`resumatch.rank.scoring.score_pool`) of
the chosen resumes for one job, seen requirement by requirement: for every requirement
(:mod:`resumatch.ingest.requirements`) and candidate, the passage that supports it best
and whether it is met (:mod:`resumatch.rank.evidence` explains the rule: headings never
count, a passage must stand out from the candidate's own baseline and from unrelated
resumes, more clearly for a resume that does not match the job as a whole; naming a
tool or credential counts, and an acronym requirement is met only by naming it). The
candidates' fit is the same 0-100 number as on the ranked lists, with the same must-have
caps, so the grid and the ranking never disagree.

Each requirement carries a mark (:mod:`resumatch.rank.marks`): must-have, required,
nice-to-have or ignore; defaults follow the job's wording and a recruiter's marks are
kept per job in the store.

Passage scoring reads the whole resume, so a skill mentioned only in the last paragraph
of a long resume (past the model's 256-token window) is found like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resumatch.embed.embedding import PASSAGES_KEY, DocEmbedding
from resumatch.exports import frame_to_csv
from resumatch.ingest.documents import Document
from resumatch.ingest.passages import display_passage
from resumatch.ingest.requirements import Requirement, extract_requirements
from resumatch.rank.evidence import (
    ACRONYM_REQUIREMENT_WORDS,
    PassageIndex,
    content_words,
    mentions,
    named_terms,
    requires_name,
)
from resumatch.rank.marks import MARK_LABELS, MARK_WEIGHTS, MUST, NICE, REQUIRED
from resumatch.rank.scoring import PoolScores, score_pool

# The rule before issue 11: best-passage cosine at least this is evidence. Kept for
# ``--threshold`` (a fixed cosine instead of the calibrated rule) and for comparisons.
NO_EVIDENCE_BELOW = 0.48
# A nice-to-have requirement counts half as much as a required one in the coverage.
PREFERRED_WEIGHT = MARK_WEIGHTS[NICE]

__all__ = [
    "ACRONYM_REQUIREMENT_WORDS", "NO_EVIDENCE_BELOW", "PASSAGES_KEY", "CandidateComparison",
    "Comparison", "Evidence", "PassageIndex", "SimilarResume", "compare_candidates",
    "content_words", "fit_score", "mentions", "named_terms", "requires_name",
    "similar_resumes",
]


@dataclass(frozen=True)
class Evidence:
    """A candidate's best-matching passage for one requirement."""

    requirement: Requirement
    score: float  # cosine of the requirement and the passage
    passage: str
    start: int
    end: int
    met: bool
    names: tuple[str, ...] = ()  # the requirement's names this passage mentions
    mark: str = REQUIRED
    strength: float = 0.0  # evidence strength (resumatch.rank.evidence)

    @property
    def counted(self) -> bool:
        return MARK_WEIGHTS.get(self.mark, 1.0) > 0


@dataclass
class CandidateComparison:
    """One candidate against every requirement of a job."""

    name: str
    sha256: str
    evidence: list[Evidence]
    score: float | None = None  # the window cosine shown in the ranked tables, when known
    fit: float = 0.0  # the 0-100 fit, the same number as the ranked lists (with caps)
    summary: str = ""  # "meets 5 of 7 requirements, 2 of 3 must-haves"
    note: str = ""  # too little text to judge / missing must-have

    @property
    def matched(self) -> list[Requirement]:
        return [e.requirement for e in self.evidence if e.met and e.counted]

    @property
    def missing(self) -> list[Requirement]:
        return [e.requirement for e in self.evidence if not e.met and e.counted]

    @property
    def coverage(self) -> float:
        """Weighted share of requirements with evidence, 0..1 (see :func:`fit_score`)."""
        return fit_score(self.evidence)

    @property
    def missing_must(self) -> list[Requirement]:
        return [e.requirement for e in self.evidence if e.mark == MUST and not e.met]

    @property
    def mean_score(self) -> float:
        return float(np.mean([e.score for e in self.evidence])) if self.evidence else 0.0

    @property
    def top_evidence(self) -> Evidence | None:
        """The strongest evidence for a required item (else any item), if any is met."""
        met = [e for e in self.evidence if e.met and e.counted]
        required = [e for e in met if e.mark != NICE]
        pick = required or met
        return max(pick, key=lambda e: e.strength) if pick else None

    @property
    def top_evidence_text(self) -> str:
        """``requirement — passage`` of the top evidence on one line, or empty."""
        top = self.top_evidence
        if top is None:
            return ""
        return f"{top.requirement.text} — {display_passage(top.passage)}"


@dataclass
class Comparison:
    """Requirements x candidates: the data behind the compare grid and its CSV."""

    job_name: str
    job_sha256: str
    requirements: list[Requirement]
    candidates: list[CandidateComparison]
    threshold: float | None = None  # a fixed cosine rule instead of the calibrated one
    model_id: str = ""
    notes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)

    def scores(self) -> np.ndarray:
        """Best passage cosine, shape (n_requirements, n_candidates)."""
        if not self.candidates:
            return np.zeros((len(self.requirements), 0), dtype=np.float32)
        return np.array([[e.score for e in c.evidence] for c in self.candidates],
                        dtype=np.float32).reshape(len(self.candidates), -1).T

    def met(self) -> np.ndarray:
        """Whether each cell has evidence, shape (n_requirements, n_candidates)."""
        if not self.candidates:
            return np.zeros((len(self.requirements), 0), dtype=bool)
        return np.array([[e.met for e in c.evidence] for c in self.candidates],
                        dtype=bool).reshape(len(self.candidates), -1).T

    def candidate(self, name: str) -> CandidateComparison:
        for candidate in self.candidates:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def by_fit(self) -> list[CandidateComparison]:
        """Candidates best first: fit, then coverage, then mean requirement score."""
        return sorted(self.candidates, key=lambda c: (-c.fit, -c.coverage, -c.mean_score))

    def to_frame(self) -> pd.DataFrame:
        """Long format, one row per (requirement, candidate), candidates in given order.

        Columns: ``requirement, kind, candidate, score, status, evidence, fit`` and then
        ``mark`` (must-have, required, nice-to-have, ignore), ``coverage`` (weighted share
        of requirements met, 0..1), ``requirements`` ("meets 5 of 7 requirements, 2 of 3
        must-haves") and ``note`` (too little text to judge, missing must-haves).
        ``score`` is the best passage's cosine; ``evidence`` that passage on one line,
        empty when there is none (``status`` says "no evidence" then); ``fit`` the
        candidate's 0-100 fit for the job, the same number as ``matches.csv``.
        """
        rows = []
        for candidate in self.candidates:
            coverage = round(candidate.coverage, 4)
            for item in candidate.evidence:
                rows.append({
                    "requirement": item.requirement.text,
                    "kind": item.requirement.kind,
                    "candidate": candidate.name,
                    "score": round(item.score, 4),
                    "status": "evidence" if item.met else "no evidence",
                    "evidence": display_passage(item.passage) if item.met else "",
                    "fit": round(candidate.fit, 1),
                    "mark": MARK_LABELS.get(item.mark, item.mark),
                    "coverage": coverage,
                    "requirements": candidate.summary,
                    "note": candidate.note,
                })
        columns = ["requirement", "kind", "candidate", "score", "status", "evidence", "fit",
                   "mark", "coverage", "requirements", "note"]
        return pd.DataFrame(rows, columns=columns)

    def to_csv(self) -> str:
        return frame_to_csv(self.to_frame(), index=False)


def fit_score(evidence: Sequence[Evidence], preferred_weight: float = PREFERRED_WEIGHT,
              ) -> float:
    """Coverage: the weighted share of requirements with evidence, 0..1. A nice-to-have
    counts ``preferred_weight``, an ignored requirement nothing.

    Example:
        >>> req, nice = Requirement("SQL"), Requirement("dbt", preferred=True)
        >>> fit_score([Evidence(req, .6, "", 0, 0, True), Evidence(nice, .2, "", 0, 0, False)])
        0.6666666666666666
    """
    weights = [0.0 if not e.counted else
               preferred_weight if (e.mark == NICE or (e.mark == REQUIRED
                                                       and e.requirement.preferred))
               else 1.0 for e in evidence]
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w for w, e in zip(weights, evidence, strict=True) if e.met) / total


def compare_candidates(job: Document, resumes: Sequence[Document], index: PassageIndex,
                       requirements: Sequence[Requirement] | None = None,
                       threshold: float | None = None,
                       scores: Mapping[str, float] | None = None,
                       marks: Mapping[str, str] | None = None,
                       pool: PoolScores | None = None) -> Comparison:
    """Score every resume against every requirement of ``job``.

    Args:
        job: The job description.
        resumes: The candidates, in the order the grid shows them.
        index: Embeds resumes (windows and passages) and requirements, through the cache.
        requirements: Overrides the requirements found in the job text.
        threshold: A fixed best-passage cosine for "met" instead of the calibrated rule
            (the rule before issue 11 used 0.48); name rules still apply.
        scores: Optional ranking score per resume name, carried into the result.
        marks: The recruiter's marks for this job (requirement text -> mark).
        pool: The job's scores when already computed for exactly these resumes.
    """
    reqs = list(requirements) if requirements is not None else extract_requirements(job.text)
    if pool is None:
        resume_embeddings = index.embeddings(resumes)
        job_embedding = index.embedder.embed([job])
        pool = score_pool(resume_embeddings, job_embedding, index=index,
                          marks={job.sha256: marks or {}}, requirements={job.sha256: reqs})
    return comparison_from_pool(job, resumes, pool, 0, index.model_id, threshold, scores)


def comparison_from_pool(job: Document, resumes: Sequence[Document], pool: PoolScores,
                         column: int, model_id: str = "", threshold: float | None = None,
                         scores: Mapping[str, float] | None = None,
                         rows: Sequence[int] | None = None) -> Comparison:
    """A :class:`Comparison` read from a scored pool (``column``: the job's index;
    ``rows``: each resume's row in the pool, when they are a subset of it)."""
    evidence = pool.evidence[column] if pool.evidence is not None else None
    reqs = evidence.requirements if evidence is not None else []
    comparison = Comparison(job.name, job.sha256, list(reqs), [], threshold, model_id,
                            marks=list(evidence.marks) if evidence is not None else [])
    if not reqs:
        comparison.notes.append(f"{job.name}: no requirements found in the job description")
    for position, resume in enumerate(resumes):
        r = position if rows is None else rows[position]
        items = []
        for q, requirement in enumerate(reqs):
            position = int(evidence.passage[q, r])
            a, b = (0, 0)
            if position >= 0 and pool.passage_spans is not None:
                a, b = pool.passage_spans[r][position]
            met = bool(evidence.met[q, r])
            names = evidence.names[q][r] if evidence.names else ()
            if threshold is not None:
                name_only = bool(evidence.name_only[q]) if evidence.name_only is not None \
                    else False
                met = bool(names) or (not name_only and evidence.score[q, r] >= threshold)
            items.append(Evidence(requirement, float(max(evidence.score[q, r], 0.0)),
                                  resume.text[a:b], a, b, met, tuple(names),
                                  evidence.marks[q], float(evidence.strength[q, r])))
        fit = float(pool.fit[r, column])
        summary = evidence.summary(r) if evidence is not None else ""
        if threshold is not None and evidence is not None:
            counted = [i for i in items if i.counted]
            summary = (f"meets {sum(i.met for i in counted)} of {len(counted)} "
                       "requirements")
        comparison.candidates.append(CandidateComparison(
            resume.name, resume.sha256, items,
            None if scores is None else scores.get(resume.name), fit, summary,
            pool.note(r, column)))
    return comparison


@dataclass(frozen=True)
class SimilarResume:
    """A resume like the one asked about, with its cosine similarity."""

    name: str
    score: float


def similar_resumes(target: DocEmbedding, pool: Sequence[DocEmbedding], top: int = 5,
                    ) -> list[SimilarResume]:
    """The ``top`` resumes of ``pool`` closest to ``target`` (itself and copies excluded).

    Uses the pooled document vectors of the Embedder, so long resumes are compared on
    their whole text with the same chunking as the ranking.
    """
    others = [e for e in pool if e.doc.sha256 != target.doc.sha256]
    if not others or top <= 0:
        return []
    sims = np.clip(np.stack([e.vector for e in others]) @ target.vector, -1.0, 1.0)
    order = np.argsort(-sims, kind="stable")[:top]
    return [SimilarResume(others[i].doc.name, float(sims[i])) for i in order]
