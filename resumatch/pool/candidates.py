"""The talent pool: candidates that persist, each owning one or more documents.

A candidate's documents are its history (every file it sent, keyed by the text's
sha256); the newest one is its current text, the one pool search ranks. Adding a
document whose text is already in the pool is an exact duplicate: nothing new is stored
and the existing candidate is named. A new document that is likely the same person as an
existing candidate (``resumatch.pool.duplicates``) becomes a new candidate flagged
"possible duplicate of X" for the recruiter to merge or keep apart.

Example:
    >>> import tempfile, pathlib
    >>> from resumatch.ingest.documents import Document
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3")
    >>> [o.status for o in add_documents(store, [Document("ann", "Ann, ICU nurse")] * 2)]
    ['added', 'exact_duplicate']
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from resumatch.ingest.documents import Document
from resumatch.pool.changes import bump
from resumatch.pool.duplicates import contact_keys, find_possible_duplicate
from resumatch.pool.field_store import store_extracted
from resumatch.store import Store

KEEP_RANKED_KEY = "pool.keep_ranked"  # "0": resumes ranked on the Match page are not kept


class CandidateError(LookupError):
    """An unknown candidate id."""


@dataclass(frozen=True)
class Candidate:
    """A person in the talent pool (their current text is ``sha256``)."""

    id: int
    name: str
    sha256: str
    source: str
    created: float
    updated: float
    duplicate_of: int | None = None
    duplicate_reason: str = ""
    duplicate_status: str = ""
    merged_into: int | None = None

    @property
    def possible_duplicate_of(self) -> int | None:
        """The candidate this one may be the same person as (an open flag only)."""
        return self.duplicate_of if self.duplicate_status == "flagged" else None


@dataclass(frozen=True)
class CandidateDocument:
    """One file of a candidate's history."""

    sha256: str
    name: str
    source: str
    added: float
    merged_from: int | None


@dataclass(frozen=True)
class AddOutcome:
    """What adding one document did: ``added``, ``exact_duplicate`` or
    ``possible_duplicate`` (added, and flagged as likely the same person as another)."""

    doc: Document
    status: str
    candidate_id: int
    duplicate_of: int | None = None
    reason: str = ""

    def message(self) -> str:
        """One line for a person: ``cv.pdf: added as candidate 7``."""
        where = self.doc.source if self.doc.source != "pasted" else self.doc.name
        if self.status == "exact_duplicate":
            return (f"{where}: skipped, exact duplicate of candidate {self.candidate_id} "
                    "(same text)")
        if self.status == "possible_duplicate":
            return (f"{where}: added as candidate {self.candidate_id}, possible duplicate of "
                    f"candidate {self.duplicate_of} ({self.reason})")
        return f"{where}: added as candidate {self.candidate_id}"


def _candidate(row: Any) -> Candidate:
    return Candidate(int(row["id"]), row["name"], row["sha256"], row["source"], row["created"],
                     row["updated"], row["duplicate_of"], row["duplicate_reason"],
                     row["duplicate_status"], row["merged_into"])


def keep_ranked(store: Store) -> bool:
    """Whether resumes ranked on the Match page are kept in the pool (default yes)."""
    return store.get_setting(KEEP_RANKED_KEY, "1") != "0"


def add_documents(store: Store, docs: Sequence[Document], session: str = "cli",
                  as_of: date | None = None) -> list[AddOutcome]:
    """Add resumes to the pool, one outcome per document in order.

    Each document is stored (``documents``), its structured fields are extracted, and it
    is checked against the pool for an exact duplicate (same text) and a likely same
    person. Documents are expected to be normalised (as every reader returns them).
    """
    outcomes: list[AddOutcome] = []
    if not docs:
        return outcomes
    store.put_documents([(d.sha256, d.name, d.text) for d in docs])
    added: list[str] = []
    with store.connect() as conn:
        for doc in docs:
            now = time.time()
            owner = conn.execute("SELECT candidate_id FROM candidate_documents WHERE sha256 = ?",
                                 (doc.sha256,)).fetchone()
            if owner is not None:
                conn.execute("UPDATE candidates SET updated = ? WHERE id = ?",
                             (now, owner["candidate_id"]))
                outcomes.append(AddOutcome(doc, "exact_duplicate", int(owner["candidate_id"])))
                continue
            keys = contact_keys(doc.text)
            duplicate = find_possible_duplicate(conn, keys, doc.text)
            row = conn.execute(
                "INSERT INTO candidates (name, sha256, source, email, phone, person_name,"
                " duplicate_of, duplicate_reason, duplicate_status, created, updated)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (doc.name, doc.sha256, doc.source, keys.email, keys.phone, keys.person_name,
                 duplicate[0] if duplicate else None, duplicate[1] if duplicate else "",
                 "flagged" if duplicate else "", now, now)).fetchone()
            candidate_id = int(row["id"])
            conn.execute("INSERT INTO candidate_documents (sha256, candidate_id, name, source,"
                         " added) VALUES (?,?,?,?,?)",
                         (doc.sha256, candidate_id, doc.name, doc.source, now))
            store_extracted(conn, doc.sha256, doc.text, as_of)
            added.append(doc.sha256)
            if duplicate:
                outcomes.append(AddOutcome(doc, "possible_duplicate", candidate_id,
                                           duplicate[0], duplicate[1]))
            else:
                outcomes.append(AddOutcome(doc, "added", candidate_id))
        bump(conn)
    store.audit(session, "pool_add", documents=[d.sha256 for d in docs],
                detail={"added": len(added), "documents": len(docs),
                        "possible_duplicates": sum(o.status == "possible_duplicate"
                                                   for o in outcomes)})
    return outcomes


