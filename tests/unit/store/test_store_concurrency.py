"""The store under concurrent writers: threads (Streamlit sessions) and processes (a
training job, the CLI, other app servers), on both engines. SQLite's WAL and busy timeout,
and PostgreSQL's pool and store lock, must keep every write, raise no ``database is
locked``, migrate a fresh database once, and serialise check-then-insert transactions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from resumatch.store import MIGRATIONS, Store, open_store
from resumatch.train.runs import ACTIVE, create_run

pytestmark = pytest.mark.store_backends

ROOT = Path(__file__).resolve().parents[3]
THREADS, OPS = 8, 20
# Child processes import the store without running resumatch/__init__.py: that pulls in
# scikit-learn and takes seconds, so the processes would barely overlap.
LIGHT_IMPORT = textwrap.dedent("""
    import sys, types

    package = types.ModuleType("resumatch")
    package.__path__ = [sys.argv[1] + "/resumatch"]
    sys.modules["resumatch"] = package
""")


def session_work(store: Store, worker: int, failures: list[BaseException]) -> None:
    """What one browser session does: store documents and vectors, read them, log."""
    try:
        for op in range(OPS):
            sha = f"t{worker}-{op}"
            store.put_documents([(sha, f"doc {sha}", f"text of {sha}")])
            store.put_embeddings("base", "w256-o32",
                                 [(sha, np.full((2, 8), worker, dtype=np.float32),
                                   [(0, 1), (1, 2)])])
            got = store.get_embeddings([sha], "base", "w256-o32")
            assert got[sha][0].shape == (2, 8)
            store.audit(f"user-{worker}", "rank", "base", [sha])
            store.count("documents")
    except BaseException as err:  # collected: an exception in a thread would vanish
        failures.append(err)


def test_threads_write_at_once_without_lock_errors(store: Store) -> None:
    failures: list[BaseException] = []
    threads = [threading.Thread(target=session_work, args=(store, w, failures))
               for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.count("documents") == THREADS * OPS
    assert store.count("embeddings") == THREADS * OPS
    assert store.count("audit") == THREADS * OPS
    sessions = {row["session"] for row in store.audit_rows()}
    assert sessions == {f"user-{w}" for w in range(THREADS)}


WRITER = LIGHT_IMPORT + textwrap.dedent("""
    from pathlib import Path

    from resumatch.store import Store

    path, worker, n = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    store = Store(path)  # every process also runs the migration check at once
    for op in range(n):
        store.put_documents([(f"p{worker}-{op}", "name", "text")])
        store.audit(f"proc-{worker}", "train_progress", detail={"step": op})
        with store.connect() as conn:  # like a training job updating its run row
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         (f"progress-{worker}", str(op)))
    print("ok", worker)
""")


def test_processes_write_at_once_on_a_fresh_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"  # not created yet: the processes race to create it
    n_procs, n_ops = 4, 40
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(path), str(w),
                               str(n_ops)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for w in range(n_procs)]
    # Meanwhile this process reads, as a page polling a training run does.
    while any(p.poll() is None for p in procs):
        if path.exists():
            try:
                Store(path).count("audit")
            except Exception as err:  # the schema may not exist for a moment
                assert "locked" not in str(err), err
        time.sleep(0.05)
    outputs = [p.communicate(timeout=120) for p in procs]
    for (_out, err), proc in zip(outputs, procs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
    store = Store(path)
    assert store.count("documents") == n_procs * n_ops
    assert store.count("audit") == n_procs * n_ops
    assert store.get_setting("progress-0") == str(n_ops - 1)
    with store.connect() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- serialised transactions, on both engines ------------------------------------------------

def test_check_then_insert_is_serialised_across_threads(store: Store) -> None:
    """Eight sessions each insert a row only if none is there, pausing between the check
    and the insert: serialised transactions leave exactly one row."""
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def claim(worker: int) -> None:
        try:
            barrier.wait()
            with store.connect() as conn:
                taken = conn.execute("SELECT COUNT(*) FROM settings WHERE key LIKE 'owner%'"
                                     ).fetchone()[0]
                time.sleep(0.05)  # widen the window a lost update needs
                if taken == 0:
                    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                                 (f"owner-{worker}", str(worker)))
        except BaseException as err:  # collected: an exception in a thread would vanish
            failures.append(err)

    threads = [threading.Thread(target=claim, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with store.connect() as conn:
        owners = conn.execute("SELECT key FROM settings WHERE key LIKE 'owner%'").fetchall()
    assert len(owners) == 1


def test_one_active_training_run_across_threads(store: Store) -> None:
    barrier = threading.Barrier(THREADS)
    created: list[str] = []
    refused: list[str] = []
    failures: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait()
            created.append(create_run(store, 1, {}, exclusive=True).id)
        except RuntimeError as err:
            refused.append(str(err))
        except BaseException as err:
            failures.append(err)

    threads = [threading.Thread(target=start) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(created) == 1 and len(refused) == THREADS - 1
    assert all(created[0] in message for message in refused)


# Each process opens the store of a database nobody has migrated yet, all at once, then
# tries to start a training run twice (exclusive: at most one may be active).
STARTER = LIGHT_IMPORT + textwrap.dedent("""
    import json

    from resumatch.config import Settings
    from resumatch.store import open_store
    from resumatch.train.runs import create_run

    print("ready", flush=True)
    sys.stdin.readline()  # every process starts at once
    store = open_store(Settings.from_env())
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(create_run(store, 1, {}, exclusive=True).id)
        except RuntimeError:
            outcomes.append(None)
    print(json.dumps({"outcomes": outcomes, "version": store.schema_version()}), flush=True)
""")


def test_processes_migrate_once_and_start_one_run(settings) -> None:
    """Like several app servers starting together on an empty database, then each
    clicking Train: one schema, one active run."""
    n_procs = 4
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(settings.data_dir)}
    env.pop("RESUMATCH_DATABASE_URL", None)
    if settings.database_url:
        env["RESUMATCH_DATABASE_URL"] = settings.database_url
    procs = [subprocess.Popen([sys.executable, "-c", STARTER, str(ROOT)], cwd=ROOT, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for _ in range(n_procs)]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            assert "locked" not in err
            results.append(json.loads(out))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [result["version"] for result in results] == [len(MIGRATIONS)] * n_procs
    started = [run for result in results for run in result["outcomes"] if run]
    assert len(started) == 1
    store = open_store(settings)
    assert store.schema_version() == len(MIGRATIONS)
    with store.connect() as conn:
        marks = ",".join("?" * len(ACTIVE))
        active = conn.execute(f"SELECT id FROM runs WHERE status IN ({marks})",
                              ACTIVE).fetchall()
    assert [row["id"] for row in active] == started


def test_read_only_transactions_see_one_snapshot_and_do_not_wait(store: Store) -> None:
    """A large read (a pool's vectors) neither queues behind a writer nor sees half of its
    work, and it cannot write."""
    store.put_documents([("h1", "ann", "A")])
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.connect() as conn:  # holds the store's write lock until released
            conn.execute("INSERT INTO documents (sha256, name, text, created)"
                         " VALUES ('h2', 'bo', 'B', 0)")
            writing.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        writing.wait(30)
        with store.connect(read_only=True) as conn:
            assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
            with pytest.raises(store.errors.Error):
                conn.execute("DELETE FROM documents")
    finally:
        release.set()
        thread.join()
    with store.connect(read_only=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
