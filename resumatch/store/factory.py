"""Which store a process uses: PostgreSQL when a database URL is configured, else the
SQLite file in the data directory."""

from __future__ import annotations

from resumatch.config import Settings
from resumatch.store.base import Store
from resumatch.store.sqlite import SQLiteStore


def open_store(settings: Settings) -> Store:
    """The store ``settings`` point at, migrated and ready.

    ``settings.database_url`` (``RESUMATCH_DATABASE_URL``) selects
    :class:`~resumatch.store.postgres.PostgresStore` (psycopg is imported only then);
    without it, the SQLite file ``settings.db_path`` (created on first use).

    Raises:
        ConnectionError: the PostgreSQL server cannot be reached.

    Example:
        >>> import tempfile, pathlib
        >>> open_store(Settings(data_dir=pathlib.Path(tempfile.mkdtemp()))).dialect
        'sqlite'
    """
    if settings.database_url:
        from resumatch.store.postgres import PostgresStore

        return PostgresStore(settings.database_url)
    return SQLiteStore(settings.db_path)


def store_key(settings: Settings) -> str:
    """A string naming the store ``settings`` point at (for caches keyed by store)."""
    return settings.database_url or str(settings.db_path.resolve())
