"""What a bulk job computes and stores for one document: its embedding-cache entries.

**The one embedding function** is :func:`embed_units`. Both engines call it (the local
engine in this process, the Ray engine in each actor), and the driver writes what it
returns with :func:`write_units`; :func:`missing_units` tells which documents still lack
it, which is what makes a job resumable. The entries are exactly what ranking and pool
search read from the cache: ``Embedder``'s own token windows (``UNIT_CHUNKINGS``, today
``DEFAULT_CHUNKING`` only), under the model id of the encoder that serves the version
(``resumatch.scale.engine.encoder_spec``). ``embed_units`` calls ``Embedder.embed``
without a store, so the splitting, the encoding and the deduplication of identical
windows are the embedder's code, not a copy of it.

Each document also gets its passage vectors (issue 11's passage features and requirement
evidence), under ``Embedder.passages_key``: the same forward pass as the windows (late
chunking), through ``Embedder.embed(..., passages=True)``. The engines, the driver, the
jobs and the CLI only pass entries along.

Example:
    >>> entries = embed_units(encoder, [Document("ann", "Ann, ICU nurse")])  # doctest: +SKIP
    >>> [(e.key, e.vectors.shape) for e in entries]  # doctest: +SKIP
    [('w256-o32', (1, 384)), ('passages-v2', (1, 384))]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from resumatch.embed.embedding import DEFAULT_CHUNKING, Chunking, Embedder, Encoder
from resumatch.ingest.documents import Document
from resumatch.store import Store

UNIT_CHUNKINGS: tuple[Chunking, ...] = (DEFAULT_CHUNKING,)
"""The cache keys a bulk job fills per document: what ``pipeline.match`` (the Match page,
``rank``) and ``pool.search`` read."""

QUERY_BATCH = 500  # hashes per IN (...) list: far under both engines' parameter limits


@dataclass(frozen=True)
class CacheEntry:
    """One embedding-cache row: a document's vectors under one cache key.

    Attributes:
        sha256: the document's text hash (``Document.sha256``).
        key: the cache's chunking key (``Chunking.key``), e.g. ``"w256-o32"``.
        vectors: float32 unit vectors, shape ``(n_windows, dim)``.
        spans: the character span ``(start, end)`` of each window in the text.
    """

    sha256: str
    key: str
    vectors: np.ndarray
    spans: list[tuple[int, int]]


def unit_keys() -> tuple[str, ...]:
    """The cache keys :func:`embed_units` produces for every document: each chunking's
    windows and its passages."""
    keys: list[str] = []
    for chunking in UNIT_CHUNKINGS:
        keys += [chunking.key, Embedder.passages_key_for(chunking)]
    return tuple(keys)


def embed_units(encoder: Encoder, docs: Sequence[Document]) -> list[CacheEntry]:
    """The cache entries of ``docs`` for ``encoder``: one per document and unit key.

    Args:
        encoder: the serving encoder of a model version (``EncoderSpec.load``); its
            ``model_id`` is the key the driver stores the entries under.
        docs: normalised documents (as the readers return them); repeated texts are
            encoded once and get one entry each.

    Returns:
        Entries in document order, then ``UNIT_CHUNKINGS`` order.
    """
    entries: list[CacheEntry] = []
    if not docs:
        return entries
    for chunking in UNIT_CHUNKINGS:
        # No store: every document is encoded, by the embedder's own split and encode.
        embedder = Embedder(encoder, None, chunking)
        for embedded in embedder.embed(list(docs), passages=True):
            entries.append(CacheEntry(embedded.doc.sha256, chunking.key,
                                      np.ascontiguousarray(embedded.chunk_vectors,
                                                           dtype=np.float32),
                                      [tuple(span) for span in embedded.spans]))
            entries.append(CacheEntry(embedded.doc.sha256, embedder.passages_key,
                                      np.ascontiguousarray(embedded.passage_vectors,
                                                           dtype=np.float32),
                                      [tuple(span) for span in embedded.passage_spans or []]))
    return entries


def write_units(store: Store, model_id: str, entries: Iterable[CacheEntry]) -> int:
    """Store entries under ``model_id`` (one transaction per cache key); returns how many.

    A second write of the same (document, model, key) replaces the first.
    """
    by_key: dict[str, list[tuple[str, np.ndarray, list[tuple[int, int]]]]] = defaultdict(list)
    for entry in entries:
        by_key[entry.key].append((entry.sha256, entry.vectors, entry.spans))
    for key, items in by_key.items():
        store.put_embeddings(model_id, key, items)
    return sum(len(items) for items in by_key.values())


def missing_units(store: Store, model_id: str, hashes: Sequence[str]) -> list[str]:
    """The hashes (in order, without repeats) that lack any unit for ``model_id``.

    Reads only keys, never vectors, so it is cheap on a large pool.
    """
    unique = list(dict.fromkeys(hashes))
    complete: set[str] | None = None
    with store.connect(read_only=True) as conn:
        for key in unit_keys():
            found: set[str] = set()
            for start in range(0, len(unique), QUERY_BATCH):
                batch = unique[start:start + QUERY_BATCH]
                rows = conn.execute(
                    "SELECT sha256 FROM embeddings WHERE model_id = ? AND chunking = ?"
                    f" AND sha256 IN ({','.join('?' * len(batch))})",
                    [model_id, key, *batch]).fetchall()
                found.update(row["sha256"] for row in rows)
            complete = found if complete is None else complete & found
    return [sha for sha in unique if sha not in (complete or set())]


def pool_coverage(store: Store, model_id: str) -> tuple[int, int]:
    """(active pool candidates whose current text has every unit for ``model_id``,
    active pool candidates): how far a re-embed for a version has come."""
    exists = " AND ".join(
        "EXISTS (SELECT 1 FROM embeddings e WHERE e.sha256 = c.sha256 AND e.model_id = ?"
        " AND e.chunking = ?)" for _ in unit_keys())
    params: list[str] = []
    for key in unit_keys():
        params += [model_id, key]
    with store.connect(read_only=True) as conn:
        total = conn.execute("SELECT COUNT(*) AS n FROM candidates WHERE merged_into IS NULL"
                             ).fetchone()["n"]
        covered = conn.execute(f"SELECT COUNT(*) AS n FROM candidates c WHERE"
                               f" c.merged_into IS NULL AND {exists}", params).fetchone()["n"]
    return int(covered), int(total)
