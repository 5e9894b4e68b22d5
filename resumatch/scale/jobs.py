"""Bulk jobs as processes: ``python -m resumatch ingest|reembed --job JOB_ID``.

The admin page creates a job row (``resumatch.scale.job_rows``) and starts a separate
process for it; the process writes its progress into the row, and any page, on any app
server, reads it back. The CLI runs the same job code in its own process, with a row too,
so an ingest started from a shell shows on the admin page as well. A job survives page
reloads, can be cancelled from any server (a status the process reads after every
written batch; on its own host the page also sends SIGTERM), and cannot disturb serving:
it writes only cache rows and pool additions.

Liveness follows training runs (``resumatch.train.jobs``): the row names its host; only
that host judges by process id whether the process still lives. A job on another host
that has written nothing for ``STALE_S`` is taken for lost (its host died).

Example:
    >>> job = start_job(settings, store, "ingest", {"paths": ["/srv/cvs"]})  # doctest: +SKIP
    >>> refresh(store, job.id).status  # doctest: +SKIP
    'running'
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resumatch.config import Settings
from resumatch.embed.registry import ModelRegistry
from resumatch.ingest.documents import Document, ReadError, dedupe, iter_files
from resumatch.pool.candidates import AddOutcome
from resumatch.scale.bulk import BulkProgress, ingest, reembed
from resumatch.scale.engine import ENGINES, Engine, encoder_spec, make_engine
from resumatch.scale.job_rows import (
    MAX_ERRORS,
    ScaleJob,
    create_job,
    get_job,
    list_jobs,
    record_progress,
    update_job,
)
from resumatch.store import Store, open_store
from resumatch.train.jobs import PACKAGE_ROOT, process_alive, training_env

KILL_AFTER_S = 30.0  # a cancelled job still alive after this long is killed outright
START_TIMEOUT_S = 120.0  # a job that never reported a process id is given up after this
STALE_S = 1800.0  # a job on another host silent this long is lost (its host died)
KEPT = "what was embedded is kept; run it again to continue"


class JobCancelled(Exception):
    """Raised inside a job's process when it is cancelled (SIGTERM or the row's status)."""


@dataclass
class JobHooks:
    """What a foreground (CLI) run shows while the job runs; all optional."""

    on_read: Callable[[int, int], None] | None = None  # (files read, files)
    on_errors: Callable[[list[ReadError]], None] | None = None
    on_notes: Callable[[list[str]], None] | None = None  # duplicate files in the input
    on_progress: Callable[[BulkProgress], None] | None = None
    on_outcomes: Callable[[list[AddOutcome]], None] | None = None


# -- checks before a job ---------------------------------------------------------------------
def check_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """Server-side paths an admin typed: (absolute paths to ingest, problems).

    A path must exist and be a readable folder or file; relative paths are refused (the
    job runs in another directory).
    """
    good, problems = [], []
    for raw in paths:
        text = raw.strip()
        if not text:
            continue
        path = Path(text).expanduser()
        if not path.is_absolute():
            problems.append(f"{text}: give an absolute path on the server (e.g. /srv/resumes)")
        elif not path.exists():
            problems.append(f"{text}: no such file or folder on the server")
        elif not (path.is_dir() or path.is_file()):
            problems.append(f"{text}: not a folder or a regular file")
        elif not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
            problems.append(f"{text}: not readable by the app server's user")
        else:
            good.append(str(path.resolve()))
    if not good and not problems:
        problems.append("give a folder or file path on the server")
    return good, problems


def count_files(paths: list[str]) -> int:
    """How many files an ingest of ``paths`` would read (folders expanded)."""
    return sum(1 for _ in iter_files(paths))


# -- starting, watching, cancelling -----------------------------------------------------------
def on_this_host(job: ScaleJob) -> bool:
    return not job.host or job.host == socket.gethostname()


def refresh(store: Store, job_id: str) -> ScaleJob:
    """The job's current state; a job whose process is gone is marked failed (or
    cancelled, when a cancel was asked for)."""
    job = get_job(store, job_id)
    if not job.active:
        return job
    now = time.time()
    if job.pid is None:
        if now - job.created > START_TIMEOUT_S:
            update_job(store, job.id, status="failed", eta_s=None,
                       message=f"the job's process never started; {KEPT}")
        return get_job(store, job_id)
    if not on_this_host(job):  # its process id means nothing here
        if now - job.updated > STALE_S:
            update_job(store, job.id, status="failed" if job.status != "cancelling"
                       else "cancelled", eta_s=None,
                       message=f"no word from the job on {job.host} for "
                               f"{STALE_S / 60:.0f} min (host down?); {KEPT}")
        return get_job(store, job_id)
    background = not job.params.get("foreground")
    # A background process has the job id on its command line; a CLI run does not.
    if process_alive(job.pid, job.id if background else None):
        if job.status == "cancelling" and background and now - job.updated > KILL_AFTER_S:
            _signal(job.pid, signal.SIGKILL, group=True)
        return job
    job = get_job(store, job_id)  # the process may have written its last state meanwhile
    if not job.active:
        return job
    if job.status == "cancelling":
        update_job(store, job.id, status="cancelled", eta_s=None, message=f"cancelled; {KEPT}")
    else:
        update_job(store, job.id, status="failed", eta_s=None,
                   message=f"the job's process stopped unexpectedly (killed or out of "
                           f"memory?); {KEPT}")
    return get_job(store, job_id)


def active_job(store: Store) -> ScaleJob | None:
    """The bulk job in progress, if any (dead processes are noticed on the way)."""
    for job in list_jobs(store, limit=20):
        if job.active:
            job = refresh(store, job.id)
            if job.active:
                return job
    return None


def start_job(settings: Settings, store: Store, kind: str, params: dict[str, Any],
              engine: str = "local", session: str = "cli") -> ScaleJob:
    """Create a job row and start ``python -m resumatch <kind> --job JOB_ID`` for it.

    One bulk job at a time across all servers (checked in the row's transaction).

    Raises:
        ValueError: an unknown kind or engine.
        RuntimeError: another bulk job is in progress, or the process cannot start.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    active_job(store)  # marks jobs whose process died, so they do not block this one
    log_dir = settings.runs_dir  # beside the models: every server can show the log
    log_dir.mkdir(parents=True, exist_ok=True)
    job = create_job(store, kind, {**params, "session": session}, engine=engine,
                     host=socket.gethostname())
    log_path = log_dir / f"{job.id}.log"
    update_job(store, job.id, params={**job.params, "log": str(log_path.resolve())})
    try:
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "resumatch", kind, "--job", job.id],
                cwd=PACKAGE_ROOT, env=training_env(settings), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as err:
        update_job(store, job.id, status="failed",
                   message=f"could not start the job's process: {err}")
        raise RuntimeError(f"could not start the job's process: {err}") from err
    update_job(store, job.id, pid=process.pid)
    return get_job(store, job.id)


