"""Read resumes and job descriptions from files or pasted text.

Every reader returns documents *and* per-file errors, so one bad file never sinks a
batch: ``read_files`` keeps going and reports ``ReadError("cv.pdf: encrypted PDF")``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import stat
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import ftfy

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".pdf", ".docx", ".csv")
TEXT_COLUMNS = ("text", "resume", "resume_text", "description", "job_description", "job",
                "content", "body", "document")
NAME_COLUMNS = ("name", "id", "title", "filename", "file", "candidate", "job_title")

# A Word file that inflates past this is refused: it is a ZIP bomb, not a resume.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)
# One resume can be a CSV field far over csv's default 128 KB limit; the file size limit
# (RESUMATCH_MAX_UPLOAD_MB) is what bounds it.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class Document:
    """A resume or job description as plain, normalised text.

    Example:
        >>> Document("alice", "Data engineer").sha256[:8]
        'd88359f9'
    """

    name: str
    text: str
    source: str = "pasted"

    @property
    def sha256(self) -> str:
        return text_hash(self.text)


@dataclass(frozen=True)
class ReadError:
    """Why one file (or one CSV row) could not be read; shown to the user as is."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class DocumentError(ValueError):
    """Raised inside a reader; turned into a ``ReadError`` by the batch functions."""


def text_hash(text: str) -> str:
    """sha256 of the normalised text: the identity of a document everywhere."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_name(name: str) -> str:
    """File name without any directory part, safe to show and to use on disk."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", base).strip(" .")
    return base[:120] or "unnamed"


def display_stem(name: str) -> str:
    """The name a document is listed under: the sanitised file name without suffix."""
    clean = safe_name(name)
    stem = PurePosixPath(clean).stem
    return stem or clean


_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Repair mojibake (``NaÃ¯ve`` -> ``Naïve``), unify whitespace, keep paragraphs."""
    text = ftfy.fix_text(text, normalization="NFC")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOMs, UTF-8, UTF-16 without BOM, then cp1252."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        codec = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return data.decode(codec, errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_kind(data: bytes, name: str) -> str:
    """What a file really is, by content first and suffix second.

    Returns one of ``pdf``, ``docx``, ``csv``, ``text``, or ``unsupported:<why>``.
    """
    head = data[:1024]
    suffix = PurePosixPath(name.lower()).suffix
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            # Truncated: the central directory at the end is gone, the local headers at
            # the start still say whether this was a Word file.
            if suffix == ".docx" or b"word/" in data[:8192] or b"[Content_Types].xml" in head:
                return "docx"
            return "unsupported:corrupt or truncated ZIP archive"
        if "word/document.xml" in members:
            return "docx"
        if "xl/workbook.xml" in members:
            return "unsupported:an Excel workbook; save it as CSV"
        if "ppt/presentation.xml" in members:
            return "unsupported:a PowerPoint file; save it as PDF"
        return "unsupported:a ZIP archive, not a Word document"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "unsupported:legacy Word/Office file (.doc); save it as DOCX or PDF"
    if suffix == ".pdf":
        return "pdf"  # claims to be a PDF but has no header: the reader says why
    if suffix == ".docx":
        return "docx"
    if suffix == ".csv":
        return "csv"
    if _looks_binary(head):
        return "unsupported:binary file of an unknown type"
    if suffix in ("", ".txt", ".md", ".markdown", ".text", ".rst", ".log"):
        return "text"
    return f"unsupported:unsupported file type {suffix!r}"


def _looks_binary(head: bytes) -> bool:
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 text without BOM has NULs in a regular pattern; random binary does not.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        return not (even > len(head) * 0.4 or odd > len(head) * 0.4)
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.1


def read_pdf(data: bytes) -> str:
    """Text of every page of a PDF; raises ``DocumentError`` with a readable reason."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError("not a PDF file (no PDF header); is it another format renamed?")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise DocumentError("encrypted PDF (password-protected); remove the password")
            except DocumentError:
                raise
            except Exception as err:  # unsupported crypto, etc.
                raise DocumentError("encrypted PDF (password-protected); remove the password") \
                    from err
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as err:
        raise DocumentError(f"corrupt or truncated PDF ({type(err).__name__})") from err
    except Exception as err:  # pypdf raises many types on damaged files
        raise DocumentError(f"corrupt or truncated PDF ({type(err).__name__})") from err
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError("no text found in the PDF (scanned image?); OCR it or paste the text")
    return text


