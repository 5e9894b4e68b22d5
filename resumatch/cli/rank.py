"""``rank``: score every resume against every job and write the long-format CSV."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rank", help="rank resumes for each job and write matches.csv",
        description="Rank resumes against jobs with the active model. PATH: files or "
                    "folders (TXT, MD, PDF, DOCX, ODT, RTF, DOC, HTML, PNG/JPEG/TIFF scans, "
                    "ZIP archives, CSV with one document per row).")
    parser.add_argument("--resumes", nargs="+", required=True, metavar="PATH")
    parser.add_argument("--jobs", nargs="+", required=True, metavar="PATH")
    parser.add_argument("--out", type=Path, default=Path("matches.csv"))
    parser.add_argument("--model", default=None, help="model version (default: active)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 2 if any file could not be read")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from resumatch.config import Settings
    from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
    from resumatch.ingest.documents import dedupe, read_files, reading_notes
    from resumatch.pipeline import (
        export_rankings,
        load_encoder,
        match,
        open_registry,
    )
    from resumatch.store.audit import record_export, record_ranking

    settings = Settings.from_env()
    started = time.perf_counter()
    say = None if args.quiet else (lambda note: print(note, file=sys.stderr))
    resumes, resume_errors = read_files(args.resumes, settings.max_upload_bytes, progress=say)
    jobs, job_errors = read_files(args.jobs, settings.max_upload_bytes, progress=say)
    resumes, resume_dups = dedupe(resumes)
    jobs, job_dups = dedupe(jobs)
    errors = resume_errors + job_errors
    for error in errors:
        print(str(error), file=sys.stderr)
    for note in resume_dups + job_dups + reading_notes(resumes + jobs):
        print(note, file=sys.stderr)
    if not resumes or not jobs:
        missing = "resume" if not resumes else "job description"
        print(f"error: no readable {missing}; nothing to rank", file=sys.stderr)
        return 2
    registry = open_registry(settings)
    version = registry.get(args.model) if args.model else registry.active()
    encoder = load_encoder(version, settings)
    embedder = Embedder(encoder, registry.store, DEFAULT_CHUNKING)
    total = len(resumes) + len(jobs)
    with tqdm(total=total, unit="doc", file=sys.stderr, disable=args.quiet,
              desc="embedding") as bar:
        def progress(done: int, of: int, note: str) -> None:
            bar.n = done
            bar.refresh()

        result = match(resumes, jobs, embedder, progress)
        bar.n = total
        bar.refresh()
    content = export_rankings(result)
    for position, resume in enumerate(resumes):
        if result.pool is not None and not result.pool.sufficiency[position].enough:
            print(f"{resume.name}: {result.pool.sufficiency[position].note}; its fit is "
                  "capped and is not a judgement", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(content, encoding="utf-8")
    record_ranking(registry.store, "cli", result.model_id,
                   [(d.name, d.sha256) for d in resumes], [(d.name, d.sha256) for d in jobs],
                   result.table, blind=False)
    record_export(registry.store, "cli", result.model_id, args.out.name, content,
                  [d.sha256 for d in resumes + jobs])
    elapsed = time.perf_counter() - started
    print(f"ranked {len(resumes)} resumes x {len(jobs)} jobs with model {version.id} in "
          f"{elapsed:.1f}s ({embedder.stats.misses} embedded, {embedder.stats.hits} cached); "
          f"wrote {args.out}", file=sys.stderr)
    if args.strict and errors:
        return 2
    return 0
