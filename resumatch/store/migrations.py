"""The one list of schema migrations, shared by the SQLite and the PostgreSQL store.

Entry ``i`` migrates the schema from version ``i`` to ``i + 1``. APPEND new entries; never
edit or reorder an old one (a database that has run it will not run it again). SQLite
records its version in ``PRAGMA user_version``, PostgreSQL in the ``schema_migrations``
table (one row per applied entry).

An entry is either

- a string of portable SQL (the SQLite dialect restricted to what PostgreSQL also
  understands: ``CREATE TABLE``, ``CREATE INDEX``, ``ALTER TABLE ... ADD COLUMN`` with the
  types TEXT, INTEGER, REAL, BLOB and ``INTEGER PRIMARY KEY AUTOINCREMENT``). SQLite runs
  it as written; PostgreSQL runs :func:`resumatch.store.dialect.to_postgres` of it. This is
  the form every feature should use, one entry per feature with a comment naming it; or
- a :class:`Migration`, when a step cannot be written portably (triggers, functions): the
  portable part plus the statements each dialect needs on its own.

Example:
    >>> script(MIGRATIONS[0], "postgres").count("DOUBLE PRECISION") > 0
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from resumatch.store.dialect import to_postgres

DIALECTS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Migration:
    """One schema step with dialect-specific statements.

    Attributes:
        sql: portable SQL run by both stores (translated for PostgreSQL).
        sqlite: statements only SQLite runs, after ``sql`` (SQLite dialect, untranslated).
        postgres: statements only PostgreSQL runs, after ``sql`` (PostgreSQL dialect,
            untranslated; run as one script, so dollar-quoted function bodies are fine).
    """

    sql: str
    sqlite: str = ""
    postgres: str = ""


def script(migration: str | Migration, dialect: str) -> str:
    """The SQL one dialect runs for ``migration``.

    Raises:
        ValueError: an unknown dialect.
        resumatch.store.dialect.UnsupportedSQL: the portable part is not portable.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {DIALECTS}")
    step = migration if isinstance(migration, Migration) else Migration(migration)
    if dialect == "sqlite":
        return "\n".join(part for part in (step.sql, step.sqlite) if part.strip())
    return "\n".join(part for part in (to_postgres(step.sql, with_params=False),
                                       step.postgres) if part.strip())


