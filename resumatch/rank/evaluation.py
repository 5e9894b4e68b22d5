"""Retrieval evaluation on real resumes labelled with their occupation category.

Protocol (see the shared data README): for each category, rank the resumes of one split
for a query (the category name, or a job description written for it); relevant =
resumes of that category. Metrics per method: nDCG@10 (scikit-learn's ``ndcg_score``),
MRR and precision@10, averaged over queries.

Data sets:
- ``resumes_by_category.csv``: 166 resumes, ``split`` column dev/test as published.
- ``livecareer_dev.csv``: 959 resumes, all in the published dev part. We cut it into a
  fixed dev/test partition by a hash of the resume id (:func:`livecareer_split`), so
  choices are made on one half and reported on the other.

Query styles (``STYLES``), one query per category each: ``names`` (the category name),
``short`` (short postings, ``bench/queries_<set>.csv``) and ``formal`` (long formal
profiles: a title, a summary paragraph and a list of duties,
``bench/queries_<set>_formal.csv``, written for resumatch in varied corporate and public
sector styles). A ranking must hold on every style, so reports give the mean and the
worst style.

Requirement evidence is measured the same way (:func:`evidence_metrics`): per job, the
share of its requirements each resume meets; the ROC AUC of that coverage between
right- and wrong-occupation resumes, and the met rates of both.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import ndcg_score, roc_auc_score

from resumatch.embed.embedding import DEFAULT_CHUNKING, Chunking, DocEmbedding, Embedder, pool
from resumatch.ingest.documents import Document, normalize_text
from resumatch.rank.acceptance import evidence_agreement, fit_mae
from resumatch.rank.evidence import PassageIndex
from resumatch.rank.keywords import keyword_matrix
from resumatch.rank.matching import DEFAULT_SCORING, Scoring, score_matrix
from resumatch.rank.scoring import PoolScores, score_pool

DATASETS = {"categories": "resumes_by_category.csv", "livecareer": "livecareer_dev.csv"}
SPLITS = ("dev", "test")
STYLES = ("names", "short", "formal")
# Query files per (data set, style) under bench/; "names" are the category names.
QUERY_FILES = {("categories", "short"): "queries_categories.csv",
               ("categories", "formal"): "queries_categories_formal.csv",
               ("livecareer", "short"): "queries_livecareer.csv",
               ("livecareer", "formal"): "queries_livecareer_formal.csv"}
K = 10


@dataclass(frozen=True)
class LabelledResume:
    """One resume of an evaluation set: its id, occupation category and text."""

    id: str
    category: str
    split: str
    text: str

    def document(self) -> Document:
        return Document(name=self.id, text=self.text, source="eval")


@dataclass(frozen=True)
class Query:
    """A query for one category: the category name or a job description."""

    category: str
    text: str

    def document(self, number: int) -> Document:
        return Document(name=f"{self.category} #{number}", text=self.text, source="query")


def livecareer_split(resume_id: str) -> str:
    """Our fixed dev/test partition of ``livecareer_dev.csv``: half each, by id hash.

    Example:
        >>> livecareer_split("12345") in ("dev", "test")
        True
    """
    digest = hashlib.sha256(str(resume_id).encode("utf-8")).digest()
    return "test" if digest[0] % 2 else "dev"


def dataset_path(data: Path, dataset: str) -> Path:
    """The CSV of a named data set inside a data folder, or ``data`` itself if a file."""
    data = Path(data)
    if data.is_file():
        return data
    if dataset not in DATASETS:
        raise ValueError(f"unknown data set {dataset!r} (known: {', '.join(DATASETS)})")
    path = data / DATASETS[dataset]
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; --data must be the shared data folder "
                                "or one of its CSV files")
    return path


def load_resumes(path: Path, split: str | None = "dev", clean: bool = True,
                 ) -> list[LabelledResume]:
    """Resumes of one split (None: all) from a data set CSV.

    ``clean`` applies the product's text normalisation (mojibake repair, whitespace), as
    an upload would get; ``clean=False`` keeps the text as published.
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"id", "category", "text"} <= set(rows[0]):
        raise ValueError(f"{path.name}: needs columns id, category, text")
    livecareer = all((row.get("split") or "dev") == "dev" for row in rows)
    out = []
    for row in rows:
        row_split = livecareer_split(row["id"]) if livecareer else row["split"]
        if split is not None and row_split != split:
            continue
        text = normalize_text(row["text"]) if clean else row["text"]
        if text.strip():
            out.append(LabelledResume(str(row["id"]), row["category"], row_split, text))
    return out


