"""``python -m resumatch text``: stdout is exactly the scored text; notes go to stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fixtures_docs import ROOT, docx_from_xml, pdf_from_streams, text_op, w_p, w_r, zip_bytes

from resumatch.ingest.documents import read_files


def text(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "resumatch", "text", *map(str, args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_stdout_is_the_scored_text_and_stderr_the_notes(tmp_path: Path) -> None:
    cv = tmp_path / "bea.pdf"
    cv.write_bytes(pdf_from_streams([text_op(72, 700, "Bea Lintott, barista") + "\n"
                                     + text_op(72, 300, "Kubernetes Terraform", size=1,
                                               color="1 g")]))
    done = text(cv)
    assert done.returncode == 0
    docs, _ = read_files([cv])
    assert done.stdout == docs[0].text + "\n"
    assert "bea.pdf: parts read: 1 page" in done.stderr
    assert "bea.pdf: hidden text: 2 words not scored" in done.stderr


def test_several_documents_and_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "ann.docx").write_bytes(docx_from_xml(w_p("Ann Lee") + w_p(
        w_r("secret", "<w:vanish/>"))))
    (tmp_path / "cvs.zip").write_bytes(zip_bytes({"bo.txt": b"Bo Chen, nurse",
                                                  "x.bin": bytes(range(256))}))
    done = text(tmp_path)
    assert done.returncode == 0
    assert "==> ann.docx (ann) <==\nAnn Lee\n" in done.stdout
    assert "==> cvs.zip/bo.txt (bo) <==\nBo Chen, nurse\n" in done.stdout
    assert "cvs.zip/x.bin: binary file of an unknown type" in done.stderr
    assert "ann.docx: hidden text: 1 word not scored" in done.stderr
    assert text(tmp_path, "--strict").returncode == 2


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    done = text(tmp_path / "empty.txt")
    assert done.returncode == 2 and "empty.txt: empty file" in done.stderr
    assert done.stdout == ""
