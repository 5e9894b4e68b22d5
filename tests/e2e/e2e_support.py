"""Helpers the browser tests import (``from e2e_support import ...``)."""

from __future__ import annotations

import time

ADMIN_PASSWORD = "e2e-secret"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is connected and Streamlit finished the current script run."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=timeout_ms)


def choose(page, key: str, option: str, timeout_ms: int = 60_000) -> None:
    """Pick ``option`` in the selectbox with widget key ``key``, retrying when a rerun
    replaces the widget under the pointer (the list then closes before the click)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        wait_for_app(page, timeout_ms)
        # During a rerun Streamlit can keep the previous element, marked stale, next to
        # the new one.
        box = page.locator(f".st-key-{key}:not([data-stale='true'])").get_by_role("combobox")
        try:
            box.click(timeout=5_000)
            box.fill(option, timeout=5_000)  # typing filters the list and opens it
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            expect(box).to_have_value(option, timeout=5_000)
            break
        except (PlaywrightTimeout, AssertionError):
            if time.monotonic() > deadline:
                raise
            page.keyboard.press("Escape")
    wait_for_app(page, timeout_ms)
