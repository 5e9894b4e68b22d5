"""The audit trail: who saw or exported which result set, with which model.

Every row says who (a random session id, never a name), when, which model version,
which documents (content hashes, never text or names) and what was shown or exported
(counts, the top of each ranking as hashes, and the sha256 of an exported file). The
table is append-only (a trigger in each engine refuses UPDATE and DELETE), so a purge of
candidate data leaves it intact; hashes alone do not say who a candidate was.

Actions written here: ``rank`` (a result set was shown), ``export`` (a file was
downloaded or written), ``purge`` (candidate data deleted). Training runs and promotions
are written by ``resumatch.train.jobs`` and the admin page the same way (``train``,
``promote``, ``rollback``...).

Example:
    >>> import tempfile, pathlib
    >>> from resumatch.store import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3")
    >>> record_export(store, "user-1", "base", "matches.csv", "a,b\\n1,2\\n", ["h1"])
    >>> audit_csv(store).splitlines()[0]
    'id,time_utc,session,action,model_id,documents,detail'
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd

from resumatch.exports import rows_to_csv
from resumatch.store import Store

AUDIT_COLUMNS = ("id", "time_utc", "session", "action", "model_id", "documents", "detail")
TOP_K = 10  # the top of each ranking is logged by hash: what the recruiter actually saw


def content_hash(content: str | bytes) -> str:
    """sha256 of an exported file's content, so a file can later be matched to its row."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def ranking_summary(table: pd.DataFrame, resume_hashes: dict[str, str],
                    job_hashes: dict[str, str], top_k: int = TOP_K) -> dict[str, list[str]]:
    """The first ``top_k`` resumes of each job, as hashes: ``{job hash: [resume hashes]}``.

    ``table`` is the long ranking table (columns ``job``, ``resume``, ``rank``); the
    name-to-hash maps keep names out of the log.
    """
    summary: dict[str, list[str]] = {}
    if table.empty:
        return summary
    ordered = table.sort_values(["job", "rank"])
    for job, group in ordered.groupby("job", sort=False):
        summary[job_hashes.get(str(job), "?")] = [
            resume_hashes.get(str(name), "?") for name in group["resume"].head(top_k)]
    return summary


def record_ranking(store: Store, session: str, model_id: str,
                   resumes: Sequence[tuple[str, str]], jobs: Sequence[tuple[str, str]],
                   table: pd.DataFrame, blind: bool, **detail: Any) -> None:
    """Log a result set shown to a user.

    Args:
        resumes: (name, sha256) of every resume ranked, in order.
        jobs: (name, sha256) of every job description.
        table: the long ranking table the page shows.
        blind: whether blind screening was on (names and contact details redacted).
    """
    resume_hashes = {name: sha for name, sha in resumes}
    job_hashes = {name: sha for name, sha in jobs}
    store.audit(session, "rank", model_id=model_id,
                documents=[sha for _, sha in resumes] + [sha for _, sha in jobs],
                detail={"resumes": len(resumes), "jobs": len(jobs), "blind": blind,
                        "result_sha256": content_hash(table.to_csv(index=False)),
                        "top": ranking_summary(table, resume_hashes, job_hashes),
                        **detail})


def record_export(store: Store, session: str, model_id: str | None, file_name: str,
                  content: str | bytes, documents: Sequence[str] = (), **detail: Any) -> None:
    """Log a file handed out (a download or a CLI output), by name, size and sha256."""
    rows = (content.count("\n") if isinstance(content, str) else content.count(b"\n"))
    store.audit(session, "export", model_id=model_id, documents=list(documents),
                detail={"file": file_name, "bytes": len(content), "lines": rows,
                        "sha256": content_hash(content), **detail})


def audit_frame(store: Store, limit: int | None = None) -> pd.DataFrame:
    """The audit log, newest first, with readable UTC times; the column order of the CSV."""
    rows = store.audit_rows(limit=limit)
    records = []
    for row in rows:
        documents = json.loads(row["documents"] or "[]")
        records.append({
            "id": row["id"],
            "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row["ts"])),
            "session": row["session"],
            "action": row["action"],
            "model_id": row["model_id"] or "",
            "documents": " ".join(documents),
            "detail": row["detail"] or "{}",
        })
    return pd.DataFrame(records, columns=list(AUDIT_COLUMNS))


def audit_csv(store: Store) -> str:
    """The whole audit log as CSV, oldest first (one row per action)."""
    frame = audit_frame(store).iloc[::-1]
    return rows_to_csv(AUDIT_COLUMNS, frame.itertuples(index=False, name=None))
