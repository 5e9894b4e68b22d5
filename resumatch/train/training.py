"""Fine-tune a model version on labeled pairs and evaluate it against its parent.

The pipeline reads as numbered steps, like the sentence-transformers STS example:
split (grouped by resume) → model → dataset → loss → evaluator → training arguments →
trainer → save to a new version directory → evaluate parent and new on the held-out pairs.

CPU defaults, measured on the 2-core development machine while other jobs ran on it (a
step = forward + backward + AdamW update over ``batch_size`` pairs; CPU seconds per step
with one thread, which other load barely changes; held-out Spearman after one epoch on
303 synthetic long-resume pairs, 63 held out, two seeds):

=================================  ==============  ==============  ===================
setting                            short pairs     long resumes    held-out Spearman
=================================  ==============  ==============  ===================
256 tokens, all weights trained    0.67 s          2.97 s          0.848 / 0.866
256 tokens, embeddings frozen      0.53 s (-21%)   2.80 s (-6%)    0.847 / 0.862
128 tokens, all weights trained    0.68 s          1.47 s (-51%)   0.831
128 tokens, embeddings frozen      0.50 s          1.30 s (-56%)   0.827 / 0.842
128, embeddings + 2 layers frozen  0.38 s          1.03 s (-65%)   0.804
=================================  ==============  ==============  ===================

- ``OMP_WAIT_POLICY=PASSIVE`` (set below and for the training process) gave by far the
  largest gain on a busy machine: with torch's default spinning OpenMP threads, 2 threads
  on 2 busy cores took 10-32 s per short-pair step; passive waiting took 0.5-1.4 s. On
  the idle machine it costs little (long pairs 1.92 vs 1.90 s, short 0.44 vs 0.30 s).
  torch uses one thread per core (``set_torch_threads``): idle, 2 threads take 1.92 s per
  long step against 2.58 s with one, so one epoch over 300 long pairs is about a minute.
- ``freeze_embeddings=True``: the token embedding matrix holds 11.9 M of the model's
  22.7 M weights; not updating it saves a fifth of a short-pair step, at no held-out cost.
- ``max_seq_length=256`` (the model's own window): 128 tokens halves a long-resume step
  but cost 0.02 held-out Spearman on both seeds, so it stays an option, not the default.
  Short pairs never reach 128 tokens, so for them it changes nothing.
- ``frozen_layers=0``: freezing the lowest layers cost 0.02-0.03 more; an option only.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from resumatch import config as _config  # noqa: F401  (sets the offline environment first)

# OpenMP threads that wait by spinning steal the CPU from each other as soon as anything
# else runs on a small machine: measured here (2 cores, busy), a training step took 25 s
# with the default policy and 0.5-1.4 s with PASSIVE. Only effective before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
from resumatch.embed.embedding import (
    DEFAULT_CHUNKING,
    MODEL_LOAD_LOCK,
    Embedder,
    Encoder,
    SentenceTransformerEncoder,
    set_torch_threads,
)
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.ingest.documents import Document
from resumatch.train.pairs import Pair

# The settings live in a light module (the CLI shows their defaults in --help); they are
# re-exported here, their home before.
from resumatch.train.params import DEFAULT_LOSS as DEFAULT_LOSS
from resumatch.train.params import LOSSES as LOSSES
from resumatch.train.params import SCHEDULERS as SCHEDULERS
from resumatch.train.params import TrainingParams

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from transformers import TrainerCallback


# -- 1. split ------------------------------------------------------------------------------
def grouped_split(pairs: Sequence[Pair], test_fraction: float, seed: int,
                  ) -> tuple[list[int], list[int]]:
    """Indexes of training and held-out pairs; all pairs of one resume go to one side.

    Otherwise a model could look good on held-out pairs just by having seen the same
    resume during training. Raises ``ValueError`` when there are too few resumes.

    Example:
        >>> pairs = [Pair(f"r{i % 5}", f"j{i}", 0.5) for i in range(10)]
        >>> train, test = grouped_split(pairs, 0.2, seed=42)
        >>> len(test), {pairs[i].resume for i in train} & {pairs[i].resume for i in test}
        (2, set())
    """
    sizes: dict[str, int] = {}
    for pair in pairs:
        sizes[pair.resume] = sizes.get(pair.resume, 0) + 1
    if len(sizes) < 2:
        raise ValueError("need pairs for at least 2 different resumes to hold some out")
    groups = list(sizes)
    random.Random(seed).shuffle(groups)
    target = max(1, round(len(pairs) * test_fraction))
    held: set[str] = set()
    count = 0
    for group in groups:
        if count >= target or len(held) == len(groups) - 1:
            break
        held.add(group)
        count += sizes[group]
    train = [i for i, p in enumerate(pairs) if p.resume not in held]
    test = [i for i, p in enumerate(pairs) if p.resume in held]
    return train, test


# -- 2. model ------------------------------------------------------------------------------
def load_model(path: Path | str) -> SentenceTransformer:
    """A sentence-transformers model from a local directory, on the CPU, offline."""
    with MODEL_LOAD_LOCK:
        from sentence_transformers import SentenceTransformer

        set_torch_threads()
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def load_encoder(path: Path | str, model_id: str) -> SentenceTransformerEncoder:
    """A serving-style encoder for evaluation, loaded under ``MODEL_LOAD_LOCK``."""
    with MODEL_LOAD_LOCK:
        return SentenceTransformerEncoder(path, model_id)


def prepare_for_training(model: SentenceTransformer, params: TrainingParams) -> int:
    """Set the training sequence length and freeze what ``params`` says; returns the
    model's serving sequence length, to restore before saving."""
    serving_length = int(model.max_seq_length)
    model.max_seq_length = params.max_seq_length
    transformer = model[0].auto_model
    if params.freeze_embeddings or params.frozen_layers > 0:
        for weight in transformer.embeddings.parameters():
            weight.requires_grad = False
    for layer in transformer.encoder.layer[:params.frozen_layers]:
        for weight in layer.parameters():
            weight.requires_grad = False
    return serving_length


