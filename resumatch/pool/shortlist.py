"""The shortlist: candidates starred for a job, which is now the "screen" stage of an
opening (and the stages after it: interview, offer, hired).

Starring a candidate for a job moves them to the ``screen`` stage of the opening for
that job text, creating the opening (named after the job) and the candidate when they do
not exist yet. Unstarring moves them back to ``new``. Rows are still addressed by (job
sha256, resume sha256), so the same resume text stays starred for the same job text
across sessions, uploads and renames. Shortlists kept before openings existed are
migrated into ``screen`` stages by the store's migration.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from resumatch.exports import rows_to_csv
from resumatch.pool.candidates import candidate_for_document, ensure_candidate, rename
from resumatch.pool.openings import ensure_opening, opening_for_job
from resumatch.pool.workflow import placement, placements, set_stage
from resumatch.store import Store

EXPORT_COLUMNS = ("job", "name", "score", "fit", "top_evidence", "starred")
SHORTLIST_STAGES = ("screen", "interview", "offer", "hired")


@dataclass(frozen=True)
class ShortlistEntry:
    """One starred candidate for one job (a placement at ``screen`` or later)."""

    job_sha256: str
    job_name: str
    resume_sha256: str
    resume_name: str
    score: float | None
    fit: float | None
    evidence: str
    created: float
    stage: str = "screen"
    opening_id: int | None = None
    candidate_id: int | None = None


def star(store: Store, job_sha256: str, job_name: str, resume_sha256: str, resume_name: str,
         score: float | None = None, fit: float | None = None, evidence: str = "",
         session: str = "app") -> None:
    """Put a candidate on a job's shortlist (the ``screen`` stage); starring again
    refreshes the values shown and keeps a later stage as it is."""
    opening = ensure_opening(store, job_sha256, job_name)
    candidate = ensure_candidate(store, resume_sha256, resume_name, source=resume_name)
    if candidate.name != resume_name:
        rename(store, candidate.id, resume_name)
    current = placement(store, opening.id, candidate.id)
    stage = current.stage if current and current.stage in SHORTLIST_STAGES else "screen"
    set_stage(store, opening.id, candidate.id, stage, session=session, score=score, fit=fit,
              evidence=evidence)


def unstar(store: Store, job_sha256: str, resume_sha256: str, session: str = "app") -> None:
    """Take a candidate off a job's shortlist (back to ``new``; nothing if not on it)."""
    opening = opening_for_job(store, job_sha256)
    candidate = candidate_for_document(store, resume_sha256)
    if opening is None or candidate is None:
        return
    current = placement(store, opening.id, candidate.id)
    if current is not None and current.stage in SHORTLIST_STAGES:
        set_stage(store, opening.id, candidate.id, "new", session=session)


def is_starred(store: Store, job_sha256: str, resume_sha256: str) -> bool:
    return resume_sha256 in starred_hashes(store, job_sha256)


def starred_hashes(store: Store, job_sha256: str) -> set[str]:
    """Document hashes (every file of each candidate) starred for one job."""
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT d.sha256 FROM opening_candidates p"
            " JOIN openings o ON o.id = p.opening_id"
            " JOIN candidate_documents d ON d.candidate_id = p.candidate_id"
            f" WHERE o.job_sha256 = ? AND p.stage IN ({','.join('?' * len(SHORTLIST_STAGES))})",
            (job_sha256, *SHORTLIST_STAGES)).fetchall()
    return {row["sha256"] for row in rows}


def entries(store: Store, job_sha256: str | None = None) -> list[ShortlistEntry]:
    """The shortlist, grouped by job (job name order), oldest first within a job."""
    found = placements(store, stages=SHORTLIST_STAGES)
    with store.connect() as conn:
        shas = {int(r["id"]): (r["job_sha256"]) for r in
                conn.execute("SELECT id, job_sha256 FROM openings").fetchall()}
        docs = {int(r["id"]): r["sha256"] for r in
                conn.execute("SELECT id, sha256 FROM candidates").fetchall()}
    items = [ShortlistEntry(shas[p.opening_id], p.opening_name, docs[p.candidate_id],
                            p.candidate_name, p.score, p.fit, p.evidence, p.created, p.stage,
                            p.opening_id, p.candidate_id) for p in found]
    if job_sha256 is not None:
        items = [item for item in items if item.job_sha256 == job_sha256]
    return sorted(items, key=lambda e: (e.job_name, e.job_sha256, e.created, e.resume_name))


def to_csv(items: Sequence[ShortlistEntry]) -> str:
    """CSV with ``job, name, score, fit, top_evidence, starred`` (ISO date, UTC)."""
    return rows_to_csv(EXPORT_COLUMNS, ([
        item.job_name, item.resume_name,
        "" if item.score is None else f"{item.score:.4f}",
        "" if item.fit is None else f"{item.fit:.4f}",
        item.evidence,
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.created)),
    ] for item in items))
