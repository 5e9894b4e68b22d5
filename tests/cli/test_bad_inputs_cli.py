"""``rank`` on a folder full of bad files: each named on stderr, the rest ranked, exit 0.

One real run (the model loads once) over every bad-input case at the same time, into a
data directory that already holds a document which must come out unchanged.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys

import pandas as pd
import pytest
from fixtures_docs import ROOT, blank_pdf_bytes, docx_bytes, encrypted_pdf_bytes, pdf_bytes

from resumatch.ingest.documents import Document
from resumatch.store import Store

BAD = {  # file -> what stderr must say about it
    "empty.txt": "empty.txt: empty file",
    "blank.txt": "blank.txt: empty file (only whitespace)",
    "locked.pdf": "locked.pdf: encrypted PDF",
    "scan.pdf": "scan.pdf: no text found in the PDF (scanned image?)",
    "cut.pdf": "cut.pdf: corrupt or truncated PDF",
    "cut.docx": "cut.docx: corrupt or truncated DOCX",
    "huge.txt": "huge.txt: file too large (50.0 MB; the limit is 20 MB",
    "people.csv": "people.csv: CSV needs a text column",
}
GOOD = {  # file -> the name its document is ranked under
    "nurse.txt": "nurse",
    "word_renamed.pdf": "word_renamed",
    "pdf_renamed.docx": "pdf_renamed",
    "cp1252.txt": "cp1252",
    "utf16.txt": "utf16",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad_cli")
    cvs = root / "cvs"
    cvs.mkdir()
    files = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t\n",
        "locked.pdf": encrypted_pdf_bytes(["Secret resume"]),
        "scan.pdf": blank_pdf_bytes(),
        "cut.pdf": pdf_bytes([["Grace Kim", "ICU nurse"]])[:300],
        "cut.docx": docx_bytes(["Omar Haddad"])[:2000],
        "people.csv": b"foo;bar\n1;2\n",
        "nurse.txt": b"Registered nurse, ICU, ventilators",
        "nurse_copy.txt": b"Registered nurse, ICU, ventilators\n",
        "word_renamed.pdf": docx_bytes(["Data engineer", "Spark and Kafka"]),
        "pdf_renamed.docx": pdf_bytes([["Line cook", "Grill and pastry"]]),
        "cp1252.txt": "Café manager – naïve about nothing".encode("cp1252"),
        "utf16.txt": codecs.BOM_UTF16_LE + "Zürich welder".encode("utf-16-le"),
        "pool.csv": codecs.BOM_UTF8 + b'name;text\nann;"Pilot\nA320; 4000 hours"\nbo;Baker;x\n',
    }
    for name, data in files.items():
        (cvs / name).write_bytes(data)
    with (cvs / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (root / "job.txt").write_text("ICU nurse for night shifts", encoding="utf-8")

    data_dir = root / "data"
    earlier = Document("earlier", "Chef with ten years in French kitchens")
    store = Store(data_dir / "resumatch.sqlite3")
    store.put_documents([(earlier.sha256, earlier.name, earlier.text)])

    env = {**os.environ, "RESUMATCH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1",
           "RESUMATCH_MAX_UPLOAD_MB": "20"}
    done = subprocess.run(
        [sys.executable, "-m", "resumatch", "rank", "--resumes", str(cvs), "--jobs",
         str(root / "job.txt"), "--out", str(root / "matches.csv"), "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return done, pd.read_csv(root / "matches.csv"), store, earlier


def test_exit_0_and_every_bad_file_named_on_stderr(run) -> None:
    done, _, _, _ = run
    assert done.returncode == 0, done.stderr
    for message in BAD.values():
        assert message in done.stderr, message


def test_the_rest_of_the_batch_is_ranked(run) -> None:
    done, table, _, _ = run
    ranked = set(table["resume"])
    assert set(GOOD.values()) <= ranked
    assert {"ann", "bo"} <= ranked  # the CSV with a BOM, semicolons and a quoted newline
    assert len(ranked) == len(GOOD) + 2
    assert "nurse_copy.txt: same text as nurse.txt" in done.stderr


def test_what_was_stored_before_is_unchanged(run) -> None:
    _, _, store, earlier = run
    with store.connect() as conn:
        row = conn.execute("SELECT name, text FROM documents WHERE sha256 = ?",
                           (earlier.sha256,)).fetchone()
    assert (row["name"], row["text"]) == ("earlier", earlier.text)
    assert store.count("documents") == 1 + len(GOOD) + 2 + 1  # + the job
