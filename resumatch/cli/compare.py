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
                    "requirement, kind, candidate, score, status, evidence, fit, mark, "
                    "coverage, requirements, note (fit: the 0-100 fit of the ranking; "
                    "coverage: weighted share of requirements met). Marks set with --mark "
                    "are kept per job in the store. "
                    "PATH: files or folders (TXT, MD, PDF, DOCX, CSV with one resume per "
                    "row); candidates are named by file stem.")
    parser.add_argument("--job", required=True, type=Path, metavar="FILE",
                        help="one job description (TXT, MD, PDF, DOCX)")
    parser.add_argument("--resumes", nargs="+", required=True, metavar="PATH")
    parser.add_argument("--out", type=Path, default=Path("compare.csv"))
    parser.add_argument("--model", default=None, help="model version (default: active)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="a fixed best-passage cosine for evidence instead of the "
                             "calibrated rule (the rule before used 0.48)")
    parser.add_argument("--mark", action="append", default=[], metavar="N=MARK",
                        help="mark requirement N (1-based, as listed) must, required, nice, "
                             "ignore or default; kept for this job in the store (repeat)")
    parser.add_argument("--quiet", action="store_true", help="no summary table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from resumatch.config import Settings
    from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
    from resumatch.ingest.documents import dedupe, read_files, reading_notes
    from resumatch.ingest.requirements import extract_requirements
    from resumatch.pipeline import load_encoder, match, open_registry
    from resumatch.rank.compare import comparison_from_pool
    from resumatch.rank.marks import check_mark, get_marks, set_mark

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
    requirements = extract_requirements(job.text)
    try:
        for item in args.mark:
            number, _, mark = item.partition("=")
            if not number.strip().isdigit() or not 1 <= int(number) <= len(requirements):
                raise ValueError(f"--mark {item!r}: N must be 1..{len(requirements)}")
            mark = mark.strip().lower()
            set_mark(registry.store, job.sha256, requirements[int(number) - 1].text,
                     None if mark == "default" else check_mark(mark))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    version = registry.get(args.model) if args.model else registry.active()
    encoder = load_encoder(version, settings)
    ranked = match(resumes, [job], Embedder(encoder, registry.store, DEFAULT_CHUNKING),
                   marks={job.sha256: get_marks(registry.store, job.sha256)})
    scores = dict(zip(ranked.resume_names, (float(s) for s in ranked.scores[:, 0]),
                      strict=True))
    comparison = comparison_from_pool(job, resumes, ranked.pool, 0, version.id,
                                      args.threshold, scores)
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
    """A plain-text table: the requirements with their marks, then one line per
    candidate, best fit first. A candidate with too little text shows that note instead
    of a fit."""
    from resumatch.rank.marks import MARK_LABELS

    reqs = comparison.requirements
    preferred = sum(r.preferred for r in reqs)
    rule = ("calibrated evidence rule" if comparison.threshold is None
            else f"no evidence below cosine {comparison.threshold:.2f}")
    lines = [f"{comparison.job_name}: {len(reqs)} requirements ({len(reqs) - preferred} "
             f"required, {preferred} nice to have); {rule}"]
    for number, (requirement, mark) in enumerate(zip(reqs, comparison.marks, strict=False),
                                                 start=1):
        lines.append(f"  {number}. [{MARK_LABELS.get(mark, mark)}] {_short(requirement.text, 70)}")
    width = max([9] + [len(c.name) for c in comparison.candidates])
    lines.append(f"{'candidate':<{width}}  {'fit':>5}  requirements")
    for candidate in comparison.candidates:
        shown = "  -  " if candidate.note.startswith("too little") else f"{candidate.fit:>5.0f}"
        extra = f"  ({candidate.note})" if candidate.note else ""
        lines.append(f"{candidate.name:<{width}}  {shown}  {candidate.summary}{extra}")
    return "\n".join(lines)


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
