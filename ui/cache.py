"""The one home of Streamlit caching: settings, store, registry and loaded encoders."""

from __future__ import annotations

import streamlit as st

from resumatch.config import Settings
from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder, Encoder
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.pipeline import load_encoder, open_registry, open_store
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


def clear_model_cache() -> None:
    """Drop loaded encoders, e.g. after a promotion, so pages score with the new model."""
    _encoder.clear()
