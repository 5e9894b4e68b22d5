"""Encoder backends: cache keys, CPU detection, selection, fallback to torch, and ONNX
rankings agreeing with torch's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from fixtures_docs import WordEncoder

from resumatch.embed import backends
from resumatch.embed.backends import (
    AUTO,
    BackendCheck,
    BackendDecision,
    ServingEncoder,
    model_id_for,
    quantization_target,
)
from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
from resumatch.embed.registry import ModelRegistry, ModelVersion
from resumatch.ingest.documents import read_files
from resumatch.pipeline import load_encoder, match
from resumatch.rank.acceptance import MAX_FIT_MAE
from resumatch.store import Store


@pytest.fixture
def base_version(store: Store, settings) -> ModelVersion:
    return ModelRegistry(store, settings.models_dir).base()


def fake_export(version: ModelVersion, backend: str, data_dir: Path, graph: bytes) -> Path:
    """An export directory whose model file is ``graph``, as a crash or a bad disk leaves."""
    directory = backends.export_dir(data_dir, version.id, backend)
    shutil.copytree(version.path, directory, ignore=shutil.ignore_patterns("*.safetensors"))
    file_name = f"onnx/model_{backend.replace('-', '_')}.onnx"
    (directory / "onnx").mkdir()
    (directory / file_name).write_bytes(graph)
    manifest = {"file_name": file_name}
    if backend in backends.EXPORT_RECIPES:  # made the current way, so it is used as is
        manifest["recipe"] = backends.EXPORT_RECIPES[backend]
    (directory / backends.MANIFEST).write_text(json.dumps(manifest))
    return directory


# -- names, keys and the CPU -----------------------------------------------------------------

def test_every_backend_but_torch_gets_its_own_cache_key() -> None:
    assert model_id_for("base", "torch") == "base"
    assert model_id_for("v2", "onnx") == "v2@onnx"
    assert model_id_for("v2", "openvino-int8") == "v2@openvino-int8"
    with pytest.raises(ValueError):
        model_id_for("v2", "cuda")


def test_the_int8_config_follows_the_cpu() -> None:
    assert quantization_target({"avx2", "avx512f", "avx512_vnni"}, "x86_64") == "avx512_vnni"
    assert quantization_target({"avx2", "avx512f", "avx512bw"}, "x86_64") == "avx512"
    assert quantization_target({"avx", "avx2"}, "x86_64") == "avx2"
    assert quantization_target(set(), "aarch64") == "arm64"
    with pytest.raises(backends.BackendError, match="AVX2"):
        quantization_target({"sse4_2"}, "x86_64")


def test_unknown_backends_are_refused(base_version, data_dir) -> None:
    with pytest.raises(ValueError, match="onnx-int8"):
        ServingEncoder(base_version, "tpu", data_dir)


def test_torch_serves_without_loading_anything_until_needed(base_version, settings) -> None:
    encoder = load_encoder(base_version, settings)
    assert encoder.model_id == "base"
    assert encoder.status.label() == "torch"
    assert encoder._encoder is None
    assert not settings.exports_dir.exists()
    # Exports sit beside the model files, where every app server reads them.
    assert backends.export_dir(encoder.data_dir, "base", "onnx") == \
        settings.exports_dir / "base" / "onnx"


# -- fallback --------------------------------------------------------------------------------

def test_a_broken_onnx_file_falls_back_to_torch(base_version, data_dir, store,
                                                 base_encoder) -> None:
    fake_export(base_version, "onnx-int8", data_dir, b"not an onnx graph")
    encoder = ServingEncoder(base_version, "onnx-int8", data_dir, store)
    assert encoder.model_id == "base@onnx-int8"  # nothing is loaded to know the key

    vectors = encoder.encode(["Data engineer with Spark and Airflow"])

    assert encoder.status.serving == "torch"
    assert "onnx-int8" in encoder.status.fallback
    assert encoder.model_id == "base"  # torch vectors are never filed under the int8 key
    expected = base_encoder.encode(["Data engineer with Spark and Airflow"])
    np.testing.assert_allclose(vectors, expected, atol=1e-5)


def test_an_export_error_falls_back_to_torch_and_leaves_no_half_export(
        base_version, data_dir, store, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError("No space left on device")

    monkeypatch.setattr(backends, "_export", fail)
    encoder = ServingEncoder(base_version, "openvino-int8", data_dir, store)
    status = encoder.prepare()
    assert status.serving == "torch"
    assert "No space left on device" in status.fallback
    assert encoder.model_id == "base"
    assert list((data_dir / "exports" / "base").iterdir()) == []


def test_auto_falls_back_to_torch_when_no_backend_can_be_built(
        base_version, data_dir, store, monkeypatch: pytest.MonkeyPatch) -> None:
    def load(version, backend, data_dir, progress=None):  # noqa: ANN001, ANN202
        if backend == "torch":
            return WordEncoder(model_id=version.id)
        raise backends.BackendError(f"exporting {version.id} to {backend} failed: boom")

    monkeypatch.setattr(backends, "load_backend", load)
    notes: list[str] = []
    encoder = ServingEncoder(base_version, AUTO, data_dir, store)
    status = encoder.prepare(lambda done, total, note: notes.append(note))

    assert status.serving == "torch" and status.label() == "torch (auto)"
    assert "boom" in status.fallback  # shown once in the UI
    assert any("onnx-int8" in note for note in notes)  # the slow first use says why
    assert [c.backend for c in status.decision.checks if c.error] == list(
        backends.AUTO_CANDIDATES)

    # The decision is kept: the next process neither exports nor checks again.
    monkeypatch.setattr(backends, "check_backends", lambda *a, **k: pytest.fail("rechecked"))
    again = ServingEncoder(base_version, AUTO, data_dir, store)
    assert again.status.serving == "torch" and again.model_id == "base"


def test_auto_picks_the_fastest_backend_that_passed(
        base_version, data_dir, store, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = {"torch": BackendCheck("torch", True, 1, 1, 1, 1, 10.0),
              "openvino-int8": BackendCheck("openvino-int8", False, 0.97, 0.9, 0.6, 0.5, 40.0),
              "openvino": BackendCheck("openvino", True, 1, 1, 1, 1, 25.0),
              "onnx-int8": BackendCheck("onnx-int8", True, 0.995, 0.99, 1, 0.9, 20.0),
              "onnx": BackendCheck("onnx", True, 1, 1, 1, 1, 12.0)}

    def load(version, backend, data_dir, progress=None):  # noqa: ANN001, ANN202
        return WordEncoder(model_id=f"{version.id}:{backend}")

    def compare(backend, *args):  # noqa: ANN001, ANN002, ANN202
        return checks[backend]

    monkeypatch.setattr(backends, "load_backend", load)
    monkeypatch.setattr(backends, "compare_to_reference", compare)
    monkeypatch.setattr(backends, "chunks_per_second", lambda *a: 10.0)
    timed: list[list[str]] = []

    def in_turn(encoders, texts):  # noqa: ANN001, ANN202 - the speeds of the checks above
        timed.append(sorted(encoders))
        return {name: checks[name].chunks_per_s for name in encoders}

    monkeypatch.setattr(backends, "timed_in_turn", in_turn)
    encoder = ServingEncoder(base_version, AUTO, data_dir, store)

    assert encoder.model_id == "base@openvino"  # the fastest of those that passed
    assert timed == [["onnx", "onnx-int8", "openvino", "torch"]]  # only those that passed
    assert encoder.status.label() == "openvino (auto)" and encoder.status.fallback is None
    assert encoder.loaded.model_id == "base:openvino"  # the checked model, not a reload


def test_the_side_by_side_timing_decides_not_the_timing_during_each_check(
        base_version, data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each check timed its backend once, minutes apart: a busy spell while openvino was
    # checked made onnx look faster. Timed again in turn, openvino wins.
    checks = {"openvino": BackendCheck("openvino", True, 1, 1, 1, 1, 8.0),
              "onnx-int8": BackendCheck("onnx-int8", False, 0.97, 0.9, 0.6, 0.5, 30.0),
              "onnx": BackendCheck("onnx", True, 1, 1, 1, 1, 12.0)}
    monkeypatch.setattr(backends, "load_backend",
                        lambda version, backend, data_dir, progress=None:
                        WordEncoder(model_id=f"{version.id}:{backend}"))
    monkeypatch.setattr(backends, "compare_to_reference",
                        lambda backend, *args: checks[backend])
    monkeypatch.setattr(backends, "chunks_per_second", lambda *a: 10.0)
    monkeypatch.setattr(backends, "timed_in_turn", lambda encoders, texts: {
        "torch": 10.0, "openvino": 26.0, "onnx": 18.0})
    notes: list[str] = []

    decision, loaded = backends.check_backends(
        base_version, data_dir, progress=lambda done, total, note: notes.append(
            f"{done}/{total} {note}"))

    assert decision.chosen == "openvino" and list(loaded) == ["openvino"]
    speeds = {c.backend: c.chunks_per_s for c in decision.checks}
    assert speeds == {"torch": 10.0, "openvino": 26.0,
                      "onnx-int8": 30.0, "onnx": 18.0}  # rejected ones keep their timing
    assert notes[-1] == "4/5 timing the encoders that passed, side by side"


def test_auto_never_tries_a_recipe_that_failed_the_ndcg_bar() -> None:
    # openvino-int8 (static, every MatMul) changed nDCG@10 by more than issue 14's 0.005
    # on the dev harness; auto's own check cannot measure nDCG, so it must not try it.
    assert "openvino-int8" not in backends.AUTO_CANDIDATES
    assert backends.EXPORT_RECIPES["onnx-int8"] == "ffn-dynamic"


def test_an_export_made_by_an_older_recipe_is_made_again(
        base_version, data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []

    def export(version, backend, data_dir, out, progress):  # noqa: ANN001, ANN202
        made.append(backend)
        out.mkdir(parents=True)
        return {"file_name": "onnx/model.onnx"}

    monkeypatch.setattr(backends, "_export", export)
    old = backends.export_dir(data_dir, base_version.id, "onnx-int8")
    old.mkdir(parents=True)
    (old / backends.MANIFEST).write_text('{"backend": "onnx-int8"}')  # no recipe: before
    target = backends.ensure_export(base_version, "onnx-int8", data_dir)
    assert made == ["onnx-int8"]
    assert backends.read_manifest(target)["recipe"] == "ffn-dynamic"
    backends.ensure_export(base_version, "onnx-int8", data_dir)  # current now: kept
    assert made == ["onnx-int8"]


def test_timed_in_turn_times_every_encoder_each_round() -> None:
    calls: list[str] = []

    class Named(WordEncoder):
        def encode(self, texts, progress=None):  # noqa: ANN001, ANN202
            calls.append(self.model_id)
            return super().encode(texts, progress)

    rates = backends.timed_in_turn({"a": Named(model_id="a"), "b": Named(model_id="b")},
                                   ["some text", "more text"], rounds=2)
    assert set(rates) == {"a", "b"} and all(rate > 0 for rate in rates.values())
    assert calls == ["a", "b", "a", "b", "a", "b"]  # a warm-up each, then in turn


def test_a_decision_made_on_another_cpu_is_not_reused(base_version, data_dir, store) -> None:
    backends.save_decision(store, BackendDecision("base", "openvino-int8", [],
                                                  backends.cpu_label(), 0.0))
    encoder = ServingEncoder(base_version, AUTO, data_dir, store)
    assert encoder.status.label() == "openvino-int8 (auto)"
    assert encoder.model_id == "base@openvino-int8"
    assert encoder._encoder is None  # a cached pool ranks without loading the model

    backends.save_decision(store, BackendDecision("base", "openvino-int8", [], "other", 0.0))
    assert ServingEncoder(base_version, AUTO, data_dir, store).status.serving is None


# -- the real thing: ONNX against torch on the shipped samples ---------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ModelVersion, Path]:
    """The base model exported to ONNX and quantized to int8 once for this module."""
    data_dir = tmp_path_factory.mktemp("exports")
    version = ModelRegistry(Store(data_dir / "state.sqlite3"), data_dir / "models").base()
    backends.ensure_export(version, "onnx-int8", data_dir)
    return version, data_dir


@pytest.mark.slow
def test_onnx_and_torch_rank_the_samples_alike(exported, base_encoder,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    version, data_dir = exported
    resumes, _ = read_files([backends.ASSETS / "sample_resumes"])
    jobs, _ = read_files([backends.ASSETS / "sample_jobs"])
    torch_result = match(resumes, jobs, Embedder(base_encoder, None, DEFAULT_CHUNKING))
    monkeypatch.setattr(backends, "_export", lambda *a, **k: pytest.fail("exported twice"))

    onnx = backends.load_backend(version, "onnx", data_dir)
    onnx_result = match(resumes, jobs, Embedder(onnx, None, DEFAULT_CHUNKING))
    np.testing.assert_allclose(onnx_result.scores, torch_result.scores, atol=1e-4)
    assert onnx_result.table["resume"].tolist() == torch_result.table["resume"].tolist()

    int8 = backends.load_backend(version, "onnx-int8", data_dir)
    assert int8.model_id == "base@onnx-int8"
    int8_result = match(resumes, jobs, Embedder(int8, None, DEFAULT_CHUNKING))
    for job in torch_result.job_names:
        ours = int8_result.table[int8_result.table["job"] == job]
        theirs = torch_result.table[torch_result.table["job"] == job]
        fits = dict(zip(theirs["resume"], theirs["fit"], strict=True))
        # Issue 14: exact top-k identity measures near-tie noise, not harm. The top 3 hold
        # the same candidates in the same order, except that two whose torch fits differ
        # by less than the fit bar (2 points) may swap: e.g. for the HR job, the
        # accountant (fit 11.1) and the career changer (10.4), neither a match.
        assert set(ours["resume"][:3]) <= set(theirs["resume"][:4]), job
        for mine, reference in zip(ours["resume"][:3], theirs["resume"][:3], strict=True):
            assert mine == reference or abs(fits[mine] - fits[reference]) < MAX_FIT_MAE, job
    cosines = [float(a.vector @ b.vector)
               for a, b in zip(int8_result.resumes, torch_result.resumes, strict=True)]
    assert min(cosines) > 0.98


# -- issue 14: judged by what users see, prepared in the background -------------------------

class Verdict:
    def __init__(self, passed: bool) -> None:
        self.passed, self.fit_mae, self.evidence_agreement = passed, 0.5, 0.99


def test_with_a_judge_int8_level_cosine_passes_on_fit_and_evidence(
        base_version, data_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    """The judge decides; cosine is only a sanity bar (0.98), top-k identity no bar."""
    encoder = WordEncoder(model_id="base")
    candidates, queries = backends.check_set()
    reference = backends.embed_check_set(encoder, candidates, queries)
    timing = ["some text"]
    monkeypatch.setattr(backends, "chunks_per_second", lambda *a: 10.0)
    judged = backends.compare_to_reference("onnx-int8", encoder, reference, candidates,
                                           queries, timing, lambda ref, new: Verdict(True),
                                           encoder)
    assert judged.passed and judged.fit_mae == 0.5 and judged.evidence_agreement == 0.99
    rejected = backends.compare_to_reference("onnx-int8", encoder, reference, candidates,
                                             queries, timing, lambda ref, new: Verdict(False),
                                             encoder)
    assert not rejected.passed
    assert "fit MAE 0.50" in rejected.summary()


def test_a_decision_made_under_the_old_criteria_is_checked_again(base_version, data_dir,
                                                                 store) -> None:
    old = BackendDecision("base", "openvino", [], backends.cpu_label(), 0.0)
    raw = json.loads(old.to_json())
    del raw["criteria"]  # as stored before issue 14
    store.set_setting(backends.CHECK_KEY_PREFIX + "base", json.dumps(raw))
    assert backends.stored_decision(store, "base") is None
    backends.save_decision(store, old)
    assert backends.stored_decision(store, "base").chosen == "openvino"


def fake_checks(monkeypatch: pytest.MonkeyPatch, calls: list[str], chosen: str = "onnx",
                fail: str | None = None) -> None:
    def check(version, data_dir, candidates=backends.AUTO_CANDIDATES, progress=None,
              judge=None):  # noqa: ANN001, ANN202
        calls.append(version.id)
        if progress:
            progress(1, 2, "exporting")
        if fail:
            raise backends.BackendError(fail)
        decision = BackendDecision(version.id, chosen, [BackendCheck(chosen, True)],
                                   backends.cpu_label(), 1.0)
        return decision, {chosen: WordEncoder(model_id=f"{version.id}:{chosen}")}

    monkeypatch.setattr(backends, "check_backends", check)


def test_auto_prepares_in_the_background_while_torch_serves(
        base_version, data_dir, store, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    gate = threading.Event()
    calls: list[str] = []
    fake_checks(monkeypatch, calls)
    real_check = backends.check_backends

    def slow_check(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        gate.wait(30)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(backends, "check_backends", slow_check)
    monkeypatch.setattr(backends, "load_backend",
                        lambda version, backend, data_dir, progress=None:
                        WordEncoder(model_id=f"{version.id}:{backend}"))
    encoder = ServingEncoder(base_version, AUTO, data_dir, store, background=True)

    # Meanwhile torch serves, under torch's cache key, and says so.
    assert encoder.status.preparing
    assert encoder.model_id == "base"
    assert encoder.status.label().startswith("torch (preparing a faster encoder… (")
    pinned = encoder.current()
    assert pinned.model_id == "base"
    assert encoder.prepare() is encoder.status  # returns at once, does not wait

    gate.set()
    status = encoder.wait(30)
    assert not status.preparing and status.serving == "onnx"
    assert status.label() == "onnx (auto)" and status.percent == 100
    assert encoder.model_id == "base@onnx"
    assert encoder.loaded.model_id == "base:onnx"  # the checked model, not a reload
    assert pinned.model_id == "base"  # a ranking in flight keeps its backend
    # Stored once per version: a new process neither checks nor prepares again.
    assert calls == ["base"]
    again = ServingEncoder(base_version, AUTO, data_dir, store, background=True)
    assert not again.status.preparing and again.model_id == "base@onnx"
    assert calls == ["base"]


def test_a_failed_background_preparation_falls_back_to_torch_with_the_reason(
        base_version, data_dir, store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    fake_checks(monkeypatch, calls, fail="the OpenVINO export crashed")
    encoder = ServingEncoder(base_version, AUTO, data_dir, store, background=True)
    status = encoder.wait(30)
    assert not status.preparing and status.serving == "torch"
    assert "the OpenVINO export crashed" in status.fallback
    assert encoder.model_id == "base"
    assert backends.stored_decision(store, "base") is None  # tried again on next start


def test_a_cli_start_hands_the_preparation_to_another_process(
        base_version, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import resumatch.pipeline as pipeline

    started: list[str] = []
    monkeypatch.setattr(pipeline, "start_preparation",
                        lambda version, settings: started.append(version.id))
    encoder = load_encoder(base_version, dataclasses.replace(settings, backend=AUTO))
    assert started == ["base"]
    assert encoder.status.preparing and encoder.model_id == "base"
    assert encoder._thread is None  # nothing runs in this process
