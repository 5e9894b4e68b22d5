"""Two ``streamlit run`` servers behind one PostgreSQL database and one models directory,
driven in headless Chromium, as a team runs them:

1. ranking in server A keeps the resumes; server B's pool lists them;
2. A's admin ingests a folder on the server; B follows the job and lists the file it
   could not read, and B's pool has the new candidates;
3. A fine-tunes; B watches the run's progress and sees it finish;
4. B offers to re-embed the pool for the new version before promotion and runs it; A
   follows that job;
5. A promotes the version; B scores with it (the results caption and the sidebar name it).

Each step waits on what the page shows (generous timeouts: two servers, a training
process and a browser share a busy machine); nothing is asserted on time.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from e2e_support import open_admin_page, sign_in, wait_for_app
from fixtures_docs import SAMPLE_RESUMES
from playwright.sync_api import Locator, Page, expect

from tests.conftest import ASSETS

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.slow]

APP_TIMEOUT_MS = 240_000  # a first ranking loads the model in each server
JOB_TIMEOUT_MS = 900_000  # a training or bulk process on a machine shared by many


@pytest.fixture
def shared_database(postgres_server):
    """One fresh schema both servers use; dropped after the servers stop."""
    url = postgres_server.new_schema()
    yield url
    from resumatch.store.postgres import close_pool

    close_pool(url)
    postgres_server.drop_schema(url)


@pytest.fixture
def servers(start_app, shared_database: str, tmp_path: Path):
    env = {"RESUMATCH_DATABASE_URL": shared_database,
           "RESUMATCH_MODELS_DIR": str(tmp_path / "shared-models"),
           "RAY_ADDRESS": ""}
    first = start_app(env, tmp_path / "data-a")  # each server keeps its own data directory
    second = start_app(env, tmp_path / "data-b")
    yield first, second
    for server in (first, second):  # before the schema is dropped
        server.stop()


def keyed(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}:not([data-stale='true'])")


def cells(page: Page, key: str) -> list[str]:
    table = keyed(page, key).get_by_test_id("stDataFrame")
    expect(table.locator("[role='gridcell']").first).to_be_attached(timeout=APP_TIMEOUT_MS)
    return table.locator("[role='gridcell']").all_inner_texts()


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Match resumes to jobs")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)


def open_admin(page: Page, url: str) -> None:
    """A fresh session on ``url`` (a reload is one too), signed in, on the admin page."""
    open_app(page, url)
    sign_in(page, timeout_ms=APP_TIMEOUT_MS // 4)
    open_admin_page(page)
    expect(page.get_by_role("heading", name="Bulk ingest and re-embedding")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)


def pool_count(page: Page, url: str) -> Locator:
    page.goto(f"{url}/pool")
    expect(page.get_by_role("heading", name="Talent pool")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(page, APP_TIMEOUT_MS)
    page.get_by_role("tab", name="All candidates").click()
    return page.get_by_text(re.compile(r"\d+ candidate\(s\) in the pool\."))


def test_two_servers_share_the_pool_jobs_training_and_the_active_model(
        servers, page: Page, tmp_path: Path) -> None:
    first, second = servers
    a = page
    b = page.context.new_page()
    for tab in (a, b):  # clicks wait for reruns of busy servers too
        tab.set_default_timeout(APP_TIMEOUT_MS)

    # 1. Rank in A (the ranked resumes are kept in the pool); B's pool lists them.
    open_app(a, first.url)
    a.get_by_role("button", name="Load sample data").click()
    expect(a.get_by_text("Results — 12 resumes × 4 jobs")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(a, APP_TIMEOUT_MS)
    open_app(b, second.url)
    expect(pool_count(b, second.url)).to_have_text("12 candidate(s) in the pool.",
                                                   timeout=APP_TIMEOUT_MS)
    assert "alice_nguyen_data_engineer" in cells(b, "pool_table")

    # 2. A ingests a folder on the server (a background job); B follows it.
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("alice_nguyen_data_engineer.txt", "grace_kim_icu_registered_nurse.txt"):
        shutil.copy(SAMPLE_RESUMES / name, folder / name)  # already in the pool
    for i, name in enumerate(("ethan_walsh_accountant.txt", "hannah_brooks_hr_generalist.txt")):
        text = (SAMPLE_RESUMES / name).read_text(encoding="utf-8")
        (folder / f"new_{i}.txt").write_text(text + "\n- Volunteer treasurer, 2024\n",
                                             encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    open_admin(a, first.url)
    keyed(a, "scale_ingest_paths").locator("textarea").fill(str(folder))
    a.get_by_role("button", name="Start ingest").click()
    open_admin(b, second.url)  # B shows the job's progress or, once done, its result
    last = b.get_by_text(re.compile(r"Last bulk job, ingest of .*incoming"))
    expect(last).to_contain_text(": done.", timeout=JOB_TIMEOUT_MS)
    expect(last).to_contain_text("2 added to the pool, 2 already in it, 1 unreadable")
    assert "broken.pdf" in cells(b, "scale_errors")
    expect(pool_count(b, second.url)).to_have_text("14 candidate(s) in the pool.",
                                                   timeout=APP_TIMEOUT_MS)

    # 3. A fine-tunes (one epoch of the sample pairs); B watches the run.
    open_admin(a, first.url)
    a.locator(".st-key-pairs_file input[type='file']").set_input_files(
        str(ASSETS / "sample_pairs.csv"))
    a.get_by_role("button", name="Save 72 accepted pairs as a dataset").click()
    expect(a.get_by_text("Stored dataset 'sample_pairs' with 72 pairs.")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(a, APP_TIMEOUT_MS)
    a.get_by_text("Training settings").click()
    epochs = a.locator(".st-key-tp_epochs input")
    epochs.fill("1")
    epochs.press("Enter")
    expect(a.get_by_text(re.compile(r"Estimated training time: about"))).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    wait_for_app(a, APP_TIMEOUT_MS)
    a.get_by_role("button", name="Train", exact=True).click()
    open_admin(b, second.url)  # the run is in progress: B polls it from the database
    watched = b.get_by_text(re.compile(r"Run run-[\w-]+ \((starting|running)\)"))
    # The fragment that polls the run draws its progress bar and this caption together:
    # one locator for both, so a run that ends meanwhile cannot split the two checks.
    progress = (b.get_by_test_id("stVerticalBlock")
                .filter(has=b.get_by_test_id("stProgress")).filter(has=watched))
    finished_b = b.get_by_text(re.compile(r"finished: new version (v[\w-]+)"))
    expect(progress.or_(finished_b).first).to_be_visible(timeout=APP_TIMEOUT_MS)
    assert progress.count(), "B loaded after the run ended: it did not watch it"
    expect(finished_b).to_be_visible(timeout=JOB_TIMEOUT_MS)
    version_id = re.search(r"new version (v[\w-]+)", finished_b.inner_text()).group(1)
    finished_a = a.get_by_text(f"finished: new version {version_id}")
    expect(finished_a).to_be_visible(timeout=JOB_TIMEOUT_MS)

    # 4. B offers to re-embed the pool for the new version before it is promoted.
    open_admin(b, second.url)
    expect(b.get_by_text(re.compile(rf"{version_id} is not active yet"))).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    expect(b.get_by_text(f"0 of 14 pool candidates have vectors for {version_id}.")
           ).to_be_visible()
    b.get_by_role("button", name=f"Re-embed the pool for {version_id}").click()
    expect(b.get_by_test_id("stProgress").or_(b.get_by_text("Last bulk job, re-embed"))
           ).to_be_visible(timeout=APP_TIMEOUT_MS)
    open_admin(a, first.url)  # A follows B's job
    reembedded = a.get_by_text(re.compile(rf"Last bulk job, re-embed of the pool for "
                                          rf"{version_id}"))
    expect(reembedded).to_contain_text(": done.", timeout=JOB_TIMEOUT_MS)
    expect(reembedded).to_contain_text(f"0 already embedded for {version_id}")
    expect(a.get_by_text(f"14 of 14 pool candidates have vectors for {version_id}.")
           ).to_be_visible(timeout=APP_TIMEOUT_MS)

    # 5. A promotes the version; B scores with it.
    wait_for_app(a, APP_TIMEOUT_MS)  # the rerun that ended B's job is over
    a.get_by_role("button", name=f"Promote {version_id}").click()
    confirm = a.get_by_role("button", name="Yes, activate it anyway")
    done = a.get_by_text(f"Active model is now {version_id}")
    for _ in range(3):  # the warning path: confirm it (a click during a rerun can be lost)
        expect(confirm.or_(done).first).to_be_visible(timeout=APP_TIMEOUT_MS)
        wait_for_app(a, APP_TIMEOUT_MS)
        if done.count() or not confirm.count():
            break
        confirm.click()
        # The click's rerun takes the question away; only then is the outcome on the page.
        # (Clicking again before that would hit the old button while it is replaced.)
        try:
            expect(confirm).to_have_count(0, timeout=APP_TIMEOUT_MS)
        except AssertionError:
            continue  # the click was lost: the question is still there
        break
    expect(done).to_be_visible(timeout=APP_TIMEOUT_MS)

    open_app(b, second.url)
    expect(b.get_by_test_id("stSidebar")).to_contain_text(version_id, timeout=APP_TIMEOUT_MS)
    b.get_by_role("button", name="Load sample data").click()
    expect(b.get_by_text("Results — 12 resumes × 4 jobs")).to_be_visible(
        timeout=APP_TIMEOUT_MS)
    expect(b.get_by_text(f"Scored with model version {version_id}.")).to_be_visible()
