"""Deleting all candidate data: what goes, what stays, and that it is gone from disk, on
both engines."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from fixtures_trust import MARKER, bytes_on_disk, seed_candidate_data

from resumatch.store import Store
from resumatch.store.purge import count_candidate_data, purge_candidate_data

pytestmark = pytest.mark.store_backends


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "state.sqlite3")


@pytest.fixture
def local_files(store: Store) -> None:
    """bytes_on_disk reads the server's files: not possible on an external test server."""
    if store.dialect == "postgres" and os.environ.get("RESUMATCH_TEST_DATABASE_URL"):
        pytest.skip("RESUMATCH_TEST_DATABASE_URL: the server's files are not on this machine")


def test_purge_deletes_candidate_data_and_keeps_models_runs_and_audit(store: Store,
                                                                     local_files) -> None:
    seeded = seed_candidate_data(store)
    assert MARKER.encode() in bytes_on_disk(store)
    assert count_candidate_data(store) == {t: seeded[t] for t in
                                           ("documents", "embeddings", "shortlist", "pairs",
                                            "datasets")}
    report = purge_candidate_data(store, session="admin-x")
    assert report.deleted == {"documents": 2, "embeddings": 2, "shortlist": 1, "pairs": 2,
                              "datasets": 1}
    for table in report.deleted:
        assert store.count(table) == 0
    assert store.count("model_versions") == 1 and store.count("runs") == 1
    assert report.kept == {"model_versions": 1, "runs": 1, "audit": 3}
    newest = store.audit_rows(limit=1)[0]
    assert (newest["session"], newest["action"]) == ("admin-x", "purge")
    assert report.lines()[0] == "deleted 2 documents (resumes and job descriptions)"
    assert "kept 3 audit log rows (hashes and counts only)" in report.lines()


def test_purged_text_is_gone_from_the_file_and_the_wal(store: Store, local_files) -> None:
    seed_candidate_data(store)
    assert MARKER.encode() in bytes_on_disk(store)
    purge_candidate_data(store)
    assert MARKER.encode() not in bytes_on_disk(store)


def test_training_data_can_be_kept(store: Store) -> None:
    seed_candidate_data(store)
    report = purge_candidate_data(store, include_training_data=False)
    assert set(report.deleted) == {"documents", "embeddings", "shortlist"}
    assert store.count("pairs") == 2 and store.count("datasets") == 1
    assert report.kept["pairs"] == 2


def test_purge_while_another_connection_reads(sqlite_store: Store) -> None:
    store = sqlite_store
    seed_candidate_data(store)
    reader = sqlite3.connect(store.path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
        report = purge_candidate_data(store)  # VACUUM cannot run now; the delete still does
        assert report.deleted["documents"] == 2
        assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2  # snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
    finally:
        reader.close()
    assert store.count("documents") == 0


@pytest.mark.postgres
def test_purge_while_another_postgres_session_reads(postgres_server) -> None:
    """A session in the middle of a read keeps its snapshot; VACUUM FULL cannot take the
    table from it, so the purge falls back to a plain VACUUM after a short wait."""
    from resumatch.store.postgres import PostgresStore, close_pool

    url = postgres_server.new_schema()
    try:
        store = PostgresStore(url)
        seed_candidate_data(store)
        with psycopg.connect(url) as reader:
            reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
            report = purge_candidate_data(store)
            assert report.deleted["documents"] == 2
            assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
            reader.execute("COMMIT")
            assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
        assert store.count("documents") == 0
    finally:
        close_pool(url)
        postgres_server.drop_schema(url)


def test_purging_an_empty_store_is_fine(store: Store) -> None:
    report = purge_candidate_data(store)
    assert report.total_deleted == 0
    assert store.count("audit") == 1
