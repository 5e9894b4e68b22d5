"""Trust in a real browser: hostile uploads render as text, blind mode hides who the
candidate is, and five sessions ranking at once (while a fine-tune runs) each see only
their own results.

The tests share one server (``app_server``) and run in file order: the first ranking
loads the model, so the concurrent test later measures sessions, not model loading.
"""

from __future__ import annotations

import json
import time

import pytest
from e2e_support import ready_to_rank, upload, wait_for_app
from playwright.sync_api import Browser, Page, expect

from resumatch.store import Store

pytestmark = pytest.mark.e2e

RANK_TIMEOUT_MS = 180_000  # the first ranking in a fresh server loads the model
JOB = {"name": "python_job.txt", "mimeType": "text/plain",
       "buffer": b"Python developer: build web services with Django and PostgreSQL."}


def text_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}


def wait_for_results(page: Page, n_resumes: int, n_jobs: int = 1) -> None:
    expect(page.get_by_text(f"Results — {n_resumes} resumes × {n_jobs} jobs")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    wait_for_app(page, RANK_TIMEOUT_MS)


def grid_cells(page: Page, key: str) -> list[str]:
    table = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
    expect(table.locator("[role='gridcell']").first).to_have_text("1", timeout=30_000)
    return page.locator(f".st-key-{key} [role='gridcell']").all_inner_texts()


def store_of(server) -> Store:
    return Store(server.data_dir / "resumatch.sqlite3")


HOSTILE = ("Eve Mallory\nPython developer, Django and PostgreSQL.\n"
           "<script>alert(1)</script> <img src=x onerror=alert(2)>\n"
           "[click me](http://evil.example/steal) **bold** <b>raw tag</b>")


def test_hostile_file_name_and_content_render_as_plain_text(app_server, page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_server.url)
    wait_for_app(page)
    upload(page, "resume_files", [text_file("../../etc/passwd.txt", HOSTILE)])
    upload(page, "job_files", [JOB])
    ready_to_rank(page, 1, 1)
    page.get_by_role("button", name="Rank candidates").click()
    wait_for_results(page, 1)

    cells = grid_cells(page, "job_table")
    assert "passwd" in cells and not any("/" in cell for cell in cells), cells
    expect(page.get_by_text("Resume passages that match best — passwd")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    # The markup is shown as the characters it is made of...
    expect(page.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    expect(page.get_by_text("[click me](http://evil.example/steal)", exact=False).first
           ).to_be_visible()
    # ...and never becomes an element.
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert page.locator("b", has_text="raw tag").count() == 0
    assert dialogs == []
    # The name never reached the filesystem: uploads are read in memory.
    assert not list(app_server.data_dir.parent.rglob("*passwd*"))


def test_blind_mode_shows_candidate_numbers_and_no_contact_details(app_server,
                                                                   page: Page) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    toggle = page.locator(".st-key-blind_mode_toggle")
    toggle.get_by_text("Blind screening").click()
    wait_for_app(page)
    expect(toggle.get_by_role("switch")).to_be_checked()
    resume = ("Jane Doe\njane.doe@example.com | +1 (555) 123-4567 | linkedin.com/in/janedoe\n"
              "Python developer since 2015: Django, PostgreSQL, Celery.\n"
              "B.Sc. Computer Science, 2012. Jane enjoys mentoring.")
    upload(page, "resume_files", [text_file("jane_doe_cv.txt", resume)])
    upload(page, "job_files", [JOB])
    ready_to_rank(page, 1, 1)
    page.get_by_role("button", name="Rank candidates").click()
    wait_for_results(page, 1)

    cells = grid_cells(page, "job_table")
    assert "Candidate 1" in cells and "jane_doe_cv" not in cells, cells
    expect(page.get_by_text("Resume passages that match best — Candidate 1")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    main = page.locator("[data-testid='stMain']").inner_text()
    for secret in ("jane.doe@example.com", "555", "Jane", "linkedin", "2012"):
        assert secret not in main, secret
    assert "Django" in main
    expect(toggle.get_by_role("switch")).to_be_checked()  # remembered across reruns
    rank_row = next(r for r in store_of(app_server).audit_rows() if r["action"] == "rank")
    assert json.loads(rank_row["detail"])["blind"] is True

    # Switching blind mode off ranks the same inputs again, with names.
    toggle.get_by_text("Blind screening").click()
    expect(page.get_by_text("Resume passages that match best — jane_doe_cv")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    wait_for_app(page, RANK_TIMEOUT_MS)
    expect(toggle.get_by_role("switch")).not_to_be_checked()
    # (escape_markdown may put a zero-width space before "@" so it is not a mailto link)
    assert "jane.doe" in page.locator("[data-testid='stMain']").inner_text()


def start_fine_tune(server, monkeypatch: pytest.MonkeyPatch):
    """A long fine-tune on the server's data directory, started as the admin page does."""
    from resumatch.config import Settings
    from resumatch.train.jobs import start_training
    from resumatch.train.pairs import Pair, save_dataset
    from resumatch.train.training import TrainingParams

    store = store_of(server)
    pairs = [Pair(f"Resume {i}: {'nurse ICU' if i % 2 else 'python django'} work",
                  "ICU nurse" if i % 3 else "Python developer", float(i % 2)) for i in range(40)]
    dataset = save_dataset(store, "e2e-concurrency", pairs)
    params = TrainingParams(epochs=100, batch_size=4, max_seq_length=32).to_dict()
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # leave a core to the app on small machines
    return start_training(Settings(data_dir=server.data_dir), store, dataset.id, params,
                          session="e2e")


@pytest.mark.slow
def test_five_sessions_rank_at_once_while_a_fine_tune_runs(
        app_server, browser: Browser, browser_context_args: dict,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from resumatch.train.jobs import cancel, refresh

    store = store_of(app_server)
    contexts = [browser.new_context(**browser_context_args) for _ in range(5)]
    pages = [context.new_page() for context in contexts]
    run = None
    try:
        tokens = [f"Quokka{i}" for i in range(5)]
        for i, page in enumerate(pages):
            page.goto(app_server.url)
            wait_for_app(page)
            upload(page, "resume_files", [
                text_file(f"{tokens[i]}_a.txt", f"{tokens[i]} Python Django developer {i}"),
                text_file(f"{tokens[i]}_b.txt", f"{tokens[i]} ICU nurse, ventilators {i}")])
            upload(page, "job_files", [JOB])
            ready_to_rank(page, 2, 1)
        run = start_fine_tune(app_server, monkeypatch)
        # Rank only once the fine-tune is really training.
        deadline = time.monotonic() + 180
        while refresh(store, run.id).step < 1 and refresh(store, run.id).active:
            assert time.monotonic() < deadline, "the fine-tune never started training"
            time.sleep(0.5)
        assert refresh(store, run.id).status == "running"

        for page in pages:  # all five reruns are in flight together on the server
            page.get_by_role("button", name="Rank candidates").click()
        for i, page in enumerate(pages):
            wait_for_results(page, 2)
            cells = set(grid_cells(page, "job_table"))
            assert {f"{tokens[i]}_a", f"{tokens[i]}_b"} <= cells, cells
            others = [t for t in tokens if t != tokens[i]]
            assert not any(o in cell for o in others for cell in cells), cells
        # The fine-tune was never blocked out, nor did it block the sessions.
        during = refresh(store, run.id)
        assert during.status == "running", during.message
        assert during.step >= 1
    finally:
        for context in contexts:
            context.close()
        if run is not None:
            cancel(store, run.id)
            deadline = time.monotonic() + 60
            while refresh(store, run.id).active and time.monotonic() < deadline:
                time.sleep(0.5)
    ranks = [r for r in store.audit_rows() if r["action"] == "rank"]
    assert len({r["session"] for r in ranks[:5]}) == 5
