"""Bulk reading and embedding on Ray Data: tasks read batches of files with
``read_files``, and an actor per worker loads the model once and embeds batches of
documents with :func:`resumatch.scale.units.embed_units`.

This is Ray Data's documented pattern for model inference: a callable class whose
``__init__`` loads the model and whose ``__call__`` maps a batch, passed to
``Dataset.map_batches`` with an actor pool (``compute=ActorPoolStrategy(size=N)``, which
replaces the ``concurrency=N`` argument deprecated in Ray 2.51). Execution is lazy: the
driver runs it by iterating the result (``iter_batches``), block by block as actors finish,
and writes each block to the store itself. Actors never open the store.

The same code runs on this machine and on a cluster; only ``ray.init`` differs:

- no address (and no ``RAY_ADDRESS``): a private Ray instance on this machine with
  ``num_cpus`` = this process's cores, no dashboard, stopped when the job ends;
- an address (``--ray-address`` or ``RAY_ADDRESS``, e.g. ``ray://head:10001`` or
  ``head:6379``): join that cluster; this package is shipped to the workers with the job
  (``runtime_env`` ``py_modules``), the workers need the same ``requirements.txt``
  installed, and a fine-tuned version's files must be readable at the same path
  (``RESUMATCH_MODELS_DIR`` on a shared mount, as for several app servers).

Reading runs as stateless tasks (``map_batches`` with a function), one CPU each, on
paths every worker can open (this machine; on a cluster, shared storage mounted at the
same path). The driver collects the texts: it dedupes them, checks the cache and adds
the new ones to the pool.

Documents go to Ray in waves (``WAVE_DOCS``) so the object store holds one wave of text,
not the whole folder; each wave starts its actor pool anew (one model load per actor).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from resumatch.embed.embedding import cpu_cores
from resumatch.ingest.documents import Document, ReadError, read_files
from resumatch.scale.engine import READ_BATCH_FILES, EncoderSpec, EngineError, batched
from resumatch.scale.units import CacheEntry, embed_units

BATCH_DOCS = 16  # documents per actor call: one output block, one progress step
WAVE_DOCS = 20_000  # documents per Ray dataset (the object store holds one wave)
MIN_DOCS_PER_ACTOR_WAVE = 400  # a wave keeps each actor busy far longer than its load
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # resumatch/
# The worker processes' environment: offline model hub, quiet OpenMP waits (must be set
# before torch loads), no tokenizer threads of their own.
WORKER_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
              "OMP_WAIT_POLICY": "PASSIVE", "TOKENIZERS_PARALLELISM": "false"}


class EmbedActor:
    """The ``map_batches`` class: one per Ray actor, the model loaded once.

    Args:
        spec: the encoder to load (the serving backend of a version).
        threads: torch threads, the actor's CPU share.

    ``__call__`` takes a numpy batch with a ``text`` column (one document per row) and
    returns one row per cache entry (see :func:`entries_to_columns`).
    """

    def __init__(self, spec: EncoderSpec, threads: int = 1) -> None:
        self.encoder = spec.load(threads)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        docs = [Document("", str(text)) for text in batch["text"]]
        return entries_to_columns(embed_units(self.encoder, docs))


def read_batch(batch: dict[str, np.ndarray], max_bytes: int | None = None,
               ) -> dict[str, np.ndarray]:
    """The ``map_batches`` function of the read stage: ``read_files`` on a batch of paths.

    Returns one row per document or read error: ``index`` (the file's position in the
    job, for a stable order), ``name``, ``text``, ``source``, ``reason`` (empty for a
    document), ``reading`` (JSON of how it was read: notes, parts, hidden words, OCR) and
    ``files`` (the batch's file count on its first row, else 0).
    """
    rows: list[tuple[int, str, str, str, str, str]] = []
    for index, path in zip(batch["index"], batch["path"], strict=True):
        docs, errors = read_files([str(path)], max_bytes)
        rows += [(int(index), d.name, d.text, d.source, "", json.dumps(
            {"notes": d.notes, "parts": d.parts, "hidden_words": d.hidden_words,
             "ocr": d.ocr})) for d in docs]
        rows += [(int(index), "", "", e.source, e.reason, "{}") for e in errors]
    files = np.zeros(len(rows), dtype=np.int64)
    if rows:
        files[0] = len(batch["path"])
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), (), ()]
    return {"index": np.array(columns[0], dtype=np.int64),
            "name": np.array(columns[1], dtype=object),
            "text": np.array(columns[2], dtype=object),
            "source": np.array(columns[3], dtype=object),
            "reason": np.array(columns[4], dtype=object),
            "reading": np.array(columns[5], dtype=object),
            "files": files}


def entries_to_columns(entries: list[CacheEntry]) -> dict[str, np.ndarray]:
    """Cache entries as Ray Data columns (vectors as float32 bytes, spans as JSON)."""
    return {
        "sha256": np.array([e.sha256 for e in entries], dtype=object),
        "key": np.array([e.key for e in entries], dtype=object),
        "n_chunks": np.array([e.vectors.shape[0] for e in entries], dtype=np.int64),
        "dim": np.array([e.vectors.shape[1] for e in entries], dtype=np.int64),
        "spans": np.array([json.dumps(e.spans) for e in entries], dtype=object),
        "vectors": np.array([np.ascontiguousarray(e.vectors, dtype=np.float32).tobytes()
                             for e in entries], dtype=object),
    }


def columns_to_entries(batch: dict[str, np.ndarray]) -> list[CacheEntry]:
    """The inverse of :func:`entries_to_columns`."""
    entries = []
    for sha, key, n, dim, spans, blob in zip(batch["sha256"], batch["key"], batch["n_chunks"],
                                             batch["dim"], batch["spans"], batch["vectors"],
                                             strict=True):
        vectors = np.frombuffer(bytes(blob), dtype=np.float32).reshape(int(n), int(dim))
        entries.append(CacheEntry(str(sha), str(key), vectors,
                                  [(int(a), int(b)) for a, b in json.loads(str(spans))]))
    return entries


class RayEngine:
    """Embeds on Ray Data with a pool of :class:`EmbedActor`.

    Args:
        address: a Ray cluster to join; ``None`` reads ``RAY_ADDRESS``, and without it a
            private local instance is started.
        actors: actors in the pool (default: the cluster's CPUs / ``cpus_per_actor``).
        cpus_per_actor: CPUs each actor reserves and uses as torch threads (default 1).
        num_cpus: CPUs of a local instance (default: this process's cores).
        batch_docs: documents per actor call.

    Example:
        >>> with RayEngine(actors=2) as engine:  # doctest: +SKIP
        ...     for entries in engine.embed(spec, docs):
        ...         write_units(store, spec.model_id, entries)
    """

    name = "ray"

    def __init__(self, address: str | None = None, actors: int | None = None,
                 cpus_per_actor: int | None = None, num_cpus: int | None = None,
                 batch_docs: int = BATCH_DOCS, wave_docs: int = WAVE_DOCS) -> None:
        self.address = (address or os.environ.get("RAY_ADDRESS", "")).strip() or None
        if actors is not None and actors < 1:
            raise ValueError("actors must be at least 1")
        if cpus_per_actor is not None and cpus_per_actor < 1:
            raise ValueError("cpus per actor must be at least 1")
        self.requested_actors = actors
        self.cpus_per_actor = cpus_per_actor or 1
        self.num_cpus = num_cpus
        self.batch_docs = batch_docs
        self.wave_docs = wave_docs
        self.actors = actors or 1
        self.cluster_cpus = 0
        self._owned = False  # this engine started Ray (and stops it)
        self._started = False

    # -- start and stop ------------------------------------------------------------------
    def __enter__(self) -> RayEngine:
        try:
            import ray  # noqa: F401
            import ray.data  # noqa: F401
        except ImportError as err:
            raise EngineError(f"--engine ray needs Ray Data (pip install 'ray[data]'): {err}"
                              ) from err
        return self

    def start(self) -> None:
        """Start or join Ray (done on the first wave: a job with nothing to embed never
        starts Ray).

        Raises:
            EngineError: Ray could not start, or the cluster could not be reached.
        """
        import ray
        import ray.data

        if self._started:
            return
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if not ray.is_initialized():
            # ray.init replaces SIGTERM's handler with sys.exit; a job's own handler (stop
            # cleanly, keep what was written) is put back below.
            main = threading.current_thread() is threading.main_thread()
            previous = signal.getsignal(signal.SIGTERM) if main else None
            try:
                if self.address:
                    ray.init(address=self.address, log_to_driver=False,
                             logging_level=logging.WARNING,
                             runtime_env={"py_modules": [str(PACKAGE_DIR)],
                                          "env_vars": WORKER_ENV})
                else:
                    cpus = self.num_cpus or cpu_cores()
                    # Workers import this very checkout of resumatch, not another install.
                    path = os.pathsep.join(p for p in (str(PACKAGE_DIR.parent),
                                                       os.environ.get("PYTHONPATH")) if p)
                    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
                             logging_level=logging.WARNING,
                             runtime_env={"env_vars": {**WORKER_ENV, "PYTHONPATH": path}})
            except Exception as err:  # ConnectionError, TimeoutError, RuntimeError, ...
                if not self.address:
                    raise EngineError(f"could not start Ray on this machine: {err}") from err
                cause = f" ({err.__cause__})" if err.__cause__ else ""
                hint = ("" if os.environ.get("RAY_AUTH_MODE") == "token" else
                        "; a cluster with token authentication (Ray's default for clusters "
                        "it starts) needs RAY_AUTH_MODE=token and its token in "
                        "RAY_AUTH_TOKEN or ~/.ray/auth_token")
                raise EngineError(f"could not join the Ray cluster at {self.address}: "
                                  f"{err}{cause[:300]}{hint}") from err
            finally:
                if main and previous is not None:
                    signal.signal(signal.SIGTERM, previous)
            self._owned = True
        self._started = True
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the caller shows progress (tqdm, the store)
        self.cluster_cpus = int(ray.cluster_resources().get("CPU", 0))
        self.actors = self.requested_actors or max(self.cluster_cpus // self.cpus_per_actor, 1)

    def __exit__(self, *exc: object) -> None:
        import ray

        if self._owned and ray.is_initialized():
            ray.shutdown()  # stops a local instance; only disconnects from a cluster
        self._owned = self._started = False

    def describe(self) -> str:
        where = self.address or "local"
        if not self._started:
            return f"ray ({where}, started on first use)"
        return (f"ray ({self.actors} actor(s) x {self.cpus_per_actor} CPU, {where}, "
                f"{self.cluster_cpus} CPUs)")

    # -- work ------------------------------------------------------------------------------
    def read(self, files: Sequence[str], max_bytes: int | None = None,
             ) -> Iterator[tuple[int, list[Document], list[ReadError]]]:
        """Read files in Ray tasks (one CPU each), ``READ_BATCH_FILES`` per task."""
        import ray.data

        if not files:
            return
        self.start()
        dataset = ray.data.from_items([{"index": i, "path": str(path)}
                                       for i, path in enumerate(files)])
        read = dataset.map_batches(read_batch, fn_kwargs={"max_bytes": max_bytes},
                                   batch_size=READ_BATCH_FILES, num_cpus=1,
                                   batch_format="numpy")
        reported = 0
        # In file order, as read_files returns them: the driver's dedupe keeps the first
        # copy of a text and numbers repeated names in that order.
        options = ray.data.DataContext.get_current().execution_options
        ordered, options.preserve_order = options.preserve_order, True
        try:
            for batch in read.iter_batches(batch_size=None, batch_format="numpy"):
                docs, errors = [], []
                for name, text, source, reason, reading in zip(
                        batch["name"], batch["text"], batch["source"], batch["reason"],
                        batch["reading"], strict=True):
                    if reason:
                        errors.append(ReadError(str(source), str(reason)))
                    else:
                        how = json.loads(str(reading))
                        docs.append(Document(
                            str(name), str(text), str(source), tuple(how.get("notes", ())),
                            tuple(how.get("parts", ())), int(how.get("hidden_words", 0)),
                            bool(how.get("ocr", False))))
                count = int(batch["files"].sum())
                reported += count
                yield count, docs, errors
        finally:
            options.preserve_order = ordered
        if reported < len(files):  # files that gave neither a document nor an error
            yield len(files) - reported, [], []

    def _waves(self, docs: Iterable[Document]) -> Iterator[list[Document]]:
        iterator = iter(docs)
        first = list(islice(iterator, self.wave_docs))
        if not first:
            return
        self.start()
        wave = max(self.wave_docs, self.actors * MIN_DOCS_PER_ACTOR_WAVE)
        first += list(islice(iterator, wave - len(first)))
        yield first
        yield from batched(iterator, wave)

    def embed(self, spec: EncoderSpec, docs: Iterable[Document]) -> Iterator[list[CacheEntry]]:
        import ray.data

        for chunk in self._waves(docs):
            dataset = ray.data.from_items([{"text": doc.text} for doc in chunk])
            embedded = dataset.map_batches(
                EmbedActor,
                fn_constructor_kwargs={"spec": spec, "threads": self.cpus_per_actor},
                compute=ray.data.ActorPoolStrategy(size=self.actors),
                num_cpus=self.cpus_per_actor, batch_size=self.batch_docs,
                batch_format="numpy")
            # Lazy until here: iterating runs the plan and streams each block back.
            for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
                yield columns_to_entries(batch)
