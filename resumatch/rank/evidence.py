"""Requirement evidence: the resume passage that best supports each requirement of a job,
and whether it counts as evidence ("met").

**Passages.** Every resume is split into passages (bullets, sentences, lines:
:mod:`resumatch.ingest.passages`). Their vectors come from the same forward pass as the
resume's windows (late chunking, :mod:`resumatch.embed.embedding`) and are cached in the
store under ``PASSAGES_KEY``; requirements and other short texts are cached under
``PHRASE_KEY``. A heading or a bare list of section names ("EXPERIENCE", "Accounting /
Revenue Management / Accomplishments") is never evidence, nor is a passage with fewer than
three words besides its headings (:func:`resumatch.ingest.passages.can_be_evidence`).

**Late interaction.** Every requirement is scored against every eligible passage of every
resume in one matrix product, and each resume keeps its best passage per requirement
(:func:`best_passages`).

**When a requirement is met** (:func:`met_cells`). A raw cosine means little on its own:
a long resume has many passages, so its best one is high for any requirement (on the
shared resumes the mean best-passage cosine rises with length, correlation 0.4-0.8).
So the best passage's cosine ``s`` is read against the resume's *baseline*: the mean and
spread of its best-passage cosines over a shipped reference set of requirements from
many occupations (``reference/requirements.txt``, 120 lines). The evidence strength
``z = (s - mean) / spread`` says how much this requirement stands out for this resume.

It must clear a bar that is lower for a resume that matches the job as a whole (its
ranking score, in standard units) and higher for one that does not:
``max(MET_BAR - MET_SLOPE * clip(score, -2, 2), MET_FLOOR)``. A borderline passage thus
counts in a resume from the right field and not in an unrelated one, and even the best
match needs a passage ``MET_FLOOR`` spreads above its own baseline. The reference is
shipped, so a pool of any size (one resume included) is judged the same way and a
resume's verdicts do not depend on who else applied. The constants were chosen on the
dev split of both shared data sets for the best coverage ROC AUC (right vs wrong
occupation) with wrong-occupation resumes meeting at most 8% and right ones at least 55%
of requirements (``bench/quality.py --evidence``). A requirement-side background (the
median best-passage cosine of the sample resumes in ``assets/``) was measured too and
added nothing, so it is not used.

**Clear passages.** A passage at least ``CLEAR_COSINE`` close to a requirement that
also stands ``CLEAR_Z`` spreads above the resume's baseline is evidence whatever the rest
of the resume says (a store manager's "managed 40 seasonal associates" supports
"supervising a team of store associates" in a data engineer's post too).

**Names.** A requirement that names a tool or credential ("Kubernetes", "Adobe InDesign",
"CCRN") is met by a passage that names it, whatever its cosine, and a short requirement
that hinges on an acronym ("CCRN certification") is met *only* that way. Names are
matched as written, and without regard to case in a passage written in capitals
("KUBERNETES (EXPERT)" names Kubernetes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import numpy as np

from resumatch.embed.embedding import (
    DEFAULT_CHUNKING,
    PASSAGES_KEY,
    DocEmbedding,
    Embedder,
    Encoder,
)
from resumatch.ingest.documents import Document, text_hash
from resumatch.ingest.passages import can_be_evidence, split_passages
from resumatch.rank.keywords import find_skills
from resumatch.store import Store

T = TypeVar("T")

PHRASE_KEY = "phrase"  # one vector per whole short text (requirements, phrases)

# The met rule (module docstring); chosen on dev (bench/quality.py --evidence).
MET_BAR = 5.0
MET_SLOPE = 2.5
MET_FLOOR = 1.0
# A passage this close to the requirement (cosine) that also stands out from the resume's
# baseline by CLEAR_Z spreads is evidence whatever the rest of the resume says.
CLEAR_COSINE = 0.50
CLEAR_Z = 2.0
NO_PASSAGE = -1.0

__all__ = [
    "PASSAGES_KEY", "PHRASE_KEY", "BestPassages", "PassageIndex", "PassageSet",
    "ResumeBaselines", "best_passages", "document_spans", "met_cells", "named_terms",
    "mentions", "passage_set", "requires_name",
]


@dataclass
class PassageSet:
    """One document's passages: character spans, unit vectors (n, dim) and which of
    them may be evidence (not heading-only)."""

    spans: list[tuple[int, int]]
    vectors: np.ndarray
    eligible: np.ndarray

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self):  # noqa: ANN204  (unpacks as (spans, vectors), the older tuple shape)
        return iter((self.spans, self.vectors))


def passage_set(text: str, spans: Sequence[tuple[int, int]], vectors: np.ndarray,
                ) -> PassageSet:
    """A :class:`PassageSet` with eligibility computed from the text: a passage of
    headings, or of fewer than three words besides its headings, is never evidence."""
    eligible = np.array([can_be_evidence(text[a:b]) for a, b in spans], dtype=bool)
    return PassageSet([tuple(s) for s in spans], np.asarray(vectors, dtype=np.float32),
                      eligible)


def document_spans(text: str) -> list[tuple[int, int]]:
    """Passage spans of a document (the whole text when nothing splits)."""
    return split_passages(text) or ([(0, len(text))] if text.strip() else [])


class PassageIndex:
    """Passages of documents (cached with their windows) and vectors of short texts.

    Passage vectors come from :meth:`Embedder.embed` with ``passages=True``: the same
    forward pass as the windows, cached in the store under ``PASSAGES_KEY``. Short texts
    (requirements) are encoded on their own and cached under ``PHRASE_KEY``. Both are
    memoised here too, so a session embeds nothing twice.

    Example:
        >>> index = PassageIndex(encoder, store)  # doctest: +SKIP
        >>> index.passages([doc])[0].vectors.shape  # doctest: +SKIP
        (23, 384)
    """

    def __init__(self, encoder: Encoder, store: Store | None = None,
                 embedder: Embedder | None = None) -> None:
        self.encoder = encoder
        self.store = store
        self.embedder = embedder or Embedder(encoder, store, DEFAULT_CHUNKING)
        self._docs: dict[str, PassageSet] = {}
        self._texts: dict[str, np.ndarray] = {}
        self._baselines: dict[str, np.ndarray] = {}
        self._memo: tuple[Hashable, Any] | None = None

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def embeddings(self, docs: Sequence[Document]) -> list[DocEmbedding]:
        """Window and passage embeddings of ``docs`` (cache first)."""
        found = self.embedder.embed(list(docs), passages=True)
        for embedding in found:
            self.remember(embedding)
        return found

    def remember(self, embedding: DocEmbedding) -> PassageSet:
        """The :class:`PassageSet` of an embedding that carries passages (memoised)."""
        sha = embedding.doc.sha256
        if sha not in self._docs:
            if embedding.passage_vectors is None:
                raise ValueError(f"{embedding.doc.name}: embedded without passages")
            self._docs[sha] = passage_set(embedding.doc.text, embedding.passage_spans or [],
                                          embedding.passage_vectors)
        return self._docs[sha]

    def pool_memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` kept for the last ``key`` seen (one entry): the scoring keeps its
        stacked passage matrix here, so searching the same talent pool again does not
        copy every vector. ``key`` must change whenever the pool does."""
        if self._memo is None or self._memo[0] != key:
            self._memo = (key, build())
        return self._memo[1]

    def passages(self, docs: Sequence[Document]) -> list[PassageSet]:
        """The :class:`PassageSet` of each document, in order (cache first)."""
        missing = list({d.sha256: d for d in docs if d.sha256 not in self._docs}.values())
        if missing:
            self.embeddings(missing)
        return [self._docs[d.sha256] for d in docs]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of short texts (requirements, phrases), each encoded once ever:
        memoised here and cached in the store under ``PHRASE_KEY``."""
        texts = list(texts)
        new = [t for t in dict.fromkeys(texts) if t not in self._texts]
        if new and self.store is not None:
            hashes = {text_hash(t): t for t in new}
            for sha, (vectors, _) in self.store.get_embeddings(
                    list(hashes), self.model_id, PHRASE_KEY).items():
                self._texts[hashes[sha]] = vectors[0]
            new = [t for t in new if t not in self._texts]
        if new:
            vectors = self.encoder.encode(new)
            for text, vector in zip(new, vectors, strict=True):
                self._texts[text] = vector
            if self.store is not None:
                self.store.put_embeddings(self.model_id, PHRASE_KEY, [
                    (text_hash(t), v[None, :], [(0, len(t))])
                    for t, v in zip(new, vectors, strict=True)])
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._texts[t] for t in texts])

    # -- the shipped references ---------------------------------------------------------
    def baselines(self, docs: Sequence[Document], sets: Sequence[PassageSet],
                  ) -> ResumeBaselines:
        """Each resume's baseline over the reference requirements (cached per resume)."""
        key = baseline_key()
        mean = np.zeros(len(docs), dtype=np.float32)
        spread = np.ones(len(docs), dtype=np.float32)
        known = {d.sha256: self._baselines[d.sha256] for d in docs
                 if d.sha256 in self._baselines}
        hashes = [h for h in dict.fromkeys(d.sha256 for d in docs) if h not in known]
        if self.store is not None and hashes:
            known.update({sha: vectors[0] for sha, (vectors, _) in
                          self.store.get_embeddings(hashes, self.model_id, key).items()})
        todo = [i for i, d in enumerate(docs) if d.sha256 not in known]
        if todo:
            reference = self.encode(reference_requirements())
            scores = best_passages(reference, [sets[i] for i in todo]).score
            new = {}
            for column, i in enumerate(todo):
                column_scores = scores[:, column]
                column_scores = column_scores[column_scores > NO_PASSAGE]
                values = (np.array([column_scores.mean(), column_scores.std()], np.float32)
                          if len(column_scores) else np.array([0.0, 1.0], np.float32))
                new[docs[i].sha256] = values
            known.update(new)
            if self.store is not None:
                self.store.put_embeddings(self.model_id, key, [
                    (sha, values[None, :], [(0, 0)]) for sha, values in new.items()])
        self._baselines.update(known)  # memoised: the talent pool asks for every resume
        for i, d in enumerate(docs):
            mean[i], spread[i] = known[d.sha256][0], max(float(known[d.sha256][1]), 0.02)
        return ResumeBaselines(mean, spread)


