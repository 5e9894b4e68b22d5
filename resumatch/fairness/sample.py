"""What a bias audit counts: the candidates placed in an opening (or in every opening
within a date range), their self-reported categories, whether they were selected, and
the fit the product gave them.

- One record per (opening, candidate) placement of an active candidate (merged-away
  candidates are counted once, under the candidate they were merged into). For a date
  range, a placement counts when the candidate entered the opening within the range; a
  candidate placed in two openings is two records, one per decision.
- **Selected** means the candidate reached the *screen* stage or a later one
  (``SELECTED_STAGES``). A candidate now *rejected* counts as selected when the audit log
  shows they were moved to one of those stages for that opening before: rejected after
  an interview is still a selection at the screening step.
- **Fit** is the last 0-100 fit stored for the placement (pool search, the Match page);
  None when the candidate was placed without being scored.
- Categories come from ``candidate_categories`` (``unknown`` when none were uploaded).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from resumatch.fairness.categories import UNKNOWN, load_categories
from resumatch.fairness.impact import AuditRecord
from resumatch.pool.openings import get_opening
from resumatch.pool.workflow import Placement, placements
from resumatch.store import Store

SELECTED_STAGES = ("screen", "interview", "offer", "hired")


@dataclass(frozen=True)
class AuditSample:
    """The records of one audit and what they cover."""

    records: list[AuditRecord]
    scope: str
    openings: list[str]


def _stage_history(store: Store) -> set[tuple[int, int]]:
    """(opening, candidate) pairs ever moved to a selected stage, from the audit log."""
    reached: set[tuple[int, int]] = set()
    with store.connect(read_only=True) as conn:
        rows = conn.execute("SELECT detail FROM audit WHERE action = ?", ("stage",)).fetchall()
    for row in rows:
        try:
            detail = json.loads(row["detail"])
            if detail.get("stage") in SELECTED_STAGES:
                reached.add((int(detail["opening"]), int(detail["candidate"])))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # an older or foreign row: it says nothing about stages
    return reached


def records_for(store: Store, chosen: Sequence[Placement]) -> list[AuditRecord]:
    """Audit records of placements, with categories and selection (see module docstring)."""
    categories = load_categories(store)
    history = _stage_history(store) if any(p.stage == "rejected" for p in chosen) else set()
    records = []
    for item in chosen:
        found = categories.get(item.candidate_id)
        selected = (item.stage in SELECTED_STAGES
                    or (item.stage == "rejected"
                        and (item.opening_id, item.candidate_id) in history))
        records.append(AuditRecord(
            item.candidate_id, item.opening_id,
            found.sex if found else UNKNOWN, found.race_ethnicity if found else UNKNOWN,
            selected, None if item.fit is None else float(item.fit)))
    return records


def opening_sample(store: Store, opening_id: int) -> AuditSample:
    """Every candidate placed in one opening.

    Raises:
        resumatch.pool.openings.OpeningError: for an unknown opening.
    """
    opening = get_opening(store, opening_id)
    chosen = placements(store, opening_id=opening.id)
    return AuditSample(records_for(store, chosen), f"opening {opening.name} (#{opening.id})",
                       [opening.name])


def date_range_sample(store: Store, since: float, until: float) -> AuditSample:
    """Every placement whose candidate entered an opening in ``[since, until)`` (epoch
    seconds)."""
    chosen = [p for p in placements(store) if since <= p.created < until]
    names = sorted({p.opening_name for p in chosen})
    scope = (f"candidates who entered an opening from {_day(since)} to {_day(until - 1)} "
             f"(UTC; {len(names)} opening{'s' if len(names) != 1 else ''})")
    return AuditSample(records_for(store, chosen), scope, names)


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))
