"""Search the talent pool for an opening: every stored candidate ranked for one job with
the same scoring as the Match page, from cached vectors.

The pool's chunk vectors and keyword statistics are loaded once per process into a
:class:`PoolIndex` and refreshed (only what changed is loaded) when the store's pool
version changes (``resumatch.pool.changes``), so a search costs one matrix product and
one sparse product, not a pass over the store.

**The one scoring hook** is :func:`score_pool_for_job`. It returns exactly what
``resumatch.rank.scoring.score_pool(every candidate, [job])`` returns (the product's
ranking, as on the Match page: window, opening, job-title, passage and requirement
features, BM25, must-have caps and "too little text"): ``method="product"`` builds the
candidates' embeddings from the store and calls ``score_pool``; ``method="precomputed"``
(the default) calls ``score_pool`` on the embeddings the index already holds (texts,
window and passage vectors, loaded once) and hands it BM25 from a sparse term matrix
built once, with rank-bm25's ``BM25Okapi`` formula (k1 1.5, b 0.75, the epsilon floor for
negative IDF), instead of re-indexing every text per search. Unit tests pin the two
methods together. With a :class:`~resumatch.rank.matching.Scoring` (the evaluation
harness's ``old-default``) the pre-issue-11 ranking is computed from the index alone.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from resumatch.embed.embedding import (
    DEFAULT_CHUNKING,
    PASSAGES_KEY,
    DocEmbedding,
    Embedder,
    pool,
)
from resumatch.ingest.documents import Document
from resumatch.pool.changes import pool_version
from resumatch.pool.field_store import Profile, ensure_extracted, profiles
from resumatch.pool.filters import FieldFilter
from resumatch.rank.evidence import PassageIndex
from resumatch.rank.explain import fit_score
from resumatch.rank.keywords import MIN_POOL_FOR_KEYWORDS, tokenize
from resumatch.rank.marks import get_marks
from resumatch.rank.matching import DEFAULT_SCORING, Scoring, covered_text, ranking_scores
from resumatch.rank.scoring import PoolScores, score_pool
from resumatch.store import Store

# rank-bm25's BM25Okapi defaults, which rank.keywords.KeywordIndex uses.
BM25_K1, BM25_B, BM25_EPSILON = 1.5, 0.75, 0.25
SEARCH_COLUMNS = ["rank", "candidate_id", "candidate", "score", "fit", "requirements", "note",
                  "must_haves_met",
                  "years_experience", "degree", "title", "location", "skills",
                  "duplicate_of"]


@dataclass
class IndexEntry:
    """One candidate as the index holds it: current text's vectors and keyword text."""

    candidate_id: int
    sha256: str
    name: str
    chunk_vectors: np.ndarray
    spans: list[tuple[int, int]]
    keyword_text: str = ""
    duplicate_of: int | None = None
    text: str = ""
    passage_spans: list[tuple[int, int]] | None = None
    passage_vectors: np.ndarray | None = None


@dataclass
class _Doc:
    chunk_vectors: np.ndarray
    spans: list[tuple[int, int]]
    term_ids: np.ndarray
    term_counts: np.ndarray
    embedding: DocEmbedding | None = None  # with text and passages, for score_pool


def _embedding(doc: Document, vectors: np.ndarray, spans: list[tuple[int, int]],
               pooling: str = "mean") -> DocEmbedding:
    return DocEmbedding(doc, vectors, list(spans), pool(vectors, pooling))


