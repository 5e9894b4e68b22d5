"""An opening with known stages and fits, and a categories file for it, shared by the bias
audit's page and browser tests (``from bias_support import ...``).

Worked by hand (12 candidates; selected = screen or later; median fit 55):

- sex, selection: Female 2 of 6 (0.333), Male 5 of 5 (1.0) -> Female 0.333, flagged;
- sex, scoring (fit above 55): Female 2 of 6, Male 4 of 5 -> Female 0.417, flagged;
- one candidate declined race/ethnicity, one gave nothing (Unknown rows).
"""

from __future__ import annotations

from paths import ASSETS

from resumatch.ingest.documents import read_files
from resumatch.pool import candidates, openings, workflow
from resumatch.store import Store

# resume (file stem prefix) -> (sex, race/ethnicity, stage, fit); None: no categories row.
PEOPLE: dict[str, tuple[str, str, str, float] | tuple[None, None, str, float]] = {
    "alice": ("Female", "Asian", "screen", 88.0),
    "daniel": ("Male", "Black or African American", "interview", 75.0),
    "ethan": ("Male", "White", "screen", 40.0),
    "fatima": ("Female", "Black or African American", "new", 35.0),
    "grace": ("Female", "Asian", "rejected", 20.0),
    "hannah": ("Female", "White", "new", 45.0),
    "jasmine": ("Female", "Asian", "new", 30.0),
    "lucas": ("Male", "Hispanic or Latino", "offer", 80.0),
    "marcus": ("Male", "Asian", "screen", 70.0),
    "omar": ("Male", "White", "hired", 60.0),
    "priya": ("Female", "declined", "screen", 85.0),
    "rachel": (None, None, "new", 50.0),
}
OPENING = "Data engineer"


def seed_opening(store: Store) -> tuple[int, dict[str, int]]:
    """The sample resumes as candidates placed in one opening; returns its id and the
    candidate id of each person."""
    resumes, _ = read_files([ASSETS / "sample_resumes"])
    added = candidates.add_documents(store, resumes)
    ids = {o.doc.name.split("_")[0]: o.candidate_id for o in added}
    job = (ASSETS / "sample_jobs" / "senior_data_engineer.md").read_text(encoding="utf-8")
    opening = openings.save_opening(store, OPENING, job)
    workflow.record_matches(store, opening.id, [(ids[p], fit / 100, fit)
                                                for p, (*_, fit) in PEOPLE.items()])
    for person, (_, _, stage, _) in PEOPLE.items():
        if stage != "new":
            workflow.set_stage(store, opening.id, ids[person], stage)
    return opening.id, ids


def categories_csv(ids: dict[str, int]) -> str:
    """The self-reported categories of everyone but rachel, plus one bad row."""
    rows = [f"{ids[p]},{sex},{race}" for p, (sex, race, _, _) in PEOPLE.items() if sex]
    return "candidate_id,sex,race_ethnicity\n" + "\n".join(rows) + "\n424242,Female,White\n"
