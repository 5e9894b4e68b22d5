"""The matching pipeline shared by the CLI and the app: load the active model, embed
through the cache, score, rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resumatch.config import Settings
from resumatch.documents import Document
from resumatch.embedding import (
    Chunking,
    DocEmbedding,
    Embedder,
    Encoder,
    LazyEncoder,
    Progress,
    SentenceTransformerEncoder,
)
from resumatch.matching import rankings, score_matrix
from resumatch.registry import ModelRegistry, ModelVersion
from resumatch.store import Store

DEFAULT_CHUNKING = Chunking()


def open_store(settings: Settings) -> Store:
    """The state file under the configured data directory (created on first use)."""
    return Store(settings.db_path)


def open_registry(settings: Settings, store: Store | None = None) -> ModelRegistry:
    return ModelRegistry(store or open_store(settings), settings.models_dir)


def load_encoder(version: ModelVersion, settings: Settings | None = None) -> Encoder:
    """An encoder for a model version; the model loads on first use (CPU)."""
    return LazyEncoder(version.id, lambda: SentenceTransformerEncoder(version.path, version.id))


@dataclass
class MatchResult:
    """Everything a page or the CLI shows for one ranking."""

    model_id: str
    resumes: list[DocEmbedding]
    jobs: list[DocEmbedding]
    scores: np.ndarray
    table: pd.DataFrame

    @property
    def resume_names(self) -> list[str]:
        return [e.doc.name for e in self.resumes]

    @property
    def job_names(self) -> list[str]:
        return [e.doc.name for e in self.jobs]

    def resume(self, name: str) -> DocEmbedding:
        return self.resumes[self.resume_names.index(name)]

    def job(self, name: str) -> DocEmbedding:
        return self.jobs[self.job_names.index(name)]


def match(resumes: Sequence[Document], jobs: Sequence[Document], embedder: Embedder,
          progress: Progress | None = None) -> MatchResult:
    """Embed both sides (cache first) and rank every resume against every job."""
    total = len(resumes) + len(jobs)

    def scaled(offset: int, size: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, of, note: progress(offset + round(size * done / max(of, 1)),
                                               total, note)

    resume_emb = embedder.embed(list(resumes), scaled(0, len(resumes)))
    job_emb = embedder.embed(list(jobs), scaled(len(resumes), len(jobs)))
    scores = score_matrix(resume_emb, job_emb)
    table = rankings(scores, [d.name for d in resumes], [d.name for d in jobs])
    return MatchResult(embedder.encoder.model_id, resume_emb, job_emb, scores, table)


def export_rankings(result: MatchResult) -> str:
    """The long-format CSV: one row per (job, resume) pair, best resume first per job."""
    return result.table.to_csv(index=False)
