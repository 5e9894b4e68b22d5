"""The shortlist: candidates starred per job, kept in the store's ``shortlist`` table.

A row is keyed by (job sha256, resume sha256), so the same resume text stays starred
for the same job text across sessions, uploads and renames; the names, scores and top
evidence are the values shown when it was starred.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from resumatch.exports import rows_to_csv
from resumatch.store import Store

EXPORT_COLUMNS = ("job", "name", "score", "fit", "top_evidence", "starred")


@dataclass(frozen=True)
class ShortlistEntry:
    """One starred candidate for one job."""

    job_sha256: str
    job_name: str
    resume_sha256: str
    resume_name: str
    score: float | None
    fit: float | None
    evidence: str
    created: float


def star(store: Store, job_sha256: str, job_name: str, resume_sha256: str, resume_name: str,
         score: float | None = None, fit: float | None = None, evidence: str = "") -> None:
    """Add a candidate to a job's shortlist (starring again refreshes the values)."""
    with store.connect() as conn:
        conn.execute(
            "INSERT INTO shortlist (job_sha256, job_name, resume_sha256, resume_name, score,"
            " fit, evidence, created) VALUES (?,?,?,?,?,?,?,?)"
            " ON CONFLICT (job_sha256, resume_sha256) DO UPDATE SET job_name = excluded.job_name,"
            " resume_name = excluded.resume_name, score = excluded.score, fit = excluded.fit,"
            " evidence = excluded.evidence",
            (job_sha256, job_name, resume_sha256, resume_name,
             None if score is None else float(score), None if fit is None else float(fit),
             evidence, time.time()),
        )


def unstar(store: Store, job_sha256: str, resume_sha256: str) -> None:
    """Remove a candidate from a job's shortlist (nothing happens if it is not there)."""
    with store.connect() as conn:
        conn.execute("DELETE FROM shortlist WHERE job_sha256 = ? AND resume_sha256 = ?",
                     (job_sha256, resume_sha256))


def is_starred(store: Store, job_sha256: str, resume_sha256: str) -> bool:
    with store.connect() as conn:
        row = conn.execute("SELECT 1 FROM shortlist WHERE job_sha256 = ? AND resume_sha256 = ?",
                           (job_sha256, resume_sha256)).fetchone()
    return row is not None


def starred_hashes(store: Store, job_sha256: str) -> set[str]:
    """Resume hashes starred for one job."""
    with store.connect() as conn:
        rows = conn.execute("SELECT resume_sha256 FROM shortlist WHERE job_sha256 = ?",
                            (job_sha256,)).fetchall()
    return {row["resume_sha256"] for row in rows}


def entries(store: Store, job_sha256: str | None = None) -> list[ShortlistEntry]:
    """The shortlist, grouped by job (job name order), oldest star first within a job."""
    query = "SELECT * FROM shortlist"
    params: tuple[str, ...] = ()
    if job_sha256 is not None:
        query += " WHERE job_sha256 = ?"
        params = (job_sha256,)
    with store.connect() as conn:
        rows = conn.execute(query + " ORDER BY job_name, job_sha256, created, resume_name",
                            params).fetchall()
    return [ShortlistEntry(row["job_sha256"], row["job_name"], row["resume_sha256"],
                           row["resume_name"], row["score"], row["fit"], row["evidence"],
                           row["created"]) for row in rows]


def to_csv(items: Sequence[ShortlistEntry]) -> str:
    """CSV with ``job, name, score, fit, top_evidence, starred`` (ISO date, UTC)."""
    return rows_to_csv(EXPORT_COLUMNS, ([
        item.job_name, item.resume_name,
        "" if item.score is None else f"{item.score:.4f}",
        "" if item.fit is None else f"{item.fit:.4f}",
        item.evidence,
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.created)),
    ] for item in items))
