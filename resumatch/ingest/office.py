"""OpenDocument text (odfpy), RTF (striprtf) and legacy Word .doc (Debian's antiword)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from resumatch.ingest.extracted import DocumentError, Extracted

LEGACY_DOC = "legacy Word/Office file (.doc)"
ANTIWORD_TIMEOUT_S = 30


def read_odt(data: bytes) -> Extracted:
    """Paragraphs, headings, lists (as ``- item``), tables, frames (text boxes), headers
    and footers of an ODT file; tracked deletions and comments stay out.

    Raises:
        DocumentError: not a readable ODT, or no text.
    """
    import io

    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as err:  # zipfile, xml.sax and KeyError on damaged files
        raise DocumentError(f"corrupt or truncated ODT ({type(err).__name__})") from err
    lines: list[str] = []
    _odf_blocks(document.text, lines)
    # Headers and footers live in the master pages of styles.xml.
    extra: list[str] = []
    for master in document.masterstyles.childNodes:
        for child in getattr(master, "childNodes", []):
            name = getattr(child, "qname", ("", ""))[1]
            if name in ("header", "footer", "header-first", "footer-first"):
                block: list[str] = []
                _odf_blocks(child, block)
                for line in block:
                    if line not in extra:
                        extra.append(line)
    text = "\n".join(extra[:1] + lines + extra[1:]) if extra else "\n".join(lines)
    if not text.strip():
        raise DocumentError("no text found in the ODT")
    return Extracted(text=text, parts=["body"] + (["header/footer"] if extra else []))


_ODF_SKIP = {"tracked-changes", "annotation", "annotation-end", "sequence-decls",
             "variable-decls", "user-field-decls", "note-citation", "bookmark-ref"}


def _odf_blocks(node, lines: list[str], bullet: str = "") -> None:  # noqa: ANN001
    """Append the lines of an ODF container (body, cell, frame, header) in order."""
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        name = child.qname[1]
        if name in _ODF_SKIP:
            continue
        if name in ("p", "h"):
            pieces: list[str] = []
            frames: list = []
            _odf_inline(child, pieces, frames)
            text = "".join(pieces).strip()
            if text:
                lines.extend((bullet + text).split("\n"))
                bullet = ""  # later paragraphs of the same list item are no new item
            for frame in frames:
                _odf_blocks(frame, lines)
        elif name == "list-item":
            _odf_blocks(child, lines, "- ")
        elif name == "table-row":
            cells: list[list[str]] = []
            for cell in child.childNodes:
                if getattr(cell, "qname", ("", ""))[1] == "table-cell":
                    cell_lines: list[str] = []
                    _odf_blocks(cell, cell_lines)
                    if cell_lines:
                        cells.append(cell_lines)
            if cells and all(len(c) == 1 for c in cells):
                lines.append(" | ".join(c[0] for c in cells))
            else:
                for cell_lines in cells:
                    lines.extend(cell_lines)
        else:  # list, section, table, table-rows, frame, text-box, note-body, ...
            _odf_blocks(child, lines, bullet)


def _odf_inline(node, pieces: list[str], frames: list) -> None:  # noqa: ANN001
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            pieces.append(child.data)
            continue
        if child.nodeType != child.ELEMENT_NODE:
            continue
        name = child.qname[1]
        if name in _ODF_SKIP:
            continue
        if name == "s":
            pieces.append(" " * int(child.getAttribute("c") or 1))
        elif name == "tab":
            pieces.append("\t")
        elif name == "line-break":
            pieces.append("\n")
        elif name in ("frame", "note"):
            frames.append(child)  # a text box or footnote: its own lines after this one
        else:
            _odf_inline(child, pieces, frames)


def read_rtf(data: bytes) -> Extracted:
    """Plain text of an RTF file (striprtf); raises ``DocumentError`` when there is none."""
    from striprtf.striprtf import rtf_to_text

    from resumatch.ingest.text import decode_text

    try:
        text = rtf_to_text(decode_text(data), errors="ignore")
    except Exception as err:  # striprtf raises on unbalanced groups in damaged files
        raise DocumentError(f"corrupt RTF ({type(err).__name__})") from err
    if not text.strip():
        raise DocumentError("no text found in the RTF")
    return Extracted(text=text, parts=["body"])


def read_doc(data: bytes) -> Extracted:
    """Text of a legacy Word 97-2003 file through Debian's antiword.

    Raises:
        DocumentError: antiword is missing, or cannot read the file; the message says to
            save it as DOCX or PDF.
    """
    antiword = shutil.which("antiword")
    if antiword is None:
        raise DocumentError(f"{LEGACY_DOC}; save it as DOCX or PDF (antiword, which reads "
                            ".doc files, is not installed)")
    handle, path = tempfile.mkstemp(suffix=".doc")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        done = subprocess.run([antiword, "-w", "0", "-m", "UTF-8.txt", path],
                              capture_output=True, timeout=ANTIWORD_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as err:
        raise DocumentError(f"{LEGACY_DOC} that antiword could not read in "
                            f"{ANTIWORD_TIMEOUT_S} s; save it as DOCX or PDF") from err
    finally:
        os.unlink(path)
    text = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or not text.strip():
        why = done.stderr.decode("utf-8", errors="replace").strip().replace(path, "file")
        why = f" ({why[:100]})" if why else ""
        raise DocumentError(f"{LEGACY_DOC} that could not be read{why}; save it as DOCX or PDF")
    return Extracted(text=text, parts=["body (antiword)"])
