"""Optical character recognition with Tesseract (Debian ``tesseract-ocr``) via pytesseract.

Used only where there is no text to read: a PDF page without a text layer (rendered with
pypdfium2) and PNG/JPEG/TIFF uploads. The mean word confidence is kept, so a bad scan says
so. The number of pages read per file is bounded (``RESUMATCH_OCR_MAX_PAGES``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass

from resumatch.ingest.extracted import DocumentError, Extracted, Progress

DEFAULT_MAX_PAGES = 10
RENDER_DPI = 300  # Tesseract's documented sweet spot for body text
LOW_CONFIDENCE = 60.0  # mean word confidence under this: the text is likely garbled
LANGUAGE = "eng"
_TIMEOUT_S = 120  # one page; a pathological image must not hang a batch


@dataclass(frozen=True)
class OcrPage:
    """Text Tesseract read from one image, with its mean word confidence (0-100)."""

    text: str
    confidence: float | None


def max_pages() -> int:
    """Pages (or TIFF frames) OCR reads per file: ``RESUMATCH_OCR_MAX_PAGES`` (default 10).

    Raises:
        ValueError: the variable is set but not a positive integer.
    """
    raw = os.environ.get("RESUMATCH_OCR_MAX_PAGES", "").strip()
    if not raw:
        return DEFAULT_MAX_PAGES
    try:
        value = int(raw)
    except ValueError as err:
        raise ValueError(f"RESUMATCH_OCR_MAX_PAGES must be an integer, got {raw!r}") from err
    if value < 1:
        raise ValueError("RESUMATCH_OCR_MAX_PAGES must be at least 1")
    return value


def engine_available() -> bool:
    """Whether the Tesseract binary is on PATH (pytesseract only wraps it)."""
    return shutil.which("tesseract") is not None


NO_ENGINE = ("no OCR engine installed (install Debian's tesseract-ocr, as `make run` does), "
             "so OCR it or paste the text")


def ocr_image(image) -> OcrPage:  # noqa: ANN001 - a PIL image
    """Text of one PIL image, lines kept, and the mean confidence of its words.

    Raises:
        DocumentError: Tesseract is missing, failed or timed out.
    """
    import pytesseract

    _one_thread()
    try:
        data = pytesseract.image_to_data(image.convert("L"), lang=LANGUAGE,
                                         output_type=pytesseract.Output.DICT,
                                         timeout=_TIMEOUT_S)
    except pytesseract.TesseractNotFoundError as err:
        raise DocumentError(NO_ENGINE) from err
    except RuntimeError as err:  # pytesseract's timeout
        raise DocumentError(f"OCR took longer than {_TIMEOUT_S} s on one page") from err
    except pytesseract.TesseractError as err:
        raise DocumentError(f"OCR failed ({err.message.strip()[:120]})") from err
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        conf = float(data["conf"][i])
        if conf >= 0:
            confidences.append(conf)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrPage(text=text, confidence=mean)


def _one_thread() -> None:
    """Run Tesseract with one OpenMP thread unless ``OMP_THREAD_LIMIT`` says otherwise.

    Its OpenMP threads fight for the cores of a small shared machine: on this 2-core
    machine one thread is 2.4x faster per page (``bench/pdf_reading.py``, 6.3 s against
    15.4 s at 300 dpi). Only Tesseract's environment gets the limit (pytesseract passes its
    module-level ``environ`` to the subprocess): set in this process, it would also cap
    torch's threads.
    """
    import pytesseract.pytesseract as engine

    engine.environ = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT",
                                                                       "1")}


def ocr_images(images: Iterable, total: int, source: str,
               progress: Progress | None = None) -> list[OcrPage]:
    """OCR each image in turn, reporting ``source: OCR page i of n`` before each."""
    pages = []
    for number, image in enumerate(images, start=1):
        if progress is not None:
            progress(f"{source}: OCR page {number} of {total}")
        pages.append(ocr_image(image))
    return pages


def mean_confidence(pages: Iterable[OcrPage]) -> float | None:
    """Mean of the page confidences that exist (pages without words do not count)."""
    values = [p.confidence for p in pages if p.confidence is not None]
    return sum(values) / len(values) if values else None


def ocr_note(pages: int, confidence: float | None) -> str:
    """The mark shown wherever OCR text is shown."""
    what = f"read by OCR ({pages} page{'s' if pages != 1 else ''}"
    if confidence is None:
        return what + ")"
    note = f"{what}, mean confidence {confidence:.0f}%)"
    if confidence < LOW_CONFIDENCE:
        note += "; low confidence: the scan may be poor, check the text"
    return note


def read_image(data: bytes, source: str, progress: Progress | None = None) -> Extracted:
    """OCR a PNG, JPEG or TIFF (every frame, up to ``max_pages()``).

    Raises:
        DocumentError: not an image Pillow can open, no engine, or no text found.
    """
    import io

    from PIL import Image, ImageSequence, UnidentifiedImageError

    if not engine_available():
        raise DocumentError("an image (scanned resume?) and " + NO_ENGINE)
    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.copy() for frame, _ in zip(ImageSequence.Iterator(image),
                                                    range(max_pages() + 1), strict=False)]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise DocumentError(f"unreadable or damaged image ({type(err).__name__})") from err
    notes = []
    limit = max_pages()
    if len(frames) > limit:
        frames = frames[:limit]
        notes.append(f"OCR read only the first {limit} pages (RESUMATCH_OCR_MAX_PAGES)")
    pages = ocr_images(frames, len(frames), source, progress)
    text = "\n\n".join(p.text for p in pages)
    if not text.strip():
        raise DocumentError("no text found in the image by OCR")
    return Extracted(text=text, parts=["image"], ocr_pages=len(pages),
                     ocr_confidence=mean_confidence(pages), notes=notes)
