"""``eval-retrieval``: compare ranking methods on real resumes labelled by occupation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval-retrieval", help="compare ranking methods on labelled real resumes",
        description="For each occupation category, rank the resumes of one split for a "
                    "query (the category name, or job descriptions from --queries); "
                    "relevant = resumes of that category. Prints nDCG@10, MRR and P@10 per "
                    "method; the last line is one JSON object {method: metrics}, the "
                    "product's ranking named 'default'. Embeddings are cached in the data "
                    "directory (RESUMATCH_DATA_DIR), so a second run is fast.")
    parser.add_argument("--data", type=Path, required=True, metavar="PATH",
                        help="the shared data folder, or one of its CSV files")
    parser.add_argument("--dataset", choices=("categories", "livecareer"),
                        default="categories",
                        help="which CSV of the folder: resumes_by_category.csv (default) "
                             "or livecareer_dev.csv (split in half by a hash of the id)")
    parser.add_argument("--split", choices=("dev", "test"), default="dev",
                        help="make choices on dev; report test once")
    parser.add_argument("--queries", type=Path, metavar="CSV",
                        help="job descriptions, columns category,text (default: the "
                             "category names)")
    parser.add_argument("--model", default=None, metavar="VERSION",
                        help="model version for 'default' (default: the active one)")
    parser.add_argument("--method", action="append", metavar="NAME",
                        help="method to run (repeat; default: all, plus every fine-tuned "
                             "version as finetuned:ID)")
    parser.add_argument("--per-category", type=int, default=None, metavar="N",
                        help="keep at most N resumes per category (fixed by id hash)")
    parser.add_argument("--categories", default=None, metavar="A,B,...",
                        help="only these categories (comma-separated)")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.embed.embedding import Chunking, Embedder
    from resumatch.pipeline import load_encoder, open_registry
    from resumatch.rank.evaluation import (
        METHODS,
        RetrievalTask,
        category_queries,
        dataset_path,
        format_table,
        load_queries,
        load_resumes,
        run_methods,
        sample_per_category,
    )

    settings = Settings.from_env()
    try:
        path = dataset_path(args.data, args.dataset)
        resumes = load_resumes(path, args.split)
        all_categories = sorted({r.category for r in resumes})
        if args.categories:
            wanted = [c.strip() for c in args.categories.split(",") if c.strip()]
            unknown = sorted(set(wanted) - set(all_categories))
            if unknown:
                raise ValueError(f"unknown categories: {', '.join(unknown)} "
                                 f"(known: {', '.join(all_categories)})")
            resumes = [r for r in resumes if r.category in set(wanted)]
        if args.per_category:
            resumes = sample_per_category(resumes, args.per_category)
        present = sorted({r.category for r in resumes})
        if args.queries:
            queries = [q for q in load_queries(args.queries, all_categories)
                       if q.category in set(present)]
        else:
            queries = category_queries(present)
        if len(resumes) < 2 or not queries:
            raise ValueError("need at least two resumes and one query to evaluate")
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    registry = open_registry(settings)
    try:
        model_id = args.model or registry.active().id
        registry.get(model_id)
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    encoders: dict[str, object] = {}

    def embedder_for(version_id: str, chunking: Chunking) -> Embedder:
        if version_id not in encoders:
            encoders[version_id] = load_encoder(registry.get(version_id), settings)
        return Embedder(encoders[version_id], registry.store, chunking)

    finetuned = [f"finetuned:{v.id}" for v in registry.versions() if v.id != "base"]
    methods = args.method or [*METHODS, *finetuned]
    unknown = [m for m in methods if m not in METHODS and m not in finetuned]
    if unknown:
        print(f"error: unknown method(s) {', '.join(unknown)} "
              f"(known: {', '.join([*METHODS, *finetuned])})", file=sys.stderr)
        return 2

    task = RetrievalTask(resumes, queries, embedder_for)
    print(f"embedding {len(resumes)} resumes and {len(queries)} queries "
          f"(cached under {settings.data_dir})…", file=sys.stderr)
    results = run_methods(task, methods, model_id)
    source = args.queries.name if args.queries else "category names"
    print(format_table(results, f"{path.name} · split {args.split} · {len(resumes)} resumes, "
                                f"{len(present)} categories · {len(queries)} queries "
                                f"({source}) · default model {model_id}"))
    payload = {method: m.as_dict() for method, m in results.items()}
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload))
    return 0
