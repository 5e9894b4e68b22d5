"""Structured fields in the store: what was extracted per document, and what a recruiter
corrected per candidate.

Extracted values are kept per document text (``extracted_fields``, keyed by sha256 and
tagged with the extractor version, so a new extractor re-extracts). Corrections are kept
per candidate (``field_corrections``) and always take precedence: re-extraction, a new
extractor or a newer resume merged in never overwrites them.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from resumatch.ingest.fields import (
    DEGREE_LEVELS,
    EXTRACTOR_VERSION,
    FIELDS,
    FieldValue,
    degree_rank,
    extract_fields,
)
from resumatch.pool.changes import bump
from resumatch.rank.keywords import find_skills
from resumatch.store import Store

FIELD_LABELS = {"years_experience": "Years of experience", "degree": "Highest degree",
                "title": "Most recent title", "location": "Location", "skills": "Skills"}


class FieldError(ValueError):
    """A correction that is not a valid value for its field."""


@dataclass(frozen=True)
class ProfileField:
    """One field of a candidate as shown: the value in force and where it came from."""

    value: Any
    passage: str = ""
    corrected: bool = False
    extracted: Any = None


@dataclass(frozen=True)
class Profile:
    """A candidate's structured fields (corrections applied)."""

    candidate_id: int
    fields: dict[str, ProfileField] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        item = self.fields.get(name)
        return None if item is None else item.value

    @property
    def years(self) -> float | None:
        value = self.value("years_experience")
        return None if value is None else float(value)

    @property
    def degree_rank(self) -> int:
        value = self.value("degree")
        try:
            return degree_rank(value)
        except ValueError:
            return 0

    @property
    def skills(self) -> list[str]:
        return list(self.value("skills") or [])


def extract(text: str, as_of: date | None = None) -> dict[str, FieldValue]:
    """The fields of one resume text, with the shipped skills vocabulary."""
    return extract_fields(text, as_of=as_of, find_skills=find_skills)


def store_extracted(conn: Any, sha256: str, text: str, as_of: date | None = None) -> None:
    """Extract and write the fields of one document inside the caller's transaction."""
    now = time.time()
    for item in extract(text, as_of).values():
        conn.execute(
            "INSERT INTO extracted_fields (sha256, field, value, passage, start_char,"
            " end_char, extractor, created) VALUES (?,?,?,?,?,?,?,?)"
            " ON CONFLICT (sha256, field) DO UPDATE SET value = excluded.value,"
            " passage = excluded.passage, start_char = excluded.start_char,"
            " end_char = excluded.end_char, extractor = excluded.extractor,"
            " created = excluded.created",
            (sha256, item.field, json.dumps(item.value), item.passage, item.start, item.end,
             EXTRACTOR_VERSION, now))


def ensure_extracted(store: Store, hashes: Iterable[str] | None = None) -> int:
    """Extract fields for current candidate documents that have none, or only from an
    older extractor version; returns how many documents were (re-)extracted."""
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT c.sha256, d.text FROM candidates c JOIN documents d ON d.sha256 = c.sha256"
            " WHERE c.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM extracted_fields f"
            " WHERE f.sha256 = c.sha256 AND f.field = ? AND f.extractor = ?)",
            ("skills", EXTRACTOR_VERSION)).fetchall()
    wanted = None if hashes is None else set(hashes)
    todo = [(r["sha256"], r["text"]) for r in rows if wanted is None or r["sha256"] in wanted]
    if todo:
        with store.connect() as conn:
            for sha, text in todo:
                store_extracted(conn, sha, text)
            bump(conn)
    return len(todo)


