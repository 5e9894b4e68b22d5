"""Explanations in the browser for a pair whose answer we know (the sample data engineer
against the senior data engineer job): fit beside cosine, the summary, matched and missing
terms, passages highlighted in their context, and the same explanation in the CSV."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from e2e_support import choose, wait_for_app
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES
from playwright.sync_api import Page, expect

from resumatch.rank.matching import Passage
from ui.pair_view import highlighted

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 180_000  # a fresh server loads the model before the first ranking
RESUME, JOB = "alice_nguyen_data_engineer", "senior_data_engineer"
HIGHLIGHTS = ("[data-testid='stMarkdownContainer'] span[style*='background']"
              ":not(.stMarkdownBadge)")


def squash(text: str) -> str:
    return " ".join(text.split())


def metric(page: Page, label: str) -> str:
    """The value of the (fresh) metric whose label is ``label``."""
    box = page.locator("[data-testid='stMetric']:not([data-stale='true'])").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    expect(box).to_have_count(1)
    return box.get_by_test_id("stMetricValue").inner_text()


def test_pair_view_and_csv_explain_the_data_engineer(app_server, page: Page) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Load sample data").click()
    expect(page.locator(".st-key-pair_resume")).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    choose(page, "pair_resume", RESUME)
    choose(page, "pair_job", JOB)
    expect(page.get_by_text(f"Resume passages that match best — {RESUME}")).to_be_visible(
        timeout=TIMEOUT_MS)

    # Wait until the pair view shows this pair, not the one selected before.
    rank = page.locator("[data-testid='stMetric']:not([data-stale='true'])").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text("Rank for this job", exact=True))
    expect(rank.get_by_test_id("stMetricValue")).to_have_text("1 of 12", timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)

    # The fit sits beside the raw cosine, and the page names the mapping.
    assert 50 < float(metric(page, "Fit (0–100)")) <= 100
    assert 0 < float(metric(page, "Cosine similarity")) < 1
    assert metric(page, "Rank for this job") == "1 of 12"
    expect(page.get_by_text("logistic calibration", exact=False).first).to_be_visible()

    summary = page.locator(".st-key-pair_summary")
    expect(summary).to_contain_text("Summary: Strong on")
    expect(summary).to_contain_text("no evidence of")
    matched = summary.locator(".stMarkdownBadge").all_inner_texts()
    for skill in ("Spark", "Airflow", "Kafka", "SQL"):
        assert skill in matched, matched
    expect(summary).to_contain_text("Missing terms")

    # Three passages per side, each highlighted inside the text around it.
    resume_text = squash((SAMPLE_RESUMES / f"{RESUME}.txt").read_text(encoding="utf-8"))
    job_text = squash((SAMPLE_JOBS / f"{JOB}.md").read_text(encoding="utf-8"))
    marks = page.locator(HIGHLIGHTS)
    expect(marks).to_have_count(6)
    for index in range(6):
        mark = marks.nth(index)
        passage = squash(mark.inner_text())
        assert passage in (resume_text if index < 3 else job_text), passage
        context = squash(mark.locator("xpath=ancestor::p[1]").inner_text())
        assert len(context) > len(passage) and passage in context

    # The CSV carries the same explanation once it is asked for.
    page.get_by_role("tab", name="Export").click()
    page.get_by_role("button", name=re.compile("Add explanations")).click()
    expect(page.get_by_text("Explanations included", exact=False)).to_be_visible(
        timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download rankings (CSV)").click()
    frame = pd.read_csv(io.StringIO(open(download.value.path(), encoding="utf-8").read()))
    for column in ("fit", "summary", "matched_terms", "missing_terms", "top_resume_passage"):
        assert column in frame.columns
    row = frame[(frame.resume == RESUME) & (frame.job == JOB)].iloc[0]
    assert row["rank"] == 1 and 50 < row["fit"] <= 100
    assert row["summary"].startswith("Strong on") and "no evidence of" in row["summary"]
    assert "Spark" in row["matched_terms"] and row["missing_terms"]
    assert squash(row["top_resume_passage"]).rstrip(" …") in resume_text
    assert frame[frame["rank"] > 3]["summary"].isna().all()  # only the top 3 per job


def test_highlighted_passages_are_escaped_not_rendered() -> None:
    text = "Intro [click](javascript:alert(1)) <b>x</b> :red[boom] **bold** end"
    start = text.index("<b>")
    markdown = highlighted(text, Passage(text[start:start + 8], start, start + 8, 0.5, ""))
    assert markdown.count(":orange-background[") == 1  # only the one we added
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in markdown
    assert "\\<b\\>x\\<" in markdown and "<b>" not in markdown
    assert "\\:red\\[boom\\]" in markdown and "\\*\\*bold\\*\\*" in markdown
