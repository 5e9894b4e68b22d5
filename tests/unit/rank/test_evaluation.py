"""The retrieval harness: metrics by hand, data loading and splits, the methods it compares,
the product scoring it evaluates as ``default``, and the dev-split ordering on a small,
fixed subset of the real resumes (so a ranking regression shows in CI)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from fixtures_docs import WordEncoder
from paths import ROOT, SHARED_DATA

from resumatch.embed.embedding import Chunking, DocEmbedding, Embedder
from resumatch.ingest.documents import Document
from resumatch.rank.evaluation import (
    METHODS,
    LabelledResume,
    Query,
    RetrievalTask,
    category_queries,
    dataset_path,
    evaluate_scores,
    format_table,
    livecareer_split,
    load_queries,
    load_resumes,
    method_scores,
    query_metrics,
    run_methods,
    sample_per_category,
)
from resumatch.rank.matching import Scoring, covered_text, keyword_evidence, rankings, score_matrix
from resumatch.rank.scoring import score_pool
from resumatch.store import Store

# -- metrics ---------------------------------------------------------------------------


def test_query_metrics_by_hand() -> None:
    # Ranking: d0 (relevant), d1, d3, d2 (relevant).
    ndcg, rr, precision = query_metrics(np.array([0.9, 0.8, 0.1, 0.5]),
                                        np.array([True, False, True, False]))
    dcg = 1 / math.log2(2) + 1 / math.log2(5)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg == pytest.approx(dcg / ideal)
    assert rr == 1.0
    assert precision == pytest.approx(0.5)  # 2 relevant of the 4 documents there are
    _, rr, _ = query_metrics(np.array([0.9, 0.1, 0.5]), np.array([False, False, True]))
    assert rr == pytest.approx(0.5)


def test_precision_counts_the_first_ten_only() -> None:
    relevant = np.array([True] * 3 + [False] * 9 + [True])
    scores = -np.arange(13, dtype=float)  # already in rank order
    assert query_metrics(scores, relevant)[2] == pytest.approx(0.3)


def test_evaluate_scores_averages_queries_and_skips_absent_categories() -> None:
    scores = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.5], [0.1, 0.3, 0.5]])
    metrics = evaluate_scores(scores, ["a", "b", "b"], ["a", "b", "zzz"])
    assert metrics.queries == 2
    assert metrics.mrr == 1.0 and metrics.ndcg == pytest.approx(1.0)
    assert metrics.as_dict() == {"ndcg@10": 1.0, "mrr": 1.0, "p@10": pytest.approx(0.5)}
    assert evaluate_scores(scores, ["x", "x", "x"], ["a"]).queries == 0


# -- data ------------------------------------------------------------------------------


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_livecareer_split_is_fixed_and_about_half() -> None:
    splits = [livecareer_split(str(i)) for i in range(2000)]
    assert splits == [livecareer_split(str(i)) for i in range(2000)]
    assert 0.45 < splits.count("test") / len(splits) < 0.55


def test_load_resumes_by_published_split_or_by_id_hash(tmp_path: Path) -> None:
    published = write_csv(tmp_path / "published.csv", [
        {"id": "1", "category": "HR", "split": "dev", "text": "NaÃ¯ve Bayes recruiter"},
        {"id": "2", "category": "HR", "split": "test", "text": "recruiter"},
        {"id": "3", "category": "Sales", "split": "dev", "text": "  "},
    ])
    dev = load_resumes(published, "dev")
    assert [r.id for r in dev] == ["1"]  # blank text dropped
    assert dev[0].text == "Naïve Bayes recruiter"  # the product's mojibake repair
    assert load_resumes(published, "dev", clean=False)[0].text.startswith("NaÃ¯ve")
    assert len(load_resumes(published, None)) == 2
    livecareer = write_csv(tmp_path / "lc.csv", [
        {"id": str(i), "category": "CHEF", "split": "dev", "title": "T", "text": f"cook {i}"}
        for i in range(40)])
    halves = {s: {r.id for r in load_resumes(livecareer, s)} for s in ("dev", "test")}
    assert halves["dev"] and halves["test"] and not halves["dev"] & halves["test"]
    assert all(livecareer_split(i) == "dev" for i in halves["dev"])
    with pytest.raises(ValueError, match="split"):
        load_resumes(published, "train")
    assert dataset_path(published, "anything") == published
    with pytest.raises(FileNotFoundError):
        dataset_path(tmp_path, "categories")


def test_queries_from_names_or_a_csv(tmp_path: Path) -> None:
    assert category_queries(["INFORMATION-TECHNOLOGY", "HR", "HR"]) == [
        Query("HR", "hr"), Query("INFORMATION-TECHNOLOGY", "information technology")]
    path = write_csv(tmp_path / "q.csv", [{"category": "HR", "text": "Recruiter\n- ATS"},
                                          {"category": "HR", "text": "HR generalist"}])
    assert [q.category for q in load_queries(path, ["HR", "Sales"])] == ["HR", "HR"]
    with pytest.raises(ValueError, match="not in the data"):
        load_queries(path, ["Sales"])


def test_shipped_queries_cover_both_data_sets_categories() -> None:
    for name, categories in [
        ("queries_categories.csv", 25), ("queries_livecareer.csv", 24)]:
        queries = load_queries(ROOT / "bench" / name)
        assert len({q.category for q in queries}) == categories
        assert all(len(q.text.split()) > 40 for q in queries)


def test_sample_per_category_is_fixed_and_capped() -> None:
    resumes = [LabelledResume(str(i), "A" if i % 3 else "B", "dev", "x") for i in range(30)]
    picked = sample_per_category(resumes, 4)
    assert picked == sample_per_category(list(reversed(resumes)), 4)
    assert sorted(r.category for r in picked) == ["A"] * 4 + ["B"] * 4


# -- the product scoring the harness evaluates as "default" ----------------------------


def emb(name: str, chunks: list[list[float]], text: str = "x") -> DocEmbedding:
    vectors = np.asarray(chunks, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pooled = vectors.mean(axis=0)
    return DocEmbedding(Document(name, text), vectors, [(0, len(text))] * len(vectors),
                        pooled / np.linalg.norm(pooled))


def test_chunk_scores_take_the_best_windows_not_the_average() -> None:
    long_resume = emb("long", [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    short_resume = emb("short", [[0.6, 0.8, 0]])
    job = emb("job", [[1, 0, 0]])
    best = score_matrix([long_resume, short_resume], [job], Scoring(top_k=1))
    np.testing.assert_allclose(best[:, 0], [1.0, 0.6], atol=1e-6)
    two = score_matrix([long_resume, short_resume], [job], Scoring(top_k=2))
    np.testing.assert_allclose(two[:, 0], [0.5, 0.6], atol=1e-6)  # short: its one window
    pooled = score_matrix([long_resume], [job], Scoring(top_k=0))
    assert pooled[0, 0] == pytest.approx(1 / math.sqrt(3), abs=1e-6)
    # Each job window is compared too: a two-window job matches the second window.
    job2 = emb("job2", [[0, 0, 1], [0, 1, 0]])
    np.testing.assert_allclose(score_matrix([long_resume], [job, job2])[0], [1.0, 1.0],
                               atol=1e-6)


def test_keyword_evidence_is_a_z_score_per_job_and_off_for_tiny_pools() -> None:
    texts = ["spark airflow kafka", "nurse icu", "payroll audit", "spark nurse"]
    resumes = [emb(str(i), [[1, 0]], t) for i, t in enumerate(texts)]
    jobs = [emb("de", [[1, 0]], "spark airflow"), emb("void", [[1, 0]], "quantum")]
    z = keyword_evidence(resumes, jobs)
    assert int(np.argmax(z[:, 0])) == 0
    assert z[:, 0].mean() == pytest.approx(0.0, abs=1e-9)
    assert z[:, 0].std() == pytest.approx(1.0)
    np.testing.assert_array_equal(z[:, 1], 0.0)  # flat scores carry no evidence
    np.testing.assert_array_equal(keyword_evidence(resumes[:2], jobs), 0.0)


def test_keywords_read_only_the_text_the_model_read() -> None:
    text = "first window words " + "later spark " * 5
    truncated = DocEmbedding(Document("a", text), np.ones((1, 2), np.float32), [(0, 18)],
                             np.ones(2, np.float32))
    assert covered_text(truncated) == "first window words"


def test_score_pool_ranks_by_cosine_plus_keywords_and_fit_follows_rank() -> None:
    rng = np.random.default_rng(3)
    texts = ["spark airflow", "nurse", "audit", "spark", "chef menus"]
    resumes = [emb(str(i), rng.normal(size=(2, 8)), t) for i, t in enumerate(texts)]
    jobs = [emb("de", rng.normal(size=(1, 8)), "spark airflow engineer")]
    scoring = Scoring(top_k=1, keyword_weight=0.05)
    pool = score_pool(resumes, jobs, scoring)
    np.testing.assert_allclose(pool.ranking, pool.cosine + 0.05 * pool.keyword)
    order = np.argsort(-pool.ranking[:, 0])
    assert (np.diff(pool.fit[order, 0]) <= 0).all()
    table = rankings(pool.cosine, texts, ["de"], rank_by=pool.ranking, extra={"fit": pool.fit})
    assert list(table.columns) == ["job", "resume", "score", "rank", "job_rank", "fit"]
    assert table.resume.tolist() == [texts[i] for i in order]
    assert table.fit.is_monotonic_decreasing


# -- the methods, on a millisecond stand-in encoder -------------------------------------


def word_task(store: Store) -> RetrievalTask:
    filler = " ".join(f"w{i}" for i in range(30))
    resumes = [LabelledResume("1", "DE", "dev", f"{filler} spark airflow pipelines"),
               LabelledResume("2", "DE", "dev", "spark kafka data pipelines"),
               LabelledResume("3", "RN", "dev", "icu nurse ventilator care"),
               LabelledResume("4", "RN", "dev", f"{filler} nurse patients icu"),
               LabelledResume("5", "ACC", "dev", "audit payroll ledger")]
    queries = [Query("DE", "spark pipelines"), Query("RN", "icu nurse"), Query("ACC", "audit")]
    encoder = WordEncoder(max_tokens=16)
    return RetrievalTask(resumes, queries,
                         lambda model, chunking: Embedder(encoder, store, chunking))


def test_every_method_scores_every_resume_for_every_query(store: Store) -> None:
    task = word_task(store)
    results = run_methods(task, METHODS)
    assert list(results) == list(METHODS)
    assert all(m.queries == 3 for m in results.values())
    # The ranking before issue 11 is kept as "old-default"; "default" is the product's.
    old = score_pool(*task.embeddings("base", Chunking()), Scoring(top_k=1,
                                                                   keyword_weight=0.05))
    assert results["old-default"] == task.evaluate(old.ranking)
    assert results["default"] == task.evaluate(task.product_scores("base").ranking)
    table = format_table(results, "title")
    assert table.splitlines()[0] == "title" and "minilm-truncate" in table
    with pytest.raises(ValueError, match="unknown method"):
        method_scores(task, "tf-idf")


def test_truncation_reuses_the_first_cached_window(store: Store) -> None:
    task = word_task(store)
    reused = method_scores(task, "minilm-truncate")
    truncated = task.embeddings("base", Chunking(window=256, overlap=0, max_chunks=1))
    direct = np.stack([e.vector for e in truncated[0]]) @ np.stack(
        [e.vector for e in truncated[1]]).T
    np.testing.assert_allclose(reused, direct, atol=1e-6)


# -- the pinned dev-split ordering on real resumes ---------------------------------------

PINNED_CATEGORIES = ("Automation Testing", "Testing", "Java Developer", "DotNet Developer")


@pytest.fixture(scope="module")
def real_subset(base_encoder, tmp_path_factory: pytest.TempPathFactory):
    if not (SHARED_DATA / "resumes_by_category.csv").exists():
        pytest.skip("shared evaluation data not present")
    resumes = load_resumes(SHARED_DATA / "resumes_by_category.csv", "dev")
    resumes = sample_per_category([r for r in resumes if r.category in PINNED_CATEGORIES], 4)
    store = Store(tmp_path_factory.mktemp("eval") / "state.sqlite3")
    return resumes, lambda model, chunking: Embedder(base_encoder, store, chunking)


@pytest.mark.slow
@pytest.mark.parametrize("queries", ["category names", "job descriptions"])
def test_default_beats_bm25_and_truncation_on_a_fixed_dev_subset(real_subset,
                                                                  queries: str) -> None:
    resumes, embedder_for = real_subset
    assert len(resumes) == 16 and {r.category for r in resumes} == set(PINNED_CATEGORIES)
    if queries == "category names":
        chosen = category_queries(PINNED_CATEGORIES)
    else:
        chosen = [q for q in load_queries(ROOT / "bench" / "queries_categories.csv")
                  if q.category in PINNED_CATEGORIES]
    results = run_methods(RetrievalTask(resumes, chosen, embedder_for),
                          ["bm25", "minilm-truncate", "default"])
    ndcg = {method: round(m.ndcg, 3) for method, m in results.items()}
    assert ndcg["default"] > ndcg["bm25"], ndcg
    assert ndcg["default"] > ndcg["minilm-truncate"], ndcg