class PoolIndex:
    """The pool's vectors, BM25 statistics and fields, held in memory for fast search.

    Example:
        >>> index = PoolIndex("base", "w256-o32")
        >>> index.build([])
        >>> len(index)
        0
    """

    def __init__(self, model_id: str, chunking_key: str, pooling: str = "mean") -> None:
        self.model_id = model_id
        self.chunking_key = chunking_key
        self.pooling = pooling
        self.version: str | None = None
        self.unsearchable = 0  # active candidates without stored text or vectors
        self.ids = np.zeros(0, dtype=np.int64)
        self.shas: list[str] = []
        self.names: list[str] = []
        self.duplicate_of: list[int | None] = []
        self.profiles: list[Profile | None] = []
        self.chunks = np.zeros((0, 0), dtype=np.float32)
        self.offsets = np.zeros(1, dtype=np.int64)
        self._docs: dict[str, _Doc] = {}
        self._vocab: dict[str, int] = {}
        self._weights: sparse.csr_matrix | None = None
        self._idf = np.zeros(0)
        self._pooled: np.ndarray | None = None
        self._lock = threading.RLock()
        self._passages: tuple[tuple[int, int], PassageIndex] | None = None
        self.timings: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.shas)

    @property
    def passages_key(self) -> str:
        """The store's cache key of the passage vectors that go with ``chunking_key``
        (as ``Embedder.passages_key``)."""
        if self.chunking_key == DEFAULT_CHUNKING.key:
            return PASSAGES_KEY
        return f"{PASSAGES_KEY}-{self.chunking_key}"

    def passage_index(self, embedder: Embedder, store: Store | None) -> PassageIndex:
        """One :class:`PassageIndex` per pool index and encoder: passage sets, requirement
        vectors and evidence baselines are memoised across searches."""
        key = (id(embedder.encoder), id(store))
        if self._passages is None or self._passages[0] != key:
            self._passages = (key, PassageIndex(embedder.encoder, store, embedder))
        return self._passages[1]

    # -- building --------------------------------------------------------------------
    def _terms(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(tokenize(text))
        vocab = self._vocab
        ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in counts), dtype=np.int32,
                          count=len(counts))
        return ids, np.fromiter(counts.values(), dtype=np.float64, count=len(counts))

    def _doc_for(self, entry: IndexEntry) -> _Doc:
        found = self._docs.get(entry.sha256)
        if found is None:
            ids, counts = self._terms(entry.keyword_text)
            found = _Doc(np.ascontiguousarray(entry.chunk_vectors, dtype=np.float32),
                         list(entry.spans), ids, counts)
        if found.embedding is None or found.embedding.doc.name != entry.name:
            text = entry.text or (found.embedding.doc.text if found.embedding is not None
                                  else entry.keyword_text)
            embedding = _embedding(Document(entry.name, text, "pool"),
                                   found.chunk_vectors, found.spans, self.pooling)
            embedding.passage_spans = entry.passage_spans
            embedding.passage_vectors = entry.passage_vectors
            if embedding.passage_vectors is None and found.embedding is not None:
                embedding.passage_spans = found.embedding.passage_spans
                embedding.passage_vectors = found.embedding.passage_vectors
            found.embedding = embedding
        return found

    def build(self, entries: Sequence[IndexEntry],
              profiles_by_id: dict[int, Profile] | None = None) -> None:
        """(Re)build the index for these candidates, reusing documents already indexed."""
        with self._lock:
            started = time.perf_counter()
            docs = [self._doc_for(e) for e in entries]
            self.timings["tokenize_s"] = time.perf_counter() - started
            self.ids = np.array([e.candidate_id for e in entries], dtype=np.int64)
            self.shas = [e.sha256 for e in entries]
            self.names = [e.name for e in entries]
            self.duplicate_of = [e.duplicate_of for e in entries]
            self.profiles = [(profiles_by_id or {}).get(e.candidate_id) for e in entries]
            counts = np.array([len(d.chunk_vectors) for d in docs], dtype=np.int64)
            self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            dim = docs[0].chunk_vectors.shape[1] if docs else 0
            self.chunks = (np.concatenate([d.chunk_vectors for d in docs]) if docs
                           else np.zeros((0, dim), dtype=np.float32))
            # Each document keeps a view into the one matrix, so memory is not doubled.
            self._docs = {}
            for sha, doc, a, b in zip(self.shas, docs, self.offsets[:-1], self.offsets[1:],
                                      strict=True):
                doc.chunk_vectors = self.chunks[a:b]
                if doc.embedding is not None:
                    doc.embedding.chunk_vectors = doc.chunk_vectors
                self._docs[sha] = doc
            self._pooled = None
            self._build_bm25(docs)
            self.timings["build_s"] = time.perf_counter() - started

    def _build_bm25(self, docs: Sequence[_Doc]) -> None:
        """Term weights ``tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))`` and IDF, as
        rank-bm25's BM25Okapi computes them over the same tokens."""
        n, vocab = len(docs), len(self._vocab)
        lengths = np.array([len(d.term_ids) for d in docs], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        indices = (np.concatenate([d.term_ids for d in docs]) if n
                   else np.zeros(0, dtype=np.int32))
        tf = (np.concatenate([d.term_counts for d in docs]) if n else np.zeros(0))
        doc_len = np.array([d.term_counts.sum() for d in docs], dtype=np.float64)
        if n == 0 or doc_len.sum() == 0:
            self._weights, self._idf = None, np.zeros(vocab)
            return
        avgdl = doc_len.sum() / n
        norm = np.repeat(BM25_K1 * (1 - BM25_B + BM25_B * doc_len / avgdl), lengths)
        weights = tf * (BM25_K1 + 1) / (tf + norm)
        self._weights = sparse.csr_matrix((weights, indices, indptr), shape=(n, vocab))
        df = np.bincount(indices, minlength=vocab).astype(np.float64)
        present = df > 0
        idf = np.log(n - df + 0.5) - np.log(df + 0.5)
        average = idf[present].mean()
        idf[present & (idf < 0)] = BM25_EPSILON * average
        idf[~present] = 0.0  # words of documents no longer in the pool: as if unknown
        self._idf = idf

    # -- scoring ---------------------------------------------------------------------
    def keyword_evidence(self, job: DocEmbedding) -> np.ndarray:
        """BM25 of the job over the pool, z-scored (``rank.matching.keyword_evidence``)."""
        out = np.zeros((len(self), 1), dtype=np.float64)
        if len(self) < MIN_POOL_FOR_KEYWORDS or self._weights is None:
            return out
        query = np.zeros(len(self._vocab), dtype=np.float64)
        for token in tokenize(covered_text(job)):
            term = self._vocab.get(token)
            if term is not None:
                query[term] += self._idf[term]
        raw = self._weights @ query
        spread = raw.std()
        if spread > 1e-9:
            out[:, 0] = (raw - raw.mean()) / spread
        return out

    def cosine(self, job: DocEmbedding, scoring: Scoring = DEFAULT_SCORING) -> np.ndarray:
        """Chunk cosine of every candidate with the job (``rank.matching.score_matrix``)."""
        n = len(self)
        if n == 0:
            return np.zeros((0, 1), dtype=np.float32)
        if scoring.top_k <= 0:
            if self._pooled is None:
                self._pooled = np.stack([pool(self.chunks[a:b], self.pooling) for a, b in
                                         zip(self.offsets[:-1], self.offsets[1:], strict=True)])
            return np.clip(self._pooled @ job.vector[:, None], -1.0, 1.0)
        best = (self.chunks @ job.chunk_vectors.astype(np.float32).T).max(axis=1)
        counts = np.diff(self.offsets)
        if scoring.top_k == 1:
            top = np.maximum.reduceat(best, self.offsets[:-1]).astype(np.float64)
            return np.clip(top, -1.0, 1.0)[:, None]
        width = int(counts.max())
        padded = np.full((n, width), -np.inf, dtype=np.float32)
        owner = np.repeat(np.arange(n), counts)
        slot = np.arange(len(best)) - np.repeat(self.offsets[:-1], counts)
        padded[owner, slot] = best
        top = -np.sort(-padded, axis=1)[:, :scoring.top_k]
        used = np.minimum(counts, scoring.top_k)
        score = np.where(np.isfinite(top), top, 0.0).sum(axis=1) / used
        return np.clip(score, -1.0, 1.0)[:, None]

    def precomputed_scores(self, job: DocEmbedding, scoring: Scoring | None = None,
                           passages: PassageIndex | None = None,
                           marks: Mapping[str, str] | None = None) -> PoolScores:
        """The product's scores of every indexed candidate for ``job`` (n, 1); with a
        ``scoring``, the pre-issue-11 ranking (window cosine plus a BM25 bonus)."""
        if scoring is None:
            with self._lock:
                started = time.perf_counter()
                keyword = self.keyword_evidence(job)
                self.timings["keyword_s"] = time.perf_counter() - started
                embeddings = [self._docs[sha].embedding for sha in self.shas]
            if not embeddings:
                return score_pool([], [job])
            return score_pool(embeddings, [job], index=passages,
                              marks={job.doc.sha256: dict(marks or {})}, keywords=keyword)
        with self._lock:
            started = time.perf_counter()
            cosine = self.cosine(job, scoring)
            middle = time.perf_counter()
            keyword = self.keyword_evidence(job)
            self.timings["cosine_s"] = middle - started
            self.timings["keyword_s"] = time.perf_counter() - middle
        ranking = ranking_scores(cosine, keyword, scoring)
        return PoolScores(cosine, keyword, ranking, fit_score(ranking))

    def embeddings(self, store: Store) -> list[DocEmbedding]:
        """The indexed candidates as the Match page holds them (texts read from the store,
        passages as indexed)."""
        texts = _texts(store, self.shas)
        out = []
        for sha, name in zip(self.shas, self.names, strict=True):
            held = self._docs[sha]
            embedding = _embedding(Document(name, texts.get(sha, ""), "pool"),
                                   held.chunk_vectors, held.spans, self.pooling)
            if held.embedding is not None:
                embedding.passage_spans = held.embedding.passage_spans
                embedding.passage_vectors = held.embedding.passage_vectors
            out.append(embedding)
        return out

    # -- loading from the store -------------------------------------------------------
    def refresh(self, store: Store, embedder: Embedder | None = None) -> bool:
        """Load what changed since the last load; returns whether anything was reloaded.

        Candidates whose vectors are not cached are embedded when an ``embedder`` is
        given (and skipped, counted in ``unsearchable``, otherwise).
        """
        with self._lock:
            # Fields of a new extractor version (or of documents stored before the pool
            # existed) are extracted first; that changes the pool version.
            ensure_extracted(store)
            version = pool_version(store)
            if version == self.version:
                return False
            started = time.perf_counter()
            with store.connect() as conn:
                rows = conn.execute(
                    "SELECT id, sha256, name, duplicate_of, duplicate_status FROM candidates"
                    " WHERE merged_into IS NULL ORDER BY id").fetchall()
            missing = [r["sha256"] for r in rows if r["sha256"] not in self._docs]
            vectors = store.get_embeddings(missing, self.model_id, self.chunking_key)
            found_passages = store.get_embeddings(missing, self.model_id, self.passages_key)
            texts = _texts(store, missing)
            # Candidates without window or passage vectors are embedded (passages come
            # from the same forward pass as the windows).
            unembedded = [sha for sha in missing if sha in texts
                          and (sha not in vectors or sha not in found_passages)]
            if unembedded and embedder is not None:
                names = {r["sha256"]: r["name"] for r in rows}
                done = embedder.embed([Document(names[s], texts[s], "pool") for s in unembedded],
                                      passages=True)
                vectors.update({e.doc.sha256: (e.chunk_vectors, e.spans) for e in done})
                found_passages.update({e.doc.sha256: (e.passage_vectors, e.passage_spans)
                                       for e in done})
            entries, skipped = [], 0
            for row in rows:
                sha = row["sha256"]
                flag = row["duplicate_of"] if row["duplicate_status"] == "flagged" else None
                if sha in self._docs:
                    doc = self._docs[sha]
                    entries.append(IndexEntry(int(row["id"]), sha, row["name"],
                                              doc.chunk_vectors, doc.spans, duplicate_of=flag))
                elif sha in vectors and sha in texts:
                    chunk_vectors, spans = vectors[sha]
                    keyword_text = covered_text(_embedding(
                        Document(row["name"], texts[sha]), chunk_vectors, spans))
                    passage_vectors, passage_spans = found_passages.get(sha, (None, None))
                    entries.append(IndexEntry(
                        int(row["id"]), sha, row["name"], chunk_vectors, spans, keyword_text,
                        flag, texts[sha],
                        None if passage_spans is None else [tuple(s) for s in passage_spans],
                        passage_vectors))
                else:
                    skipped += 1
            self.timings["load_s"] = time.perf_counter() - started
            self.build(entries, profiles(store))
            self.unsearchable = skipped
            self.version = version
            return True


def _texts(store: Store, hashes: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    with store.connect() as conn:
        for start in range(0, len(hashes), 500):
            batch = list(hashes[start:start + 500])
            rows = conn.execute(f"SELECT sha256, text FROM documents WHERE sha256 IN"
                                f" ({','.join('?' * len(batch))})", batch).fetchall()
            found.update({r["sha256"]: r["text"] for r in rows})
    return found


def score_pool_for_job(index: PoolIndex, job: DocEmbedding, store: Store | None = None,
                       scoring: Scoring | None = None, method: str = "precomputed",
                       passages: PassageIndex | None = None,
                       marks: Mapping[str, str] | None = None) -> PoolScores:
    """THE ranking of the pool for one job: ``score_pool(candidates, [job])``.

    Args:
        index: the loaded pool (its order is the order of the returned rows).
        job: the job's embedding (``Embedder.embed``).
        store: needed for ``method="product"`` (candidate texts).
        scoring: ``None`` for the product's ranking; a ``Scoring`` for the old one.
        method: ``"precomputed"`` (fast, equal to the product's scores; see the module
            docstring) or ``"product"`` (calls ``resumatch.rank.scoring.score_pool``).
        passages: the passage index that encodes requirements and titles (see
            :meth:`PoolIndex.passage_index`); without it the passage features count as
            average and there is no requirement evidence, as in ``score_pool``.
        marks: the job's requirement marks (requirement text -> mark).

    Returns:
        PoolScores with arrays of shape (len(index), 1).

    Raises:
        ValueError: for an unknown method, or ``"product"`` without a store.
    """
    if method == "precomputed":
        return index.precomputed_scores(job, scoring, passages, marks)
    if method == "product":
        if store is None:
            raise ValueError("method 'product' reads the candidates' texts: pass the store")
        if scoring is not None:
            return score_pool(index.embeddings(store), [job], scoring)
        return score_pool(index.embeddings(store), [job], index=passages,
                          marks={job.doc.sha256: dict(marks or {})})
    raise ValueError(f"unknown scoring method {method!r}")


_SHARED: dict[tuple[Any, str, str], PoolIndex] = {}
_SHARED_LOCK = threading.Lock()


def shared_index(store: Store, model_id: str, chunking_key: str) -> PoolIndex:
    """The process's one index for a store, model and chunking (created empty)."""
    key = (str(getattr(store, "path", id(store))), model_id, chunking_key)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = PoolIndex(model_id, chunking_key)
        return _SHARED[key]


@dataclass
class SearchResult:
    """A ranked pool: one row per candidate that passed the filters, best first."""

    table: pd.DataFrame
    searched: int
    unsearchable: int
    filtered_out: int
    model_id: str
    timings: dict[str, float] = field(default_factory=dict)


def _must_haves_met(scores: PoolScores, row: int) -> str:
    """"2 of 3" must-haves met by one candidate ("" when the job marks none)."""
    if not scores.evidence or not scores.evidence[0].requirements:
        return ""
    evidence = scores.evidence[0]
    if not evidence.must.any():
        return ""
    met = int((evidence.met[:, row] & evidence.must).sum())
    return f"{met} of {int(evidence.must.sum())}"


def must_haves_lookup(found: SearchResult) -> Callable[[Any], str]:
    """``must_haves_met(placement)`` for ``opening_csv``, from a search of the opening
    (candidates not in ``found.table`` get "")."""
    known = {int(r.candidate_id): str(r.must_haves_met) for r in found.table.itertuples()}
    return lambda placement: known.get(int(placement.candidate_id), "")


def _field_text(profile: Profile | None, name: str) -> Any:
    value = None if profile is None else profile.value(name)
    if name == "skills":
        return ", ".join(value or [])
    if name == "years_experience":
        return float("nan") if value is None else float(value)
    return "" if value is None else value


def search_pool(store: Store, job: Document, embedder: Embedder,
                field_filter: FieldFilter | None = None, top: int | None = None,
                index: PoolIndex | None = None, method: str = "precomputed") -> SearchResult:
    """Rank every active candidate in the pool for ``job``; filter; keep the ``top``.

    ``score`` is the raw chunk cosine and ``fit`` the 0-100 fit, as on the Match page;
    rows are ordered by the product's ranking score, and ``rank`` is the position in the
    filtered list. The pool is scored as a whole before filtering, so a filter never
    changes a candidate's score.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if index is None:
        index = shared_index(store, embedder.encoder.model_id, embedder.chunking.key)
    index.refresh(store, embedder)
    timings["refresh_s"] = time.perf_counter() - started
    mark = time.perf_counter()
    job_embedding = embedder.embed([job])[0]
    timings["embed_job_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    passages = index.passage_index(embedder, store)
    marks = get_marks(store, job.sha256)
    with index._lock:
        scores = score_pool_for_job(index, job_embedding, store, method=method,
                                    passages=passages, marks=marks)
        ids, names = index.ids.copy(), list(index.names)
        found_profiles, flags = list(index.profiles), list(index.duplicate_of)
        unsearchable = index.unsearchable
    timings["score_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    keep = (field_filter or FieldFilter()).mask(found_profiles)
    order = [i for i in np.argsort(-scores.ranking[:, 0], kind="stable") if keep[i]]
    if top is not None:
        order = order[:max(int(top), 0)]
    rows = []
    for rank, i in enumerate(order, start=1):
        profile = found_profiles[i]
        rows.append({
            "rank": rank, "candidate_id": int(ids[i]), "candidate": names[i],
            "score": round(float(scores.cosine[i, 0]), 4), "fit": float(scores.fit[i, 0]),
            "requirements": (scores.evidence[0].summary(i)
                             if scores.evidence and scores.evidence[0].requirements else ""),
            "note": scores.note(i, 0),
            "must_haves_met": _must_haves_met(scores, i),
            "years_experience": _field_text(profile, "years_experience"),
            "degree": _field_text(profile, "degree"), "title": _field_text(profile, "title"),
            "location": _field_text(profile, "location"),
            "skills": _field_text(profile, "skills"),
            "duplicate_of": pd.NA if flags[i] is None else int(flags[i]),
        })
    timings["filter_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    table = pd.DataFrame(rows, columns=SEARCH_COLUMNS)
    # One type per column (Arrow, for the page's table): unknown years are NaN, no
    # possible duplicate is <NA>; both are written as empty CSV cells.
    table["years_experience"] = table["years_experience"].astype(float)
    table["duplicate_of"] = table["duplicate_of"].astype("Int64")
    return SearchResult(table, len(ids), unsearchable,
                        int((~keep).sum()), embedder.encoder.model_id, timings)