def cancel(store: Store, job_id: str) -> ScaleJob:
    """Ask the job to stop: its process reads the status after its next batch; on this
    host a background process also gets SIGTERM. What was written stays."""
    job = get_job(store, job_id)
    if not job.active:
        return job
    update_job(store, job.id, status="cancelling", message="cancelling…")
    if job.pid and on_this_host(job) and not job.params.get("foreground"):
        _signal(job.pid, signal.SIGTERM)
    return refresh(store, job.id)


def _signal(pid: int, sig: int, group: bool = False) -> None:
    try:
        if group:  # a background job leads its own session: this reaches local Ray too
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def log_tail(job: ScaleJob, lines: int = 20) -> str:
    """The last lines of the job's process output (empty when there is none)."""
    path = job.log_path
    if path is None or not path.exists():
        return ""
    text = path.read_bytes()[-20000:].decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


# -- the job itself -----------------------------------------------------------------------------
def foreground_job(store: Store, kind: str, params: dict[str, Any],
                   engine: str = "local") -> ScaleJob:
    """A row for a job this process runs itself (the CLI), already ``starting``."""
    return create_job(store, kind, {**params, "foreground": True}, engine=engine,
                      host=socket.gethostname(), pid=os.getpid())


def read_inputs(engine: Engine, paths: list[str], max_bytes: int | None, hooks: JobHooks,
                check: Callable[[], None]) -> tuple[list[Document], list[ReadError], list[str]]:
    """Read the files of an ingest on the engine (a progress step per batch of files);
    returns (distinct documents, read errors, notes on duplicate texts)."""
    files = [str(path) for path in iter_files(paths)]  # folders expanded on the driver
    docs: list[Document] = []
    errors: list[ReadError] = []
    done = 0
    for count, got, failed in engine.read(files, max_bytes):
        docs.extend(got)
        errors.extend(failed)
        done += count
        if hooks.on_errors is not None and failed:
            hooks.on_errors(failed)
        if hooks.on_read is not None:
            hooks.on_read(done, len(files))
        check()
    docs, notes = dedupe(docs)
    if hooks.on_notes is not None and notes:
        hooks.on_notes(notes)
    return docs, errors, notes


