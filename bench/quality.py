"""Ranking quality on real resumes: every method, both data sets, both kinds of query.

1. Table: ``eval-retrieval`` for resumes_by_category.csv (published split) and
   livecareer_dev.csv (our fixed half/half partition by id hash), with the category names
   and with the job descriptions of ``bench/queries_*.csv`` as queries.
2. ``--grid``: the tuning that chose the product default, on cached chunk vectors: chunk
   scoring (pooled mean, best window pair, mean of the top 2/3 windows) x keyword weight.
   Run it on ``dev`` only.
3. ``--calibrate``: refit the fit-score mapping (``explain.FIT_CENTER``/``FIT_SCALE``): a
   logistic regression of "same occupation" on the product's ranking score over every
   dev (resume, job description) pair of both data sets, classes balanced.

Embeddings go through the product's store in ``--data-dir`` (default: RESUMATCH_DATA_DIR,
else ``/tmp/quality/data``): the first run embeds ~1,100 resumes (about 15 minutes on 2
free cores), later runs take seconds. Choices are made on ``--split dev``; report
``--split test`` once. The last stdout line is one JSON object.

Run: ``python bench/quality.py [--split dev|test] [--grid] [--calibrate]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

import numpy as np  # noqa: E402

from resumatch.embed.embedding import (  # noqa: E402
    DEFAULT_CHUNKING,  # noqa: E402
    Chunking,
    Embedder,
)
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.pipeline import load_encoder  # noqa: E402
from resumatch.rank.evaluation import (  # noqa: E402
    METHODS,
    RetrievalTask,
    category_queries,
    dataset_path,
    format_table,
    load_queries,
    load_resumes,
    run_methods,
)
from resumatch.rank.explain import FIT_CENTER, FIT_SCALE  # noqa: E402
from resumatch.rank.matching import Scoring  # noqa: E402
from resumatch.rank.scoring import score_pool  # noqa: E402
from resumatch.store import Store  # noqa: E402

QUERY_FILES = {"categories": "queries_categories.csv", "livecareer": "queries_livecareer.csv"}
GRID_TOP_K = (0, 1, 2, 3)
GRID_WEIGHTS = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08)


def tasks(split: str, embedder_for) -> dict[str, RetrievalTask]:  # noqa: ANN001
    """One task per (data set, query kind)."""
    out = {}
    for dataset, query_file in QUERY_FILES.items():
        resumes = load_resumes(dataset_path(DATA, dataset), split)
        names = category_queries([r.category for r in resumes])
        jobs = load_queries(ROOT / "bench" / query_file, [r.category for r in resumes])
        out[f"{dataset}/names"] = RetrievalTask(resumes, names, embedder_for)
        out[f"{dataset}/jobs"] = RetrievalTask(resumes, jobs, embedder_for)
    return out


def grid(all_tasks: dict[str, RetrievalTask]) -> dict[str, float]:
    """Mean dev nDCG@10 over the four tasks of each (top_k, keyword weight) setting."""
    print(f"\ngrid on {DEFAULT_CHUNKING.key}: nDCG@10 per task and their mean "
          "(top_k 0 = cosine of mean-pooled vectors)")
    print("setting               " + "  ".join(f"{name:>17}" for name in all_tasks) + "    mean")
    means: dict[str, float] = {}
    rows: dict[str, list[float]] = {}
    for top_k in GRID_TOP_K:
        for weight in GRID_WEIGHTS:
            scoring = Scoring(top_k=top_k, keyword_weight=weight)
            row = []
            for task in all_tasks.values():
                resumes, queries = task.embeddings("base", DEFAULT_CHUNKING)
                row.append(task.evaluate(score_pool(resumes, queries, scoring).ranking).ndcg)
            means[scoring.key] = float(np.mean(row))
            rows[scoring.key] = row
            print(f"{scoring.key:<20}  " + "  ".join(f"{v:17.3f}" for v in row)
                  + f"  {means[scoring.key]:.3f}")
    best = max(means, key=means.get)
    print(f"best mean: {best} ({means[best]:.3f})")
    on_jobs = {key: float(np.mean([v for name, v in zip(all_tasks, rows[key], strict=True)
                                   if name.endswith("/jobs")])) for key in rows}
    best_jobs = max(on_jobs, key=on_jobs.get)
    print(f"best on job descriptions (the product's use): {best_jobs} "
          f"({on_jobs[best_jobs]:.3f})")
    return means


def calibrate(all_tasks: dict[str, RetrievalTask]) -> tuple[float, float]:
    """(center, scale) of the logistic fit of "same occupation" on the ranking score."""
    from sklearn.linear_model import LogisticRegression

    scores, labels = [], []
    for name, task in all_tasks.items():
        if not name.endswith("/jobs"):
            continue  # the product scores job descriptions, not bare category names
        resumes, queries = task.embeddings("base", DEFAULT_CHUNKING)
        ranking = score_pool(resumes, queries).ranking
        same = np.array([[r.category == q.category for q in task.queries]
                         for r in task.resumes])
        scores.append(ranking.ravel())
        labels.append(same.ravel())
    x, y = np.concatenate(scores)[:, None], np.concatenate(labels)
    model = LogisticRegression(class_weight="balanced").fit(x, y)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    center, scale = -intercept / slope, 1 / slope
    print(f"\nfit calibration on {len(y)} pairs ({int(y.sum())} same-occupation): "
          f"FIT_CENTER = {center:.3f}, FIT_SCALE = {scale:.3f} "
          f"(shipped: {FIT_CENTER}, {FIT_SCALE})")
    return center, scale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("RESUMATCH_DATA_DIR", "/tmp/quality/data")))
    parser.add_argument("--grid", action="store_true", help="tuning grid (dev only)")
    parser.add_argument("--calibrate", action="store_true", help="refit the fit mapping")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"error: shared data not found at {DATA}", file=sys.stderr)
        return 2
    if (args.grid or args.calibrate) and args.split != "dev":
        print("error: tune and calibrate on --split dev only", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    store = Store(args.data_dir / "resumatch.sqlite3")
    registry = ModelRegistry(store, args.data_dir / "models")
    encoders: dict = {}

    def embedder_for(version_id: str, chunking: Chunking) -> Embedder:
        if version_id not in encoders:
            encoders[version_id] = load_encoder(registry.get(version_id))
        return Embedder(encoders[version_id], store, chunking)

    all_tasks = tasks(args.split, embedder_for)
    finetuned = [f"finetuned:{v.id}" for v in registry.versions() if v.id != "base"]
    model_id = registry.active().id
    payload: dict = {}
    for name, task in all_tasks.items():
        print(f"embedding {name}: {len(task.resumes)} resumes, {len(task.queries)} queries…",
              file=sys.stderr)
        results = run_methods(task, [*METHODS, *finetuned], model_id)
        print(format_table(results, f"\n{name} · split {args.split} · {len(task.resumes)} "
                                    f"resumes · {len(task.queries)} queries"))
        payload[name] = {method: m.as_dict() for method, m in results.items()}
    if args.grid:
        payload["grid"] = grid(all_tasks)
    if args.calibrate:
        center, scale = calibrate(all_tasks)
        payload["calibration"] = {"center": round(center, 4), "scale": round(scale, 4)}
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