# -- 3.-6. dataset, loss, evaluator, arguments, trainer ------------------------------------
@dataclass
class TrainingProgress:
    """One progress report from the trainer."""

    step: int
    total_steps: int
    epoch: float
    loss: float | None = None
    eta_s: float | None = None
    message: str = ""


def progress_callback(report: Callable[[TrainingProgress], None]) -> TrainerCallback:
    """A ``TrainerCallback`` that reports step, epoch, loss and a time estimate."""
    with MODEL_LOAD_LOCK:
        from transformers import TrainerCallback

    class ProgressCallback(TrainerCallback):
        def __init__(self) -> None:
            self.started = time.monotonic()
            self.loss: float | None = None

        def _report(self, state: Any, message: str = "") -> None:
            elapsed = time.monotonic() - self.started
            step, total = int(state.global_step), int(state.max_steps or 0)
            eta = elapsed / step * max(total - step, 0) if step else None
            report(TrainingProgress(step, total, float(state.epoch or 0.0), self.loss, eta,
                                    message))

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.started = time.monotonic()
            self._report(state, "training")

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self._report(state, "training")

        def on_log(self, args: Any, state: Any, control: Any, logs: dict | None = None,
                   **kwargs: Any) -> None:
            if logs and "loss" in logs:
                self.loss = float(logs["loss"])
                self._report(state, "training")

        def on_evaluate(self, args: Any, state: Any, control: Any,
                        metrics: dict | None = None, **kwargs: Any) -> None:
            value = next((v for k, v in (metrics or {}).items()
                          if k.endswith("spearman_cosine")), None)
            if value is not None:
                self._report(state, f"held-out Spearman after epoch {state.epoch:.0f}: "
                                    f"{value:.3f}")

    return ProgressCallback()


