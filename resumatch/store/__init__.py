"""State: one store interface (SQLite by default), the audit log and purging."""

from __future__ import annotations

from resumatch.store.sqlite import MIGRATIONS, Store

__all__ = ["MIGRATIONS", "Store"]
