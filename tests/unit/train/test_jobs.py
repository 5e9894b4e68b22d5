"""Fine-tune jobs: separate processes, dead-process detection, cancel, time estimates."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from resumatch.embed.embedding import SentenceTransformerEncoder, base_model_path
from resumatch.embed.registry import BASE_ID, ModelRegistry
from resumatch.store import Store
from resumatch.train import jobs, runs
from resumatch.train.pairs import Pair, load_pairs, save_dataset
from resumatch.train.training import TrainingParams
from tests.conftest import ASSETS


def wait_until(condition: Callable[[], bool], timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.3)


@pytest.fixture
def dataset_id(store: Store) -> int:
    return save_dataset(store, "sample", load_pairs(ASSETS / "sample_pairs.csv").pairs).id


@pytest.fixture
def stand_in(store: Store, dataset_id: int) -> Iterator[tuple[jobs.Run, subprocess.Popen]]:
    """A running run whose 'training process' only sleeps (its argv names the run)."""
    run = jobs.create_run(store, dataset_id, {})
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", run.id],
                               start_new_session=True)
    jobs.update_run(store, run.id, status="running", pid=process.pid)
    yield jobs.get_run(store, run.id), process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.store_backends
def test_a_dead_training_process_marks_its_run_failed(store: Store, stand_in) -> None:
    run, process = stand_in
    assert jobs.refresh(store, run.id).status == "running"
    os.kill(process.pid, signal.SIGKILL)
    wait_until(lambda: jobs.refresh(store, run.id).status == "failed", 30)
    failed = jobs.get_run(store, run.id)
    assert "stopped unexpectedly" in failed.message
    assert "active model is unchanged" in failed.message
    assert jobs.active_run(store) is None


@pytest.mark.store_backends
def test_cancel_stops_the_process_group(store: Store, stand_in) -> None:
    run, process = stand_in
    jobs.cancel(store, run.id)
    wait_until(lambda: jobs.refresh(store, run.id).status == "cancelled", 30)
    assert process.poll() is not None


@pytest.mark.store_backends
def test_only_one_run_at_a_time(store: Store, settings, stand_in, dataset_id: int) -> None:
    run, _ = stand_in
    with pytest.raises(RuntimeError, match=f"{run.id} is still in progress"):
        jobs.start_training(settings, store, dataset_id, TrainingParams().to_dict())


def test_a_reused_pid_is_not_taken_for_the_training_process() -> None:
    assert jobs.process_alive(os.getpid())
    assert not jobs.process_alive(os.getpid(), "run-that-is-not-in-my-argv")
    assert not jobs.process_alive(None)


@pytest.mark.store_backends
def test_a_run_that_never_got_a_process_fails(store: Store, dataset_id: int,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    run = jobs.create_run(store, dataset_id, {})
    assert jobs.refresh(store, run.id).status == "starting"
    monkeypatch.setattr(jobs, "START_TIMEOUT_S", -1.0)
    assert jobs.refresh(store, run.id).status == "failed"


@pytest.mark.store_backends
def test_run_rows_round_trip(store: Store, dataset_id: int) -> None:
    run = jobs.create_run(store, dataset_id, {"epochs": 1})
    jobs.update_run(store, run.id, step=3, total_steps=9, loss=0.25, metrics={"a": 1})
    stored = jobs.get_run(store, run.id)
    assert (stored.step, stored.total_steps, stored.loss, stored.metrics) == (3, 9, 0.25,
                                                                              {"a": 1})
    assert stored.fraction == pytest.approx(1 / 3)
    assert jobs.list_runs(store)[0].id == run.id
    with pytest.raises(ValueError, match="unknown run fields"):
        jobs.update_run(store, run.id, nope=1)
    with pytest.raises(KeyError):
        jobs.get_run(store, "run-missing")


@pytest.mark.store_backends
def test_estimates_prefer_a_finished_run_then_a_stored_calibration(store: Store,
                                                                   dataset_id: int) -> None:
    params = TrainingParams()
    assert jobs.estimate_time(store, base_model_path(), dataset_id, params,
                              measure=False) is None
    key = "speed:" + json.dumps([dataset_id, 8, params.max_seq_length,
                                 params.freeze_embeddings, params.frozen_layers])
    store.set_setting(key, json.dumps({"seconds_per_step": 2.0, "steps": 3, "at": 0}))
    stored = jobs.estimate_time(store, base_model_path(), dataset_id, params, measure=False)
    assert stored.seconds_per_step == 2.0 and "timed on" in stored.method
    run = jobs.create_run(store, dataset_id, params.to_dict())
    jobs.update_run(store, run.id, status="done", metrics={"seconds_per_step": 1.5})
    measured = jobs.estimate_time(store, base_model_path(), dataset_id, params, measure=False)
    assert measured.seconds_per_step == 1.5 and run.id in measured.method
    # Other speed settings need their own measurement.
    assert jobs.estimate_time(store, base_model_path(), dataset_id,
                              TrainingParams(max_seq_length=64), measure=False) is None


@pytest.mark.slow
def test_killed_or_cancelled_training_leaves_the_active_model_serving(
        store: Store, settings, dataset_id: int) -> None:
    registry = ModelRegistry(store, settings.models_dir)
    params = TrainingParams(epochs=50).to_dict()  # far longer than the test waits

    def training_started(run_id: str) -> bool:
        run = jobs.refresh(store, run_id)
        assert run.status in runs.ACTIVE, run.message + jobs.log_tail(run)
        return run.step >= 1

    killed = jobs.start_training(settings, store, dataset_id, params, session="test")
    wait_until(lambda: training_started(killed.id))
    os.killpg(jobs.get_run(store, killed.id).pid, signal.SIGKILL)
    wait_until(lambda: jobs.refresh(store, killed.id).status == "failed", 60)

    cancelled = jobs.start_training(settings, store, dataset_id, params, session="test")
    wait_until(lambda: training_started(cancelled.id))
    jobs.cancel(store, cancelled.id)
    wait_until(lambda: jobs.refresh(store, cancelled.id).status == "cancelled", 60)
    assert "unchanged" in jobs.get_run(store, cancelled.id).message
    wait_until(lambda: not jobs.process_alive(cancelled.pid, cancelled.id), 60)

    assert [v.id for v in registry.versions()] == [BASE_ID]
    assert registry.active().id == BASE_ID
    assert not list(settings.models_dir.glob(".partial-*"))
    encoder = SentenceTransformerEncoder(registry.active().path, registry.active().id)
    assert encoder.encode([Pair("a", "b", 0.5).resume]).shape == (1, 384)
    actions = [row["action"] for row in store.audit_rows()]
    assert "train_cancelled" in actions


@pytest.mark.store_backends
def test_the_training_process_opens_the_callers_store_and_models_dir(
        store: Store, settings, dataset_id: int, tmp_path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The process gets the store and the models directory from the settings it was started
    with, not from whatever this process's environment says."""
    monkeypatch.delenv("RESUMATCH_DATABASE_URL", raising=False)
    settings = dataclasses.replace(settings, models_dir=tmp_path / "shared-models")
    env = jobs.training_env(settings)
    assert env["RESUMATCH_MODELS_DIR"] == str((tmp_path / "shared-models").resolve())
    assert env.get("RESUMATCH_DATABASE_URL") == settings.database_url
    run = jobs.create_run(store, dataset_id, {})
    jobs.update_run(store, run.id, status="done")
    done = subprocess.run([sys.executable, "-m", "resumatch", "train", run.id],
                          cwd=jobs.PACKAGE_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    # Only a process reading this very store knows the run, and that it is finished.
    assert f"run {run.id} is done, not waiting to start" in done.stderr, done.stderr
    assert done.returncode == 2


@pytest.mark.store_backends
def test_a_run_on_another_host_is_left_to_that_host(store: Store, stand_in,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another app server sees the run but never judges or signals its process id."""
    run, process = stand_in
    jobs.update_run(store, run.id, params={**run.params, "host": "other-server"})
    os.kill(process.pid, signal.SIGKILL)  # a pid that means nothing here
    process.wait()
    assert jobs.refresh(store, run.id).status == "running"
    assert jobs.active_run(store).id == run.id
    assert jobs.cancel(store, run.id).status == "cancelling"  # no signal sent from here
    monkeypatch.setattr(jobs, "REMOTE_CANCEL_GRACE_S", -1.0)  # its host never answered
    cancelled = jobs.refresh(store, run.id)
    assert cancelled.status == "cancelled" and "other-server" in cancelled.message


@pytest.mark.store_backends
def test_the_training_process_stops_on_a_cancel_from_another_server(
        store: Store, settings, dataset_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from resumatch.train import training

    run = jobs.create_run(store, dataset_id, {})

    def fake_train(registry, pairs, params, name, run_id, report):  # noqa: ANN001, ANN202
        report(training.TrainingProgress(1, 10, 0.1, message="training"))
        jobs.update_run(store, run_id, status="cancelling")  # the admin of another server
        report(training.TrainingProgress(2, 10, 0.2, message="training"))
        raise AssertionError("training went on after the cancel")

    monkeypatch.setattr(training, "train_version", fake_train)
    assert jobs.run_training(settings, run.id) == 130
    stopped = jobs.get_run(store, run.id)
    assert (stopped.status, stopped.step) == ("cancelled", 1)
