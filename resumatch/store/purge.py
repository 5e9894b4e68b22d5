"""Delete all candidate data, and only that.

Candidate data is everything that holds a resume's text or says who a candidate is:
stored documents (resumes and job descriptions share one table), their cached
embeddings, the shortlist, and the labeled pairs of the training data sets (each pair
holds a resume's full text). Kept: model versions (weights, not documents), training
run records (parameters and metrics), settings, and the append-only audit log, which
holds content hashes and counts only.

The store then compacts (``Store.compact``). On SQLite, deleted rows are overwritten
(``secure_delete``), the write-ahead log is truncated and the file is vacuumed, so the
text is gone from the disk, not just unlinked. On PostgreSQL the emptied tables are
rewritten (``VACUUM FULL``), so the text leaves the table files; the server's write-ahead
log and any backups keep it until they expire (see the README, "Running for a team").

The talent pool's tables (candidates, their documents, fields, corrections, stages,
notes and self-reported categories) are candidate data too; ``purge_candidate`` deletes
one candidate everywhere (the right to erasure), ``purge_candidate_data`` everyone.
Openings (job descriptions) are kept by both.

Example:
    >>> import tempfile, pathlib
    >>> from resumatch.store import Store
    >>> report = purge_candidate_data(Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3"))
    >>> report.total_deleted
    0
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resumatch.store import Store

# Table -> what a row of it is, for the report. Order matters: pairs before datasets.
CANDIDATE_TABLES: dict[str, str] = {
    "documents": "documents (resumes and job descriptions)",
    "embeddings": "cached embeddings",
    "shortlist": "shortlist entries",
}
TRAINING_TABLES: dict[str, str] = {
    "pairs": "labeled pairs (resume and job text)",
    "datasets": "labeled data sets",
}
# The talent pool (issue 12); a purge of everyone reports these only when they had rows.
POOL_TABLES: dict[str, str] = {
    "candidate_categories": "self-reported candidate categories (bias audit)",
    "candidate_notes": "notes on candidates",
    "opening_candidates": "candidate stages and ratings in openings",
    "field_corrections": "corrected candidate fields",
    "extracted_fields": "extracted candidate fields",
    "candidate_documents": "candidate files (history)",
    "candidates": "talent pool candidates",
}
KEPT_TABLES: dict[str, str] = {
    "model_versions": "model versions",
    "runs": "training runs (parameters and metrics only)",
    "audit": "audit log rows (hashes and counts only)",
}


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted and what it kept, by table."""

    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())

    def lines(self) -> list[str]:
        """Human-readable lines: one per table deleted from, then what was kept."""
        labels = {**CANDIDATE_TABLES, **POOL_TABLES, **TRAINING_TABLES, **KEPT_TABLES}
        out = [f"deleted {count} {labels[table]}" for table, count in self.deleted.items()]
        out += [f"kept {count} {labels[table]}" for table, count in self.kept.items()]
        return out


def count_candidate_data(store: Store, include_training_data: bool = True,
                         include_pool: bool = False) -> dict[str, int]:
    """Rows a purge would delete, by table (for a confirmation prompt); with
    ``include_pool`` the talent pool's tables are listed too when they hold rows."""
    tables = {**CANDIDATE_TABLES, **(TRAINING_TABLES if include_training_data else {})}
    counts = {table: store.count(table) for table in tables}
    if not include_pool:
        return counts
    with store.connect() as conn:
        for table in POOL_TABLES:
            count = conn.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()["n"]
            if count:
                counts[table] = count
    return counts


