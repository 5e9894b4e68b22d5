"""In the browser: a scanned PDF upload is read by OCR, flagged beside the candidate, and
"Show extracted text" shows its text with the OCR mark."""

from __future__ import annotations

import pytest
from e2e_support import choose, ready_to_rank, upload, wait_for_app
from paths import SHARED_CASES
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not SHARED_CASES.is_dir(), reason="no shared cases here")]

RANK_TIMEOUT_MS = 180_000
SCAN_CASE = SHARED_CASES / "08_scanned_pdf"


def test_a_scanned_pdf_shows_its_ocr_text_and_mark(app_server, page: Page) -> None:
    page.goto(app_server.url)
    expect(page.get_by_role("button", name="Rank candidates")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    upload(page, "resume_files", [SCAN_CASE / "r" / "hugo_petrakis_scan.pdf",
                                  SCAN_CASE / "r" / "rafael_duarte_kim.txt"])
    upload(page, "job_files", [SCAN_CASE / "j" / "platform_engineer.txt"])
    ready_to_rank(page, 2, 1)
    page.get_by_role("button", name="Rank candidates").click()
    expect(page.get_by_text("Results — 2 resumes × 1 jobs")).to_be_visible(
        timeout=RANK_TIMEOUT_MS)
    wait_for_app(page, RANK_TIMEOUT_MS)

    # The flag beside the candidate's name.
    flag = page.get_by_test_id("stAlert").filter(has_text="hugo_petrakis_scan")
    expect(flag).to_contain_text("read by OCR (1 page, mean confidence")

    page.locator(".st-key-show_extracted_text").get_by_text("Show extracted text").click()
    wait_for_app(page)
    choose(page, "extracted_text_doc", "Resume: hugo_petrakis_scan ⚠")
    view = page.locator(".st-key-extracted_text")
    expect(view).to_contain_text("read by OCR (1 page, mean confidence")
    expect(view).to_contain_text("Kubernetes")
    expect(view).to_contain_text("Terraform")
