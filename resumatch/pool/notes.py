"""Notes on candidates: free text with its time and the session that wrote it.

A note belongs to a candidate and optionally to one opening. The text stays in the store
(and is deleted with the candidate); the audit log records that a note was written, by
the candidate's document hash and the note's sha256, never its words.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from resumatch.pool.candidates import touch
from resumatch.store import Store

MAX_NOTE_CHARS = 5000


class NoteError(ValueError):
    """An empty or too long note, or an unknown candidate."""


@dataclass(frozen=True)
class Note:
    id: int
    candidate_id: int
    opening_id: int | None
    text: str
    session: str
    created: float


def add_note(store: Store, candidate_id: int, text: str, session: str = "cli",
             opening_id: int | None = None) -> Note:
    """Write a note; returns it with its id and time.

    Raises:
        NoteError: for an empty note, one over ``MAX_NOTE_CHARS``, or an unknown candidate.
    """
    body = (text or "").strip()
    if not body:
        raise NoteError("a note cannot be empty")
    if len(body) > MAX_NOTE_CHARS:
        raise NoteError(f"a note is at most {MAX_NOTE_CHARS} characters")
    now = time.time()
    with store.connect() as conn:
        owner = conn.execute("SELECT sha256 FROM candidates WHERE id = ?",
                             (int(candidate_id),)).fetchone()
        if owner is None:
            raise NoteError(f"no candidate with id {candidate_id}")
        row = conn.execute(
            "INSERT INTO candidate_notes (candidate_id, opening_id, text, session, created)"
            " VALUES (?,?,?,?,?) RETURNING id",
            (int(candidate_id), None if opening_id is None else int(opening_id), body, session,
             now)).fetchone()
        touch(conn, [candidate_id])
    store.audit(session, "note", documents=[owner["sha256"]],
                detail={"candidate": int(candidate_id), "opening": opening_id,
                        "note": int(row["id"]), "chars": len(body),
                        "note_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest()})
    return Note(int(row["id"]), int(candidate_id), opening_id, body, session, now)


def notes_for(store: Store, candidate_ids: Sequence[int],
              opening_id: int | None = None) -> list[Note]:
    """Notes of candidates (newest first); of one opening plus general notes when given."""
    ids = [int(i) for i in candidate_ids] or [-1]
    query = (f"SELECT * FROM candidate_notes WHERE candidate_id IN ({','.join('?' * len(ids))})")
    params: list[object] = list(ids)
    if opening_id is not None:
        query += " AND (opening_id = ? OR opening_id IS NULL)"
        params.append(int(opening_id))
    with store.connect() as conn:
        rows = conn.execute(query + " ORDER BY created DESC, id DESC", params).fetchall()
    return [Note(int(r["id"]), int(r["candidate_id"]), r["opening_id"], r["text"], r["session"],
                 r["created"]) for r in rows]