@dataclass
class ResumeBaselines:
    """Per resume: mean and spread of its best-passage cosines over the reference
    requirements, shape (n,) each."""

    mean: np.ndarray
    spread: np.ndarray


@lru_cache(maxsize=1)
def reference_requirements() -> tuple[str, ...]:
    """The shipped reference requirements (``reference/requirements.txt``)."""
    text = resources.files("resumatch.rank").joinpath("reference", "requirements.txt") \
        .read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("# "))


def baseline_key() -> str:
    """Cache key of resume baselines: changes whenever the reference set changes."""
    digest = hashlib.sha256("\n".join(reference_requirements()).encode()).hexdigest()[:10]
    return f"baseline-{digest}"


@dataclass
class BestPassages:
    """Each requirement's best eligible passage in each resume.

    ``score`` (n_requirements, n_resumes): its cosine (``NO_PASSAGE`` when the resume has
    no eligible passage); ``index``: its position in that resume's :class:`PassageSet`
    (-1 when none).
    """

    score: np.ndarray
    index: np.ndarray


def best_passages(requirement_vectors: np.ndarray, sets: Sequence[PassageSet],
                  ) -> BestPassages:
    """Late interaction at passage level: every requirement against every eligible
    passage of every resume, reduced to the best passage per resume. One matrix product
    for the whole pool.

    Args:
        requirement_vectors: Unit vectors, shape (m, dim).
        sets: The resumes' passages.

    Returns:
        :class:`BestPassages` with arrays of shape (m, len(sets)).
    """
    m, n = len(requirement_vectors), len(sets)
    score = np.full((m, n), NO_PASSAGE, dtype=np.float32)
    index = np.full((m, n), -1, dtype=np.int64)
    counts = np.array([int(s.eligible.sum()) for s in sets], dtype=np.int64)
    if m == 0 or n == 0 or counts.sum() == 0:
        return BestPassages(score, index)
    has = counts > 0
    stacked = np.concatenate([s.vectors[s.eligible] for s, h in zip(sets, has, strict=True)
                              if h])
    positions = np.concatenate([np.flatnonzero(s.eligible)
                                for s, h in zip(sets, has, strict=True) if h])
    sims = np.asarray(requirement_vectors, dtype=np.float32) @ stacked.T  # (m, P)
    starts = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
    best = np.maximum.reduceat(sims, starts, axis=1)
    score[:, has] = best
    # The arg-max per segment: the first column of each segment reaching its maximum.
    owner = np.repeat(np.arange(int(has.sum())), counts[has])
    hit = sims >= best[:, owner]
    first = np.zeros((m, int(has.sum())), dtype=np.int64)
    rows, cols = np.nonzero(hit)
    first[rows[::-1], owner[cols[::-1]]] = cols[::-1]
    index[:, has] = positions[first]
    return BestPassages(score, index)


