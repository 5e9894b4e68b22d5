"""The store on both engines: schema migration, the embedding cache, settings and the
audit log (SQLite-only details at the end)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from resumatch.store import MIGRATIONS, Store, open_store
from resumatch.store.migrations import script
from resumatch.store.sqlite import _split_sql

pytestmark = pytest.mark.store_backends

TABLES = {"documents", "embeddings", "datasets", "pairs", "model_versions", "settings", "runs",
          "shortlist", "audit"}


def test_schema_is_created_at_the_newest_version(store: Store) -> None:
    assert store.schema_version() == len(MIGRATIONS)
    assert TABLES <= store.tables()
    assert not any(name.startswith(("sqlite_", "schema_migrations")) for name in store.tables())


def test_reopening_keeps_data_and_does_not_migrate_again(store: Store, settings) -> None:
    store.put_documents([("h1", "ann", "Data engineer")])
    again = open_store(settings)
    assert again.schema_version() == len(MIGRATIONS)
    assert again.count("documents") == 1




def test_documents_are_stored_once_per_hash(store: Store) -> None:
    store.put_documents([("h1", "ann", "A"), ("h2", "bo", "B")])
    store.put_documents([("h1", "renamed", "A")])
    assert store.count("documents") == 2
    with store.connect() as conn:
        assert conn.execute("SELECT name FROM documents WHERE sha256='h1'").fetchone()[0] == "ann"


def test_count_refuses_unknown_tables(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        store.count("sqlite_master; DROP TABLE documents")
    with pytest.raises(ValueError, match="unknown table"):
        store.count("schema_migrations")
    assert store.count("settings") == 0


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
    with pytest.raises(store.errors.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("UPDATE audit SET action = 'nothing'")
    with pytest.raises(store.errors.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("DELETE FROM audit")
    assert store.count("audit") == 2


def test_rows_read_by_name_index_and_as_dicts(store: Store) -> None:
    store.set_setting("k", "v")
    with store.connect() as conn:
        row = conn.execute("SELECT key, value FROM settings WHERE key = ?", ("k",)).fetchone()
        listed = [tuple(r) for r in conn.execute("SELECT key, value FROM settings")]
    assert (row["key"], row["value"], row[0], row[1]) == ("k", "v", "k", "v")
    assert dict(row) == {"key": "k", "value": "v"}
    assert listed == [("k", "v")]


def test_literal_question_marks_and_percents_stay_literal(store: Store) -> None:
    store.set_setting("100% sure?", "yes")
    with store.connect() as conn:
        row = conn.execute("SELECT key FROM settings WHERE key LIKE '100%' AND value = ?"
                           " AND key <> 'what?'", ("yes",)).fetchone()
        assert row["key"] == "100% sure?"
        assert conn.execute("SELECT '?' AS q, '%s' AS p").fetchone()[:] == ("?", "%s")


def test_returning_gives_new_ids_and_upserts_work(store: Store) -> None:
    with store.connect() as conn:
        first = conn.execute("INSERT INTO datasets (name, created, n_rows) VALUES (?,?,?)"
                             " RETURNING id", ("a", 1.0, 2)).fetchone()["id"]
        second = conn.execute("INSERT INTO datasets (name, created, n_rows) VALUES (?,?,?)"
                              " RETURNING id", ("b", 2.0, 3)).fetchone()["id"]
        conn.execute("INSERT INTO datasets (name, created, n_rows) VALUES (?,?,?)"
                     " ON CONFLICT (name) DO NOTHING", ("a", 3.0, 9))
        conn.execute("INSERT INTO datasets (name, created, n_rows) VALUES (?,?,?) ON CONFLICT"
                     " (name) DO UPDATE SET n_rows = excluded.n_rows", ("b", 4.0, 7))
        rows = conn.execute("SELECT id, name, n_rows FROM datasets ORDER BY id").fetchall()
    assert isinstance(first, int) and second > first
    assert [tuple(r) for r in rows] == [(first, "a", 2), (second, "b", 7)]


def test_types_round_trip_like_sqlite(store: Store) -> None:
    blob = np.arange(6, dtype=np.float32).tobytes()
    with store.connect() as conn:
        conn.execute("INSERT INTO runs (id, dataset_id, status, pid, created, updated, epoch,"
                     " loss) VALUES (?,?,?,?,?,?,?,?)",
                     ("r1", 2**40, "done", True, 1.5e9 + 0.123456789, 0, 0.1, None))
        conn.execute("INSERT INTO embeddings (sha256, model_id, chunking, dim, n_chunks, spans,"
                     " chunk_vectors, created) VALUES (?,?,?,?,?,?,?,?)",
                     ("h", "m", "c", 3, 2, "[]", blob, 0.0))
        run = conn.execute("SELECT * FROM runs").fetchone()
        vectors = conn.execute("SELECT chunk_vectors FROM embeddings").fetchone()[0]
        total = conn.execute("SELECT SUM(dim) AS s, COUNT(*) AS n FROM embeddings").fetchone()
    assert run["dataset_id"] == 2**40  # INTEGER is 64-bit on both
    assert run["pid"] == 1  # a bool is stored as 1
    assert run["created"] == 1.5e9 + 0.123456789  # REAL is double precision on both
    assert run["updated"] == 0 and run["loss"] is None
    assert isinstance(vectors, bytes)
    np.testing.assert_array_equal(np.frombuffer(vectors, np.float32), np.arange(6))
    assert (total["s"], total["n"]) == (3, 1)
    assert isinstance(total["s"], int)


def test_delete_all_rows_counts_and_refuses_unknown_tables(store: Store) -> None:
    store.put_documents([("h1", "ann", "A"), ("h2", "bo", "B")])
    assert store.delete_all_rows(["documents", "shortlist"]) == {"documents": 2, "shortlist": 0}
    with pytest.raises(ValueError, match="unknown table"):
        store.delete_all_rows(["documents; DROP TABLE audit"])
    store.compact(["documents"])
    assert store.count("documents") == 0


def test_migrating_again_changes_nothing(store: Store) -> None:
    store.put_documents([("h1", "ann", "A")])
    store.migrate()
    assert store.schema_version() == len(MIGRATIONS)
    assert store.count("documents") == 1


# -- SQLite only -------------------------------------------------------------------------------

def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    assert store.path.exists() and store.dialect == "sqlite"
    with store.connect() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert TABLES <= tables


def test_store_creates_its_folder(tmp_path: Path) -> None:
    store = Store(tmp_path / "deep" / "er" / "state.sqlite3")
    assert store.path.exists()


def test_sqlite_append_only_errors_are_sqlite_errors(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    store.audit("s1", "rank")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("UPDATE audit SET action = 'nothing'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.connect() as conn:
        conn.execute("DELETE FROM audit")


def test_a_newer_schema_is_left_as_it_is(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite3")
    with store.connect() as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    assert Store(store.path).schema_version() == len(MIGRATIONS) + 1


def test_trigger_bodies_stay_whole_when_splitting_migrations() -> None:
    statements = _split_sql(script(MIGRATIONS[0], "sqlite"))
    triggers = [s for s in statements if s.upper().startswith("CREATE TRIGGER")]
    assert len(triggers) == 2
    assert all(t.rstrip().endswith("END;") for t in triggers)
