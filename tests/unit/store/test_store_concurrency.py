"""The store under concurrent writers: threads (Streamlit sessions) and processes (a
training job, the CLI). WAL and a busy timeout must keep every write and raise no
``database is locked``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np

from resumatch.store import Store

ROOT = Path(__file__).resolve().parents[3]
THREADS, OPS = 8, 20


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


# The writer loads store/sqlite.py alone: importing the package pulls in scikit-learn and takes
# seconds, so the processes would barely overlap.
WRITER = textwrap.dedent("""
    import importlib.util, sys
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("store", sys.argv[4])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    Store = module.Store

    path, worker, n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
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
    store_py = ROOT / "resumatch" / "store" / "sqlite.py"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), str(n_ops),
                               str(store_py)],
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
