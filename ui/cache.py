"""The one home of Streamlit caching: settings, store, registry and loaded encoders."""

from __future__ import annotations

import logging
import os
import threading

import streamlit as st

from resumatch.config import Settings
from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder, Encoder
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.pipeline import load_encoder, open_registry, open_store, warm_up
from resumatch.store import Store, store_key


def settings() -> Settings:
    """Settings from the environment, read on every run (cheap, and tests can change it)."""
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def _store(key: str) -> Store:
    return open_store(settings())


def store() -> Store:
    """The configured store, SQLite or PostgreSQL (one per process and database)."""
    return _store(store_key(settings()))


def registry() -> ModelRegistry:
    return open_registry(settings(), store())


def active_version() -> ModelVersion:
    return registry().active()


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def _encoder(version_id: str, path: str, backend: str) -> Encoder:
    # auto not yet decided: torch serves while a thread prepares the faster encoder.
    return load_encoder(registry().get(version_id), settings(), background="thread")


def encoder(version: ModelVersion | None = None) -> Encoder:
    """The encoder for a model version (default: active), loaded once per process."""
    version = version or active_version()
    return _encoder(version.id, str(version.path), settings().backend)


def embedder(version: ModelVersion | None = None) -> Embedder:
    """An embedder over the cached encoder and the store's embedding cache."""
    return Embedder(encoder(version), store(), DEFAULT_CHUNKING)


@st.cache_resource(show_spinner=False)
def _warm_up_thread(version_id: str, backend: str, store_id: str) -> threading.Thread:
    def run(encoder: Encoder, store: Store) -> None:
        try:
            warm_up(encoder, store)
        except Exception:  # the first ranking loads the model again and shows the error
            logging.getLogger(__name__).warning("model warm-up failed", exc_info=True)

    # The encoder object is the cached one, so the ranking uses the model loaded here
    # (a ranking that starts meanwhile waits on the encoder's own lock, never loads twice).
    thread = threading.Thread(target=run, args=(encoder(), store()), daemon=True,
                              name="resumatch-warm-up")
    thread.start()
    return thread


def start_warm_up() -> None:
    """Load the active model and do the ranking's fixed work in a background thread, once
    per process and model version (:func:`resumatch.pipeline.warm_up`): the first ranking
    then does not wait for the model. Returns at once. ``RESUMATCH_WARM_UP=0`` turns it
    off (the in-process page tests do: a model thread there outlives each test)."""
    if os.environ.get("RESUMATCH_WARM_UP", "1").strip() == "0":
        return
    _warm_up_thread(active_version().id, settings().backend, store_key(settings()))


def clear_model_cache() -> None:
    """Drop loaded encoders, e.g. after a promotion, so pages score with the new model."""
    _encoder.clear()