def get_candidate(store: Store, candidate_id: int) -> Candidate:
    """One candidate by id (merged ones too).

    Raises:
        CandidateError: when there is no such candidate.
    """
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM candidates WHERE id = ?",
                           (int(candidate_id),)).fetchone()
    if row is None:
        raise CandidateError(f"no candidate with id {candidate_id}")
    return _candidate(row)


def candidate_for_document(store: Store, sha256: str) -> Candidate | None:
    """The active candidate owning a document text (through merges), if any."""
    with store.connect() as conn:
        row = conn.execute(
            "SELECT c.* FROM candidate_documents d JOIN candidates c ON c.id = d.candidate_id"
            " WHERE d.sha256 = ?", (sha256,)).fetchone()
    return _candidate(row) if row else None


def list_candidates(store: Store, include_merged: bool = False) -> list[Candidate]:
    """Candidates in the pool, oldest first; merged-away ones only when asked."""
    query = "SELECT * FROM candidates"
    if not include_merged:
        query += " WHERE merged_into IS NULL"
    with store.connect() as conn:
        rows = conn.execute(query + " ORDER BY id").fetchall()
    return [_candidate(row) for row in rows]


def merged_into(store: Store, candidate_id: int) -> list[Candidate]:
    """Candidates merged into this one (their files are in its history)."""
    with store.connect() as conn:
        rows = conn.execute("SELECT * FROM candidates WHERE merged_into = ? ORDER BY id",
                            (int(candidate_id),)).fetchall()
    return [_candidate(row) for row in rows]


def history(store: Store, candidate_id: int) -> list[CandidateDocument]:
    """A candidate's files, newest first (the first is its current text)."""
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT * FROM candidate_documents WHERE candidate_id = ?"
            " ORDER BY added DESC, sha256", (int(candidate_id),)).fetchall()
    return [CandidateDocument(r["sha256"], r["name"], r["source"], r["added"], r["merged_from"])
            for r in rows]


def text_of(store: Store, sha256: str) -> str | None:
    """A stored document's text (None when it is not stored)."""
    with store.connect() as conn:
        row = conn.execute("SELECT text FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
    return row["text"] if row else None


def contact(store: Store, candidate_id: int) -> tuple[str, str]:
    """(email, phone) of a candidate as normalised for duplicate checks ("" if none)."""
    with store.connect() as conn:
        row = conn.execute("SELECT email, phone FROM candidates WHERE id = ?",
                           (int(candidate_id),)).fetchone()
    return (row["email"], row["phone"]) if row else ("", "")


def touch(conn: Any, candidate_ids: Sequence[int]) -> None:
    """Mark candidates as used now (retention counts from the last touch)."""
    now = time.time()
    for candidate_id in candidate_ids:
        conn.execute("UPDATE candidates SET updated = ? WHERE id = ?", (now, int(candidate_id)))


def ensure_candidate(store: Store, sha256: str, name: str, source: str = "") -> Candidate:
    """The candidate owning a document hash, created when there is none.

    With the text stored the document is added like any other (fields extracted,
    duplicates checked); without it (an old shortlist row) the candidate is kept by hash
    and name only until its text is seen again.
    """
    found = candidate_for_document(store, sha256)
    if found is not None:
        return found
    text = text_of(store, sha256)
    if text is not None:
        doc = Document(name=name, text=text, source=source or name)
        if doc.sha256 == sha256:
            outcome = add_documents(store, [doc])[0]
            return get_candidate(store, outcome.candidate_id)
    now = time.time()
    with store.connect() as conn:
        row = conn.execute("INSERT INTO candidates (name, sha256, source, created, updated)"
                           " VALUES (?,?,?,?,?) RETURNING id",
                           (name, sha256, source, now, now)).fetchone()
        conn.execute("INSERT INTO candidate_documents (sha256, candidate_id, name, source, added)"
                     " VALUES (?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING",
                     (sha256, int(row["id"]), name, source, now))
        bump(conn)
    return get_candidate(store, int(row["id"]))


def rename(store: Store, candidate_id: int, name: str) -> None:
    """Change the name a candidate is listed under."""
    with store.connect() as conn:
        conn.execute("UPDATE candidates SET name = ? WHERE id = ?", (name, int(candidate_id)))
        bump(conn)
