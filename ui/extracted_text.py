"""What the product read: reading flags beside the candidates, and "Show extracted text".

Recruiters use this to trust the tool: the text shown is exactly the text that was
embedded and scored (redacted in blind mode), with the reading notes ("read by OCR",
"hidden text: N words not scored") above it.
"""

from __future__ import annotations

import streamlit as st

from resumatch.ingest.documents import Document
from resumatch.pipeline import MatchResult

NOTES_COLUMN = {"reading_notes": st.column_config.TextColumn(
    "Reading notes", help="how the file was read: OCR, hidden text left out")}


def _documents(result: MatchResult) -> list[tuple[str, Document]]:
    return ([("Resume", e.doc) for e in result.resumes]
            + [("Job", e.doc) for e in result.jobs])


def render_flags(result: MatchResult) -> None:
    """One warning per document whose reading a recruiter must know about."""
    for kind, doc in _documents(result):
        if doc.notes:
            st.warning(f"{kind} **{_plain(doc.name)}** — {_plain(doc.reading_notes)}",
                       icon=":material/visibility:")


def render(result: MatchResult) -> None:
    """A "Show extracted text" switch; when on, a document picker and the chosen
    document's notes and text. Off, nothing is sent to the browser (a pool's text is
    large, and hidden copies of it would confuse find-in-page)."""
    docs = _documents(result)
    if not st.toggle("Show extracted text", key="show_extracted_text",
                     help="exactly the text that was scored, with how it was read"):
        return
    with st.container(border=True, key="extracted_text"):
        labels = [f"{kind}: {doc.name}" + (" ⚠" if doc.notes else "") for kind, doc in docs]
        choice = st.selectbox("Document", labels, key="extracted_text_doc")
        kind, doc = docs[labels.index(choice)]
        st.caption(f"{kind} from {doc.source}"
                   + (f" · parts read: {', '.join(doc.parts)}" if doc.parts else "")
                   + f" · {len(doc.text.split())} words scored")
        for note in doc.notes:
            st.warning(note)
        st.text(doc.text)


def _plain(text: str) -> str:
    from ui.text import escape_markdown

    return escape_markdown(text)
