"""CLI: ``audit-names`` on a small sample (assets and the shared resumes), its usage errors,
and ``promote`` warning about a version more sensitive to names than its parent."""

from __future__ import annotations

import json
from pathlib import Path

from paths import SHARED_DATA

from resumatch.cli import main
from resumatch.embed.embedding import base_model_path
from resumatch.embed.registry import ModelRegistry
from resumatch.fairness.name_swap import METHOD
from resumatch.store import Store

KEYS = {"mean_abs_fit_change", "max_abs_fit_change", "pairs", "swap_sets", "model"}


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_audit_names_on_a_small_sample_of_the_assets(data_dir: Path, capsys) -> None:
    assert main(["audit-names", "--sample", "3"]) == 0
    captured = capsys.readouterr()
    result = last_json(captured.out)
    assert KEYS <= set(result)
    assert result["model"] == "base" and result["pairs"] == 3 * 4 * 12
    assert result["resumes"] == 3 and result["jobs"] == 4
    assert 0 <= result["mean_abs_fit_change"] <= result["max_abs_fit_change"] <= 100
    assert set(result["swap_sets"]) == {"female_male", "black_white", "hispanic_white",
                                        "asian_white", "pronoun_they"}
    table = captured.out.splitlines()
    assert table[0].split()[:2] == ["swap", "set"]
    assert any(line.startswith("female_male") for line in table)
    assert "name-swap check of base on assets: 3 resumes x 4 jobs" in captured.err
    audit = Store(data_dir / "resumatch.sqlite3").audit_rows()[0]
    assert audit["action"] == "audit_names" and audit["model_id"] == "base"
    assert Store(data_dir / "resumatch.sqlite3").count("documents") == 0  # nothing synthetic


def test_audit_names_on_the_shared_resumes(data_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["audit-names", "--data", str(SHARED_DATA), "--sample", "2",
                 "--jobs", str(tmp_path / "missing.txt")]) == 2  # no readable job: refused
    capsys.readouterr()
    assert main(["audit-names", "--data", str(SHARED_DATA), "--sample", "2"]) == 0
    result = last_json(capsys.readouterr().out)
    assert result["resumes"] == 2 and result["pairs"] == 2 * 4 * 12
    assert result["sample"].endswith("(dev split): 2 resumes x 4 jobs")


def test_usage_errors(data_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["audit-names", "--model", "v-unknown"]) == 2
    assert main(["audit-names", "--sample", "0"]) == 2
    assert main(["audit-names", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown model version 'v-unknown'" in err
    assert "--sample must be at least 1" in err
    assert "none of resumes_by_category.csv, livecareer_dev.csv found" in err


def test_promote_warns_when_a_version_is_more_sensitive_to_names(data_dir: Path,
                                                                 capsys) -> None:
    registry = ModelRegistry(Store(data_dir / "resumatch.sqlite3"), data_dir / "models")
    figures = {"method": METHOD, "max_abs_fit_change": 9.0, "pairs": 288}
    version_id, _ = registry.new_version_dir()
    registry.register(version_id, base_model_path(), parent="base", dataset="d", n_rows=72,
                      params={}, metrics={
                          "heldout": {"spearman": 0.9}, "baseline": {"spearman": 0.8},
                          "name_swap": {**figures, "mean_abs_fit_change": 2.5},
                          "name_swap_parent": {**figures, "mean_abs_fit_change": 2.0}})
    assert main(["promote", version_id]) == 0
    err = capsys.readouterr().err
    assert f"warning: {version_id} is more sensitive to names and pronouns than its " \
           "parent base" in err
    promoted = registry.store.audit_rows()[0]
    assert promoted["action"] == "promote" and "more sensitive" in promoted["detail"]
