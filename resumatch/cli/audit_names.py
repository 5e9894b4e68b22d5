"""``audit-names``: the name-swap check of a model version, headless.

Scores the same resumes with only the name and gendered words changed (see
``resumatch.fairness.name_swap``) and prints, per swap set, the mean and the worst change
of the fit (0-100). The last stdout line is one JSON object with at least
``mean_abs_fit_change``, ``max_abs_fit_change`` (fit points) and ``pairs``; progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

SESSION = "cli"
DEFAULT_SHARED_SAMPLE = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit-names", help="name-swap check of a model; prints one JSON object last",
        description="Rank each resume again with only its name and gendered words swapped "
                    "(names associated with different sexes and ethnic groups; he/she/they) "
                    "and report how much the fit changes. Default: the resumes and jobs in "
                    "assets/; --data DIR: a sample of the shared evaluation resumes (dev "
                    "split) against the sample jobs.")
    parser.add_argument("--model", default=None, metavar="VERSION",
                        help="model version (default: active)")
    parser.add_argument("--data", type=Path, default=None, metavar="PATH",
                        help="the shared evaluation data folder (e.g. ../shared/data)")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help=f"number of resumes (default: all of assets/, "
                             f"{DEFAULT_SHARED_SAMPLE} with --data)")
    parser.add_argument("--jobs", nargs="+", default=None, metavar="PATH",
                        help="job descriptions (default: assets/sample_jobs)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.fairness.name_swap import (
        NAME_SOURCES,
        asset_sample,
        run_check,
        shared_sample,
    )
    from resumatch.ingest.documents import read_files
    from resumatch.pipeline import load_encoder, open_registry

    if args.sample is not None and args.sample < 1:
        print("error: --sample must be at least 1", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    registry = open_registry(settings)
    try:
        version = registry.get(args.model) if args.model else registry.active()
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    resumes, jobs = asset_sample(None if args.data else args.sample)
    where = "assets"
    if args.data is not None:
        try:
            resumes = shared_sample(args.data, args.sample or DEFAULT_SHARED_SAMPLE)
        except (FileNotFoundError, ValueError, KeyError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        where = f"{args.data} (dev split)"
    if args.jobs:
        jobs, errors = read_files(args.jobs, settings.max_upload_bytes)
        for error in errors:
            print(str(error), file=sys.stderr)
        if not jobs:
            print("error: no readable job description", file=sys.stderr)
            return 2
    sample = f"{where}: {len(resumes)} resumes x {len(jobs)} jobs"
    print(f"name-swap check of {version.id} on {sample}", file=sys.stderr)
    last = [0.0]

    def progress(done: int, total: int, note: str) -> None:
        if time.monotonic() - last[0] > 5 or done == total:
            last[0] = time.monotonic()
            print(f"  {note}", file=sys.stderr)

    result = run_check(resumes, jobs, load_encoder(version, settings), sample=sample,
                       progress=progress)
    summary = result.summary()
    print(f"{'swap set':<16} {'pairs':>6} {'mean |Δfit|':>11} {'max |Δfit|':>10} "
          f"{'mean Δfit':>9} {'rank changed':>12}")
    for key, figures in summary["swap_sets"].items():
        print(f"{key:<16} {figures['pairs']:>6} {figures['mean_abs_fit_change']:>11.3f} "
              f"{figures['max_abs_fit_change']:>10.1f} {figures['mean_fit_difference']:>+9.3f} "
              f"{figures['rank_changes']:>12}")
    print(f"{'all':<16} {summary['pairs']:>6} {summary['mean_abs_fit_change']:>11.3f} "
          f"{summary['max_abs_fit_change']:>10.1f} {summary['mean_fit_difference']:>+9.3f} "
          f"{summary['rank_changes']:>12}")
    worst = summary["worst"]
    if worst:
        print(f"worst: {worst['resume']} for {worst['job']}: {worst['first']} "
              f"{worst['fit_first']:.1f} vs {worst['second']} {worst['fit_second']:.1f}")
    print(f"Δfit = fit of the first variant minus the second (female - male, Black - White, "
          f"..., they - she/he); names: {NAME_SOURCES}", file=sys.stderr)
    registry.store.audit(SESSION, "audit_names", model_id=version.id,
                         detail={k: summary[k] for k in ("sample", "pairs",
                                                         "mean_abs_fit_change",
                                                         "max_abs_fit_change",
                                                         "rank_changes")})
    print(json.dumps(summary))
    return 0
