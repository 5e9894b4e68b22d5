"""Model versions: register, promote, roll back; scoring follows the active version."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
from resumatch.embed.registry import BASE_ID, ModelRegistry, ModelVersion, heldout_spearman
from resumatch.ingest.documents import Document
from resumatch.pipeline import load_encoder, match
from resumatch.store import Store
from resumatch.train.pairs import Pair, dataset_pairs, save_dataset
from resumatch.train.training import promotion_check

RESUMES = [Document("ann", "Data engineer: Spark, Kafka and Airflow pipelines on AWS."),
           Document("bo", "ICU registered nurse with ACLS and ventilator care.")]
JOBS = [Document("de", "Data engineer position: build batch and streaming pipelines.")]


@pytest.fixture(scope="module")
def perturbed_dirs(base_encoder, tmp_path_factory: pytest.TempPathFactory) -> dict[float, Path]:
    """Distinct, loadable models: the base model with one layer's weights scaled.

    Saved once per module; versions registered by the tests point at these folders.
    """
    dirs = {}
    for scale in (3.0, 0.5):
        model = copy.deepcopy(base_encoder.model)
        with torch.no_grad():
            model[0].auto_model.encoder.layer[5].output.dense.weight.mul_(scale)
        dirs[scale] = tmp_path_factory.mktemp("models") / f"x{scale}"
        model.save(str(dirs[scale]))
    return dirs


def perturbed_version(registry: ModelRegistry, dirs: dict[float, Path], scale: float,
                      metrics: dict | None = None, parent: str = BASE_ID,
                      copy_files: bool = False) -> ModelVersion:
    version_id, path = registry.new_version_dir()
    if copy_files:
        shutil.copytree(dirs[scale], path)
    return registry.register(version_id, path if copy_files else dirs[scale], parent=parent,
                             dataset="test", n_rows=2, params={"epochs": 1},
                             metrics=metrics or {})


@pytest.fixture
def registry(store: Store, settings) -> ModelRegistry:
    return ModelRegistry(store, settings.models_dir)


def scores_with_active(registry: ModelRegistry) -> tuple[str, np.ndarray]:
    """What the Match page computes: the active version, through the embedding cache."""
    encoder = load_encoder(registry.active())
    result = match(RESUMES, JOBS, Embedder(encoder, registry.store, DEFAULT_CHUNKING))
    return result.model_id, result.scores


def test_promote_and_roll_back_change_which_model_scores(registry, perturbed_dirs) -> None:
    assert registry.active().id == BASE_ID
    base_id, base_scores = scores_with_active(registry)
    version = perturbed_version(registry, perturbed_dirs, scale=3.0)
    assert registry.active().id == BASE_ID  # registering never activates

    registry.promote(version.id)
    new_id, new_scores = scores_with_active(registry)
    assert (base_id, new_id) == (BASE_ID, version.id)
    assert not np.allclose(base_scores, new_scores, atol=1e-4)

    assert registry.is_rollback(BASE_ID)
    registry.promote(BASE_ID)
    again_id, again_scores = scores_with_active(registry)
    assert again_id == BASE_ID
    np.testing.assert_allclose(again_scores, base_scores, atol=1e-6)
    # Embeddings are cached per model id: both versions' vectors are kept.
    with registry.store.connect() as conn:
        models = {r[0] for r in conn.execute("SELECT DISTINCT model_id FROM embeddings")}
    assert models == {BASE_ID, version.id}


def test_versions_are_listed_base_first_with_their_records(registry, perturbed_dirs) -> None:
    first = perturbed_version(registry, perturbed_dirs, 3.0, {"heldout": {"spearman": 0.7}})
    second = perturbed_version(registry, perturbed_dirs, 0.5)
    assert [v.id for v in registry.versions()] == [BASE_ID, first.id, second.id]
    assert first.id != second.id
    assert heldout_spearman(first) == 0.7
    assert heldout_spearman(registry.base()) is None
    assert registry.get(first.id).dataset == "test"
    assert not registry.is_rollback(second.id)


def test_unknown_or_missing_versions_are_refused(registry, perturbed_dirs) -> None:
    with pytest.raises(KeyError, match="unknown model version"):
        registry.promote("v-nope")
    version = perturbed_version(registry, perturbed_dirs, 3.0, copy_files=True)
    (version.path / "modules.json").unlink()
    with pytest.raises(FileNotFoundError):
        registry.promote(version.id)
    assert registry.active().id == BASE_ID
    with pytest.raises(FileNotFoundError):
        registry.register("v-empty", version.path.parent / "empty")


def test_an_active_pointer_to_a_vanished_version_falls_back_to_base(registry) -> None:
    registry.store.set_setting("active_model", "v-gone")
    assert registry.active().id == BASE_ID


def test_partial_directories_of_killed_runs_are_removed(registry) -> None:
    partial = registry.models_dir / ".partial-v1"
    partial.mkdir(parents=True)
    (partial / "model.safetensors").write_bytes(b"half")
    assert registry.remove_partial_dirs() == [partial]
    assert not partial.exists()


def test_promotion_check_uses_the_parent_metrics_on_the_same_pairs(registry,
                                                                   perturbed_dirs) -> None:
    worse = perturbed_version(registry, perturbed_dirs, 3.0, {
        "heldout": {"spearman": 0.5}, "baseline": {"model": BASE_ID, "spearman": 0.8}})
    check = promotion_check(registry, worse.id)
    assert check.lower and (check.candidate_spearman, check.active_spearman) == (0.5, 0.8)
    assert "lower held-out Spearman" in check.warning()

    better = perturbed_version(registry, perturbed_dirs, 0.5, {
        "heldout": {"spearman": 0.9}, "baseline": {"model": BASE_ID, "spearman": 0.8}})
    assert not promotion_check(registry, better.id).lower
    # Rolling back to base from a better version warns too (base is its parent).
    registry.promote(better.id)
    back = promotion_check(registry, BASE_ID)
    assert back.lower and (back.candidate_spearman, back.active_spearman) == (0.8, 0.9)


def test_promotion_check_evaluates_the_active_model_when_not_related(
        registry, perturbed_dirs, store: Store) -> None:
    from resumatch.train.jobs import create_run, update_run

    dataset = save_dataset(store, "d", [Pair(r.text, JOBS[0].text, label)
                                        for r, label in zip(RESUMES, (0.9, 0.1), strict=True)])
    ids = [pair_id for pair_id, _ in dataset_pairs(store, dataset.id)]
    run = create_run(store, dataset.id, {})
    update_run(store, run.id, metrics={"heldout_pair_ids": ids})
    other = perturbed_version(registry, perturbed_dirs, 3.0, parent="v-elsewhere")
    registry.promote(other.id)
    candidate = perturbed_version(registry, perturbed_dirs, 0.5,
                                  {"heldout": {"spearman": -1.0}}, parent="v-elsewhere")
    with store.connect() as conn:
        conn.execute("UPDATE model_versions SET params = ? WHERE id = ?",
                     (f'{{"run_id": "{run.id}"}}', candidate.id))
    check = promotion_check(registry, candidate.id)
    assert check.active_spearman == pytest.approx(1.0)  # evaluated now on the 2 pairs
    assert check.lower


def test_new_version_dir_is_fresh(registry: ModelRegistry) -> None:
    version_id, path = registry.new_version_dir()
    assert not path.exists() and path.parent == Path(registry.models_dir)
    assert version_id.startswith("v")
