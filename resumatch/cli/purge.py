"""``purge``: delete all candidate data from the data directory."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purge", help="delete all candidate data, or one candidate (--candidate ID)",
        description="Delete every stored resume and job description, their cached "
                    "embeddings, the shortlist and the labeled training pairs. Model "
                    "versions, training run records and the audit log (hashes only) are "
                    "kept. Asks for confirmation unless --yes is given.")
    parser.add_argument("--yes", action="store_true",
                        help="do not ask for confirmation (needed when stdin is not a terminal)")
    parser.add_argument("--keep-training-data", action="store_true",
                        help="keep the labeled pairs and data sets used for fine-tuning")
    parser.add_argument("--candidate", type=int, default=None, metavar="ID",
                        help="delete only this talent-pool candidate, everywhere: their "
                             "files' text and vectors, fields, stages, ratings, notes, "
                             "shortlist rows and labelled pairs (the right to erasure)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.store import open_store
    from resumatch.store.purge import (
        CANDIDATE_TABLES,
        POOL_TABLES,
        TRAINING_TABLES,
        count_candidate_data,
    )
    from resumatch.store.purge import purge_candidate_data as purge

    settings = Settings.from_env()
    if not settings.database_url and not settings.db_path.exists():
        print(f"nothing to delete: no data in {settings.data_dir}", file=sys.stderr)
        return 0
    store = open_store(settings)
    if args.candidate is not None:
        return _purge_candidate(store, args.candidate, args.yes)
    include_training = not args.keep_training_data
    if not args.yes:
        pending = count_candidate_data(store, include_training, include_pool=True)
        labels = {**CANDIDATE_TABLES, **POOL_TABLES, **TRAINING_TABLES}
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


def _purge_candidate(store, candidate_id: int, yes: bool) -> int:  # noqa: ANN001
    from resumatch.pool.candidates import CandidateError, get_candidate, history
    from resumatch.pool.erasure import UnknownCandidate, delete_candidate

    try:
        candidate = get_candidate(store, candidate_id)
    except CandidateError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not yes:
        files = history(store, candidate.id)
        print(f"This deletes candidate {candidate.id} ({candidate.name}, {len(files)} file(s)) "
              "and everything stored about them.", file=sys.stderr)
        if not sys.stdin.isatty():
            print("error: not a terminal; pass --yes to confirm", file=sys.stderr)
            return 1
        if input("Type 'delete' to confirm: ").strip().lower() != "delete":
            print("cancelled; nothing deleted", file=sys.stderr)
            return 1
    try:
        report = delete_candidate(store, candidate.id, session="cli")
    except UnknownCandidate as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"deleted candidate {candidate.id} ({len(report.documents)} document(s), "
          "logged by hash)")
    for line in report.lines():
        print(line)
    return 0
