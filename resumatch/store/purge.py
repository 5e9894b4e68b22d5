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

Example:
    >>> import tempfile, pathlib
    >>> from resumatch.store import Store
    >>> report = purge_candidate_data(Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite3"))
    >>> report.total_deleted
    0
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
        labels = {**CANDIDATE_TABLES, **TRAINING_TABLES, **KEPT_TABLES}
        out = [f"deleted {count} {labels[table]}" for table, count in self.deleted.items()]
        out += [f"kept {count} {labels[table]}" for table, count in self.kept.items()]
        return out


def count_candidate_data(store: Store, include_training_data: bool = True) -> dict[str, int]:
    """Rows a purge would delete, by table (for a confirmation prompt)."""
    tables = {**CANDIDATE_TABLES, **(TRAINING_TABLES if include_training_data else {})}
    return {table: store.count(table) for table in tables}


def purge_candidate_data(store: Store, include_training_data: bool = True,
                         session: str = "cli") -> PurgeReport:
    """Delete every stored document, embedding, shortlist row and (by default) labeled pair.

    Runs in one transaction, so a concurrent ranking sees all or nothing; then the file
    is compacted so deleted text does not linger in free pages or the write-ahead log.
    Appends one ``purge`` row (counts only) to the audit log.
    """
    tables = [*CANDIDATE_TABLES, *(TRAINING_TABLES if include_training_data else {})]
    deleted = store.delete_all_rows(tables)
    kept_tables = [*KEPT_TABLES, *([] if include_training_data else TRAINING_TABLES)]
    store.audit(session, "purge", detail={"deleted": deleted,
                                          "training_data": include_training_data})
    store.compact(tables)
    kept = {table: store.count(table) for table in kept_tables}
    return PurgeReport(deleted=deleted, kept=kept)

