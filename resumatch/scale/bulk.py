"""The driver of a bulk job: skip what is cached, embed the rest on an engine, write the
vectors to the store in batches, and add ingested documents to the talent pool.

Two jobs:

- :func:`ingest`: documents (read by ``resumatch.ingest.documents.read_files``) into the
  pool. A document's vectors are written *before* it joins the pool (each batch ends with
  ``resumatch.pool.candidates.add_documents``, which bumps the pool version), so an app
  server that refreshes its in-memory pool mid-ingest finds every new candidate already
  embedded and never embeds one itself.
- :func:`reembed`: every active pool candidate's current text (and every opening) for one
  model version, typically a fine-tuned version before it is promoted, so the first
  search after the promotion is all cache hits.

Both are resumable: documents that already have every unit for the model
(``resumatch.scale.units.missing_units``) are skipped, and what a stopped job wrote stays
written. Only this module (the driver) touches the store; engines only compute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from resumatch.ingest.documents import Document
from resumatch.pool.candidates import AddOutcome, add_documents
from resumatch.pool.changes import bump
from resumatch.scale.engine import EncoderSpec, Engine, batched
from resumatch.scale.units import QUERY_BATCH, CacheEntry, missing_units, unit_keys, write_units
from resumatch.store import Store

WRITE_DOCS = 64  # documents per store write (vectors, then the pool): short transactions
FLUSH_S = 5.0  # ...or sooner, so progress moves on a slow engine


@dataclass
class BulkProgress:
    """Where a bulk job stands; the same fields as a ``scale_jobs`` row.

    Attributes:
        kind: ``ingest`` or ``reembed``.
        model_id: the cache key vectors are written under.
        total: distinct documents in the job.
        skipped: documents that already had every unit for the model (not embedded).
        done: documents embedded and written by this job.
        added: new pool candidates (ingest).
        duplicates: documents whose text was already a pool candidate's (ingest).
        failed: files that could not be read (ingest; counted by the caller).
        rate: documents embedded per second since embedding started.
        eta_s: seconds left at that rate.
    """

    kind: str
    model_id: str
    total: int = 0
    skipped: int = 0
    done: int = 0
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    rate: float | None = None
    eta_s: float | None = None
    message: str = ""
    engine: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def to_embed(self) -> int:
        return max(self.total - self.skipped, 0)

    @property
    def fraction(self) -> float:
        """Share of the job's documents handled (skipped or embedded), 0..1."""
        return min((self.skipped + self.done) / self.total, 1.0) if self.total else 1.0

    def summary(self) -> str:
        """One line: ``120 documents: 20 already embedded, 100 embedded (4.1 docs/s)``."""
        rate = f" ({self.rate:.1f} docs/s)" if self.rate else ""
        text = (f"{self.total} document(s): {self.skipped} already embedded for "
                f"{self.model_id}, {self.done} embedded{rate}")
        if self.kind == "ingest":
            text += (f"; {self.added} added to the pool, {self.duplicates} already in it, "
                     f"{self.failed} unreadable")
        return text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressHook = Callable[[BulkProgress], None]
"""Called after every written batch (and at the start); raising stops the job."""
OutcomesHook = Callable[[list[AddOutcome]], None]


