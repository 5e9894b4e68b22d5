"""The bias audit in headless Chromium against a real ``streamlit run``: an admin uploads
a categories CSV (a bad row is listed, the rest stored), opens the impact-ratio report of
an opening, sees the ratios, the four-fifths flags and the charts, and downloads the
report as CSV and HTML.

The opening is seeded in the store before the server starts (12 sample resumes with
known stages and fits, ``tests/bias_support.py``), so no model is needed. Tables are read
through their accessible grid cells (``st.dataframe`` draws on a canvas).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from bias_support import OPENING, categories_csv, seed_opening
from e2e_support import choose, open_admin_page, sign_in, wait_for_app
from playwright.sync_api import Locator, Page, expect

from resumatch.config import Settings
from resumatch.store import open_store

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 120_000


def keyed(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}:not([data-stale='true'])")


def cells(page: Page, key: str) -> list[str]:
    grid = keyed(page, key).get_by_test_id("stDataFrame")
    expect(grid.locator("[role='gridcell']").first).to_be_attached(timeout=TIMEOUT_MS)
    return grid.locator("[role='gridcell']").all_inner_texts()


def test_upload_categories_open_the_report_and_download_it(start_app, page: Page,
                                                          tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(Settings(data_dir=data_dir))
    opening_id, ids = seed_opening(store)
    upload = tmp_path / "categories.csv"
    upload.write_text(categories_csv(ids), encoding="utf-8")
    server = start_app(data_dir=data_dir)

    page.goto(server.url)
    wait_for_app(page, TIMEOUT_MS)
    sign_in(page)
    open_admin_page(page)
    expect(page.get_by_role("heading", name="Bias audit")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)

    # 1. Upload the categories: one bad row is listed, eleven are accepted and stored.
    keyed(page, "categories_file").locator("input[type='file']").set_input_files(str(upload))
    accepted = page.get_by_test_id("stMetric").filter(has_text="Category rows accepted")
    expect(accepted).to_contain_text("11", timeout=TIMEOUT_MS)
    assert "no candidate with id 424242 in the talent pool" in cells(page,
                                                                    "bias_category_errors")
    page.get_by_role("button", name="Save categories of 11 candidates").click()
    expect(page.get_by_text("Stored the categories of 11 candidates.")).to_be_visible(
        timeout=TIMEOUT_MS)
    assert store.count("candidate_categories") == 11

    # 2. The report of the opening: ratios, flags, charts, the method.
    choose(page, "bias_opening", f"{OPENING} (#{opening_id}, open)")
    expect(page.get_by_text("Female (selection 0.33)", exact=False)).to_be_visible(
        timeout=TIMEOUT_MS)
    sex = cells(page, "bias_table_sex")
    assert "Female" in sex and "Male" in sex  # cells give raw values, not the format
    assert any(c.startswith("0.333") for c in sex)  # Female's selection impact ratio
    expect(keyed(page, "bias_chart_sex").locator(".js-plotly-plot")).to_be_visible()
    expect(page.get_by_text("Impact ratios: Sex", exact=True)).to_be_visible()
    expect(page.get_by_text("Method", exact=True)).to_be_visible()

    # 3. Download them.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download impact ratios (CSV)").click()
    assert download.value.suggested_filename.startswith("impact_ratios_opening_data_engineer")
    frame = pd.read_csv(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))
    female = frame[(frame["table"] == "sex") & (frame["category"] == "Female")].iloc[0]
    assert female["selection_impact_ratio"] == pytest.approx(1 / 3)
    assert female["scoring_impact_ratio"] == pytest.approx((2 / 6) / (4 / 5))
    assert bool(female["selection_below_four_fifths"])
    method = frame[frame["table"] == "method"].set_index("category")["note"]
    assert "median fit" in method["scoring rate"] or "median: 55.0" in method["scoring rate"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Download impact ratios (HTML)").click()
    page_html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Impact ratios" in page_html and "Female" in page_html and "0.333" in page_html
    assert "<script src=" not in page_html  # standalone: plotly.js is inside