MIGRATIONS: list[str | Migration] = [
    # 1: the initial schema. The audit log is append-only: a trigger in each dialect
    # refuses UPDATE and DELETE (and, in PostgreSQL, TRUNCATE).
    Migration(
        sql="""
    CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE TABLE embeddings (
        sha256 TEXT NOT NULL,
        model_id TEXT NOT NULL,
        chunking TEXT NOT NULL,
        dim INTEGER NOT NULL,
        n_chunks INTEGER NOT NULL,
        spans TEXT NOT NULL,
        chunk_vectors BLOB NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (sha256, model_id, chunking)
    );
    CREATE TABLE datasets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        created REAL NOT NULL,
        n_rows INTEGER NOT NULL
    );
    CREATE TABLE pairs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        resume TEXT NOT NULL,
        job TEXT NOT NULL,
        label REAL NOT NULL
    );
    CREATE TABLE model_versions (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        created REAL NOT NULL,
        parent TEXT,
        dataset TEXT,
        n_rows INTEGER,
        params TEXT NOT NULL DEFAULT '{}',
        metrics TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        dataset_id INTEGER,
        params TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        pid INTEGER,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        total_steps INTEGER NOT NULL DEFAULT 0,
        epoch REAL NOT NULL DEFAULT 0,
        loss REAL,
        eta_s REAL,
        message TEXT NOT NULL DEFAULT '',
        version_id TEXT,
        metrics TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE shortlist (
        job_sha256 TEXT NOT NULL,
        job_name TEXT NOT NULL,
        resume_sha256 TEXT NOT NULL,
        resume_name TEXT NOT NULL,
        score REAL,
        fit REAL,
        evidence TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        PRIMARY KEY (job_sha256, resume_sha256)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL,
        session TEXT NOT NULL,
        action TEXT NOT NULL,
        model_id TEXT,
        documents TEXT NOT NULL DEFAULT '[]',
        detail TEXT NOT NULL DEFAULT '{}'
    );
    """,
        sqlite="""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
        postgres="""
    CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'restrict_violation';
    END;
    $$;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_append_only();
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
    """,
    ),
    # Openings and the talent pool (issue 12): openings; candidates and the documents they
    # own (their history, newest text is ``candidates.sha256``); extracted fields and a
    # recruiter's corrections; per-opening workflow (stage, rating, last fit) and notes;
    # possible-duplicate links and merges. The shortlist's rows become the "screen" stage
    # of an opening per job (then the old table is emptied; it is kept for older tools).
    """
    CREATE TABLE openings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        job_sha256 TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'open',
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE candidates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        person_name TEXT NOT NULL DEFAULT '',
        duplicate_of INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
        duplicate_reason TEXT NOT NULL DEFAULT '',
        duplicate_status TEXT NOT NULL DEFAULT '',
        merged_into INTEGER REFERENCES candidates(id) ON DELETE SET NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE INDEX candidates_sha256 ON candidates (sha256);
    CREATE INDEX candidates_email ON candidates (email);
    CREATE INDEX candidates_phone ON candidates (phone);
    CREATE INDEX candidates_person_name ON candidates (person_name);
    CREATE TABLE candidate_documents (
        sha256 TEXT PRIMARY KEY,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        added REAL NOT NULL,
        merged_from INTEGER
    );
    CREATE INDEX candidate_documents_candidate ON candidate_documents (candidate_id);
    CREATE TABLE extracted_fields (
        sha256 TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        passage TEXT NOT NULL DEFAULT '',
        start_char INTEGER,
        end_char INTEGER,
        extractor TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (sha256, field)
    );
    CREATE TABLE field_corrections (
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        session TEXT NOT NULL,
        created REAL NOT NULL,
        PRIMARY KEY (candidate_id, field)
    );
    CREATE TABLE opening_candidates (
        opening_id INTEGER NOT NULL REFERENCES openings(id) ON DELETE CASCADE,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        stage TEXT NOT NULL DEFAULT 'new',
        rating INTEGER,
        score REAL,
        fit REAL,
        model_id TEXT,
        evidence TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (opening_id, candidate_id)
    );
    CREATE INDEX opening_candidates_candidate ON opening_candidates (candidate_id);
    CREATE TABLE candidate_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        opening_id INTEGER REFERENCES openings(id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        session TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX candidate_notes_candidate ON candidate_notes (candidate_id);
    INSERT INTO openings (name, text, job_sha256, status, created, updated)
        SELECT MIN(s.job_name), COALESCE(MIN(d.text), ''), s.job_sha256, 'open',
               MIN(s.created), MAX(s.created)
        FROM shortlist s LEFT JOIN documents d ON d.sha256 = s.job_sha256
        GROUP BY s.job_sha256;
    INSERT INTO candidates (name, sha256, source, created, updated)
        SELECT MIN(s.resume_name), s.resume_sha256, 'shortlist', MIN(s.created),
               MAX(s.created)
        FROM shortlist s GROUP BY s.resume_sha256;
    INSERT INTO candidate_documents (sha256, candidate_id, name, source, added)
        SELECT c.sha256, c.id, c.name, c.source, c.created FROM candidates c;
    INSERT INTO opening_candidates (opening_id, candidate_id, stage, score, fit, evidence,
                                    created, updated)
        SELECT o.id, c.id, 'screen', s.score, s.fit, s.evidence, s.created, s.created
        FROM shortlist s
        JOIN openings o ON o.job_sha256 = s.job_sha256
        JOIN candidates c ON c.sha256 = s.resume_sha256;
    DELETE FROM shortlist;
    """,
    # Bias audit (issue 15): each candidate's self-reported sex and race/ethnicity (EEO-1
    # categories, or "declined"), uploaded by an admin for impact-ratio reports. A table of
    # its own, apart from resumes: ranking and embedding never read it. Deleted with the
    # candidate (resumatch.store.purge).
    """
    CREATE TABLE candidate_categories (
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        sex TEXT NOT NULL,
        race_ethnicity TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        session TEXT NOT NULL DEFAULT '',
        updated REAL NOT NULL,
        PRIMARY KEY (candidate_id)
    );
    """,
    # Requirement marks (issue 11): must-have / nice-to-have / ignore per job, keyed by
    # the job text's sha256 and the requirement as the splitter wrote it. Only marks a
    # recruiter set are stored; the rest follow the job's wording (resumatch.rank.marks).
    """
    CREATE TABLE requirement_marks (
        job_sha256 TEXT NOT NULL,
        requirement TEXT NOT NULL,
        mark TEXT NOT NULL,
        updated REAL NOT NULL,
        PRIMARY KEY (job_sha256, requirement)
    );
    """,
    # Bulk ingest and re-embedding jobs (issue 13, resumatch.scale): one row per job, an
    # ingest of files into the pool or a re-embed of the pool for a model version. The
    # job's process writes its progress here, so every app server shows it and can cancel
    # it (like training runs). ``errors`` is a JSON list of [file, reason] (the first 500;
    # file names only, no document text).
    """
    CREATE TABLE scale_jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL,
        host TEXT NOT NULL DEFAULT '',
        pid INTEGER,
        engine TEXT NOT NULL DEFAULT 'local',
        model_id TEXT,
        total INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        rate REAL,
        eta_s REAL,
        message TEXT NOT NULL DEFAULT '',
        errors TEXT NOT NULL DEFAULT '[]',
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE INDEX scale_jobs_created ON scale_jobs (created);
    """,
]
