"""What a format reader returns: the text to score and what the reader noticed.

Every reader (``pdf``, ``word``, ``office``, ``html``, ``ocr``) returns an ``Extracted``
or raises ``DocumentError`` with a reason a recruiter can read; ``documents`` turns both
into a ``Document`` or a ``ReadError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# Called with a short human note while a slow reader works ("cv.pdf: OCR page 2 of 3").
Progress = Callable[[str], None]

_WORD = re.compile(r"\w+")


class DocumentError(ValueError):
    """Raised inside a reader; turned into a ``ReadError`` by the batch functions."""


def count_words(text: str) -> int:
    """Number of words (runs of letters/digits) in ``text``."""
    return len(_WORD.findall(text))


def hidden_text_note(words: int) -> str:
    """The flag shown wherever a document with hidden text is listed."""
    return f"hidden text: {words} word{'s' if words != 1 else ''} not scored"


@dataclass
class Extracted:
    """Raw text of one file and what the reader found on the way.

    Attributes:
        text: the visible text, in reading order (normalised later).
        parts: which parts were read, e.g. ``("body", "2 tables", "header")``.
        hidden_words: words a reader cannot see (white or near-background colour, under
            about 2 pt, outside the page, Word's hidden font); they are not in ``text``.
        ocr_pages: pages (or images) read by OCR.
        ocr_confidence: mean Tesseract word confidence (0-100) over those pages.
        notes: further warnings for the recruiter (e.g. pages left unread by OCR).
    """

    text: str
    parts: list[str] = field(default_factory=list)
    hidden_words: int = 0
    ocr_pages: int = 0
    ocr_confidence: float | None = None
    notes: list[str] = field(default_factory=list)
