"""Read resumes and job descriptions from files, folders, archives or pasted text.

Every reader returns documents *and* per-file errors, so one bad file never sinks a
batch: ``read_files`` keeps going and reports ``ReadError("cv.pdf: encrypted PDF")``.
Files are recognised by their content first and their suffix second (``sniff_kind``), and
read by one module per format: ``pdf`` (layout-aware, hidden text, OCR for scans),
``word`` (every part of a .docx), ``office`` (ODT, RTF, legacy .doc), ``html``, ``ocr``
(images), ``archive`` (ZIP). A document carries what its reader noticed (read by OCR,
hidden text left out) as ``notes``, shown wherever its text or score is shown.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
import stat
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath, PureWindowsPath

from resumatch.ingest import archive
from resumatch.ingest.extracted import (
    DocumentError,
    Extracted,
    Progress,
    hidden_text_note,
)
from resumatch.ingest.html import html_to_text, looks_like_html
from resumatch.ingest.text import decode_text, normalize_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".pdf", ".docx", ".csv", ".odt",
                      ".rtf", ".doc", ".html", ".htm", ".zip", ".png", ".jpg", ".jpeg",
                      ".tif", ".tiff")
TEXT_COLUMNS = ("text", "resume", "resume_text", "description", "job_description", "job",
                "content", "body", "document")
NAME_COLUMNS = ("name", "id", "title", "filename", "file", "candidate", "job_title")

# One resume can be a CSV field far over csv's default 128 KB limit; the file size limit
# (RESUMATCH_MAX_UPLOAD_MB) is what bounds it.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

__all__ = [
    "Document", "DocumentError", "ReadError", "dedupe", "decode_text", "display_stem",
    "documents_from_text", "iter_files", "normalize_text", "read_bytes", "read_files",
    "read_path", "reading_notes", "safe_name", "sniff_kind", "text_hash",
]


@dataclass(frozen=True)
class Document:
    """A resume or job description as plain, normalised text, and how it was read.

    Attributes:
        name: the name it is listed under (file stem, CSV name cell, pasted name).
        text: exactly the text that is embedded and scored.
        source: the file it came from (``archive.zip/cv.pdf`` for an archive member).
        notes: what a recruiter must know about the reading, e.g. ``"read by OCR (1 page,
            mean confidence 93%)"`` or ``"hidden text: 12 words not scored"``.
        parts: which parts of the file were read, e.g. ``("body", "2 tables", "header")``.
        hidden_words: words left out because a reader could not see them.
        ocr: whether any of the text was read by OCR.

    Example:
        >>> Document("alice", "Data engineer").sha256[:8]
        'd88359f9'
    """

    name: str
    text: str
    source: str = "pasted"
    notes: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    hidden_words: int = 0
    ocr: bool = False

    @cached_property
    def sha256(self) -> str:
        """sha256 of ``text`` (computed once per document: pools ask for it often)."""
        return text_hash(self.text)

    @property
    def reading_notes(self) -> str:
        """The notes as one cell: ``"read by OCR (...); hidden text: ..."`` or ``""``."""
        return "; ".join(self.notes)


@dataclass(frozen=True)
class ReadError:
    """Why one file (or one CSV row) could not be read; shown to the user as is."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def text_hash(text: str) -> str:
    """sha256 of the normalised text: the identity of a document everywhere."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_name(name: str) -> str:
    """File name without any directory part, safe to show and to use on disk."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", base).strip(" .")
    return base[:120] or "unnamed"


