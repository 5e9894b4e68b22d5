"""Uploads lost to a script run that starts at the same moment, with and without the fix.

Streamlit 1.67 drops the answer to a browser's upload request when a script run starts
between the server queuing that answer and sending it; the browser then never uploads
and shows no file chip (``ui/streamlit_fixes.py`` has the mechanism). This bench makes
that moment frequent: ``bench/apps/upload_race_app.py`` starts a new run every few
milliseconds. For each arm (Streamlit as shipped, then with ``keep_request_answers``) it
starts the app on a free port (the browser tests' ``AppServer``), opens it ``--uploads``
times in headless Debian Chromium (Playwright), sets one small text file on the uploader
each time and counts the uploads whose file chip did not appear within ``--wait-s``
seconds.

Run: ``python bench/upload_race.py [--uploads 40]``. Prints one line per arm, then one
JSON line. Both arms run in the same process, one after the other, on the same machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "bench" / "apps" / "upload_race_app.py"
for extra in (ROOT / "tests" / "e2e", ROOT):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from e2e_support import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402


def lost_uploads(fixed: bool, uploads: int, wait_s: float, browser, workdir: Path) -> int:
    """Start the race app (``fixed``: with the work-around) and return how many of
    ``uploads`` single-file uploads never showed a file chip within ``wait_s`` seconds."""
    data_dir = workdir / f"server_{int(fixed)}" / "data"
    data_dir.parent.mkdir(parents=True)
    server = AppServer(data_dir, {"RESUMATCH_STREAMLIT_FIXES": "1" if fixed else "0"},
                       script=APP)
    lost = 0
    try:
        for i in range(uploads):
            page = browser.new_page()
            try:
                page.goto(server.url)
                file_input = page.get_by_test_id("stFileUploaderDropzoneInput")
                file_input.wait_for(state="attached", timeout=60_000)
                document = workdir / f"resume_{int(fixed)}_{i}.txt"
                document.write_text("Data engineer: Python, SQL, Airflow. " * 20)
                file_input.set_input_files(str(document))
                try:
                    page.get_by_test_id("stFileChip").first.wait_for(timeout=wait_s * 1000)
                except Exception:  # Playwright's TimeoutError: no chip, the upload is lost
                    lost += 1
            finally:
                page.close()
    finally:
        server.stop()
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=40, help="uploads per arm")
    parser.add_argument("--wait-s", type=float, default=5.0,
                        help="seconds to wait for a file chip before counting it lost")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    result: dict[str, object] = {"uploads_per_arm": args.uploads, "wait_s": args.wait_s}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for arm, fixed in (("streamlit_as_shipped", False), ("with_fix", True)):
            lost = lost_uploads(fixed, args.uploads, args.wait_s, browser, Path(tmp))
            print(f"{arm:22s} lost {lost} of {args.uploads} uploads", flush=True)
            result[f"lost_{arm}"] = lost
        browser.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
