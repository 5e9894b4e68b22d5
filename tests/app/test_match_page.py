"""The Match page under AppTest: samples, uploads, pasted text, errors, every result view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES, docx_bytes, pdf_bytes
from streamlit.testing.v1 import AppTest

from resumatch.embed.embedding import DEFAULT_CHUNKING
from resumatch.ingest.documents import read_files
from resumatch.store import Store

APP = ROOT / "app.py"
TIMEOUT_S = 120  # the first run in a process loads the model


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The whole app (router + Match page) over a fresh data directory, first run done."""
    monkeypatch.delenv("RESUMATCH_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_first_visit_shows_inputs_and_the_active_model_but_no_results(app: AppTest) -> None:
    assert app.title[0].value == "Match resumes to jobs"
    assert [u.label for u in app.file_uploader] == ["Upload resumes", "Upload job descriptions"]
    assert {"Load sample data", "Rank candidates"} <= {b.label for b in app.button}
    assert any(t.value.startswith("base\n") for t in app.sidebar.text)
    assert not any(s.startswith("Results") for s in subheaders(app))
    assert len(app.dataframe) == 0


def test_load_sample_data_ranks_and_renders_every_view(app: AppTest, data_dir: Path) -> None:
    click(app, "Load sample data")
    assert not app.exception
    assert app.info[0].value == "Sample data loaded: 12 resumes, 4 jobs."
    assert len(app.error) == 0
    assert "Results — 12 resumes × 4 jobs" in subheaders(app)
    assert [t.label for t in app.tabs] == ["Ranked by job", "Ranked by candidate", "Heatmap",
                                          "Export"]
    by_job, by_candidate = app.dataframe[0].value, app.dataframe[1].value
    assert {"rank", "resume", "score"} <= set(by_job.columns)
    assert by_job["rank"].tolist() == list(range(1, 13))
    assert len(by_candidate) == 4
    assert [c.key for c in app.get("plotly_chart")].count("heatmap") == 1
    assert {"Download rankings (CSV)", "Download score matrix (CSV)"} <= {
        d.label for d in app.download_button}
    # Every document went through the store's embedding cache.
    hashes = [d.sha256 for d in read_files([SAMPLE_RESUMES, SAMPLE_JOBS])[0]]
    cached = Store(data_dir / "resumatch.sqlite3").get_embeddings(hashes, "base",
                                                                  DEFAULT_CHUNKING.key)
    assert len(hashes) == 16 and set(cached) == set(hashes)

    app.selectbox(key="rank_job").set_value("senior_data_engineer").run()
    assert app.dataframe[0].value["resume"].iloc[0] == "alice_nguyen_data_engineer"

    app.selectbox(key="pair_resume").set_value("omar_haddad_career_changer")
    app.selectbox(key="pair_job").set_value("senior_data_engineer").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert re.fullmatch(r"\d+ of 12", metrics["Rank for this job"])
    # Passages may be plain or highlighted text: read both kinds of element.
    shown = [m.value for m in app.main.markdown] + [t.value for t in app.main.text]
    assert any("Airflow" in p or "Spark" in p for p in shown), shown


def test_uploads_and_pasted_text_are_ranked_and_bad_files_listed(app: AppTest) -> None:
    app.file_uploader(key="resume_files").set_value([
        ("ann_data.pdf", pdf_bytes([["Ann Data", "Data engineer: Spark, Airflow, Kafka",
                                     "Built ETL pipelines into Snowflake"]]), "application/pdf"),
        ("bo_nurse.docx", docx_bytes(["Bo Nurse", "ICU registered nurse, ventilators"]),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("empty.txt", b"", "text/plain"),
    ])
    app.text_input(key="job_paste_name_0").input("data job")
    app.text_area(key="job_paste_text_0").input(
        "Data engineer wanted: Spark, Airflow and Kafka pipelines on a cloud warehouse.")
    click(app, "Rank candidates")
    assert not app.exception
    assert app.error[0].value == "1 file(s) could not be used; the rest were ranked."
    assert "• empty.txt: empty file" in [t.value for t in app.main.text]
    assert "Results — 2 resumes × 1 jobs" in subheaders(app)
    assert app.dataframe[0].value["resume"].tolist() == ["ann_data", "bo_nurse"]


def test_ranking_without_a_job_says_what_is_missing(app: AppTest) -> None:
    app.text_area(key="resume_paste_text_0").input("Accountant with ten years of audits")
    click(app, "Rank candidates")
    assert not app.exception
    assert "• No readable job description yet: add at least one." in [
        t.value for t in app.main.text]
    assert not any(s.startswith("Results") for s in subheaders(app))
