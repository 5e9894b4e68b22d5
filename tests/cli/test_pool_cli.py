"""``python -m resumatch pool ...`` and ``purge --candidate`` as scripts run them: real
processes, the real model, the sample resumes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from fixtures_docs import ROOT, SAMPLE_JOBS, SAMPLE_RESUMES
from pool_support import rows_mentioning

from resumatch.store import Store


def cli(data_dir: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "resumatch", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def test_add_search_list_and_purge_one_candidate(data_dir: Path, tmp_path: Path) -> None:
    # A second copy of Alice (exact duplicate) and a newer version of her resume.
    alice = SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt"
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(alice, extra / "alice_copy.txt")
    newer = alice.read_text(encoding="utf-8") + "\n- Mentored two junior data engineers\n"
    (extra / "alice_2025.txt").write_text(newer, encoding="utf-8")
    (extra / "broken.pdf").write_bytes(b"%PDF-1.4 not really")

    added = cli(data_dir, "pool", "add", SAMPLE_RESUMES, extra)
    assert added.returncode == 0, added.stderr
    assert "alice_nguyen_data_engineer.txt: added as candidate 1" in added.stderr
    assert "alice_copy.txt: same text as" in added.stderr  # exact duplicate, skipped
    assert "skipped, exact duplicate" in added.stderr
    assert "alice_2025.txt: added as candidate 13, possible duplicate of candidate 1" \
        in added.stderr
    assert "broken.pdf" in added.stderr
    again = cli(data_dir, "pool", "add", alice)
    assert "alice_nguyen_data_engineer.txt: skipped, exact duplicate of candidate 1" \
        in again.stderr

    out = tmp_path / "ranked.csv"
    found = cli(data_dir, "pool", "search", "--job", SAMPLE_JOBS / "senior_data_engineer.md",
                "--top", "5", "--out", out)
    assert found.returncode == 0, found.stderr
    assert "searched 13 candidates" in found.stderr
    ranked = pd.read_csv(out)
    assert {"candidate", "score", "rank", "fit", "years_experience", "degree",
            "title"} <= set(ranked.columns)
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5]
    assert set(ranked["candidate"].head(2)) == {"alice_nguyen_data_engineer", "alice_2025"}

    filtered = cli(data_dir, "pool", "search", "--job", SAMPLE_JOBS / "icu_registered_nurse.txt",
                   "--min-years", "4", "--degree", "bachelor", "--skills", "ICU",
                   "--out", out)
    assert filtered.returncode == 0, filtered.stderr
    nurses = pd.read_csv(out)
    assert len(nurses) >= 1 and (nurses["years_experience"] >= 4).all()
    assert nurses["candidate"].iloc[0] == "grace_kim_icu_registered_nurse"

    # Save the nurse job as an opening, search it by id, export it (no one placed yet).
    saved = cli(data_dir, "pool", "opening", "--name", "ICU nurse",
                SAMPLE_JOBS / "icu_registered_nurse.txt")
    assert saved.returncode == 0 and saved.stdout.strip() == "1", saved.stderr
    by_id = cli(data_dir, "pool", "search", "--opening", "1", "--top", "1", "--out", out)
    assert by_id.returncode == 0 and pd.read_csv(out)["candidate"].tolist() == [
        "grace_kim_icu_registered_nurse"]
    exported = tmp_path / "opening.csv"
    assert cli(data_dir, "pool", "export", "--opening", "1", "--out", exported).returncode == 0
    assert exported.read_text(encoding="utf-8").startswith(
        "candidate_id,candidate,email,phone,source,opening,stage,rating,fit,must_haves_met")

    listing = tmp_path / "pool.csv"
    assert cli(data_dir, "pool", "list", "--out", listing).returncode == 0
    pool = pd.read_csv(listing)
    assert len(pool) == 13 and {"id", "name", "duplicate_of", "years_experience",
                                "degree", "title", "skills"} <= set(pool.columns)
    assert pool.set_index("name").loc["alice_2025", "duplicate_of"] == 1

    # The newer version is the same person: merge it, then erase Alice with both files.
    assert cli(data_dir, "pool", "merge", "1", "13").returncode == 0
    store = Store(data_dir / "resumatch.sqlite3")
    text = alice.read_text(encoding="utf-8")
    with store.connect() as conn:
        hashes = [r["sha256"] for r in conn.execute(
            "SELECT sha256 FROM candidate_documents WHERE candidate_id = 1").fetchall()]
    refused = cli(data_dir, "purge", "--candidate", "1")
    assert refused.returncode == 1 and "pass --yes" in refused.stderr
    erased = cli(data_dir, "purge", "--candidate", "1", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert erased.stdout.startswith("deleted candidate 1 (2 document(s), logged by hash)")
    assert len(hashes) == 2
    assert rows_mentioning(store, [text.split("\n")[4], "alice@example.com"],
                           hashes) == {}
    assert cli(data_dir, "purge", "--candidate", "1", "--yes").returncode == 2
    assert len(pd.read_csv(listing)) == 13  # the earlier file is the user's own business
    assert cli(data_dir, "pool", "list", "--out", listing).returncode == 0
    assert len(pd.read_csv(listing)) == 11
