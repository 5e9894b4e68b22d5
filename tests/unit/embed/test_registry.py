"""Model versions: the shipped base model, registering, promoting and rolling back."""

from __future__ import annotations

from pathlib import Path

import pytest

from resumatch.embed.registry import ACTIVE_KEY, BASE_ID, ModelRegistry
from resumatch.store import Store

pytestmark = pytest.mark.store_backends  # the store tests run on SQLite and PostgreSQL


@pytest.fixture
def registry(store: Store, settings) -> ModelRegistry:
    return ModelRegistry(store, settings.models_dir)


def fake_model_dir(root: Path, name: str) -> Path:
    """A directory that looks like a saved sentence-transformers model to the registry."""
    path = root / name
    path.mkdir(parents=True)
    (path / "modules.json").write_text("[]", encoding="utf-8")
    return path


def test_base_version_is_the_packaged_model_and_active_by_default(registry) -> None:
    base = registry.base()
    assert base.id == BASE_ID == "base"
    assert (base.path / "modules.json").exists()  # loadable offline from the package
    assert [v.id for v in registry.versions()] == ["base"]
    assert registry.active_id() == "base"
    assert registry.active().id == "base"


def test_unknown_versions_raise_key_error_naming_the_known_ones(registry) -> None:
    with pytest.raises(KeyError, match="unknown model version 'v9'.*known: base"):
        registry.get("v9")
    with pytest.raises(KeyError):
        registry.promote("v9")
    assert registry.active_id() == "base"


def test_register_promote_and_roll_back(registry, settings) -> None:
    version_id, path = registry.new_version_dir()
    assert version_id.startswith("v") and path.parent == settings.models_dir
    fake_model_dir(settings.models_dir, version_id)
    version = registry.register(version_id, path, parent="base", dataset="pairs.csv",
                                n_rows=72, params={"epochs": 1}, metrics={"spearman": 0.5})
    assert version.parent == "base" and version.params == {"epochs": 1}
    assert [v.id for v in registry.versions()] == ["base", version_id]
    assert registry.active_id() == "base"  # registering does not activate

    registry.update_metrics(version_id, {"spearman": 0.7})
    assert registry.get(version_id).metrics == {"spearman": 0.7}

    registry.promote(version_id)
    assert registry.active().id == version_id
    registry.promote("base")
    assert registry.active().id == "base"


def test_new_version_ids_do_not_collide(registry, settings) -> None:
    first, path = registry.new_version_dir()
    fake_model_dir(settings.models_dir, first)
    second, _ = registry.new_version_dir()
    assert second != first


def test_register_refuses_a_folder_without_a_model(registry, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="not a saved sentence-transformers model"):
        registry.register("v1", tmp_path / "empty")
    assert [v.id for v in registry.versions()] == ["base"]


def test_promote_refuses_a_version_whose_files_are_gone(registry, tmp_path: Path) -> None:
    path = fake_model_dir(tmp_path, "v1")
    registry.register("v1", path)
    (path / "modules.json").unlink()
    with pytest.raises(FileNotFoundError, match="missing"):
        registry.promote("v1")
    assert registry.active_id() == "base"


def test_an_active_pointer_to_a_vanished_version_falls_back_to_base(registry,
                                                                      store: Store) -> None:
    store.set_setting(ACTIVE_KEY, "deleted-version")
    assert registry.active().id == "base"
