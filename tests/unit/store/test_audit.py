"""The audit trail: who saw or exported which result set, without names or text."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fixtures_docs import WordEncoder

from resumatch.embed.embedding import Chunking, Embedder
from resumatch.ingest.documents import Document
from resumatch.pipeline import export_rankings, match
from resumatch.store import Store
from resumatch.store.audit import (
    AUDIT_COLUMNS,
    audit_csv,
    content_hash,
    ranking_summary,
    record_export,
    record_ranking,
)
from resumatch.store.purge import purge_candidate_data

pytestmark = pytest.mark.store_backends

RESUMES = [Document(f"person_{i}", f"Secret-{i} nurse ICU patients {i}") for i in range(12)]
JOBS = [Document("icu", "ICU nurse"), Document("chef", "Head chef")]


@pytest.fixture
def ranked(store: Store):
    embedder = Embedder(WordEncoder(), store, Chunking(window=16, overlap=4))
    return match(RESUMES, JOBS, embedder)


def test_a_ranking_is_logged_by_hash_with_the_top_of_each_list(store: Store, ranked) -> None:
    record_ranking(store, "user-abc", ranked.model_id,
                   [(e.doc.name, e.doc.sha256) for e in ranked.resumes],
                   [(e.doc.name, e.doc.sha256) for e in ranked.jobs], ranked.table, blind=True)
    row = store.audit_rows()[0]
    assert (row["session"], row["action"], row["model_id"]) == ("user-abc", "rank", "words")
    assert json.loads(row["documents"]) == [d.sha256 for d in RESUMES + JOBS]
    detail = json.loads(row["detail"])
    assert detail["resumes"] == 12 and detail["jobs"] == 2 and detail["blind"] is True
    assert detail["result_sha256"] == content_hash(ranked.table.to_csv(index=False))
    icu_top = detail["top"][JOBS[0].sha256]
    assert len(icu_top) == 10
    by_hash = {d.sha256: d.name for d in RESUMES}
    best = ranked.table[ranked.table["job"] == "icu"].sort_values("rank")["resume"].head(10)
    assert [by_hash[h] for h in icu_top] == list(best)
    # Names and text never reach the log: a purge must leave nothing identifying behind.
    raw = json.dumps(row)
    assert "person_" not in raw and "Secret-" not in raw


def test_an_export_is_logged_with_the_file_hash(store: Store, ranked) -> None:
    content = export_rankings(ranked)
    record_export(store, "user-abc", ranked.model_id, "matches.csv", content,
                  [d.sha256 for d in RESUMES], blind=False)
    detail = json.loads(store.audit_rows()[0]["detail"])
    assert detail == {"file": "matches.csv", "bytes": len(content),
                      "lines": content.count("\n"), "sha256": content_hash(content),
                      "blind": False}


def test_audit_csv_is_oldest_first_with_readable_times(store: Store) -> None:
    store.audit("admin-1", "train", "v2", detail={"run": "r1"})
    store.audit("admin-1", "promote", "v2")
    record_export(store, "user-2", "v2", "score_matrix.csv", b"a\n", ["h1", "h2"])
    rows = list(csv.DictReader(io.StringIO(audit_csv(store))))
    assert tuple(rows[0]) == AUDIT_COLUMNS
    assert [r["action"] for r in rows] == ["train", "promote", "export"]
    assert rows[2]["documents"] == "h1 h2"
    assert rows[0]["time_utc"].endswith("Z") and rows[0]["time_utc"][:2] == "20"
    assert json.loads(rows[0]["detail"]) == {"run": "r1"}


def test_ranking_summary_of_an_empty_table() -> None:
    import pandas as pd

    assert ranking_summary(pd.DataFrame(columns=["job", "resume", "rank"]), {}, {}) == {}


def test_the_log_survives_a_purge(store: Store, ranked) -> None:
    record_export(store, "user-abc", "words", "matches.csv", "x\n")
    purge_candidate_data(store)
    assert [r["action"] for r in store.audit_rows()] == ["purge", "export"]
    assert store.count("documents") == 0
