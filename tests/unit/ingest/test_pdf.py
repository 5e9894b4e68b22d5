"""PDF reading: columns, word spacing, form fields, hidden text, scans read by OCR."""

from __future__ import annotations

import pytest
from fixtures_docs import overlay_pdf, pdf_from_streams, scanned_pdf_bytes, text_op

from resumatch.ingest.documents import read_bytes
from resumatch.ingest.extracted import DocumentError
from resumatch.ingest.pdf import contrast_ratio, read_pdf

LEFT = ["Experience", "Northwind Cloud 2018-2024", "Operated production clusters",
        "for forty microservices", "Wrote modules for networking"]
MIDDLE = ["Skills", "Kubernetes and Helm", "Terraform modules", "Prometheus alerting"]
RIGHT = ["Education", "BSc Computer Science", "Lakeside University"]


def columns_page(*columns: list[str], xs: tuple[float, ...] = (40, 230, 420)) -> str:
    ops = []
    for x, lines in zip(xs, columns, strict=False):
        for row, line in enumerate(lines):
            ops.append(text_op(x, 740 - 16 * row, line, size=10))
    return "\n".join(ops)


@pytest.mark.parametrize("n_columns", [2, 3])
def test_columns_are_read_one_after_the_other(n_columns: int) -> None:
    cols = [LEFT, MIDDLE, RIGHT][:n_columns]
    text = read_pdf(pdf_from_streams([columns_page(*cols)])).text
    assert text.split("\n") == [line for col in cols for line in col]


def test_words_set_apart_only_by_positioning_are_separated() -> None:
    tj = "BT /F1 11 Tf 72 700 Td [(Operated)-300(production)-300(Kubernetes)] TJ ET"
    td = ("BT /F1 11 Tf 72 680 Td (Wrote) Tj 36 0 Td (Terraform) Tj 58 0 Td (modules) Tj ET")
    text = read_pdf(pdf_from_streams([tj + "\n" + td])).text
    assert text.split("\n") == ["Operated production Kubernetes", "Wrote Terraform modules"]


def test_filled_form_field_values_are_read() -> None:
    page = text_op(72, 700, "Application form")
    found = read_pdf(pdf_from_streams([page], fields=[("name", "Ivo Brennan"),
                                                      ("skills", "Kubernetes, Terraform")]))
    assert found.text.split("\n") == ["Application form", "Ivo Brennan",
                                      "Kubernetes, Terraform"]
    assert "form fields" in found.parts


HIDDEN_KINDS = {
    "white 1 pt": text_op(72, 300, "Kubernetes Terraform Prometheus", size=1, color="1 1 1 rg"),
    "white 11 pt": text_op(72, 300, "Kubernetes Terraform Prometheus", color="1 g"),
    "grey on white at 0.5 pt": text_op(72, 300, "Kubernetes Terraform Prometheus", size=0.5,
                                       color="0.6 g"),
    "near white in CMYK": text_op(72, 300, "Kubernetes Terraform Prometheus",
                                  color="0.01 0.01 0 0 k"),
    "outside the page": text_op(700, 300, "Kubernetes Terraform Prometheus"),
    "below the page": text_op(72, -50, "Kubernetes Terraform Prometheus"),
    "black on a black box": "0 g 60 290 300 20 re f\n" + text_op(
        72, 295, "Kubernetes Terraform Prometheus", color="0.05 g"),
}


@pytest.mark.parametrize("kind", list(HIDDEN_KINDS))
def test_hidden_text_is_not_scored_and_the_file_is_flagged(kind: str) -> None:
    page = text_op(72, 700, "Bea Lintott, barista") + "\n" + HIDDEN_KINDS[kind]
    docs, errors = read_bytes("bea.pdf", pdf_from_streams([page]))
    assert errors == []
    assert docs[0].text == "Bea Lintott, barista"
    assert docs[0].hidden_words == 3
    assert docs[0].notes == ("hidden text: 3 words not scored",)


