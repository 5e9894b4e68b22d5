"""Page tests run the app in the pytest process: no background model warm-up there (its
thread would outlive each test and compete with the next one for the CPU)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESUMATCH_WARM_UP", "0")