def fine_tune(model: SentenceTransformer, train: Sequence[Pair], heldout: Sequence[Pair],
              params: TrainingParams, callbacks: Sequence[TrainerCallback] = ()) -> float:
    """Train ``model`` in place with ``params.loss`` (CosineSimilarityLoss or CoSENTLoss);
    returns seconds per step."""
    with MODEL_LOAD_LOCK:
        from datasets import Dataset
        from sentence_transformers import (
            SentenceTransformerTrainer,
            SentenceTransformerTrainingArguments,
        )
        from sentence_transformers.sentence_transformer.evaluation import (
            EmbeddingSimilarityEvaluator,
        )
        from sentence_transformers.sentence_transformer.losses import (
            CoSENTLoss,
            CosineSimilarityLoss,
        )

    train_dataset = Dataset.from_dict({"sentence1": [p.resume for p in train],
                                       "sentence2": [p.job for p in train],
                                       "score": [float(p.label) for p in train]})
    loss = CoSENTLoss(model) if params.loss == "cosent" else CosineSimilarityLoss(model)
    evaluator = None
    if len(heldout) >= 2:
        evaluator = EmbeddingSimilarityEvaluator(
            [p.resume for p in heldout], [p.job for p in heldout],
            [float(p.label) for p in heldout], main_similarity="cosine", name="heldout",
            write_csv=False)
    with tempfile.TemporaryDirectory(prefix="resumatch-trainer-") as scratch:
        args = SentenceTransformerTrainingArguments(
            output_dir=scratch, num_train_epochs=params.epochs,
            per_device_train_batch_size=params.batch_size,
            learning_rate=params.learning_rate, lr_scheduler_type=params.scheduler,
            warmup_ratio=params.warmup_ratio, seed=params.seed, data_seed=params.seed,
            max_steps=params.max_steps, eval_strategy="epoch" if evaluator else "no",
            save_strategy="no", logging_strategy="steps", logging_steps=1,
            report_to="none", push_to_hub=False, use_cpu=True, dataloader_num_workers=0,
            disable_tqdm=True)
        trainer = SentenceTransformerTrainer(model=model, args=args,
                                             train_dataset=train_dataset, loss=loss,
                                             evaluator=evaluator, callbacks=list(callbacks))
        started = time.monotonic()
        trainer.train()
        elapsed = time.monotonic() - started
    return elapsed / max(trainer.state.global_step, 1)


# -- 7. evaluate ---------------------------------------------------------------------------
@dataclass
class Evaluation:
    """How well cosine scores of one model follow the labels of some pairs."""

    model_id: str
    spearman: float | None
    pearson: float | None
    mse: float
    n: int
    labels: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    ndcg: float | None = None  # ranking quality: mean nDCG@10 over held-out jobs
    ndcg_jobs: int = 0  # held-out jobs with several candidates (what ndcg averages)

    def summary(self) -> dict[str, Any]:
        """The metrics alone, JSON-safe (no NaN)."""
        return {"model": self.model_id, "spearman": self.spearman, "pearson": self.pearson,
                "mse": self.mse, "n": self.n, "ndcg@10": self.ndcg,
                "ndcg_jobs": self.ndcg_jobs}


def score_pairs(encoder: Encoder, pairs: Sequence[Pair]) -> np.ndarray:
    """Cosine similarity of each pair, computed exactly as the Match page scores: long
    texts in 256-token windows, mean-pooled."""
    texts = list(dict.fromkeys([p.resume for p in pairs] + [p.job for p in pairs]))
    docs = [Document(name=f"text {i}", text=t) for i, t in enumerate(texts)]
    vectors = {e.doc.text: e.vector
               for e in Embedder(encoder, None, DEFAULT_CHUNKING).embed(docs)}
    return np.array([float(vectors[p.resume] @ vectors[p.job]) for p in pairs],
                    dtype=np.float64)


