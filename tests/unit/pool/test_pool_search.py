"""Pool search ranks the whole pool exactly as ``score_pool`` does, from cached vectors,
reloads only when the pool changes, and filters after scoring."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from paths import ASSETS, SHARED_DATA

from resumatch.embed.embedding import DEFAULT_CHUNKING, DocEmbedding, Embedder, pool
from resumatch.ingest.documents import Document, normalize_text, read_files
from resumatch.pool import candidates, field_store
from resumatch.pool.filters import FieldFilter
from resumatch.pool.search import IndexEntry, PoolIndex, score_pool_for_job, search_pool
from resumatch.rank.matching import Scoring, covered_text
from resumatch.rank.scoring import score_pool
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


def synthetic(texts: list[str], seed: int = 0) -> list[DocEmbedding]:
    rng = np.random.default_rng(seed)
    out = []
    for i, text in enumerate(texts):
        k = int(rng.integers(1, 6))
        vectors = rng.standard_normal((k, 16)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        step = max(len(text) // k, 1)
        spans = [(j * step, min((j + 1) * step + 20, len(text))) for j in range(k)]
        out.append(DocEmbedding(Document(f"c{i}", text), vectors, spans, pool(vectors)))
    return out


@pytest.mark.parametrize("scoring", [Scoring(), Scoring(top_k=2), Scoring(top_k=0),
                                     Scoring(keyword_weight=0.0)])
def test_precomputed_scores_equal_score_pool(scoring: Scoring) -> None:
    frame = pd.read_csv(SHARED_DATA / "livecareer_dev.csv").head(60)
    texts = [normalize_text(t) for t in frame["text"]] + ["", "Short text only"]
    resumes = synthetic(texts)
    job = synthetic([normalize_text(frame["text"].iloc[3])[:3000]], seed=1)[0]
    index = PoolIndex("m", "k")
    index.build([IndexEntry(i, e.doc.sha256 + str(i), e.doc.name, e.chunk_vectors, e.spans,
                            covered_text(e)) for i, e in enumerate(resumes)])
    fast = score_pool_for_job(index, job, scoring=scoring)
    exact = score_pool(resumes, [job], scoring)
    for name in ("cosine", "keyword", "ranking", "fit"):
        np.testing.assert_allclose(getattr(fast, name), getattr(exact, name), rtol=1e-6,
                                   atol=1e-6, err_msg=name)
    assert fast.keyword.std() > 0.5  # keyword evidence is really compared


def test_tiny_pools_have_no_keyword_evidence() -> None:
    resumes = synthetic(["python developer", "nurse"])
    job = synthetic(["python"], seed=3)[0]
    index = PoolIndex("m", "k")
    index.build([IndexEntry(i, str(i), e.doc.name, e.chunk_vectors, e.spans, e.doc.text)
                 for i, e in enumerate(resumes)])
    np.testing.assert_array_equal(score_pool_for_job(index, job).keyword,
                                  score_pool(resumes, [job]).keyword)


def test_search_the_pool_with_the_real_model(store: Store, base_encoder) -> None:
    resumes, _ = read_files([ASSETS / "sample_resumes"])
    (job,) = read_files([ASSETS / "sample_jobs" / "senior_data_engineer.md"])[0]
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    candidates.add_documents(store, resumes[:8])
    index = PoolIndex(embedder.encoder.model_id, DEFAULT_CHUNKING.key)

    found = search_pool(store, job, embedder, index=index)
    assert found.searched == 8 and found.unsearchable == 0
    assert found.table["candidate"].iloc[0] == "alice_nguyen_data_engineer"
    assert found.table["rank"].tolist() == list(range(1, 9))
    product = search_pool(store, job, embedder, index=index, method="product")
    pd.testing.assert_frame_equal(found.table, product.table)

    # The index reloads only when the pool changed, and then only the new documents.
    assert not index.refresh(store, embedder)
    candidates.add_documents(store, resumes[8:])
    assert index.refresh(store, embedder)
    assert len(index) == len(resumes)

    # Filters apply after scoring: the scores of those kept do not change.
    whole = search_pool(store, job, embedder, index=index).table.set_index("candidate_id")
    alice = int(whole.index[0])
    field_store.correct(store, alice, "years_experience", 1)
    narrowed = search_pool(store, job, embedder, FieldFilter(min_years=3), top=3, index=index)
    assert alice not in narrowed.table["candidate_id"].tolist()
    assert len(narrowed.table) <= 3 and narrowed.filtered_out >= 1
    for _, row in narrowed.table.iterrows():
        assert row["score"] == whole.loc[row["candidate_id"], "score"]
        assert float(row["years_experience"]) >= 3