class _Tracker:
    """Feeds documents to an engine and writes what comes back in batches."""

    def __init__(self, store: Store, spec: EncoderSpec, progress: BulkProgress,
                 report: Callable[[], None],
                 on_written: Callable[[list[Document]], None] | None) -> None:
        self.store, self.spec, self.progress = store, spec, progress
        self.report, self.on_written = report, on_written
        self.docs: dict[str, Document] = {}
        self.keys = set(unit_keys())
        self.got: dict[str, set[str]] = {}
        self.pending: list[CacheEntry] = []
        self.started = 0.0
        self.engine: Engine | None = None

    def feed(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            self.docs[doc.sha256] = doc
            yield doc

    def run(self, engine: Engine, docs: Iterable[Document]) -> None:
        self.started = last = time.perf_counter()
        self.engine = engine
        for entries in engine.embed(self.spec, self.feed(docs)):
            self.pending.extend(entries)
            for entry in entries:
                self.got.setdefault(entry.sha256, set()).add(entry.key)
            waiting = len({entry.sha256 for entry in self.pending})
            if waiting >= WRITE_DOCS or time.perf_counter() - last >= FLUSH_S:
                self.flush()
                last = time.perf_counter()
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        write_units(self.store, self.spec.model_id, self.pending)
        shas = dict.fromkeys(entry.sha256 for entry in self.pending)
        self.pending = []
        complete = [self.docs.pop(sha) for sha in shas
                    if sha in self.docs and self.got.get(sha, set()) >= self.keys]
        for doc in complete:
            self.got.pop(doc.sha256, None)
        if complete and self.on_written is not None:
            self.on_written(complete)
        progress = self.progress
        if self.engine is not None:  # Ray knows its actors once started
            progress.engine = self.engine.describe()
        progress.done += len(complete)
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        progress.rate = progress.done / elapsed
        left = progress.to_embed - progress.done
        progress.eta_s = left / progress.rate if progress.rate else None
        progress.message = f"embedding: {progress.done} of {progress.to_embed}"
        self.report()


def _pool_adder(store: Store, progress: BulkProgress, session: str,
                on_outcomes: OutcomesHook | None) -> Callable[[list[Document]], None]:
    def add(docs: list[Document]) -> None:
        for batch in batched(docs, WRITE_DOCS):
            outcomes = add_documents(store, batch, session=session)
            progress.added += sum(o.status != "exact_duplicate" for o in outcomes)
            progress.duplicates += sum(o.status == "exact_duplicate" for o in outcomes)
            if on_outcomes is not None:
                on_outcomes(outcomes)
    return add


def ingest(store: Store, docs: Sequence[Document], spec: EncoderSpec, engine: Engine,
           session: str = "cli", on_progress: ProgressHook | None = None,
           on_outcomes: OutcomesHook | None = None, failed: int = 0) -> BulkProgress:
    """Embed ``docs`` (what is not cached yet) and add them to the talent pool.

    Args:
        store: where vectors, documents and candidates go (written from this process).
        docs: readable documents; repeated texts count once.
        spec: the encoder (``resumatch.scale.engine.encoder_spec``); its ``model_id`` is
            the cache key (normally the active version's).
        engine: an entered engine (``with make_engine(...) as engine``).
        session: named in the audit log rows of the pool additions.
        on_progress: called after each written batch; raise from it to stop the job
            (what was written stays: a rerun skips it).
        on_outcomes: called with each batch's pool outcomes (added, exact or possible
            duplicate), e.g. to print them.
        failed: files the caller could not read (reported in the progress only).

    Returns:
        The final progress (counts of skipped, embedded, added and duplicate documents).
    """
    unique = list({doc.sha256: doc for doc in docs}.values())
    progress = BulkProgress("ingest", spec.model_id, total=len(unique), failed=failed,
                            engine=engine.describe())

    def report() -> None:
        if on_progress is not None:
            on_progress(progress)

    add = _pool_adder(store, progress, session, on_outcomes)
    todo = set(missing_units(store, spec.model_id, [doc.sha256 for doc in unique]))
    ready = [doc for doc in unique if doc.sha256 not in todo]
    progress.skipped = len(ready)
    progress.message = (f"{len(ready)} already embedded for {spec.model_id}; embedding "
                        f"{len(todo)} on {progress.engine}")
    report()
    add(ready)  # embedded before (an earlier run, a ranking): into the pool now
    tracker = _Tracker(store, spec, progress, report, add)
    tracker.run(engine, [doc for doc in unique if doc.sha256 in todo])
    progress.eta_s = 0.0
    progress.message = progress.summary()
    report()
    return progress


def pool_hashes(store: Store) -> list[tuple[str, str]]:
    """(sha256, name) of every active candidate's current text that is stored (the
    candidates a pool search ranks), oldest candidate first."""
    with store.connect(read_only=True) as conn:
        rows = conn.execute(
            "SELECT c.sha256, c.name FROM candidates c WHERE c.merged_into IS NULL AND"
            " EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = c.sha256) ORDER BY c.id"
        ).fetchall()
    return [(row["sha256"], row["name"]) for row in rows]


def _pool_documents(store: Store, wanted: Sequence[tuple[str, str]]) -> Iterator[Document]:
    """Documents for (sha256, name) pairs, their texts read a page at a time."""
    for page in batched(wanted, QUERY_BATCH):
        hashes = [sha for sha, _ in page]
        with store.connect(read_only=True) as conn:
            rows = conn.execute(f"SELECT sha256, text FROM documents WHERE sha256 IN"
                                f" ({','.join('?' * len(hashes))})", hashes).fetchall()
        texts = {row["sha256"]: row["text"] for row in rows}
        for sha, name in page:
            if sha in texts:
                yield Document(name, texts[sha], "pool")


def _opening_documents(store: Store) -> list[Document]:
    with store.connect(read_only=True) as conn:
        rows = conn.execute("SELECT id, name, text FROM openings ORDER BY id").fetchall()
    # As resumatch.pool.openings.Opening.as_document builds them for a pool search.
    return [Document(row["name"], row["text"], f"opening {row['id']}") for row in rows
            if row["text"]]


def reembed(store: Store, spec: EncoderSpec, engine: Engine,
            on_progress: ProgressHook | None = None) -> BulkProgress:
    """Embed the whole pool (and the openings) for ``spec``'s model, skipping what is
    cached; then bump the pool version so every server's in-memory pool reloads.

    Args and the stop rule as for :func:`ingest`.
    """
    openings = _opening_documents(store)
    wanted = pool_hashes(store) + [(doc.sha256, doc.name) for doc in openings]
    wanted = list({sha: (sha, name) for sha, name in wanted}.values())
    todo = set(missing_units(store, spec.model_id, [sha for sha, _ in wanted]))
    progress = BulkProgress("reembed", spec.model_id, total=len(wanted),
                            skipped=len(wanted) - len(todo), engine=engine.describe())

    def report() -> None:
        if on_progress is not None:
            on_progress(progress)

    progress.message = (f"{progress.skipped} already embedded for {spec.model_id}; "
                        f"embedding {len(todo)} on {progress.engine}")
    report()
    opening_texts = {doc.sha256: doc for doc in openings}
    pool_todo = [(sha, name) for sha, name in wanted if sha in todo
                 and sha not in opening_texts]

    def all_docs() -> Iterator[Document]:
        yield from (doc for sha, doc in opening_texts.items() if sha in todo)
        yield from _pool_documents(store, pool_todo)

    _Tracker(store, spec, progress, report, None).run(engine, all_docs())
    if progress.done:  # servers holding this model's pool in memory load the new vectors
        with store.connect() as conn:
            bump(conn)
    progress.eta_s = 0.0
    progress.message = progress.summary()
    report()
    return progress
