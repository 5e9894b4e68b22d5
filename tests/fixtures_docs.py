"""Build small, real PDF and DOCX files at test time (no binary files in the repo),
plus ``WordEncoder``, a millisecond stand-in for the model.

pypdf cannot lay out text, and reportlab is not a dependency, so ``pdf_bytes`` writes a
minimal PDF by hand: one page per list of lines, a Type1 Helvetica font and a content
stream of ``Tj`` operators, with a correct cross-reference table. pypdf extracts its text.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SAMPLE_RESUMES = ASSETS / "sample_resumes"
SAMPLE_JOBS = ASSETS / "sample_jobs"


def _pdf_string(text: str) -> str:
    """A PDF literal string body: backslash and parentheses escaped, Latin-1 only."""
    text.encode("latin-1")  # Helvetica's standard encoding covers Latin-1; fail loudly
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF with a text layer: ``pages`` is a list of pages, each a list of lines.

    Example:
        >>> pdf_bytes([["Data engineer", "Spark and Airflow"]])[:8]
        b'%PDF-1.4'
    """
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages  # 1 catalog, 2 page tree, then (page, content) per page
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
         + f"] /Count {n_pages} >>").encode("latin-1"),
    ]
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
                        f"/Contents {content_id} 0 R >>").encode("latin-1"))
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops.append(f"({_pdf_string(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                       + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref_at))
    return out.getvalue()


def encrypted_pdf_bytes(lines: Sequence[str], password: str = "s3cret") -> bytes:
    """A password-protected copy of a one-page text PDF (RC4: no crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes([lines]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner",
                   algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf_bytes() -> bytes:
    """A PDF whose only page has no text at all, like a scan without OCR."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    """A Word document with the given paragraphs, then an optional table of rows."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class WordEncoder:
    """A tiny deterministic stand-in for the model: bag of words hashed into 64 dims.

    Tokens are whitespace-separated words (offsets are exact), so chunking and caching
    can be tested in milliseconds; ``encoded`` records every text it was asked to encode.
    """

    dim = 64

    def __init__(self, model_id: str = "words", max_tokens: int = 256) -> None:
        self.model_id = model_id
        self.max_tokens = max_tokens
        self.encoded: list[str] = []

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"\S+", text)]

    def encode(self, texts: Sequence[str], progress: Callable[[int, int, str], None] | None = None,
               ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self.encoded.append(text)
            for word in text.lower().split():
                out[row, zlib.crc32(word.strip(".,;:()").encode()) % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        if progress:
            progress(len(texts), len(texts), "embedding passages")
        return out
