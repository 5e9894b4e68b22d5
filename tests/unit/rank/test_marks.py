"""Requirement marks: defaults from the job's wording, kept per job in a real SQLite
store, and used by the ranking."""

from __future__ import annotations

import pytest

from resumatch.ingest.requirements import Requirement, extract_requirements
from resumatch.rank.marks import (
    IGNORE,
    MUST,
    NICE,
    REQUIRED,
    clear_marks,
    default_mark,
    effective_marks,
    get_marks,
    job_marks,
    set_mark,
)

POST = """Registered Nurse, ICU

Minimum qualifications
- Active RN license
- BLS certification

Requirements
- Two years of ICU experience
- You must be able to work night shifts

Nice to have
- CCRN certification
"""


def test_defaults_follow_the_wording() -> None:
    found = extract_requirements(POST)
    assert [(r.text, default_mark(r)) for r in found] == [
        ("Active RN license", MUST), ("BLS certification", MUST),
        ("Two years of ICU experience", REQUIRED),
        ("You must be able to work night shifts", MUST),
        ("CCRN certification", NICE)]
    assert default_mark(Requirement("Python (required)")) == MUST
    assert default_mark(Requirement("Kafka is a plus", preferred=True)) == NICE


def test_marks_are_kept_per_job_and_override_the_wording(store) -> None:
    found = extract_requirements(POST)
    assert get_marks(store, "job-a") == {}
    set_mark(store, "job-a", "Two years of ICU experience", MUST)
    set_mark(store, "job-a", "CCRN certification", IGNORE)
    set_mark(store, "job-a", "CCRN certification", REQUIRED)  # the last mark wins
    set_mark(store, "job-b", "Active RN license", NICE)
    assert get_marks(store, "job-a") == {"Two years of ICU experience": MUST,
                                         "CCRN certification": REQUIRED}
    assert job_marks(store, "job-a", found) == [MUST, MUST, MUST, MUST, REQUIRED]
    assert job_marks(store, "job-b", found)[0] == NICE
    assert effective_marks(found) == [MUST, MUST, REQUIRED, MUST, NICE]
    set_mark(store, "job-a", "CCRN certification", None)  # back to the wording
    assert "CCRN certification" not in get_marks(store, "job-a")
    assert clear_marks(store, "job-a") == 1 and get_marks(store, "job-a") == {}
    with pytest.raises(ValueError, match="unknown mark"):
        set_mark(store, "job-a", "Active RN license", "essential")
