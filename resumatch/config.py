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


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every field has an environment variable.

    Example:
        >>> Settings(data_dir=Path("/tmp/rm")).db_path.name
        'resumatch.sqlite3'
    """

    data_dir: Path = field(default_factory=lambda: Path("data"))
    admin_password: str | None = None
    backend: str = "torch"
    max_upload_mb: int = 20
    max_files: int = 1000

    @property
    def db_path(self) -> Path:
        return self.data_dir / "resumatch.sqlite3"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls) -> Settings:
        """Build settings from `RESUMATCH_*` environment variables."""
        backend = os.environ.get("RESUMATCH_BACKEND", "torch").strip() or "torch"
        if backend not in BACKENDS:
            raise ValueError(f"RESUMATCH_BACKEND must be one of {', '.join(BACKENDS)}")
        return cls(
            data_dir=Path(os.environ.get("RESUMATCH_DATA_DIR", "data")).expanduser(),
            admin_password=os.environ.get("RESUMATCH_ADMIN_PASSWORD") or None,
            backend=backend,
            max_upload_mb=_env_int("RESUMATCH_MAX_UPLOAD_MB", 20),
            max_files=_env_int("RESUMATCH_MAX_FILES", 1000),
        )
