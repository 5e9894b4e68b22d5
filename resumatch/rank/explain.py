"""Explanations a recruiter can check: matched and missing terms, a one-line summary,
the passages that drove the score, and a 0-100 fit score.

Terms come from the job description (skills vocabulary + noun phrases, see
:mod:`resumatch.rank.keywords`). A term is *matched* when the resume names it (any spelling
of a vocabulary skill, plurals folded) or when a resume phrase is close to it in
embedding space (``SYNONYM_THRESHOLD``), which catches ``JS`` for JavaScript or
``Amazon Web Services`` for AWS; MiniLM is weak on short acronyms (``ML`` vs machine
learning scores 0.37), which is why the vocabulary lists aliases too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from resumatch.embed.embedding import DocEmbedding, Encoder, Progress
from resumatch.ingest.documents import text_hash
from resumatch.ingest.passages import is_heading_line, split_passages, strip_marker
from resumatch.rank.keywords import (
    Term,
    contains_term,
    find_skills,
    job_terms,
    noun_phrases,
    strip_boilerplate,
    tokenize,
)
from resumatch.rank.matching import Passage
from resumatch.rank.matching import top_passages as best_passages
from resumatch.store import Store

# -- fit score -------------------------------------------------------------------------

# The fit of the ranking before issue 11 (best window cosine plus a keyword bonus),
# kept for the harness's ``old-default`` method: a logistic calibration against "same
# occupation" labels on the dev split, balanced classes. The product's fit is
# ``resumatch.rank.scoring.FIT_MAPPING``.
FIT_CENTER = 0.414
FIT_SCALE = 0.083
FIT_MAPPING = (f"Fit 0–100 = 100 / (1 + exp(−(s − {FIT_CENTER:g}) / {FIT_SCALE:g})), where s "
               "is the cosine plus the keyword bonus; calibrated on labelled real resumes so "
               "that 50 is as typical of a right-occupation match as of a wrong one.")


def fit_score(ranking: np.ndarray | float) -> np.ndarray:
    """0-100 fit of the old default's ranking score (see ``FIT_MAPPING``).

    Example:
        >>> float(fit_score(FIT_CENTER))
        50.0
    """
    z = (np.asarray(ranking, dtype=np.float64) - FIT_CENTER) / FIT_SCALE
    return np.round(100.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), 1)


# -- terms -----------------------------------------------------------------------------

SYNONYM_THRESHOLD = 0.65
MAX_RESUME_PHRASES = 80  # embedding every noun phrase of a long resume is too slow on CPU


@dataclass(frozen=True)
class TermMatch:
    """One term of the job and the resume's evidence for it (None: no evidence)."""

    term: str
    required: bool
    evidence: str | None = None
    similarity: float = 0.0
    how: str = ""  # "named" (verbatim or an alias) or "similar" (embedding)

    @property
    def matched(self) -> bool:
        return self.evidence is not None


PHRASE_CACHE_KEY = "phrase"  # the store's "chunking" for whole short texts (no windows)


class MemoEncoder:
    """An encoder that remembers every text it embedded, so explaining a batch of pairs
    embeds each passage and phrase once. Satisfies the ``Encoder`` protocol.

    With a ``store`` the vectors also go to the embedding cache (keyed by text hash,
    model id and ``PHRASE_CACHE_KEY``): explaining a ranking again, in a later run, loads
    no model at all.
    """

    def __init__(self, encoder: Encoder, store: Store | None = None,
                 max_size: int = 50_000) -> None:
        self.encoder = encoder
        self.store = store
        self.model_id = encoder.model_id
        self.max_size = max_size
        self._memo: dict[str, np.ndarray] = {}

    @property
    def max_tokens(self) -> int:
        return self.encoder.max_tokens

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return self.encoder.token_offsets(text)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        texts = list(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if len(self._memo) + len(missing) > self.max_size:
            self._memo.clear()
            missing = list(dict.fromkeys(texts))
        if missing and self.store is not None:
            hashes = {text_hash(t): t for t in missing}
            for sha, (vectors, _) in self.store.get_embeddings(
                    list(hashes), self.model_id, PHRASE_CACHE_KEY).items():
                self._memo[hashes[sha]] = vectors[0]
            missing = [t for t in missing if t not in self._memo]
        if missing:
            vectors = self.encoder.encode(missing, progress)
            for text, vector in zip(missing, vectors, strict=True):
                self._memo[text] = vector
            if self.store is not None:
                self.store.put_embeddings(self.model_id, PHRASE_CACHE_KEY, [
                    (text_hash(t), v[None, :], [(0, len(t))])
                    for t, v in zip(missing, vectors, strict=True)])
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])


