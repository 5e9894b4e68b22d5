"""``python -m resumatch prepare``: prepares auto's faster encoder ahead of time, prints
the decision, and keeps it (once per model version)."""

from __future__ import annotations

import pytest
from fixtures_docs import WordEncoder

from resumatch.cli import main
from resumatch.config import Settings
from resumatch.embed import backends
from resumatch.embed.backends import BackendCheck, BackendDecision
from resumatch.pipeline import open_registry, start_preparation


def test_prepare_prints_and_keeps_auto_s_decision(data_dir, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("RESUMATCH_BACKEND", "auto")
    calls: list[object] = []

    def check(version, data_dir, candidates=backends.AUTO_CANDIDATES, progress=None,
              judge=None):  # noqa: ANN001, ANN202
        calls.append(judge)
        progress(1, 2, "exporting base to openvino-int8")
        checks = [BackendCheck("torch", True, 1, 1, 1, 1, 10.0, fit_mae=0.0,
                               evidence_agreement=1.0),
                  BackendCheck("openvino-int8", True, 0.996, 0.99, 0.9, 0.5, 30.0,
                               fit_mae=0.4, evidence_agreement=0.995)]
        return (BackendDecision(version.id, "openvino-int8", checks, backends.cpu_label(), 1),
                {"openvino-int8": WordEncoder()})

    monkeypatch.setattr(backends, "check_backends", check)
    monkeypatch.setattr(backends, "ensure_export", lambda *a, **k: None)

    assert main(["prepare"]) == 0
    out, err = capsys.readouterr()
    assert "model base: serving with openvino-int8 (auto)" in out
    assert "fit MAE 0.40 pts, evidence agreement 99.5%" in out
    assert "exporting base to openvino-int8" in err
    assert calls and calls[0] is not None  # judged by the product's fit and evidence

    assert main(["prepare", "--quiet"]) == 0  # decided once: nothing is checked again
    assert len(calls) == 1
    assert "openvino-int8 (auto)" in capsys.readouterr().out


def test_prepare_with_torch_has_nothing_to_do(data_dir, capsys) -> None:  # noqa: ANN001
    assert main(["prepare"]) == 0  # the tests' RESUMATCH_BACKEND=torch
    assert "model base: serving with torch" in capsys.readouterr().out
    settings = Settings.from_env()
    version = open_registry(settings).active()
    assert start_preparation(version, settings) is None  # only auto prepares


def test_prepare_refuses_an_unknown_version(data_dir, capsys) -> None:  # noqa: ANN001
    assert main(["prepare", "--model", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
