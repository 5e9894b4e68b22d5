"""Bulk reading and embedding on Ray Data: a real local Ray ingest of a small folder reads
what ``read_files`` reads and gives the local engine's vectors (to float error), and a
rerun embeds nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from fixtures_docs import SAMPLE_RESUMES

from resumatch.config import Settings
from resumatch.embed.embedding import DEFAULT_CHUNKING
from resumatch.embed.registry import ModelRegistry
from resumatch.ingest.documents import Document, read_files
from resumatch.pool.candidates import list_candidates
from resumatch.scale.bulk import ingest
from resumatch.scale.engine import LocalEngine, encoder_spec, make_engine
from resumatch.scale.ray_ingest import columns_to_entries, entries_to_columns
from resumatch.scale.units import embed_units
from resumatch.store import Store


def test_entries_survive_the_trip_through_ray_columns(base_encoder) -> None:
    entries = embed_units(base_encoder, [Document("a", "Nurse. " * 400), Document("b", "Hi")])
    back = columns_to_entries(entries_to_columns(entries))
    assert [(e.sha256, e.key, e.spans) for e in back] == [(e.sha256, e.key, e.spans)
                                                          for e in entries]
    for got, sent in zip(back, entries, strict=True):
        np.testing.assert_array_equal(got.vectors, sent.vectors)
    assert columns_to_entries(entries_to_columns([])) == []


@pytest.mark.slow
def test_a_local_ray_ingest_equals_the_local_engine(base_encoder, tmp_path: Path) -> None:
    import ray

    folder = tmp_path / "incoming"
    shutil.copytree(SAMPLE_RESUMES, folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    docs, errors = read_files([folder])
    assert len(docs) == 12 and [e.source for e in errors] == ["broken.pdf"]
    settings = Settings(data_dir=tmp_path / "ray")
    on_ray = Store(settings.db_path)
    spec = encoder_spec(settings, on_ray, ModelRegistry(on_ray, settings.models_dir).base())
    files = sorted(str(path) for path in folder.iterdir())

    with make_engine("ray", actors=2) as engine:  # no address: Ray on this machine
        # Reading in Ray tasks gives what read_files gives, in file order.
        read = list(engine.read(files))
        assert sum(count for count, _, _ in read) == len(files) == 13
        assert [d for _, got, _ in read for d in got] == docs
        assert [e for _, _, failed in read for e in failed] == errors
        progress = ingest(on_ray, docs, spec, engine)
        assert "2 actor(s)" in engine.describe() and "local" in engine.describe()
        assert (progress.total, progress.done, progress.added) == (12, 12, 12)
        rerun = ingest(on_ray, docs, spec, engine)
        assert (rerun.skipped, rerun.done, rerun.added, rerun.duplicates) == (12, 0, 0, 12)
    assert not ray.is_initialized()  # the engine stopped the Ray it started
    assert len(list_candidates(on_ray)) == 12

    local = Store(tmp_path / "local.sqlite3")
    with LocalEngine(encoder=base_encoder) as engine:
        ingest(local, docs, spec, engine)

    hashes = [doc.sha256 for doc in docs]
    from_ray = on_ray.get_embeddings(hashes, spec.model_id, DEFAULT_CHUNKING.key)
    from_local = local.get_embeddings(hashes, spec.model_id, DEFAULT_CHUNKING.key)
    assert set(from_ray) == set(from_local) == set(hashes)
    for sha in hashes:
        ray_vectors, ray_spans = from_ray[sha]
        local_vectors, local_spans = from_local[sha]
        assert ray_spans == local_spans
        np.testing.assert_allclose(ray_vectors, local_vectors, atol=1e-5)