def _display(term: Term, job_text: str) -> str:
    """The term as the job post writes it (``Apache Spark``), else its vocabulary name."""
    for spelling in (term.text, *term.aliases):
        found = re.search(rf"(?<![\w+#]){re.escape(spelling)}(?![\w+#])", job_text,
                          re.IGNORECASE)
        if found:
            return found.group(0)
    return term.text


def evidence_phrases(resume_text: str, limit: int = MAX_RESUME_PHRASES) -> list[str]:
    """Phrases of a resume that can stand as evidence: its vocabulary skills first, then
    its most frequent noun phrases."""
    skills = [s.name for s in find_skills(resume_text)]
    counts: dict[str, int] = {}
    for phrase in noun_phrases(resume_text):
        # Single words ("data", "tuned") are too vague to stand for a skill on their own.
        if len(phrase.split()) > 1 and any(ch.isalpha() for ch in phrase):
            counts[phrase] = counts.get(phrase, 0) + 1
    frequent = sorted(counts, key=lambda p: (-counts[p], -len(p.split())))
    return list(dict.fromkeys(skills + frequent))[:limit]


def match_terms(job_text: str, resume_text: str, encoder: Encoder | None = None,
                threshold: float = SYNONYM_THRESHOLD, limit: int = 20) -> list[TermMatch]:
    """Each term of the job with the resume's evidence, in the job's order of importance.

    Without an ``encoder`` only verbatim spellings and vocabulary aliases count.
    """
    clean_job = strip_boilerplate(job_text)
    terms = job_terms(clean_job, limit=limit)
    tokens = tokenize(resume_text, drop_stopwords=False)
    results: list[TermMatch | None] = []
    unresolved: list[int] = []
    for i, term in enumerate(terms):
        spelling = contains_term(tokens, term)
        if spelling is not None:
            results.append(TermMatch(_display(term, clean_job), term.required, spelling, 1.0,
                                     "named"))
        else:
            results.append(None)
            unresolved.append(i)
    if unresolved and encoder is not None:
        phrases = evidence_phrases(resume_text)
        if phrases:
            sims = encoder.encode([terms[i].text for i in unresolved]) @ \
                encoder.encode(phrases).T
            for row, i in enumerate(unresolved):
                best = int(np.argmax(sims[row]))
                if sims[row, best] >= threshold:
                    results[i] = TermMatch(_display(terms[i], clean_job), terms[i].required,
                                           phrases[best], float(sims[row, best]), "similar")
    return [r if r is not None else TermMatch(_display(terms[i], clean_job), terms[i].required)
            for i, r in enumerate(results)]


def summary_line(terms: Sequence[TermMatch], most: int = 3) -> str:
    """"Strong on X, Y; no evidence of Z." from matched and missing terms (required
    missing terms are named before optional ones).

    Example:
        >>> summary_line([TermMatch("Spark", True, "spark"), TermMatch("Kafka", True)])
        'Strong on Spark; no evidence of Kafka.'
    """
    matched = [t.term for t in terms if t.matched]
    missing = [t.term for t in sorted((t for t in terms if not t.matched),
                                      key=lambda t: not t.required)]
    parts = []
    if matched:
        parts.append("strong on " + ", ".join(matched[:most]))
    if missing:
        parts.append("no evidence of " + ", ".join(missing[:most]))
    elif matched:
        parts.append("every listed term has evidence")
    if not parts:
        return "No skills or terms found in the job description to compare."
    line = "; ".join(parts) + "."
    return line[0].upper() + line[1:]


