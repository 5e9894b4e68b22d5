"""What only the PostgreSQL store has: the pool, the lock, the version table, the URL."""

from __future__ import annotations

import threading

import psycopg
import pytest

from resumatch.config import Settings
from resumatch.store import MIGRATIONS, open_store, store_key
from resumatch.store.postgres import PostgresStore, Row, close_pool, mask_password

pytestmark = pytest.mark.postgres


def test_rows_behave_like_sqlite_rows() -> None:
    row = Row((7, "ann", None), {"id": 0, "name": 1, "note": 2})
    assert (row[0], row["name"], row["NAME"], row[-1], row[:2]) == (7, "ann", "ann", None,
                                                                    (7, "ann"))
    assert dict(row) == {"id": 7, "name": "ann", "note": None}
    assert list(row) == [7, "ann", None] and len(row) == 3 and row.keys() == ["id", "name",
                                                                             "note"]
    with pytest.raises(IndexError):
        row["missing"]


def test_passwords_never_reach_messages() -> None:
    assert mask_password("postgresql://rm:s3cr%40t@db:5432/x?sslmode=require") == \
        "postgresql://rm:***@db:5432/x?sslmode=require"
    assert mask_password("postgresql://rm@db/x") == "postgresql://rm@db/x"
    assert mask_password("postgresql://db/x") == "postgresql://db/x"


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    url = "postgresql://rm:hunter2@127.0.0.1:1/nothing"
    with pytest.raises(ConnectionError, match="cannot connect to PostgreSQL") as caught:
        PostgresStore(url, lock_timeout_s=1)
    assert "hunter2" not in str(caught.value)


@pytest.fixture
def url(postgres_server):
    url = postgres_server.new_schema()
    yield url
    close_pool(url)
    postgres_server.drop_schema(url)


def test_open_store_picks_postgres_from_the_settings(url: str, tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=url)
    store = open_store(settings)
    assert isinstance(store, PostgresStore) and store.dialect == "postgres"
    assert store_key(settings) == url
    assert not settings.db_path.exists()  # no SQLite file on the side
    assert open_store(settings).pool is store.pool  # one pool per process and database


def test_versions_are_recorded_one_row_per_migration(url: str) -> None:
    store = PostgresStore(url)
    with psycopg.connect(url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations"
                                                " ORDER BY version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert store.schema_version() == len(MIGRATIONS)


def test_a_newer_schema_is_left_as_it_is(url: str) -> None:
    PostgresStore(url)
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, applied) VALUES (%s, 0)",
                     (len(MIGRATIONS) + 1,))
    close_pool(url)  # a new process: the migration check runs again
    assert PostgresStore(url).schema_version() == len(MIGRATIONS) + 1


def test_the_audit_log_refuses_truncate_too(url: str) -> None:
    store = PostgresStore(url)
    store.audit("s1", "rank")
    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"), \
            store.connect() as conn:
        conn.raw.execute("TRUNCATE audit")
    assert store.count("audit") == 1


def test_schemas_are_separate_stores(postgres_server, url: str) -> None:
    other = postgres_server.new_schema()
    try:
        PostgresStore(url).put_documents([("h1", "ann", "A")])
        assert PostgresStore(other).count("documents") == 0
        # Each schema has its own lock: a transaction in one does not block the other.
        with PostgresStore(url).connect():
            assert PostgresStore(other).count("documents") == 0
    finally:
        close_pool(other)
        postgres_server.drop_schema(other)


def test_a_transaction_waiting_too_long_for_the_lock_gives_up(url: str) -> None:
    """Like SQLite's busy timeout. (A connect() nested in another on one thread would
    wait for itself: never nest them.)"""
    store = PostgresStore(url, lock_timeout_s=0.5)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.connect():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        holding.wait(30)
        with pytest.raises(psycopg.errors.LockNotAvailable), store.connect() as conn:
            conn.execute("SELECT 1")
    finally:
        release.set()
        holder.join()
    assert store.count("documents") == 0  # the pool is healthy afterwards


def test_connections_killed_by_the_server_are_replaced(url: str) -> None:
    store = PostgresStore(url)
    store.set_setting("k", "v")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert store.get_setting("k") == "v"


def test_bools_numpy_floats_and_large_batches_bind(url: str) -> None:
    import numpy as np

    store = PostgresStore(url)
    with store.connect() as conn:
        conn.execute("INSERT INTO runs (id, status, pid, created, updated, epoch)"
                     " VALUES (?,?,?,?,?,?)", ("r", "done", False, 1.0, 2.0, np.float64(0.5)))
        row = conn.execute("SELECT pid, epoch FROM runs").fetchone()
    assert (row["pid"], row["epoch"]) == (0, 0.5)
    hashes = [f"h{i}" for i in range(1200)]
    store.put_documents([(h, h, "t") for h in hashes])
    assert store.count("documents") == 1200