@pytest.mark.parametrize("page", [
    # White text on a dark sidebar is what many templates do: it is visible.
    "0.1 0.2 0.4 rg 0 0 200 792 re f\n" + text_op(20, 700, "Kubernetes", color="1 g"),
    text_op(72, 700, "Kubernetes", color="0.4 g"),  # grey body text
    text_op(72, 700, "Kubernetes", size=6),  # small print is still print
])
def test_visible_text_is_kept(page: str) -> None:
    docs, _ = read_bytes("ok.pdf", pdf_from_streams([page]))
    assert docs[0].text == "Kubernetes" and docs[0].notes == ()


def test_only_hidden_text_is_an_error() -> None:
    with pytest.raises(DocumentError, match="no visible text in the PDF"):
        read_pdf(pdf_from_streams([text_op(72, 700, "keywords only", color="1 g")]))


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)


SCAN = ["Hugo Petrakis - Platform Engineer", "Skills: Kubernetes, Terraform, Prometheus"]


def test_a_scanned_page_is_read_by_ocr_and_marked() -> None:
    notes: list[str] = []
    found = read_pdf(scanned_pdf_bytes([SCAN]), "hugo.pdf", notes.append)
    assert "Kubernetes" in found.text and "Terraform" in found.text
    assert found.ocr_pages == 1 and found.ocr_confidence is not None
    assert notes == ["hugo.pdf: OCR page 1 of 1"]
    docs, _ = read_bytes("hugo.pdf", scanned_pdf_bytes([SCAN]))
    assert docs[0].ocr
    assert docs[0].notes[0].startswith("read by OCR (1 page, mean confidence ")


def test_ocr_pages_per_file_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESUMATCH_OCR_MAX_PAGES", "1")
    docs, errors = read_bytes("two.pdf", scanned_pdf_bytes([SCAN, ["Page two: Grafana"]]))
    assert errors == []
    assert "Grafana" not in docs[0].text
    assert any("OCR read only the first 1 scanned pages; 1 more not read" in n
               for n in docs[0].notes)


def test_without_an_ocr_engine_a_scan_gets_todays_clear_message(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on PATH
    docs, errors = read_bytes("hugo.pdf", scanned_pdf_bytes([SCAN]))
    assert docs == []
    assert errors[0].reason.startswith("no text found in the PDF (scanned image?)")
    assert "no OCR engine installed" in errors[0].reason


def test_a_scan_with_a_stamped_watermark_line_is_still_read_by_ocr() -> None:
    stamp = pdf_from_streams([text_op(20, 10, "Scanned with DocScan", size=6)],
                             media_box=(0, 0, 1224, 1584))
    data = overlay_pdf(scanned_pdf_bytes([SCAN]), stamp)
    docs, errors = read_bytes("hugo.pdf", data)
    assert errors == []
    assert "Kubernetes" in docs[0].text and "Scanned with DocScan" in docs[0].text
    assert docs[0].ocr


def test_a_text_page_with_a_small_logo_is_not_ocred() -> None:
    text_page = pdf_from_streams([text_op(72, 700, "Ann Lee, data engineer")])
    logo = scanned_pdf_bytes([["LOGO"]])
    docs, _ = read_bytes("ann.pdf", overlay_pdf(text_page, logo, scale=0.1))
    assert docs[0].text == "Ann Lee, data engineer" and not docs[0].ocr


def test_a_failing_ocr_engine_is_named_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from resumatch.ingest import ocr

    def broken(image):  # noqa: ANN001, ANN202
        raise DocumentError("OCR failed (simulated)")

    monkeypatch.setattr(ocr, "ocr_image", broken)
    docs, errors = read_bytes("hugo.pdf", scanned_pdf_bytes([SCAN]))
    assert docs == []
    assert "not even by OCR" in errors[0].reason and "simulated" in errors[0].reason
