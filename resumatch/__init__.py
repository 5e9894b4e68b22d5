"""resumatch: screen resumes against job descriptions with sentence embeddings.

The public names below are imported on first use (PEP 562 ``__getattr__``), so that
``import resumatch`` and ``python -m resumatch --help`` stay fast: the matching modules
pull in numpy, pandas and scikit-learn, and a model pulls in torch. Only
``resumatch.config`` loads eagerly, because it sets the offline environment
(``HF_HUB_OFFLINE`` ...) that must be in place before any Hugging Face library loads.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from resumatch import config as _config  # noqa: F401  (sets the offline environment first)

if TYPE_CHECKING:
    from resumatch.config import Settings
    from resumatch.embed.embedding import Chunking, Embedder, SentenceTransformerEncoder
    from resumatch.ingest.documents import Document, ReadError, read_bytes, read_files
    from resumatch.rank.matching import explain_pair, rankings, score_matrix
    from resumatch.store import Store

# Public name -> module that defines it.
_LAZY = {
    "Chunking": "resumatch.embed.embedding",
    "Document": "resumatch.ingest.documents",
    "Embedder": "resumatch.embed.embedding",
    "ReadError": "resumatch.ingest.documents",
    "SentenceTransformerEncoder": "resumatch.embed.embedding",
    "Settings": "resumatch.config",
    "Store": "resumatch.store",
    "explain_pair": "resumatch.rank.matching",
    "rankings": "resumatch.rank.matching",
    "read_bytes": "resumatch.ingest.documents",
    "read_files": "resumatch.ingest.documents",
    "score_matrix": "resumatch.rank.matching",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name on first access and keep it (PEP 562).

    Raises:
        AttributeError: ``name`` is neither public here nor a submodule already loaded.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
