"""Training-run records in the store: one row per fine-tune run, read by every page.

The row is the only link between a page and the training process (see
``resumatch.train.jobs``): the page creates it, the process writes its progress into it.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resumatch.store import Store

ACTIVE = ("starting", "running", "cancelling")
FINISHED = ("done", "failed", "cancelled")

@dataclass
class Run:
    """One fine-tune run as stored in the ``runs`` table."""

    id: str
    dataset_id: int | None
    params: dict[str, Any]
    status: str
    pid: int | None
    created: float
    updated: float
    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0
    loss: float | None = None
    eta_s: float | None = None
    message: str = ""
    version_id: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def fraction(self) -> float:
        """Share of optimizer steps done, 0..1."""
        if self.status == "done":
            return 1.0
        return min(self.step / self.total_steps, 1.0) if self.total_steps else 0.0

    @property
    def log_path(self) -> Path | None:
        value = self.params.get("log")
        return Path(value) if value else None


_COLUMNS = ("status", "pid", "step", "total_steps", "epoch", "loss", "eta_s", "message",
            "version_id", "metrics", "params")


def create_run(store: Store, dataset_id: int, params: dict[str, Any],
               exclusive: bool = False) -> Run:
    """A new run row in state ``starting``; its id is unique and sorts by time.

    With ``exclusive``, raise ``RuntimeError`` if another run is active, checked in the
    same transaction as the insert, so two sessions clicking Train at once get one run.
    """
    run_id = f"run-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    now = time.time()
    with store.connect() as conn:
        if exclusive:
            marks = ",".join("?" * len(ACTIVE))
            row = conn.execute(f"SELECT id FROM runs WHERE status IN ({marks})",
                               ACTIVE).fetchone()
            if row is not None:
                raise RuntimeError(f"training run {row['id']} is still in progress; "
                                   "wait for it or cancel it first")
        conn.execute("INSERT INTO runs (id, dataset_id, params, status, created, updated)"
                     " VALUES (?,?,?,?,?,?)",
                     (run_id, dataset_id, json.dumps(params), "starting", now, now))
    return get_run(store, run_id)


def get_run(store: Store, run_id: str) -> Run:
    with store.connect() as conn:
        row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise KeyError(f"no training run {run_id!r}")
    return _run(row)


def list_runs(store: Store, limit: int = 50) -> list[Run]:
    """Runs, newest first."""
    with store.connect() as conn:
        rows = conn.execute("SELECT * FROM runs ORDER BY created DESC LIMIT ?",
                            (int(limit),)).fetchall()
    return [_run(row) for row in rows]


def update_run(store: Store, run_id: str, **values: Any) -> None:
    """Set some columns of a run (``metrics`` and ``params`` as dicts)."""
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"unknown run fields: {', '.join(sorted(unknown))}")
    for key in ("metrics", "params"):
        if key in values:
            values[key] = json.dumps(values[key], default=str)
    sets = ", ".join(f"{key} = ?" for key in values)
    with store.connect() as conn:
        conn.execute(f"UPDATE runs SET {sets}, updated = ? WHERE id = ?",
                     [*values.values(), time.time(), run_id])


def _run(row: Any) -> Run:
    return Run(id=row["id"], dataset_id=row["dataset_id"],
               params=json.loads(row["params"] or "{}"), status=row["status"],
               pid=row["pid"], created=row["created"], updated=row["updated"],
               step=row["step"], total_steps=row["total_steps"], epoch=row["epoch"],
               loss=row["loss"], eta_s=row["eta_s"], message=row["message"],
               version_id=row["version_id"], metrics=json.loads(row["metrics"] or "{}"))