def ranking_ndcg(encoder: Encoder, pairs: Sequence[Pair], k: int = 10,
                 ) -> tuple[float | None, int]:
    """Ranking quality as users see it: for every job of ``pairs`` with at least two
    candidates of different labels, rank its candidates with the product's scoring
    (:func:`resumatch.rank.scoring.score_pool`, passages and evidence included) and take
    nDCG@k with the labels as gains. Returns (mean nDCG, number of jobs), ``None`` when no
    job qualifies."""
    from sklearn.metrics import ndcg_score

    from resumatch.rank.evidence import PassageIndex
    from resumatch.rank.scoring import score_pool

    by_job: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_job.setdefault(pair.job, []).append(pair)
    groups = [group for group in by_job.values()
              if len(group) >= 2 and len({p.label for p in group}) > 1]
    if not groups:
        return None, 0
    embedder = Embedder(encoder, None, DEFAULT_CHUNKING)
    index = PassageIndex(encoder, None, embedder)
    values = []
    for group in groups:
        resumes = embedder.embed([Document(f"r{i}", p.resume) for i, p in enumerate(group)],
                                 passages=True)
        job = embedder.embed([Document("job", group[0].job)])
        ranking = score_pool(resumes, job, index=index).ranking[:, 0]
        values.append(float(ndcg_score([[p.label for p in group]], [ranking], k=k)))
    return float(np.mean(values)), len(values)


def evaluate(encoder: Encoder, pairs: Sequence[Pair]) -> Evaluation:
    """Spearman and Pearson correlation of cosine vs label, their mean squared error, and
    the ranking nDCG@10 over each held-out job's candidates (:func:`ranking_ndcg`)."""
    from scipy.stats import pearsonr, spearmanr

    labels = np.array([p.label for p in pairs], dtype=np.float64)
    scores = score_pairs(encoder, pairs) if pairs else np.zeros(0)

    def finite(value: float) -> float | None:
        return float(value) if np.isfinite(value) else None

    spearman = pearson = None
    # Correlation is undefined for fewer than 2 pairs or constant labels or scores.
    if len(pairs) >= 2 and labels.std() > 0 and scores.std() > 0:
        spearman = finite(spearmanr(labels, scores).statistic)
        pearson = finite(pearsonr(labels, scores).statistic)
    mse = float(np.mean((scores - labels) ** 2)) if len(pairs) else 0.0
    ndcg, jobs = ranking_ndcg(encoder, pairs) if pairs else (None, 0)
    return Evaluation(encoder.model_id, spearman, pearson, mse, len(pairs),
                      labels.round(4).tolist(), scores.round(4).tolist(), ndcg, jobs)


# -- the whole job -------------------------------------------------------------------------
@dataclass
class TrainingResult:
    """A registered new version, with parent and new metrics on the same held-out pairs."""

    version: ModelVersion
    parent: Evaluation
    new: Evaluation
    heldout_ids: list[int]
    seconds: float
    seconds_per_step: float

    def run_metrics(self) -> dict[str, Any]:
        """What the run row keeps: both evaluations with scatter data, and timings."""
        return {"base": asdict(self.parent), "new": asdict(self.new),
                "heldout_pair_ids": self.heldout_ids, "seconds": round(self.seconds, 1),
                "seconds_per_step": round(self.seconds_per_step, 3)}


VersionCheck = Callable[[Encoder, Encoder], dict[str, Any]]
"""``check(new_encoder, parent_encoder) -> metrics``: a check of a new version against its
parent that needs the layers above this one (the name-swap check,
``resumatch.fairness.name_swap.version_check``); its result is merged into the version's
metrics. The CLI that runs training passes them in."""