def label_name(label: str) -> str:
    """A name typed by a person (CSV name cell, pasted name): kept as written, ``/``
    included ("Dev/Ops lead" is a name, not a path); only control characters go."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", label).split())[:120]


def display_stem(name: str) -> str:
    """The name a document is listed under: the sanitised file name without suffix."""
    clean = safe_name(name)
    stem = PurePosixPath(clean).stem
    return stem or clean


# -- what a file is ------------------------------------------------------------------------

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_TEXT_SUFFIXES = ("", ".txt", ".md", ".markdown", ".text", ".rst", ".log")


def sniff_kind(data: bytes, name: str) -> str:
    """What a file really is, by content first and suffix second.

    Returns one of ``pdf``, ``docx``, ``odt``, ``zip``, ``doc``, ``rtf``, ``html``,
    ``image``, ``csv``, ``text``, or ``unsupported:<why>``.
    """
    head = data[:1024]
    suffix = PurePosixPath(name.lower()).suffix
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix in (".xls", ".xlt"):
            return "unsupported:a legacy Excel workbook (.xls); save it as CSV"
        if suffix in (".ppt", ".pps"):
            return "unsupported:a legacy PowerPoint file (.ppt); save it as PDF"
        return "doc"
    if head.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if suffix == ".pdf":
        return "pdf"  # claims to be a PDF but has no header: the reader says why
    if suffix == ".docx":
        return "docx"
    if suffix == ".csv":
        return "csv"
    if _looks_binary(head):
        return "unsupported:binary file of an unknown type"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return "text"
    return f"unsupported:unsupported file type {suffix!r}"


def _sniff_zip(data: bytes, suffix: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zipped:
            names = set(zipped.namelist())
            mimetype = (zipped.read("mimetype")[:100].decode("ascii", "replace")
                        if "mimetype" in names else "")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        # Truncated: the central directory at the end is gone, the local headers at
        # the start still say whether this was a Word file.
        if suffix == ".docx" or b"word/" in data[:8192] or b"[Content_Types].xml" in data[:1024]:
            return "docx"
        if suffix == ".odt" or b"opendocument.text" in data[:200]:
            return "odt"
        return "unsupported:corrupt or truncated ZIP archive"
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return "unsupported:an OpenDocument spreadsheet or presentation; save it as CSV or PDF"
    if "xl/workbook.xml" in names:
        return "unsupported:an Excel workbook; save it as CSV"
    if "ppt/presentation.xml" in names:
        return "unsupported:a PowerPoint file; save it as PDF"
    if suffix == ".docx":
        return "unsupported:a ZIP archive, not a Word document"
    return "zip"


def _looks_binary(head: bytes) -> bool:
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 text without BOM has NULs in a regular pattern; random binary does not.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return not (even > len(head) * 0.4 or odd > len(head) * 0.4)
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.1


# -- reading one file ------------------------------------------------------------------------

def read_pdf(data: bytes) -> str:
    """Text of every page of a PDF (see ``resumatch.ingest.pdf``)."""
    from resumatch.ingest.pdf import read_pdf as read

    return read(data).text


def read_docx(data: bytes) -> str:
    """Text of every visible part of a Word document (see ``resumatch.ingest.word``)."""
    from resumatch.ingest.word import read_docx as read

    return read(data).text


def _extract(kind: str, data: bytes, source: str, progress: Progress | None) -> Extracted:
    if kind == "pdf":
        from resumatch.ingest.pdf import read_pdf as read_pdf_file

        return read_pdf_file(data, source, progress)
    if kind == "docx":
        from resumatch.ingest.word import read_docx as read_docx_file

        return read_docx_file(data)
    if kind == "odt":
        from resumatch.ingest.office import read_odt

        return read_odt(data)
    if kind == "rtf":
        from resumatch.ingest.office import read_rtf

        return read_rtf(data)
    if kind == "doc":
        from resumatch.ingest.office import read_doc

        return read_doc(data)
    if kind == "image":
        from resumatch.ingest.ocr import read_image

        return read_image(data, source, progress)
    text = decode_text(data)
    if kind == "html" or looks_like_html(text):
        extracted = html_to_text(text)
        extracted.parts = ["HTML cleaned to text"]
        return extracted
    return Extracted(text=text, parts=["text"])


def _document(name: str, source: str, extracted: Extracted, text: str) -> Document:
    from resumatch.ingest.ocr import ocr_note

    notes: list[str] = []
    if extracted.ocr_pages:
        notes.append(ocr_note(extracted.ocr_pages, extracted.ocr_confidence))
    if extracted.hidden_words:
        notes.append(hidden_text_note(extracted.hidden_words))
    notes.extend(extracted.notes)
    return Document(name=name, text=text, source=source, notes=tuple(notes),
                    parts=tuple(extracted.parts), hidden_words=extracted.hidden_words,
                    ocr=extracted.ocr_pages > 0)


def read_bytes(name: str, data: bytes, max_bytes: int | None = None,
               progress: Progress | None = None) -> tuple[list[Document], list[ReadError]]:
    """Read one uploaded file's bytes into documents and errors.

    A CSV gives one document per row and a ZIP archive one per member (each read like an
    upload, named ``archive.zip/member``); anything else gives one document.

    Args:
        name: the file name as uploaded (directories are dropped).
        data: the file's bytes.
        max_bytes: per-file limit, applied to archive members as they are inflated.
        progress: called with a short note while slow readers (OCR) work.
    """
    return _read(safe_name(name), data, max_bytes, progress)


def _read(source: str, data: bytes, max_bytes: int | None,
          progress: Progress | None) -> tuple[list[Document], list[ReadError]]:
    try:
        if not data:
            raise DocumentError("empty file")
        if not data.strip():
            raise DocumentError("empty file (only whitespace)")
        kind = sniff_kind(data, source)
        if kind.startswith("unsupported:"):
            raise DocumentError(kind.split(":", 1)[1])
        if kind == "csv":
            return read_csv_documents(decode_text(data), source)
        if kind == "zip":
            return _read_archive(source, data, max_bytes, progress)
        extracted = _extract(kind, data, source, progress)
        text = normalize_text(extracted.text)
        if not text:
            raise DocumentError("no text found (the file holds only whitespace)")
        return [_document(display_stem(source), source, extracted, text)], []
    except DocumentError as err:
        return [], [ReadError(source, str(err))]


def _read_archive(source: str, data: bytes, max_bytes: int | None,
                  progress: Progress | None) -> tuple[list[Document], list[ReadError]]:
    docs: list[Document] = []
    errors: list[ReadError] = []
    found = False
    try:
        for member in archive.members(data, source, max_bytes):
            found = True
            member_source = "/".join(safe_name(p) for p in member.name.split("/"))
            if member.problem is not None:
                errors.append(ReadError(member_source, member.problem))
                continue
            got, failed = _read(member_source, member.data or b"", max_bytes, progress)
            docs.extend(got)
            errors.extend(failed)
    except ValueError as err:
        raise DocumentError(str(err)) from err
    if not found:
        raise DocumentError("empty ZIP archive (no files in it)")
    return docs, errors


def read_path(path: Path, max_bytes: int | None = None, progress: Progress | None = None,
              ) -> tuple[list[Document], list[ReadError]]:
    """Read one file from disk, refusing files over ``max_bytes`` before reading them."""
    try:
        info = path.stat()
    except OSError as err:
        return [], [ReadError(path.name, f"cannot open ({err.strerror or err})")]
    if not stat.S_ISREG(info.st_mode):
        # /dev/zero or a named pipe would never end; a folder is expanded by iter_files.
        return [], [ReadError(path.name, "not a regular file")]
    if max_bytes is not None and info.st_size > max_bytes:
        return [], [ReadError(path.name, too_large_message(info.st_size, max_bytes))]
    try:
        with path.open("rb") as handle:
            # Read at most one byte past the limit: a file growing after stat() is caught.
            data = handle.read(-1 if max_bytes is None else max_bytes + 1)
    except OSError as err:
        return [], [ReadError(path.name, f"cannot read ({err.strerror or err})")]
    if max_bytes is not None and len(data) > max_bytes:
        return [], [ReadError(path.name, too_large_message(len(data), max_bytes))]
    return read_bytes(path.name, data, max_bytes, progress)


def too_large_message(size: int, max_bytes: int) -> str:
    """The refusal for an oversized file, naming the limit."""
    return (f"file too large ({size / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB, set RESUMATCH_MAX_UPLOAD_MB to change it)")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders recursively and keep files as given.

    Every file in a folder is yielded, whatever its suffix (the reader names the ones it
    cannot read and why); only hidden system files (``.DS_Store``, ``__MACOSX/``,
    ``Thumbs.db``, dotfiles) are skipped.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).as_posix()
                if child.is_file() and not archive.is_system_file(relative):
                    yield child
        else:
            yield path


def too_many_files_message(count: int, max_files: int) -> str:
    """The refusal for files past the per-batch limit, naming the limit."""
    return (f"not read: {count} files in one batch, the limit is {max_files} "
            f"(set RESUMATCH_MAX_FILES to change it)")


def read_files(paths: Iterable[str | Path], max_bytes: int | None = None,
               max_files: int | None = None, progress: Progress | None = None,
               ) -> tuple[list[Document], list[ReadError]]:
    """Read files and folders; bad files become errors and the rest goes on.

    Files past ``max_files`` are not read; each gets an error naming the limit.
    """
    docs: list[Document] = []
    errors: list[ReadError] = []
    files = list(iter_files(paths))
    for number, path in enumerate(files):
        if max_files is not None and number >= max_files:
            errors.append(ReadError(str(path), too_many_files_message(len(files), max_files)))
            continue
        if not path.exists():
            errors.append(ReadError(str(path), "no such file or folder"))
            continue
        got, failed = read_path(path, max_bytes, progress)
        docs.extend(got)
        errors.extend(failed)
    return docs, errors


# -- CSV and pasted text ---------------------------------------------------------------------

def _pick_column(header: list[str], wanted: Iterable[str]) -> str | None:
    lowered = {h.strip().lower().lstrip("\ufeff"): h for h in header}
    for name in wanted:
        if name in lowered:
            return lowered[name]
    return None


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV, judged from its header line alone.

    ``csv.Sniffer`` guesses from whole rows and is fooled by resume text full of
    commas and semicolons; a header line holds only column names.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _typed_text(raw: str) -> tuple[str, Extracted]:
    """Normalised text of a typed or pasted cell, HTML cleaned when it is HTML."""
    if looks_like_html(raw):
        extracted = html_to_text(raw)
        extracted.parts = ["HTML cleaned to text"]
    else:
        extracted = Extracted(text=raw, parts=["text"])
    return normalize_text(extracted.text), extracted


def read_csv_documents(text: str, source: str) -> tuple[list[Document], list[ReadError]]:
    """One document per CSV row: a text column and an optional name/id column.

    Rows may be short (missing cells are empty) or long (extra cells are ignored);
    quoted cells may hold newlines and delimiters; a cell of HTML is cleaned to text.
    """
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        raise DocumentError("empty file")
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text)))
    except csv.Error as err:
        raise DocumentError(f"malformed CSV ({err})") from err
    if not rows:
        raise DocumentError("CSV has a header but no rows")
    header = [h for h in rows[0] if h is not None]
    text_col = _pick_column(header, TEXT_COLUMNS)
    if text_col is None:
        raise DocumentError(
            "CSV needs a text column named one of: " + ", ".join(TEXT_COLUMNS[:6])
            + f" (found: {', '.join(h.strip() for h in header) or 'no columns'})"
        )
    name_col = _pick_column(header, NAME_COLUMNS)
    stem = display_stem(source)
    docs: list[Document] = []
    errors: list[ReadError] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        body, extracted = _typed_text(row.get(text_col) or "")
        label = label_name(row.get(name_col) or "") if name_col else ""
        name = label or f"{stem} row {number}"
        if not body:
            errors.append(ReadError(f"{source} row {number}", "empty text"))
            continue
        docs.append(_document(name, source, extracted, body))
    return docs, errors


def documents_from_text(texts: Iterable[tuple[str, str]]) -> list[Document]:
    """Documents from pasted (name, text) pairs; blank texts are skipped, pasted HTML
    (a job post copied from a web page's source) is cleaned to text."""
    docs = []
    for number, (name, text) in enumerate(texts, start=1):
        body, extracted = _typed_text(text or "")
        if body:
            label = label_name(name) or f"pasted {number}"
            docs.append(_document(label, "pasted", extracted, body))
    return docs


# -- after reading ---------------------------------------------------------------------------

def dedupe(docs: Iterable[Document]) -> tuple[list[Document], list[str]]:
    """Drop documents whose normalised text was already seen; give the rest unique names.

    Returns the kept documents (with all their reading metadata) and one message per
    dropped duplicate.
    """
    seen: dict[str, Document] = {}
    names: set[str] = set()
    kept: list[Document] = []
    notes: list[str] = []
    for doc in docs:
        first = seen.get(doc.sha256)
        if first is not None:
            notes.append(f"{doc.source}: same text as {first.source} ({first.name}); skipped")
            continue
        name, n = doc.name, 2
        while name in names:
            name, n = f"{doc.name} ({n})", n + 1
        if name != doc.name:
            doc = dataclasses.replace(doc, name=name)
        seen[doc.sha256] = doc
        names.add(name)
        kept.append(doc)
    return kept, notes


def reading_notes(docs: Iterable[Document]) -> list[str]:
    """One line per note of every document: ``"cv.pdf: read by OCR (1 page, ...)"``."""
    return [f"{doc.source}: {note}" for doc in docs for note in doc.notes]