def parse_value(name: str, raw: Any) -> Any:
    """A correction typed by a recruiter, as the field's value type.

    Raises:
        FieldError: for an unknown field or a value that does not fit it.
    """
    if name not in FIELDS:
        raise FieldError(f"unknown field {name!r}; fields are {', '.join(FIELDS)}")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return [] if name == "skills" else None
    if name == "years_experience":
        try:
            years = float(raw)
        except (TypeError, ValueError) as err:
            raise FieldError(f"years of experience must be a number, got {raw!r}") from err
        if not math.isfinite(years) or not 0 <= years <= 70:
            raise FieldError("years of experience must be between 0 and 70")
        return round(years, 1)
    if name == "degree":
        level = str(raw).strip().lower()
        if level not in DEGREE_LEVELS:
            raise FieldError(f"degree must be one of {', '.join(DEGREE_LEVELS)}")
        return level
    if name == "skills":
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
        return list(dict.fromkeys(s.strip().lower() for s in items if str(s).strip()))
    return str(raw).strip()[:200]


def correct(store: Store, candidate_id: int, name: str, raw: Any,
            session: str = "cli") -> Any:
    """Store a recruiter's correction of one field; returns the parsed value.

    Raises:
        FieldError: for an unknown field or a bad value.
    """
    value = parse_value(name, raw)
    with store.connect() as conn:
        row = conn.execute("SELECT sha256 FROM candidates WHERE id = ?",
                           (int(candidate_id),)).fetchone()
        if row is None:
            raise FieldError(f"no candidate with id {candidate_id}")
        conn.execute(
            "INSERT INTO field_corrections (candidate_id, field, value, session, created)"
            " VALUES (?,?,?,?,?) ON CONFLICT (candidate_id, field) DO UPDATE SET"
            " value = excluded.value, session = excluded.session, created = excluded.created",
            (int(candidate_id), name, json.dumps(value), session, time.time()))
        conn.execute("UPDATE candidates SET updated = ? WHERE id = ?",
                     (time.time(), int(candidate_id)))
        bump(conn)
    store.audit(session, "correct_field", documents=[row["sha256"]],
                detail={"candidate": int(candidate_id), "field": name})
    return value


def clear_correction(store: Store, candidate_id: int, name: str, session: str = "cli") -> None:
    """Drop a correction: the extracted value is in force again."""
    with store.connect() as conn:
        conn.execute("DELETE FROM field_corrections WHERE candidate_id = ? AND field = ?",
                     (int(candidate_id), name))
        bump(conn)
    store.audit(session, "clear_correction", detail={"candidate": int(candidate_id),
                                                     "field": name})


def profiles(store: Store, candidate_ids: Sequence[int] | None = None) -> dict[int, Profile]:
    """Fields of active candidates (all, or those ids), corrections applied."""
    extracted_sql = ("SELECT c.id, f.field, f.value, f.passage FROM candidates c"
                     " JOIN extracted_fields f ON f.sha256 = c.sha256"
                     " WHERE c.merged_into IS NULL")
    corrected_sql = ("SELECT k.candidate_id, k.field, k.value FROM field_corrections k"
                     " JOIN candidates c ON c.id = k.candidate_id WHERE c.merged_into IS NULL")
    with store.connect() as conn:
        extracted = conn.execute(extracted_sql).fetchall()
        corrected = conn.execute(corrected_sql).fetchall()
        ids = [int(r["id"]) for r in conn.execute(
            "SELECT id FROM candidates WHERE merged_into IS NULL").fetchall()]
    wanted = None if candidate_ids is None else {int(i) for i in candidate_ids}
    found: dict[int, dict[str, ProfileField]] = {
        i: {} for i in ids if wanted is None or i in wanted}
    for row in extracted:
        if row["id"] in found:
            value = json.loads(row["value"])
            found[row["id"]][row["field"]] = ProfileField(value, row["passage"], False, value)
    for row in corrected:
        if row["candidate_id"] in found:
            before = found[row["candidate_id"]].get(row["field"])
            found[row["candidate_id"]][row["field"]] = ProfileField(
                json.loads(row["value"]), before.passage if before else "", True,
                before.extracted if before else None)
    return {i: Profile(i, fields) for i, fields in found.items()}