def train_version(registry: ModelRegistry, pairs: Sequence[tuple[int, Pair]],
                  params: TrainingParams, dataset_name: str, run_id: str | None = None,
                  report: Callable[[TrainingProgress], None] | None = None,
                  checks: Sequence[VersionCheck] = (),
                  ) -> TrainingResult:
    """Fine-tune, write a new version directory, evaluate, and register the version.

    The model is written to a hidden temporary directory and renamed into place only
    when complete, so a crash or a cancel never leaves a half-written version (and
    never touches the active one). ``checks`` run after the held-out evaluation.
    """
    problems = params.problems()
    if problems:
        raise ValueError("; ".join(problems))
    started = time.monotonic()
    say = report or (lambda progress: None)
    ids = [pair_id for pair_id, _ in pairs]
    rows = [pair for _, pair in pairs]
    train_idx, test_idx = grouped_split(rows, params.test_fraction, params.seed)
    train, heldout = [rows[i] for i in train_idx], [rows[i] for i in test_idx]
    total = params.steps_for(len(train))
    parent = registry.get(params.start_from)
    registry.remove_partial_dirs()  # left by a killed run (one run at a time)

    say(TrainingProgress(0, total, 0.0, message=f"loading model {parent.id}"))
    model = load_model(parent.path)
    serving_length = prepare_for_training(model, params)
    callbacks = [progress_callback(say)] if report else []
    seconds_per_step = fine_tune(model, train, heldout, params, callbacks)

    say(TrainingProgress(total, total, float(params.epochs), message="saving the model"))
    model.max_seq_length = serving_length
    version_id, final_dir = registry.new_version_dir()
    partial = final_dir.with_name(f".partial-{version_id}")
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        model.save(str(partial))
        del model
        say(TrainingProgress(total, total, float(params.epochs),
                             message="evaluating on the held-out pairs"))
        new_encoder, parent_encoder = (load_encoder(partial, version_id),
                                       load_encoder(parent.path, parent.id))
        new_eval = evaluate(new_encoder, heldout)
        parent_eval = evaluate(parent_encoder, heldout)
        extra: dict[str, Any] = {}
        for check in checks:  # e.g. the name-swap check (issue 15)
            say(TrainingProgress(total, total, float(params.epochs),
                                 message="checking the new version against its parent"))
            extra.update(check(new_encoder, parent_encoder))
        os.replace(partial, final_dir)
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    stored_params = {**params.to_dict(), "train_rows": len(train), "heldout_rows": len(heldout)}
    if run_id:
        stored_params["run_id"] = run_id
    metrics = {"heldout": new_eval.summary(), "baseline": parent_eval.summary(), **extra}
    try:
        version = registry.register(version_id, final_dir, parent=parent.id,
                                    dataset=dataset_name, n_rows=len(rows),
                                    params=stored_params, metrics=metrics)
    except BaseException:
        shutil.rmtree(final_dir, ignore_errors=True)
        raise
    heldout_ids = [ids[i] for i in test_idx]
    return TrainingResult(version, parent_eval, new_eval, heldout_ids,
                          time.monotonic() - started, seconds_per_step)


# -- time estimate -------------------------------------------------------------------------
def measure_seconds_per_step(model_path: Path | str, pairs: Sequence[Pair],
                             params: TrainingParams, steps: int = 3) -> float:
    """Time a few real optimizer steps on a sample batch of these pairs.

    Runs the same work as one trainer step (tokenize, forward, ``CosineSimilarityLoss``,
    backward, AdamW update) with the same sequence length and frozen weights; the first
    step warms up and is not counted; the median of the others is returned.
    """
    with MODEL_LOAD_LOCK:
        import torch
        from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss

    model = load_model(model_path)
    prepare_for_training(model, params)
    model.train()
    loss_fn = CosineSimilarityLoss(model)
    trainable = [w for w in model.parameters() if w.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=params.learning_rate)
    rng = random.Random(params.seed)
    sample = [rng.choice(list(pairs)) for _ in range(params.batch_size)]
    labels = torch.tensor([p.label for p in sample], dtype=torch.float32)
    times = []
    for _ in range(steps + 1):
        began = time.perf_counter()
        features = [model.preprocess([p.resume for p in sample]),
                    model.preprocess([p.job for p in sample])]
        value = loss_fn(features, labels)
        value.backward()
        optimizer.step()
        optimizer.zero_grad()
        times.append(time.perf_counter() - began)
    return statistics.median(times[1:])


@dataclass(frozen=True)
class TimeEstimate:
    """A training-time estimate and how it was obtained."""

    seconds: float
    seconds_per_step: float
    steps: int
    method: str


def estimate_training_time(seconds_per_step: float, n_pairs: int, params: TrainingParams,
                           method: str) -> TimeEstimate:
    """Steps × measured seconds per step, plus loading, saving and evaluation.

    Evaluation encodes the held-out pairs with both models each epoch and at the end:
    roughly a forward pass, about a third of a training step per batch.
    """
    n_heldout = max(1, round(n_pairs * params.test_fraction))
    steps = params.steps_for(max(n_pairs - n_heldout, 1))
    eval_batches = math.ceil(n_heldout / params.batch_size)
    evals = params.epochs + 2
    overhead_s = 8.0 + evals * eval_batches * seconds_per_step / 3
    return TimeEstimate(steps * seconds_per_step + overhead_s, seconds_per_step, steps, method)


