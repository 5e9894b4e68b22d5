"""Which fine-tuning loss to offer by default: CosineSimilarityLoss or CoSENTLoss.

Both losses are trained from the base model with the same settings and seed, on:

1. ``assets/sample_pairs.csv`` (72 short labelled pairs), split as the admin page splits
   (20% held out, grouped by resume, seed 42), default settings (3 epochs);
2. synthetic pairs from the shared **dev** resumes (LiveCareer dev half, never test):
   for each occupation's short posting (``bench/queries_livecareer.csv``), right-occupation
   resumes labelled 0.85 and wrong ones 0.15; a quarter of the resumes is held out, so
   each held-out job has several candidates to rank. One epoch (long resumes are slow on
   a CPU). For measuring only: these pairs are not shipped.

For each, the held-out Spearman of cosine vs label and the ranking nDCG@10 of each
held-out job's candidates (``training.ranking_ndcg``), base model included. The last
stdout line is one JSON object.

Run: ``python bench/finetune_loss.py [--per-job 6] [--skip-synthetic]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from resumatch.embed.embedding import base_model_path  # noqa: E402
from resumatch.rank.evaluation import dataset_path, load_queries, load_resumes  # noqa: E402
from resumatch.train.pairs import Pair  # noqa: E402
from resumatch.train.training import (  # noqa: E402
    LOSSES,
    TrainingParams,
    evaluate,
    fine_tune,
    grouped_split,
    load_encoder,
    load_model,
    prepare_for_training,
)


def sample_pairs() -> tuple[list[Pair], list[Pair]]:
    with open(ROOT / "assets" / "sample_pairs.csv", encoding="utf-8", newline="") as handle:
        rows = [Pair(r["resume"], r["job"], float(r["label"])) for r in csv.DictReader(handle)]
    train, test = grouped_split(rows, 0.2, seed=42)
    return [rows[i] for i in train], [rows[i] for i in test]


def synthetic_pairs(per_job: int) -> tuple[list[Pair], list[Pair]]:
    """Right/wrong-occupation pairs from the LiveCareer dev half, split by resume."""
    resumes = load_resumes(dataset_path(DATA, "livecareer"), "dev")
    queries = load_queries(ROOT / "bench" / "queries_livecareer.csv",
                           [r.category for r in resumes])

    def key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    held = {r.id for r in resumes if key(r.id)[0] in "0123"}  # a quarter, fixed
    train, test = [], []
    for query in queries:
        right = sorted((r for r in resumes if r.category == query.category),
                       key=lambda r: key(r.id + query.text))
        wrong = sorted((r for r in resumes if r.category != query.category),
                       key=lambda r: key(r.id + query.text))
        for side, pool in ((train, [r for r in right if r.id not in held]),
                           (test, [r for r in right if r.id in held])):
            side.extend(Pair(r.text, query.text, 0.85) for r in pool[:per_job // 2])
        for side, pool in ((train, [r for r in wrong if r.id not in held]),
                           (test, [r for r in wrong if r.id in held])):
            side.extend(Pair(r.text, query.text, 0.15) for r in pool[:per_job // 2])
    return train, test


def run(name: str, train: list[Pair], test: list[Pair], params: TrainingParams) -> dict:
    print(f"\n{name}: {len(train)} training pairs, {len(test)} held out", flush=True)
    started = time.perf_counter()
    base = evaluate(load_encoder(base_model_path(), "base"), test)
    results = {"base": base.summary()}
    print(f"  base       Spearman {base.spearman:.3f}  nDCG@10 "
          f"{base.ndcg if base.ndcg is None else round(base.ndcg, 3)} "
          f"({base.ndcg_jobs} jobs)", flush=True)
    for loss in LOSSES:
        model = load_model(base_model_path())
        serving = prepare_for_training(model, TrainingParams(**{**params.to_dict(),
                                                                "loss": loss}))
        fine_tune(model, train, test, TrainingParams(**{**params.to_dict(), "loss": loss}))
        model.max_seq_length = serving
        with tempfile.TemporaryDirectory() as scratch:
            model.save(scratch)
            found = evaluate(load_encoder(scratch, loss), test)
        results[loss] = found.summary()
        print(f"  {loss:<10} Spearman {found.spearman:.3f}  nDCG@10 "
              f"{found.ndcg if found.ndcg is None else round(found.ndcg, 3)}", flush=True)
    print(f"  ({time.perf_counter() - started:.0f}s)")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-job", type=int, default=6,
                        help="synthetic pairs per job on each side of the split")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    payload = {"sample_pairs": run("assets/sample_pairs.csv", *sample_pairs(),
                                   TrainingParams())}
    if not args.skip_synthetic and (DATA / "livecareer_dev.csv").exists():
        payload["synthetic_dev"] = run("synthetic LiveCareer dev pairs",
                                       *synthetic_pairs(args.per_job),
                                       TrainingParams(epochs=1))
    print(json.dumps(payload))
    return 0


if __name__ == "__main__":
    sys.exit(main())
