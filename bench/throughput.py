"""Encoder throughput against the torch fp32 baseline, all in one process.

1. Speed: docs/s and chunks/s of every backend (torch, onnx, onnx-int8, openvino,
   openvino-int8, and ``torch-b32``: torch with the batch size of 32 used before this
   benchmark picked 8) embedding real resumes (livecareer_dev.csv, ~800 words, 3-4 windows of
   256 tokens each), best of ``--repeats`` passes taken in turn, so every backend sees
   the same noise from other processes; ratio to torch fp32 measured in this process.
2. Agreement with torch fp32 on a ``--resumes`` x ``--jobs`` matrix (200 x 25): mean and
   minimum cosine of the chunk vectors; top-10 agreement, the share of jobs whose top-10
   candidates are the same set (order aside; Kendall tau measures order); the mean top-10
   overlap; the top-10 agreement that forgives swaps of near-ties (within
   ``backends.TIE_MARGIN`` of torch's 10th score); Kendall tau of each job's full ranking,
   averaged. Scores are the product's
   cosine (``matching.score_matrix`` with its default scoring).
3. Auto: what ``RESUMATCH_BACKEND=auto`` serves here (its check runs once per model
   version and is kept in the bench data dir's store).
4. Cache: time to rank a pool the first time (auto backend, model load included) and an
   unchanged pool again (fresh process state, everything from the embedding cache).
   First ranking against the ranking before issue 11 (windows only, best window + BM25),
   same encoder already loaded, fresh stores, taken in turn: ``first_rank_vs_before``.
5. Scale: a 10,000 x 100 score matrix plus rankings from cached (random unit) chunk
   vectors, 3 windows per resume and 2 per job.
6. What users see (issue 14, ``resumatch.rank.acceptance``), against torch fp32 on the
   dev harness of ``bench/quality.py``: the small shared set's dev split (101 resumes) and
   every LiveCareer dev resume (472; ``--harness-per-category N`` keeps N per category for
   a faster, noisier look), each with the three query styles (names, short postings,
   formal profiles), ranked by the product (``score_pool``). Every backend; with
   ``--quick`` torch and the backend auto serves only (about 5 + 3 minutes).
   ``ndcg_delta``: the largest nDCG@10 change over the six (set, style) tasks;
   ``fit_mae``: mean absolute change of the 0-100 fit over every (resume, query) pair;
   ``evidence_agreement``: share of requirement cells with the same met/not-met verdict.
   Thresholds: 0.005, 2 points, 98%.
7. Cold start: ``cold_first_rank_s`` from ``bench/cold_start.py``
   (``measure_cold_first_rank(quick=True)``), null if that module is missing.

Run: ``python bench/throughput.py`` (first run exports the four models into ``--data-dir``,
a few minutes; about 10-15 minutes in all on 2 cores), or ``--quick`` for every backend on
a small set (a few minutes once the exports exist, most of it the quality harness). The
last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resumatch.embed import backends  # noqa: E402
from resumatch.embed.embedding import (  # noqa: E402
    DEFAULT_CHUNKING,  # noqa: E402
    DocEmbedding,
    Embedder,
    LazyEncoder,
)
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.ingest.documents import Document  # noqa: E402
from resumatch.pipeline import match  # noqa: E402
from resumatch.rank import acceptance  # noqa: E402
from resumatch.rank.evaluation import (  # noqa: E402
    QUERY_FILES,
    STYLES,
    RetrievalTask,
    category_queries,
    dataset_path,
    load_queries,
    load_resumes,
    sample_per_category,
)
from resumatch.rank.matching import rankings, score_matrix  # noqa: E402
from resumatch.rank.memo import RANKINGS  # noqa: E402
from resumatch.store import Store  # noqa: E402

TORCH_BEFORE = "torch-b32"  # torch fp32 as shipped before: batch size 32
QUIET_LOGGERS = ("sentence_transformers", "nncf", "optimum", "transformers", "datasets",
                 "root", "onnxruntime", "openvino")


def load_pool(n_resumes: int, n_jobs: int) -> tuple[list[Document], list[Document]]:
    """Real resumes (livecareer dev, by id) and job descriptions written for the same
    occupations (bench/queries_*.csv; category names if those are missing)."""
    frame = pd.read_csv(DATA / "livecareer_dev.csv").sort_values("id").head(n_resumes)
    resumes = [Document(f"{row.category}_{row.id}", row.text) for row in frame.itertuples()]
    jobs: list[Document] = []
    for name in ("queries_livecareer.csv", "queries_categories.csv"):
        path = ROOT / "bench" / name
        if path.exists():
            queries = pd.read_csv(path)
            jobs += [Document(f"job {row.category}", row.text) for row in queries.itertuples()]
    if len(jobs) < n_jobs:
        categories = pd.read_csv(DATA / "resumes_by_category.csv")["category"].unique()
        jobs += [Document(f"role {c}", str(c)) for c in categories]
    return resumes, jobs[:n_jobs]


def embed_timed(encoder, docs: list[Document]) -> tuple[float, list[DocEmbedding]]:
    """Seconds to embed ``docs`` without a cache (chunking and dedupe included)."""
    started = time.perf_counter()
    embedded = Embedder(encoder, None, DEFAULT_CHUNKING).embed(docs)
    return time.perf_counter() - started, embedded


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import kendalltau

    return float(np.mean([kendalltau(a[:, j], b[:, j]).statistic for j in range(a.shape[1])]))


def agreement(reference: tuple[list[DocEmbedding], list[DocEmbedding]],
              ours: tuple[list[DocEmbedding], list[DocEmbedding]], k: int = 10) -> dict:
    ref_vectors = np.concatenate([e.chunk_vectors for e in reference[0] + reference[1]])
    our_vectors = np.concatenate([e.chunk_vectors for e in ours[0] + ours[1]])
    cosines = (ref_vectors * our_vectors).sum(axis=1)
    ref_scores, our_scores = score_matrix(*reference), score_matrix(*ours)
    top_ref = np.argsort(-ref_scores, axis=0, kind="stable")[:k]
    top_our = np.argsort(-our_scores, axis=0, kind="stable")[:k]
    overlaps = [len(set(top_ref[:, j]) & set(top_our[:, j])) / k
                for j in range(ref_scores.shape[1])]
    return {"mean_cosine": float(cosines.mean()), "min_cosine": float(cosines.min()),
            "top10_agreement": backends.top_k_agreement(ref_scores, our_scores, k),
            "top10_near_ties": backends.top_k_agreement(ref_scores, our_scores, k,
                                                        backends.TIE_MARGIN),
            "top10_overlap": float(np.mean(overlaps)),
            "kendall_tau": kendall_tau(ref_scores, our_scores)}


def random_embeddings(n: int, chunks: int, dim: int, rng: np.random.Generator,
                      prefix: str) -> list[DocEmbedding]:
    vectors = rng.standard_normal((n, chunks, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=2, keepdims=True)
    pooled = vectors.mean(axis=1)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    return [DocEmbedding(Document(f"{prefix}{i}", ""), vectors[i], [(0, 0)] * chunks, pooled[i])
            for i in range(n)]


def matrix_seconds(n_resumes: int, n_jobs: int, repeats: int) -> dict:
    """Best time for the score matrix plus the rankings table from cached vectors."""
    rng = np.random.default_rng(0)
    resumes = random_embeddings(n_resumes, 3, 384, rng, "r")
    jobs = random_embeddings(n_jobs, 2, 384, rng, "j")
    names_r, names_j = [e.doc.name for e in resumes], [e.doc.name for e in jobs]
    best = {"matrix_s": 1e9, "rankings_s": 1e9}
    for _ in range(repeats):
        started = time.perf_counter()
        scores = score_matrix(resumes, jobs)
        middle = time.perf_counter()
        table = rankings(scores, names_r, names_j)
        best["matrix_s"] = min(best["matrix_s"], middle - started)
        best["rankings_s"] = min(best["rankings_s"], time.perf_counter() - middle)
    assert len(table) == n_resumes * n_jobs
    return {**best, "total_s": best["matrix_s"] + best["rankings_s"]}


def rerank_seconds(version, data_dir: Path, resumes, jobs,
                   ) -> tuple[float, float, float, str]:
    """(first ranking, same pool again, same pool again without the ranking memo: scored
    again from cached vectors, as a new process would) through a fresh store, as two app
    sessions would; and the model id."""
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "state.sqlite3")
        bench_store = Store(data_dir / "resumatch.sqlite3")  # where auto's decision lives
        started = time.perf_counter()
        encoder = backends.serving_encoder(version, backends.AUTO, data_dir, bench_store,
                                           judge=acceptance.ProductJudge())
        first = match(resumes, jobs, Embedder(encoder, store, DEFAULT_CHUNKING))
        first_s = time.perf_counter() - started

        def no_model():  # noqa: ANN202
            raise AssertionError("the model was loaded for a fully cached pool")

        started = time.perf_counter()
        again = match(resumes, jobs, Embedder(LazyEncoder(first.model_id, no_model), store,
                                              DEFAULT_CHUNKING))
        second_s = time.perf_counter() - started
        assert np.array_equal(first.scores, again.scores)
        RANKINGS.clear()
        started = time.perf_counter()
        scored = match(resumes, jobs, Embedder(LazyEncoder(first.model_id, no_model), store,
                                               DEFAULT_CHUNKING))
        scored_s = time.perf_counter() - started
        assert np.array_equal(first.scores, scored.scores)
        return first_s, second_s, scored_s, first.model_id


def first_rank_ratio(encoder, resumes, jobs, repeats: int = 2) -> tuple[float, float]:
    """(seconds before issue 11, seconds now) for a first ranking of the same pool with an
    already loaded encoder in a fresh store: windows + old scoring, against the product's
    match() (windows and passages in one pass, requirements, reference baselines).
    Best of ``repeats``, taken in turn."""
    from resumatch.rank.matching import DEFAULT_SCORING
    from resumatch.rank.matching import rankings as table_of
    from resumatch.rank.scoring import score_pool

    before, now = float("inf"), float("inf")
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            embedder = Embedder(encoder, Store(Path(scratch) / "old.sqlite3"), DEFAULT_CHUNKING)
            r, j = embedder.embed(resumes), embedder.embed(jobs)
            pool = score_pool(r, j, DEFAULT_SCORING)
            table_of(pool.cosine, [d.name for d in resumes], [d.name for d in jobs],
                     rank_by=pool.ranking, extra={"fit": pool.fit})
            before = min(before, time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            match(resumes, jobs, Embedder(encoder, Store(Path(scratch) / "new.sqlite3"),
                                          DEFAULT_CHUNKING))
            now = min(now, time.perf_counter() - started)
    return before, now


class _HashEncoder:
    """Deterministic random unit vectors per text: stands in for the model where only the
    vector arithmetic is timed."""

    model_id, max_tokens, dim = "bench-random", 256, 384

    def encode(self, texts, progress=None) -> np.ndarray:  # noqa: ANN001
        out = np.stack([np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dim)
                        for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return []


def pool_search_seconds(n_resumes: int, passages: int = 40, repeats: int = 2) -> float:
    """Best time of the product's ``score_pool`` for one job over ``n_resumes`` cached
    candidates (3 windows and ``passages`` passage vectors each, random unit vectors;
    resume baselines already cached as pool search keeps them), requirements, BM25,
    evidence and caps included."""
    from resumatch.rank.evidence import PassageIndex, ResumeBaselines
    from resumatch.rank.scoring import score_pool

    rng = np.random.default_rng(1)
    resumes = random_embeddings(n_resumes, 3, 384, rng, "r")
    words = ["python", "sql", "nurse", "audit", "kitchen", "sales", "teacher", "aws"]
    for number, embedding in enumerate(resumes):
        vectors = rng.standard_normal((passages, 384)).astype(np.float32)
        embedding.passage_vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        embedding.passage_spans = [(i * 10, i * 10 + 9) for i in range(passages)]
        embedding.doc = Document(f"r{number}", " ".join(
            f"Did {words[(number + i) % 8]} work {i} times." for i in range(passages)))
    job = random_embeddings(1, 2, 384, rng, "j")[0]
    job.doc = Document("job", "Data Engineer\nRequirements\n" + "\n".join(
        f"- {w} experience with pipelines" for w in words))
    index = PassageIndex(_HashEncoder())
    baselines = ResumeBaselines(np.full(n_resumes, 0.05, np.float32),
                                np.full(n_resumes, 0.05, np.float32))
    index.baselines = lambda docs, sets: baselines  # pool search keeps them cached
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        pool = score_pool(resumes, [job], index=index)
        best = min(best, time.perf_counter() - started)
    assert pool.fit.shape == (n_resumes, 1)
    return best


def batch_sweep(version, backend: str, data_dir: Path, docs: list[Document]) -> None:
    encoder = backends.load_backend(version, backend, data_dir)
    embedder = Embedder(encoder, None, DEFAULT_CHUNKING)
    texts = [d.text[a:b] for d in docs for a, b in embedder.split(d.text)]
    encoder.encode(texts[:8])
    print(f"\nbatch size sweep, {backend}, {len(texts)} chunks (best of 2):")
    for size in (8, 16, 32, 64, 128):
        encoder.batch_size = size
        best = min(_seconds(encoder.encode, texts) for _ in range(2))
        print(f"  batch {size:>3}: {len(texts) / best:6.1f} chunks/s")


def harness_tasks(encoder, per_category: int | None,  # noqa: ANN001
                  ) -> dict[str, RetrievalTask]:
    """The dev harness (all of it, or N LiveCareer resumes per category), one task per
    (set, query style), embedding with ``encoder`` through an in-memory cache shared by
    the styles of a set."""
    store = Store(Path(tempfile.mkdtemp(prefix="harness-")) / "cache.sqlite3")
    out = {}
    for dataset in ("categories", "livecareer"):
        resumes = load_resumes(dataset_path(DATA, dataset), "dev")
        if dataset == "livecareer" and per_category is not None:
            resumes = sample_per_category(resumes, per_category)
        categories = [r.category for r in resumes]
        for style in STYLES:
            queries = (category_queries(categories) if style == "names" else
                       load_queries(ROOT / "bench" / QUERY_FILES[(dataset, style)], categories))
            out[f"{dataset}/{style}"] = RetrievalTask(
                resumes, queries, lambda _id, chunking: Embedder(encoder, store, chunking))
    return out


def user_figures(encoders: dict, per_category: int | None) -> dict[str, dict]:
    """nDCG@10 per task, and against torch fp32: ndcg_delta (worst task), fit_mae and
    evidence_agreement over all tasks, for every backend (see section 6)."""
    pools, ndcg = {}, {}
    for name, encoder in encoders.items():
        if name == TORCH_BEFORE:
            continue
        started = time.perf_counter()
        tasks = harness_tasks(encoder, per_category)
        pools[name] = {t: task.product_scores(name) for t, task in tasks.items()}
        ndcg[name] = {t: task.evaluate(pools[name][t].ranking).ndcg
                      for t, task in tasks.items()}
        print(f"  harness {name}: {time.perf_counter() - started:.0f}s, nDCG@10 "
              + ", ".join(f"{t} {v:.4f}" for t, v in ndcg[name].items()), flush=True)
    reference = pools[backends.TORCH]
    out = {}
    for name in pools:
        fits = np.concatenate([np.abs(reference[t].fit - pools[name][t].fit).ravel()
                               for t in reference])
        cells = [(a == b).ravel() for t in reference
                 for a, b in zip(reference[t].met(), pools[name][t].met(), strict=True)]
        verdict = acceptance.Acceptance(
            fit_mae=float(fits.mean()),
            evidence_agreement=float(np.concatenate(cells).mean()) if cells else 1.0,
            ndcg_delta=acceptance.ndcg_delta(ndcg[backends.TORCH], ndcg[name]))
        out[name] = {"ndcg_delta": verdict.ndcg_delta, "fit_mae": verdict.fit_mae,
                     "evidence_agreement": verdict.evidence_agreement,
                     "passes": verdict.passed, "ndcg": ndcg[name]}
    return out


def cold_first_rank() -> tuple[float | None, str]:
    """``bench/cold_start.py``'s measure (seconds), or None and why."""
    try:
        from bench.cold_start import measure_cold_first_rank
    except ImportError as err:
        return None, f"bench/cold_start.py unavailable ({err})"
    try:
        return round(float(measure_cold_first_rank(quick=True)), 2), "measured"
    except Exception as err:  # noqa: BLE001  (reported, the rest of the bench stands)
        return None, f"cold start measure failed: {err}"


def openvino_precision() -> str:
    try:
        import openvino

        hint = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT")
        return hint.to_string() if hasattr(hint, "to_string") else str(hint)
    except Exception as err:  # noqa: BLE001  (only a label)
        return f"unknown precision ({err})"


def _seconds(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="torch and the auto backend on 12 x 10, one timing pass")
    parser.add_argument("--resumes", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=25)
    parser.add_argument("--slice", type=int, default=5,
                        help="resumes per timing slice (backends take turns per slice)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="time each slice this many times per backend, keep the best")
    parser.add_argument("--rerank-resumes", type=int, default=None,
                        help="pool size for the first-run vs cached re-rank timing (all)")
    parser.add_argument("--backends", nargs="+", default=list(backends.BACKEND_NAMES),
                        choices=backends.BACKEND_NAMES)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir())
                        / "resumatch-bench", help="exports and auto's decision (reused)")
    parser.add_argument("--recheck", action="store_true", help="run auto's check again")
    parser.add_argument("--batch-sweep", action="store_true",
                        help="also time batch sizes 8-128 for each backend")
    parser.add_argument("--harness-per-category", type=int, default=None,
                        help="LiveCareer dev resumes per category (default: all 472)")
    parser.add_argument("--no-harness", action="store_true",
                        help="skip the quality harness (nDCG, fit, evidence)")
    parser.add_argument("--only-auto", action="store_true",
                        help="time only torch and the auto backend")
    args = parser.parse_args()
    if not (DATA / "livecareer_dev.csv").exists():
        print(f"no shared data at {DATA}", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if args.quick:
        args.resumes, args.jobs, args.slice, args.repeats, args.rerank_resumes = 12, 10, 4, 1, 8

    data_dir = args.data_dir
    store = Store(data_dir / "resumatch.sqlite3")
    version = ModelRegistry(store, data_dir / "models").base()
    resumes, jobs = load_pool(args.resumes, args.jobs)
    rerank_docs = resumes[:args.rerank_resumes or len(resumes)]
    print(f"pool: {len(resumes)} resumes x {len(jobs)} jobs; {backends.cpu_label()} "
          f"(int8 target); OpenVINO computes fp32 models in {openvino_precision()}; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    # 3. auto's choice first: in --quick mode only torch and that backend are timed.
    started = time.perf_counter()
    if args.recheck:
        store.set_setting(backends.CHECK_KEY_PREFIX + version.id, "")
    auto = backends.serving_encoder(version, backends.AUTO, data_dir, store,
                                    judge=acceptance.ProductJudge())
    status = auto.prepare(lambda done, of, note: print(f"  auto: {note}", flush=True))
    auto_backend = status.serving or backends.TORCH
    print(f"auto serves {auto_backend} (decided in {time.perf_counter() - started:.1f}s"
          f"{'' if status.decision is None else ', check on the shipped samples'})")
    if status.decision is not None:
        for check in status.decision.checks:
            print(f"  check {check.summary()}")
    if status.fallback:
        print(f"  fallback: {status.fallback}")
    names = ([backends.TORCH] + ([auto_backend] if auto_backend != backends.TORCH else [])
             if args.only_auto else list(dict.fromkeys([backends.TORCH, *args.backends])))

    # 1. load every backend (exporting where needed)
    encoders = {}
    for name in names:
        started = time.perf_counter()
        try:
            encoders[name] = backends.load_backend(version, name, data_dir)
        except backends.BackendError as err:
            print(f"  {name}: unavailable: {err}")
            continue
        manifest = backends.read_manifest(backends.export_dir(data_dir, version.id, name)) or {}
        encoders[name].encode(["warm up"] * 4)
        print(f"  {name}: ready in {time.perf_counter() - started:.1f}s"
              + (f" (export took {manifest['seconds']}s)" if manifest else ""), flush=True)
        if name == backends.TORCH:  # the product before this issue: torch, batches of 32
            encoders[TORCH_BEFORE] = copy.copy(encoders[name])
            encoders[TORCH_BEFORE].batch_size = 32

    # 1-2. speed and agreement in one pass over the pool: slices of resumes, every backend
    # in turn on each slice (rotating who goes first), so all see the same background load;
    # the ratio to torch is the median of the per-slice ratios.
    for encoder in encoders.values():  # warm-up: first inferences compile kernels
        Embedder(encoder, None, DEFAULT_CHUNKING).embed(resumes[:3])
    names = list(encoders)
    slices = [resumes[i:i + args.slice] for i in range(0, len(resumes), args.slice)]
    seconds = {name: np.zeros(len(slices)) for name in names}
    resume_emb: dict[str, list[DocEmbedding]] = {name: [] for name in names}
    for index, part in enumerate(slices):
        turn = names[index % len(names):] + names[:index % len(names)]
        for name in turn:
            best = float("inf")
            for _ in range(args.repeats):
                taken, embedded = embed_timed(encoders[name], part)
                best = min(best, taken)
            seconds[name][index] = best
            resume_emb[name] += embedded
        done = sum(len(p) for p in slices[:index + 1])
        print(f"  {done}/{len(resumes)} resumes: "
              + ", ".join(f"{n} {done / seconds[n][:index + 1].sum():.2f}" for n in names)
              + " docs/s", flush=True)
    embedded = {name: (resume_emb[name],
                       Embedder(encoders[name], None, DEFAULT_CHUNKING).embed(jobs))
                for name in names}
    n_chunks = sum(len(e.chunk_vectors) for e in resume_emb[backends.TORCH])
    torch_rate = len(resumes) / seconds[backends.TORCH].sum()
    rows = []
    for name in names:
        total = seconds[name].sum()
        rows.append({"backend": name, "docs_s": len(resumes) / total,
                     "chunks_s": n_chunks / total,
                     "vs_torch": float(np.median(seconds[backends.TORCH] / seconds[name])),
                     "vs_torch_total": seconds[backends.TORCH].sum() / total,
                     **agreement(embedded[backends.TORCH], embedded[name])})
    table = pd.DataFrame(rows).set_index("backend")
    figures: dict[str, dict] = {}
    if not args.no_harness:
        judged = ({name: encoders[name] for name in dict.fromkeys([backends.TORCH,
                                                                   auto_backend])
                   if name in encoders} if args.quick else encoders)
        subset = ("every" if args.harness_per_category is None
                  else f"{args.harness_per_category} per category of the")
        print(f"\nquality harness (categories dev + {subset} LiveCareer dev, 3 query styles "
              f"each): {', '.join(n for n in judged if n != TORCH_BEFORE)}", flush=True)
        figures = user_figures(judged, args.harness_per_category)
        for column in ("ndcg_delta", "fit_mae", "evidence_agreement", "passes"):
            table[column] = [figures.get(name, {}).get(column) for name in table.index]
    print(f"\nbackends: {len(resumes)} resumes ({n_chunks} chunks) timed in {len(slices)} "
          f"interleaved slices, best of {args.repeats} each; agreement with torch fp32 on "
          f"{len(resumes)} x {len(jobs)}")
    print(table.to_string(float_format=lambda v: f"{v:.4f}" if abs(v) <= 1 else f"{v:.2f}"))

    # 4. cache
    first_s, second_s, scored_s, model_id = rerank_seconds(version, data_dir, rerank_docs,
                                                           jobs)
    print(f"\nrank {len(rerank_docs)} x {len(jobs)} ({model_id}): first {first_s:.2f}s "
          f"(model load and embedding), unchanged pool again {second_s * 1000:.0f} ms "
          f"-> {first_s / second_s:.0f}x (without the ranking memo, scored again from "
          f"cached vectors: {scored_s * 1000:.0f} ms -> {first_s / scored_s:.0f}x)")

    before_s, now_s = first_rank_ratio(encoders[auto_backend if auto_backend in encoders
                                                 else backends.TORCH], rerank_docs, jobs)
    print(f"first ranking of {len(rerank_docs)} x {len(jobs)}, encoder loaded: before issue "
          f"11 {before_s:.2f}s, now {now_s:.2f}s -> {now_s / before_s:.2f}x")

    # 5. scale
    matrix = matrix_seconds(10_000, 100, repeats=3)
    print(f"10,000 x 100 from cached vectors: score matrix {matrix['matrix_s']:.3f}s + "
          f"rankings table {matrix['rankings_s']:.3f}s = {matrix['total_s']:.3f}s")
    search_s = pool_search_seconds(10_000)
    print(f"the product's score_pool, 10,000 cached candidates (40 passages each) x 1 job: "
          f"{search_s:.2f}s")

    if args.batch_sweep:
        for name in encoders:
            batch_sweep(version, name, data_dir, resumes[:10])

    cold_s, cold_note = cold_first_rank()
    print("cold first ranking (bench/cold_start.py): "
          + (f"{cold_s:.2f}s" if cold_s is not None else f"not measured: {cold_note}"))

    auto_row = table.loc[auto_backend] if auto_backend in table.index else None
    served = figures.get(auto_backend, {})

    def of_served(key: str, digits: int) -> float | None:
        value = served.get(key)
        return None if value is None else round(float(value), digits)

    def of_auto(column: str, digits: int) -> float | None:
        return None if auto_row is None else round(float(auto_row[column]), digits)

    summary = {
        "auto_backend": auto_backend,
        "auto_vs_torch": of_auto("vs_torch", 3),
        "top10_agreement": of_auto("top10_agreement", 4),
        "top10_overlap": of_auto("top10_overlap", 4),
        "kendall_tau": of_auto("kendall_tau", 4),
        "mean_cosine": of_auto("mean_cosine", 5),
        "auto_vs_torch_b32": (None if auto_row is None else round(
            float(np.median(seconds[TORCH_BEFORE] / seconds[auto_backend])), 3)),
        "torch_docs_s": round(torch_rate, 3),
        "auto_docs_s": of_auto("docs_s", 3),
        "vs_torch": {name: round(float(table.loc[name, "vs_torch"]), 3) for name in table.index},
        "rerank_speedup": round(first_s / second_s, 1),
        "rerank_speedup_without_memo": round(first_s / scored_s, 1),
        "first_rank_vs_before": round(now_s / before_s, 3),
        "matrix_10k_100_s": round(matrix["total_s"], 3),
        "score_pool_10k_s": round(search_s, 3),
        "ndcg_delta": of_served("ndcg_delta", 4),
        "fit_mae": of_served("fit_mae", 3),
        "evidence_agreement": of_served("evidence_agreement", 4),
        "passes_issue14": served.get("passes"),
        "cold_first_rank_s": cold_s,
        **({} if cold_s is not None else {"cold_first_rank_note": cold_note}),
        "pool": f"{len(resumes)}x{len(jobs)}", "quick": args.quick,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
