"""The scores of recent rankings, kept in memory: ranking an unchanged pool again (the same
documents, model, chunking and requirement marks) reuses them instead of scoring again.

Issue 14 asks that re-ranking an unchanged pool stay at least 100x faster than its first
run. With every vector already in the embedding cache, scoring still cost about 0.1 s for
8 resumes x 10 jobs (requirement extraction, keyword and BM25 features, evidence), most
of the re-rank. Scores are a pure function of the key (:func:`ranking_key`), so a hit
gives exactly what scoring again would.

Privacy: the kept scores hold passage text. A candidate's erasure
(:func:`resumatch.store.purge.purge_candidate`, :func:`~resumatch.store.purge.purge_candidate_data`)
changes the store's erasure token (``ERASURE_VERSION_KEY``), and every lookup compares it
first, so no process serves kept scores of an erased candidate, whichever process erased.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from resumatch.embed.embedding import DocEmbedding
from resumatch.store import Store
from resumatch.store.purge import ERASURE_VERSION_KEY

MEMO_SIZE = 4  # rankings kept per process; a pool's scores are small next to its vectors


def ranking_key(model_id: str, chunking_key: str, resumes: Sequence[DocEmbedding],
                jobs: Sequence[DocEmbedding],
                marks: Mapping[str, Mapping[str, str]] | None) -> tuple:
    """What a pool's scores depend on: model, chunking, each document's text (sha256) and
    name in order (a job without a title line is titled by its name), and the marks.

    Standardised features depend on the whole pool, so the whole pool is the key."""
    frozen_marks = tuple(sorted((job, tuple(sorted(m.items())))
                                for job, m in (marks or {}).items()))
    return (model_id, chunking_key,
            tuple((e.doc.sha256, e.doc.name, e.passage_vectors is not None) for e in resumes),
            tuple((e.doc.sha256, e.doc.name) for e in jobs), frozen_marks)


class RankingMemo:
    """A small LRU map from :func:`ranking_key` to what scoring returned, per store (a
    fresh store starts fresh, as a new data directory would), thread-safe.

    Args:
        size: how many rankings to keep (the least recently used goes first).
    """

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._token: str | None = None
        self._lock = threading.Lock()

    def get(self, store: Store | None, key: Hashable) -> Any | None:
        """The kept value for ``key``, or None (always None without a store, whose erasure
        token decides whether kept values may still be served)."""
        if store is None:
            return None
        token = store.get_setting(ERASURE_VERSION_KEY, "") or ""
        with self._lock:
            self._sync(token)
            value = self._items.get((store.location, key))
            if value is not None:
                self._items.move_to_end((store.location, key))
            return value

    def put(self, store: Store | None, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key`` (nothing is kept without a store)."""
        if store is None or self.size <= 0:
            return
        token = store.get_setting(ERASURE_VERSION_KEY, "") or ""
        with self._lock:
            self._sync(token)
            self._items[(store.location, key)] = value
            self._items.move_to_end((store.location, key))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _sync(self, token: str) -> None:
        """Forget everything when the erasure token changed (someone erased); hold the lock."""
        if token != self._token:
            self._items.clear()
            self._token = token

    def clear(self) -> None:
        """Forget every kept ranking."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


RANKINGS = RankingMemo()