def run_job(settings: Settings, job_id: str, hooks: JobHooks | None = None) -> int:
    """Do the work of one job (its own process, or the CLI's). Returns the exit code: 0
    done, 1 failed, 2 not runnable, 130 cancelled; the row says what happened."""
    hooks = hooks or JobHooks()
    store = open_store(settings)
    try:
        job = get_job(store, job_id)
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 2
    if job.status != "starting":
        print(f"error: job {job_id} is {job.status}, not waiting to start", file=sys.stderr)
        return 2
    session = str(job.params.get("session", "cli"))

    def check() -> None:
        if get_job(store, job_id).status == "cancelling":  # a Cancel from any server
            raise JobCancelled()

    def on_read(done: int, total: int) -> None:
        update_job(store, job_id, message=f"reading files: {done} of {total}")
        if hooks.on_read is not None:
            hooks.on_read(done, total)

    def on_progress(progress: BulkProgress) -> None:
        record_progress(store, job_id, progress)  # what is written, before stopping
        if hooks.on_progress is not None:
            hooks.on_progress(progress)
        check()

    def on_sigterm(signum: int, frame: Any) -> None:
        raise JobCancelled()

    # The handler first: a Cancel arriving as soon as the row says "running" stops cleanly.
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    errors: list[ReadError] = []
    progress: BulkProgress | None = None
    try:
        update_job(store, job_id, status="running", pid=os.getpid(),
                   host=socket.gethostname(), message="starting")
        registry = ModelRegistry(store, settings.models_dir)
        model = job.params.get("model")
        version = registry.get(model) if model else registry.active()
        update_job(store, job_id, message=f"preparing model {version.id}")
        spec = encoder_spec(settings, store, version)
        update_job(store, job_id, model_id=spec.model_id)
        update_job(store, job_id, message=f"starting the {job.engine} engine")
        with make_engine(job.engine, job.params.get("ray_address") or None,
                         job.params.get("actors"), job.params.get("cpus_per_actor")) as engine:
            if job.kind == "ingest":
                read_hooks = JobHooks(on_read=on_read, on_errors=hooks.on_errors,
                                      on_notes=hooks.on_notes)
                docs, errors, _ = read_inputs(engine, list(job.params.get("paths") or []),
                                              settings.max_upload_bytes, read_hooks, check)
                update_job(store, job_id, failed=len(errors), total=len(docs),
                           errors=[(e.source, e.reason) for e in errors[:MAX_ERRORS]])
                check()
                progress = ingest(store, docs, spec, engine, session=session,
                                  on_progress=on_progress, on_outcomes=hooks.on_outcomes,
                                  failed=len(errors))
            else:
                progress = reembed(store, spec, engine, on_progress=on_progress)
    except (JobCancelled, KeyboardInterrupt):
        current = get_job(store, job_id)
        update_job(store, job_id, status="cancelled", eta_s=None,
                   message=f"cancelled after {current.done} of "
                           f"{max(current.total - current.skipped, 0)} embedded; {KEPT}")
        store.audit(session, f"{job.kind}_cancelled", detail={"job": job_id})
        print(f"[{job_id}] cancelled", file=sys.stderr)
        return 130
    except Exception as err:  # the reason goes to the row; the traceback to the log
        traceback.print_exc()
        update_job(store, job_id, status="failed", eta_s=None,
                   message=f"{type(err).__name__}: {err}"[:500] + f"; {KEPT}")
        store.audit(session, f"{job.kind}_failed", detail={"job": job_id, "error": str(err)})
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    record_progress(store, job_id, progress)
    update_job(store, job_id, status="done", eta_s=0.0, message=progress.summary()[:500])
    store.audit(session, job.kind, model_id=progress.model_id,
                detail={"job": job_id, "engine": progress.engine, "total": progress.total,
                        "skipped": progress.skipped, "embedded": progress.done,
                        "added": progress.added, "unreadable": len(errors),
                        "docs_per_s": round(progress.rate or 0.0, 2)})
    return 0
