"""The compare view in headless Chromium: pick a job and three candidates, read the grid
and the evidence for one requirement, star a candidate, reload, find it in the sidebar
shortlist; and open "more like this".

Plotly hover is not testable, so the evidence is read from the per-requirement cards the
view shows as text; the shortlist comes from the store, so it survives the reload even
though the reloaded session has no ranking until the samples are loaded again.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from e2e_support import wait_for_app
from fixtures_docs import ROOT
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

RANK_TIMEOUT_MS = 180_000  # the first ranking in a fresh server loads the model
SCREENSHOT = ROOT / "docs" / "screenshot-compare.png"
DATA_JOB = "senior_data_engineer"
THREE = ["alice_nguyen_data_engineer", "omar_haddad_career_changer", "priya_raman_ml_engineer"]


def keyed(page: Page, key: str, prefix: bool = False) -> Locator:
    """The live (not stale) element with widget key ``key`` (or a key starting with it)."""
    selector = f"[class*='st-key-{key}']" if prefix else f".st-key-{key}"
    return page.locator(f"{selector}:not([data-stale='true'])")


def settle(page: Page) -> None:
    """Wait for the end of the current run: the last section of the page is drawn anew.

    Streamlit shows its "running" widget only after a moment, so ``wait_for_app`` alone
    can return while a rerun is still under way; elements not yet redrawn are stale.
    """
    wait_for_app(page, RANK_TIMEOUT_MS)
    expect(keyed(page, "more_like_this")).to_be_attached(timeout=RANK_TIMEOUT_MS)


def choose(page: Page, key: str, option: str, prefix: bool = False) -> None:
    """Pick an option in a selectbox by typing part of it and clicking the match."""
    box = keyed(page, key, prefix).get_by_role("combobox")
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    expect(box).to_have_value(re.compile(re.escape(option)))
    settle(page)


def load_samples(page: Page) -> None:
    """Rank the samples and wait until the compare view (the end of the page) is drawn."""
    page.get_by_role("button", name="Load sample data").click()
    expect(page.get_by_text("Results — 12 resumes × 4 jobs")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    settle(page)


def pick_candidates(page: Page, names: list[str], shown_first: str) -> None:
    """Make the candidates multiselect hold ``names`` (once it shows ``shown_first``):
    remove the others, then add the missing ones in order."""
    widget = keyed(page, "compare_candidates_", prefix=True)
    expect(widget.get_by_role("button", name=f"Remove {shown_first}")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    chips = widget.get_by_role("button", name="Remove ")
    shown = [label.removeprefix("Remove ")
             for label in chips.evaluate_all("buttons => buttons.map(b => b.ariaLabel)")]
    count = len(shown)
    for name in shown:
        if name not in names:
            widget.get_by_role("button", name=f"Remove {name}", exact=True).click()
            count -= 1
            expect(chips).to_have_count(count, timeout=RANK_TIMEOUT_MS)
            settle(page)
    for name in names:
        if name in shown:
            continue
        box = widget.get_by_role("combobox")
        box.click()
        box.fill(name)
        page.get_by_role("option", name=name, exact=True).click()
        # The open list hides the rest of the widget from the accessibility tree.
        page.keyboard.press("Escape")
        count += 1
        expect(chips).to_have_count(count, timeout=RANK_TIMEOUT_MS)
        settle(page)
    for name in names:
        expect(widget.get_by_role("button", name=f"Remove {name}", exact=True)).to_be_visible()
    settle(page)


def grid(page: Page) -> Locator:
    plot = keyed(page, "compare_grid").locator(".js-plotly-plot").filter(visible=True)
    expect(plot).to_be_visible(timeout=RANK_TIMEOUT_MS)
    return plot


def save_screenshot(page: Page, tmp_path: Path) -> Path:
    """The compare view only; RESUMATCH_UPDATE_SCREENSHOT=1 writes it to docs/."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    page.wait_for_timeout(500)  # let plotly redraw at the new size
    top = page.get_by_role("heading", name="Compare candidates").bounding_box()
    table = keyed(page, "more_like_this")
    expect(table.locator("[role='gridcell']").first).to_be_attached(timeout=RANK_TIMEOUT_MS)
    bottom = table.bounding_box()
    assert top and bottom
    target = (SCREENSHOT if os.environ.get("RESUMATCH_UPDATE_SCREENSHOT") == "1"
              else tmp_path / "screenshot-compare.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    y = top["y"] - 16
    page.screenshot(path=str(target), full_page=True, clip={
        "x": 0, "y": y, "width": 1400, "height": bottom["y"] + bottom["height"] + 40 - y})
    page.set_viewport_size({"width": 1400, "height": 1000})
    return target


def test_compare_three_candidates_star_one_and_find_it_after_a_reload(
        app_server, page: Page, tmp_path: Path) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    sidebar = page.locator(".st-key-shortlist_sidebar")
    expect(sidebar).to_contain_text("Shortlist (0)", timeout=RANK_TIMEOUT_MS)
    load_samples(page)

    choose(page, "compare_job", DATA_JOB)
    pick_candidates(page, THREE, shown_first=THREE[0])

    # The grid: one column per candidate, an overall-fit row, and no-evidence cells.
    plot = grid(page)
    for name in ("alice_nguyen_", "omar_haddad_", "priya_raman_", "Overall fit",
                 "no evidence", "4. Experience orchestrating workflows"):
        expect(plot).to_contain_text(name)

    # The evidence for one requirement, as text: each candidate's best passage.
    choose(page, "compare_requirement_", "Experience orchestrating workflows", prefix=True)
    cards = [keyed(page, f"compare_evidence_{i}") for i in range(3)]
    for card, name in zip(cards, THREE, strict=True):
        expect(card).to_contain_text(name)
    expect(cards[0]).to_contain_text("evidence · ")
    expect(cards[0]).to_contain_text("names Airflow")
    # Issue 11: the clearest passage is her Airflow bullet, not the bare skills list.
    expect(cards[0]).to_contain_text("120 Airflow DAGs")
    expect(cards[1]).to_contain_text("Write and schedule Airflow DAGs")

    # Star Alice: the sidebar shortlist shows her at once.
    star = keyed(page, "compare_star_0").get_by_role("button")
    expect(star).to_have_text("☆ Star")
    star.click()
    settle(page)
    expect(keyed(page, "compare_star_0").get_by_role("button")).to_have_text("★ Starred")
    expect(sidebar).to_contain_text("alice_nguyen_data_engineer")
    expect(sidebar).to_contain_text(DATA_JOB)
    save_screenshot(page, tmp_path)

    # A reload is a new session without a ranking; the shortlist comes from the store.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Results — 12 resumes × 4 jobs")).to_have_count(0)
    expect(sidebar).to_contain_text("Shortlist (1)", timeout=RANK_TIMEOUT_MS)
    expect(sidebar).to_contain_text("alice_nguyen_data_engineer")
    with page.expect_download() as download_info:
        sidebar.get_by_role("button", name="Download shortlist (CSV)").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("job,name,score,fit,top_evidence")
    assert f"{DATA_JOB},alice_nguyen_data_engineer," in exported



def test_more_like_this(app_server, page: Page) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    load_samples(page)
    choose(page, "compare_job", "icu_registered_nurse")
    grid(page)
    card = keyed(page, "compare_evidence_0")
    expect(card).to_contain_text("grace_kim_icu_registered_nurse")

    # Exports: the long-format CSV and a standalone HTML chart (plotly.js inside, offline).
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download comparison (CSV)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:6] == ["requirement", "kind", "candidate", "score", "status",
                                 "evidence"]
    assert len(rows) == 3 * 11
    assert {r["candidate"] for r in rows} >= {"grace_kim_icu_registered_nurse"}
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download grid (HTML)").click()
    chart = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert download_info.value.suggested_filename == "compare_icu_registered_nurse.html"
    assert "CCRN certification" in chart and "grace_kim_icu_registered_nurse" in chart
    assert "<script src=" not in chart and len(chart) > 1_000_000  # plotly.js embedded

    keyed(page, "compare_more_0").get_by_role("button").click()
    settle(page)
    expect(keyed(page, "more_like_for_", prefix=True).get_by_role("combobox")).to_have_value(
        "grace_kim_icu_registered_nurse")
    table = keyed(page, "more_like_this").get_by_test_id("stDataFrame")
    expect(table.locator("[role='gridcell']").first).to_have_text(
        "fatima_yusuf_registered_nurse", timeout=30_000)
    cells = table.locator("[role='gridcell']").all_inner_texts()
    assert "grace_kim_icu_registered_nurse" not in cells  # not similar to herself
    assert len(cells) == 5 * 3  # five resumes: name, similarity, rank for the job
