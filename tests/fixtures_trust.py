"""A store holding every kind of candidate data, for the purge and audit tests."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from resumatch.ingest.documents import Document
from resumatch.store import Store
from resumatch.train.pairs import Pair, save_dataset

# A string that exists only in candidate text: after a purge it must be nowhere on disk.
MARKER = "Quixotic-Zebra-7731"


def seed_candidate_data(store: Store) -> dict[str, int]:
    """Two documents with embeddings, a shortlist row, a labeled data set, a model
    version, a run and two audit rows. Returns the row counts by table."""
    docs = [Document("ann", f"Ann {MARKER}, ICU nurse"), Document("job", "ICU nurse wanted")]
    store.put_documents([(d.sha256, d.name, d.text) for d in docs])
    store.put_embeddings("base", "w256-o32",
                         [(d.sha256, np.ones((1, 4), dtype=np.float32), [(0, 5)]) for d in docs])
    now = time.time()
    with store.connect() as conn:
        conn.execute("INSERT INTO shortlist (job_sha256, job_name, resume_sha256, resume_name,"
                     " score, fit, evidence, created) VALUES (?,?,?,?,?,?,?,?)",
                     (docs[1].sha256, "job", docs[0].sha256, "ann", 0.8, 0.7, MARKER, now))
        conn.execute("INSERT INTO model_versions (id, path, created, params, metrics)"
                     " VALUES ('v1', '/models/v1', ?, '{}', '{}')", (now,))
        conn.execute("INSERT INTO runs (id, dataset_id, status, created, updated)"
                     " VALUES ('r1', 1, 'done', ?, ?)", (now, now))
    save_dataset(store, "labels", [Pair(f"Resume {MARKER}", "ICU nurse", 0.9),
                                   Pair("Welder", "ICU nurse", 0.1)])
    store.audit("user-1", "rank", "base", [d.sha256 for d in docs], {"resumes": 1})
    store.audit("user-1", "export", "base", [docs[0].sha256], {"file": "matches.csv"})
    return {"documents": 2, "embeddings": 2, "shortlist": 1, "pairs": 2, "datasets": 1,
            "model_versions": 1, "runs": 1, "audit": 2}


def bytes_on_disk(store: Store) -> bytes:
    """The database as stored. SQLite: the file and its write-ahead log. PostgreSQL: the
    files of every table, TOAST table and index of the store's schema, after a
    CHECKPOINT has written the shared buffers out (the server's own WAL is not included:
    no SQL can erase it, see ``resumatch.store.purge``). Needs a server on this machine
    whose data directory this process can read."""
    if store.dialect == "sqlite":
        data = store.path.read_bytes()
        wal = store.path.with_name(store.path.name + "-wal")
        return data + (wal.read_bytes() if wal.exists() else b"")
    with store.pool.connection() as conn:
        conn.execute("CHECKPOINT")
        root = Path(conn.execute("SHOW data_directory").fetchone()[0])
        rows = conn.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
            " WHERE c.relnamespace = current_schema()::regnamespace"
            " OR c.oid IN (SELECT reltoastrelid FROM pg_class"
            "              WHERE relnamespace = current_schema()::regnamespace)").fetchall()
    data = b""
    for (relative,) in rows:
        if relative is None:  # views and the like have no files
            continue
        for segment in sorted((root / relative).parent.glob(Path(relative).name + "*")):
            data += segment.read_bytes()  # the main fork, its free-space map and segments
    return data


def audit_details(store: Store) -> list[dict]:
    return [json.loads(row["detail"]) for row in store.audit_rows()]
