"""The team store: PostgreSQL through psycopg 3, shared by several app servers.

Selected by ``RESUMATCH_DATABASE_URL=postgresql://user:password@host:5432/dbname``. Runs
the same migrations and the same portable SQL as the SQLite store (translated by
``resumatch.store.dialect``); vectors stay float32 blobs (``BYTEA``).

- **Connections.** One ``psycopg_pool.ConnectionPool`` per process and URL, opened on
  first use and closed at exit. Rows read like ``sqlite3.Row``: ``row["col"]``,
  ``row[0]``, ``dict(row)``.
- **Concurrency.** Each ``connect()`` transaction first takes a transaction-level
  advisory lock (``pg_advisory_xact_lock``) keyed on the schema, so store transactions
  run one at a time across every process and server, as SQLite's ``BEGIN IMMEDIATE``
  makes them on one machine. A check-then-insert (one active training run) is therefore
  safe without retry loops. SERIALIZABLE isolation was the alternative; it would make
  callers re-run whole ``with store.connect()`` blocks on serialization failures, which
  the SQLite code never had to do. Waits give up after ``lock_timeout_s`` (like SQLite's
  busy timeout) with ``psycopg.errors.LockNotAvailable``.
- **Migrations.** Under the same lock, in one transaction (PostgreSQL's DDL is
  transactional), with the applied versions in ``schema_migrations``: servers starting
  at once migrate once.
- **Schema.** Tables live in the connection's current schema, so a URL may pick one with
  ``?options=-csearch_path%3Dresumatch`` (the tests give each test its own schema).
"""

from __future__ import annotations

import atexit
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool

from resumatch.store.base import Store
from resumatch.store.dialect import to_postgres
from resumatch.store.migrations import MIGRATIONS, script

# pg_advisory_xact_lock(int4, int4): a fixed class id for resumatch, and the schema.
LOCK_CLASS = 0x7265_736D  # "resm"
_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, hashtext(COALESCE(current_schema(), '')))"
VERSION_TABLE = "schema_migrations"


class Row(Sequence[Any]):
    """A result row like ``sqlite3.Row``: by index, by column name, and ``dict(row)``.

    Example:
        >>> row = Row((1, "ann"), {"id": 0, "name": 1})
        >>> row[0], row["name"], dict(row)
        (1, 'ann', {'id': 1, 'name': 'ann'})
    """

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            position = self._index.get(key)
            if position is None:
                position = self._index.get(key.lower())
            if position is None:
                raise IndexError(f"no column named {key!r}")
            return self._values[position]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self.keys() == other.keys()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


def row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    """psycopg row factory building :class:`Row` objects."""
    description = cursor.description
    if description is None:
        return tuple
    index = {column.name: position for position, column in enumerate(description)}
    return lambda values: Row(values, index)


class _NumericLoader(Loader):
    """``numeric`` (what SUM/AVG of integers return) as int when whole, else float, as
    SQLite returns them; the schema itself has no numeric columns."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode("ascii"))
        return int(value) if value == value.to_integral_value() else float(value)


def _adapt(params: Any) -> tuple[Any, ...]:
    if params is None:
        return ()
    if isinstance(params, dict):
        raise TypeError("named parameters are not portable: use ? and a sequence")
    # SQLite stores a Python bool as 1/0; PostgreSQL would refuse a boolean for an
    # INTEGER column (and booleans are INTEGER 0/1 in the schema).
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


class PostgresConnection:
    """The connection inside one ``PostgresStore.connect()`` transaction: takes portable
    SQL with ``?`` placeholders, like ``sqlite3.Connection``.

    ``raw`` is the psycopg connection, for PostgreSQL-only statements inside
    ``resumatch/store``.
    """

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] | None = ()) -> psycopg.Cursor[Any]:
        """Run one statement; the parameters are always bound, never formatted in."""
        return self.raw.execute(to_postgres(sql), _adapt(parameters))

    def executemany(self, sql: str, seq_of_parameters: Any) -> psycopg.Cursor[Any]:
        """Run one statement once per parameter sequence (pipelined by psycopg)."""
        cursor = self.raw.cursor()
        cursor.executemany(to_postgres(sql), [_adapt(p) for p in seq_of_parameters])
        return cursor


class _Pool:
    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.migrated = False


_POOLS: dict[tuple[int, str], _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool_for(url: str, max_size: int, timeout_s: float) -> _Pool:
    """This process's pool for ``url`` (a forked child gets its own: sockets are not
    shared across processes)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        entry = _POOLS.get(key)
        if entry is None:
            def configure(conn: psycopg.Connection[Any]) -> None:
                conn.adapters.register_loader("numeric", _NumericLoader)
                conn.execute(f"SET lock_timeout = {int(timeout_s * 1000)}")

            pool = ConnectionPool(
                url, min_size=1, max_size=max_size, timeout=timeout_s, open=False,
                # No server-side prepared statements: another server's migration (ALTER
                # TABLE ... ADD COLUMN) would break a prepared SELECT * ("cached plan must
                # not change result type").
                kwargs={"autocommit": True, "row_factory": row_factory,
                        "prepare_threshold": None},
                configure=configure, check=ConnectionPool.check_connection,
                name=f"resumatch-{mask_password(url)}")
            try:
                pool.open(wait=True, timeout=timeout_s)
            except Exception as err:
                pool.close()
                raise ConnectionError(f"cannot connect to PostgreSQL at {mask_password(url)}:"
                                      f" {err}") from err
            entry = _POOLS[key] = _Pool(pool)
        return entry


