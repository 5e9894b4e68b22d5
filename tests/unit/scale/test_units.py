"""The one embedding function: its cache entries are exactly what ranking reads, and the
resumability check and pool coverage see them on both store engines."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_docs import SAMPLE_RESUMES
from pool_support import ANN_V1, BO, doc

from resumatch.embed.embedding import DEFAULT_CHUNKING, PASSAGES_KEY, Embedder
from resumatch.ingest.documents import read_files
from resumatch.pool.candidates import add_documents
from resumatch.scale.units import (
    embed_units,
    missing_units,
    pool_coverage,
    unit_keys,
    write_units,
)
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


@pytest.fixture(scope="module")
def samples() -> list:
    docs, errors = read_files([SAMPLE_RESUMES])
    assert not errors
    return docs


def test_entries_equal_the_ranking_cache_and_ranking_reads_them(base_encoder, samples,
                                                                store: Store) -> None:
    entries = embed_units(base_encoder, samples)
    windows = [e for e in entries if e.key == DEFAULT_CHUNKING.key]
    passages = [e for e in entries if e.key == PASSAGES_KEY]
    assert [e.sha256 for e in windows] == [e.sha256 for e in passages] == \
        [d.sha256 for d in samples]
    assert {e.key for e in entries} == set(unit_keys()) == {DEFAULT_CHUNKING.key, PASSAGES_KEY}
    assert max(len(e.spans) for e in windows) > 1  # long resumes have several windows

    # What the Match page computes and caches for the same documents (windows and passages
    # from one forward pass).
    ranked = Embedder(base_encoder, None, DEFAULT_CHUNKING).embed(samples, passages=True)
    for window, passage, embedding in zip(windows, passages, ranked, strict=True):
        assert window.spans == [tuple(s) for s in embedding.spans]
        assert window.vectors.dtype == passage.vectors.dtype == np.float32
        np.testing.assert_allclose(window.vectors, embedding.chunk_vectors, atol=1e-5)
        assert passage.spans == [tuple(s) for s in embedding.passage_spans]
        np.testing.assert_allclose(passage.vectors, embedding.passage_vectors, atol=1e-5)

    # Written by a bulk job, they are cache hits for the ranking: nothing is encoded.
    assert write_units(store, base_encoder.model_id, entries) == 2 * len(samples)
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    cached = embedder.embed(samples, passages=True)
    assert embedder.stats.misses == 0 and embedder.stats.chunks_encoded == 0
    for window, passage, embedding in zip(windows, passages, cached, strict=True):
        np.testing.assert_array_equal(window.vectors, embedding.chunk_vectors)
        np.testing.assert_array_equal(passage.vectors, embedding.passage_vectors)


def test_missing_units_and_pool_coverage(base_encoder, store: Store) -> None:
    ann, bo = doc("ann", ANN_V1), doc("bo", BO)
    add_documents(store, [ann, bo])
    assert missing_units(store, "base", [ann.sha256, bo.sha256, ann.sha256]) == [
        ann.sha256, bo.sha256]
    assert pool_coverage(store, "base") == (0, 2)

    write_units(store, "base", embed_units(base_encoder, [ann]))
    assert missing_units(store, "base", [ann.sha256, bo.sha256]) == [bo.sha256]
    assert missing_units(store, "other-model", [ann.sha256]) == [ann.sha256]
    assert pool_coverage(store, "base") == (1, 2)
    assert pool_coverage(store, "other-model") == (0, 2)
    assert missing_units(store, "base", []) == []
    assert embed_units(base_encoder, []) == []
