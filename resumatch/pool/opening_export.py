"""An opening as CSV for an applicant tracking system's bulk import.

One row per candidate placed in the opening, best fit first. Column names follow what
ATS bulk-import templates map without renaming (Greenhouse, Lever and Workable accept a
candidate name, email, phone, source, stage and notes): ``candidate_id, candidate,
email, phone, source, opening, stage, rating, fit, must_haves_met, notes, updated``.

``must_haves_met`` is filled by a caller-supplied function (the hook for requirement
marks and evidence, issue 11); without one the column is empty. In blind mode names and
contact details are left out and candidates are listed as "Candidate <id>".
"""

from __future__ import annotations

import time
from collections.abc import Callable

from resumatch.exports import rows_to_csv
from resumatch.pool.candidates import get_candidate
from resumatch.pool.notes import notes_for
from resumatch.pool.openings import get_opening
from resumatch.pool.workflow import Placement, placements
from resumatch.store import Store

EXPORT_COLUMNS = ("candidate_id", "candidate", "email", "phone", "source", "opening", "stage",
                  "rating", "fit", "must_haves_met", "notes", "updated")

MustHavesMet = Callable[[Placement], str]
"""``must_haves_met(placement) -> "3 of 4"``: the integration point for issue 11's
requirement marks (must-have) and evidence; returns "" when unknown."""


def opening_csv(store: Store, opening_id: int, must_haves_met: MustHavesMet | None = None,
                blind: bool = False) -> str:
    """The CSV of one opening (see the module docstring for the columns).

    Raises:
        resumatch.pool.openings.OpeningError: for an unknown opening.
    """
    opening = get_opening(store, opening_id)
    rows = []
    for item in placements(store, opening_id=opening.id):
        candidate = get_candidate(store, item.candidate_id)
        with store.connect() as conn:
            contact = conn.execute("SELECT email, phone FROM candidates WHERE id = ?",
                                   (candidate.id,)).fetchone()
        notes = notes_for(store, [candidate.id], opening_id=opening.id)
        text = " | ".join(
            f"{time.strftime('%Y-%m-%d', time.gmtime(n.created))}: {n.text}"
            for n in reversed(notes))
        rows.append([
            candidate.id,
            f"Candidate {candidate.id}" if blind else candidate.name,
            "" if blind else contact["email"], "" if blind else contact["phone"],
            "" if blind else candidate.source,
            opening.name, item.stage, "" if item.rating is None else item.rating,
            "" if item.fit is None else round(float(item.fit), 1),
            must_haves_met(item) if must_haves_met is not None else "",
            text, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(item.updated)),
        ])
    return rows_to_csv(EXPORT_COLUMNS, rows)
