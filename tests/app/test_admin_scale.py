"""The admin page's bulk section under AppTest: re-embed offered for a version that is not
active, a job's progress read from the store and cancelled, the folder check, and the
last job's per-file errors."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pool_support import ANN_V1, BO, CY, doc
from streamlit.testing.v1 import AppTest

from resumatch.embed.embedding import base_model_path
from resumatch.embed.registry import ModelRegistry
from resumatch.pool.candidates import add_documents
from resumatch.scale import jobs
from resumatch.scale.job_rows import create_job, get_job, list_jobs, update_job
from resumatch.store import Store
from tests.conftest import ROOT

ADMIN = "pages/admin.py"
PASSWORD = "apptest-secret"
TIMEOUT_S = 120


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir / "resumatch.sqlite3")


@pytest.fixture
def admin(data_dir: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / ADMIN), default_timeout=TIMEOUT_S)
    at.session_state["admin_unlocked"] = True
    at.run()
    assert not at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def wait_inactive(store: Store, job_id: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while jobs.refresh(store, job_id).active:
        assert time.monotonic() < deadline, "the job did not stop"
        time.sleep(0.5)


def test_reembed_is_offered_for_a_new_version_and_runs_as_a_job(
        admin: AppTest, store: Store, data_dir: Path) -> None:
    add_documents(store, [doc("ann", ANN_V1), doc("bo", BO), doc("cy", CY)])
    registry = ModelRegistry(store, data_dir / "models")
    version_id, _ = registry.new_version_dir()
    registry.register(version_id, base_model_path(), parent="base")
    admin.run()
    assert "Bulk ingest and re-embedding" in [h.value for h in admin.header]
    chosen = next(b for b in admin.selectbox if b.label == "Model version to embed the pool for")
    assert chosen.value.id == version_id  # the version the fine-tune just made
    assert any(f"0 of 3 pool candidates have vectors for {version_id}" in c.value
               for c in admin.caption)
    assert any(i.value.startswith(f"{version_id} is not active yet") for i in admin.info)

    click(admin, f"Re-embed the pool for {version_id}")
    job = list_jobs(store, limit=1)[0]
    assert (job.kind, job.params["model"], job.engine) == ("reembed", version_id, "local")
    try:
        assert len(admin.get("progress")) == 1  # the job is followed from the store
        click(admin, "Cancel bulk job")
        assert get_job(store, job.id).status in ("cancelling", "cancelled", "done")
    finally:
        jobs.cancel(store, job.id)
        wait_inactive(store, job.id)
    assert store.audit_rows()[0]["action"] in ("reembed_cancel_requested", "reembed_cancelled",
                                               "reembed")


@pytest.fixture
def running(store: Store) -> Iterator[str]:
    """A job in progress whose process only sleeps (its argv names the job)."""
    job = create_job(store, "ingest", {"paths": ["/srv/cvs"]}, host=socket.gethostname())
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", job.id],
                               start_new_session=True)
    update_job(store, job.id, status="running", pid=process.pid, total=10, skipped=2, done=5,
               rate=1.5, eta_s=2.0, model_id="base", message="embedding: 5 of 8")
    yield job.id
    if process.poll() is None:
        process.kill()
    process.wait()


def test_progress_is_read_from_the_store_and_cancel_stops_the_job(admin: AppTest, store: Store,
                                                                  running: str) -> None:
    admin.run()
    bar = admin.get("progress")[0]
    assert bar.proto.value == 70
    assert "5 of 8 embedded · 2 already embedded · 1.5 docs/s" in bar.proto.text
    assert not any(b.label.startswith("Re-embed") for b in admin.button)
    click(admin, "Cancel bulk job")
    wait_inactive(store, running, timeout_s=60)
    assert get_job(store, running).status == "cancelled"


def test_ingest_paths_are_checked_before_a_job_starts(admin: AppTest, store: Store,
                                                      tmp_path: Path) -> None:
    admin.text_area(key="scale_ingest_paths").input(f"relative/dir\n{tmp_path / 'nope'}")
    admin.button(key="FormSubmitter:scale_ingest-Start ingest").click()
    admin.run()
    errors = [e.value.replace("\\", "") for e in admin.error]
    assert any("relative/dir: give an absolute path" in e for e in errors)
    assert any("no such file or folder on the server" in e for e in errors)
    (tmp_path / "empty").mkdir()
    admin.text_area(key="scale_ingest_paths").input(str(tmp_path / "empty"))
    admin.button(key="FormSubmitter:scale_ingest-Start ingest").click()
    admin.run()
    assert any("No supported files" in e.value for e in admin.error)
    assert list_jobs(store) == []


def test_the_last_job_shows_its_unreadable_files(admin: AppTest, store: Store) -> None:
    job = create_job(store, "ingest", {"paths": ["/srv/cvs"]})
    update_job(store, job.id, status="done", failed=2, message="3 document(s): ...",
               errors=[("broken.pdf", "corrupt or truncated PDF"), ("x.txt", "empty file")])
    admin.run()
    assert admin.success[0].value.replace("\\", "").startswith(
        "Last bulk job, ingest of /srv/cvs (")
    table = admin.dataframe[-1].value
    assert table["file"].tolist() == ["broken.pdf", "x.txt"]
    assert table["problem"].tolist() == ["corrupt or truncated PDF", "empty file"]
