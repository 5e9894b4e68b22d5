"""Settings read from environment variables, with defaults that work on a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# Nothing in resumatch may reach a model hub: set this before transformers is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Spinning OpenMP threads cost 10x per step on a busy 2-core machine (measured in
# training.py); passive waiting costs almost nothing when idle. Must precede torch import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

BACKENDS = ("auto", "torch", "onnx", "onnx-int8", "openvino", "openvino-int8")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError as err:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from err


DATABASE_SCHEMES = ("postgresql://", "postgres://")


def _database_url(raw: str | None) -> str | None:
    """``RESUMATCH_DATABASE_URL`` checked: unset or empty means the SQLite file."""
    url = (raw or "").strip()
    if not url:
        return None
    if not url.startswith(DATABASE_SCHEMES):
        raise ValueError("RESUMATCH_DATABASE_URL must start with postgresql:// (unset it to "
                         f"use the SQLite file in the data directory), got {url.split(':')[0]!r}")
    return url


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every field has an environment variable.

    ``database_url`` (``RESUMATCH_DATABASE_URL``) switches the store from the SQLite file in
    the data directory to a PostgreSQL server. ``models_dir`` (``RESUMATCH_MODELS_DIR``,
    default ``<data dir>/models``) holds every file that several app servers must all read:
    fine-tuned versions (``<models>/<version>/``), their backend exports
    (``<models>/exports/``) and the training-run logs (``<models>/runs/``). Its default is
    resolved when the settings are built: ``dataclasses.replace(settings, data_dir=...)``
    keeps the old models directory (pass ``models_dir`` too).

    Example:
        >>> Settings(data_dir=Path("/tmp/rm")).db_path.name
        'resumatch.sqlite3'
        >>> Settings(data_dir=Path("/tmp/rm")).models_dir
        PosixPath('/tmp/rm/models')
    """

    data_dir: Path = field(default_factory=lambda: Path("data"))
    admin_password: str | None = None
    backend: str = "auto"
    max_upload_mb: int = 20
    max_files: int = 1000
    database_url: str | None = None
    models_dir: Path = None  # type: ignore[assignment]  # None: <data dir>/models

    def __post_init__(self) -> None:
        if self.models_dir is None:
            object.__setattr__(self, "models_dir", self.data_dir / "models")
        object.__setattr__(self, "database_url", _database_url(self.database_url))

    @property
    def db_path(self) -> Path:
        """The SQLite file (used when no ``database_url`` is set)."""
        return self.data_dir / "resumatch.sqlite3"

    @property
    def exports_dir(self) -> Path:
        """ONNX/OpenVINO exports of model versions: derived from the weights, so they sit
        beside them where every server can read them (``resumatch.embed.backends``)."""
        return self.models_dir / "exports"

    @property
    def runs_dir(self) -> Path:
        """Training-run logs: written by the training process on one server, shown by the
        admin page of any server."""
        return self.models_dir / "runs"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from `RESUMATCH_*` environment variables."""
        backend = os.environ.get("RESUMATCH_BACKEND", "auto").strip() or "auto"
        if backend not in BACKENDS:
            raise ValueError(f"RESUMATCH_BACKEND must be one of {', '.join(BACKENDS)}")
        data_dir = Path(os.environ.get("RESUMATCH_DATA_DIR", "data")).expanduser()
        raw_models = os.environ.get("RESUMATCH_MODELS_DIR", "").strip()
        models_dir = Path(raw_models).expanduser() if raw_models else data_dir / "models"
        return cls(
            data_dir=data_dir,
            admin_password=os.environ.get("RESUMATCH_ADMIN_PASSWORD") or None,
            backend=backend,
            max_upload_mb=_env_int("RESUMATCH_MAX_UPLOAD_MB", 20),
            max_files=_env_int("RESUMATCH_MAX_FILES", 1000),
            database_url=_database_url(os.environ.get("RESUMATCH_DATABASE_URL")),
            models_dir=models_dir,
        )