def close_pool(url: str) -> None:
    """Close this process's connections to ``url`` (a later store reopens them)."""
    with _POOLS_LOCK:
        entry = _POOLS.pop((os.getpid(), url), None)
    if entry is not None:
        entry.pool.close()


@atexit.register
def close_all_pools() -> None:
    """Close every pool this process opened (runs at interpreter exit)."""
    with _POOLS_LOCK:
        entries = [(key, _POOLS.pop(key)) for key in list(_POOLS) if key[0] == os.getpid()]
    for _, entry in entries:
        entry.pool.close()


def mask_password(url: str) -> str:
    """``url`` with its password replaced by ``***``, for messages and logs."""
    return re.sub(r"^(\w+://[^:/@?]*):[^@/]*@", r"\1:***@", url)


class PostgresStore(Store):
    """All state in a PostgreSQL database, shared by every process that opens the URL.

    Args:
        url: a libpq URL, ``postgresql://user:password@host:port/dbname``.
        pool_size: most connections this process holds (transactions are serialised,
            so more only helps waiting readers get a connection sooner).
        lock_timeout_s: longest wait for the store lock or a connection.

    Raises:
        ConnectionError: the server cannot be reached (the message names the URL,
            without its password).

    Example:
        >>> store = PostgresStore("postgresql://resumatch@db.internal/resumatch")  # doctest: +SKIP
        >>> store.count("documents")  # doctest: +SKIP
        0
    """

    dialect = "postgres"
    errors = psycopg

    def __init__(self, url: str, pool_size: int = 10, lock_timeout_s: float = 30.0) -> None:
        self.url = url
        self.lock_timeout_s = lock_timeout_s
        self._entry = _pool_for(url, pool_size, lock_timeout_s)
        self.migrate()

    def __repr__(self) -> str:
        return f"PostgresStore({self.location!r})"

    @property
    def location(self) -> str:
        return mask_password(self.url)

    @property
    def pool(self) -> ConnectionPool:
        return self._entry.pool

    def close(self) -> None:
        close_pool(self.url)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[PostgresConnection]:
        """One transaction holding the store lock: committed on success, rolled back on
        error.

        ``read_only``: a ``REPEATABLE READ READ ONLY`` transaction (one snapshot, writes
        refused) that does not take the lock, so it neither waits for nor blocks writers.
        """
        with self.pool.connection() as raw, raw.transaction():
            if read_only:
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            else:
                raw.execute(_LOCK_SQL, (LOCK_CLASS,))
            yield PostgresConnection(raw)

    def migrate(self) -> None:
        """Apply the missing migrations, once per process and database."""
        if self._entry.migrated:
            return
        with self.pool.connection() as raw:
            if _version(raw) < len(MIGRATIONS):
                with raw.transaction():
                    raw.execute(_LOCK_SQL, (LOCK_CLASS,))
                    raw.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
                                " version BIGINT PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)")
                    for index in range(_version(raw), len(MIGRATIONS)):
                        raw.execute(script(MIGRATIONS[index], "postgres"))
                        raw.execute(f"INSERT INTO {VERSION_TABLE} (version, applied)"
                                    " VALUES (%s, %s)", (index + 1, time.time()))
        self._entry.migrated = True

    def schema_version(self) -> int:
        with self.pool.connection() as raw:
            return _version(raw)

    def tables(self) -> set[str]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                " AND table_name <> ?", (VERSION_TABLE,)).fetchall()
        return {row[0] for row in rows}

    def compact(self, tables: Sequence[str] = (), wait_s: float = 1.0) -> None:
        """``VACUUM FULL`` each emptied table: PostgreSQL rewrites it into new files and
        drops the old ones, so deleted rows leave the table files at once. Best effort:
        a table another session is reading gets a plain ``VACUUM`` instead (its dead rows
        are then reclaimed, not rewritten). Copies in the write-ahead log, in WAL archives
        and in backups are out of reach of any SQL; they expire with their retention.
        """
        known = self.tables()
        with self.pool.connection() as raw:  # autocommit: VACUUM refuses transactions
            raw.execute(f"SET lock_timeout = {int(wait_s * 1000)}")
            try:
                for table in tables:
                    if table not in known:
                        raise ValueError(f"unknown table {table}")
                    try:
                        raw.execute(f"VACUUM (FULL, ANALYZE) {table}")
                    except psycopg.errors.LockNotAvailable:
                        raw.execute(f"VACUUM (ANALYZE) {table}")
            finally:
                raw.execute(f"SET lock_timeout = {int(self.lock_timeout_s * 1000)}")


def _version(raw: psycopg.Connection[Any]) -> int:
    """Migrations applied (0 before the first)."""
    row = raw.execute("SELECT to_regclass(%s) AS found", (VERSION_TABLE,)).fetchone()
    if row is None or row["found"] is None:
        return 0
    row = raw.execute(f"SELECT COALESCE(MAX(version), 0) AS v FROM {VERSION_TABLE}").fetchone()
    return int(row["v"])
