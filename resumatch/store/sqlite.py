"""One SQLite file (WAL) holding all state: documents, embedding cache, labeled pairs,
training runs, model versions, shortlists and the audit log.

Connections are opened per operation, so the store is safe to share between Streamlit
sessions (threads) and the separate training process. The schema is created and
migrated on open (``PRAGMA user_version``).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

# Each entry migrates the schema from version i to i + 1. Append; never edit old entries.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE embeddings (
        sha256 TEXT NOT NULL,
        model_id TEXT NOT NULL,
        chunking TEXT NOT NULL,
        dim INTEGER NOT NULL,
        n_chunks INTEGER NOT NULL,
        spans TEXT NOT NULL,
        chunk_vectors BLOB NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (sha256, model_id, chunking)
    );
    CREATE TABLE datasets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        created REAL NOT NULL,
        n_rows INTEGER NOT NULL
    );
    CREATE TABLE pairs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        resume TEXT NOT NULL,
        job TEXT NOT NULL,
        label REAL NOT NULL
    );
    CREATE TABLE model_versions (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        created REAL NOT NULL,
        parent TEXT,
        dataset TEXT,
        n_rows INTEGER,
        params TEXT NOT NULL DEFAULT '{}',
        metrics TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        dataset_id INTEGER,
        params TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        pid INTEGER,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        total_steps INTEGER NOT NULL DEFAULT 0,
        epoch REAL NOT NULL DEFAULT 0,
        loss REAL,
        eta_s REAL,
        message TEXT NOT NULL DEFAULT '',
        version_id TEXT,
        metrics TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE shortlist (
        job_sha256 TEXT NOT NULL,
        job_name TEXT NOT NULL,
        resume_sha256 TEXT NOT NULL,
        resume_name TEXT NOT NULL,
        score REAL,
        fit REAL,
        evidence TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        PRIMARY KEY (job_sha256, resume_sha256)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL,
        session TEXT NOT NULL,
        action TEXT NOT NULL,
        model_id TEXT,
        documents TEXT NOT NULL DEFAULT '[]',
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
    # Requirement marks (issue 11): must-have / nice-to-have / ignore per job, keyed by
    # the job text's sha256 and the requirement as the splitter wrote it. Only marks a
    # recruiter set are stored; the rest follow the job's wording (resumatch.rank.marks).
    """
    CREATE TABLE requirement_marks (
        job_sha256 TEXT NOT NULL,
        requirement TEXT NOT NULL,
        mark TEXT NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (job_sha256, requirement)
    );
    """,
]


class Store:
    """The SQLite state file; cheap to construct, safe across threads and processes.

    Example:
        >>> import tempfile, pathlib
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "state.sqlite3")
        >>> store.schema_version() == len(MIGRATIONS)
        True
    """

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.migrate()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed on success, rolled back on error."""
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest version."""
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, len(MIGRATIONS)):
                for statement in _split_sql(MIGRATIONS[index]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def schema_version(self) -> int:
        with self.connect() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # -- documents -------------------------------------------------------------------
    def put_documents(self, docs: list[tuple[str, str, str]]) -> None:
        """Store (sha256, name, text) rows; existing hashes are kept as they are."""
        now = time.time()
        with self.connect() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO documents (sha256, name, text, created) VALUES (?,?,?,?)",
                [(sha, name, text, now) for sha, name, text in docs],
            )

    def count(self, table: str) -> int:
        if table not in {"documents", "embeddings", "pairs", "datasets", "runs", "audit",
                         "shortlist", "model_versions"}:
            raise ValueError(f"unknown table {table}")
        with self.connect() as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    # -- embedding cache -------------------------------------------------------------
    def get_embeddings(self, hashes: list[str], model_id: str, chunking: str,
                       ) -> dict[str, tuple[np.ndarray, list[tuple[int, int]]]]:
        """Cached chunk vectors and character spans for the hashes that have them."""
        found: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        with self.connect() as conn:
            for start in range(0, len(hashes), 500):
                batch = hashes[start:start + 500]
                marks = ",".join("?" * len(batch))
                rows = conn.execute(
                    f"SELECT sha256, dim, n_chunks, spans, chunk_vectors FROM embeddings "
                    f"WHERE model_id = ? AND chunking = ? AND sha256 IN ({marks})",
                    [model_id, chunking, *batch],
                ).fetchall()
                for row in rows:
                    vectors = np.frombuffer(row["chunk_vectors"], dtype=np.float32)
                    vectors = vectors.reshape(row["n_chunks"], row["dim"])
                    spans = [tuple(s) for s in json.loads(row["spans"])]
                    found[row["sha256"]] = (vectors, spans)
        return found

    def put_embeddings(self, model_id: str, chunking: str,
                       items: list[tuple[str, np.ndarray, list[tuple[int, int]]]]) -> None:
        """Cache (sha256, chunk vectors, spans) for one model and chunking setting."""
        now = time.time()
        with self.connect() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (sha256, model_id, chunking, dim, n_chunks,"
                " spans, chunk_vectors, created) VALUES (?,?,?,?,?,?,?,?)",
                [(sha, model_id, chunking, int(vec.shape[1]), int(vec.shape[0]),
                  json.dumps(spans), np.ascontiguousarray(vec, dtype=np.float32).tobytes(), now)
                 for sha, vec, spans in items],
            )

    # -- key/value settings ------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.connect() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.connect() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         (key, value))

    # -- audit -------------------------------------------------------------------------
    def audit(self, session: str, action: str, model_id: str | None = None,
              documents: list[str] | None = None, detail: dict[str, Any] | None = None) -> None:
        """Append one row to the append-only audit log."""
        with self.connect() as conn:
            conn.execute(
                "INSERT INTO audit (ts, session, action, model_id, documents, detail)"
                " VALUES (?,?,?,?,?,?)",
                (time.time(), session, action, model_id, json.dumps(documents or []),
                 json.dumps(detail or {}, default=str)),
            )

    def audit_rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM audit ORDER BY id DESC"
        with self.connect() as conn:
            rows = conn.execute(query + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
        return [dict(row) for row in rows]


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and (not joined.upper().startswith("CREATE TRIGGER")
                                     or joined.upper().endswith("END;")):
            statements.append(joined)
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements
