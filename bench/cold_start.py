"""Cold start: ``python -m resumatch --help`` and the app's first ranking, end to end.

1. ``help_s``: wall time of ``python -m resumatch --help`` in a new process, median of 5
   (the package imports nothing heavy before a command needs it).
2. ``cold_first_rank_s``: the app's first ranking of 50 resumes x 5 jobs as a user sees it.
   Each run starts a fresh ``streamlit run app.py`` on a free port with a fresh
   ``RESUMATCH_DATA_DIR`` (a temporary directory: empty store, empty embedding cache), the
   model already prepared (whatever backend the settings give: ``python -m resumatch
   prepare`` runs first, untimed, when that command exists, else the encoder's own
   ``prepare()``; exports stay in a models directory kept between runs), opens the page
   in headless Debian Chromium (Playwright), uploads the same files through the two
   uploaders and clicks "Rank candidates". Timed from the
   click to the ranked table's first row being visible. Also printed: server start (to
   a healthy ``/_stcore/health``), page load, upload, and the click to the end of that
   script run (``rank_idle_s``: the table plus everything below it), and the server
   process's CPU seconds before the click (``before_click_cpu_s``: start, page, uploads,
   warm-up) and from the click to the table (``rank_cpu_s``): on a shared machine the
   wall times follow the load, the CPU seconds much less. ``upload_to_table_s`` is the
   upload plus the first ranking: since the app embeds uploads as they arrive, part of a
   ranking's work happens before the click, and this is the figure that counts it all.

Inputs, the same every run: the first 50 LiveCareer dev resumes by id from
``../shared/data/livecareer_dev.csv`` (the ``tests/paths.py`` SHARED_DATA convention),
written as ``.txt`` files (the 12 sample resumes from ``assets/`` when the shared data is
missing); jobs: the 4 of ``assets/sample_jobs`` plus the staff accountant description of
``bench/queries_livecareer.csv``.

Run: ``python bench/cold_start.py`` (3 runs, median) or ``--quick`` (1 run). Prints a table,
then one JSON line. Another bench can call ``measure_cold_first_rank(quick=True)``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT / "tests" / "e2e", ROOT / "tests", ROOT):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from e2e_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    ready_to_rank,
    upload,
    wait_for_app,
)
from paths import ASSETS, SHARED_DATA  # noqa: E402

N_RESUMES = 5 * 10
N_JOBS = 5
RANK_TIMEOUT_MS = 300_000
DEFAULT_MODELS_DIR = ROOT / "data" / "cold-start-models"


@dataclass
class ColdRun:
    """Seconds of one cold run, each step timed on its own."""

    server_start_s: float
    page_ready_s: float
    upload_s: float
    cold_first_rank_s: float
    rank_idle_s: float
    before_click_cpu_s: float
    rank_cpu_s: float
    upload_to_table_s: float  # upload_s + cold_first_rank_s: from the first file to the table


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far, all its threads (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def help_seconds(runs: int = 5) -> float:
    """Median wall time of ``python -m resumatch --help`` in a new process (seconds)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "resumatch", "--help"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_inputs(folder: Path) -> tuple[list[Path], list[Path], str]:
    """The bench's resumes and jobs as files in ``folder``; returns them and their source."""
    resume_dir, job_dir = folder / "resumes", folder / "jobs"
    resume_dir.mkdir(parents=True)
    job_dir.mkdir()
    resumes: list[Path] = []
    data = SHARED_DATA / "livecareer_dev.csv"
    if data.exists():
        csv.field_size_limit(sys.maxsize)
        with data.open(encoding="utf-8", newline="") as handle:
            rows = sorted(csv.DictReader(handle), key=lambda row: int(row["id"]))
        for row in rows[:N_RESUMES]:
            path = resume_dir / f"{row['category'].lower()}_{row['id']}.txt"
            path.write_text(row["text"], encoding="utf-8")
            resumes.append(path)
        source = f"{len(resumes)} LiveCareer dev resumes (first by id)"
    else:
        for sample in sorted((ASSETS / "sample_resumes").iterdir()):
            path = resume_dir / sample.name
            path.write_bytes(sample.read_bytes())
            resumes.append(path)
        source = f"{len(resumes)} sample resumes (assets; shared data missing)"
    jobs = []
    for sample in sorted((ASSETS / "sample_jobs").iterdir())[:N_JOBS]:
        path = job_dir / sample.name
        path.write_bytes(sample.read_bytes())
        jobs.append(path)
    if len(jobs) < N_JOBS:
        with (ROOT / "bench" / "queries_livecareer.csv").open(encoding="utf-8") as handle:
            extra = {row["category"]: row["text"] for row in csv.DictReader(handle)}
        path = job_dir / "staff_accountant.txt"
        path.write_text(extra["ACCOUNTANT"], encoding="utf-8")
        jobs.append(path)
    return resumes, jobs, source


def _has_command(name: str) -> bool:
    out = subprocess.run([sys.executable, "-m", "resumatch", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return re.search(rf"^\s+{re.escape(name)}\b", out, re.MULTILINE) is not None


# Without a ``prepare`` command: the same first-use steps through the pipeline (the
# backend's export and check, kept in the models directory and the fresh store).
_PREPARE = """
from resumatch.config import Settings
from resumatch.pipeline import load_encoder, open_registry, open_store
settings = Settings.from_env()
registry = open_registry(settings, open_store(settings))
encoder = load_encoder(registry.active(), settings)
if hasattr(encoder, "prepare"):
    encoder.prepare()
"""


def prepare_model(env: dict[str, str]) -> str:
    """Prepare the served model ahead of time (untimed); says how."""
    if _has_command("prepare"):
        command = [sys.executable, "-m", "resumatch", "prepare"]
        how = "python -m resumatch prepare"
    else:
        command = [sys.executable, "-c", _PREPARE]
        how = "load_encoder(...).prepare()"
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return how


def cold_run(resumes: list[Path], jobs: list[Path], workdir: Path, models_dir: Path,
             playwright) -> ColdRun:
    """One fresh server with a fresh data directory; one first ranking in a new browser."""
    from playwright.sync_api import expect

    data_dir = workdir / "data"
    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir),
           "RESUMATCH_MODELS_DIR": str(models_dir), "HF_HUB_OFFLINE": "1"}
    prepare_model(env)
    start = time.perf_counter()
    server = AppServer(data_dir, {"RESUMATCH_MODELS_DIR": str(models_dir)})
    server_start = time.perf_counter() - start
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        page.goto(server.url)
        rank = page.get_by_role("button", name="Rank candidates")
        expect(rank).to_be_visible(timeout=60_000)
        wait_for_app(page)
        page_ready = time.perf_counter() - start

        start = time.perf_counter()
        for key, files in (("resume_files", resumes), ("job_files", jobs)):
            # One uploader after the other, as a recruiter does.
            upload(page, key, files)
        ready_to_rank(page, len(resumes), len(jobs))  # the server has every upload
        upload_s = time.perf_counter() - start

        pid = server.process.pid
        before_click_cpu = process_cpu_seconds(pid)
        start = time.perf_counter()
        rank.click()
        expect(page.get_by_text(f"Results — {len(resumes)} resumes × {len(jobs)} jobs")
               ).to_be_visible(timeout=RANK_TIMEOUT_MS)
        first_cell = page.locator(".st-key-job_table [role='gridcell']").first
        expect(first_cell).to_have_text("1", timeout=RANK_TIMEOUT_MS)
        first_rank = time.perf_counter() - start
        rank_cpu = process_cpu_seconds(pid) - before_click_cpu
        wait_for_app(page, RANK_TIMEOUT_MS)
        idle = time.perf_counter() - start
        if page.get_by_text("could not be used").count():
            raise RuntimeError("some bench inputs could not be read")
    finally:
        browser.close()
        server.stop()
    return ColdRun(server_start, page_ready, upload_s, first_rank, idle, before_click_cpu,
                   rank_cpu, upload_s + first_rank)


def measure(runs: int = 1, models_dir: Path = DEFAULT_MODELS_DIR,
            ) -> tuple[list[ColdRun], str, int, int]:
    """``runs`` cold first rankings with the same inputs; also the resume source and the
    numbers of resumes and jobs."""
    from playwright.sync_api import sync_playwright

    models_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="resumatch-cold-") as tmp, \
            sync_playwright() as playwright:
        resumes, jobs, source = write_inputs(Path(tmp) / "inputs")
        for i in range(runs):
            workdir = Path(tmp) / f"run{i}"
            workdir.mkdir()
            results.append(cold_run(resumes, jobs, workdir, models_dir, playwright))
    return results, source, len(resumes), len(jobs)


def measure_cold_first_rank(quick: bool = True) -> float:
    """Seconds from the click to the ranked table in a fresh app (median of 1 run quick,
    3 otherwise); see the module docstring for the setup."""
    results, *_ = measure(1 if quick else 3)
    return statistics.median(r.cold_first_rank_s for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one cold run instead of 3")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR,
                        help="kept between runs: prepared exports (default: %(default)s)")
    args = parser.parse_args()

    help_s = help_seconds()
    results, source, n_resumes, n_jobs = measure(1 if args.quick else 3, args.models_dir)
    backend = os.environ.get("RESUMATCH_BACKEND", "settings default")
    print(f"inputs: {source} x {n_jobs} jobs; backend: {backend}; "
          f"python -m resumatch --help: {help_s:.2f} s (median of 5)")
    fields = list(asdict(results[0]))
    print(f"{'run':>4} " + " ".join(f"{name:>19}" for name in fields))
    for i, run in enumerate(results, 1):
        print(f"{i:>4} " + " ".join(f"{value:>19.2f}" for value in asdict(run).values()))
    summary = {name: round(statistics.median(getattr(r, name) for r in results), 2)
               for name in fields}
    if len(results) > 1:
        print("   m " + " ".join(f"{value:>19.2f}" for value in summary.values()))
    print(json.dumps({"cold_first_rank_s": summary["cold_first_rank_s"],
                      "help_s": round(help_s, 3), **summary, "runs": len(results),
                      "n_resumes": n_resumes, "n_jobs": n_jobs}))


if __name__ == "__main__":
    main()
