"""The default store: one SQLite file (WAL) holding all state.

Connections are opened per operation, so the store is safe to share between Streamlit
sessions (threads) and the separate training process. Every transaction starts with
``BEGIN IMMEDIATE``: writers queue on the file's write lock (up to the busy timeout), and
a check-then-insert in one ``connect()`` block cannot interleave with another. The schema
is created and migrated on open (``PRAGMA user_version``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from resumatch.store.base import Store
from resumatch.store.migrations import MIGRATIONS, script


class SQLiteStore(Store):
    """The SQLite state file; cheap to construct, safe across threads and processes.

    Example:
        >>> import tempfile, pathlib
        >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "state.sqlite3")
        >>> store.schema_version() == len(MIGRATIONS)
        True
    """

    dialect = "sqlite"
    errors = sqlite3

    def __init__(self, path: Path, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.migrate()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed on success, rolled back on error.

        ``read_only``: a deferred transaction on one snapshot that refuses writes
        (``query_only``) and neither waits for nor blocks writers (WAL).
        """
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                conn.execute("PRAGMA query_only = ON")
            conn.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest version (under the write lock, so
        processes racing to create a fresh file migrate it once)."""
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            self._enable_wal(conn)
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, len(MIGRATIONS)):
                for statement in _split_sql(script(MIGRATIONS[index], "sqlite")):
                    conn.execute(statement)
            if version < len(MIGRATIONS):  # a newer schema (newer code) is left as it is
                conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _enable_wal(self, conn: sqlite3.Connection) -> None:
        """``PRAGMA journal_mode = WAL``, retried while another process holds the file:
        switching the journal mode needs an exclusive lock, and SQLite can answer
        SQLITE_BUSY at once instead of calling the busy handler (processes racing to
        open a fresh file). Raises the last ``sqlite3.OperationalError`` after
        ``busy_timeout_s``."""
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def schema_version(self) -> int:
        with self.connect() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def tables(self) -> set[str]:
        with self.connect() as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
        return {row[0] for row in rows}

    def _before_delete(self, conn: sqlite3.Connection) -> None:
        # Deleted rows are overwritten with zeros instead of left in free pages.
        conn.execute("PRAGMA secure_delete = ON")

    def compact(self, tables: Sequence[str] = (), wait_s: float = 1.0) -> None:
        """Checkpoint and truncate the WAL, then VACUUM: no deleted page survives on disk.

        Best effort with a short wait: a session reading at this moment keeps its snapshot
        (and the old pages) until it finishes; the next checkpoint then overwrites them.
        """
        conn = sqlite3.connect(self.path, timeout=wait_s, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(wait_s * 1000)}")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try:
                conn.execute("VACUUM")
            except sqlite3.OperationalError:
                # Another process holds a read transaction; secure_delete has already
                # zeroed the deleted rows, so skipping the compaction loses no privacy.
                pass
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


Store._default = SQLiteStore


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
