"""Pool search at 10,000 and 100,000 synthetic candidates, at the vector level, in one run.

What is measured (all in this process, on this machine):

1. ``score_pool`` itself (the product's ranking, what the Match page calls) on 10,000
   candidates: the baseline a pool search would cost without an index.
2. ``resumatch.pool.search.score_pool_for_job`` (the pool's scoring hook, precomputed
   index) on the same 10,000, and the largest difference from the baseline (it must be
   float noise), then on 100,000: the median of ``--queries`` searches, split into the
   chunk cosine and the BM25 keyword evidence, plus ranking/filtering a search result.
3. Building the index: tokenising each resume for BM25 and concatenating its vectors
   (once per process; later changes reload only new documents).

Candidates are synthetic at the vector level: random unit chunk vectors (384 dims,
1-6 windows each, 3.5 on average, like real resumes' 256-token windows) and passage
vectors (the product's passage split of the real text, at most ``MAX_PASSAGES``) with the
text of a real resume (the shared ``livecareer_dev.csv`` and
``resumes_by_category.csv`` texts, cycled). Jobs are the job descriptions of
``bench/queries_livecareer.csv`` with random vectors; requirements, job titles and the
reference requirements get deterministic random vectors from a stand-in encoder, so the
whole product ranking (window, opening, title, passage and requirement features, BM25,
evidence, caps) runs without a model. At 100,000 the distinct texts'
token counts are tokenised once and shared (tokenising is measured per document at
10,000 and projected).

Run: ``python bench/pool_search.py`` (about 3 minutes; ``--sizes 10000`` for a quicker
run, ``--no-baseline`` to skip the slow baseline). The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resumatch.embed.embedding import DEFAULT_CHUNKING, DocEmbedding, Embedder, pool  # noqa: E402
from resumatch.ingest.documents import Document, normalize_text  # noqa: E402
from resumatch.ingest.passages import split_passages  # noqa: E402
from resumatch.pool.filters import FieldFilter  # noqa: E402
from resumatch.pool.search import IndexEntry, PoolIndex, score_pool_for_job  # noqa: E402
from resumatch.rank.evidence import PassageIndex  # noqa: E402
from resumatch.rank.matching import covered_text  # noqa: E402
from resumatch.rank.scoring import score_pool  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DIM = 384
MAX_PASSAGES = 40


class StandInEncoder:
    """Deterministic random unit vectors per text (a hash seeds each): the ``Encoder``
    protocol without a model, for requirements, titles and reference requirements."""

    model_id, max_tokens, dim = "bench", 256, DIM

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", text)]

    def encode(self, texts, progress=None) -> np.ndarray:  # noqa: ANN001
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            rng = np.random.default_rng(abs(hash(text)) % 2**32)
            out[i] = unit(rng, 1)[0]
        return out


def passage_index() -> PassageIndex:
    encoder = StandInEncoder()
    return PassageIndex(encoder, None, Embedder(encoder, None, DEFAULT_CHUNKING))


def real_texts() -> list[str]:
    frames = [pd.read_csv(SHARED / "livecareer_dev.csv"),
              pd.read_csv(SHARED / "resumes_by_category.csv")]
    return [normalize_text(t) for frame in frames for t in frame["text"].astype(str)]


def unit(rng: np.random.Generator, rows: int) -> np.ndarray:
    vectors = rng.standard_normal((rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def candidates(n: int, texts: list[str], rng: np.random.Generator) -> list[DocEmbedding]:
    out = []
    for i in range(n):
        text = texts[i % len(texts)]
        k = int(rng.integers(1, 7))
        step = max(len(text) // k, 1)
        spans = [(j * step, min((j + 1) * step, len(text))) for j in range(k)]
        vectors = unit(rng, k)
        embedding = DocEmbedding(Document(f"c{i}", text), vectors, spans, pool(vectors))
        embedding.passage_spans = (split_passages(text) or [(0, len(text))])[:MAX_PASSAGES]
        embedding.passage_vectors = unit(rng, len(embedding.passage_spans))
        out.append(embedding)
    return out


def jobs(count: int, rng: np.random.Generator) -> list[DocEmbedding]:
    frame = pd.read_csv(ROOT / "bench" / "queries_livecareer.csv").head(count)
    out = []
    for text in frame["text"].astype(str):
        vectors = unit(rng, int(rng.integers(1, 4)))
        out.append(DocEmbedding(Document("job", text), vectors, [(0, len(text))] * len(vectors),
                                pool(vectors)))
    return out


def build(resumes: list[DocEmbedding], share_tokens: bool) -> tuple[PoolIndex, float]:
    """An index over ``resumes``; with ``share_tokens`` each distinct text is tokenised
    once (the same text's counts reused), as the 100k run does."""
    index = PoolIndex("bench", "w256-o32")
    entries = [IndexEntry(i, f"{i:064x}", e.doc.name, e.chunk_vectors, e.spans,
                          covered_text(e), None, e.doc.text, e.passage_spans,
                          e.passage_vectors) for i, e in enumerate(resumes)]
    started = time.perf_counter()
    if share_tokens:
        memo: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        original = index._terms

        def terms(text: str) -> tuple[np.ndarray, np.ndarray]:
            if text not in memo:
                memo[text] = original(text)
            return memo[text]

        index._terms = terms  # type: ignore[method-assign]
    index.build(entries)
    return index, time.perf_counter() - started


def timed_searches(index: PoolIndex, queries: list[DocEmbedding],
                   passages: PassageIndex) -> dict[str, float]:
    """Median seconds per search; the first search (which memoises each resume's passage
    set and evidence baseline, once per process) is reported apart as ``first_search_s``."""
    started = time.perf_counter()
    score_pool_for_job(index, queries[0], passages=passages)
    first = time.perf_counter() - started
    totals, keyword, ordering = [], [], []
    mask_filter = FieldFilter()
    for job in queries:
        started = time.perf_counter()
        scores = score_pool_for_job(index, job, passages=passages)
        middle = time.perf_counter()
        keep = mask_filter.mask(index.profiles)
        order = np.argsort(-scores.ranking[:, 0], kind="stable")
        _ = [i for i in order[:100] if keep[i]]
        done = time.perf_counter()
        totals.append(done - started)
        keyword.append(index.timings["keyword_s"])
        ordering.append(done - middle)
    return {"search_s": statistics.median(totals), "first_search_s": first,
            "keyword_s": statistics.median(keyword), "order_s": statistics.median(ordering)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(12)
    texts = real_texts()
    queries = jobs(args.queries, rng)
    report: dict[str, object] = {"distinct_texts": len(texts), "queries": len(queries),
                                 "cores": len(os.sched_getaffinity(0))}
    for size in [int(s) for s in args.sizes.split(",")]:
        resumes = candidates(size, texts, rng)
        row: dict[str, float | int] = {"candidates": size,
                                       "chunks": int(sum(len(e.chunk_vectors) for e in resumes))}
        index, build_s = build(resumes, share_tokens=size > 10_000)
        row["index_build_s"] = round(build_s, 2)
        row["index_tokenize_s"] = round(index.timings["tokenize_s"], 2)
        row["vectors_mb"] = round(index.chunks.nbytes / 2**20, 1)
        passages = passage_index()
        row.update({k: round(v, 4) for k, v in
                    timed_searches(index, queries, passages).items()})
        if size == 10_000:
            per_doc = index.timings["tokenize_s"] / size
            report["tokenize_ms_per_resume"] = round(per_doc * 1000, 3)
            if not args.no_baseline:
                started = time.perf_counter()
                exact = score_pool(resumes, [queries[0]], index=passage_index())
                row["baseline_score_pool_s"] = round(time.perf_counter() - started, 2)
                fast = score_pool_for_job(index, queries[0], passages=passages)
                row["max_abs_diff_ranking"] = float(np.abs(fast.ranking - exact.ranking).max())
                row["max_abs_diff_fit"] = float(np.abs(fast.fit - exact.fit).max())
                same = np.array_equal(np.argsort(-fast.ranking[:, 0], kind="stable")[:100],
                                      np.argsort(-exact.ranking[:, 0], kind="stable")[:100])
                row["same_top100"] = bool(same)
                row["speedup_vs_score_pool"] = round(
                    row["baseline_score_pool_s"] / row["search_s"], 1)
        report[f"n{size}"] = row
        print(f"{size:>7} candidates: search {row['search_s']:.3f}s (first "
              f"{row['first_search_s']:.2f}s, keyword {row['keyword_s']:.3f}s, order "
              f"{row['order_s']:.3f}s); index build {row['index_build_s']:.1f}s"
              + (f"; score_pool baseline {row['baseline_score_pool_s']:.1f}s "
                 f"(x{row['speedup_vs_score_pool']} faster, max |diff| "
                 f"{row['max_abs_diff_ranking']:.1e})" if "baseline_score_pool_s" in row
                 else ""), flush=True)
        del resumes, index
    print(json.dumps(report))


if __name__ == "__main__":
    main()
