"""Requirement marks: must-have, nice-to-have, ignore (and plain "required"), per job.

A recruiter marks each requirement of a job; the marks change that job's ranking
(a missing must-have caps the fit, a nice-to-have counts half, an ignored requirement
does not count) and appear in the CSVs. Without a mark, a requirement follows the job's
wording (:func:`default_mark`): "must", "mandatory", "required", "essential" or a
"Minimum qualifications" heading make it a must-have; a "Nice to have"/"Preferred"
heading or "... is a plus" a nice-to-have; anything else is required.

Marks are kept in the store's ``requirement_marks`` table, keyed by the sha256 of the job
text and the requirement text as :func:`resumatch.ingest.requirements.extract_requirements`
writes it. Only marks a recruiter set are stored, so a default never goes stale. Saved
openings (the talent pool) reuse this table through the same functions:

    >>> set_mark(store, job.sha256, "Active RN license", MUST)  # doctest: +SKIP
    >>> get_marks(store, job.sha256)  # doctest: +SKIP
    {'Active RN license': 'must'}
    >>> job_marks(store, job.sha256, extract_requirements(job.text))  # doctest: +SKIP
    ['must', 'required', 'nice']
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from resumatch.ingest.requirements import Requirement, says_must
from resumatch.store import Store

MUST, REQUIRED, NICE, IGNORE = "must", "required", "nice", "ignore"
MARKS = (MUST, REQUIRED, NICE, IGNORE)
MARK_LABELS = {MUST: "must-have", REQUIRED: "required", NICE: "nice-to-have",
               IGNORE: "ignore"}
# How much a requirement counts in coverage and in the requirement features; the must-have
# rule (a dealbreaker when missing) comes on top of its weight.
MARK_WEIGHTS = {MUST: 1.0, REQUIRED: 1.0, NICE: 0.5, IGNORE: 0.0}


def default_mark(requirement: Requirement) -> str:
    """The mark the job's wording implies (see the module docstring).

    Example:
        >>> default_mark(Requirement("Active RN license is required")), \\
        ...     default_mark(Requirement("Kafka", preferred=True)), default_mark(Requirement("SQL"))
        ('must', 'nice', 'required')
    """
    if requirement.preferred:
        return NICE
    if requirement.must or says_must(requirement.text):
        return MUST
    return REQUIRED


def check_mark(mark: str) -> str:
    """``mark`` if it is one of ``MARKS``; raises ``ValueError`` naming the known marks."""
    if mark not in MARKS:
        raise ValueError(f"unknown mark {mark!r} (known: {', '.join(MARKS)})")
    return mark


def get_marks(store: Store, job_sha256: str) -> dict[str, str]:
    """The marks a recruiter set for one job: requirement text -> mark."""
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT requirement, mark FROM requirement_marks WHERE job_sha256 = ?",
            (job_sha256,)).fetchall()
    return {row["requirement"]: row["mark"] for row in rows}


def set_mark(store: Store, job_sha256: str, requirement: str, mark: str | None) -> None:
    """Keep a recruiter's mark for one requirement of one job (``None`` forgets it, so the
    job's wording decides again). Raises ``ValueError`` for an unknown mark."""
    with store.connect() as conn:
        if mark is None:
            conn.execute("DELETE FROM requirement_marks WHERE job_sha256 = ? AND "
                         "requirement = ?", (job_sha256, requirement))
            return
        conn.execute(
            "INSERT INTO requirement_marks (job_sha256, requirement, mark, updated)"
            " VALUES (?,?,?,?) ON CONFLICT (job_sha256, requirement) DO UPDATE SET"
            " mark = excluded.mark, updated = excluded.updated",
            (job_sha256, requirement, check_mark(mark), time.time()))


def set_marks(store: Store, job_sha256: str, marks: Mapping[str, str | None]) -> None:
    """:func:`set_mark` for several requirements of one job."""
    for requirement, mark in marks.items():
        set_mark(store, job_sha256, requirement, mark)


def clear_marks(store: Store, job_sha256: str) -> int:
    """Forget every mark of one job; returns how many there were."""
    with store.connect() as conn:
        count = conn.execute("SELECT COUNT(*) AS n FROM requirement_marks WHERE "
                             "job_sha256 = ?", (job_sha256,)).fetchone()["n"]
        conn.execute("DELETE FROM requirement_marks WHERE job_sha256 = ?", (job_sha256,))
    return int(count)


def effective_marks(requirements: Sequence[Requirement],
                    stored: Mapping[str, str] | None = None) -> list[str]:
    """The mark of each requirement: the stored one, else the wording's default."""
    stored = stored or {}
    return [stored.get(r.text) or default_mark(r) for r in requirements]


def job_marks(store: Store | None, job_sha256: str, requirements: Sequence[Requirement],
              ) -> list[str]:
    """:func:`effective_marks` with the stored marks of one job (defaults without a store)."""
    return effective_marks(requirements, get_marks(store, job_sha256) if store else None)
