"""The admin flow in headless Chromium: the page is closed by URL until sign-in; then
upload the sample pairs, fine-tune one epoch, read the evaluation, promote, and see the
new version named on the Match page."""

from __future__ import annotations

import re

import pytest
from e2e_support import open_admin_page, sign_in, wait_for_app
from playwright.sync_api import Page, expect

from tests.conftest import ASSETS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRAIN_TIMEOUT_MS = 420_000  # a separate process loads the model, trains, evaluates twice
APP_TIMEOUT_MS = 120_000


def admin_is_closed(page: Page) -> None:
    """Nothing of the admin page is rendered: no pairs upload, no training, no versions."""
    match_page = page.get_by_role("heading", name="Match resumes to jobs")
    refused = page.get_by_text("Sign in with the admin password in the sidebar.")
    expect(match_page.or_(refused)).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)
    for text in ("Labeled pairs", "Fine-tune", "Model versions"):
        expect(page.get_by_text(text, exact=True)).to_have_count(0)
    expect(page.locator(".st-key-pairs_file")).to_have_count(0)


def test_admin_url_is_closed_without_the_password(app_server, page: Page) -> None:
    # The very first request of a fresh server: Streamlit may still run a file of the
    # pages/ folder directly (its pre-st.navigation mode); the page refuses by itself.
    page.goto(f"{app_server.url}/admin")
    admin_is_closed(page)
    # Once the router has run, /admin is simply not a route: the Match page opens.
    page.goto(app_server.url)
    admin_is_closed(page)
    page.goto(f"{app_server.url}/admin")
    expect(page.get_by_role("heading", name="Match resumes to jobs")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    admin_is_closed(page)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Admin")).to_have_count(0)


def test_upload_train_evaluate_promote_and_match_with_the_new_version(
        app_server, page: Page) -> None:
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Match resumes to jobs")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)
    sign_in(page)
    open_admin_page(page)
    expect(page.get_by_role("heading", name="Labeled pairs")).to_be_visible()

    # 1. Upload the sample pairs through the browser and store them.
    page.locator(".st-key-pairs_file input[type='file']").set_input_files(
        str(ASSETS / "sample_pairs.csv"))
    accepted = page.get_by_test_id("stMetric").filter(has_text="Accepted")
    expect(accepted).to_contain_text("72", timeout=APP_TIMEOUT_MS)
    page.get_by_role("button", name="Save 72 accepted pairs as a dataset").click()
    expect(page.get_by_text("Stored dataset 'sample_pairs' with 72 pairs.")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)

    # 2. One epoch; the estimate is shown before starting.
    page.get_by_text("Training settings").click()
    epochs = page.locator(".st-key-tp_epochs input")
    epochs.fill("1")
    epochs.press("Enter")
    expect(page.get_by_text(re.compile(r"Estimated training time: about .*\b(\d+) steps"))
           ).to_contain_text("8 steps", timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)
    page.get_by_role("button", name="Train", exact=True).click()

    # 3. Progress is polled from the store until the evaluation appears.
    expect(page.get_by_role("heading", name="Evaluation on held-out pairs")).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)
    expect(page.get_by_test_id("stMetric").filter(has_text="Held-out Spearman")).to_be_visible()
    expect(page.locator(".js-plotly-plot").filter(has_text="held-out pairs")).to_be_visible()
    finished = page.get_by_text(re.compile(r"finished: new version (v[\w-]+)"))
    version_id = re.search(r"new version (v[\w-]+)", finished.inner_text()).group(1)

    # 4. Promote (confirming if the new model is worse on the held-out pairs).
    page.get_by_role("button", name=f"Promote {version_id}").click()
    confirm = page.get_by_role("button", name="Yes, activate it anyway")
    done = page.get_by_text(f"Active model is now {version_id}")
    expect(confirm.or_(done)).to_be_visible(timeout=APP_TIMEOUT_MS)
    for _ in range(3):  # the warning path: confirm (a click during a rerun can be lost)
        if done.count():
            break
        wait_for_app(page, APP_TIMEOUT_MS)
        if confirm.count():
            confirm.click()
        wait_for_app(page, APP_TIMEOUT_MS)
    expect(done).to_be_visible(timeout=APP_TIMEOUT_MS)

    # 5. The Match page scores with it and names it in the sidebar.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Match").click()
    expect(page.get_by_role("heading", name="Match resumes to jobs")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text(version_id,
                                                              timeout=APP_TIMEOUT_MS)
