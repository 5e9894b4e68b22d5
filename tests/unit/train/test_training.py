"""Training: grouped split, settings, metrics, and a real fine-tune of a few steps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from resumatch.embed.embedding import SentenceTransformerEncoder
from resumatch.embed.registry import BASE_ID, ModelRegistry
from resumatch.train.pairs import Pair, dataset_pairs, load_pairs, save_dataset
from resumatch.train.training import (
    TrainingParams,
    TrainingProgress,
    estimate_training_time,
    evaluate,
    grouped_split,
    train_version,
)
from tests.conftest import ASSETS


def test_split_never_puts_one_resume_on_both_sides() -> None:
    pairs = load_pairs(ASSETS / "sample_pairs.csv").pairs
    train, test = grouped_split(pairs, 0.2, seed=42)
    assert sorted(train + test) == list(range(len(pairs)))
    assert not {pairs[i].resume for i in train} & {pairs[i].resume for i in test}
    assert abs(len(test) - 0.2 * len(pairs)) <= 3
    assert grouped_split(pairs, 0.2, seed=42) == (train, test)
    assert grouped_split(pairs, 0.2, seed=7) != (train, test)


def test_split_keeps_a_training_side_and_needs_two_resumes() -> None:
    pairs = [Pair("r1", f"j{i}", 0.5) for i in range(5)] + [Pair("r2", "j", 0.5)]
    train, test = grouped_split(pairs, 0.5, seed=1)
    assert train and test
    with pytest.raises(ValueError, match="at least 2 different resumes"):
        grouped_split(pairs[:5], 0.2, seed=1)


def test_params_defaults_follow_the_seed_card_and_validate() -> None:
    params = TrainingParams()
    assert (params.epochs, params.learning_rate, params.batch_size, params.seed,
            params.scheduler) == (3, 5e-5, 8, 42, "linear")
    assert params.problems() == []
    assert len(TrainingParams(epochs=0, batch_size=0, test_fraction=0.9).problems()) == 3
    assert TrainingParams.from_dict({**params.to_dict(), "session": "x"}) == params
    assert params.steps_for(57) == 24
    assert TrainingParams(max_steps=2).steps_for(57) == 2


class FixedEncoder:
    """An encoder whose cosine for a pair is known: vectors set per text."""

    model_id = "fixed"
    max_tokens = 256
    dim = 2

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]

    def encode(self, texts: Sequence[str], progress=None) -> np.ndarray:
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


def test_evaluate_reports_correlation_and_mse_of_cosine_vs_label() -> None:
    angle = {f"j{i}": np.array([np.cos(a), np.sin(a)]) for i, a in enumerate((0.2, 0.9, 1.4))}
    encoder = FixedEncoder({"r": np.array([1.0, 0.0]), **angle})
    pairs = [Pair("r", "j0", 0.9), Pair("r", "j1", 0.6), Pair("r", "j2", 0.1)]
    result = evaluate(encoder, pairs)
    cosines = [np.cos(0.2), np.cos(0.9), np.cos(1.4)]
    assert result.spearman == pytest.approx(1.0)
    assert result.pearson == pytest.approx(np.corrcoef([0.9, 0.6, 0.1], cosines)[0, 1])
    assert result.mse == pytest.approx(np.mean((np.array(cosines) - [0.9, 0.6, 0.1]) ** 2))
    assert result.n == 3 and result.labels == [0.9, 0.6, 0.1]
    # Issue 11 added ranking quality; one candidate per job leaves nothing to rank.
    assert set(result.summary()) == {"model", "spearman", "pearson", "mse", "n", "ndcg@10",
                                     "ndcg_jobs"}
    assert result.ndcg is None and result.ndcg_jobs == 0


def test_correlations_are_none_when_undefined() -> None:
    encoder = FixedEncoder({"r": np.array([1.0, 0.0]), "j": np.array([0.0, 1.0])})
    result = evaluate(encoder, [Pair("r", "j", 0.5)])
    assert (result.spearman, result.pearson, result.n) == (None, None, 1)


def test_time_estimate_is_steps_times_step_time_plus_overhead() -> None:
    estimate = estimate_training_time(2.0, 72, TrainingParams(), "timed")
    assert estimate.steps == 3 * 8
    assert 48 < estimate.seconds < 48 + 30


@pytest.mark.slow
def test_a_real_fine_tune_writes_a_loadable_registered_version(store, settings) -> None:
    registry = ModelRegistry(store, settings.models_dir)
    dataset = save_dataset(store, "sample", load_pairs(ASSETS / "sample_pairs.csv").pairs)
    reports: list[TrainingProgress] = []
    result = train_version(registry, dataset_pairs(store, dataset.id),
                           TrainingParams(epochs=1, max_steps=3, max_seq_length=128),
                           dataset.name,
                           run_id="run-test", report=reports.append)
    version = result.version
    assert registry.active().id == BASE_ID  # a new version is never activated by training
    assert registry.get(version.id).path == settings.models_dir / version.id
    assert not list(settings.models_dir.glob(".partial-*"))
    encoder = SentenceTransformerEncoder(version.path, version.id)
    assert encoder.max_tokens == 256  # trained at 128 tokens, serves 256-token windows
    assert encoder.encode(["Data engineer"]).shape == (1, 384)
    assert version.parent == BASE_ID and version.n_rows == 72
    assert version.params["run_id"] == "run-test" and version.params["max_steps"] == 3
    heldout = version.metrics["heldout"]
    assert heldout["n"] == version.params["heldout_rows"] == result.new.n
    assert version.metrics["baseline"]["model"] == BASE_ID
    assert -1 <= heldout["spearman"] <= 1
    assert len(result.heldout_ids) == heldout["n"]
    assert [r.step for r in reports if r.message == "training"][-1] == 3
    assert any(r.loss is not None for r in reports)
    assert result.run_metrics()["new"]["scores"]


def test_ranking_ndcg_ranks_each_jobs_candidates_like_the_match_page(base_encoder) -> None:
    from resumatch.train.training import ranking_ndcg

    job = "ICU nurse: ventilated patients, vasoactive drips, CCRN."
    pairs = [Pair("ICU nurse for six years; ventilated patients and titrated drips.", job, 0.9),
             Pair("Medical-surgical nurse; wound care and patient education.", job, 0.5),
             Pair("Sous chef; plated banquets and ordered produce for the kitchen.", job, 0.1),
             Pair("Accountant closing the books every month.", "Staff accountant", 0.8)]
    ndcg, jobs = ranking_ndcg(base_encoder, pairs)
    assert jobs == 1 and ndcg == pytest.approx(1.0)
    swapped = [Pair(p.resume, p.job, 1.0 - p.label) for p in pairs[:3]]
    worse, _ = ranking_ndcg(base_encoder, swapped)
    assert worse < 0.9


def test_promotion_warns_when_ranking_gets_worse_even_if_spearman_improves() -> None:
    from resumatch.train.training import PromotionCheck

    check = PromotionCheck("v2", "base", 0.82, 0.70, "the 14 held-out pairs of v2",
                           candidate_ndcg=0.61, active_ndcg=0.74)
    assert check.lower and check.ranking_lower and not check.spearman_lower
    assert "ranks held-out jobs' candidates worse" in check.warning()
    assert "although its Spearman is higher" in check.warning()
    better = PromotionCheck("v2", "base", 0.82, 0.70, "x", 0.80, 0.74)
    assert not better.lower
