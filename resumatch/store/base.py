"""The store interface: what every module may ask of the state, on SQLite or PostgreSQL.

A store hands out transactions (:meth:`Store.connect`) in which portable SQL runs with
``?`` placeholders and rows read by column name, and it implements the few operations
whose SQL differs by engine (schema version, table list, compaction). Everything else
here is written once in portable SQL (see ``resumatch.store.dialect``).

Concurrency guarantee, on both engines: the transactions of :meth:`Store.connect` are
serialised, across threads, processes and (on PostgreSQL) servers. A check-then-insert
inside one ``with store.connect() as conn:`` block (for example "no training run is
active, so create one") can therefore never interleave with another. SQLite gets this
from ``BEGIN IMMEDIATE``; PostgreSQL from a transaction-level advisory lock.

``Store(path)`` still builds the SQLite store at ``path`` (as it did before the
interface existed); new code gets its store from :func:`resumatch.store.open_store`,
which reads the settings.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from types import ModuleType
from typing import Any, ClassVar, Protocol

import numpy as np


class Cursor(Protocol):
    """What ``conn.execute`` returns on both engines (a DB-API cursor)."""

    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The connection a store's transaction yields: ``sqlite3.Connection`` or
    ``resumatch.store.postgres.PostgresConnection``. Rows support ``row["col"]``,
    ``row[0]`` and ``dict(row)``."""

    def execute(self, sql: str, parameters: Sequence[Any] = ...) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Any) -> Cursor: ...


class Store(ABC):
    """All persistent state: documents, the embedding cache, labelled pairs, training
    runs, model versions, settings, shortlists and the append-only audit log.

    Implementations: ``resumatch.store.sqlite.SQLiteStore`` (the default, one file) and
    ``resumatch.store.postgres.PostgresStore``. Both migrate the schema when built, and
    both are cheap to build and safe to share between threads.

    Attributes:
        dialect: ``"sqlite"`` or ``"postgres"``.
        errors: the engine's DB-API module (``sqlite3`` or ``psycopg``), for
            ``except store.errors.IntegrityError``.

    Example:
        >>> import tempfile, pathlib
        >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "state.sqlite3")
        >>> store.dialect, type(store).__name__
        ('sqlite', 'SQLiteStore')
    """

    dialect: ClassVar[str]
    errors: ClassVar[ModuleType]
    _default: ClassVar[type[Store] | None] = None  # set by resumatch.store.sqlite

    def __new__(cls, *args: Any, **kwargs: Any) -> Store:
        # Store(path) keeps meaning "the SQLite store at path": existing callers and
        # tests build it that way. The SQLite module registers itself as the default.
        if cls is Store:
            if Store._default is None:
                raise TypeError("no default store registered; import resumatch.store")
            cls = Store._default
        return super().__new__(cls)

    # -- engine-specific ---------------------------------------------------------------
    @abstractmethod
    def connect(self, read_only: bool = False) -> AbstractContextManager[Connection]:
        """One transaction, serialised with every other ``connect()`` transaction:
        committed when the block ends, rolled back (and the error re-raised) on error.

        With ``read_only=True``: a transaction on one consistent snapshot that refuses
        writes and is not serialised (it neither waits for nor blocks writers), for large
        reads such as loading a pool's vectors. Never use it for a check that a write in
        another transaction depends on.
        """

    @abstractmethod
    def migrate(self) -> None:
        """Create or upgrade the schema to ``len(MIGRATIONS)``; safe when several
        processes start at once. A newer schema (from newer code) is left as it is."""

    @abstractmethod
    def schema_version(self) -> int:
        """How many entries of ``resumatch.store.migrations.MIGRATIONS`` have run."""

    @abstractmethod
    def tables(self) -> set[str]:
        """Names of the application's tables (not the engine's own)."""

    @abstractmethod
    def compact(self, tables: Sequence[str] = ()) -> None:
        """After a purge: make deleted rows unrecoverable from the database files as far
        as the engine allows (best effort: never blocks long on concurrent readers).
        ``tables`` are the tables that were emptied (SQLite compacts the whole file)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the state lives, for messages (a path, or a URL without its password)."""

    def close(self) -> None:  # noqa: B027  (optional for an engine with nothing to release)
        """Release this process's connections (the store stays usable on SQLite)."""

    def _before_delete(self, conn: Any) -> None:  # noqa: B027
        """Hook run inside :meth:`delete_all_rows`' transaction before the deletes."""

    # -- portable operations ---------------------------------------------------------------
    def count(self, table: str) -> int:
        """Rows in ``table``. Raises ``ValueError`` for a name that is not a table."""
        if table not in self.tables():
            raise ValueError(f"unknown table {table}")
        with self.connect() as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def delete_all_rows(self, tables: Sequence[str]) -> dict[str, int]:
        """Empty ``tables`` in one transaction, in the order given; returns rows deleted
        per table. SQLite overwrites the freed space (``secure_delete``).

        Raises:
            ValueError: a name that is not a table.
        """
        known = self.tables()
        unknown = [table for table in tables if table not in known]
        if unknown:
            raise ValueError(f"unknown table {', '.join(unknown)}")
        deleted: dict[str, int] = {}
        with self.connect() as conn:
            self._before_delete(conn)
            for table in tables:
                deleted[table] = int(conn.execute(f"DELETE FROM {table}").rowcount)
        return deleted

    # -- documents -------------------------------------------------------------------
    def put_documents(self, docs: list[tuple[str, str, str]]) -> None:
        """Store (sha256, name, text) rows; existing hashes are kept as they are."""
        now = time.time()
        with self.connect() as conn:
            conn.executemany(
                "INSERT INTO documents (sha256, name, text, created) VALUES (?,?,?,?)"
                " ON CONFLICT (sha256) DO NOTHING",
                [(sha, name, text, now) for sha, name, text in docs],
            )

    # -- embedding cache -------------------------------------------------------------
    def get_embeddings(self, hashes: list[str], model_id: str, chunking: str,
                       ) -> dict[str, tuple[np.ndarray, list[tuple[int, int]]]]:
        """Cached chunk vectors (float32, ``(n_chunks, dim)``) and character spans for
        the hashes that have them."""
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
        """Cache (sha256, chunk vectors, spans) for one model and chunking setting; a
        second put of the same key replaces the first."""
        now = time.time()
        with self.connect() as conn:
            conn.executemany(
                "INSERT INTO embeddings (sha256, model_id, chunking, dim, n_chunks, spans,"
                " chunk_vectors, created) VALUES (?,?,?,?,?,?,?,?)"
                " ON CONFLICT (sha256, model_id, chunking) DO UPDATE SET dim = excluded.dim,"
                " n_chunks = excluded.n_chunks, spans = excluded.spans,"
                " chunk_vectors = excluded.chunk_vectors, created = excluded.created",
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
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
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
        """Audit rows as dicts, newest first (at most ``limit``)."""
        query = "SELECT * FROM audit ORDER BY id DESC"
        with self.connect() as conn:
            if limit:
                rows = conn.execute(query + " LIMIT ?", (int(limit),)).fetchall()
            else:
                rows = conn.execute(query).fetchall()
        return [dict(row) for row in rows]
