"""Bulk jobs as processes: path checks, a background ingest run to the end and read back
from the store, cancels (a signal on this host, the row's status from another server),
dead and lost processes, and a rerun that continues a cancelled job."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from fixtures_docs import SAMPLE_RESUMES
from paths import SHARED_DATA

from resumatch.config import Settings
from resumatch.ingest.documents import normalize_text
from resumatch.pool.candidates import list_candidates
from resumatch.scale import jobs
from resumatch.scale.bulk import BulkProgress
from resumatch.scale.job_rows import create_job, get_job, update_job
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # SQLite and PostgreSQL
JOB_TIMEOUT_S = 600  # a separate process loads the model; the machine may be busy


def wait_until(condition: Callable[[], bool], timeout_s: float = JOB_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.5)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three sample resumes, a broken PDF and a duplicate copy."""
    path = tmp_path / "incoming"
    path.mkdir()
    for name in ("alice_nguyen_data_engineer.txt", "grace_kim_icu_registered_nurse.txt",
                 "priya_raman_ml_engineer.md"):
        shutil.copy(SAMPLE_RESUMES / name, path / name)
    shutil.copy(SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt", path / "copy.txt")
    (path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    return path


def real_resumes(folder: Path, count: int) -> Path:
    """``count`` real resumes cut to their first ~150 words (one window each: quick)."""
    frame = pd.read_csv(SHARED_DATA / "livecareer_dev.csv").head(count)
    folder.mkdir()
    for i, text in enumerate(frame["text"].astype(str)):
        (folder / f"resume_{i:03d}.txt").write_text(normalize_text(text)[:900],
                                                    encoding="utf-8")
    return folder


def test_paths_typed_by_an_admin_are_checked(tmp_path: Path, folder: Path) -> None:
    good, problems = jobs.check_paths([str(folder), "relative/dir", str(tmp_path / "nope"),
                                       "  ", str(folder / "broken.pdf")])
    assert good == [str(folder.resolve()), str((folder / "broken.pdf").resolve())]
    assert problems == ["relative/dir: give an absolute path on the server (e.g. /srv/resumes)",
                        f"{tmp_path / 'nope'}: no such file or folder on the server"]
    assert jobs.check_paths([" "]) == ([], ["give a folder or file path on the server"])
    assert jobs.count_files([str(folder)]) == 5


def test_a_background_ingest_runs_to_the_end(settings: Settings, store: Store,
                                             folder: Path) -> None:
    job = jobs.start_job(settings, store, "ingest", {"paths": [str(folder)]}, session="t")
    assert job.pid and job.host == socket.gethostname() and job.log_path.exists()
    with pytest.raises(RuntimeError, match="still in progress"):
        jobs.start_job(settings, store, "reembed", {"model": "base"})
    wait_until(lambda: not jobs.refresh(store, job.id).active)
    done = get_job(store, job.id)
    assert done.status == "done", jobs.log_tail(done)
    assert (done.total, done.skipped, done.done, done.added, done.failed) == (3, 0, 3, 3, 1)
    assert done.model_id == "base" and done.rate > 0 and done.fraction == 1.0
    assert done.errors == [("broken.pdf", done.errors[0][1])]
    assert len(list_candidates(store)) == 3
    assert any(row["action"] == "ingest" and row["session"] == "t"
               for row in store.audit_rows(limit=20))
    assert jobs.active_job(store) is None


def test_cancel_from_another_server_then_a_rerun_continues(
        settings: Settings, store: Store, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import resumatch.scale.bulk as bulk

    monkeypatch.setattr(bulk, "WRITE_DOCS", 8)  # write each engine batch as it comes
    source = real_resumes(tmp_path / "many", 40)
    job = jobs.foreground_job(store, "ingest", {"paths": [str(source)]})
    seen: list[BulkProgress] = []

    def cancel_once_started(progress: BulkProgress) -> None:
        seen.append(progress)
        if progress.done and get_job(store, job.id).status == "running":
            jobs.cancel(store, job.id)  # a foreground job is not signalled: it reads this

    # The local engine embeds 32 documents per batch: the cancel is read after the first.
    code = jobs.run_job(settings, job.id, jobs.JobHooks(on_progress=cancel_once_started))
    stopped = get_job(store, job.id)
    assert code == 130 and stopped.status == "cancelled", stopped.message
    assert 0 < stopped.done < 40 and "run it again to continue" in stopped.message

    again = jobs.foreground_job(store, "ingest", {"paths": [str(source)]})
    assert jobs.run_job(settings, again.id) == 0
    finished = get_job(store, again.id)
    assert finished.skipped == stopped.done and finished.done == 40 - stopped.done
    assert len(list_candidates(store)) == 40


def test_a_background_job_is_cancelled_by_signal(settings: Settings, store: Store,
                                                 tmp_path: Path) -> None:
    source = real_resumes(tmp_path / "many", 60)
    job = jobs.start_job(settings, store, "ingest", {"paths": [str(source)]})
    wait_until(lambda: get_job(store, job.id).status == "running")
    jobs.cancel(store, job.id)
    wait_until(lambda: not jobs.refresh(store, job.id).active)
    assert get_job(store, job.id).status == "cancelled"


def test_dead_and_lost_processes_are_noticed(store: Store) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        job = create_job(store, "ingest", {}, host=socket.gethostname(), pid=sleeper.pid,
                         status="running")
        # A background job's command line names it; an unrelated process with its id is
        # not taken for it.
        assert jobs.refresh(store, job.id).status == "failed"
        foreground = create_job(store, "ingest", {"foreground": True}, status="running",
                                host=socket.gethostname(), pid=sleeper.pid)
        assert jobs.refresh(store, foreground.id).status == "running"
        update_job(store, foreground.id, status="cancelling")
    finally:
        sleeper.kill()
        sleeper.wait()
    assert jobs.refresh(store, foreground.id).status == "cancelled"

    elsewhere = create_job(store, "reembed", {}, host="another-host", pid=os.getpid(),
                           status="running")
    assert jobs.refresh(store, elsewhere.id).status == "running"
    with store.connect() as conn:
        conn.execute("UPDATE scale_jobs SET updated = ? WHERE id = ?",
                     (time.time() - jobs.STALE_S - 1, elsewhere.id))
    lost = jobs.refresh(store, elsewhere.id)
    assert lost.status == "failed" and "another-host" in lost.message

    never = create_job(store, "reembed", {})
    with store.connect() as conn:
        conn.execute("UPDATE scale_jobs SET created = ? WHERE id = ?",
                     (time.time() - jobs.START_TIMEOUT_S - 1, never.id))
    assert jobs.refresh(store, never.id).status == "failed"
    assert jobs.active_job(store) is None