def evidence_strength(score: np.ndarray, baselines: ResumeBaselines) -> np.ndarray:
    """How clearly each best passage supports its requirement, shape (m, n): its z-score
    against the resume's baseline (0 where the resume has no eligible passage)."""
    z = (score - baselines.mean[None, :]) / baselines.spread[None, :]
    return np.where(score > NO_PASSAGE, z, 0.0)


def met_bar(pair_score: np.ndarray) -> np.ndarray:
    """The strength a passage needs, lower for resumes that match the job as a whole:
    ``max(MET_BAR - MET_SLOPE * clip(pair_score, -2, 2), MET_FLOOR)``."""
    return np.maximum(MET_BAR - MET_SLOPE * np.clip(pair_score, -2.0, 2.0), MET_FLOOR)


def met_cells(score: np.ndarray, strength: np.ndarray, pair_score: np.ndarray,
              named: np.ndarray, name_only: np.ndarray) -> np.ndarray:
    """Whether each requirement (rows) is met in each resume (columns).

    Args:
        score: Best-passage cosine (m, n); ``NO_PASSAGE`` where no passage can be evidence.
        strength: :func:`evidence_strength` (m, n).
        pair_score: The resume's ranking score for the job, in standard units (n,).
        named: An eligible passage names one of the requirement's names (m, n).
        name_only: The requirement can only be met by naming (m,), see
            :func:`requires_name`.
    """
    by_meaning = (strength >= met_bar(pair_score)[None, :]) & (score > NO_PASSAGE)
    by_meaning |= (score >= CLEAR_COSINE) & (strength >= CLEAR_Z)
    by_meaning &= ~name_only[:, None]
    return by_meaning | named


