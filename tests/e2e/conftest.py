"""End-to-end fixtures: a real `streamlit run` server and Debian's headless Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, AppServer

pytestmark = pytest.mark.e2e
# auto (the default) would export in the background: a test opts in with its own env.
TEST_ENV = {"RESUMATCH_BACKEND": "torch"}


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright launches Debian's Chromium (Playwright cannot download one here)."""
    return {"executable_path": CHROMIUM, "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000},
            "accept_downloads": True}


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A running app shared by the tests of one module (fresh data directory)."""
    server = AppServer(tmp_path_factory.mktemp("app") / "data", TEST_ENV)
    yield server
    server.stop()


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator[Callable[..., AppServer]]:
    """Start extra servers with custom environment; all are stopped after the test."""
    servers: list[AppServer] = []

    def start(env: dict[str, str] | None = None, data_dir: Path | None = None) -> AppServer:
        server = AppServer(data_dir or tmp_path / f"data{len(servers)}",
                           {**TEST_ENV, **(env or {})})
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