# -- promotion guard -----------------------------------------------------------------------
@dataclass(frozen=True)
class PromotionCheck:
    """Candidate vs active model on the same held-out pairs, before a promotion."""

    candidate: str
    active: str
    candidate_spearman: float | None
    active_spearman: float | None
    basis: str
    candidate_ndcg: float | None = None
    active_ndcg: float | None = None

    @property
    def spearman_lower(self) -> bool:
        return (self.candidate_spearman is not None and self.active_spearman is not None
                and self.candidate_spearman < self.active_spearman)

    @property
    def ranking_lower(self) -> bool:
        """True when the candidate ranks held-out jobs' candidates worse (nDCG@10)."""
        return (self.candidate_ndcg is not None and self.active_ndcg is not None
                and self.candidate_ndcg < self.active_ndcg)

    @property
    def lower(self) -> bool:
        """True when the candidate is worse on held-out Spearman or on ranking nDCG@10:
        ranking is what users see, so it warns even when Spearman improves."""
        return self.spearman_lower or self.ranking_lower

    def warning(self) -> str:
        parts = []
        if self.ranking_lower:
            better = (" although its Spearman is higher" if self.candidate_spearman is not None
                      and self.active_spearman is not None
                      and self.candidate_spearman >= self.active_spearman else "")
            parts.append(f"{self.candidate} ranks held-out jobs' candidates worse (nDCG@10 "
                         f"{self.candidate_ndcg:.3f} against {self.active_ndcg:.3f} for the "
                         f"active model {self.active}){better}")
        if self.spearman_lower:
            parts.append(f"{self.candidate} has a lower held-out Spearman "
                         f"({self.candidate_spearman:.3f}) than the active model "
                         f"{self.active} ({self.active_spearman:.3f})")
        return "; ".join(parts) + f", measured on {self.basis}."


def promotion_check(registry: ModelRegistry, candidate_id: str) -> PromotionCheck:
    """Compare ``candidate_id`` with the active version on one set of held-out pairs.

    The held-out pairs of the candidate (or, for the base model, of the active version)
    are used; stored metrics answer when one model is the other's parent, otherwise the
    other model is evaluated on those pairs now.
    """
    from resumatch.train.pairs import pairs_by_id
    from resumatch.train.runs import get_run

    candidate, active = registry.get(candidate_id), registry.active()
    if candidate.id == active.id:
        return PromotionCheck(candidate.id, active.id, None, None, "nothing to compare")
    reference = candidate if candidate.metrics.get("heldout") else active
    other = active if reference is candidate else candidate
    own_metrics = reference.metrics.get("heldout") or {}
    own, own_ndcg = own_metrics.get("spearman"), own_metrics.get("ndcg@10")
    basis = f"the {reference.params.get('heldout_rows', '?')} held-out pairs of {reference.id}"
    if not reference.metrics.get("heldout"):
        return PromotionCheck(candidate.id, active.id, None, None, "no held-out metrics")
    if reference.parent == other.id:
        baseline = reference.metrics.get("baseline") or {}
        theirs, theirs_ndcg = baseline.get("spearman"), baseline.get("ndcg@10")
    else:
        try:
            run = get_run(registry.store, str(reference.params.get("run_id")))
            heldout = pairs_by_id(registry.store, run.metrics.get("heldout_pair_ids", []))
        except KeyError:
            heldout = []
        if heldout:
            found = evaluate(load_encoder(other.path, other.id), heldout)
            theirs, theirs_ndcg = found.spearman, found.ndcg
        else:
            mine = other.metrics.get("heldout") or {}
            theirs, theirs_ndcg = mine.get("spearman"), mine.get("ndcg@10")
            basis = "each version's own held-out pairs (the pairs are no longer stored)"
    if reference is candidate:
        return PromotionCheck(candidate.id, active.id, own, theirs, basis, own_ndcg,
                              theirs_ndcg)
    return PromotionCheck(candidate.id, active.id, theirs, own, basis, theirs_ndcg, own_ndcg)
