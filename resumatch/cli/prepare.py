"""``prepare``: export, calibrate and check the faster encoder of a model version ahead of
time (what ``auto`` otherwise does in the background on first start)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prepare", help="prepare the faster encoder of a model version now",
        description="Export the model to every faster backend, calibrate int8, check each "
                    "against torch fp32 on the shipped samples (fit and requirement "
                    "evidence, issue 14) and keep the decision, once per model version. "
                    "With RESUMATCH_BACKEND=auto (the default) the app and the CLI do this "
                    "in the background on first start; `make run` runs it first.")
    parser.add_argument("--model", default=None, help="model version (default: active)")
    parser.add_argument("--quiet", action="store_true", help="print only the decision")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.pipeline import open_registry, prepare_model

    settings = Settings.from_env()
    registry = open_registry(settings)
    try:
        version = registry.get(args.model) if args.model else registry.active()
    except (KeyError, FileNotFoundError) as err:
        print(f"error: {err.args[0] if err.args else err}", file=sys.stderr)
        return 2

    def report(done: int, total: int, note: str) -> None:
        if not args.quiet:
            print(f"[{round(100 * done / max(total, 1)):3d}%] {note}", file=sys.stderr,
                  flush=True)

    status = prepare_model(version, settings, report)
    if status.decision is not None:
        for check in status.decision.checks:
            print(f"  {check.summary()}")
    print(f"model {version.id}: serving with {status.label()}")
    if status.fallback:
        print(f"fallback to torch: {status.fallback}", file=sys.stderr)
    return 0