def purge_candidate_data(store: Store, include_training_data: bool = True,
                         session: str = "cli") -> PurgeReport:
    """Delete every stored document, embedding, shortlist row and (by default) labeled pair.

    Runs in one transaction, so a concurrent ranking sees all or nothing; then the file
    is compacted so deleted text does not linger in free pages or the write-ahead log.
    Appends one ``purge`` row (counts only) to the audit log.
    """
    tables = [*CANDIDATE_TABLES, *(TRAINING_TABLES if include_training_data else {})]
    everything = store.delete_all_rows([*tables, *POOL_TABLES])
    # The pool's tables are reported only when they had rows (older reports stay as they were).
    deleted = {table: n for table, n in everything.items() if table in tables or n}
    with store.connect() as conn:
        _bump_erasure_version(conn)
        if any(table in deleted for table in POOL_TABLES):
            _bump_pool_version(conn)
    kept_tables = [*KEPT_TABLES, *([] if include_training_data else TRAINING_TABLES)]
    store.audit(session, "purge", detail={"deleted": deleted,
                                          "training_data": include_training_data})
    store.compact([*tables, *POOL_TABLES])
    kept = {table: store.count(table) for table in kept_tables}
    return PurgeReport(deleted=deleted, kept=kept)


# -- one candidate ---------------------------------------------------------------------

POOL_VERSION_KEY = "pool.version"  # resumatch.pool.changes.POOL_VERSION_KEY
# Changes with every erasure or purge: in-memory copies of derived data (the ranking memo,
# resumatch.rank.memo) compare it before serving anything, in every process.
ERASURE_VERSION_KEY = "erasure.version"


def _new_token(conn: Any, key: str) -> None:
    """A new random value for the setting ``key``, inside the caller's transaction."""
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 (key, uuid.uuid4().hex))


def _bump_pool_version(conn: Any) -> None:
    """A new pool version, so every process reloads its in-memory pool (no import of
    ``resumatch.pool``: the store sits below it)."""
    _new_token(conn, POOL_VERSION_KEY)


def _bump_erasure_version(conn: Any) -> None:
    """A new erasure token (see ``ERASURE_VERSION_KEY``)."""
    _new_token(conn, ERASURE_VERSION_KEY)


@dataclass(frozen=True)
class CandidateErasure:
    """What deleting one candidate removed, by table, and the hashes of its documents."""

    candidate_id: int
    documents: list[str]
    deleted: dict[str, int]

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())

    def lines(self) -> list[str]:
        labels = {**CANDIDATE_TABLES, **POOL_TABLES, **TRAINING_TABLES,
                  "phrase_embeddings": "cached passage and phrase vectors"}
        return [f"deleted {count} {labels.get(table, table)}"
                for table, count in self.deleted.items() if count]


class UnknownCandidate(LookupError):
    """No candidate with that id."""


def _in(values: list) -> str:
    return ",".join("?" * len(values))


