"""Ranking and evidence quality on real resumes: every method on every query style.

1. Ranking: nDCG@10 of every method (``rank.evaluation.METHODS``: BM25, truncation,
   mean pooling, best window, the old default and the product's default) on both shared
   resume sets x three query styles (role names, short postings, long formal profiles),
   side by side, with each method's mean and worst style. MRR follows.
2. Evidence: for short postings and formal profiles, the ROC AUC of requirement coverage
   between right- and wrong-occupation resumes and the share of requirements met by
   each, for the product's rule and for the fixed 0.48 cosine used before.
3. ``--calibrate``: refit the fixed feature standardisation (``features.STANDARDIZATION``)
   and the fit mapping (``scoring.FIT_CENTER``/``FIT_SCALE``) on dev; prints the values.
4. ``--learn``: the combination check: equal weights against a pairwise logistic
   regression over the same features, in leave-one-style-out and grouped-by-category
   cross-validation (dev only).
5. ``--evidence``: the grid that chose the met rule (``evidence.MET_*``) on dev.

Embeddings go through the product's store in ``--data-dir`` (default: RESUMATCH_DATA_DIR,
else ``/tmp/quality/data``): the first run embeds ~1,100 resumes (about 15 minutes on 2
free cores), later runs take a minute or two. Make every choice on ``--split dev``;
report ``--split test`` once. The last stdout line is one JSON object.

Run: ``python bench/quality.py [--split dev|test] [--calibrate] [--learn] [--evidence]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

import numpy as np  # noqa: E402

from resumatch.embed.embedding import Chunking, Embedder  # noqa: E402
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.pipeline import load_encoder  # noqa: E402
from resumatch.rank import evidence as evidence_rules  # noqa: E402
from resumatch.rank.evaluation import (  # noqa: E402
    METHODS,
    QUERY_FILES,
    STYLES,
    RetrievalTask,
    category_queries,
    dataset_path,
    evaluate_scores,
    evidence_metrics,
    fixed_threshold_met,
    format_styles,
    load_queries,
    load_resumes,
    run_methods,
)
from resumatch.rank.features import FEATURES, STANDARDIZATION  # noqa: E402
from resumatch.rank.scoring import FIT_CENTER, FIT_SCALE, WEIGHTS  # noqa: E402
from resumatch.store import Store  # noqa: E402


def tasks(split: str, embedder_for) -> dict[str, RetrievalTask]:  # noqa: ANN001
    """One task per (data set, query style)."""
    out = {}
    for dataset in ("categories", "livecareer"):
        resumes = load_resumes(dataset_path(DATA, dataset), split)
        categories = [r.category for r in resumes]
        for style in STYLES:
            if style == "names":
                queries = category_queries(categories)
            else:
                queries = load_queries(ROOT / "bench" / QUERY_FILES[(dataset, style)],
                                       categories)
            out[f"{dataset}/{style}"] = RetrievalTask(resumes, queries, embedder_for)
    return out


def standardised(task: RetrievalTask, model_id: str) -> np.ndarray:
    """The task's features in the product's standard units, shape (n, q, features)."""
    features = task.product_scores(model_id).features
    return np.stack([features[name] for name in FEATURES], axis=-1)


def evidence_table(all_tasks: dict[str, RetrievalTask], model_id: str) -> dict:
    """Coverage AUC and met rates, product rule vs the fixed 0.48 cosine."""
    print("\nrequirement evidence (right vs wrong occupation): coverage ROC AUC (mean over "
          "jobs, worst job), share of requirements met by right / wrong resumes")
    print(f"{'task':<20} {'rule':<12} {'AUC':>6} {'worst':>6} {'right':>6} {'wrong':>6}")
    out = {}
    for name, task in all_tasks.items():
        if name.endswith("/names"):
            continue  # a role name has no requirements
        pool = task.product_scores(model_id)
        labels = [r.category for r in task.resumes]
        queries = [q.category for q in task.queries]
        for rule, met in (("product", pool.met()), ("cosine≥0.48", fixed_threshold_met(pool))):
            metrics = evidence_metrics(met, labels, queries)
            print(f"{name:<20} {rule:<12} {metrics.auc:6.3f} {metrics.worst_auc:6.3f} "
                  f"{metrics.right:6.2f} {metrics.wrong:6.3f}")
            out[f"{name}/{rule}"] = metrics.as_dict()
    return out


def calibrate(all_tasks: dict[str, RetrievalTask], model_id: str) -> dict:
    """Refit the standardisation constants and the fit mapping on dev."""
    from sklearn.linear_model import LogisticRegression

    raw: dict[str, list[np.ndarray]] = {name: [] for name in STANDARDIZATION}
    for task in all_tasks.values():
        pool = task.product_scores(model_id)
        for name in STANDARDIZATION:
            values = pool.raw[name]
            if name == "requirements":  # jobs without requirements do not count
                values = values[:, [bool(len(j.requirements)) for j in pool.evidence]]
            raw[name].append(values.ravel())
    constants = {name: (round(float(np.concatenate(v).mean()), 4),
                        round(float(np.concatenate(v).std()), 4)) for name, v in raw.items()}
    print(f"\nSTANDARDIZATION = {constants}\n(shipped: {STANDARDIZATION})")
    scores, labels = [], []
    for name, task in all_tasks.items():
        if name.endswith("/names"):
            continue  # the product scores job descriptions, not bare role names
        pool = task.product_scores(model_id)
        same = np.array([[r.category == q.category for q in task.queries]
                         for r in task.resumes])
        scores.append(pool.uncapped.ravel())
        labels.append(same.ravel())
    x, y = np.concatenate(scores)[:, None], np.concatenate(labels)
    model = LogisticRegression(class_weight="balanced").fit(x, y)
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    center, scale = -intercept / slope, 1 / slope
    print(f"fit calibration on {len(y)} pairs ({int(y.sum())} same-occupation): "
          f"FIT_CENTER = {center:.2f}, FIT_SCALE = {scale:.2f} (shipped: {FIT_CENTER}, "
          f"{FIT_SCALE})")
    return {"standardization": constants, "center": round(center, 3),
            "scale": round(scale, 3)}


def _pairwise(features: dict[str, np.ndarray], all_tasks: dict[str, RetrievalTask],
              names: list[str], categories: set[str] | None, rng: np.random.Generator,
              per_query: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rows = []
    for name in names:
        task, values = all_tasks[name], features[name]
        labels = np.array([r.category for r in task.resumes])
        for j, query in enumerate(task.queries):
            if categories is not None and query.category not in categories:
                continue
            pos, neg = np.flatnonzero(labels == query.category), \
                np.flatnonzero(labels != query.category)
            if len(pos) and len(neg):
                rows.append(values[rng.choice(pos, per_query), j]
                            - values[rng.choice(neg, per_query), j])
    x = np.concatenate(rows)
    return np.concatenate([x, -x]), np.concatenate([np.ones(len(x)), np.zeros(len(x))])


def learn(all_tasks: dict[str, RetrievalTask], model_id: str) -> dict:
    """Equal weights vs a pairwise logistic regression (RankNet-style, linear, L2)."""
    from sklearn.linear_model import LogisticRegression

    features = {name: standardised(task, model_id) for name, task in all_tasks.items()}

    def fit(names: list[str], categories: set[str] | None = None) -> np.ndarray:
        x, y = _pairwise(features, all_tasks, names, categories, np.random.default_rng(0))
        return LogisticRegression(C=0.1, fit_intercept=False).fit(x, y).coef_[0]

    def shrunk(names: list[str], categories: set[str] | None = None) -> np.ndarray:
        """Non-negative pairwise weights (negative ones dropped and the rest refit),
        scaled to sum to the number of features, averaged with equal weights."""
        x, y = _pairwise(features, all_tasks, names, categories, np.random.default_rng(0))
        keep = np.ones(x.shape[1], dtype=bool)
        for _ in range(x.shape[1]):
            weights = np.zeros(x.shape[1])
            weights[keep] = LogisticRegression(C=0.1, fit_intercept=False).fit(
                x[:, keep], y).coef_[0]
            if (weights[keep] >= 0).all():
                break
            keep &= weights > 0
        weights = np.clip(weights, 0, None)
        weights *= len(weights) / max(weights.sum(), 1e-9)
        return (weights + 1.0) / 2.0

    def ndcg(weights: np.ndarray, name: str, categories: set[str] | None = None) -> float:
        task = all_tasks[name]
        keep = [j for j, q in enumerate(task.queries)
                if categories is None or q.category in categories]
        scores = features[name][:, keep] @ weights
        return evaluate_scores(scores, [r.category for r in task.resumes],
                               [task.queries[j].category for j in keep]).ndcg

    equal = np.ones(len(FEATURES))
    names = list(all_tasks)
    print(f"\ncombination check (features {', '.join(FEATURES)}): nDCG@10 of held-out parts")
    report = {"loso": {}, "grouped": {}}
    for style in STYLES:
        held = [n for n in names if n.endswith(f"/{style}")]
        rest = [n for n in names if n not in held]
        weights, halfway = fit(rest), shrunk(rest)
        learned = float(np.mean([ndcg(weights, n) for n in held]))
        half = float(np.mean([ndcg(halfway, n) for n in held]))
        plain = float(np.mean([ndcg(equal, n) for n in held]))
        shown = np.round(weights / np.abs(weights).sum() * len(weights), 2)
        print(f"  leave out {style:<7} learned {learned:.3f}  shrunk {half:.3f}  equal "
              f"{plain:.3f}  (learned {shown.tolist()}, shrunk "
              f"{np.round(halfway, 2).tolist()})")
        report["loso"][style] = {"learned": round(learned, 4), "shrunk": round(half, 4),
                                 "equal": round(plain, 4)}
    for dataset in ("categories", "livecareer"):
        mine = [n for n in names if n.startswith(dataset)]
        cats = sorted({q.category for n in mine for q in all_tasks[n].queries})
        learned, half, plain = [], [], []
        for fold in range(5):
            held = set(cats[fold::5])
            learned.append(np.mean([ndcg(fit(mine, set(cats) - held), n, held)
                                    for n in mine]))
            half.append(np.mean([ndcg(shrunk(mine, set(cats) - held), n, held)
                                 for n in mine]))
            plain.append(np.mean([ndcg(equal, n, held) for n in mine]))
        print(f"  {dataset}, 5 folds of held-out categories: learned "
              f"{np.mean(learned):.3f}  shrunk {np.mean(half):.3f}  equal {np.mean(plain):.3f}")
        report["grouped"][dataset] = {"learned": round(float(np.mean(learned)), 4),
                                      "shrunk": round(float(np.mean(half)), 4),
                                      "equal": round(float(np.mean(plain)), 4)}
    final = shrunk(names)
    print("  shrunk weights on all of dev: "
          + ", ".join(f"{n} {w:.2f}" for n, w in zip(FEATURES, final, strict=True)))
    report["shrunk_all_dev"] = dict(zip(FEATURES, np.round(final, 3).tolist(), strict=True))
    return report


def evidence_grid(all_tasks: dict[str, RetrievalTask], model_id: str) -> dict:
    """The met rule's constants: best mean coverage AUC with wrong-occupation resumes
    meeting at most 8% and right ones at least 55% of requirements (means over tasks)."""
    rows = []
    chosen = {n: t for n, t in all_tasks.items() if not n.endswith("/names")}
    pools = {n: t.product_scores(model_id) for n, t in chosen.items()}
    names = ("MET_BAR", "MET_SLOPE", "MET_FLOOR", "CLEAR_COSINE", "CLEAR_Z")
    saved = tuple(getattr(evidence_rules, name) for name in names)
    for params in itertools.product((4.0, 5.0, 6.0), (1.5, 2.5, 3.5), (1.0,),
                                    (0.45, 0.5, 0.55, 0.6, 2.0), (1.5, 2.0, 2.5)):
        for name, value in zip(names, params, strict=True):
            setattr(evidence_rules, name, value)
        metrics = []
        for name, pool in pools.items():
            task = chosen[name]
            pair = pool.uncapped / sum(WEIGHTS.values())
            met = [evidence_rules.met_cells(job.score, job.strength, pair[:, j], job.named,
                                            job.name_only)
                   for j, job in enumerate(pool.evidence)]
            metrics.append(evidence_metrics(met, [r.category for r in task.resumes],
                                            [q.category for q in task.queries]))
        rows.append((params, metrics))
    for name, value in zip(names, saved, strict=True):
        setattr(evidence_rules, name, value)
    ok = [r for r in rows if np.mean([m.wrong for m in r[1]]) <= 0.08
          and np.mean([m.right for m in r[1]]) >= 0.55]
    ok.sort(key=lambda r: -np.mean([m.auc for m in r[1]]))
    print(f"\nmet rule grid (names not counted here), tasks: {', '.join(chosen)}")
    for params, metrics in ok[:8]:
        print(f"  bar {params[0]} slope {params[1]} floor {params[2]} clear cosine "
              f"{params[3]} z {params[4]}: "
              + " | ".join(f"{m.auc:.3f} {m.right:.2f} {m.wrong:.3f}" for m in metrics)
              + f"  mean AUC {np.mean([m.auc for m in metrics]):.3f}")
    best = ok[0][0] if ok else None
    print(f"best: {best} (shipped: {saved})")
    return {"best": best}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("RESUMATCH_DATA_DIR", "/tmp/quality/data")))
    parser.add_argument("--calibrate", action="store_true", help="refit the constants (dev)")
    parser.add_argument("--learn", action="store_true", help="combination check (dev)")
    parser.add_argument("--evidence", action="store_true", help="met rule grid (dev)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"error: shared data not found at {DATA}", file=sys.stderr)
        return 2
    if (args.calibrate or args.learn or args.evidence) and args.split != "dev":
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
    results = {}
    for name, task in all_tasks.items():
        print(f"scoring {name}: {len(task.resumes)} resumes, {len(task.queries)} queries…",
              file=sys.stderr, flush=True)
        results[name] = run_methods(task, [*METHODS, *finetuned], model_id)
    sizes = ", ".join(f"{n.split('/')[0]} {len(t.resumes)}" for n, t in all_tasks.items()
                      if n.endswith("/names"))
    print(format_styles(results, f"nDCG@10 · split {args.split} · resumes: {sizes} · one "
                                 "query per category and style"))
    print()
    print(format_styles(results, "MRR", metric="mrr"))
    payload: dict = {"ndcg@10": {n: {m: round(v.ndcg, 4) for m, v in r.items()}
                                 for n, r in results.items()}}
    payload["evidence"] = evidence_table(all_tasks, model_id)
    if args.calibrate:
        payload["calibration"] = calibrate(all_tasks, model_id)
    if args.learn:
        payload["learn"] = learn(all_tasks, model_id)
    if args.evidence:
        payload["evidence_grid"] = evidence_grid(all_tasks, model_id)
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
