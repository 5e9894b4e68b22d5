"""``python -m resumatch rank`` as a user runs it: a real process, the real model, the samples.

Each model-loading run costs seconds, so the runs are few and shared: the first run (cold
cache) and a second, ``--strict`` run over the same data directory (warm cache).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES, blank_pdf_bytes

from resumatch.cli import build_parser

N_RESUMES, N_JOBS = 12, 4
EXPECTED_BEST = {
    "senior_data_engineer": "alice_nguyen_data_engineer",
    "frontend_developer": "marcus_lee_frontend_developer",
    "icu_registered_nurse": "grace_kim_icu_registered_nurse",
}


@dataclass
class Run:
    returncode: int
    stderr: str
    out: Path


def rank(data_dir: Path, out: Path, *args: str | Path) -> Run:
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "resumatch", "rank", *map(str, args), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return Run(done.returncode, done.stderr, out)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "scan.pdf").write_bytes(blank_pdf_bytes())
    return root


@pytest.fixture(scope="module")
def first_run(workdir: Path) -> Run:
    """The samples plus one unreadable PDF, on an empty cache."""
    return rank(workdir / "data", workdir / "out" / "matches.csv",
                "--resumes", SAMPLE_RESUMES, workdir / "scan.pdf", "--jobs", SAMPLE_JOBS)


def test_writes_one_row_per_pair_with_rank_1_per_job(first_run: Run) -> None:
    assert first_run.returncode == 0, first_run.stderr
    table = pd.read_csv(first_run.out)
    assert {"job", "resume", "score", "rank"} <= set(table.columns)  # "at least" these
    assert len(table) == N_RESUMES * N_JOBS == 48
    assert not table.duplicated(["job", "resume"]).any()
    assert set(table.resume) == {p.stem for p in SAMPLE_RESUMES.iterdir()}  # file stems
    assert set(table.job) == {p.stem for p in SAMPLE_JOBS.iterdir()}
    for _, ranks in table.groupby("job")["rank"]:
        assert sorted(ranks) == list(range(1, N_RESUMES + 1))
    assert table.score.between(-1, 1).all()
    best = table[table["rank"] == 1].set_index("job").resume.to_dict()
    assert len(best) == N_JOBS
    assert {job: best[job] for job in EXPECTED_BEST} == EXPECTED_BEST
    # Rows come job by job, best resume first.
    for _, rows in table.groupby("job", sort=False):
        assert rows["rank"].tolist() == list(range(1, N_RESUMES + 1))


def test_unreadable_file_is_listed_and_the_run_goes_on(first_run: Run) -> None:
    assert first_run.returncode == 0
    lines = first_run.stderr.splitlines()
    assert any(line.startswith("scan.pdf: no text found in the PDF (scanned image?)")
               for line in lines), first_run.stderr
    assert "embedding" in first_run.stderr  # the progress bar
    assert f"ranked {N_RESUMES} resumes x {N_JOBS} jobs" in first_run.stderr
    assert f"({N_RESUMES + N_JOBS} embedded, 0 cached)" in first_run.stderr


def test_second_run_embeds_nothing_and_strict_exits_2(first_run: Run, workdir: Path) -> None:
    second = rank(workdir / "data", workdir / "out" / "again.csv", "--strict",
                  "--resumes", SAMPLE_RESUMES, workdir / "scan.pdf", "--jobs", SAMPLE_JOBS)
    assert second.returncode == 2, second.stderr  # --strict: an unreadable file fails the run
    assert "scan.pdf: no text found" in second.stderr
    assert f"(0 embedded, {N_RESUMES + N_JOBS} cached)" in second.stderr
    core = ["job", "resume", "score", "rank"]
    pd.testing.assert_frame_equal(pd.read_csv(second.out)[core], pd.read_csv(first_run.out)[core])


def test_no_readable_resume_exits_2(workdir: Path) -> None:
    empty = workdir / "no_resumes"
    empty.mkdir()
    run = rank(workdir / "data-empty", workdir / "none.csv",
               "--resumes", empty, "--jobs", SAMPLE_JOBS)
    assert run.returncode == 2
    assert "no readable resume" in run.stderr
    assert not run.out.exists()


def test_rank_is_discovered_as_a_subcommand_with_defaults() -> None:
    args = build_parser().parse_args(["rank", "--resumes", "a", "b", "--jobs", "c"])
    assert args.command == "rank"
    assert args.resumes == ["a", "b"] and args.jobs == ["c"]
    assert args.out == Path("matches.csv")
    assert not args.strict
    with pytest.raises(SystemExit):
        build_parser().parse_args(["rank", "--jobs", "c"])  # --resumes is required
