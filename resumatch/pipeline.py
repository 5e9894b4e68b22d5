"""The matching pipeline shared by the CLI and the app: load the active model, embed
through the cache, score, rank."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from resumatch.config import Settings
from resumatch.embed.embedding import (
    DocEmbedding,
    Embedder,
    Encoder,
    LazyEncoder,
    Progress,
    SentenceTransformerEncoder,
)
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.exports import frame_to_csv
from resumatch.ingest.documents import Document
from resumatch.rank.evidence import PassageIndex
from resumatch.rank.explain import MemoEncoder, clip, explain
from resumatch.rank.marks import get_marks
from resumatch.rank.matching import matrix_frame, rankings
from resumatch.rank.memo import RANKINGS, ranking_key
from resumatch.rank.scoring import PoolScores, score_pool
from resumatch.store import Store, open_store  # open_store: SQLite file or PostgreSQL URL

if TYPE_CHECKING:
    from resumatch.embed.backends import BackendStatus

EXPLAIN_TOP = 3  # the CSV explains the best resumes of each job; the rest stay blank
EXPLANATION_COLUMNS = ["summary", "matched_terms", "missing_terms", "top_resume_passage",
                       "top_job_passage", "drivers"]
# Filled for every pair (the ranking computes them anyway): the requirement line and why
# a fit is capped ("too little text to judge (1 word)", "missing must-have: ...").
RANKING_COLUMNS = ["requirements", "note"]


def open_registry(settings: Settings, store: Store | None = None) -> ModelRegistry:
    """Model versions: records in the store, files in ``settings.models_dir``."""
    return ModelRegistry(store or open_store(settings), settings.models_dir)


def load_encoder(version: ModelVersion, settings: Settings | None = None,
                 background: str = "process") -> Encoder:
    """An encoder for a model version on ``settings.backend`` (torch without settings).

    With ``auto`` not yet decided for this version, torch serves while a faster encoder
    is prepared (export, calibration, the issue-14 check of
    :class:`resumatch.rank.acceptance.ProductJudge`): ``background="thread"`` in this
    process (the app: its sidebar shows the progress), ``"process"`` in a detached
    ``python -m resumatch prepare`` (the CLI: it survives the command), ``"none"`` in the
    caller's thread on first use. Model loads happen on first use (CPU).
    """
    if settings is None:
        return LazyEncoder(version.id,
                           lambda: SentenceTransformerEncoder(version.path, version.id))
    from resumatch.embed.backends import AUTO, serving_encoder, stored_decision
    from resumatch.rank.acceptance import ProductJudge

    if background not in {"thread", "process", "none"}:
        raise ValueError(f"background must be thread, process or none, not {background!r}")
    store = open_store(settings)
    mode: bool | object = background == "thread"
    if (background == "process" and settings.backend == AUTO
            and stored_decision(store, version.id) is None):
        mode = lambda: start_preparation(version, settings)  # noqa: E731
    # Exports go under the models directory (settings.exports_dir), shared by every server.
    return serving_encoder(version, settings.backend, settings.models_dir, store,
                           judge=ProductJudge(), background=mode)  # type: ignore[arg-type]


def prepare_model(version: ModelVersion, settings: Settings,
                  progress: Progress | None = None) -> BackendStatus:
    """Prepare ``version`` for ``settings.backend`` now (``python -m resumatch prepare``):
    for ``auto`` the export, calibration and issue-14 check, once per version (the
    decision is stored); for a named backend its export. Waits for a preparation already
    running elsewhere, then reuses its decision. Returns what will serve."""
    from resumatch.embed.backends import preparation_lock, serving_encoder
    from resumatch.rank.acceptance import ProductJudge

    with preparation_lock(settings.models_dir, version.id):
        encoder = serving_encoder(version, settings.backend, settings.models_dir,
                                  open_store(settings), judge=ProductJudge())
        return encoder.prepare(progress)


def start_preparation(version: ModelVersion, settings: Settings) -> subprocess.Popen | None:
    """Start ``python -m resumatch prepare --model VERSION`` detached (its own session,
    so it outlives the command that started it), unless one is already running for this
    version. Its log goes to ``<data dir>/logs/prepare-<version>.log``.

    Returns the process, or None when nothing was started (already running, or the
    backend is not ``auto``)."""
    from resumatch.embed.backends import AUTO, preparation_running

    if settings.backend != AUTO or preparation_running(settings.models_dir, version.id):
        return None
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"prepare-{version.id}.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "resumatch", "prepare", "--model", version.id],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, env=os.environ.copy())


def warm_up(encoder: Encoder, store: Store | None = None) -> None:
    """Do ahead of a first ranking the work that does not depend on its documents, so the
    app can run it in the background while a recruiter uploads files.

    Loads the model (and with it torch, transformers and sentence-transformers, about
    10 s of CPU together here) with one forward pass, loads the stopword list, and encodes
    the shipped reference requirements every resume's baseline is measured against
    (:meth:`PassageIndex.baselines`) into the store's phrase cache, where the first
    ranking then finds them. Results are the same as without it: the ranking reads the
    same vectors from the cache instead of encoding them itself.

    Raises whatever loading the model raises (the caller decides whether to show it).
    """
    from resumatch.rank.evidence import reference_requirements
    from resumatch.rank.keywords import stopwords

    stopwords()
    encoder.encode(["warm up"])
    PassageIndex(encoder, store).encode(list(reference_requirements()))


@dataclass
class MatchResult:
    """Everything a page or the CLI shows for one ranking."""

    model_id: str
    resumes: list[DocEmbedding]
    jobs: list[DocEmbedding]
    scores: np.ndarray  # raw cosine (chunk level), what the table's ``score`` shows
    table: pd.DataFrame
    fit: np.ndarray | None = None  # 0-100, ordered like the ranking (scoring.FIT_MAPPING)
    ranking: np.ndarray | None = None  # the ranking score after caps: what ``rank`` orders by
    encoder: Encoder | None = field(default=None, repr=False, compare=False)
    store: Store | None = field(default=None, repr=False, compare=False)  # for explanations
    pool: PoolScores | None = field(default=None, repr=False, compare=False)
    index: PassageIndex | None = field(default=None, repr=False, compare=False)

    def too_little(self, name: str) -> bool:
        """Whether a resume has too little text to judge (its fit is not a judgement)."""
        if self.pool is None or not self.pool.sufficiency:
            return False
        return not self.pool.sufficiency[self.resume_names.index(name)].enough

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


def _pinned(embedder: Embedder) -> Embedder:
    """``embedder`` on the backend serving now (``ServingEncoder.current``), so its cache
    keys and vectors stay the same while it is used, even if ``auto`` switches meanwhile."""
    current = getattr(embedder.encoder, "current", None)
    if callable(current):
        return dataclasses.replace(embedder, encoder=current())
    return embedder


def match(resumes: Sequence[Document], jobs: Sequence[Document], embedder: Embedder,
          progress: Progress | None = None,
          marks: dict[str, dict[str, str]] | None = None) -> MatchResult:
    """Embed both sides (cache first) and rank every resume against every job.

    Resumes are embedded with their passages (one forward pass, see
    :mod:`resumatch.embed.embedding`); the ranking is :func:`score_pool`. Requirement
    marks come from ``marks`` (job sha256 -> requirement -> mark) or, by default, from
    the store. Ranking an unchanged pool again (same texts, names, model and marks)
    reuses the scores of the first time (:mod:`resumatch.rank.memo`).
    """
    total = len(resumes) + len(jobs)

    def scaled(offset: int, size: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, of, note: progress(offset + round(size * done / max(of, 1)),
                                               total, note)

    prepare = getattr(embedder.encoder, "prepare", None)
    if callable(prepare):  # a first use exports and checks backends: say so meanwhile
        prepare(None if progress is None else lambda done, of, note: progress(0, total, note))
    embedder = _pinned(embedder)  # one backend for the whole ranking, even if auto switches
    resume_emb = embedder.embed(list(resumes), scaled(0, len(resumes)), passages=True)
    job_emb = embedder.embed(list(jobs), scaled(len(resumes), len(jobs)))
    if marks is None and embedder.store is not None:
        marks = {job.sha256: get_marks(embedder.store, job.sha256) for job in jobs}
    # The same pool, model and marks as a recent ranking: its scores, not a second scoring.
    key = ranking_key(embedder.encoder.model_id, embedder.chunking.key, resume_emb, job_emb,
                      marks)
    kept = RANKINGS.get(embedder.store, key)
    if kept is not None:
        pool, index = kept
    else:
        index = PassageIndex(embedder.encoder, embedder.store, embedder)
        pool = score_pool(resume_emb, job_emb, index=index, marks=marks)
        RANKINGS.put(embedder.store, key, (pool, index))
    table = rankings(pool.cosine, [d.name for d in resumes], [d.name for d in jobs],
                     rank_by=pool.ranking, extra={"fit": pool.fit, **ranking_notes(pool)})
    add_reading_notes(table, resumes)
    return MatchResult(embedder.encoder.model_id, resume_emb, job_emb, pool.cosine, table,
                       fit=pool.fit, ranking=pool.ranking, encoder=embedder.encoder,
                       store=embedder.store, pool=pool, index=index)


def rank_ahead(resumes: Sequence[Document], jobs: Sequence[Document], embedder: Embedder,
               progress: Progress | None = None) -> None:
    """Do a ranking's work before anyone asks for it, so the ranking that follows finds it
    done. The app runs this in a background thread as soon as files are uploaded; a
    recruiter who then clicks *Rank candidates* waits only for what is left.

    With both sides present it is :func:`match` itself, result dropped: the vectors go to
    the store's embedding cache and the scores to the ranking memo
    (:mod:`resumatch.rank.memo`), so a ranking of the same inputs is a cached re-rank.
    With one side only, that side is embedded. Rankings are the same with or without it:
    the ranking reads the vectors and scores it would have computed.

    Raises whatever embedding or scoring raises (the caller logs it; the ranking at the
    click then meets the same error and shows it).
    """
    if resumes and jobs:
        match(resumes, jobs, embedder, progress)
        return
    embedder = _pinned(embedder)
    if resumes:
        embedder.embed(list(resumes), progress, passages=True)
    if jobs:
        embedder.embed(list(jobs), progress)


def rescore(result: MatchResult, marks: dict[str, dict[str, str]] | None = None,
            ) -> MatchResult:
    """The same ranking scored again from its vectors (nothing is embedded): after a
    recruiter changed requirement marks, which are read from the store by default."""
    if result.index is None:
        raise ValueError("this ranking was made without passages; rank it again")
    store = result.store
    if marks is None:
        marks = {e.doc.sha256: get_marks(store, e.doc.sha256) if store else {}
                 for e in result.jobs}
    pool = score_pool(result.resumes, result.jobs, index=result.index, marks=marks)
    table = rankings(pool.cosine, result.resume_names, result.job_names, rank_by=pool.ranking,
                     extra={"fit": pool.fit, **ranking_notes(pool)})
    add_reading_notes(table, [e.doc for e in result.resumes])
    return MatchResult(result.model_id, result.resumes, result.jobs, pool.cosine, table,
                       fit=pool.fit, ranking=pool.ranking, encoder=result.encoder,
                       store=store, pool=pool, index=result.index)


def add_reading_notes(table: pd.DataFrame, resumes: Sequence[Document]) -> None:
    """Add the ``reading_notes`` column in place: how each resume was read ("read by OCR
    ...", "hidden text: N words not scored"), by resume name."""
    table["reading_notes"] = table["resume"].map({d.name: d.reading_notes for d in resumes})


def ranking_notes(pool: PoolScores) -> dict[str, np.ndarray]:
    """The ``requirements`` and ``note`` matrices (n_resumes, n_jobs) of a scored pool."""
    shape = pool.fit.shape
    lines = np.full(shape, "", dtype=object)
    notes = np.full(shape, "", dtype=object)
    for i in range(shape[0]):
        for j in range(shape[1]):
            if pool.evidence is not None and pool.evidence[j].requirements:
                lines[i, j] = pool.evidence[j].summary(i)
            notes[i, j] = pool.note(i, j)
    return {"requirements": lines, "note": notes}


def export_rankings(result: MatchResult, top: int = EXPLAIN_TOP) -> str:
    """The long-format CSV: one row per (job, resume) pair, best resume first per job.

    The ``top`` resumes of each job also get explanation columns (summary, matched and
    missing terms, the best passages); explaining every pair of a big pool would embed
    every passage of every resume.
    """
    table = result.table.copy()
    for column in EXPLANATION_COLUMNS:
        table[column] = ""
    if result.encoder is None or top <= 0 or table.empty:
        return frame_to_csv(table, index=False)
    encoder = MemoEncoder(result.encoder, result.store)  # a cached ranking embeds nothing
    resume_row = {name: i for i, name in enumerate(result.resume_names)}
    job_row = {name: j for j, name in enumerate(result.job_names)}
    for index in table.index[table["rank"] <= top]:
        i, j = resume_row[table.at[index, "resume"]], job_row[table.at[index, "job"]]
        fit = float(result.fit[i, j]) if result.fit is not None else float("nan")
        found = explain(result.resumes[i], result.jobs[j], encoder, result.scores[i, j], fit)
        table.at[index, "summary"] = found.summary
        if result.pool is not None and result.pool.features:
            table.at[index, "drivers"] = drivers_text(result.pool, i, j)
        table.at[index, "matched_terms"] = "; ".join(
            t.term if t.how == "named" else f"{t.term} (~{t.evidence})" for t in found.matched)
        table.at[index, "missing_terms"] = "; ".join(t.term for t in found.missing)
        if found.resume_passages:
            table.at[index, "top_resume_passage"] = clip(found.resume_passages[0].text)
        if found.job_passages:
            table.at[index, "top_job_passage"] = clip(found.job_passages[0].text)
    return frame_to_csv(table, index=False)


def drivers_text(pool: PoolScores, resume: int, job: int, most: int = 3) -> str:
    """The features that moved one pair's score most, e.g. ``job title +2.1; keywords
    +1.3; resume opening -0.4`` (contributions in standard units)."""
    from resumatch.rank.features import FEATURE_LABELS

    parts = pool.contributions(resume, job)[:most]
    return "; ".join(f"{FEATURE_LABELS[name]} {value:+.1f}" for name, value in parts)


def export_matrix(result: MatchResult) -> str:
    """The wide score-matrix CSV: one row per resume, one column per job (raw cosine)."""
    frame = matrix_frame(result.scores, result.resume_names, result.job_names)
    return frame_to_csv(frame, index_label="resume")
