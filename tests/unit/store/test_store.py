"""The SQLite store: schema migration, the embedding cache, settings and the audit log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from resumatch.store import MIGRATIONS, Store
from resumatch.store.sqlite import _split_sql


def test_schema_is_created_at_the_newest_version_in_wal_mode(store: Store) -> None:
    assert store.path.exists()
    assert store.schema_version() == len(MIGRATIONS)
    with store.connect() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"documents", "embeddings", "pairs", "runs", "model_versions", "audit"} <= tables


def test_reopening_keeps_data_and_does_not_migrate_again(store: Store) -> None:
    store.put_documents([("h1", "ann", "Data engineer")])
    again = Store(store.path)
    assert again.schema_version() == len(MIGRATIONS)
    assert again.count("documents") == 1


def test_store_creates_its_folder(tmp_path: Path) -> None:
    store = Store(tmp_path / "deep" / "er" / "state.sqlite3")
    assert store.path.exists()


def test_documents_are_stored_once_per_hash(store: Store) -> None:
    store.put_documents([("h1", "ann", "A"), ("h2", "bo", "B")])
    store.put_documents([("h1", "renamed", "A")])
    assert store.count("documents") == 2
    with store.connect() as conn:
        assert conn.execute("SELECT name FROM documents WHERE sha256='h1'").fetchone()[0] == "ann"


def test_count_refuses_unknown_tables(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        store.count("sqlite_master; DROP TABLE documents")


def test_embeddings_round_trip_exactly(store: Store) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 8)).astype(np.float32)
    spans = [(0, 10), (8, 20), (18, 25)]
    store.put_embeddings("base", "w256-o32", [("h1", vectors, spans)])
    found = store.get_embeddings(["h1", "h2"], "base", "w256-o32")
    assert set(found) == {"h1"}
    got, got_spans = found["h1"]
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, vectors)
    assert got_spans == spans


def test_embeddings_are_keyed_by_model_and_chunking(store: Store) -> None:
    store.put_embeddings("base", "w256-o32", [("h1", np.ones((1, 4), np.float32), [(0, 1)])])
    assert store.get_embeddings(["h1"], "v2", "w256-o32") == {}
    assert store.get_embeddings(["h1"], "base", "w256-o32-n1") == {}
    assert set(store.get_embeddings(["h1"], "base", "w256-o32")) == {"h1"}


def test_lookups_of_many_hashes_are_batched(store: Store) -> None:
    # More hashes than one IN (...) batch of 500 holds.
    items = [(f"h{i}", np.full((1, 2), i, np.float32), [(0, 1)]) for i in range(1203)]
    store.put_embeddings("base", "k", items)
    found = store.get_embeddings([f"h{i}" for i in range(1203)], "base", "k")
    assert len(found) == 1203
    assert found["h1202"][0][0, 0] == 1202


def test_settings_round_trip(store: Store) -> None:
    assert store.get_setting("active_model") is None
    assert store.get_setting("active_model", "base") == "base"
    store.set_setting("active_model", "v1")
    store.set_setting("active_model", "v2")
    assert store.get_setting("active_model") == "v2"


def test_a_failed_transaction_is_rolled_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.connect() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')")
        raise RuntimeError("boom")
    assert store.get_setting("k") is None


def test_audit_log_is_append_only(store: Store) -> None:
    store.audit("s1", "rank", model_id="base", documents=["h1", "h2"], detail={"n": 2})
    store.audit("s1", "export")
    rows = store.audit_rows()
    assert [r["action"] for r in rows] == ["export", "rank"]  # newest first
    assert rows[1]["documents"] == '["h1", "h2"]'
    assert len(store.audit_rows(limit=1)) == 1
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("UPDATE audit SET action = 'nothing'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("DELETE FROM audit")
    assert store.count("audit") == 2


def test_trigger_bodies_stay_whole_when_splitting_migrations() -> None:
    statements = _split_sql(MIGRATIONS[0])
    triggers = [s for s in statements if s.upper().startswith("CREATE TRIGGER")]
    assert len(triggers) == 2
    assert all(t.rstrip().endswith("END;") for t in triggers)
