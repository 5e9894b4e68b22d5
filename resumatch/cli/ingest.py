"""``ingest``: read many resumes, embed what is new, and add them to the talent pool.

    python -m resumatch ingest PATH... [--engine local|ray] [--ray-address ADDR]

Files, folders (recursively) and CSVs as ``rank`` reads them. Per-file problems, duplicate
texts and possible duplicate people go to stderr; progress bars too (``--quiet`` hides
them). The last stdout line is one JSON object with the counts. A rerun skips what is
already embedded for the model, so a stopped ingest continues where it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SESSION = "cli"


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine``, ``--ray-address``, ``--actors``, ``--cpus-per-actor`` (shared with
    ``reembed``)."""
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: embed in this process (default); ray: Ray Data actors "
                             "that each load the model once")
    parser.add_argument("--ray-address", default=None, metavar="ADDR",
                        help="join this Ray cluster (default: $RAY_ADDRESS; without either "
                             "Ray starts on this machine)")
    parser.add_argument("--actors", type=int, default=None, metavar="N",
                        help="Ray actors (default: the cluster's CPUs / --cpus-per-actor)")
    parser.add_argument("--cpus-per-actor", type=int, default=None, metavar="C",
                        help="CPUs (torch threads) per Ray actor (default 1)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--job", metavar="JOB_ID",
                        help="run a job the admin page created (background process)")


def engine_params(args: argparse.Namespace) -> tuple[dict[str, Any], str | None]:
    """The engine part of a job's parameters, or an error message."""
    if args.engine != "ray" and (args.ray_address or args.actors or args.cpus_per_actor):
        return {}, "--ray-address, --actors and --cpus-per-actor need --engine ray"
    for name in ("actors", "cpus_per_actor"):
        value = getattr(args, name)
        if value is not None and value < 1:
            return {}, f"--{name.replace('_', '-')} must be at least 1"
    return {"ray_address": args.ray_address, "actors": args.actors,
            "cpus_per_actor": args.cpus_per_actor}, None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest", help="bulk-add resumes to the pool: read, dedupe, embed (local or Ray)",
        description="Read resumes from files and folders (TXT, MD, PDF, DOCX, CSV with one "
                    "resume per row), skip exact duplicates, embed what is not embedded yet "
                    "for the model (in this process or on Ray) and add them to the talent "
                    "pool. Unreadable files are reported on stderr and skipped. There is no "
                    "limit on the number of files (RESUMATCH_MAX_FILES is the upload limit).")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument("--model", default=None, metavar="VERSION",
                        help="model version to embed with (default: active)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 2 if any file could not be read")
    parser.add_argument("--verbose", action="store_true",
                        help="also print a line per added resume")
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


class Echo:
    """Progress bars and messages on stderr for a foreground job."""

    def __init__(self, quiet: bool, verbose: bool = False) -> None:
        from tqdm import tqdm

        self.tqdm = tqdm
        self.quiet, self.verbose = quiet, verbose
        self.bars: dict[str, Any] = {}
        self.said_start = False

    def bar(self, name: str, total: int, unit: str) -> Any:
        bar = self.bars.get(name)
        if bar is None:
            bar = self.bars[name] = self.tqdm(total=total, unit=unit, desc=name,
                                              file=sys.stderr, disable=self.quiet)
        return bar

    def say(self, line: str) -> None:
        self.tqdm.write(line, file=sys.stderr)

    def on_read(self, done: int, total: int) -> None:
        bar = self.bar("reading", total, "file")
        bar.n = done
        bar.refresh()

    def on_errors(self, errors: list) -> None:
        for error in errors:
            self.say(str(error))

    def on_notes(self, notes: list[str]) -> None:
        for note in notes:
            self.say(note.replace("; skipped", "; skipped, exact duplicate"))

    def on_progress(self, progress: Any) -> None:
        if "embedding" not in self.bars:
            self.close("reading")
            if not self.said_start:
                self.say(progress.message)
                self.said_start = True
            if not progress.to_embed:
                return
        bar = self.bar("embedding", progress.to_embed, "doc")
        bar.n = progress.done
        if progress.rate:
            bar.set_postfix_str(f"{progress.rate:.1f} docs/s", refresh=False)
        bar.refresh()

    def on_outcomes(self, outcomes: list) -> None:
        for outcome in outcomes:
            if outcome.status != "added" or self.verbose:
                self.say(outcome.message())

    def close(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.bars):
            bar = self.bars.pop(key, None)
            if bar is not None:
                bar.close()


def run_foreground(kind: str, params: dict[str, Any], engine: str, quiet: bool,
                   verbose: bool = False) -> tuple[int, Any]:
    """Run a bulk job in this process with a row in the store (so every admin page
    shows it); prints the outcome and one JSON line. Returns (exit code, final row)."""
    from resumatch.config import Settings
    from resumatch.embed.registry import ModelRegistry
    from resumatch.scale.jobs import JobHooks, foreground_job, get_job, run_job
    from resumatch.store import open_store

    settings = Settings.from_env()
    store = open_store(settings)
    if params.get("model"):
        try:
            ModelRegistry(store, settings.models_dir).get(params["model"])
        except KeyError as err:
            print(f"error: {err.args[0]}", file=sys.stderr)
            return 2, None
    try:
        job = foreground_job(store, kind, params, engine)
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2, None
    echo = Echo(quiet, verbose)
    hooks = JobHooks(on_read=echo.on_read, on_errors=echo.on_errors, on_notes=echo.on_notes,
                     on_progress=echo.on_progress, on_outcomes=echo.on_outcomes)
    try:
        code = run_job(settings, job.id, hooks)
    finally:
        echo.close()
    done = get_job(store, job.id)
    print(f"{'error: ' if code else ''}{done.message}", file=sys.stderr)
    print(json.dumps({"job": done.id, "status": done.status, "model_id": done.model_id,
                      "engine": engine, "documents": done.total, "skipped": done.skipped,
                      "embedded": done.done, "added": done.added, "unreadable": done.failed,
                      "docs_per_s": round(done.rate or 0.0, 3)}))
    return code, done


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.scale.jobs import run_job

    if args.job:
        if args.paths:
            print("error: give either PATH... or --job, not both", file=sys.stderr)
            return 2
        return run_job(Settings.from_env(), args.job)
    if not args.paths:
        print("error: give at least one PATH (file or folder)", file=sys.stderr)
        return 2
    params, problem = engine_params(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    paths = [str(Path(p).expanduser().absolute()) for p in args.paths]
    code, job = run_foreground("ingest", {**params, "paths": paths, "model": args.model},
                               args.engine, args.quiet, args.verbose)
    if code == 0 and job is not None and job.total == 0:
        print("error: no readable resume; nothing added", file=sys.stderr)
        return 2
    if code == 0 and args.strict and job is not None and job.failed:
        return 2
    return code
