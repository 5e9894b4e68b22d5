"""Retention: delete candidates nobody touched for N days (off by default).

"Touched" is the candidate's ``updated`` time: added again, ranked for an opening,
moved to a stage, rated, noted, corrected or merged. The setting lives in the store
(``pool.retention_days``; empty or 0 is off) and is set on the Pool page or with
``python -m resumatch pool retention --days N``. It is applied when the Pool page opens
and on every ``pool`` command; each candidate deleted is erased everywhere and logged
like a single erasure.
"""

from __future__ import annotations

import time

from resumatch.pool.erasure import delete_candidate
from resumatch.store import Store

RETENTION_KEY = "pool.retention_days"
DAY_S = 86_400.0


def retention_days(store: Store) -> int | None:
    """The retention period in days, or None when retention is off."""
    raw = (store.get_setting(RETENTION_KEY, "") or "").strip()
    try:
        days = int(raw)
    except ValueError:
        return None
    return days if days > 0 else None


def set_retention_days(store: Store, days: int | None, session: str = "cli") -> None:
    """Turn retention on (``days`` > 0) or off (None or 0).

    Raises:
        ValueError: for a negative number of days.
    """
    if days is not None and days < 0:
        raise ValueError("retention days must be 0 (off) or more")
    store.set_setting(RETENTION_KEY, str(days or 0))
    store.audit(session, "retention_setting", detail={"days": days or 0})


def expired(store: Store, now: float | None = None) -> list[int]:
    """Active candidates untouched for longer than the retention period (none if off)."""
    days = retention_days(store)
    if days is None:
        return []
    cutoff = (now if now is not None else time.time()) - days * DAY_S
    with store.connect() as conn:
        rows = conn.execute("SELECT id FROM candidates WHERE merged_into IS NULL"
                            " AND updated < ? ORDER BY id", (cutoff,)).fetchall()
    return [int(row["id"]) for row in rows]


def apply_retention(store: Store, session: str = "retention",
                    now: float | None = None) -> list[int]:
    """Erase every expired candidate; returns their ids."""
    ids = expired(store, now)
    for candidate_id in ids:
        delete_candidate(store, candidate_id, session=session, compact=False)
    return ids
