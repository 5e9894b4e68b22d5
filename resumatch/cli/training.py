"""``train``, ``eval``, ``models``, ``promote``: fine-tuning and model versions, headless.

Output other programs can read: ``train`` prints the new version id as its last stdout
line, ``eval`` prints one JSON object as its last line; progress and problems go to
stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

SESSION = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    from resumatch.train.params import TrainingParams

    defaults = TrainingParams()
    train = subparsers.add_parser(
        "train", help="fine-tune on labeled pairs; prints the new version id last",
        description="Fine-tune a new model version on labeled (resume, job, label) pairs "
                    "(CSV or JSONL) and evaluate it on held-out pairs. The new version is "
                    "not made active: use `promote`. With RUN_ID, do the work of a run "
                    "the admin page started.")
    train.add_argument("run_id", nargs="?", metavar="RUN_ID",
                       help="a run created by the admin page (background job)")
    train.add_argument("--pairs", type=Path, metavar="FILE", help="labeled pairs CSV/JSONL")
    train.add_argument("--name", help="dataset name to store the pairs under "
                                      "(default: file name and time)")
    train.add_argument("--epochs", type=int, default=defaults.epochs)
    train.add_argument("--lr", type=float, default=defaults.learning_rate,
                       help="learning rate (default: %(default)s)")
    train.add_argument("--batch-size", type=int, default=defaults.batch_size)
    train.add_argument("--seed", type=int, default=defaults.seed)
    train.add_argument("--test-fraction", type=float, default=defaults.test_fraction,
                       help="share of pairs held out, grouped by resume (default: %(default)s)")
    train.add_argument("--max-seq-length", type=int, default=defaults.max_seq_length,
                       help="tokens per text while training (default: %(default)s)")
    train.add_argument("--frozen-layers", type=int, default=defaults.frozen_layers,
                       help="lowest transformer layers left untrained (default: %(default)s)")
    train.add_argument("--train-embeddings", action="store_true",
                       help="also train the token embeddings (slower on a CPU)")
    train.add_argument("--max-steps", type=int, default=-1, help="stop after N steps")
    train.add_argument("--loss", choices=("cosine", "cosent"), default=defaults.loss,
                       help="CosineSimilarityLoss or CoSENTLoss (default: %(default)s, the "
                            "one that measured better on held-out pairs)")
    train.add_argument("--from", dest="start_from", default=defaults.start_from,
                       metavar="VERSION", help="version to start from (default: base)")
    train.add_argument("--strict", action="store_true",
                       help="exit 2 without training if any row is rejected")
    train.set_defaults(func=run_train)

    evaluate = subparsers.add_parser(
        "eval", help="evaluate a model on labeled pairs; prints one JSON object last",
        description="Spearman and Pearson correlation of cosine vs label, and MSE, of a "
                    "model version (default: active) on labeled pairs.")
    evaluate.add_argument("--pairs", type=Path, required=True, metavar="FILE")
    evaluate.add_argument("--model", default=None, metavar="VERSION",
                          help="model version (default: active)")
    evaluate.set_defaults(func=run_eval)

    models = subparsers.add_parser("models", help="list model versions",
                                   description="List model versions: id, created, active.")
    models.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    models.set_defaults(func=run_models)

    promote = subparsers.add_parser(
        "promote", help="make a model version active (also rolls back)",
        description="Switch the active model version atomically; `rank` and the app use it "
                    "from then on.")
    promote.add_argument("version", metavar="VERSION")
    promote.set_defaults(func=run_promote)


def _read_pairs(path: Path):  # -> PairsFile
    from resumatch.train.pairs import load_pairs

    result = load_pairs(path)
    for error in result.errors:
        print(f"{path.name}: {error}", file=sys.stderr)
    summary = result.summary()
    print(f"{path.name}: {summary['accepted']} of {summary['rows']} rows accepted "
          f"({summary['rejected']} rejected)", file=sys.stderr)
    return result


def run_train(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.fairness.name_swap import version_check
    from resumatch.pipeline import open_registry, open_store
    from resumatch.train.jobs import create_run, get_run, run_training
    from resumatch.train.pairs import save_dataset, unique_dataset_name
    from resumatch.train.params import TrainingParams

    settings = Settings.from_env()
    checks = (version_check,)  # name-swap figures of the new version and its parent
    if args.run_id and args.pairs:
        print("error: give either RUN_ID or --pairs, not both", file=sys.stderr)
        return 2
    if args.run_id:
        # The background job: stdout goes to the run's log, progress to the store.
        return run_training(settings, args.run_id, checks=checks)
    if not args.pairs:
        print("error: give --pairs FILE (or a RUN_ID started by the admin page)",
              file=sys.stderr)
        return 2
    params = TrainingParams(epochs=args.epochs, learning_rate=args.lr,
                            batch_size=args.batch_size, seed=args.seed,
                            test_fraction=args.test_fraction,
                            max_seq_length=args.max_seq_length,
                            freeze_embeddings=not args.train_embeddings,
                            frozen_layers=args.frozen_layers, max_steps=args.max_steps,
                            start_from=args.start_from, loss=args.loss)
    problems = params.problems()
    if problems:
        print("error: " + "; ".join(problems), file=sys.stderr)
        return 2
    pairs = _read_pairs(args.pairs)
    if not pairs.pairs:
        print("error: no valid pairs; nothing to train on", file=sys.stderr)
        return 2
    if args.strict and pairs.errors:
        print("error: rejected rows and --strict; nothing trained", file=sys.stderr)
        return 2
    store = open_store(settings)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    try:
        dataset = save_dataset(store, args.name or unique_dataset_name(
            store, f"{args.pairs.stem} {stamp}"), pairs.pairs)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    run = create_run(store, dataset.id, {**params.to_dict(), "session": SESSION})
    print(f"training run {run.id} on dataset {dataset.name!r} ({dataset.n_rows} pairs)",
          file=sys.stderr)
    started = time.monotonic()
    # The trainer prints its log dicts; keep stdout for the version id alone.
    with contextlib.redirect_stdout(sys.stderr):
        code = run_training(settings, run.id, echo=True, checks=checks)
    done = get_run(store, run.id)
    if code != 0:
        print(f"error: {done.message}", file=sys.stderr)
        return code
    new, base = done.metrics.get("new", {}), done.metrics.get("base", {})
    for label, values in (("parent", base), ("new", new)):
        print(f"held-out {label} {values.get('model_id')}: " + json.dumps(
            {k: values.get(k) for k in ("spearman", "pearson", "mse", "n", "ndcg")}),
            file=sys.stderr)
    print_name_swap(open_registry(settings, store).get(done.version_id))
    print(f"trained in {time.monotonic() - started:.0f}s "
          f"({done.metrics.get('seconds_per_step')} s/step)", file=sys.stderr)
    print(done.version_id)
    return 0


def print_name_swap(version) -> None:  # version: ModelVersion
    """The name-swap figures stored with a version and its parent (stderr)."""
    from resumatch.fairness.name_swap import sensitivity_check

    check = sensitivity_check(version)
    for label, figures in (("parent", check.parent_figures), ("new", check.figures)):
        if figures:
            print(f"name-swap {label}: " + json.dumps(
                {k: figures.get(k) for k in ("mean_abs_fit_change", "max_abs_fit_change",
                                             "pairs", "error") if k in figures}),
                  file=sys.stderr)


def run_eval(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.embed.embedding import SentenceTransformerEncoder
    from resumatch.pipeline import open_registry
    from resumatch.train.training import evaluate

    settings = Settings.from_env()
    registry = open_registry(settings)
    try:
        version = registry.get(args.model) if args.model else registry.active()
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    pairs = _read_pairs(args.pairs)
    if not pairs.pairs:
        print("error: no valid pairs to evaluate on", file=sys.stderr)
        return 2
    started = time.monotonic()
    result = evaluate(SentenceTransformerEncoder(version.path, version.id), pairs.pairs)
    print(f"evaluated {version.id} on {result.n} pairs in {time.monotonic() - started:.1f}s",
          file=sys.stderr)
    print(json.dumps({**result.summary(), "rejected_rows": pairs.rejected_rows}))
    return 0


def run_models(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.embed.registry import heldout_spearman
    from resumatch.pipeline import open_registry

    registry = open_registry(Settings.from_env())
    active = registry.active().id
    rows = []
    for version in registry.versions():
        created = ("-" if version.id == "base" else
                   time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(version.created)))
        spearman = heldout_spearman(version)
        rows.append({"id": version.id, "created": created, "active": version.id == active,
                     "dataset": version.dataset or "-", "rows": version.n_rows,
                     "heldout_spearman": round(spearman, 4) if spearman is not None else None})
    if args.json:
        print(json.dumps(rows))
        return 0
    width = max(len(r["id"]) for r in rows)
    print(f"{'id':<{width}}  {'created':<19}  active  spearman  dataset")
    for r in rows:
        spearman = "-" if r["heldout_spearman"] is None else f"{r['heldout_spearman']:.4f}"
        print(f"{r['id']:<{width}}  {r['created']:<19}  {'*' if r['active'] else ' ':<6}  "
              f"{spearman:<8}  {r['dataset']}")
    return 0


def run_promote(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.fairness.name_swap import sensitivity_warning
    from resumatch.pipeline import open_registry
    from resumatch.train.training import promotion_check

    registry = open_registry(Settings.from_env())
    previous = registry.active().id
    try:
        check = promotion_check(registry, args.version)
        rollback = registry.is_rollback(args.version)
        version = registry.promote(args.version)
    except (KeyError, FileNotFoundError) as err:
        print(f"error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2
    if check.lower:
        print(f"warning: {check.warning()}", file=sys.stderr)
    names_warning = sensitivity_warning(version)  # name-swap check (issue 15)
    if names_warning:
        print(f"warning: {names_warning}", file=sys.stderr)
    from resumatch.pipeline import start_preparation

    if start_preparation(version, Settings.from_env()) is not None:  # issue 14
        print(f"preparing the faster encoder of {version.id} in the background "
              "(python -m resumatch prepare); torch serves meanwhile", file=sys.stderr)
    registry.store.audit(SESSION, "rollback" if rollback else "promote", model_id=version.id,
                         detail={"previous": previous,
                                 "candidate_spearman": check.candidate_spearman,
                                 "active_spearman": check.active_spearman,
                                 "candidate_ndcg": check.candidate_ndcg,
                                 "active_ndcg": check.active_ndcg,
                                 "name_swap_warning": names_warning})
    print(f"active model: {version.id} (was {previous})", file=sys.stderr)
    print(version.id)
    return 0
