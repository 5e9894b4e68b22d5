"""Issue 11 on the Match page (AppTest): a one-line resume shows "too little text to judge"
instead of a fit, each candidate shows its requirement line, and marking a requirement
must-have in the compare view re-ranks the job."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_docs import ROOT, SAMPLE_RESUMES
from streamlit.testing.v1 import AppTest

from resumatch.rank.marks import MUST, set_mark
from ui import cache

APP = ROOT / "app.py"
JOB = ("Data Engineer\n\nRequirements\n- Build batch ETL pipelines with Spark and Airflow\n"
       "- Strong SQL and data modeling\n- CCRN certification\n")


@pytest.fixture
def ranked(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.delenv("RESUMATCH_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.text_input(key="job_paste_name_0").input("data job")
    at.text_area(key="job_paste_text_0").input(JOB)
    at.text_input(key="resume_paste_name_0").input("one_line")
    at.text_area(key="resume_paste_text_0").input("SQL")
    at.run()
    at.session_state["resume_paste_count"] = 3
    at.run()
    for i, name in ((1, "alice"), (2, "omar")):
        stem = "alice_nguyen_data_engineer" if name == "alice" else "omar_haddad_career_changer"
        at.text_input(key=f"resume_paste_name_{i}").input(name)
        at.text_area(key=f"resume_paste_text_{i}").input(
            (SAMPLE_RESUMES / f"{stem}.txt").read_text(encoding="utf-8"))
    at.run()
    next(b for b in at.button if b.label == "Rank candidates").click()
    at.run()
    assert not at.exception
    return at


def test_too_little_text_shows_no_fit_and_the_requirement_line(ranked: AppTest) -> None:
    table = ranked.dataframe[0].value
    one_line = table[table["resume"] == "one_line"].iloc[0]
    assert one_line["note"].startswith("too little text to judge")
    assert one_line["fit"] != one_line["fit"]  # NaN: no bare number
    assert table["resume"].iloc[0] in {"alice", "omar"}
    assert table["requirements"].str.startswith("meets ").all()


def test_marking_a_requirement_must_have_caps_the_fit(ranked: AppTest) -> None:
    before = ranked.dataframe[0].value.set_index("resume")["fit"]
    assert before["alice"] > 35
    # The compare view offers the marks; a mark kept in the store re-ranks the job.
    assert any(e.label.startswith("Requirement marks") for e in ranked.expander)
    # CCRN is asked for but nobody names it: as a must-have it caps every fit.
    job_sha = ranked.session_state["match_result"].jobs[0].doc.sha256
    set_mark(cache.store(), job_sha, "CCRN certification", MUST)
    ranked.session_state["rank_now"] = True
    ranked.run()
    after = ranked.dataframe[0].value.set_index("resume")
    assert (after["fit"].dropna() <= 35).all()
    assert after.loc["alice", "note"] == "missing must-have: CCRN certification"