# -- the whole explanation ------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Everything the pair view and the CSV show for one resume and one job."""

    cosine: float
    fit: float
    resume_passages: list[Passage]
    job_passages: list[Passage]
    terms: list[TermMatch] = field(default_factory=list)
    summary: str = ""

    @property
    def matched(self) -> list[TermMatch]:
        return [t for t in self.terms if t.matched]

    @property
    def missing(self) -> list[TermMatch]:
        return [t for t in self.terms if not t.matched]


def top_passages(resume: DocEmbedding, job: DocEmbedding, encoder: Encoder, top: int = 3,
                 windows: int = 2) -> tuple[list[Passage], list[Passage]]:
    """The ``top`` resume and job passages (sentences, bullets) that match best.

    Only passages inside the ``windows`` chunk windows of each side that match the other
    side best are embedded: those windows are what the score is made of, and a long
    resume then costs a dozen passages instead of a hundred.
    """
    window_sims = resume.chunk_vectors @ job.chunk_vectors.T
    r_spans = _passages_in(resume, np.argsort(-window_sims.max(axis=1))[:windows])
    j_spans = _passages_in(job, np.argsort(-window_sims.max(axis=0))[:windows])
    r_texts = [resume.doc.text[a:b] for a, b in r_spans]
    j_texts = [job.doc.text[a:b] for a, b in j_spans]
    vectors = encoder.encode(r_texts + j_texts)
    sims = vectors[:len(r_texts)] @ vectors[len(r_texts):].T
    return (best_passages(sims, r_spans, r_texts, j_texts, top),
            best_passages(sims.T, j_spans, j_texts, r_texts, top))


def _passages_in(embedding: DocEmbedding, windows: np.ndarray) -> list[tuple[int, int]]:
    text = embedding.doc.text
    spans = split_passages(text) or [(0, len(text))]
    chosen = [embedding.spans[i] for i in windows] if embedding.spans else [(0, len(text))]
    inside = [(a, b) for a, b in spans if any(a < end and b > start for start, end in chosen)]
    return [without_heading(text, a, b) for a, b in inside or spans]


def without_heading(text: str, start: int, end: int) -> tuple[int, int]:
    """The span ``[start, end)`` of ``text`` without its leading heading lines ("SKILLS"),
    unless the span is nothing but headings: a heading names a section, it is not the
    passage that matches.

    Example:
        >>> text = "SKILLS\\nPython, SQL"
        >>> text[slice(*without_heading(text, 0, len(text)))]
        'Python, SQL'
    """
    while True:
        newline = text.find("\n", start, end)
        if newline < 0 or not is_heading_line(text[start:newline]):
            return start, end
        rest = newline + 1
        while rest < end and text[rest].isspace():
            rest += 1
        if rest >= end:
            return start, end
        start = rest


def explain(resume: DocEmbedding, job: DocEmbedding, encoder: Encoder, cosine: float,
            fit: float, top: int = 3) -> Explanation:
    """Passages, terms and summary for one pair the ranking scored ``cosine`` / ``fit``.

    Pass a :class:`MemoEncoder` when explaining many pairs.
    """
    resume_passages, job_passages = top_passages(resume, job, encoder, top=top)
    terms = match_terms(job.doc.text, resume.doc.text, encoder)
    return Explanation(cosine=float(cosine), fit=float(fit), resume_passages=resume_passages,
                       job_passages=job_passages, terms=terms, summary=summary_line(terms))


def context_window(text: str, start: int, end: int, chars: int = 240,
                   ) -> tuple[str, str, str]:
    """(before, passage, after): the passage with up to ``chars`` characters of context on
    each side, cut at word boundaries, with an ellipsis where text was left out."""
    a = max(0, start - chars)
    b = min(len(text), end + chars)
    before, after = text[a:start], text[end:b]
    if a > 0:
        before = "… " + before.split(" ", 1)[-1] if " " in before else "… " + before
    if b < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + " …"
    return before, text[start:end], after


def clip(text: str, words: int = 40) -> str:
    """The first ``words`` words of a passage, for one CSV cell, without a leading list
    marker ("- ", "• ", "1.").

    Example:
        >>> clip("- Built Spark pipelines", words=2)
        'Built Spark …'
    """
    parts = strip_marker(text).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")

