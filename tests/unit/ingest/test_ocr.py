"""Scanned images are read by Tesseract, marked, bounded; without an engine, a message."""

from __future__ import annotations

import pytest
from fixtures_docs import image_bytes

from resumatch.ingest import ocr
from resumatch.ingest.documents import read_bytes

LINES = ["Hugo Petrakis - Platform Engineer", "Skills: Kubernetes, Terraform, Prometheus"]


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "scan.png"), ("JPEG", "scan.jpg"),
                                           ("TIFF", "scan.tiff")])
def test_image_uploads_are_read_by_ocr(fmt: str, name: str) -> None:
    docs, errors = read_bytes(name, image_bytes(LINES, fmt))
    assert errors == []
    assert "Kubernetes" in docs[0].text and "Petrakis" in docs[0].text
    assert docs[0].ocr and docs[0].parts == ("image",)
    assert docs[0].notes[0].startswith("read by OCR (1 page, mean confidence ")


def test_a_low_confidence_scan_says_so() -> None:
    assert ocr.ocr_note(1, 41.0).endswith("low confidence: the scan may be poor, check the text")
    assert ocr.ocr_note(2, 93.4) == "read by OCR (2 pages, mean confidence 93%)"


def test_max_pages_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESUMATCH_OCR_MAX_PAGES", raising=False)
    assert ocr.max_pages() == ocr.DEFAULT_MAX_PAGES
    monkeypatch.setenv("RESUMATCH_OCR_MAX_PAGES", "3")
    assert ocr.max_pages() == 3
    monkeypatch.setenv("RESUMATCH_OCR_MAX_PAGES", "lots")
    with pytest.raises(ValueError, match="RESUMATCH_OCR_MAX_PAGES"):
        ocr.max_pages()


def test_without_an_engine_an_image_gets_a_clear_message(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("PATH", str(tmp_path))
    docs, errors = read_bytes("scan.png", image_bytes(LINES))
    assert docs == []
    assert "no OCR engine installed" in errors[0].reason


def test_a_damaged_image_is_an_error_not_a_crash() -> None:
    docs, errors = read_bytes("cut.png", image_bytes(LINES)[:200])
    assert docs == [] and "image" in errors[0].reason


def test_tesseract_runs_on_one_thread_without_capping_this_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import pytesseract.pytesseract as engine

    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    ocr._one_thread()
    assert engine.environ["OMP_THREAD_LIMIT"] == "1"
    assert "OMP_THREAD_LIMIT" not in os.environ
