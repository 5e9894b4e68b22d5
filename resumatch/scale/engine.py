"""Where bulk embedding runs: in this process (``local``) or on Ray (``ray``).

An engine does the two expensive steps of a bulk job: it **reads** files into documents
(``resumatch.ingest.documents.read_files`` on batches of files, so a PDF's layout analysis
runs where the engine runs) and it **embeds** documents into cache entries
(``resumatch.scale.units.embed_units``), yielding batches as they are done. The driver
(``resumatch.scale.bulk``, ``resumatch.scale.jobs``) dedupes, checks the cache, and writes
to the store. Engines never open the store: on a Ray cluster the store may be a SQLite
file on the driver's disk.

What an engine loads is an :class:`EncoderSpec`: the model version and the backend that
serves it (``auto``'s choice already made by the driver, exports already written), so a
Ray worker builds the very encoder an app server ranks with, under the same model id.

Example:
    >>> spec = encoder_spec(settings, store, registry.active())  # doctest: +SKIP
    >>> with make_engine("local") as engine:  # doctest: +SKIP
    ...     for entries in engine.embed(spec, docs):
    ...         write_units(store, spec.model_id, entries)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from resumatch.config import Settings
from resumatch.embed.backends import (
    AUTO,
    TORCH,
    load_backend,
    model_id_for,
    serving_encoder,
    stored_decision,
)
from resumatch.embed.embedding import Encoder, base_model_path
from resumatch.embed.registry import BASE_ID, ModelVersion
from resumatch.ingest.documents import Document, ReadError, read_files
from resumatch.scale.units import CacheEntry, embed_units
from resumatch.store import Store

ENGINES = ("local", "ray")
READ_BATCH_FILES = 20  # files per read step: a progress step, a Ray task
# Documents per local batch: large enough that the length-sorted encoder batches fill up,
# small enough that progress moves and a cancel is answered within seconds.
LOCAL_BATCH_DOCS = 32


class EngineError(RuntimeError):
    """An engine that cannot start (Ray missing, a cluster unreachable); the message says
    what to do."""


@dataclass(frozen=True)
class EncoderSpec:
    """Everything a worker needs to load the encoder that serves a model version.

    Picklable and small: it is shipped to every Ray actor. ``backend`` is the backend
    actually serving (never ``auto``), ``model_id`` the cache key its vectors go under
    (``resumatch.embed.backends.model_id_for``), ``models_dir`` the root of the backend
    exports (shared by all servers, so also readable by Ray workers on a shared mount).
    """

    version_id: str
    path: str
    backend: str
    models_dir: str
    model_id: str

    def load(self, threads: int | None = None) -> Encoder:
        """Load the encoder (once per worker). ``threads`` caps torch's intra-op threads
        to the worker's CPU share (default: every core of the machine).

        Raises:
            resumatch.embed.backends.BackendError: the export could not be loaded.
        """
        # The base model ships in a package: each machine finds its own copy.
        path = base_model_path() if self.version_id == BASE_ID else Path(self.path)
        encoder = load_backend(ModelVersion(self.version_id, path, 0.0), self.backend,
                               Path(self.models_dir))
        if threads:
            import torch

            torch.set_num_threads(max(int(threads), 1))
        return encoder


def encoder_spec(settings: Settings, store: Store, version: ModelVersion) -> EncoderSpec:
    """The spec of the encoder ``settings.backend`` serves ``version`` with.

    Makes the slow first-use steps here, once, on the driver: ``auto``'s backend check and
    the export of the chosen backend (both reused by every server afterwards). A backend
    that cannot be used falls back to torch, exactly as it does when an app server serves.
    """
    serving = serving_encoder(version, settings.backend, settings.models_dir, store)
    backend = serving.prepare().serving or TORCH
    return EncoderSpec(version.id, str(version.path), backend, str(settings.models_dir),
                       model_id_for(version.id, backend))


def planned_model_id(settings: Settings, store: Store, version: ModelVersion) -> str | None:
    """The cache key a job for ``version`` would write under, without loading or checking
    anything; ``None`` while ``auto`` has not chosen a backend for the version yet."""
    if settings.backend != AUTO:
        return model_id_for(version.id, settings.backend)
    decision = stored_decision(store, version.id)
    return model_id_for(version.id, decision.chosen) if decision is not None else None


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Engine(Protocol):
    """Embeds documents somewhere; used as a context manager (starts and stops)."""

    name: str

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...

    def read(self, files: Sequence[str], max_bytes: int | None = None,
             ) -> Iterator[tuple[int, list[Document], list[ReadError]]]:
        """Read ``files`` (paths the engine's workers can open) in batches, any order:
        ``(files in the batch, documents, read errors)``, as ``read_files`` returns them."""
        ...

    def embed(self, spec: EncoderSpec, docs: Iterable[Document]) -> Iterator[list[CacheEntry]]:
        """Cache entries of ``docs`` in batches, as soon as each batch is done (any
        order); every document's entries come in one batch."""
        ...

    def describe(self) -> str:
        """One line for logs and progress, e.g. ``ray (2 actors x 1 CPU, local)``."""
        ...


class LocalEngine:
    """Embeds in this process, one batch of documents after another.

    Example:
        >>> with LocalEngine() as engine:  # doctest: +SKIP
        ...     batches = list(engine.embed(spec, docs))
    """

    name = "local"

    def __init__(self, batch_docs: int = LOCAL_BATCH_DOCS,
                 encoder: Encoder | None = None) -> None:
        """``encoder``: one already loaded (a test's, an app's) to use for specs of the
        same model id instead of loading the model again."""
        self.batch_docs = batch_docs
        self._encoders: dict[str, Encoder] = {}
        if encoder is not None:
            self._encoders[encoder.model_id] = encoder

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self._encoders.clear()

    def describe(self) -> str:
        return "local (this process)"

    def read(self, files: Sequence[str], max_bytes: int | None = None,
             ) -> Iterator[tuple[int, list[Document], list[ReadError]]]:
        for batch in batched(files, READ_BATCH_FILES):
            docs, errors = read_files(batch, max_bytes)
            yield len(batch), docs, errors

    def embed(self, spec: EncoderSpec, docs: Iterable[Document]) -> Iterator[list[CacheEntry]]:
        encoder = None
        for batch in batched(docs, self.batch_docs):
            if encoder is None:  # nothing to embed: no model load
                if spec.model_id not in self._encoders:
                    self._encoders[spec.model_id] = spec.load()
                encoder = self._encoders[spec.model_id]
            yield embed_units(encoder, batch)


def make_engine(name: str, address: str | None = None, actors: int | None = None,
                cpus_per_actor: int | None = None) -> Engine:
    """The engine called ``name``: ``local``, or ``ray`` (started on this machine, or
    joining the cluster at ``address``).

    Raises:
        ValueError: an unknown engine name, or Ray options for the local engine.
    """
    if name == "local":
        if address:
            raise ValueError("--ray-address needs --engine ray")
        return LocalEngine()
    if name == "ray":
        from resumatch.scale.ray_ingest import RayEngine

        return RayEngine(address=address, actors=actors, cpus_per_actor=cpus_per_actor)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
