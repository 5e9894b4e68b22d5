"""The training hook: a fine-tune stores the name-swap figures of the new version and of
its parent with the version (a real fine-tune of one step, the check on one resume)."""

from __future__ import annotations

import functools

import pytest
from paths import ASSETS

from resumatch.embed.registry import BASE_ID, ModelRegistry
from resumatch.fairness.name_swap import METHOD, sensitivity_check, version_check
from resumatch.train.pairs import dataset_pairs, load_pairs, save_dataset
from resumatch.train.training import TrainingParams, train_version


@pytest.mark.slow
def test_a_fine_tune_stores_its_name_swap_figures_and_its_parents(store, settings) -> None:
    registry = ModelRegistry(store, settings.models_dir)
    dataset = save_dataset(store, "sample", load_pairs(ASSETS / "sample_pairs.csv").pairs)
    seen: list[tuple[str, str]] = []

    def spy(new, parent):  # noqa: ANN001, ANN202
        seen.append((new.model_id, parent.model_id))
        return functools.partial(version_check, sample=1)(new, parent)

    result = train_version(registry, dataset_pairs(store, dataset.id),
                           TrainingParams(epochs=1, max_steps=1, max_seq_length=64),
                           dataset.name, checks=[spy])
    version = registry.get(result.version.id)
    assert seen == [(version.id, BASE_ID)]
    new, parent = version.metrics["name_swap"], version.metrics["name_swap_parent"]
    assert new["model"] == version.id and parent["model"] == BASE_ID
    assert new["method"] == parent["method"] == METHOD
    assert new["pairs"] == parent["pairs"] == 1 * 4 * 12
    assert new["sample"] == parent["sample"] == "assets: 1 resumes x 4 jobs"
    assert version.metrics["heldout"]["n"] > 0  # the held-out evaluation is still there
    check = sensitivity_check(version)
    assert check.error is None and check.parent == BASE_ID
