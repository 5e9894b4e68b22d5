"""State: one store interface with two engines (SQLite by default, PostgreSQL for teams),
the shared migrations, the audit log and purging.

Get a store with :func:`open_store` (it reads ``RESUMATCH_DATABASE_URL`` through the
settings); ``Store(path)`` builds the SQLite store at ``path``.
"""

from __future__ import annotations

from resumatch.store.base import Store
from resumatch.store.factory import open_store, store_key
from resumatch.store.migrations import MIGRATIONS, Migration
from resumatch.store.sqlite import SQLiteStore

__all__ = ["MIGRATIONS", "Migration", "SQLiteStore", "Store", "open_store", "store_key"]
