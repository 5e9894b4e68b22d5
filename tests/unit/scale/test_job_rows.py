"""Bulk-job rows in the store, on both engines: one active job at a time, progress
columns, per-file errors kept in the row."""

from __future__ import annotations

import pytest

from resumatch.scale.bulk import BulkProgress
from resumatch.scale.job_rows import (
    MAX_ERRORS,
    create_job,
    get_job,
    list_jobs,
    record_progress,
    update_job,
)
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL


def test_one_active_job_at_a_time(store: Store) -> None:
    first = create_job(store, "ingest", {"paths": ["/srv/cvs"]})
    assert first.status == "starting" and first.active and first.fraction == 0.0
    assert first.describe() == "ingest of /srv/cvs"
    with pytest.raises(RuntimeError, match=first.id):
        create_job(store, "reembed", {"model": "v1"})
    assert create_job(store, "reembed", {"model": "v1"}, exclusive=False).kind == "reembed"
    update_job(store, first.id, status="done")
    with pytest.raises(RuntimeError):  # the non-exclusive one is still active
        create_job(store, "ingest", {})
    assert [job.kind for job in list_jobs(store)] == ["reembed", "ingest"]


def test_progress_and_errors_are_stored(store: Store) -> None:
    job = create_job(store, "ingest", {"paths": ["/a", "/b"]}, engine="ray", host="h1", pid=7)
    assert (job.engine, job.host, job.pid) == ("ray", "h1", 7)
    assert job.describe() == "ingest of /a (+1 more)"
    progress = BulkProgress("ingest", "base", total=10, skipped=4, done=3, added=3,
                            failed=2, rate=1.5, eta_s=2.0, message="embedding: 3 of 6")
    record_progress(store, job.id, progress)
    update_job(store, job.id, errors=[(f"f{i}.pdf", "corrupt") for i in range(MAX_ERRORS + 5)])
    got = get_job(store, job.id)
    assert (got.model_id, got.total, got.skipped, got.done, got.added, got.failed) == (
        "base", 10, 4, 3, 3, 2)
    assert got.rate == pytest.approx(1.5) and got.fraction == pytest.approx(0.7)
    assert len(got.errors) == MAX_ERRORS and got.errors[0] == ("f0.pdf", "corrupt")
    assert got.updated >= job.updated


def test_bad_requests_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        create_job(store, "train", {})
    job = create_job(store, "reembed", {"model": "v1"})
    assert job.describe() == "re-embed of the pool for v1"
    with pytest.raises(ValueError, match="unknown job fields: nope"):
        update_job(store, job.id, nope=1)
    with pytest.raises(KeyError):
        get_job(store, "missing")
