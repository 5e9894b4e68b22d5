"""Fine-tune jobs: a separate ``python -m resumatch train RUN_ID`` process per run.

The run's row in the store is the only link between the page and the process: the page
creates it and starts the process; the process writes its progress there; any page
(after a reload, in another session, on another app server) reads it back. The row names
the host the process runs on: only that host judges by process id whether it still lives
or signals it; another server's Cancel is a status the process reads at its next step.
A separate process survives page reruns, can be cancelled by its process id, and cannot
corrupt the serving model.

Example:
    >>> run = start_training(settings, store, 1, TrainingParams().to_dict())  # doctest: +SKIP
    >>> refresh(store, run.id).status  # doctest: +SKIP
    'running'
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from resumatch.config import Settings
from resumatch.store import Store, open_store
from resumatch.train.runs import (
    Run,
    create_run,
    get_run,
    list_runs,
    update_run,
)

KILL_AFTER_S = 20.0  # a cancelled process still alive after this long is killed outright
# A Cancel from another server that the process (on its own host) has not answered after
# this long: the process is gone (its host died), so the run is marked cancelled.
REMOTE_CANCEL_GRACE_S = 300.0
START_TIMEOUT_S = 120.0  # a run that never reported a process id is given up after this
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
UNCHANGED = "the active model is unchanged"
_CALIBRATION_LOCK = threading.Lock()  # one timing at a time; a second caller reuses it


class TrainingCancelled(Exception):
    """Raised inside the training process when it receives SIGTERM."""



# -- starting, watching, cancelling ----------------------------------------------------------
def active_run(store: Store) -> Run | None:
    """The run in progress, if any (dead processes are noticed on the way)."""
    for run in list_runs(store, limit=20):
        if run.active:
            run = refresh(store, run.id)
            if run.active:
                return run
    return None


def start_training(settings: Settings, store: Store, dataset_id: int,
                   params: dict[str, Any], session: str = "cli") -> Run:
    """Create a run and start ``python -m resumatch train RUN_ID`` for it.

    Only one run at a time: two fine-tunes on a laptop CPU would each take twice as long.
    Raises ``RuntimeError`` naming the run in progress.
    """
    active_run(store)  # marks runs whose process died, so they do not block this one
    log_dir = settings.runs_dir  # beside the models: every server can show the log
    log_dir.mkdir(parents=True, exist_ok=True)
    run = create_run(store, dataset_id, {**params, "session": session}, exclusive=True)
    log_path = log_dir / f"{run.id}.log"
    update_run(store, run.id, params={**run.params, "log": str(log_path.resolve()),
                                      "host": socket.gethostname()})
    env = training_env(settings)
    try:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "resumatch", "train", run.id],
                cwd=PACKAGE_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as err:
        update_run(store, run.id, status="failed",
                   message=f"could not start the training process: {err}; {UNCHANGED}")
        raise RuntimeError(f"could not start the training process: {err}") from err
    update_run(store, run.id, pid=process.pid)
    return get_run(store, run.id)


def training_env(settings: Settings) -> dict[str, str]:
    """The environment of a training process: this one's, pointed at the same store and
    models directory as ``settings`` (absolute paths: the process runs in another
    directory), with the model hub offline and quiet progress bars."""
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(settings.data_dir.resolve()),
           "RESUMATCH_MODELS_DIR": str(settings.models_dir.resolve()),
           "TQDM_DISABLE": "1", "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1",
           "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE"),
           "TRANSFORMERS_OFFLINE": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE_ROOT),
                                                     os.environ.get("PYTHONPATH")) if p)}
    if settings.database_url:
        env["RESUMATCH_DATABASE_URL"] = settings.database_url
    else:  # settings built in code may differ from this process's environment
        env.pop("RESUMATCH_DATABASE_URL", None)
    return env


def process_alive(pid: int | None, run_id: str | None = None) -> bool:
    """Whether ``pid`` is still a live training process (zombies and reused ids are not)."""
    if not pid:
        return False
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False  # our own child, finished: now reaped
    except ChildProcessError:
        pass  # not our child (started by another server process): ask the OS instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                return False
            if run_id and run_id.encode() not in (proc / "cmdline").read_bytes().split(b"\0"):
                return False  # the id was reused by an unrelated process
        except (OSError, IndexError):
            pass
    return True


def on_this_host(run: Run) -> bool:
    """Whether the run's process runs on this machine (runs from before hosts were
    recorded count as local)."""
    host = run.params.get("host")
    return host is None or host == socket.gethostname()


def refresh(store: Store, run_id: str) -> Run:
    """The run's current state; a run whose process is gone is marked failed (or
    cancelled, when a cancel was asked for). A run on another host is left to that host,
    except a Cancel its process never answered."""
    run = get_run(store, run_id)
    if not run.active:
        return run
    now = time.time()
    if run.pid is None:
        if now - run.created > START_TIMEOUT_S:
            update_run(store, run.id, status="failed",
                       message=f"the training process never started; {UNCHANGED}")
        return get_run(store, run_id)
    if not on_this_host(run):  # its process id means nothing here
        if run.status == "cancelling" and now - run.updated > REMOTE_CANCEL_GRACE_S:
            update_run(store, run.id, status="cancelled", eta_s=None,
                       message=f"cancelled (the training process on {run.params['host']} "
                               f"did not answer); {UNCHANGED}")
        return get_run(store, run_id)
    if process_alive(run.pid, run.id):
        if run.status == "cancelling" and now - run.updated > KILL_AFTER_S:
            _signal_group(run.pid, signal.SIGKILL)
        return run
    run = get_run(store, run_id)  # the process may have written its last state meanwhile
    if not run.active:
        return run
    if run.status == "cancelling":
        update_run(store, run.id, status="cancelled", eta_s=None,
                   message=f"cancelled; {UNCHANGED}")
    else:
        update_run(store, run.id, status="failed", eta_s=None,
                   message=f"the training process stopped unexpectedly (killed or out of "
                           f"memory?); {UNCHANGED}")
    return get_run(store, run_id)


def cancel(store: Store, run_id: str) -> Run:
    """Ask the run's process (group) to stop; it cleans up and marks itself cancelled."""
    run = get_run(store, run_id)
    if not run.active:
        return run
    update_run(store, run.id, status="cancelling", message="cancelling…")
    if run.pid and on_this_host(run):  # elsewhere, the process reads the status itself
        _signal_group(run.pid, signal.SIGTERM)
    return refresh(store, run.id)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the process leads its own session: this reaches its children
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def log_tail(run: Run, lines: int = 20) -> str:
    """The last lines of the run's process output (empty when there is none)."""
    path = run.log_path
    if path is None or not path.exists():
        return ""
    text = path.read_bytes()[-20000:].decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


