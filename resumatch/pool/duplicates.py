"""Likely the same person: contact keys, text similarity, merge and undo.

A new candidate is flagged "possible duplicate of X" when, against an active candidate X:

- the normalised email is the same (lower case), or
- the normalised phone number is the same (its last 10 digits, at least 7 digits), or
- the name at the top of the resume is the same (case and spacing folded) **and** the
  texts are very similar: Jaccard similarity of their word 3-shingles at least
  ``SIMILAR_TEXT_THRESHOLD`` (0.5). A newer version of the same resume (one more job, a
  reworded summary) scores well above it; two different people's resumes of the same
  occupation score under 0.1 (``tests/unit/pool/test_duplicates.py`` checks both on real
  shared resumes). Shingling: Broder, "On the resemblance and containment of documents"
  (1997).

The recruiter then merges the two (the newest text becomes the candidate's current
document, every file stays in its history) or keeps both. A merge only moves rows and
sets ``merged_into``; undoing it moves them back, so nothing is lost.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from resumatch.ingest.redaction import header_name
from resumatch.pool.changes import bump
from resumatch.store import Store

SIMILAR_TEXT_THRESHOLD = 0.5
SHINGLE_WORDS = 3
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d[\d \t().-]{6,18}\d(?![\w/])")
_WORD = re.compile(r"[^\W_]+")


class MergeError(ValueError):
    """A merge or an undo that cannot be done (unknown, same or already merged candidate)."""


@dataclass(frozen=True)
class ContactKeys:
    """What identifies a person across resumes, normalised ("" when not found)."""

    email: str = ""
    phone: str = ""
    person_name: str = ""


def normalize_phone(raw: str) -> str:
    """The last 10 digits of a phone number ("" for fewer than 7 digits).

    Example:
        >>> normalize_phone("+1 (555) 123-4567"), normalize_phone("555.123.4567")
        ('5551234567', '5551234567')
    """
    digits = re.sub(r"\D", "", raw)
    return digits[-10:] if len(digits) >= 7 else ""


def contact_keys(text: str) -> ContactKeys:
    """The first email and phone number of a resume and the name on its first line."""
    email = _EMAIL.search(text)
    phone = ""
    for match in _PHONE.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        # Year ranges ("2015 - 2019") and dates are not phone numbers.
        if re.fullmatch(r"(?:(?:19|20)\d\d\s*[-–/]?\s*)+", raw.strip()) or len(digits) < 10:
            continue
        phone = normalize_phone(raw)
        break
    name = " ".join(header_name(text)).lower()
    return ContactKeys(email.group(0).lower() if email else "", phone, name)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """The set of ``size``-word shingles of a text (lower case word tokens)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word 3-shingles, 0..1.

    Example:
        >>> text_similarity("built data pipelines in spark", "built data pipelines in spark")
        1.0
    """
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def find_possible_duplicate(conn: Any, keys: ContactKeys, text: str,
                            exclude: int | None = None) -> tuple[int, str] | None:
    """(candidate id, reason) of an active candidate that is likely the same person."""
    checks = (("email", keys.email, "same email"), ("phone", keys.phone, "same phone number"))
    for column, value, reason in checks:
        if not value:
            continue
        row = conn.execute(
            f"SELECT id FROM candidates WHERE {column} = ? AND merged_into IS NULL"
            " AND id <> ? ORDER BY id LIMIT ?", (value, exclude or -1, 1)).fetchone()
        if row is not None:
            return int(row["id"]), reason
    if keys.person_name:
        rows = conn.execute(
            "SELECT c.id, d.text FROM candidates c JOIN documents d ON d.sha256 = c.sha256"
            " WHERE c.person_name = ? AND c.merged_into IS NULL AND c.id <> ? ORDER BY c.id",
            (keys.person_name, exclude or -1)).fetchall()
        for row in rows:
            similarity = text_similarity(text, row["text"])
            if similarity >= SIMILAR_TEXT_THRESHOLD:
                return int(row["id"]), f"same name, {similarity:.0%} similar text"
    return None


def _active(conn: Any, candidate_id: int) -> Any:
    row = conn.execute("SELECT * FROM candidates WHERE id = ?", (candidate_id,)).fetchone()
    if row is None:
        raise MergeError(f"no candidate with id {candidate_id}")
    if row["merged_into"] is not None:
        raise MergeError(f"candidate {candidate_id} is already merged into "
                         f"candidate {row['merged_into']}")
    return row


def refresh_current(conn: Any, candidate_id: int) -> None:
    """Point a candidate at its newest document (the text that wins), name included."""
    row = conn.execute(
        "SELECT sha256, name FROM candidate_documents WHERE candidate_id = ?"
        " ORDER BY added DESC, sha256 LIMIT ?", (candidate_id, 1)).fetchone()
    if row is not None:
        conn.execute("UPDATE candidates SET sha256 = ?, name = ?, updated = ? WHERE id = ?",
                     (row["sha256"], row["name"], time.time(), candidate_id))


def merge(store: Store, keep_id: int, other_id: int, session: str = "cli") -> None:
    """Merge candidate ``other_id`` into ``keep_id``: ``keep_id`` stays (its stages,
    notes and id), owns both files, and its current text becomes the newest of them.

    Raises:
        MergeError: when either is unknown or already merged, or they are the same.
    """
    if int(keep_id) == int(other_id):
        raise MergeError("a candidate cannot be merged into itself")
    with store.connect() as conn:
        _active(conn, keep_id)
        _active(conn, other_id)
        hashes = [r["sha256"] for r in conn.execute(
            "SELECT sha256 FROM candidate_documents WHERE candidate_id = ?",
            (other_id,)).fetchall()]
        conn.execute("UPDATE candidate_documents SET candidate_id = ?, merged_from = ?"
                     " WHERE candidate_id = ?", (keep_id, other_id, other_id))
        conn.execute("UPDATE candidates SET merged_into = ?, duplicate_status = 'merged',"
                     " updated = ? WHERE id = ?", (keep_id, time.time(), other_id))
        # Candidates flagged as duplicates of the merged one now point at the survivor.
        conn.execute("UPDATE candidates SET duplicate_of = ? WHERE duplicate_of = ?"
                     " AND id <> ?", (keep_id, other_id, keep_id))
        refresh_current(conn, keep_id)
        bump(conn)
    store.audit(session, "merge_candidates", documents=hashes,
                detail={"kept": int(keep_id), "merged": int(other_id)})


def undo_merge(store: Store, merged_id: int, session: str = "cli") -> int:
    """Split a merged candidate off again; returns the id it had been merged into.

    Its files go back to it, both candidates point at their own newest text again, and
    it is shown as a possible duplicate once more.

    Raises:
        MergeError: when the candidate is unknown or not merged.
    """
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM candidates WHERE id = ?", (merged_id,)).fetchone()
        if row is None or row["merged_into"] is None:
            raise MergeError(f"candidate {merged_id} is not merged into another")
        keep_id = int(row["merged_into"])
        hashes = [r["sha256"] for r in conn.execute(
            "SELECT sha256 FROM candidate_documents WHERE merged_from = ?",
            (merged_id,)).fetchall()]
        conn.execute("UPDATE candidate_documents SET candidate_id = ?, merged_from = NULL"
                     " WHERE merged_from = ?", (merged_id, merged_id))
        conn.execute("UPDATE candidates SET merged_into = NULL, duplicate_of = ?,"
                     " duplicate_status = 'flagged' WHERE id = ?", (keep_id, merged_id))
        refresh_current(conn, keep_id)
        refresh_current(conn, int(merged_id))
        bump(conn)
    store.audit(session, "unmerge_candidates", documents=hashes,
                detail={"kept": keep_id, "split": int(merged_id)})
    return keep_id


def keep_both(store: Store, candidate_id: int, session: str = "cli") -> None:
    """Dismiss a possible-duplicate flag: both candidates stay apart (the link is kept)."""
    with store.connect() as conn:
        conn.execute("UPDATE candidates SET duplicate_status = 'kept', updated = ?"
                     " WHERE id = ? AND duplicate_of IS NOT NULL", (time.time(), candidate_id))
        bump(conn)
    store.audit(session, "keep_both_candidates", detail={"candidate": int(candidate_id)})
