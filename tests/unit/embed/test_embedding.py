"""Chunking long texts, pooling, and the embedding cache that never encodes a text twice."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_docs import WordEncoder

from resumatch.embed.embedding import (
    Chunking,
    Embedder,
    LazyEncoder,
    chunk_spans,
    pool,
)
from resumatch.ingest.documents import Document
from resumatch.store import Store

WORDS = ("pipeline spark airflow kafka sql python nurse patient ledger audit store sales "
         "team budget schedule").split()


def long_text(n_words: int, last_word: str = "finale") -> str:
    body = [WORDS[i % len(WORDS)] + str(i) for i in range(n_words - 1)]
    return " ".join([*body, last_word])


# -- chunk_spans ---------------------------------------------------------------------------

def test_windows_overlap_and_reach_the_end() -> None:
    offsets = [(i * 2, i * 2 + 1) for i in range(10)]  # ten one-letter tokens "a b c ..."
    spans = chunk_spans(offsets, 19, window=6, overlap=1)  # 4 content tokens, stride 3
    assert spans == [(0, 7), (6, 13), (12, 19)]  # tokens 0-3, 3-6, 6-9: the last one ends it


def test_max_chunks_truncates_like_a_plain_encoder() -> None:
    offsets = [(i * 2, i * 2 + 1) for i in range(10)]
    assert chunk_spans(offsets, 19, window=6, overlap=1, max_chunks=1) == [(0, 7)]
    assert chunk_spans(offsets, 19, window=6, overlap=1, max_chunks=2) == [(0, 7), (6, 13)]


def test_short_and_tokenless_texts() -> None:
    assert chunk_spans([(0, 5)], 5, window=256, overlap=32) == [(0, 5)]
    assert chunk_spans([], 3, window=256, overlap=32) == [(0, 3)]  # e.g. only whitespace tokens
    assert chunk_spans([], 0, window=256, overlap=32) == []


def test_a_600_word_text_is_split_into_overlapping_chunks_covering_the_end() -> None:
    text = long_text(600)
    embedder = Embedder(WordEncoder(max_tokens=256))
    spans = embedder.split(text)
    assert len(spans) == 3  # 254 content tokens per window, stride 222: starts 0, 222, 444
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    assert text[spans[-1][0]:spans[-1][1]].endswith("finale")
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert next_start < end  # consecutive windows overlap
    assert all(len(text[a:b].split()) <= 254 for a, b in spans)


def test_real_tokenizer_windows_fit_the_model_and_cover_the_end(base_encoder) -> None:
    text = long_text(600, last_word="Kubernetes.")
    spans = Embedder(base_encoder).split(text)
    assert len(spans) >= 3
    assert spans[-1][1] == len(text)
    for a, b in spans:
        assert len(base_encoder.token_offsets(text[a:b])) + 2 <= base_encoder.max_tokens


# -- Chunking and pooling ------------------------------------------------------------------

def test_chunking_key_names_what_changes_the_vectors() -> None:
    assert Chunking().key == "w256-o32"
    assert Chunking(max_chunks=1).key == "w256-o32-n1"
    assert Chunking(pooling="max").key == Chunking().key  # pooling happens after the cache


@pytest.mark.parametrize("kwargs", [{"window": 8}, {"overlap": -1}, {"window": 64, "overlap": 40},
                                    {"pooling": "median"}])
def test_chunking_refuses_bad_settings(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Chunking(**kwargs)


def test_pooling_gives_unit_vectors() -> None:
    chunks = np.array([[3.0, 0.0], [0.0, 4.0]], dtype=np.float32)
    np.testing.assert_allclose(pool(chunks, "mean"), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(pool(chunks, "max"), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(pool(chunks, "first"), [1.0, 0.0])
    assert not pool(np.zeros((2, 2), np.float32)).any()  # no division by zero
    with pytest.raises(ValueError):
        pool(chunks, "median")


# -- the cache -----------------------------------------------------------------------------

@pytest.fixture
def docs() -> list[Document]:
    return [Document("ann", "Data engineer building Spark pipelines"),
            Document("bo", long_text(600)),
            Document("cy", "Registered nurse in an intensive care unit")]


def test_embedding_the_same_docs_twice_encodes_nothing_the_second_time(store: Store,
                                                                        docs) -> None:
    encoder = WordEncoder()
    embedder = Embedder(encoder, store)
    first = embedder.embed(docs)
    assert (embedder.stats.misses, embedder.stats.hits) == (3, 0)
    assert embedder.stats.chunks_encoded == 5  # 1 + 3 + 1
    assert len(encoder.encoded) == 5

    second = embedder.embed(docs)
    assert (embedder.stats.misses, embedder.stats.hits) == (3, 3)
    assert embedder.stats.chunks_encoded == 5
    assert len(encoder.encoded) == 5
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a.vector, b.vector)
        assert a.spans == b.spans


def test_a_new_process_reuses_the_cache_without_loading_the_model(store: Store, docs) -> None:
    Embedder(WordEncoder(), store).embed(docs)
    loads = []

    def load() -> WordEncoder:
        loads.append(1)
        return WordEncoder()

    lazy = LazyEncoder("words", load)
    embedder = Embedder(lazy, store)
    got = embedder.embed(list(reversed(docs)))
    assert [e.doc.name for e in got] == ["cy", "bo", "ann"]
    assert embedder.stats.misses == 0 and embedder.stats.chunks_encoded == 0
    assert loads == []  # nothing to encode, so the model was never loaded

    embedder.embed([Document("dee", "Accountant")])
    assert loads == [1] and embedder.stats.misses == 1


def test_cache_is_per_model_and_per_chunking(store: Store, docs) -> None:
    Embedder(WordEncoder("words"), store).embed(docs)
    other_model = Embedder(WordEncoder("words-v2"), store)
    other_model.embed(docs)
    assert other_model.stats.misses == 3
    truncating = Embedder(WordEncoder("words"), store, Chunking(max_chunks=1))
    truncating.embed(docs)
    assert truncating.stats.misses == 3
    assert truncating.stats.chunks_encoded == 3  # one window per document


def test_duplicates_in_a_batch_are_encoded_once(store: Store) -> None:
    shared = "Led a team of five engineers."
    batch = [Document("a", "Data engineer"), Document("a copy", "Data engineer"),
             Document("b", f"Nurse.\n{shared}")]
    encoder = WordEncoder()
    embedder = Embedder(encoder, store)
    got = embedder.embed(batch)
    assert len(got) == 3 and embedder.stats.misses == 2
    np.testing.assert_array_equal(got[0].vector, got[1].vector)
    assert len(encoder.encoded) == 2


def test_doc_embeddings_keep_spans_passages_and_unit_vectors(docs) -> None:
    got = Embedder(WordEncoder()).embed(docs)  # no store: still works, just not cached
    bo = got[1]
    assert bo.chunk_vectors.shape == (3, WordEncoder.dim)
    assert [bo.doc.text[a:b] for a, b in bo.spans] == bo.passages
    assert bo.passages[-1].endswith("finale")
    for emb in got:
        assert np.linalg.norm(emb.vector) == pytest.approx(1.0, abs=1e-5)


def test_progress_is_reported_even_when_everything_is_cached(store: Store, docs) -> None:
    calls: list[tuple[int, int, str]] = []
    Embedder(WordEncoder(), store).embed(docs, lambda d, t, n: calls.append((d, t, n)))
    assert calls and calls[-1][0] == calls[-1][1]
    calls.clear()
    Embedder(WordEncoder(), store).embed(docs, lambda d, t, n: calls.append((d, t, n)))
    assert calls == [(1, 1, "all embeddings cached")]


def test_real_model_vectors_are_unit_length_and_cached(base_encoder, store: Store) -> None:
    batch = [Document("ann", "Data engineer: Spark, Airflow and Kafka pipelines."),
             Document("cy", long_text(400))]
    embedder = Embedder(base_encoder, store)
    got = embedder.embed(batch)
    assert got[0].vector.shape == (base_encoder.dim,) == (384,)
    for emb in got:
        assert np.linalg.norm(emb.vector) == pytest.approx(1.0, abs=1e-5)
        np.testing.assert_allclose(np.linalg.norm(emb.chunk_vectors, axis=1), 1.0, atol=1e-5)
    assert len(got[1].spans) >= 2
    before = embedder.stats.chunks_encoded
    embedder.embed(batch)
    assert embedder.stats.chunks_encoded == before
    assert embedder.stats.hits == 2


def test_token_offsets_are_safe_while_another_thread_encodes(base_encoder) -> None:
    # The app's warm-up thread (or another session) encodes while a ranking asks for token
    # spans; a shared Rust tokenizer then raised "RuntimeError: Already borrowed"
    # (huggingface/tokenizers#537). A fixed number of rounds, never a time limit.
    import threading

    texts = [f"Python developer with Django and PostgreSQL, {i} years. " * (i % 12 + 1)
             for i in range(32)]
    expected_spans = base_encoder.token_spans(texts[5])
    expected_offsets = base_encoder.token_offsets(texts[7])
    errors: list[BaseException] = []
    encoding_done = threading.Event()

    def encode() -> None:
        try:
            for _ in range(3):
                base_encoder.encode(texts)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            encoding_done.set()

    def tokenize() -> None:
        try:
            while not encoding_done.is_set():
                assert base_encoder.token_spans(texts[5]) == expected_spans
                assert base_encoder.token_offsets(texts[7]) == expected_offsets
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=encode)] + [threading.Thread(target=tokenize)
                                                   for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


FIRST_IMPORTS_IN_TWO_THREADS = """
import threading
from resumatch.embed.embedding import SentenceTransformerEncoder, base_model_path
from resumatch.train.training import load_model, progress_callback

errors = []

def run(step):
    try:
        step()
    except Exception as error:
        errors.append(repr(error))

steps = [lambda: SentenceTransformerEncoder(base_model_path(), "base"),
         lambda: (progress_callback(print), load_model(base_model_path()))]
threads = [threading.Thread(target=run, args=(step,)) for step in steps]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors)
"""


@pytest.mark.parametrize("attempt", range(2))
def test_two_threads_can_import_and_load_the_model_at_once(attempt: int) -> None:
    # The app's warm-up thread loads the model while a page imports the training stack;
    # sentence-transformers' modules import each other in cycles, and a second thread then
    # got "cannot import name ... from partially initialized module". A fresh process each
    # time (the race is in the first import).
    import subprocess
    import sys

    from paths import ROOT

    done = subprocess.run([sys.executable, "-c", FIRST_IMPORTS_IN_TWO_THREADS], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
