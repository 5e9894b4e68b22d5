"""``python -m resumatch ingest`` and ``reembed`` as scripts run them: real processes, the
real model, the sample resumes; the local engine, and joining a running Ray cluster by
address (Ray started on this machine by the job itself is tested in
``tests/unit/scale/test_ray_ingest.py``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_docs import ROOT, SAMPLE_RESUMES

from resumatch.embed.embedding import DEFAULT_CHUNKING
from resumatch.scale.job_rows import list_jobs
from resumatch.store import Store


def cli(data_dir: Path, *args: str | Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    env.update(extra_env)
    return subprocess.run([sys.executable, "-m", "resumatch", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


def last_json(result: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_ingest_reports_per_file_and_a_rerun_embeds_nothing(data_dir: Path,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    shutil.copytree(SAMPLE_RESUMES, folder)
    shutil.copy(SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt", folder / "zz_alice_copy.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")

    first = cli(data_dir, "ingest", folder)
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert any(line.startswith("broken.pdf: ") for line in lines)
    assert any(line.startswith("empty.txt: empty file") for line in lines)
    assert "zz_alice_copy.txt: same text as" in first.stderr
    assert "reading: 100%" in first.stderr and "embedding: 100%" in first.stderr  # tqdm
    counts = last_json(first)
    assert (counts["status"], counts["engine"], counts["model_id"]) == ("done", "local", "base")
    assert (counts["documents"], counts["embedded"], counts["added"], counts["unreadable"]) == (
        12, 12, 12, 2)

    store = Store(data_dir / "resumatch.sqlite3")
    with store.connect() as conn:
        hashes = [row["sha256"] for row in conn.execute("SELECT sha256 FROM candidates")]
    assert len(hashes) == 12
    assert set(store.get_embeddings(hashes, "base", DEFAULT_CHUNKING.key)) == set(hashes)
    assert list_jobs(store, limit=1)[0].status == "done"  # the admin page shows CLI runs

    again = cli(data_dir, "ingest", folder, "--strict", "--quiet")
    assert again.returncode == 2  # two unreadable files and --strict
    counts = last_json(again)
    assert (counts["skipped"], counts["embedded"], counts["added"]) == (12, 0, 0)
    assert "alice_nguyen_data_engineer.txt: skipped, exact duplicate of candidate" \
        in again.stderr
    assert "reading:" not in again.stderr and "embedding:" not in again.stderr

    models = cli(data_dir, "reembed", "--model", "base", "--quiet")
    assert models.returncode == 0, models.stderr
    assert (last_json(models)["skipped"], last_json(models)["embedded"]) == (12, 0)


def test_bad_requests_exit_2_with_a_reason(data_dir: Path, tmp_path: Path) -> None:
    nothing = cli(data_dir, "ingest", tmp_path / "missing")
    assert nothing.returncode == 2
    assert "no such file or folder" in nothing.stderr
    assert "no readable resume" in nothing.stderr

    assert "give at least one PATH" in cli(data_dir, "ingest").stderr
    wrong = cli(data_dir, "ingest", SAMPLE_RESUMES, "--ray-address", "127.0.0.1:6379")
    assert wrong.returncode == 2 and "need --engine ray" in wrong.stderr
    unknown = cli(data_dir, "reembed", "--model", "v-nope")
    assert unknown.returncode == 2 and "unknown model version 'v-nope'" in unknown.stderr
    assert cli(data_dir, "reembed").returncode == 2
    assert cli(data_dir, "ingest", "--job", "nope").returncode == 2


# A stand-in Ray cluster: a process that starts Ray, prints its address and waits.
CLUSTER = """
import signal, sys, time, ray
ray.init(num_cpus=2, include_dashboard=False)
print(ray.get_runtime_context().gcs_address, flush=True)
signal.signal(signal.SIGTERM, lambda *_: (ray.shutdown(), sys.exit(0)))
while True:
    time.sleep(1)
"""


@pytest.mark.slow
def test_ingest_joins_a_running_ray_cluster_and_leaves_it_running(data_dir: Path,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("alice_nguyen_data_engineer.txt", "priya_raman_ml_engineer.md"):
        shutil.copy(SAMPLE_RESUMES / name, folder / name)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    cluster = subprocess.Popen([sys.executable, "-c", CLUSTER], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        address = cluster.stdout.readline().strip()
        assert address, "the stand-in cluster did not start"
        # Ray 2.60 protects clusters it starts with a token (in ~/.ray/auth_token here).
        joined = cli(data_dir, "ingest", folder, "--engine", "ray", "--ray-address", address,
                     "--quiet", RAY_AUTH_MODE="token")
        assert joined.returncode == 0, joined.stderr
        assert f"{address}, 2 CPUs)" in joined.stderr  # the engine named the cluster
        assert (last_json(joined)["engine"], last_json(joined)["embedded"]) == ("ray", 2)
        assert cluster.poll() is None  # the job disconnected; the cluster runs on
    finally:
        cluster.terminate()
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, 9)
            cluster.wait()
