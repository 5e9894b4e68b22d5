"""The bulk driver on the local engine, on both store engines: an ingest embeds only what
is not cached, writes vectors before candidates join the pool, bumps the pool version,
resumes after a stop, and a re-embed covers the whole pool for a version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pytest
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES
from pool_support import ANN_V1, ANN_V2, BO, CY, doc

from resumatch.config import Settings
from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
from resumatch.embed.registry import ModelRegistry
from resumatch.ingest.documents import Document, read_files
from resumatch.pool.candidates import add_documents, list_candidates
from resumatch.pool.changes import pool_version
from resumatch.pool.openings import save_opening
from resumatch.pool.search import search_pool
from resumatch.scale.bulk import BulkProgress, ingest, reembed
from resumatch.scale.engine import EncoderSpec, LocalEngine, encoder_spec
from resumatch.scale.units import CacheEntry, missing_units, pool_coverage
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


class CountingEngine:
    """The local engine, counting the documents it was asked to embed."""

    name = "counting"

    def __init__(self, encoder) -> None:  # noqa: ANN001
        self.inner = LocalEngine(batch_docs=3, encoder=encoder)
        self.embedded: list[str] = []

    def __enter__(self) -> CountingEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def describe(self) -> str:
        return "counting local engine"

    def embed(self, spec: EncoderSpec, docs: Iterable[Document]) -> Iterator[list[CacheEntry]]:
        def seen() -> Iterator[Document]:
            for item in docs:
                self.embedded.append(item.sha256)
                yield item
        yield from self.inner.embed(spec, seen())


class Stop(Exception):
    pass


@pytest.fixture
def spec(settings: Settings, store: Store) -> EncoderSpec:
    return encoder_spec(settings, store, ModelRegistry(store, settings.models_dir).base())


def people() -> list[Document]:
    return [doc("ann", ANN_V1), doc("ann_2025", ANN_V2), doc("bo", BO), doc("cy", CY)]


def test_spec_of_the_default_backend_is_the_serving_cache_key(spec: EncoderSpec) -> None:
    assert (spec.version_id, spec.backend, spec.model_id) == ("base", "torch", "base")


def test_ingest_embeds_adds_bumps_and_a_rerun_embeds_nothing(base_encoder, spec, store) -> None:
    docs = people()
    nurse = Document("nurse", (SAMPLE_JOBS / "icu_registered_nurse.txt").read_text(
        encoding="utf-8"))
    # A server's in-memory pool, loaded before the ingest (empty).
    assert search_pool(store, nurse, Embedder(base_encoder, store)).searched == 0
    before = pool_version(store)
    engine = CountingEngine(base_encoder)
    outcomes = []
    reports: list[BulkProgress] = []
    progress = ingest(store, docs, spec, engine, on_outcomes=outcomes.extend,
                      on_progress=lambda p: reports.append(BulkProgress(**p.as_dict())),
                      failed=1)
    assert (progress.total, progress.skipped, progress.done, progress.added,
            progress.failed) == (4, 0, 4, 4, 1)
    assert sorted(engine.embedded) == sorted(d.sha256 for d in docs)
    assert [o.status for o in outcomes].count("possible_duplicate") == 1  # Ann's new version
    assert pool_version(store) != before
    assert missing_units(store, "base", [d.sha256 for d in docs]) == []
    assert reports[0].done == 0 and reports[-1].done == 4 and reports[-1].rate > 0
    assert "4 added to the pool" in progress.message

    # The same process's pool reloads (the version changed) and finds every candidate
    # in the cache: nothing is embedded, not even the job (cached by the first search).
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    found = search_pool(store, nurse, embedder)
    assert found.searched == 4 and found.unsearchable == 0
    assert embedder.stats.misses == 0
    assert found.table["candidate"].iloc[0] == "bo"

    again = CountingEngine(base_encoder)
    rerun = ingest(store, docs + docs[:1], spec, again)
    assert again.embedded == []
    assert (rerun.total, rerun.skipped, rerun.done, rerun.added, rerun.duplicates) == (
        4, 4, 0, 0, 4)
    assert len(list_candidates(store)) == 4


def test_a_stopped_ingest_keeps_what_it_wrote_and_a_rerun_continues(
        base_encoder, spec, store, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, errors = read_files([SAMPLE_RESUMES])
    assert not errors and len(docs) == 12
    engine = CountingEngine(base_encoder)

    def stop_after_first_batch(progress: BulkProgress) -> None:
        if progress.done:
            raise Stop()

    import resumatch.scale.bulk as bulk

    monkeypatch.setattr(bulk, "WRITE_DOCS", 3)  # write after every engine batch
    with pytest.raises(Stop):
        ingest(store, docs, spec, engine, on_progress=stop_after_first_batch)
    left = set(missing_units(store, "base", [d.sha256 for d in docs]))
    written = len(docs) - len(left)
    assert 0 < written < len(docs)
    assert len(list_candidates(store)) == written  # every candidate has its vectors

    engine = CountingEngine(base_encoder)
    rest = ingest(store, docs, spec, engine)
    assert rest.skipped == written and rest.done == len(docs) - written
    assert set(engine.embedded) == left  # nothing written before is embedded again
    assert len(list_candidates(store)) == len(docs)


def test_embedded_documents_not_yet_in_the_pool_join_without_embedding(base_encoder, spec,
                                                                        store) -> None:
    docs = people()
    # As a ranking embeds resumes: windows and passages (issue 11).
    Embedder(base_encoder, store, DEFAULT_CHUNKING).embed(docs[:2], passages=True)
    engine = CountingEngine(base_encoder)
    progress = ingest(store, docs, spec, engine)
    assert sorted(engine.embedded) == sorted(d.sha256 for d in docs[2:])
    assert (progress.skipped, progress.done, progress.added) == (2, 2, 4)


def test_reembed_covers_the_pool_and_openings_for_a_version(base_encoder, spec, store) -> None:
    docs = people()
    add_documents(store, docs)  # added without embedding (pool add --no-embed)
    opening = save_opening(store, "ICU nurse", (SAMPLE_JOBS / "icu_registered_nurse.txt")
                           .read_text(encoding="utf-8"))
    assert pool_coverage(store, "base") == (0, 4)
    before = pool_version(store)
    engine = CountingEngine(base_encoder)
    progress = reembed(store, spec, engine)
    assert (progress.total, progress.skipped, progress.done) == (5, 0, 5)
    assert pool_coverage(store, "base") == (4, 4)
    assert missing_units(store, "base", [opening.as_document().sha256]) == []
    assert pool_version(store) != before  # servers reload the pool's vectors

    engine = CountingEngine(base_encoder)
    rerun = reembed(store, spec, engine)
    assert engine.embedded == [] and (rerun.skipped, rerun.done) == (5, 0)

    stored = store.get_embeddings([docs[0].sha256], "base", DEFAULT_CHUNKING.key)
    fresh = Embedder(base_encoder, None, DEFAULT_CHUNKING).embed(docs[:1])[0]
    np.testing.assert_allclose(stored[docs[0].sha256][0], fresh.chunk_vectors, atol=1e-5)
