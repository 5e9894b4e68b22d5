"""resumatch: screen resumes against job descriptions with sentence embeddings."""

from __future__ import annotations

from resumatch.config import Settings
from resumatch.embed.embedding import Chunking, Embedder, SentenceTransformerEncoder
from resumatch.ingest.documents import Document, ReadError, read_bytes, read_files
from resumatch.rank.matching import explain_pair, rankings, score_matrix
from resumatch.store import Store

__all__ = [
    "Chunking",
    "Document",
    "Embedder",
    "ReadError",
    "SentenceTransformerEncoder",
    "Settings",
    "Store",
    "explain_pair",
    "rankings",
    "read_bytes",
    "read_files",
    "score_matrix",
]
__version__ = "0.1.0"