# -- inside the training process ------------------------------------------------------------
def run_training(settings: Settings, run_id: str, echo: bool = False,
                 checks: tuple[Any, ...] = ()) -> int:
    """Do the work of one run (called by ``python -m resumatch train RUN_ID``).

    Returns the exit code; on success the new version id is printed as the last stdout
    line (to the run's log). SIGTERM (Cancel) stops training and removes the partial
    model directory. ``checks``: see ``training.train_version``.
    """
    from resumatch.embed.registry import ModelRegistry
    from resumatch.train.pairs import dataset_pairs, get_dataset
    from resumatch.train.training import TrainingParams, TrainingProgress, train_version

    store = open_store(settings)
    try:
        run = get_run(store, run_id)
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    if run.status != "starting":
        print(f"error: run {run_id} is {run.status}, not waiting to start", file=sys.stderr)
        return 2
    update_run(store, run_id, status="running", pid=os.getpid(), message="starting")

    def on_sigterm(signum: int, frame: Any) -> None:
        raise TrainingCancelled()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    last_echo = [0.0]

    def report(progress: TrainingProgress) -> None:
        if get_run(store, run_id).status == "cancelling":  # a Cancel from another server
            raise TrainingCancelled()
        update_run(store, run_id, step=progress.step, total_steps=progress.total_steps,
                   epoch=progress.epoch, loss=progress.loss, eta_s=progress.eta_s,
                   message=progress.message)
        if echo and (time.monotonic() - last_echo[0] > 2 or progress.message != "training"):
            last_echo[0] = time.monotonic()
            loss = f" loss {progress.loss:.4f}" if progress.loss is not None else ""
            eta = f" eta {progress.eta_s:.0f}s" if progress.eta_s is not None else ""
            print(f"[{run_id}] step {progress.step}/{progress.total_steps} epoch "
                  f"{progress.epoch:.2f}{loss}{eta} {progress.message}", file=sys.stderr)

    session = str(run.params.get("session", "cli"))
    try:
        dataset = get_dataset(store, int(run.dataset_id or 0))
        params = TrainingParams.from_dict(run.params)
        registry = ModelRegistry(store, settings.models_dir)
        hooks = {"checks": checks} if checks else {}  # e.g. the name-swap check
        result = train_version(registry, dataset_pairs(store, dataset.id), params,
                               dataset.name, run_id=run_id, report=report, **hooks)
    except (TrainingCancelled, KeyboardInterrupt):
        update_run(store, run_id, status="cancelled", eta_s=None,
                   message=f"cancelled; {UNCHANGED}")
        store.audit(session, "train_cancelled", detail={"run": run_id})
        print(f"[{run_id}] cancelled", file=sys.stderr)
        return 130
    except Exception as err:  # the reason is shown on the page; the traceback goes to the log
        traceback.print_exc()
        update_run(store, run_id, status="failed", eta_s=None,
                   message=f"{type(err).__name__}: {err}; {UNCHANGED}")
        store.audit(session, "train_failed", detail={"run": run_id, "error": str(err)})
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    version = result.version
    update_run(store, run_id, status="done", version_id=version.id, eta_s=0.0,
               metrics=result.run_metrics(),
               message=f"new version {version.id} (not active until promoted)")
    store.audit(session, "train", model_id=version.id,
                detail={"run": run_id, "dataset": dataset.name, "rows": version.n_rows,
                        "params": params.to_dict(), "metrics": version.metrics,
                        "seconds": round(result.seconds, 1)})
    print(version.id)
    return 0