def read_docx(data: bytes) -> str:
    """Paragraphs and table cells of a Word document, in order."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise DocumentError(f"corrupt or truncated DOCX ({type(err).__name__})") from err
    if inflated > MAX_DOCX_UNCOMPRESSED:
        raise DocumentError(f"DOCX expands to {inflated / 1048576:.0f} MB; refused "
                            f"(limit {MAX_DOCX_UNCOMPRESSED / 1048576:.0f} MB)")
    try:
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                cells = dict.fromkeys(cell.text.strip() for cell in row.cells)
                parts.append(" | ".join(c for c in cells if c))
    except Exception as err:  # BadZipFile, KeyError, lxml errors on damaged files
        raise DocumentError(f"corrupt or truncated DOCX ({type(err).__name__})") from err
    text = "\n".join(parts)
    if not text.strip():
        raise DocumentError("no text found in the DOCX (only images or text boxes?)")
    return text


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


def read_csv_documents(text: str, source: str) -> tuple[list[Document], list[ReadError]]:
    """One document per CSV row: a text column and an optional name/id column.

    Rows may be short (missing cells are empty) or long (extra cells are ignored);
    quoted cells may hold newlines and delimiters.
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
        body = normalize_text(row.get(text_col) or "")
        label = (row.get(name_col) or "").strip() if name_col else ""
        name = safe_name(label) if label else f"{stem} row {number}"
        if not body:
            errors.append(ReadError(f"{source} row {number}", "empty text"))
            continue
        docs.append(Document(name=name, text=body, source=source))
    return docs, errors


def read_bytes(name: str, data: bytes) -> tuple[list[Document], list[ReadError]]:
    """Read one uploaded file's bytes into documents (CSV: one per row) and errors."""
    source = safe_name(name)
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
        if kind == "pdf":
            raw = read_pdf(data)
        elif kind == "docx":
            raw = read_docx(data)
        else:
            raw = decode_text(data)
        text = normalize_text(raw)
        if not text:
            raise DocumentError("no text found (the file holds only whitespace)")
        return [Document(name=display_stem(source), text=text, source=source)], []
    except DocumentError as err:
        return [], [ReadError(source, str(err))]


def read_path(path: Path, max_bytes: int | None = None) -> tuple[list[Document], list[ReadError]]:
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
    return read_bytes(path.name, data)


def too_large_message(size: int, max_bytes: int) -> str:
    """The refusal for an oversized file, naming the limit."""
    return (f"file too large ({size / 1048576:.1f} MB; the limit is "
            f"{max_bytes / 1048576:.0f} MB, set RESUMATCH_MAX_UPLOAD_MB to change it)")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders (recursively, supported suffixes only) and keep files as given."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def too_many_files_message(count: int, max_files: int) -> str:
    """The refusal for files past the per-batch limit, naming the limit."""
    return (f"not read: {count} files in one batch, the limit is {max_files} "
            f"(set RESUMATCH_MAX_FILES to change it)")


def read_files(paths: Iterable[str | Path], max_bytes: int | None = None,
               max_files: int | None = None) -> tuple[list[Document], list[ReadError]]:
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
        got, failed = read_path(path, max_bytes)
        docs.extend(got)
        errors.extend(failed)
    return docs, errors


def documents_from_text(texts: Iterable[tuple[str, str]]) -> list[Document]:
    """Documents from pasted (name, text) pairs; blank texts are skipped."""
    docs = []
    for number, (name, text) in enumerate(texts, start=1):
        body = normalize_text(text or "")
        if body:
            label = safe_name(name.strip()) if name.strip() else f"pasted {number}"
            docs.append(Document(name=label, text=body))
    return docs


def dedupe(docs: Iterable[Document]) -> tuple[list[Document], list[str]]:
    """Drop documents whose normalised text was already seen; give the rest unique names.

    Returns the kept documents and one message per dropped duplicate.
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
            doc = Document(name=name, text=doc.text, source=doc.source)
        seen[doc.sha256] = doc
        names.add(name)
        kept.append(doc)
    return kept, notes
