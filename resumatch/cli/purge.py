"""``purge``: delete all candidate data from the data directory."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge", help="delete all candidate data (documents, embeddings, shortlist, pairs)",
        description="Delete every stored resume and job description, their cached "
                    "embeddings, the shortlist and the labeled training pairs. Model "
                    "versions, training run records and the audit log (hashes only) are "
                    "kept. Asks for confirmation unless --yes is given.")
    parser.add_argument("--yes", action="store_true",
                        help="do not ask for confirmation (needed when stdin is not a terminal)")
    parser.add_argument("--keep-training-data", action="store_true",
                        help="keep the labeled pairs and data sets used for fine-tuning")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.store import open_store
    from resumatch.store.purge import CANDIDATE_TABLES, TRAINING_TABLES, count_candidate_data
    from resumatch.store.purge import purge_candidate_data as purge

    settings = Settings.from_env()
    if not settings.database_url and not settings.db_path.exists():
        print(f"nothing to delete: no data in {settings.data_dir}", file=sys.stderr)
        return 0
    store = open_store(settings)
    include_training = not args.keep_training_data
    if not args.yes:
        pending = count_candidate_data(store, include_training)
        labels = {**CANDIDATE_TABLES, **TRAINING_TABLES}
        print(f"This deletes from {store.location}:", file=sys.stderr)
        for table, count in pending.items():
            print(f"  {count} {labels[table]}", file=sys.stderr)
        if not sys.stdin.isatty():
            print("error: not a terminal; pass --yes to confirm", file=sys.stderr)
            return 1
        answer = input("Type 'delete' to confirm: ").strip().lower()
        if answer != "delete":
            print("cancelled; nothing deleted", file=sys.stderr)
            return 1
    report = purge(store, include_training_data=include_training, session="cli")
    for line in report.lines():
        print(line)
    return 0