# -- time estimate before a run ---------------------------------------------------------------
def _speed_settings(params: dict[str, Any]) -> list[Any]:
    """The settings that change how long one step takes."""
    return [params.get(k) for k in ("batch_size", "max_seq_length", "freeze_embeddings",
                                    "frozen_layers")]


def estimate_time(store: Store, base_path: Path, dataset_id: int, params: Any,
                  measure: bool = True) -> Any:
    """How long a run would take: a ``TimeEstimate``, or ``None`` if not measured yet.

    Seconds per step come from, in order: a finished run on the same dataset with the same
    speed settings (its real average); a stored calibration; or a calibration measured
    now (a few optimizer steps on a batch of this dataset, see
    ``training.measure_seconds_per_step``), which is stored for next time.
    """
    from resumatch.train.pairs import dataset_pairs
    from resumatch.train.training import estimate_training_time, measure_seconds_per_step

    pairs = [pair for _, pair in dataset_pairs(store, dataset_id)]
    if not pairs:
        return None
    wanted = _speed_settings(params.to_dict())
    for run in list_runs(store, limit=50):
        seconds = run.metrics.get("seconds_per_step")
        if (run.status == "done" and run.dataset_id == dataset_id and seconds
                and _speed_settings(run.params) == wanted):
            return estimate_training_time(
                float(seconds), len(pairs), params,
                f"average step time of run {run.id} (same dataset and speed settings)")
    key = "speed:" + json.dumps([dataset_id, *wanted])

    def stored_estimate() -> Any:
        stored = store.get_setting(key)
        if not stored:
            return None
        found = json.loads(stored)
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(found["at"]))
        return estimate_training_time(
            found["seconds_per_step"], len(pairs), params,
            f"{found['steps']} optimizer steps on a batch of this dataset timed on {when}")

    estimate = stored_estimate()
    if estimate is not None or not measure:
        return estimate
    steps = 3
    with _CALIBRATION_LOCK:
        estimate = stored_estimate()  # measured by another session meanwhile
        if estimate is not None:
            return estimate
        seconds = measure_seconds_per_step(base_path, pairs, params, steps=steps)
        store.set_setting(key, json.dumps({"seconds_per_step": seconds, "steps": steps,
                                           "at": time.time()}))
    return estimate_training_time(seconds, len(pairs), params,
                                  f"{steps} optimizer steps on a batch of this dataset "
                                  "timed just now")
