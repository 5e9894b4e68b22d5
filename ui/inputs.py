"""Widgets that collect resumes and job descriptions: uploads, pasted text, samples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from resumatch.ingest.documents import (
    Document,
    ReadError,
    dedupe,
    documents_from_text,
    read_bytes,
    read_files,
    safe_name,
    too_large_message,
    too_many_files_message,
)
from resumatch.ingest.extracted import Progress

ASSETS = Path(__file__).resolve().parent.parent / "assets"
UPLOAD_TYPES = ["txt", "md", "pdf", "docx", "csv", "rtf", "odt", "doc", "html", "htm", "zip",
                "png", "jpg", "jpeg", "tif", "tiff"]
UPLOAD_HELP = ("TXT, MD, PDF, DOCX, ODT, RTF, DOC, HTML, scans (PNG, JPEG, TIFF; read by "
               "OCR), ZIP archives of these, or CSV with one document per row")


@dataclass
class Collected:
    """Documents gathered from one side of the form, with what went wrong."""

    docs: list[Document] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sample_documents() -> tuple[list[Document], list[Document]]:
    """The fictional resumes and job descriptions that ship in ``assets/``."""
    resumes, _ = read_files([ASSETS / "sample_resumes"])
    jobs, _ = read_files([ASSETS / "sample_jobs"])
    return resumes, jobs


def paste_boxes(side: str, label: str) -> list[tuple[str, str]]:
    """A growing list of name + text boxes; returns what was typed."""
    count_key = f"{side}_paste_count"
    st.session_state.setdefault(count_key, 1)
    pasted = []
    for i in range(st.session_state[count_key]):
        name = st.text_input(f"{label} {i + 1} name", key=f"{side}_paste_name_{i}",
                             placeholder=f"{label} {i + 1}")
        text = st.text_area(f"{label} {i + 1} text", key=f"{side}_paste_text_{i}", height=120,
                            placeholder="Paste the text here")
        pasted.append((name or f"pasted {label.lower()} {i + 1}", text))
    if st.button(f"Add another {label.lower()}", key=f"{side}_paste_add"):
        st.session_state[count_key] += 1
        st.rerun()
    return pasted


def count_inputs(files: list | None, pasted: list[tuple[str, str]],
                 samples: list[Document]) -> int:
    """How many sources one side of the Match page has: uploaded files (a CSV or ZIP
    counts once), non-empty pasted texts and sample documents."""
    return len(files or []) + sum(1 for _, text in pasted if text.strip()) + len(samples)


def ready_line(resumes: int, jobs: int) -> str:
    """The line above *Rank candidates* that says what a click would rank. It is drawn by
    the run that saw the uploads, so it also tells (a person or a browser test) that the
    server has them."""
    return (f"Ready to rank: {resumes} resume file(s) or text(s), {jobs} job description "
            "file(s) or text(s).")


def read_uploads(files: list, max_bytes: int, max_files: int | None = None,
                 progress: Progress | None = None) -> tuple[list[Document], list[ReadError]]:
    """Read uploaded files; oversized ones are refused before their bytes are read.

    Files past ``max_files`` are refused too, each with a message naming the limit.
    ``progress`` gets notes from slow readers (OCR of a scan).
    """
    docs: list[Document] = []
    errors: list[ReadError] = []
    files = list(files or [])
    for number, upload in enumerate(files):
        if max_files is not None and number >= max_files:
            errors.append(ReadError(safe_name(upload.name),
                                    too_many_files_message(len(files), max_files)))
            continue
        if upload.size > max_bytes:
            errors.append(ReadError(safe_name(upload.name),
                                    too_large_message(upload.size, max_bytes)))
            continue
        got, failed = read_bytes(upload.name, upload.getvalue(), max_bytes, progress)
        docs.extend(got)
        errors.extend(failed)
    return docs, errors


def read_side(files: list, pasted: list[tuple[str, str]], samples: list[Document],
              max_bytes: int, max_files: int | None = None,
              progress: Progress | None = None) -> Collected:
    """All documents of one side: samples, uploads and pasted text, deduplicated. Touches
    no widget, so a background thread can call it (:mod:`ui.ahead`)."""
    uploaded, errors = read_uploads(files, max_bytes, max_files, progress)
    docs, notes = dedupe(samples + uploaded + documents_from_text(pasted))
    return Collected(docs=docs, errors=errors, notes=notes)


def collect(files: list, pasted: list[tuple[str, str]], samples: list[Document],
            max_bytes: int, max_files: int | None = None) -> Collected:
    """:func:`read_side`, with a caption that says which page while a scan is read by OCR.
    """
    status = st.empty()
    collected = read_side(files, pasted, samples, max_bytes, max_files,
                          progress=lambda note: status.caption(f"Reading… {note}"))
    status.empty()
    return collected
