"""Openings: job descriptions saved with a name and a status, kept for weeks.

An opening is identified by its id; its text's sha256 (``job_sha256``) is what the
embedding cache and the requirement marks (issue 11, ``resumatch.rank.marks``, keyed by
the job text's sha256) attach to. Saving the same text again updates the existing
opening instead of creating a second one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from resumatch.ingest.documents import Document, normalize_text, text_hash
from resumatch.store import Store

STATUSES = ("open", "closed")


class OpeningError(ValueError):
    """A bad opening (empty name or text, unknown status, unknown id)."""


@dataclass(frozen=True)
class Opening:
    """A saved job description."""

    id: int
    name: str
    text: str
    job_sha256: str
    status: str
    created: float
    updated: float

    def as_document(self) -> Document:
        """The opening as a job description to rank against (named after the opening)."""
        return Document(name=self.name, text=self.text, source=f"opening {self.id}")


def _row(row: object) -> Opening:
    return Opening(row["id"], row["name"], row["text"], row["job_sha256"], row["status"],
                   row["created"], row["updated"])


def save_opening(store: Store, name: str, text: str, session: str = "cli") -> Opening:
    """Save a job description as an open opening (the same text updates its name).

    Raises:
        OpeningError: for an empty name or text.
    """
    name, body = name.strip(), normalize_text(text or "")
    if not name:
        raise OpeningError("an opening needs a name")
    if not body:
        raise OpeningError("an opening needs a job description")
    now, sha = time.time(), text_hash(body)
    with store.connect() as conn:
        row = conn.execute(
            "INSERT INTO openings (name, text, job_sha256, status, created, updated)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT (job_sha256) DO UPDATE SET"
            " name = excluded.name, status = 'open', updated = excluded.updated"
            " RETURNING id", (name, body, sha, "open", now, now)).fetchone()
        opening_id = int(row["id"])
    store.audit(session, "save_opening", documents=[sha], detail={"opening": opening_id})
    return get_opening(store, opening_id)


def ensure_opening(store: Store, job_sha256: str, job_name: str) -> Opening:
    """The opening for a job text, created (named ``job_name``) when there is none yet.

    The text comes from the stored document of that hash (empty when it is not stored).
    Used when a candidate is moved to a stage for a job that was ranked but not saved.
    """
    found = opening_for_job(store, job_sha256)
    if found is not None:
        return found
    now = time.time()
    with store.connect() as conn:
        doc = conn.execute("SELECT text FROM documents WHERE sha256 = ?",
                           (job_sha256,)).fetchone()
        conn.execute(
            "INSERT INTO openings (name, text, job_sha256, status, created, updated)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT (job_sha256) DO NOTHING",
            (job_name or "job", doc["text"] if doc else "", job_sha256, "open", now, now))
    found = opening_for_job(store, job_sha256)
    assert found is not None
    return found


def get_opening(store: Store, opening_id: int) -> Opening:
    """One opening by id.

    Raises:
        OpeningError: when there is no such opening.
    """
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM openings WHERE id = ?", (int(opening_id),)).fetchone()
    if row is None:
        raise OpeningError(f"no opening with id {opening_id}")
    return _row(row)


def opening_for_job(store: Store, job_sha256: str) -> Opening | None:
    """The opening whose text has this sha256, if one was saved."""
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM openings WHERE job_sha256 = ?",
                           (job_sha256,)).fetchone()
    return _row(row) if row else None


def list_openings(store: Store, status: str | None = None) -> list[Opening]:
    """Openings, newest update first; only those with ``status`` when given."""
    query, params = "SELECT * FROM openings", ()
    if status is not None:
        query, params = query + " WHERE status = ?", (status,)
    with store.connect() as conn:
        rows = conn.execute(query + " ORDER BY updated DESC, id DESC", params).fetchall()
    return [_row(row) for row in rows]


def set_status(store: Store, opening_id: int, status: str, session: str = "cli") -> Opening:
    """Open or close an opening.

    Raises:
        OpeningError: for a status other than ``open``/``closed`` or an unknown id.
    """
    if status not in STATUSES:
        raise OpeningError(f"status must be one of {', '.join(STATUSES)}")
    opening = get_opening(store, opening_id)
    with store.connect() as conn:
        conn.execute("UPDATE openings SET status = ?, updated = ? WHERE id = ?",
                     (status, time.time(), opening.id))
    store.audit(session, "opening_status", documents=[opening.job_sha256],
                detail={"opening": opening.id, "status": status})
    return get_opening(store, opening.id)
