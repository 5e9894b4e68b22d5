"""The workflow of each opening: a stage and a 1-5 rating per candidate, and the last
fit the candidate got for it.

Stages: new -> screen -> interview -> offer -> hired, or rejected at any point. A
candidate ranked for an opening enters it as ``new``; the old shortlist is the
``screen`` stage (``resumatch.pool.shortlist``). Every change is written to the audit log
(candidate by document hash, never by name) and marks the candidate as used now, which
is what the retention setting counts from.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from resumatch.pool.candidates import touch
from resumatch.store import Store

STAGES = ("new", "screen", "interview", "offer", "hired", "rejected")
RATINGS = (1, 2, 3, 4, 5)


class WorkflowError(ValueError):
    """An unknown stage or a rating outside 1-5."""


@dataclass(frozen=True)
class Placement:
    """One candidate in one opening."""

    opening_id: int
    opening_name: str
    candidate_id: int
    candidate_name: str
    stage: str
    rating: int | None
    score: float | None
    fit: float | None
    evidence: str
    created: float
    updated: float


_SELECT = ("SELECT p.*, o.name AS opening_name, c.name AS candidate_name,"
           " c.sha256 AS candidate_sha256, o.job_sha256 FROM opening_candidates p"
           " JOIN openings o ON o.id = p.opening_id JOIN candidates c ON c.id = p.candidate_id")


def _placement(row: object) -> Placement:
    return Placement(int(row["opening_id"]), row["opening_name"], int(row["candidate_id"]),
                     row["candidate_name"], row["stage"], row["rating"], row["score"],
                     row["fit"], row["evidence"], row["created"], row["updated"])


def record_matches(store: Store, opening_id: int,
                   results: Sequence[tuple[int, float | None, float | None]],
                   model_id: str | None = None) -> None:
    """Remember the fit of candidates ranked for an opening: ``(candidate id, score, fit)``.

    New candidates enter the opening as ``new``; others keep their stage and rating.
    """
    now = time.time()
    with store.connect() as conn:
        for candidate_id, score, fit in results:
            conn.execute(
                "INSERT INTO opening_candidates (opening_id, candidate_id, stage, score, fit,"
                " model_id, created, updated) VALUES (?,?,?,?,?,?,?,?)"
                " ON CONFLICT (opening_id, candidate_id) DO UPDATE SET score = excluded.score,"
                " fit = excluded.fit, model_id = excluded.model_id",
                (int(opening_id), int(candidate_id), "new",
                 None if score is None else float(score), None if fit is None else float(fit),
                 model_id, now, now))
        touch(conn, [c for c, _, _ in results])


def _upsert(store: Store, opening_id: int, candidate_id: int, column: str, value: object,
            session: str, action: str, score: float | None = None,
            fit: float | None = None, evidence: str | None = None) -> None:
    now = time.time()
    with store.connect() as conn:
        conn.execute(
            "INSERT INTO opening_candidates (opening_id, candidate_id, stage, rating, score,"
            " fit, evidence, created, updated) VALUES (?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (opening_id, candidate_id) DO NOTHING",
            (int(opening_id), int(candidate_id), "new", None,
             None if score is None else float(score), None if fit is None else float(fit),
             evidence or "", now, now))
        conn.execute(f"UPDATE opening_candidates SET {column} = ?, updated = ?"
                     " WHERE opening_id = ? AND candidate_id = ?",
                     (value, now, int(opening_id), int(candidate_id)))
        if score is not None or fit is not None or evidence is not None:
            conn.execute(
                "UPDATE opening_candidates SET score = COALESCE(?, score),"
                " fit = COALESCE(?, fit), evidence = COALESCE(?, evidence)"
                " WHERE opening_id = ? AND candidate_id = ?",
                (None if score is None else float(score), None if fit is None else float(fit),
                 evidence, int(opening_id), int(candidate_id)))
        touch(conn, [candidate_id])
        row = conn.execute("SELECT c.sha256 FROM candidates c WHERE c.id = ?",
                           (int(candidate_id),)).fetchone()
    store.audit(session, action, documents=[row["sha256"]] if row else [],
                detail={"opening": int(opening_id), "candidate": int(candidate_id),
                        column: value})


def set_stage(store: Store, opening_id: int, candidate_id: int, stage: str,
              session: str = "cli", score: float | None = None, fit: float | None = None,
              evidence: str | None = None) -> None:
    """Move a candidate to a stage of an opening (added to the opening if needed).

    Raises:
        WorkflowError: for a stage not in ``STAGES``.
    """
    if stage not in STAGES:
        raise WorkflowError(f"stage must be one of {', '.join(STAGES)}")
    _upsert(store, opening_id, candidate_id, "stage", stage, session, "stage", score, fit,
            evidence)


def set_rating(store: Store, opening_id: int, candidate_id: int, rating: int | None,
               session: str = "cli") -> None:
    """Rate a candidate for an opening, 1 (weak) to 5 (strong); None clears it.

    Raises:
        WorkflowError: for a rating outside 1-5.
    """
    if rating is not None and int(rating) not in RATINGS:
        raise WorkflowError("a rating is a whole number from 1 to 5")
    _upsert(store, opening_id, candidate_id, "rating", None if rating is None else int(rating),
            session, "rating")


def placement(store: Store, opening_id: int, candidate_id: int) -> Placement | None:
    with store.connect() as conn:
        row = conn.execute(_SELECT + " WHERE p.opening_id = ? AND p.candidate_id = ?",
                           (int(opening_id), int(candidate_id))).fetchone()
    return _placement(row) if row else None


def placements(store: Store, opening_id: int | None = None,
               candidate_ids: Sequence[int] | None = None,
               stages: Sequence[str] | None = None) -> list[Placement]:
    """Placements of one opening (best fit first) or of candidates, optionally by stage."""
    clauses, params = ["c.merged_into IS NULL"], []
    if opening_id is not None:
        clauses.append("p.opening_id = ?")
        params.append(int(opening_id))
    if candidate_ids is not None:
        ids = [int(i) for i in candidate_ids] or [-1]
        clauses.append(f"p.candidate_id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if stages is not None:
        clauses.append(f"p.stage IN ({','.join('?' * len(stages))})")
        params.extend(stages)
    with store.connect() as conn:
        rows = conn.execute(_SELECT + " WHERE " + " AND ".join(clauses)
                            + " ORDER BY o.name, p.opening_id, COALESCE(p.fit, -1) DESC,"
                              " p.created, c.name", params).fetchall()
    return [_placement(row) for row in rows]
