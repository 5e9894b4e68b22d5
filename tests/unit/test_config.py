"""Settings: defaults, environment variables, and refusals of bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from resumatch.config import Settings

ROOT = Path(__file__).resolve().parents[2]

ENV_VARS = ("RESUMATCH_DATA_DIR", "RESUMATCH_ADMIN_PASSWORD", "RESUMATCH_BACKEND",
            "RESUMATCH_MAX_UPLOAD_MB", "RESUMATCH_MAX_FILES", "RESUMATCH_DATABASE_URL",
            "RESUMATCH_MODELS_DIR")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_work_without_any_environment(clean_env: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env()
    assert settings.data_dir == Path("data")
    assert settings.db_path == Path("data") / "resumatch.sqlite3"
    assert settings.models_dir == Path("data") / "models"
    assert settings.exports_dir == Path("data") / "models" / "exports"
    assert settings.runs_dir == Path("data") / "models" / "runs"
    assert settings.database_url is None
    assert settings.admin_password is None
    assert settings.backend == "auto"  # issue 14: the faster encoder by default
    assert settings.max_upload_bytes == 20 * 1024 * 1024
    assert settings.max_files == 1000


def test_every_field_reads_its_environment_variable(clean_env: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    clean_env.setenv("RESUMATCH_DATA_DIR", str(tmp_path / "state"))
    clean_env.setenv("RESUMATCH_ADMIN_PASSWORD", "hunter2")
    clean_env.setenv("RESUMATCH_BACKEND", "onnx")
    clean_env.setenv("RESUMATCH_MAX_UPLOAD_MB", "5")
    clean_env.setenv("RESUMATCH_MAX_FILES", " 12 ")
    clean_env.setenv("RESUMATCH_DATABASE_URL", " postgresql://rm:pw@db:5432/resumatch ")
    clean_env.setenv("RESUMATCH_MODELS_DIR", str(tmp_path / "shared"))
    settings = Settings.from_env()
    assert settings.data_dir == tmp_path / "state"
    assert settings.db_path.parent == tmp_path / "state"
    assert settings.admin_password == "hunter2"
    assert settings.backend == "onnx"
    assert settings.max_upload_bytes == 5 * 1024 * 1024
    assert settings.max_files == 12
    assert settings.database_url == "postgresql://rm:pw@db:5432/resumatch"
    assert settings.models_dir == tmp_path / "shared"
    assert settings.exports_dir == tmp_path / "shared" / "exports"
    assert settings.runs_dir == tmp_path / "shared" / "runs"


def test_empty_values_fall_back_to_defaults(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RESUMATCH_ADMIN_PASSWORD", "")
    clean_env.setenv("RESUMATCH_BACKEND", " ")
    clean_env.setenv("RESUMATCH_MAX_UPLOAD_MB", "")
    settings = Settings.from_env()
    assert settings.admin_password is None
    assert settings.backend == "auto"  # issue 14: the faster encoder by default
    assert settings.max_upload_mb == 20


def test_empty_database_url_and_models_dir_mean_the_defaults(
        clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RESUMATCH_DATABASE_URL", " ")
    clean_env.setenv("RESUMATCH_MODELS_DIR", "")
    settings = Settings.from_env()
    assert settings.database_url is None
    assert settings.models_dir == Path("data") / "models"


def test_a_database_url_must_be_postgresql(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RESUMATCH_DATABASE_URL", "mysql://db/resumatch")
    with pytest.raises(ValueError, match="RESUMATCH_DATABASE_URL must start with postgresql"):
        Settings.from_env()
    assert Settings(database_url="postgres://db/x").database_url == "postgres://db/x"
    with pytest.raises(ValueError, match="postgresql://"):
        Settings(database_url="sqlite:///x.db")


def test_models_dir_defaults_under_the_data_dir_in_code_too(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).models_dir == tmp_path / "models"
    assert Settings(data_dir=tmp_path, models_dir=tmp_path / "m").exports_dir == \
        tmp_path / "m" / "exports"


def test_unknown_backend_is_refused_with_the_choices(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RESUMATCH_BACKEND", "tpu")
    with pytest.raises(ValueError, match="RESUMATCH_BACKEND must be one of auto, torch"):
        Settings.from_env()


def test_non_integer_limit_names_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RESUMATCH_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ValueError, match="RESUMATCH_MAX_UPLOAD_MB must be an integer"):
        Settings.from_env()


def test_importing_config_switches_the_model_hub_offline() -> None:
    # A fresh interpreter: this test process already has the variables from conftest.
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")}
    code = ("import os, resumatch.config; print(os.environ['HF_HUB_OFFLINE'], "
            "os.environ['TRANSFORMERS_OFFLINE'], os.environ['HF_DATASETS_OFFLINE'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, check=True)
    assert done.stdout.split() == ["1", "1", "1"]
