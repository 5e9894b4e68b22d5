"""Passages from the windows' forward pass (late chunking): the window vectors are exactly
those of a plain encode, passage vectors are cached with them, a truncating chunking
leaves unread passages out, and an encoder without token embeddings encodes passages on
their own."""

from __future__ import annotations

import numpy as np
from fixtures_docs import SAMPLE_RESUMES, WordEncoder

from resumatch.embed.embedding import (
    DEFAULT_CHUNKING,
    PASSAGES_KEY,
    Chunking,
    Embedder,
    LazyEncoder,
)
from resumatch.ingest.documents import read_files
from resumatch.ingest.passages import split_passages


def test_one_pass_gives_the_same_windows_and_cached_passages(base_encoder, store) -> None:
    docs, _ = read_files([SAMPLE_RESUMES / "omar_haddad_career_changer.txt",
                          SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt"])
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    found = embedder.embed(docs, passages=True)
    plain = Embedder(base_encoder, None, DEFAULT_CHUNKING).embed(docs)
    for late, reference in zip(found, plain, strict=True):
        np.testing.assert_allclose(late.chunk_vectors, reference.chunk_vectors, atol=1e-5)
        assert late.passage_spans == split_passages(late.doc.text)
        assert late.passage_vectors.shape == (len(late.passage_spans), base_encoder.dim)
        np.testing.assert_allclose(np.linalg.norm(late.passage_vectors, axis=1), 1.0,
                                   atol=1e-5)
    # One forward pass per window, nothing more; a second run loads no model at all.
    assert embedder.stats.chunks_encoded == sum(len(e.spans) for e in found)
    assert set(store.get_embeddings([d.sha256 for d in docs], "base", PASSAGES_KEY)) == \
        {d.sha256 for d in docs}

    def no_model():  # noqa: ANN202
        raise AssertionError("the model was loaded for cached passages")

    again = Embedder(LazyEncoder("base", no_model), store, DEFAULT_CHUNKING)
    cached = again.embed(docs, passages=True)
    np.testing.assert_array_equal(cached[0].passage_vectors, found[0].passage_vectors)
    # A passage vector is about its own text: Omar's Kafka bullet is closest to Kafka.
    omar = found[0]
    kafka = base_encoder.encode(["Kafka streaming consumer"])[0]
    best = int(np.argmax(omar.passage_vectors @ kafka))
    assert "Kafka" in omar.doc.text[slice(*omar.passage_spans[best])]


def test_a_truncating_chunking_leaves_unread_passages_out(base_encoder) -> None:
    docs, _ = read_files([SAMPLE_RESUMES / "omar_haddad_career_changer.txt"])
    first = Embedder(base_encoder, None, Chunking(max_chunks=1)).embed(docs, passages=True)[0]
    assert len(first.spans) == 1
    assert first.passage_spans and all(a < first.spans[0][1] for a, _ in first.passage_spans)
    assert "Kafka" not in " ".join(first.doc.text[a:b] for a, b in first.passage_spans)
    assert Embedder(base_encoder, None, Chunking(max_chunks=1)).passages_key != PASSAGES_KEY


def test_without_token_embeddings_passages_are_encoded_on_their_own(store) -> None:
    docs, _ = read_files([SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt"])
    encoder = WordEncoder()
    found = Embedder(encoder, store, DEFAULT_CHUNKING).embed(docs, passages=True)[0]
    texts = [found.doc.text[a:b] for a, b in found.passage_spans]
    assert set(texts) <= set(encoder.encoded)
    np.testing.assert_allclose(found.passage_vectors, encoder.encode(texts), atol=1e-6)
