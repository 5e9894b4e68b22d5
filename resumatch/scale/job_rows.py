"""Bulk-job records in the store (``scale_jobs``): one row per ingest or re-embed.

The row is the only link between a page and the job's process (``resumatch.scale.jobs``):
a page or the CLI creates it, the process writes its progress into it, and any page on
any app server reads it back. Like training runs (``resumatch.train.runs``).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resumatch.scale.bulk import BulkProgress
from resumatch.store import Store

KINDS = ("ingest", "reembed")
ACTIVE = ("starting", "running", "cancelling")
FINISHED = ("done", "failed", "cancelled")
MAX_ERRORS = 500  # per-file read errors kept in the row (the log has them all)
_COLUMNS = ("status", "host", "pid", "engine", "model_id", "total", "skipped", "done",
            "added", "failed", "rate", "eta_s", "message", "errors", "params")


@dataclass
class ScaleJob:
    """One bulk job as stored in ``scale_jobs``.

    ``params`` holds what the job was asked (``paths`` or ``model``, ``ray_address``,
    ``actors``, ``session``, ``log``); the counters mean what
    :class:`resumatch.scale.bulk.BulkProgress` says.
    """

    id: str
    kind: str
    params: dict[str, Any]
    status: str
    created: float
    updated: float
    host: str = ""
    pid: int | None = None
    engine: str = "local"
    model_id: str | None = None
    total: int = 0
    skipped: int = 0
    done: int = 0
    added: int = 0
    failed: int = 0
    rate: float | None = None
    eta_s: float | None = None
    message: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def fraction(self) -> float:
        """Share of the documents handled (skipped or embedded), 0..1."""
        if self.status == "done":
            return 1.0
        return min((self.skipped + self.done) / self.total, 1.0) if self.total else 0.0

    @property
    def log_path(self) -> Path | None:
        value = self.params.get("log")
        return Path(value) if value else None

    def describe(self) -> str:
        """What the job does, e.g. ``ingest of /srv/cvs`` or ``re-embed for v2024``."""
        if self.kind == "ingest":
            paths = self.params.get("paths") or []
            more = f" (+{len(paths) - 1} more)" if len(paths) > 1 else ""
            return f"ingest of {paths[0] if paths else '?'}{more}"
        return f"re-embed of the pool for {self.params.get('model') or 'the active model'}"


def create_job(store: Store, kind: str, params: dict[str, Any], engine: str = "local",
               exclusive: bool = True, status: str = "starting",
               host: str = "", pid: int | None = None) -> ScaleJob:
    """A new job row; its id is unique and sorts by time.

    With ``exclusive``, raise ``RuntimeError`` if another bulk job is active, checked in
    the same transaction as the insert (two admins clicking at once get one job).

    Raises:
        ValueError: an unknown kind.
        RuntimeError: another job is in progress (``exclusive``).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}; expected one of {', '.join(KINDS)}")
    job_id = f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    now = time.time()
    with store.connect() as conn:
        if exclusive:
            marks = ",".join("?" * len(ACTIVE))
            row = conn.execute(f"SELECT id FROM scale_jobs WHERE status IN ({marks})"
                               " ORDER BY created LIMIT ?", (*ACTIVE, 1)).fetchone()
            if row is not None:
                raise RuntimeError(f"bulk job {row['id']} is still in progress; wait for it "
                                   "or cancel it first")
        conn.execute("INSERT INTO scale_jobs (id, kind, params, status, host, pid, engine,"
                     " created, updated) VALUES (?,?,?,?,?,?,?,?,?)",
                     (job_id, kind, json.dumps(params, default=str), status, host, pid,
                      engine, now, now))
    return get_job(store, job_id)


def get_job(store: Store, job_id: str) -> ScaleJob:
    """One job by id. Raises ``KeyError`` for an unknown id."""
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM scale_jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise KeyError(f"no bulk job {job_id!r}")
    return _job(row)


def list_jobs(store: Store, limit: int = 20) -> list[ScaleJob]:
    """Jobs, newest first."""
    with store.connect() as conn:
        rows = conn.execute("SELECT * FROM scale_jobs ORDER BY created DESC, id DESC LIMIT ?",
                            (int(limit),)).fetchall()
    return [_job(row) for row in rows]


def update_job(store: Store, job_id: str, **values: Any) -> None:
    """Set some columns of a job (``params`` as a dict, ``errors`` as pairs).

    Raises:
        ValueError: an unknown column.
    """
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"unknown job fields: {', '.join(sorted(unknown))}")
    if "params" in values:
        values["params"] = json.dumps(values["params"], default=str)
    if "errors" in values:
        values["errors"] = json.dumps([list(e) for e in values["errors"][:MAX_ERRORS]])
    sets = ", ".join(f"{key} = ?" for key in values)
    with store.connect() as conn:
        conn.execute(f"UPDATE scale_jobs SET {sets}, updated = ? WHERE id = ?",
                     [*values.values(), time.time(), job_id])


def record_progress(store: Store, job_id: str, progress: BulkProgress) -> None:
    """Write a job's counters from the driver's progress."""
    update_job(store, job_id, model_id=progress.model_id, total=progress.total,
               skipped=progress.skipped, done=progress.done, added=progress.added,
               failed=progress.failed, rate=progress.rate, eta_s=progress.eta_s,
               message=progress.message[:500])


def _job(row: Any) -> ScaleJob:
    return ScaleJob(id=row["id"], kind=row["kind"], params=json.loads(row["params"] or "{}"),
                    status=row["status"], created=row["created"], updated=row["updated"],
                    host=row["host"], pid=row["pid"], engine=row["engine"],
                    model_id=row["model_id"], total=row["total"], skipped=row["skipped"],
                    done=row["done"], added=row["added"], failed=row["failed"],
                    rate=row["rate"], eta_s=row["eta_s"], message=row["message"],
                    errors=[(str(a), str(b)) for a, b in json.loads(row["errors"] or "[]")])