def sample_per_category(resumes: Sequence[LabelledResume], per_category: int,
                        ) -> list[LabelledResume]:
    """At most ``per_category`` resumes of each category, the first by id hash (fixed)."""
    ranked = sorted(resumes, key=lambda r: hashlib.sha256(r.id.encode()).hexdigest())
    kept: dict[str, int] = {}
    out = []
    for resume in ranked:
        if kept.get(resume.category, 0) < per_category:
            kept[resume.category] = kept.get(resume.category, 0) + 1
            out.append(resume)
    return sorted(out, key=lambda r: r.id)


def category_queries(categories: Sequence[str]) -> list[Query]:
    """The category names as queries (``INFORMATION-TECHNOLOGY`` -> information technology)."""
    return [Query(c, c.replace("-", " ").replace("_", " ").lower())
            for c in sorted(set(categories))]


def load_queries(path: Path, categories: Sequence[str] | None = None) -> list[Query]:
    """Job-description queries from a CSV with columns ``category,text``.

    Raises ``ValueError`` naming the rows whose category is not in ``categories``.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"category", "text"} <= set(rows[0]):
        raise ValueError(f"{Path(path).name}: needs columns category,text")
    known = set(categories) if categories is not None else None
    unknown = [f"row {n} ({row['category']!r})" for n, row in enumerate(rows, start=2)
               if known is not None and row["category"] not in known]
    if unknown:
        raise ValueError(f"{Path(path).name}: categories not in the data: "
                         + ", ".join(unknown[:5]))
    return [Query(row["category"], normalize_text(row["text"])) for row in rows
            if row["text"].strip()]


# -- metrics -------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """Mean retrieval metrics over queries."""

    ndcg: float
    mrr: float
    precision: float
    queries: int

    def as_dict(self) -> dict[str, float]:
        return {"ndcg@10": round(self.ndcg, 4), "mrr": round(self.mrr, 4),
                "p@10": round(self.precision, 4)}


def query_metrics(scores: np.ndarray, relevant: np.ndarray, k: int = K,
                  ) -> tuple[float, float, float]:
    """nDCG@k, reciprocal rank and precision@k of one query's scores over documents."""
    relevant = np.asarray(relevant, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    ndcg = float(ndcg_score(relevant[None, :].astype(float), scores[None, :], k=k))
    order = np.argsort(-scores, kind="stable")
    hits = np.flatnonzero(relevant[order])
    rr = 1.0 / (hits[0] + 1) if len(hits) else 0.0
    precision = float(relevant[order[:k]].mean())
    return ndcg, rr, precision


def evaluate_scores(scores: np.ndarray, resume_categories: Sequence[str],
                    query_categories: Sequence[str], k: int = K) -> Metrics:
    """Mean metrics of a score matrix (n_resumes, n_queries); queries whose category has
    no resume in the split are skipped."""
    labels = np.asarray(resume_categories, dtype=object)
    rows = []
    for j, category in enumerate(query_categories):
        relevant = labels == category
        if relevant.any() and len(labels) > 1:
            rows.append(query_metrics(scores[:, j], relevant, k))
    if not rows:
        return Metrics(0.0, 0.0, 0.0, 0)
    ndcg, mrr, precision = (float(np.mean(col)) for col in zip(*rows, strict=True))
    return Metrics(ndcg, mrr, precision, len(rows))


# -- methods -------------------------------------------------------------------------


@dataclass
class RetrievalTask:
    """Resumes and queries of one run, with embeddings computed once per setting.

    ``embedder_for(model_id, chunking)`` returns an :class:`Embedder` (over the
    product's store, so repeated runs hit the cache).
    """

    resumes: list[LabelledResume]
    queries: list[Query]
    embedder_for: Callable[[str, Chunking], Embedder]
    _embedded: dict[tuple[str, str], tuple[list[DocEmbedding], list[DocEmbedding]]] = field(
        default_factory=dict)
    _keywords: np.ndarray | None = None
    _pools: dict[tuple[str, str], PoolScores] = field(default_factory=dict)

    @property
    def resume_docs(self) -> list[Document]:
        return [r.document() for r in self.resumes]

    @property
    def query_docs(self) -> list[Document]:
        return [q.document(n) for n, q in enumerate(self.queries, start=1)]

    def embeddings(self, model_id: str, chunking: Chunking,
                   ) -> tuple[list[DocEmbedding], list[DocEmbedding]]:
        """Resume and query embeddings for one model and chunking (cached)."""
        key = (model_id, chunking.key + "-" + chunking.pooling)
        if key not in self._embedded:
            embedder = self.embedder_for(model_id, chunking)
            self._embedded[key] = (embedder.embed(self.resume_docs),
                                   embedder.embed(self.query_docs))
        return self._embedded[key]

    def product_scores(self, model_id: str) -> PoolScores:
        """The product's :class:`PoolScores` of this task for one model (cached): resumes
        embedded with their passages, requirements with the same model."""
        key = ("product", model_id)
        if key not in self._pools:
            embedder = self.embedder_for(model_id, DEFAULT_CHUNKING)
            index = PassageIndex(embedder.encoder, embedder.store, embedder)
            resumes = embedder.embed(self.resume_docs, passages=True)
            queries = embedder.embed(self.query_docs)
            self._pools[key] = score_pool(resumes, queries, index=index)
        return self._pools[key]

    def keyword_scores(self) -> np.ndarray:
        """BM25 of every query over the resumes of the split, shape (n_resumes, n_queries)."""
        if self._keywords is None:
            self._keywords = keyword_matrix([r.text for r in self.resumes],
                                            [q.text for q in self.queries])
        return self._keywords

    def evaluate(self, scores: np.ndarray) -> Metrics:
        return evaluate_scores(scores, [r.category for r in self.resumes],
                               [q.category for q in self.queries])


# Methods compared in one run. ``default`` is whatever the product ranks by
# (``scoring.score_pool``), with the active model; ``old-default`` the ranking before
# issue 11 (best window pair + 0.05 x BM25 z-score), kept as the baseline to beat.
METHODS = ("bm25", "minilm-truncate", "minilm-mean", "minilm-chunked", "old-default",
           "default")
METHOD_HELP = {
    "bm25": "BM25 (rank-bm25) over lowercase word tokens, English stopwords dropped",
    "minilm-truncate": "base MiniLM on the first 256 tokens of each side (the seed card)",
    "minilm-mean": "base MiniLM, 256-token windows, mean-pooled document vectors",
    "minilm-chunked": "base MiniLM, best window pair cosine (no keywords)",
    "old-default": "the ranking before issue 11: best window pair + 0.05 x BM25 z-score",
    "default": "the product's ranking (six standardised features, evidence, caps), with "
               "the active (or --model) model version",
}
TRUNCATE = Chunking(window=256, overlap=0, max_chunks=1)


def _first_window(task: RetrievalTask, model_id: str, chunking: Chunking,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of the first 256-token window of every resume and query.

    When the product chunks with 256-token windows its first window *is* the truncated
    text, so the cached chunk is reused instead of embedding everything again.
    """
    if chunking.window == TRUNCATE.window:
        resumes, queries = task.embeddings(model_id, chunking)
    else:
        resumes, queries = task.embeddings(model_id, TRUNCATE)
    return (np.stack([e.chunk_vectors[0] for e in resumes]),
            np.stack([e.chunk_vectors[0] for e in queries]))


def method_scores(task: RetrievalTask, method: str, model_id: str = "base",
                  chunking: Chunking | None = None, scoring: Scoring | None = None,
                  ) -> np.ndarray:
    """Score matrix (n_resumes, n_queries) of one method.

    ``model_id`` only affects ``default`` (and fine-tuned versions, which are ``default``
    with another model); the other methods are fixed references on the base model.
    ``chunking`` and ``scoring`` are kept for callers of the older signature.
    """
    chunking = chunking or DEFAULT_CHUNKING
    scoring = scoring or DEFAULT_SCORING
    if method == "bm25":
        return task.keyword_scores()
    if method == "minilm-truncate":
        resumes, queries = _first_window(task, "base", DEFAULT_CHUNKING)
        return resumes @ queries.T
    if method == "minilm-mean":
        resumes, queries = task.embeddings("base", DEFAULT_CHUNKING)
        return score_matrix(
            [_repooled(e) for e in resumes], [_repooled(e) for e in queries],
            Scoring(top_k=0, keyword_weight=0.0))
    if method == "minilm-chunked":
        resumes, queries = task.embeddings("base", DEFAULT_CHUNKING)
        return score_matrix(resumes, queries, DEFAULT_SCORING)
    if method in ("old-default", "hybrid"):
        resumes, queries = task.embeddings("base", DEFAULT_CHUNKING)
        return score_pool(resumes, queries, DEFAULT_SCORING).ranking
    if method == "default" or method.startswith("finetuned:"):
        return task.product_scores(model_id).ranking
    raise ValueError(f"unknown method {method!r} (known: {', '.join(METHODS)})")


def _repooled(embedding: DocEmbedding) -> DocEmbedding:
    return DocEmbedding(embedding.doc, embedding.chunk_vectors, embedding.spans,
                        pool(embedding.chunk_vectors, "mean"))


def run_methods(task: RetrievalTask, methods: Sequence[str], model_id: str = "base",
                ) -> dict[str, Metrics]:
    """Metrics of each method on one task, in the order given."""
    results = {}
    for method in methods:
        model = method.split(":", 1)[1] if method.startswith("finetuned:") else model_id
        results[method] = task.evaluate(method_scores(task, method, model))
    return results


def format_table(results: dict[str, Metrics], title: str = "") -> str:
    """A plain-text table of metrics, one method per row."""
    width = max([len(m) for m in results] + [6])
    lines = [title] if title else []
    lines.append(f"{'method':<{width}}  nDCG@10    MRR   P@10")
    for method, m in results.items():
        lines.append(f"{method:<{width}}  {m.ndcg:7.3f}  {m.mrr:5.3f}  {m.precision:5.3f}")
    return "\n".join(lines)


def format_styles(results: dict[str, dict[str, Metrics]], title: str = "",
                  metric: str = "ndcg") -> str:
    """Methods (rows) x tasks (columns) side by side, plus each method's mean and worst
    task. ``results`` maps task name -> method -> metrics."""
    tasks = list(results)
    methods = list(dict.fromkeys(m for task in results.values() for m in task))
    width = max([len(m) for m in methods] + [6])
    heads = [t.replace("categories", "cat").replace("livecareer", "lc") for t in tasks]
    col = max([len(h) for h in heads] + [7])
    lines = [title] if title else []
    lines.append(f"{'method':<{width}}  " + "  ".join(f"{h:>{col}}" for h in heads)
                 + f"  {'mean':>6}  {'worst':>6}")
    for method in methods:
        values = [getattr(results[t][method], metric) for t in tasks if method in results[t]]
        cells = [f"{getattr(results[t][method], metric):>{col}.3f}" if method in results[t]
                 else f"{'-':>{col}}" for t in tasks]
        lines.append(f"{method:<{width}}  " + "  ".join(cells)
                     + f"  {np.mean(values):6.3f}  {np.min(values):6.3f}")
    return "\n".join(lines)


# -- requirement evidence -----------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceMetrics:
    """How well requirement coverage tells right- from wrong-occupation resumes.

    ``auc``: mean over jobs of the ROC AUC of coverage (share of requirements met);
    ``worst_auc``: the lowest job's; ``right`` and ``wrong``: mean share of requirements
    met by right- and wrong-occupation resumes; ``jobs``: jobs with requirements.
    """

    auc: float
    worst_auc: float
    right: float
    wrong: float
    jobs: int

    def as_dict(self) -> dict[str, float]:
        return {"coverage_auc": round(self.auc, 4), "worst_auc": round(self.worst_auc, 4),
                "met_right": round(self.right, 4), "met_wrong": round(self.wrong, 4),
                "jobs": self.jobs}


def evidence_metrics(met: Sequence[np.ndarray], resume_categories: Sequence[str],
                     query_categories: Sequence[str]) -> EvidenceMetrics:
    """:class:`EvidenceMetrics` of per-job met matrices (n_requirements, n_resumes)."""
    labels = np.asarray(resume_categories, dtype=object)
    aucs, right, wrong = [], [], []
    for cells, category in zip(met, query_categories, strict=True):
        if not len(cells):
            continue
        relevant = labels == category
        coverage = cells.mean(axis=0)
        if relevant.any() and (~relevant).any():
            aucs.append(float(roc_auc_score(relevant, coverage)))
        if relevant.any():
            right.append(float(cells[:, relevant].mean()))
        if (~relevant).any():
            wrong.append(float(cells[:, ~relevant].mean()))
    if not aucs:
        return EvidenceMetrics(0.0, 0.0, 0.0, 0.0, 0)
    return EvidenceMetrics(float(np.mean(aucs)), float(np.min(aucs)), float(np.mean(right)),
                           float(np.mean(wrong)), len(aucs))


def task_evidence(task: RetrievalTask, model_id: str = "base") -> EvidenceMetrics:
    """:func:`evidence_metrics` of the product's requirement evidence on one task."""
    pool_scores = task.product_scores(model_id)
    return evidence_metrics(pool_scores.met(), [r.category for r in task.resumes],
                            [q.category for q in task.queries])


def fixed_threshold_met(pool_scores: PoolScores, threshold: float = 0.48,
                        ) -> list[np.ndarray]:
    """Per-job met matrices under the rule before issue 11: best passage cosine at least
    ``threshold`` (headings excluded here too), for before/after comparisons."""
    if pool_scores.evidence is None:
        return []
    return [job.score >= threshold for job in pool_scores.evidence]


def backend_agreement(reference: PoolScores, candidate: PoolScores) -> dict[str, float]:
    """What issue 14 judges a faster backend by, for two scorings of the same pool:
    mean absolute change of the 0-100 fit and the share of requirement cells whose
    met/not-met verdict agrees (:mod:`resumatch.rank.acceptance`; nDCG changes come from
    :func:`run_methods` per style).
    """
    return {"fit_mae": fit_mae(reference, candidate),
            "evidence_agreement": evidence_agreement(reference, candidate)}
