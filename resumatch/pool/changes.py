"""The pool version: a token that changes whenever the pool changes.

Every process that keeps the pool's vectors in memory (``resumatch.pool.search``) reads
this one value before a search and reloads only when it differs, so an app server sees
candidates that the CLI or another server added. Kept in the ``settings`` table.
"""

from __future__ import annotations

import uuid
from typing import Any

from resumatch.store import Store

POOL_VERSION_KEY = "pool.version"


def bump(conn: Any) -> str:
    """Give the pool a new version inside the caller's transaction; returns it."""
    token = uuid.uuid4().hex
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (POOL_VERSION_KEY, token))
    return token


def pool_version(store: Store) -> str:
    """The current pool version ("" before the first change)."""
    return store.get_setting(POOL_VERSION_KEY, "") or ""