# -- names ----------------------------------------------------------------------------

ACRONYM_REQUIREMENT_WORDS = 4
# A name: a capitalised word not opening the sentence, an acronym, camelCase, "Next.js";
# runs of them ("React Testing Library") are one name.
_NAME_WORD = re.compile(
    r"(?<![\w.])(?:[A-Z][A-Za-z0-9]*(?:[.+#-][A-Za-z0-9+#]+)*\+*#?|[a-z]+[A-Z][A-Za-z0-9]*|"
    r"[A-Za-z]+\.js)(?!\w)")
# Vendor prefixes say little alone: "Apache Spark" is named by "Spark".
_VENDORS = frozenset({"Apache", "Microsoft", "Google", "Amazon", "Oracle", "IBM", "Adobe"})
# Capitalised words that are not names of tools or credentials (job-post and resume
# furniture, and anonymised placeholders such as "Company Name, City, State").
_NOT_NAMES = frozenset("""
State States Federal County City Company Name Department Office Center Centre Services
Service National University College School Board Agency Government Program Programs
Manager Director Team Group Division Unit Business Customer Client Clients English
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
May June July August September October November December Inc LLC Ltd Corporation
""".split())
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
        if word in _VENDORS or word in _NOT_NAMES:
            if run:
                names.append(" ".join(run))
                run = []
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


def is_acronym(name: str) -> bool:
    """"CCRN", "SHRM-CP", "AWS": matched as written (case-sensitive)."""
    return name.replace("-", "").isupper() and len(name) >= 2


def requires_name(text: str, names: Sequence[str]) -> bool:
    """Whether a requirement is short and hinges on an acronym (met only by naming it)."""
    return len(content_words(text)) <= ACRONYM_REQUIREMENT_WORDS and \
        any(is_acronym(n) for n in names)


def mentions(passage: str, name: str) -> bool:
    """Whether a passage names ``name`` as written ("Epic" the records system, not "an
    epic effort"); acronyms also inside words ("SQL" is in "PostgreSQL"); and without
    regard to case in a passage written in capitals ("KUBERNETES (EXPERT)").

    Example:
        >>> mentions("PostgreSQL, Redis", "SQL"), mentions("HRIS records", "HR")
        (True, False)
        >>> mentions("OPERATED KUBERNETES CLUSTERS", "Kubernetes")
        True
    """
    if name.lower() not in passage.lower():
        return False
    if is_acronym(name) and len(name) >= 3 and name in passage:
        return True
    pattern = rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])"
    if re.search(pattern, passage):
        return True
    return _shouting(passage) and re.search(pattern, passage, re.IGNORECASE) is not None


@lru_cache(maxsize=200_000)  # the same passage is checked for every name of every job
def _shouting(passage: str) -> bool:
    letters = [c for c in passage if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def requirement_names(text: str) -> list[str]:
    """The names of a requirement that count as evidence when a passage names them:
    :func:`named_terms` that are acronyms, mixed-case or symbol-bearing tool names, or
    spellings of a skill in the shipped vocabulary ("Terraform", "Adobe InDesign")."""
    skills = {spelling.lower() for skill in find_skills(text) for spelling in skill.spellings}
    kept = []
    for name in named_terms(text):
        plain = re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", name) is not None
        if not plain or name.lower() in skills:
            kept.append(name)
    return kept
