"""``pool``: the talent pool from the command line (the same data as the Pool page).

    python -m resumatch pool add PATH...
    python -m resumatch pool search --job FILE [--min-years N] [--degree LEVEL]
                                    [--skills A,B] [--top K] --out ranked.csv
    python -m resumatch pool list --out pool.csv
    python -m resumatch pool opening --name NAME FILE
    python -m resumatch pool export --opening ID --out opening.csv
    python -m resumatch pool merge KEEP_ID OTHER_ID | pool unmerge ID
    python -m resumatch pool retention --days N
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

SESSION = "cli"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "pool", help="the talent pool: add resumes, search it for a job, list it",
        description="Keep candidates between runs, search them for a job, list them.")
    commands = parser.add_subparsers(dest="pool_command", metavar="POOL_COMMAND", required=True)

    add = commands.add_parser(
        "add", help="add resumes to the pool",
        description="Read resumes like `rank` (files, folders; TXT, MD, PDF, DOCX, CSV), "
                    "add them to the pool and embed them with the active model. Prints on "
                    "stderr, per file: added, skipped as an exact duplicate, or flagged as "
                    "a possible duplicate of an existing candidate.")
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.add_argument("--no-embed", action="store_true",
                     help="do not embed now (the first search embeds what is missing)")
    add.add_argument("--model", default=None, help="model version (default: active)")
    add.add_argument("--strict", action="store_true",
                     help="exit 2 if any file could not be read")
    add.set_defaults(func=run_add)

    search = commands.add_parser(
        "search", help="rank every pool candidate for a job and write a CSV",
        description="Rank every candidate in the pool for one job description with the "
                    "same scoring as `rank` and the Match page, from cached vectors.")
    which = search.add_mutually_exclusive_group(required=True)
    which.add_argument("--job", type=Path, help="job description file")
    which.add_argument("--opening", type=int, help="id of a saved opening")
    search.add_argument("--min-years", type=float, default=None,
                        help="at least this many years of experience")
    search.add_argument("--degree", default=None,
                        help="degree at least: high school, associate, bachelor, master, "
                             "doctorate")
    search.add_argument("--skills", default="", help="must have all of these, comma-separated")
    search.add_argument("--top", type=int, default=None, help="keep the best K")
    search.add_argument("--out", type=Path, default=Path("ranked.csv"))
    search.add_argument("--model", default=None, help="model version (default: active)")
    search.set_defaults(func=run_search)

    listing = commands.add_parser(
        "list", help="write the pool as CSV, one row per candidate",
        description="One row per candidate: id, name, source, dates, structured fields, "
                    "the openings it is in, and duplicate_of (a possible duplicate).")
    listing.add_argument("--out", type=Path, default=Path("pool.csv"))
    listing.add_argument("--blind", action="store_true",
                         help="hide names and sources (Candidate <id>)")
    listing.set_defaults(func=run_list)

    opening = commands.add_parser("opening", help="save a job description as an opening")
    opening.add_argument("path", type=Path, metavar="FILE")
    opening.add_argument("--name", default=None, help="opening name (default: file name)")
    opening.set_defaults(func=run_opening)

    export = commands.add_parser(
        "export", help="write one opening as CSV for an ATS bulk import",
        description="One row per candidate placed in the opening: candidate_id, candidate, "
                    "email, phone, source, opening, stage, rating, fit, must_haves_met, "
                    "notes, updated.")
    export.add_argument("--opening", type=int, required=True)
    export.add_argument("--out", type=Path, default=Path("opening.csv"))
    export.add_argument("--blind", action="store_true",
                        help="leave out names and contact details")
    export.set_defaults(func=run_export)

    merge = commands.add_parser("merge", help="merge candidate OTHER into KEEP")
    merge.add_argument("keep", type=int)
    merge.add_argument("other", type=int)
    merge.set_defaults(func=run_merge)

    unmerge = commands.add_parser("unmerge", help="undo the merge of a candidate")
    unmerge.add_argument("candidate", type=int)
    unmerge.set_defaults(func=run_unmerge)

    retention = commands.add_parser(
        "retention", help="delete candidates untouched for N days (0: off, the default)")
    retention.add_argument("--days", type=int, required=True)
    retention.set_defaults(func=run_retention)


def _store():  # noqa: ANN202 (imports stay lazy so `--help` is fast)
    from resumatch.config import Settings
    from resumatch.pipeline import open_store
    from resumatch.pool.retention import apply_retention, retention_days

    settings = Settings.from_env()
    store = open_store(settings)
    erased = apply_retention(store)
    if erased:
        print(f"retention: deleted {len(erased)} candidate(s) untouched for "
              f"{retention_days(store)} days", file=sys.stderr)
    return settings, store


def _embedder(settings, store, model: str | None):  # noqa: ANN001, ANN202
    from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
    from resumatch.pipeline import load_encoder, open_registry

    registry = open_registry(settings, store)
    version = registry.get(model) if model else registry.active()
    return Embedder(load_encoder(version, settings), store, DEFAULT_CHUNKING)


def run_add(args: argparse.Namespace) -> int:
    from resumatch.ingest.documents import dedupe, read_files
    from resumatch.pool.candidates import add_documents

    settings, store = _store()
    docs, errors = read_files(args.paths, settings.max_upload_bytes, settings.max_files)
    for error in errors:
        print(str(error), file=sys.stderr)
    docs, notes = dedupe(docs)
    for note in notes:
        print(note.replace("; skipped", "; skipped, exact duplicate"), file=sys.stderr)
    if not docs:
        print("error: no readable resume; nothing added", file=sys.stderr)
        return 2
    outcomes = add_documents(store, docs, session=SESSION)
    for outcome in outcomes:
        print(outcome.message(), file=sys.stderr)
    added = [o.doc for o in outcomes if o.status != "exact_duplicate"]
    if added and not args.no_embed:
        started = time.perf_counter()
        embedder = _embedder(settings, store, args.model)
        embedder.embed(added)
        print(f"embedded {embedder.stats.misses} new resume(s) with model "
              f"{embedder.encoder.model_id} in {time.perf_counter() - started:.1f}s",
              file=sys.stderr)
    counts = {status: sum(o.status == status for o in outcomes)
              for status in ("added", "possible_duplicate", "exact_duplicate")}
    print(f"{counts['added'] + counts['possible_duplicate']} added "
          f"({counts['possible_duplicate']} possible duplicate(s)), "
          f"{counts['exact_duplicate'] + len(notes)} exact duplicate(s) skipped, "
          f"{len(errors)} unreadable", file=sys.stderr)
    return 2 if args.strict and errors else 0


def run_search(args: argparse.Namespace) -> int:
    from resumatch.exports import frame_to_csv
    from resumatch.ingest.documents import read_files
    from resumatch.pool.filters import FieldFilter, parse_skills
    from resumatch.pool.openings import OpeningError, get_opening
    from resumatch.pool.search import search_pool
    from resumatch.store.audit import record_export

    settings, store = _store()
    if args.opening is not None:
        try:
            job = get_opening(store, args.opening).as_document()
        except OpeningError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    else:
        jobs, errors = read_files([args.job], settings.max_upload_bytes)
        for error in errors:
            print(str(error), file=sys.stderr)
        if not jobs:
            print("error: no readable job description", file=sys.stderr)
            return 2
        if len(jobs) > 1:
            print(f"{args.job}: holds {len(jobs)} job descriptions; searching for the first "
                  f"({jobs[0].name})", file=sys.stderr)
        job = jobs[0]
    try:
        field_filter = FieldFilter(min_years=args.min_years, degree=args.degree or None,
                                   skills=parse_skills(args.skills))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    embedder = _embedder(settings, store, args.model)
    found = search_pool(store, job, embedder, field_filter, top=args.top)
    content = frame_to_csv(found.table, index=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    with store.connect() as conn:
        shas = {int(r["id"]): r["sha256"] for r in
                conn.execute("SELECT id, sha256 FROM candidates").fetchall()}
    shown = [shas[int(i)] for i in found.table["candidate_id"] if int(i) in shas]
    store.audit(SESSION, "pool_search", model_id=found.model_id,
                documents=[job.sha256, *shown[:10]],
                detail={"searched": found.searched, "shown": len(found.table),
                        "filter": field_filter.describe(), "top": shown[:10]})
    record_export(store, SESSION, found.model_id, args.out.name, content, [job.sha256, *shown])
    note = f"; {field_filter.describe()} left {len(found.table)}" if field_filter.active else ""
    skipped = (f"; {found.unsearchable} without stored text or vectors"
               if found.unsearchable else "")
    print(f"searched {found.searched} candidates for {job.name} with model {found.model_id} "
          f"in {found.timings['total_s']:.2f}s{note}{skipped}; wrote {args.out}",
          file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from resumatch.pool.listing import pool_csv
    from resumatch.store.audit import record_export

    _, store = _store()
    content = pool_csv(store, blind=args.blind)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    record_export(store, SESSION, None, args.out.name, content)
    print(f"wrote {content.count(chr(10)) - 1} candidate(s) to {args.out}", file=sys.stderr)
    return 0


def run_opening(args: argparse.Namespace) -> int:
    from resumatch.ingest.documents import read_files
    from resumatch.pool.openings import OpeningError, save_opening

    settings, store = _store()
    docs, errors = read_files([args.path], settings.max_upload_bytes)
    for error in errors:
        print(str(error), file=sys.stderr)
    if not docs:
        return 2
    try:
        opening = save_opening(store, args.name or docs[0].name, docs[0].text, SESSION)
    except OpeningError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(opening.id)
    print(f"saved opening {opening.id}: {opening.name}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from resumatch.pool.opening_export import opening_csv
    from resumatch.pool.openings import OpeningError, get_opening
    from resumatch.pool.search import must_haves_lookup, search_pool
    from resumatch.store.audit import record_export

    settings, store = _store()
    try:
        opening = get_opening(store, args.opening)
    except OpeningError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # must_haves_met: the opening's requirements (with their marks) checked against each
    # candidate, as in a pool search of the opening.
    found = search_pool(store, opening.as_document(), _embedder(settings, store, None))
    content = opening_csv(store, opening.id, must_haves_met=must_haves_lookup(found),
                          blind=args.blind)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    record_export(store, SESSION, None, args.out.name, content, [opening.job_sha256],
                  blind=args.blind)
    print(f"wrote {content.count(chr(10)) - 1} candidate(s) of {opening.name} to {args.out}",
          file=sys.stderr)
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from resumatch.pool.duplicates import MergeError, merge

    _, store = _store()
    try:
        merge(store, args.keep, args.other, SESSION)
    except MergeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"merged candidate {args.other} into {args.keep}", file=sys.stderr)
    return 0


def run_unmerge(args: argparse.Namespace) -> int:
    from resumatch.pool.duplicates import MergeError, undo_merge

    _, store = _store()
    try:
        keep = undo_merge(store, args.candidate, SESSION)
    except MergeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"candidate {args.candidate} split off candidate {keep} again", file=sys.stderr)
    return 0


def run_retention(args: argparse.Namespace) -> int:
    from resumatch.pool.retention import set_retention_days

    _, store = _store()
    try:
        set_retention_days(store, args.days, SESSION)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    state = f"{args.days} days" if args.days else "off"
    print(f"retention: {state}", file=sys.stderr)
    return 0
