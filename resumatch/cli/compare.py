"""``compare``: requirement-by-requirement evidence of each resume for one job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from resumatch.rank.compare import Comparison


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare", help="compare resumes requirement by requirement for one job",
        description="Split a job description into requirements and find, in every resume, "
                    "the passage that best supports each one. Writes a long-format CSV: "
                    "requirement, kind, candidate, score, status, evidence, fit. "
                    "PATH: files or folders (TXT, MD, PDF, DOCX, CSV with one resume per "
                    "row); candidates are named by file stem.")
    parser.add_argument("--job", required=True, type=Path, metavar="FILE",
                        help="one job description (TXT, MD, PDF, DOCX)")
    parser.add_argument("--resumes", nargs="+", required=True, metavar="PATH")
    parser.add_argument("--out", type=Path, default=Path("compare.csv"))
    parser.add_argument("--model", default=None, help="model version (default: active)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="best-passage cosine below which a requirement has no evidence "
                             "(default: the tuned NO_EVIDENCE_BELOW of resumatch.rank.compare, "
                             "printed in the summary)")
    parser.add_argument("--quiet", action="store_true", help="no summary table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
    from resumatch.ingest.documents import dedupe, read_files, reading_notes
    from resumatch.pipeline import load_encoder, match, open_registry
    from resumatch.rank.compare import NO_EVIDENCE_BELOW, PassageIndex, compare_candidates

    settings = Settings.from_env()
    jobs, job_errors = read_files([args.job], settings.max_upload_bytes)
    resumes, resume_errors = read_files(args.resumes, settings.max_upload_bytes)
    resumes, duplicates = dedupe(resumes)
    for problem in ([str(e) for e in job_errors + resume_errors] + duplicates
                    + reading_notes(jobs + resumes)):
        print(problem, file=sys.stderr)
    if len(jobs) != 1:
        found = "no readable job description" if not jobs else f"{len(jobs)} job descriptions"
        print(f"error: --job must hold one job description ({found} in {args.job})",
              file=sys.stderr)
        return 2
    if not resumes:
        print("error: no readable resume; nothing to compare", file=sys.stderr)
        return 2
    job = jobs[0]
    registry = open_registry(settings)
    version = registry.get(args.model) if args.model else registry.active()
    encoder = load_encoder(version, settings)
    ranked = match(resumes, [job], Embedder(encoder, registry.store, DEFAULT_CHUNKING))
    scores = dict(zip(ranked.resume_names, (float(s) for s in ranked.scores[:, 0]),
                      strict=True))
    index = PassageIndex(encoder, registry.store)
    threshold = NO_EVIDENCE_BELOW if args.threshold is None else args.threshold
    comparison = compare_candidates(job, resumes, index, threshold=threshold, scores=scores)
    for note in comparison.notes:
        print(f"error: {note}", file=sys.stderr)
    if not comparison.requirements:
        return 2
    # Best candidates first in the file too: it is read top-down like the summary.
    comparison.candidates = comparison.by_fit()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(comparison.to_csv(), encoding="utf-8")
    if not args.quiet:
        print(summary(comparison))
    print(f"wrote {args.out} ({len(comparison.requirements)} requirements x "
          f"{len(comparison.candidates)} candidates, model {version.id})", file=sys.stderr)
    return 0


def summary(comparison: Comparison) -> str:
    """A plain-text table: one line per candidate, best fit first."""
    reqs = comparison.requirements
    preferred = sum(r.preferred for r in reqs)
    lines = [f"{comparison.job_name}: {len(reqs)} requirements ({len(reqs) - preferred} "
             f"required, {preferred} nice to have); no evidence below "
             f"{comparison.threshold:.2f}"]
    width = max([9] + [len(c.name) for c in comparison.candidates])
    lines.append(f"{'candidate':<{width}}  {'fit':>5}  {'met':>5}  {'score':>5}  "
                 "missing (required)")
    for candidate in comparison.candidates:
        score = "" if candidate.score is None else f"{candidate.score:.3f}"
        gaps = [r.text for r in candidate.missing if not r.preferred]
        missing = "; ".join(_short(text) for text in gaps[:3])
        missing += f" (+{len(gaps) - 3} more)" if len(gaps) > 3 else ""
        lines.append(f"{candidate.name:<{width}}  {candidate.fit:>5.2f}  "
                     f"{len(candidate.matched):>2}/{len(reqs):<2}  {score:>5}  {missing}")
    return "\n".join(lines)


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
