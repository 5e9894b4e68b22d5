"""``python -m resumatch compare`` as a user runs it, on the sample data (one model load)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES

N_RESUMES, N_REQUIREMENTS = 12, 11


def compare(data_dir: Path, *args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "resumatch", "compare", *map(str, args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess,
                                                                  Path]:
    root = tmp_path_factory.mktemp("compare")
    out = root / "out" / "compare.csv"
    done = compare(root / "data", "--job", SAMPLE_JOBS / "senior_data_engineer.md",
                   "--resumes", SAMPLE_RESUMES, "--out", out)
    return done, out


def test_writes_the_long_format_for_every_requirement_and_candidate(sample_run) -> None:
    done, out = sample_run
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns)[:4] == ["requirement", "kind", "candidate", "score"]
    assert {"evidence", "status", "fit"} <= set(table.columns)
    assert len(table) == N_RESUMES * N_REQUIREMENTS
    names = {p.stem for p in SAMPLE_RESUMES.iterdir()}
    assert set(table["candidate"]) == names  # candidates are file stems
    assert table["requirement"].nunique() == N_REQUIREMENTS
    # Evidence is a passage of that resume (without its list marker, which a spreadsheet
    # would read as a formula), and blank where there is none.
    texts = {p.stem: " ".join(p.read_text(encoding="utf-8").split())
             for p in SAMPLE_RESUMES.iterdir()}
    has = table[table["status"] == "evidence"]
    assert len(has) > 0 and all(row.evidence in texts[row.candidate]
                                for row in has.itertuples())
    assert (table.loc[table["status"] == "no evidence", "evidence"] == "").all()


def test_best_fit_first_and_the_summary(sample_run) -> None:
    done, out = sample_run
    table = pd.read_csv(out, keep_default_na=False)
    first_two = list(dict.fromkeys(table["candidate"]))[:2]
    assert set(first_two) == {"alice_nguyen_data_engineer", "omar_haddad_career_changer"}
    nurse = table[table["candidate"] == "grace_kim_icu_registered_nurse"]
    # Issue 11: ``fit`` is the ranking's 0-100 fit; the share of requirements met is
    # ``coverage``.
    assert (nurse["status"] == "no evidence").all() and (nurse["coverage"] == 0).all()
    assert (nurse["fit"] < 50).all()
    kafka = table[(table["candidate"] == "omar_haddad_career_changer")
                  & table["requirement"].str.contains("Kafka")]
    # The evidence cell shows the passage without its list marker (issue 11).
    assert kafka["evidence"].iloc[0].startswith("Developed a Kafka consumer")
    assert "senior_data_engineer: 11 requirements (7 required, 4 nice to have)" in done.stdout
    assert f"wrote {out}" in done.stderr


def test_refuses_a_missing_job_file_before_loading_the_model(tmp_path: Path) -> None:
    done = compare(tmp_path / "data", "--job", tmp_path / "nope.md",
                   "--resumes", SAMPLE_RESUMES, "--out", tmp_path / "x.csv")
    assert done.returncode == 2
    assert "--job must hold one job description" in done.stderr
    assert not (tmp_path / "x.csv").exists()
