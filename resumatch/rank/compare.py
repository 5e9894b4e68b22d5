"""Compare candidates requirement by requirement, and find resumes like a given one.

Each requirement of a job (see ``resumatch.ingest.requirements``) is embedded on its own; each
resume is split into passages (sentences, bullets, lines: ``resumatch.ingest.passages``) and
every passage is embedded. A requirement's evidence in a resume is the passage with the
highest cosine similarity to it. Below ``NO_EVIDENCE_BELOW`` the resume shows *no
evidence* for the requirement: the closest passage is kept for inspection, but it does
not count as a match.

Two lexical rules back the model up where it is weak, on names. A requirement that names
tools or credentials ("Apache Airflow", "AWS, GCP or Azure", "CCRN") is met by a passage
that names one of them, whatever its cosine (the model barely links "Airflow DAGs" to
"orchestrating workflows with Apache Airflow"); the best-scoring such passage is the
evidence. A short requirement that hinges on an acronym ("CCRN certification", "SHRM-CP
or PHR certification") is met *only* that way: otherwise the model happily matches any
"Certifications" heading.

Passage scoring reads the whole resume, so a skill mentioned only in the last paragraph
of a long resume (past the model's 256-token window) is found like any other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resumatch.embed.embedding import DocEmbedding, Encoder
from resumatch.exports import frame_to_csv
from resumatch.ingest.documents import Document
from resumatch.ingest.passages import split_passages, strip_list_marker
from resumatch.ingest.requirements import Requirement, extract_requirements
from resumatch.store import Store

# all-MiniLM-L6-v2 cosine between a requirement and a resume passage: clear evidence
# scores 0.5-0.8; the best passage of a resume from an unrelated field is mostly 0.2-0.4.
# Chosen for the best F1 on 439 hand-labelled cells (the 4 sample jobs x 12 sample
# resumes in assets/): F1 0.93, recall 0.96, false positives 2%; anywhere in 0.44-0.50 is
# within 0.015 of that, and cosine alone (no name rules) peaks at F1 0.78. On dev-split
# real resumes of unrelated fields (resumes_by_category, livecareer_dev) 0.3-7% of cells
# pass.
NO_EVIDENCE_BELOW = 0.48
# A nice-to-have requirement counts half as much as a required one in the overall fit.
PREFERRED_WEIGHT = 0.5
# Cache key in the store's embeddings table (its "chunking" column): passage vectors
# and spans live next to the window vectors; bump the version if splitting changes.
PASSAGES_KEY = "passages-v1"
# A requirement with at most this many content words that names an acronym is met only
# by a passage naming it (see the module docstring).
ACRONYM_REQUIREMENT_WORDS = 4

# A name: a capitalised word not opening the sentence, an acronym, camelCase, "Next.js";
# runs of them ("React Testing Library") are one name.
_NAME_WORD = re.compile(
    r"(?<![\w.])(?:[A-Z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9+#]+)*\+*#?|[a-z]+[A-Z][A-Za-z0-9]*|"
    r"[A-Za-z]+\.js)(?!\w)")
# Vendor prefixes say little alone: "Apache Spark" is named by "Spark".
_VENDORS = frozenset({"Apache", "Microsoft", "Google", "Amazon", "Oracle", "IBM", "Adobe"})
_WORD = re.compile(r"[a-z0-9][a-z0-9+#./-]*[a-z0-9+#]|[a-z0-9]")
_FILLER_WORDS = frozenset("""
a an the and or of in on with for to as at by from into including such similar e.g i.e etc
experience experienced years year strong solid good working knowledge skills skill ability
able professional hands-on practices plus current role preferred least minimum understanding
proven excellent familiarity familiar modern related degree certification certifications
certified certificate license licensed
""".split())


def content_words(text: str) -> set[str]:
    """Lowercase words of a requirement that say what it is about (fillers dropped).

    Example:
        >>> sorted(content_words("Strong SQL skills and 3+ years of Python"))
        ['3+', 'python', 'sql']
    """
    return {w for w in _WORD.findall(text.lower()) if w not in _FILLER_WORDS}


def named_terms(text: str) -> list[str]:
    """Tools, credentials and other names a requirement mentions, in order.

    Example:
        >>> named_terms("Hands-on experience with Apache Spark (PySpark or Scala)")
        ['Spark', 'PySpark', 'Scala']
        >>> named_terms("Tests with Jest or React Testing Library; Next.js")
        ['Jest', 'React Testing Library', 'Next.js']
    """
    names: list[str] = []
    run: list[str] = []
    run_end = -1
    for match in _NAME_WORD.finditer(text):
        word = match.group(0)
        opening = not text[:match.start()].strip(" (\"'*-")
        if opening and re.fullmatch(r"[A-Z][a-z]+(?:-[a-z]+)*", word):
            continue  # an ordinary word that opens the sentence ("Strong", "Hands-on")
        if word in _VENDORS:
            continue
        if run and text[run_end:match.start()] == " " and _title_word(word) \
                and _title_word(run[-1]):
            run.append(word)
        else:
            if run:
                names.append(" ".join(run))
            run = [word]
        run_end = match.end()
    if run:
        names.append(" ".join(run))
    return list(dict.fromkeys(names))


def _title_word(word: str) -> bool:
    return word.isalpha() and word[0].isupper() and word[1:].islower()


def requires_name(text: str, names: Sequence[str]) -> bool:
    """Whether a requirement is short and hinges on an acronym (met only by naming it)."""
    return len(content_words(text)) <= ACRONYM_REQUIREMENT_WORDS and \
        any(n.replace("-", "").isupper() and len(n) >= 2 for n in names)


def mentions(passage: str, name: str) -> bool:
    """Whether a passage names ``name`` (case-sensitive; "SQL" is in "PostgreSQL").

    Example:
        >>> mentions("PostgreSQL, Redis", "SQL"), mentions("HRIS records", "HR")
        (True, False)
    """
    if len(name) >= 3 and name.replace("-", "").isupper():
        return name in passage
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", passage) is not None


class PassageIndex:
    """Passage spans and vectors of documents, each document embedded once.

    Vectors are memoised in memory and, when a store is given, cached in its
    embeddings table under ``PASSAGES_KEY``, so the CLI and every app session share them.

    Example:
        >>> index = PassageIndex(encoder, store)  # doctest: +SKIP
        >>> spans, vectors = index.passages([doc])[0]  # doctest: +SKIP
    """

    def __init__(self, encoder: Encoder, store: Store | None = None) -> None:
        self.encoder = encoder
        self.store = store
        self._docs: dict[str, tuple[list[tuple[int, int]], np.ndarray]] = {}
        self._texts: dict[str, np.ndarray] = {}

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def passages(self, docs: Sequence[Document],
                 ) -> list[tuple[list[tuple[int, int]], np.ndarray]]:
        """(character spans, unit vectors) of each document's passages, in order."""
        missing = [h for h in dict.fromkeys(d.sha256 for d in docs) if h not in self._docs]
        if missing and self.store is not None:
            for sha, (vectors, spans) in self.store.get_embeddings(
                    missing, self.model_id, PASSAGES_KEY).items():
                self._docs[sha] = (list(spans), vectors)
            missing = [h for h in missing if h not in self._docs]
        if missing:
            by_hash = {d.sha256: d for d in docs}
            todo = [by_hash[h] for h in missing]
            spans_by_doc = [split_passages(d.text) or [(0, len(d.text))] for d in todo]
            texts = [d.text[a:b] for d, spans in zip(todo, spans_by_doc, strict=True)
                     for a, b in spans]
            vectors = self.encode(texts)
            items, row = [], 0
            for doc, spans in zip(todo, spans_by_doc, strict=True):
                doc_vectors = vectors[row:row + len(spans)]
                row += len(spans)
                self._docs[doc.sha256] = (spans, doc_vectors)
                items.append((doc.sha256, doc_vectors, spans))
            if self.store is not None:
                self.store.put_embeddings(self.model_id, PASSAGES_KEY, items)
        return [self._docs[d.sha256] for d in docs]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of short texts (requirements, passages); each text encoded once."""
        new = [t for t in dict.fromkeys(texts) if t not in self._texts]
        if new:
            for text, vector in zip(new, self.encoder.encode(new), strict=True):
                self._texts[text] = vector
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._texts[t] for t in texts])


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


@dataclass
class CandidateComparison:
    """One candidate against every requirement of a job."""

    name: str
    sha256: str
    evidence: list[Evidence]
    score: float | None = None  # the ranking score (pooled cosine), when known

    @property
    def matched(self) -> list[Requirement]:
        return [e.requirement for e in self.evidence if e.met]

    @property
    def missing(self) -> list[Requirement]:
        return [e.requirement for e in self.evidence if not e.met]

    @property
    def fit(self) -> float:
        """Weighted share of requirements with evidence (nice-to-have weighs half)."""
        return fit_score(self.evidence)

    @property
    def mean_score(self) -> float:
        return float(np.mean([e.score for e in self.evidence])) if self.evidence else 0.0

    @property
    def top_evidence(self) -> Evidence | None:
        """The strongest evidence for a required item (else any item), if any is met."""
        met = [e for e in self.evidence if e.met]
        required = [e for e in met if not e.requirement.preferred]
        pick = required or met
        return max(pick, key=lambda e: e.score) if pick else None

    @property
    def top_evidence_text(self) -> str:
        """``requirement — passage`` of the top evidence on one line, or empty."""
        top = self.top_evidence
        if top is None:
            return ""
        return f"{top.requirement.text} — {' '.join(top.passage.split())}"


@dataclass
class Comparison:
    """Requirements x candidates: the data behind the compare grid and its CSV."""

    job_name: str
    job_sha256: str
    requirements: list[Requirement]
    candidates: list[CandidateComparison]
    threshold: float = NO_EVIDENCE_BELOW
    model_id: str = ""
    notes: list[str] = field(default_factory=list)

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
        """Candidates best first: fit, then mean requirement score."""
        return sorted(self.candidates, key=lambda c: (-c.fit, -c.mean_score))

    def to_frame(self) -> pd.DataFrame:
        """Long format, one row per (requirement, candidate), candidates in given order.

        Columns: ``requirement, kind, candidate, score, status, evidence, fit``;
        ``evidence`` is the passage on one line, empty when there is none
        (``status`` says "no evidence" then).
        """
        rows = []
        for candidate in self.candidates:
            fit = round(candidate.fit, 4)
            for item in candidate.evidence:
                rows.append({
                    "requirement": item.requirement.text,
                    "kind": item.requirement.kind,
                    "candidate": candidate.name,
                    "score": round(item.score, 4),
                    "status": "evidence" if item.met else "no evidence",
                    # One line per cell: spreadsheets show embedded newlines badly.
                    "evidence": (" ".join(strip_list_marker(item.passage).split())
                                 if item.met else ""),
                    "fit": fit,
                })
        columns = ["requirement", "kind", "candidate", "score", "status", "evidence", "fit"]
        return pd.DataFrame(rows, columns=columns)

    def to_csv(self) -> str:
        return frame_to_csv(self.to_frame(), index=False)


def fit_score(evidence: Sequence[Evidence], preferred_weight: float = PREFERRED_WEIGHT,
              ) -> float:
    """Weighted share of requirements with evidence, 0..1.

    Example:
        >>> req, nice = Requirement("SQL"), Requirement("dbt", preferred=True)
        >>> fit_score([Evidence(req, .6, "", 0, 0, True), Evidence(nice, .2, "", 0, 0, False)])
        0.6666666666666666
    """
    weights = [preferred_weight if e.requirement.preferred else 1.0 for e in evidence]
    total = sum(weights)
    if total == 0:
        return 0.0
    return sum(w for w, e in zip(weights, evidence, strict=True) if e.met) / total


def compare_candidates(job: Document, resumes: Sequence[Document], index: PassageIndex,
                       requirements: Sequence[Requirement] | None = None,
                       threshold: float = NO_EVIDENCE_BELOW,
                       scores: Mapping[str, float] | None = None) -> Comparison:
    """Score every resume against every requirement of ``job``.

    Args:
        job: The job description.
        resumes: The candidates, in the order the grid shows them.
        index: Embeds requirements and resume passages (and caches them).
        requirements: Overrides the requirements found in the job text.
        threshold: Best-passage cosine below which a cell is "no evidence".
        scores: Optional ranking score per resume name, carried into the result.
    """
    reqs = list(requirements) if requirements is not None else extract_requirements(job.text)
    comparison = Comparison(job.name, job.sha256, reqs, [], threshold, index.model_id)
    if not reqs:
        comparison.notes.append(f"{job.name}: no requirements found in the job description")
    req_vectors = index.encode([r.text for r in reqs])
    names = [named_terms(r.text) for r in reqs]
    for resume, (spans, vectors) in zip(resumes, index.passages(resumes), strict=True):
        evidence = []
        sims = req_vectors @ vectors.T if reqs else None  # (requirements, passages)
        for row, req in enumerate(reqs):
            evidence.append(_best_evidence(req, resume.text, spans, sims[row], names[row],
                                           threshold))
        comparison.candidates.append(CandidateComparison(
            resume.name, resume.sha256, evidence,
            None if scores is None else scores.get(resume.name)))
    return comparison


def _best_evidence(req: Requirement, text: str, spans: list[tuple[int, int]],
                   sims: np.ndarray, names: list[str], threshold: float) -> Evidence:
    """The passage that best supports ``req``, and whether it counts as evidence."""
    naming = [(i, tuple(n for n in names if mentions(text[a:b], n)))
              for i, (a, b) in enumerate(spans)] if names else []
    naming = [(i, found) for i, found in naming if found]
    if naming:
        i, found = max(naming, key=lambda item: sims[item[0]])
        a, b = spans[i]
        return Evidence(req, float(sims[i]), text[a:b], a, b, True, found)
    i = int(sims.argmax())
    a, b = spans[i]
    score = float(sims[i])
    met = score >= threshold and not requires_name(req.text, names)
    return Evidence(req, score, text[a:b], a, b, met)


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
