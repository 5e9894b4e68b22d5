"""``python -m resumatch purge``: confirmation, what it prints, what it deletes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fixtures_trust import MARKER, bytes_on_disk, seed_candidate_data

from resumatch.cli import main
from resumatch.config import Settings
from resumatch.store import Store

ROOT = Path(__file__).resolve().parents[2]


def purge(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "resumatch", "purge", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_purge_asks_first_then_deletes_with_yes(settings: Settings) -> None:
    store = Store(settings.db_path)
    seed_candidate_data(store)

    refused = purge(settings.data_dir)  # stdin is not a terminal: cannot ask
    assert refused.returncode == 1
    assert "2 documents (resumes and job descriptions)" in refused.stderr
    assert "pass --yes" in refused.stderr
    assert store.count("documents") == 2 and store.count("pairs") == 2

    done = purge(settings.data_dir, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "deleted 2 documents (resumes and job descriptions)",
        "deleted 2 cached embeddings",
        "deleted 1 shortlist entries",
        "deleted 2 labeled pairs (resume and job text)",
        "deleted 1 labeled data sets",
        "kept 1 model versions",
        "kept 1 training runs (parameters and metrics only)",
        "kept 3 audit log rows (hashes and counts only)",
    ]
    for table in ("documents", "embeddings", "shortlist", "pairs", "datasets"):
        assert store.count(table) == 0
    assert store.audit_rows(limit=1)[0]["action"] == "purge"
    assert MARKER.encode() not in bytes_on_disk(store)


def test_purge_can_keep_training_data(settings: Settings) -> None:
    store = Store(settings.db_path)
    seed_candidate_data(store)
    done = purge(settings.data_dir, "--yes", "--keep-training-data")
    assert done.returncode == 0, done.stderr
    assert "kept 2 labeled pairs (resume and job text)" in done.stdout
    assert store.count("documents") == 0 and store.count("pairs") == 2


def test_purge_without_data_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("RESUMATCH_DATA_DIR", str(tmp_path / "nothing"))
    assert main(["purge", "--yes"]) == 0
    assert "nothing to delete" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()
