"""``reembed``: embed the whole talent pool for one model version, skipping what is cached.

    python -m resumatch reembed --model VERSION [--engine local|ray] [--ray-address ADDR]

Run it for a fine-tuned version before promoting it: after the promotion every pool
search and every ranking of pool resumes reads cached vectors. A rerun continues where a
stopped one ended. The last stdout line is one JSON object with the counts.
"""

from __future__ import annotations

import argparse
import sys

from resumatch.cli.ingest import add_engine_arguments, engine_params, run_foreground


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reembed", help="embed the whole pool for a model version (before promoting it)",
        description="Embed every pool candidate's current resume and every opening with a "
                    "model version (in this process or on Ray), skipping what is already "
                    "embedded for it, so the version serves from cache once promoted.")
    parser.add_argument("--model", default=None, metavar="VERSION",
                        help="the model version to embed for (see `models`)")
    add_engine_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.scale.jobs import run_job

    if args.job:
        return run_job(Settings.from_env(), args.job)
    if not args.model:
        print("error: give --model VERSION (see `python -m resumatch models`)", file=sys.stderr)
        return 2
    params, problem = engine_params(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    code, _ = run_foreground("reembed", {**params, "model": args.model}, args.engine,
                             args.quiet)
    return code
