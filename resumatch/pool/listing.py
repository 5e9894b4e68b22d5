"""The pool as a table: one row per active candidate, for the Pool page and CSV.

Columns: ``id, name, source, added, updated, files, years_experience, degree, title,
location, skills, openings, duplicate_of, duplicate_reason``. ``openings`` lists the
openings a candidate was matched to, with their stage (``Data engineer: screen``);
``duplicate_of`` is the id of the candidate it is possibly the same person as (an open
flag; empty once merged or kept apart). Blind mode lists "Candidate <id>" and no source,
as the Match page hides names.
"""

from __future__ import annotations

import time

import pandas as pd

from resumatch.exports import frame_to_csv
from resumatch.ingest.redaction import CANDIDATE_PREFIX
from resumatch.pool.candidates import list_candidates
from resumatch.pool.field_store import ensure_extracted, profiles
from resumatch.pool.workflow import placements
from resumatch.store import Store

POOL_COLUMNS = ["id", "name", "source", "added", "updated", "files", "years_experience",
                "degree", "title", "location", "skills", "openings", "duplicate_of",
                "duplicate_reason"]


def blind_name(candidate_id: int) -> str:
    """The name a pool candidate is shown under in blind mode."""
    return f"{CANDIDATE_PREFIX} {candidate_id}"


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def pool_frame(store: Store, blind: bool = False) -> pd.DataFrame:
    """Every active candidate, oldest first (see the module docstring)."""
    ensure_extracted(store)
    people = list_candidates(store)
    fields = profiles(store)
    opened: dict[int, list[str]] = {}
    for item in placements(store):
        opened.setdefault(item.candidate_id, []).append(f"{item.opening_name}: {item.stage}")
    with store.connect() as conn:
        files = {int(r["candidate_id"]): int(r["n"]) for r in conn.execute(
            "SELECT candidate_id, COUNT(*) AS n FROM candidate_documents"
            " GROUP BY candidate_id").fetchall()}
    rows = []
    for person in people:
        profile = fields.get(person.id)

        def value(name: str, profile=profile) -> object:
            found = None if profile is None else profile.value(name)
            if name == "skills":
                return ", ".join(found or [])
            if name == "years_experience":
                return float("nan") if found is None else float(found)
            return "" if found is None else found

        flag = person.possible_duplicate_of
        rows.append({
            "id": person.id, "name": blind_name(person.id) if blind else person.name,
            "source": "" if blind else person.source, "added": _day(person.created),
            "updated": _day(person.updated), "files": files.get(person.id, 0),
            "years_experience": value("years_experience"), "degree": value("degree"),
            "title": value("title"), "location": "" if blind else value("location"),
            "skills": value("skills"), "openings": "; ".join(opened.get(person.id, [])),
            "duplicate_of": pd.NA if flag is None else int(flag),
            "duplicate_reason": person.duplicate_reason if flag is not None else "",
        })
    frame = pd.DataFrame(rows, columns=POOL_COLUMNS)
    frame["years_experience"] = frame["years_experience"].astype(float)
    frame["duplicate_of"] = frame["duplicate_of"].astype("Int64")
    return frame


def pool_csv(store: Store, blind: bool = False) -> str:
    """The pool table as CSV (formula-safe, see ``resumatch.exports``)."""
    return frame_to_csv(pool_frame(store, blind), index=False)
