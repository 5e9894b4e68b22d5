"""CLI: train / eval / models / promote, with machine-readable last lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from resumatch.cli import main
from resumatch.store import Store
from tests.conftest import ASSETS

SAMPLE = ASSETS / "sample_pairs.csv"


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_eval_prints_one_json_object_last(data_dir: Path, capsys) -> None:
    assert main(["eval", "--pairs", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    result = json.loads(last_line(out))
    assert result["model"] == "base" and result["n"] == 72
    assert {"spearman", "pearson", "mse", "n"} <= set(result)
    assert 0.3 < result["spearman"] <= 1


def test_bad_pairs_are_refused_with_row_errors(data_dir: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("resume,job,label\n,ETL role,0.5\nNurse,ICU role,7\n")
    assert main(["train", "--pairs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 1: resume text is empty" in err
    assert "row 2: label 7 is outside [0, 1]" in err
    assert "nothing to train on" in err
    assert main(["eval", "--pairs", str(bad)]) == 2
    missing = tmp_path / "cols.csv"
    missing.write_text("resume,job\na,b\n")
    assert main(["train", "--pairs", str(missing)]) == 2
    assert "missing columns: label" in capsys.readouterr().err


def test_usage_errors(data_dir: Path, capsys) -> None:
    assert main(["train"]) == 2
    assert main(["train", "run-x", "--pairs", str(SAMPLE)]) == 2
    assert main(["train", "run-unknown"]) == 2
    assert main(["train", "--pairs", str(SAMPLE), "--epochs", "0"]) == 2
    assert main(["promote", "v-unknown"]) == 2
    assert main(["eval", "--pairs", str(SAMPLE), "--model", "v-unknown"]) == 2
    err = capsys.readouterr().err
    assert "unknown model version 'v-unknown'" in err
    assert "epochs must be between 1 and 100" in err


@pytest.mark.slow
def test_train_then_models_eval_and_promote(data_dir: Path, capsys) -> None:
    assert main(["train", "--pairs", str(SAMPLE), "--epochs", "1", "--max-steps", "2",
                 "--name", "cli sample"]) == 0
    captured = capsys.readouterr()
    version_id = last_line(captured.out)
    assert version_id.startswith("v")
    assert captured.out.strip() == version_id  # trainer logs went to stderr
    assert "held-out new" in captured.err

    assert main(["models"]) == 0
    table = capsys.readouterr().out
    assert version_id in table and "cli sample" in table
    assert main(["models", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(last_line(capsys.readouterr().out))}
    assert rows["base"]["active"] and not rows[version_id]["active"]

    assert main(["eval", "--pairs", str(SAMPLE), "--model", version_id]) == 0
    assert json.loads(last_line(capsys.readouterr().out))["model"] == version_id

    assert main(["promote", version_id]) == 0
    assert last_line(capsys.readouterr().out) == version_id
    assert main(["models", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(last_line(capsys.readouterr().out))}
    assert rows[version_id]["active"] and not rows["base"]["active"]
    assert main(["eval", "--pairs", str(SAMPLE)]) == 0  # default: the active version
    assert json.loads(last_line(capsys.readouterr().out))["model"] == version_id

    assert main(["promote", "base"]) == 0
    capsys.readouterr()
    actions = [r["action"] for r in Store(data_dir / "resumatch.sqlite3").audit_rows()]
    assert actions[:3] == ["rollback", "promote", "train"]
