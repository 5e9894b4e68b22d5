"""Openings and the talent pool in headless Chromium against a real ``streamlit run``:
save an opening, rank resumes, reload and find them in the pool, search the pool for a
second opening, set a stage and a note, filter by minimum years, merge a duplicate and
undo it, delete one candidate and check that nothing of them is left in the store.

Tables are read through their accessible grid cells (``st.dataframe`` draws on a canvas);
the store is read with sqlite3, table by table.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import choose, wait_for_app
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES
from playwright.sync_api import Locator, Page, expect
from pool_support import rows_mentioning

from resumatch.ingest.documents import read_files
from resumatch.store import Store

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 180_000  # the first ranking in a fresh server loads the model
NURSE = "grace_kim_icu_registered_nurse"


def keyed(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}:not([data-stale='true'])")


def cells(page: Page, key: str) -> list[str]:
    table = keyed(page, key).get_by_test_id("stDataFrame")
    expect(table.locator("[role='gridcell']").first).to_be_attached(timeout=TIMEOUT_MS)
    return table.locator("[role='gridcell']").all_inner_texts()


def candidate_ids(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {name: cid for cid, name in conn.execute(
            "SELECT id, name FROM candidates WHERE merged_into IS NULL")}


def test_openings_pool_search_workflow_duplicates_and_erasure(app_server, page: Page,
                                                             tmp_path: Path) -> None:
    db = app_server.data_dir / "resumatch.sqlite3"
    page.goto(app_server.url)
    wait_for_app(page)

    # Rank the samples on the Match page and save one job as an opening.
    page.get_by_role("button", name="Load sample data").click()
    expect(page.get_by_text("Results — 12 resumes × 4 jobs")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    choose(page, "save_opening_job", "senior_data_engineer")
    keyed(page, "save_opening").get_by_role("button").click()
    expect(page.get_by_text("Saved opening #1: senior_data_engineer")).to_be_visible(
        timeout=TIMEOUT_MS)

    # A reload is a new session; the pool page lists the ranked resumes from the store.
    page.reload()
    wait_for_app(page)
    page.goto(f"{app_server.url}/pool")
    wait_for_app(page, TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Talent pool")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("tab", name="All candidates").click()
    expect(page.get_by_text("12 candidate(s) in the pool.")).to_be_visible(timeout=TIMEOUT_MS)
    assert "alice_nguyen_data_engineer" in cells(page, "pool_table")

    # Save a second opening on the Pool page and search the pool for it.
    page.get_by_text("Openings", exact=True).click()
    keyed(page, "new_opening_name").get_by_role("textbox").fill("ICU nurse")
    nurse_job = (SAMPLE_JOBS / "icu_registered_nurse.txt").read_text(encoding="utf-8")
    keyed(page, "new_opening_text").get_by_role("textbox").fill(nurse_job)
    page.get_by_role("button", name="Save opening").click()
    expect(page.get_by_text("Saved opening #2: ICU nurse")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    choose(page, "pool_opening", "ICU nurse (#2, open)")
    keyed(page, "pool_search").get_by_role("button").click()
    expect(page.get_by_text(re.compile(r"Ranked 12 candidates for ICU nurse"))).to_be_visible(
        timeout=TIMEOUT_MS)
    ranked = cells(page, "pool_results")
    assert ranked[0] == "1" and ranked[1] == NURSE

    # Filter by minimum years (the nurse's own, read from the store): fewer rows, she stays.
    ids = candidate_ids(db)
    with sqlite3.connect(db) as conn:
        (raw,) = conn.execute("SELECT f.value FROM extracted_fields f JOIN candidates c ON"
                              " c.sha256 = f.sha256 WHERE c.id = ? AND f.field ="
                              " 'years_experience'", (ids[NURSE],)).fetchone()
    threshold = int(float(raw))
    years = keyed(page, "pool_min_years").locator("input")
    years.fill(str(threshold))
    years.press("Enter")
    caption = page.get_by_text(re.compile(rf"at least {threshold} years: \d+ shown"))
    expect(caption).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    shown = int(re.search(r"(\d+) shown", caption.first.inner_text()).group(1))
    assert 0 < shown < 12
    assert NURSE in cells(page, "pool_results")
    years.fill("0")
    years.press("Enter")
    wait_for_app(page, TIMEOUT_MS)

    # Set a stage and a note for the nurse in the second opening.
    choose(page, "pool_candidate", f"{NURSE} (#{ids[NURSE]})")
    choose(page, "pool_detail_opening", "ICU nurse (#2, open)")
    choose(page, f"pool_stage_2_{ids[NURSE]}", "interview")
    keyed(page, "pool_save_stage").get_by_role("button").click()
    expect(keyed(page, "pool_detail")).to_contain_text("Now: interview", timeout=TIMEOUT_MS)
    keyed(page, f"pool_note_{ids[NURSE]}").get_by_role("textbox").fill("Strong CCRN answers")
    keyed(page, "pool_add_note").get_by_role("button").click()
    expect(keyed(page, "pool_notes")).to_contain_text("Strong CCRN answers",
                                                      timeout=TIMEOUT_MS)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT stage FROM opening_candidates WHERE opening_id = 2 AND"
                            " candidate_id = ?", (ids[NURSE],)).fetchone() == ("interview",)

    # A newer version of the nurse's resume arrives through the CLI: a possible duplicate.
    newer = tmp_path / "grace_kim_2025.txt"
    newer.write_text((SAMPLE_RESUMES / f"{NURSE}.txt").read_text(encoding="utf-8")
                     + "\n- Precepted four new graduate nurses\n", encoding="utf-8")
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(app_server.data_dir), "HF_HUB_OFFLINE": "1"}
    added = subprocess.run([sys.executable, "-m", "resumatch", "pool", "add", "--no-embed",
                            str(newer)], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert f"possible duplicate of candidate {ids[NURSE]}" in added.stderr, added.stderr
    ids = candidate_ids(db)
    page.reload()
    wait_for_app(page, TIMEOUT_MS)
    choose(page, "pool_candidate", f"grace_kim_2025 (#{ids['grace_kim_2025']})")
    expect(keyed(page, "pool_duplicate")).to_contain_text(
        f"Possible duplicate of {NURSE} (#{ids[NURSE]})", timeout=TIMEOUT_MS)

    # Merge, then undo the merge.
    keyed(page, "pool_merge").get_by_role("button").click()
    undo = keyed(page, f"pool_unmerge_{ids['grace_kim_2025']}").get_by_role("button")
    expect(undo).to_be_visible(timeout=TIMEOUT_MS)
    expect(keyed(page, "pool_detail")).to_contain_text("merged from", timeout=TIMEOUT_MS)
    newer_id = ids["grace_kim_2025"]
    assert newer_id not in candidate_ids(db).values()  # merged away
    assert candidate_ids(db)["grace_kim_2025"] == ids[NURSE]  # the newest text wins
    undo.click()
    expect(keyed(page, "pool_duplicate")).to_be_visible(timeout=TIMEOUT_MS)
    assert {"grace_kim_2025", NURSE} <= set(candidate_ids(db))

    # Delete the newer file's candidate everywhere; nothing of it is left in any table.
    wait_for_app(page, TIMEOUT_MS)
    keyed(page, f"pool_delete_open_{ids['grace_kim_2025']}").get_by_text(
        "Delete this candidate everywhere").click()
    confirm = keyed(page, f"pool_delete_confirm_{ids['grace_kim_2025']}").get_by_role("textbox")
    confirm.fill("DELETE")
    confirm.press("Enter")
    wait_for_app(page, TIMEOUT_MS)
    keyed(page, "pool_delete").get_by_role("button").click()
    expect(page.get_by_text(re.compile(r"Deleted grace_kim_2025"))).to_be_visible(
        timeout=TIMEOUT_MS)
    sha = read_files([newer])[0][0].sha256
    assert rows_mentioning(Store(db), ["Precepted four new graduate nurses"], [sha]) == {}
    assert "grace_kim_2025" not in candidate_ids(db) and NURSE in candidate_ids(db)