def purge_candidate(store: Store, candidate_id: int, session: str = "cli",
                    derived_hashes: Iterable[str] = (), compact: bool = True,
                    ) -> CandidateErasure:
    """Delete one candidate everywhere (the right to erasure), in one transaction.

    Deleted: the candidate and every candidate merged into it; their documents' text and
    cached vectors (every model and chunking), structured fields and corrections, stages,
    ratings and notes, self-reported categories (bias audit), shortlist rows, labelled
    pairs whose resume is one of their texts, and the possible-duplicate links other
    candidates had to them. ``derived_hashes`` are hashes of texts cut from their
    documents (passages, phrases) whose cached vectors go too; the pool layer computes
    them. The audit log gets one ``erase_candidate`` row naming the documents by hash only.

    Raises:
        UnknownCandidate: when there is no such candidate.
    """
    candidate_id = int(candidate_id)
    deleted: dict[str, int] = {}
    with store.connect() as conn:
        row = conn.execute("SELECT id, merged_into FROM candidates WHERE id = ?",
                           (candidate_id,)).fetchone()
        if row is None:
            raise UnknownCandidate(f"no candidate with id {candidate_id}")
        store._before_delete(conn)  # SQLite overwrites the freed pages
        group = [candidate_id] + [int(r["id"]) for r in conn.execute(
            "SELECT id FROM candidates WHERE merged_into = ?", (candidate_id,)).fetchall()]
        hashes = sorted({r["sha256"] for r in conn.execute(
            f"SELECT sha256 FROM candidate_documents WHERE candidate_id IN ({_in(group)})"
            f" OR merged_from IN ({_in(group)})", group + group).fetchall()}
            | {r["sha256"] for r in conn.execute(
                f"SELECT sha256 FROM candidates WHERE id IN ({_in(group)})", group).fetchall()})
        texts = [r["text"] for r in conn.execute(
            f"SELECT text FROM documents WHERE sha256 IN ({_in(hashes)})", hashes).fetchall()]
        # Pairs hold the resume's full text; compare it as text, whitespace folded.
        folded = {" ".join(t.split()) for t in texts}
        pair_ids = [int(r["id"]) for r in conn.execute("SELECT id, resume FROM pairs").fetchall()
                    if " ".join(r["resume"].split()) in folded]
        for table, sql, params in [
            ("candidate_categories", f"DELETE FROM candidate_categories WHERE candidate_id"
                                     f" IN ({_in(group)})", group),
            ("candidate_notes", f"DELETE FROM candidate_notes WHERE candidate_id IN"
                                f" ({_in(group)})", group),
            ("opening_candidates", f"DELETE FROM opening_candidates WHERE candidate_id IN"
                                   f" ({_in(group)})", group),
            ("field_corrections", f"DELETE FROM field_corrections WHERE candidate_id IN"
                                  f" ({_in(group)})", group),
            ("extracted_fields", f"DELETE FROM extracted_fields WHERE sha256 IN"
                                 f" ({_in(hashes)})", hashes),
            ("shortlist", f"DELETE FROM shortlist WHERE resume_sha256 IN ({_in(hashes)})",
             hashes),
            ("embeddings", f"DELETE FROM embeddings WHERE sha256 IN ({_in(hashes)})", hashes),
            ("documents", f"DELETE FROM documents WHERE sha256 IN ({_in(hashes)})", hashes),
            ("pairs", f"DELETE FROM pairs WHERE id IN ({_in(pair_ids)})", pair_ids),
        ]:
            deleted[table] = conn.execute(sql, params).rowcount if params else 0
        derived = sorted(set(derived_hashes) - set(hashes))
        count = 0
        for start in range(0, len(derived), 500):
            batch = derived[start:start + 500]
            count += conn.execute(f"DELETE FROM embeddings WHERE sha256 IN ({_in(batch)})",
                                  batch).rowcount
        deleted["phrase_embeddings"] = count
        if pair_ids:
            conn.execute("UPDATE datasets SET n_rows = (SELECT COUNT(*) FROM pairs"
                         " WHERE pairs.dataset_id = datasets.id)")
        conn.execute(f"UPDATE candidates SET duplicate_of = NULL, duplicate_reason = '',"
                     f" duplicate_status = '' WHERE duplicate_of IN ({_in(group)})", group)
        conn.execute(f"UPDATE candidates SET merged_into = NULL WHERE merged_into IN"
                     f" ({_in(group)}) AND id NOT IN ({_in(group)})", group + group)
        deleted["candidate_documents"] = conn.execute(
            f"DELETE FROM candidate_documents WHERE candidate_id IN ({_in(group)})"
            f" OR sha256 IN ({_in(hashes)})", group + hashes).rowcount
        conn.execute(f"UPDATE candidates SET merged_into = NULL WHERE id IN ({_in(group)})",
                     group)
        deleted["candidates"] = conn.execute(
            f"DELETE FROM candidates WHERE id IN ({_in(group)})", group).rowcount
        _bump_pool_version(conn)
        _bump_erasure_version(conn)
    store.audit(session, "erase_candidate", documents=hashes,
                detail={"candidate": candidate_id, "merged": group[1:],
                        "deleted": {k: v for k, v in deleted.items() if v}})
    if compact:
        store.compact([*CANDIDATE_TABLES, *POOL_TABLES, "pairs"])
    return CandidateErasure(candidate_id, hashes, {k: v for k, v in deleted.items() if v})
