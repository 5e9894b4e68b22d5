"""Ranking work that starts when files are uploaded, before *Rank candidates* is clicked.

A recruiter uploads resumes, then job descriptions, then clicks. Reading and embedding 50
resumes takes most of a first ranking, so the Match page starts it in a background thread
(:func:`resumatch.pipeline.rank_ahead`) on the run that sees the uploads. The click then
waits only for what is left, showing that work's progress, and ranks from the cache.

One thread per session at a time: a new set of inputs waits for the previous thread
(whose vectors it mostly reuses) instead of competing with it for the cores. The thread
touches no widget; it reads the uploads with :func:`ui.inputs.read_side` and keeps what it
read, so the click does not read (or OCR) the same files twice. Its errors are logged and
otherwise ignored: the click ranks as if nothing had been done ahead, and shows them.
``RESUMATCH_RANK_AHEAD=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from resumatch.embed.embedding import Embedder
from resumatch.ingest.documents import Document
from resumatch.ingest.redaction import blind_documents
from resumatch.pipeline import rank_ahead
from ui.inputs import Collected

logger = logging.getLogger(__name__)
AHEAD_KEY = "rank_ahead"


@dataclass
class Ahead:
    """One background run: what it was started for, how far it got, what it read."""

    key: tuple
    done: int = 0
    total: int = 0
    note: str = "reading the uploads"
    sides: tuple[Collected, Collected] | None = None  # (resumes, jobs) as read
    thread: threading.Thread | None = field(default=None, repr=False)

    def progress(self, done: int, total: int, note: str) -> None:
        self.done, self.total, self.note = done, total, note


def enabled() -> bool:
    return os.environ.get("RESUMATCH_RANK_AHEAD", "1").strip() != "0"


def inputs_key(resume_files: list | None, resume_pasted: list[tuple[str, str]],
               resume_samples: list[Document], job_files: list | None,
               job_pasted: list[tuple[str, str]], job_extra: list[Document],
               blind: bool, model: str) -> tuple:
    """What a ranking's inputs are made of: each upload (Streamlit's file id, name and
    size), the pasted texts, the sample and opening documents, blind mode and the model."""
    def files(uploads: list | None) -> tuple:
        return tuple((getattr(f, "file_id", ""), f.name, f.size) for f in uploads or [])

    def texts(pasted: list[tuple[str, str]]) -> str:
        return hashlib.sha256(repr(pasted).encode()).hexdigest()

    def docs(documents: list[Document]) -> tuple:
        return tuple((d.name, d.sha256) for d in documents)

    return (files(resume_files), texts(resume_pasted), docs(resume_samples),
            files(job_files), texts(job_pasted), docs(job_extra), blind, model)


def start(key: tuple, read: Callable[[], tuple[Collected, Collected]], embedder: Embedder,
          blind: bool) -> None:
    """Start reading and ranking these inputs in the background, unless this session
    already did for the same ``key``. ``read`` returns (resumes, jobs) and touches no
    widget; ``embedder`` is the page's (the shared encoder and store)."""
    if not enabled():
        return
    previous: Ahead | None = st.session_state.get(AHEAD_KEY)
    if previous is not None and previous.key == key:
        return
    ahead = Ahead(key)

    def run() -> None:
        if previous is not None and previous.thread is not None:
            previous.thread.join()  # one at a time: the cores are shared
        try:
            resumes, jobs = read()
            ahead.sides = (resumes, jobs)
            ranked = blind_documents(resumes.docs) if blind else resumes.docs
            rank_ahead(ranked, jobs.docs, embedder, ahead.progress)
        except Exception:  # the click ranks again and shows the error
            logger.warning("ranking ahead of the click failed", exc_info=True)

    ahead.thread = threading.Thread(target=run, daemon=True, name="resumatch-rank-ahead")
    ahead.thread.start()
    st.session_state[AHEAD_KEY] = ahead


def finish(key: tuple, bar) -> tuple[Collected, Collected] | None:  # noqa: ANN001
    """At the click: wait for this session's background work, showing its progress on
    ``bar`` (an ``st.progress``), and return what it read when it was started for the
    same inputs (None otherwise: the caller reads them itself)."""
    ahead: Ahead | None = st.session_state.get(AHEAD_KEY)
    if ahead is None or ahead.thread is None:
        return None
    while ahead.thread.is_alive():
        fraction = ahead.done / ahead.total if ahead.total else 0.0
        bar.progress(min(fraction, 1.0), text=f"{ahead.done}/{ahead.total} documents · "
                     f"{ahead.note} (started when the files arrived)")
        ahead.thread.join(0.25)
    return ahead.sides if ahead.key == key else None
