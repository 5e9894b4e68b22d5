"""Encoder backends: torch fp32, ONNX Runtime (fp32, dynamic int8) and OpenVINO (fp32,
static int8), exported once per model version, checked against torch, with torch as the
fallback.

Exports live in ``<root>/exports/<model version id>/<backend>/`` as complete
sentence-transformers model directories, written the first time a version is used on a
backend and reused after (a fine-tuned version gets its own). ``auto`` exports every
candidate once per model version, checks each against torch fp32 on fixed text that ships
in ``assets/`` (cosine of every chunk vector, top-5 agreement of a small ranking), times it,
and serves the fastest one that passed. The decision is kept in the store's ``settings``
table, so later processes neither export nor check again. Any export or load error falls
back to torch: logged, and exposed in ``ServingEncoder.status`` for the UI.

The app passes the models directory as the root (``Settings.exports_dir``): every app
server reads the same exports, beside the weights they come from.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import platform
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from resumatch.embed.embedding import (
    MODEL_LOAD_LOCK,
    Chunking,
    DocEmbedding,
    Embedder,
    Encoder,
    LazyEncoder,
    Progress,
    SentenceTransformerEncoder,
    chunk_spans,
    cpu_cores,
)
from resumatch.embed.registry import ModelVersion
from resumatch.ingest.documents import Document
from resumatch.store import Store

logger = logging.getLogger(__name__)

AUTO = "auto"
TORCH = "torch"
BACKEND_NAMES = (TORCH, "onnx", "onnx-int8", "openvino", "openvino-int8")
# Every backend auto may serve besides torch; each is exported, checked and timed once
# per model version. fp32 OpenVINO beat dynamic int8 ONNX on this machine, so no tier is
# skipped on the assumption that int8 always wins.
AUTO_CANDIDATES = ("openvino-int8", "openvino", "onnx-int8", "onnx")
# Batch sizes by backend, measured with ``bench/throughput.py --batch-sweep`` on 2 idle
# cores (256-token windows sorted by length): 8 was fastest or tied for every backend,
# e.g. torch 20.8 chunks/s at 8 against 17.8 at 32, openvino-int8 72.8 against 61.3.
BATCH_SIZES = {TORCH: 8, "onnx": 8, "onnx-int8": 8, "openvino": 8, "openvino-int8": 8}

ASSETS = Path(__file__).resolve().parents[2] / "assets"
# 128 samples = every 256-token window of the shipped samples plus paragraphs and pair
# texts. 16 windows already gave mean cosine 0.9945 to fp32 on real resumes, 48 gave
# 0.9957, 128 gave 0.9964 (the hub default, 300 sst2 sentences padded to 384 tokens, is
# neither reachable offline nor better: 136 padded paragraphs gave 0.9960 in 5x the time).
CALIBRATION_SAMPLES = 128
# What auto requires of a backend on the fixed check set, against torch fp32: rankings
# kept intact. Measured on 200 real resumes x 25 jobs (bench/throughput.py), int8 changed
# the top-10 set of 60% (OpenVINO, mean cosine 0.9963) and 76% (ONNX, 0.9859) of jobs,
# while OpenVINO's default precision (bf16 here, cosine 0.99998) changed one near-tie; on
# the check set int8 reaches 0.991-0.998, so the cosine bar is what separates them.
MIN_MEAN_COSINE = 0.9995
MIN_TOP_AGREEMENT = 0.95
CHECK_TOP_K = 5
TIE_MARGIN = 0.001  # cosine; swaps closer than this are ties (see top_k_agreement)
MANIFEST = "export.json"
FP32_FILES = {"onnx": "onnx/model.onnx", "openvino": "openvino/openvino_model.xml"}
CHECK_KEY_PREFIX = "backend_check:"


class BackendError(RuntimeError):
    """An export or load that failed; the message is shown to the user as is."""


def model_id_for(version_id: str, backend: str) -> str:
    """The embedding-cache key of a version served by ``backend``.

    Every backend's vectors differ a little from torch's (int8: cosine ~0.996; OpenVINO
    computes an fp32 model in bf16 on CPUs that have it: ~0.99998), so each gets its own
    key and a cached pool never mixes two backends.

    Example:
        >>> model_id_for("base", "torch"), model_id_for("base", "openvino-int8")
        ('base', 'base@openvino-int8')
    """
    engine_of(backend)  # refuse unknown names
    return version_id if backend == TORCH else f"{version_id}@{backend}"


def engine_of(backend: str) -> str:
    """The sentence-transformers ``backend`` argument: torch, onnx or openvino."""
    if backend not in BACKEND_NAMES:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKEND_NAMES)}")
    return backend.split("-")[0]


# -- CPU ---------------------------------------------------------------------------------

def cpu_flags() -> set[str]:
    """Instruction-set flags of this CPU from /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def quantization_target(flags: set[str] | None = None, machine: str | None = None) -> str:
    """The dynamic int8 config of ONNX Runtime that fits this CPU.

    Example:
        >>> quantization_target({"avx2", "avx512f", "avx512_vnni"}, "x86_64")
        'avx512_vnni'
        >>> quantization_target(set(), "aarch64")
        'arm64'
    """
    machine = (machine if machine is not None else platform.machine()).lower()
    if machine in {"arm64", "aarch64"}:
        return "arm64"
    flags = cpu_flags() if flags is None else flags
    if "avx512_vnni" in flags or "avx512vnni" in flags:
        return "avx512_vnni"
    if "avx512f" in flags or "avx512bw" in flags:
        return "avx512"
    if "avx2" in flags:
        return "avx2"
    raise BackendError("int8 ONNX needs AVX2, AVX-512 or ARM64; this CPU has none of them")


# -- export ------------------------------------------------------------------------------

def export_dir(data_dir: Path, version_id: str, backend: str) -> Path:
    """Where the export of one model version for one backend lives."""
    if not version_id or Path(version_id).name != version_id or version_id.startswith("."):
        raise ValueError(f"model version id {version_id!r} cannot name a directory")
    engine_of(backend)
    return Path(data_dir) / "exports" / version_id / backend


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """What an export holds, or None when it is missing or incomplete."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def ensure_export(version: ModelVersion, backend: str, data_dir: Path,
                  progress: Progress | None = None) -> Path:
    """The export of ``version`` for ``backend``, written on first use and reused after.

    The export is built in a scratch directory next to its target and renamed into place,
    so a crash or a second process never leaves half an export behind.
    """
    target = export_dir(data_dir, version.id, backend)
    if read_manifest(target) is not None:
        return target
    if progress:
        progress(0, 1, f"exporting model {version.id} to {backend} (first use, once)")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.parent / f".{backend}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    try:
        details = _export(version, backend, data_dir, scratch, progress)
        manifest = {"backend": backend, "version_id": version.id, "created": time.time(),
                    "seconds": round(time.perf_counter() - started, 1), **details}
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if read_manifest(target) is None:
            shutil.rmtree(target, ignore_errors=True)  # an incomplete leftover
            os.replace(scratch, target)
    except Exception as err:
        raise BackendError(f"exporting {version.id} to {backend} failed: {err}") from err
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    logger.info("exported %s to %s in %.0fs", version.id, backend, manifest["seconds"])
    return target


def _export(version: ModelVersion, backend: str, data_dir: Path, out: Path,
            progress: Progress | None) -> dict[str, Any]:
    """Write a sentence-transformers model directory for ``backend`` into ``out``; an
    int8 backend quantizes the fp32 export of the same engine (exported first if needed)."""
    from sentence_transformers import SentenceTransformer

    engine = engine_of(backend)
    if backend in FP32_FILES:  # onnx, openvino: export from the torch weights
        # export=True: a version directory only has torch weights; never look for others.
        with MODEL_LOAD_LOCK:
            model = SentenceTransformer(str(version.path), device="cpu", backend=engine,
                                        model_kwargs={"export": True,
                                                      **_runtime_kwargs(engine)},
                                        local_files_only=True)
        model.save_pretrained(str(out))
        return {"file_name": FP32_FILES[engine]}
    source = ensure_export(version, engine, data_dir, progress)
    with MODEL_LOAD_LOCK:
        model = SentenceTransformer(str(source), device="cpu", backend=engine,
                                    model_kwargs={"file_name": FP32_FILES[engine],
                                                  **_runtime_kwargs(engine)},
                                    local_files_only=True)
    shutil.copytree(source, out, ignore=shutil.ignore_patterns(
        MANIFEST, "model.onnx", "openvino_model.xml", "openvino_model.bin", "model_cache"))
    if backend == "onnx-int8":
        from sentence_transformers import export_dynamic_quantized_onnx_model

        target = quantization_target()
        export_dynamic_quantized_onnx_model(model, target, str(out))
        [quantized] = sorted((out / "onnx").glob("model_*.onnx"))
        return {"file_name": f"onnx/{quantized.name}", "quantization": target}
    texts = calibration_texts(model.tokenizer, model.max_seq_length)
    _quantize_openvino_static(model, texts, out / "openvino")
    return {"file_name": "openvino/openvino_model_qint8_quantized.xml",
            "calibration_samples": len(texts)}


def _quantize_openvino_static(model: Any, texts: Sequence[str], out: Path) -> None:
    """Post-training static int8 quantization (NNCF) calibrated on local text.

    sentence-transformers' ``export_static_quantized_openvino_model`` loads its calibration
    set with ``datasets.load_dataset`` (sst2 from the hub by default) and pads every sample
    to 384 tokens; the same ``OVQuantizer.quantize`` call takes a local, already tokenized
    dataset instead, at the lengths the product encodes (at most 256 tokens).
    """
    from datasets import Dataset
    from optimum.intel import OVConfig, OVQuantizationConfig, OVQuantizer

    ov_model = model.transformers_model
    tokens = model.tokenizer(list(texts), truncation=True, max_length=model.max_seq_length)
    inputs = set(getattr(ov_model, "input_names", None) or tokens.keys())
    calibration = Dataset.from_dict({k: tokens[k] for k in tokens.keys() if k in inputs})
    config = OVConfig(quantization_config=OVQuantizationConfig(num_samples=len(texts)))
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        OVQuantizer.from_pretrained(ov_model).quantize(
            calibration_dataset=calibration, save_directory=scratch, ov_config=config)
        saved = Path(scratch) / "openvino"
        for suffix in (".xml", ".bin"):
            os.replace(saved / f"openvino_model{suffix}",
                       out / f"openvino_model_qint8_quantized{suffix}")


def calibration_texts(tokenizer: Any, max_tokens: int = 256,
                      limit: int = CALIBRATION_SAMPLES) -> list[str]:
    """Resume and job text shipped in ``assets/``: every token window of the sample
    documents first (what the product encodes), then paragraphs and short pair texts."""
    resumes, jobs, pair_resumes, pair_jobs = _asset_texts()
    documents = resumes + jobs
    if not documents:
        raise BackendError(f"no calibration text: {ASSETS} has no sample documents")
    windows = []
    for text in documents:
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                            verbose=False)["offset_mapping"]
        windows += [text[a:b] for a, b in chunk_spans(offsets, len(text), max_tokens, 32)]
    paragraphs = [p.strip() for text in documents for p in text.split("\n\n")
                  if len(p.split()) > 3]
    short = list(dict.fromkeys(pair_resumes + pair_jobs))
    mixed = [t for pair in zip(paragraphs, short, strict=False) for t in pair]
    rest = paragraphs[len(short):] + short[len(paragraphs):]
    return list(dict.fromkeys(windows + mixed + rest))[:limit]


def _asset_texts() -> tuple[list[str], list[str], list[str], list[str]]:
    """Sample resumes, sample jobs, and the resume and job columns of the sample pairs."""
    def read_dir(name: str) -> list[str]:
        folder = ASSETS / name
        if not folder.is_dir():
            return []
        return [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
                if p.suffix in {".txt", ".md"}]

    pair_resumes: list[str] = []
    pair_jobs: list[str] = []
    pairs = ASSETS / "sample_pairs.csv"
    if pairs.exists():
        with open(pairs, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                pair_resumes.append(row["resume"])
                pair_jobs.append(row["job"])
    return (read_dir("sample_resumes"), read_dir("sample_jobs"),
            list(dict.fromkeys(pair_resumes)), list(dict.fromkeys(pair_jobs)))


# -- load --------------------------------------------------------------------------------

def _runtime_kwargs(engine: str) -> dict[str, Any]:
    """Pin the runtime to the CPU and to every core of this machine."""
    cores = cpu_cores()
    if engine == "onnx":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = cores
        # ORT lists AzureExecutionProvider first here; sentence-transformers would pick it.
        return {"provider": "CPUExecutionProvider", "session_options": options}
    if engine == "openvino":
        return {"ov_config": {"INFERENCE_NUM_THREADS": cores, "PERFORMANCE_HINT": "LATENCY"}}
    return {}


def load_backend(version: ModelVersion, backend: str, data_dir: Path,
                 progress: Progress | None = None) -> SentenceTransformerEncoder:
    """An encoder for ``version`` on ``backend``, exporting it first if needed.

    Raises:
        BackendError: the export or the load failed (the caller falls back to torch).
    """
    engine = engine_of(backend)
    model_id = model_id_for(version.id, backend)
    batch_size = BATCH_SIZES[backend]
    if engine == TORCH:
        return SentenceTransformerEncoder(version.path, model_id, batch_size=batch_size)
    directory = ensure_export(version, backend, data_dir, progress)
    manifest = read_manifest(directory) or {}
    try:
        return SentenceTransformerEncoder(
            directory, model_id, batch_size=batch_size, backend=engine,
            model_kwargs={"file_name": manifest["file_name"], **_runtime_kwargs(engine)})
    except Exception as err:
        raise BackendError(f"loading the {backend} export of {version.id} from {directory} "
                           f"failed: {err}") from err


# -- agreement check ---------------------------------------------------------------------

@dataclass
class BackendCheck:
    """How one backend compared with torch fp32 on the fixed check set."""

    backend: str
    passed: bool
    mean_cosine: float | None = None
    min_cosine: float | None = None
    top_agreement: float | None = None  # queries whose top-5 agree (near-ties aside)
    exact_top_agreement: float | None = None  # queries whose top-5 set is identical
    chunks_per_s: float | None = None
    error: str | None = None

    def summary(self) -> str:
        if self.error:
            return f"{self.backend}: failed ({self.error})"
        return (f"{self.backend}: cosine {self.mean_cosine:.4f} (min {self.min_cosine:.4f}), "
                f"top-{CHECK_TOP_K} agreement {self.top_agreement:.2f} "
                f"(exact {self.exact_top_agreement:.2f}), {self.chunks_per_s:.1f} chunks/s"
                + ("" if self.passed else ", rejected"))


@dataclass
class BackendDecision:
    """What ``auto`` chose for one model version, and the checks behind the choice."""

    version_id: str
    chosen: str
    checks: list[BackendCheck] = field(default_factory=list)
    cpu: str = ""
    created: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> BackendDecision:
        data = json.loads(raw)
        data["checks"] = [BackendCheck(**c) for c in data.get("checks", [])]
        return cls(**data)

    @property
    def failures(self) -> list[BackendCheck]:
        return [c for c in self.checks if c.error]


def cpu_label() -> str:
    """The CPU a decision was measured on; a data dir moved to another machine rechecks."""
    try:
        target = quantization_target()
    except BackendError:
        target = "no-int8"
    return f"{platform.machine()}/{target}/{cpu_cores()} cores"


def check_set() -> tuple[list[Document], list[Document]]:
    """The fixed candidates and queries of the agreement check: the sample resumes and the
    resume side of the sample pairs, ranked for the sample jobs and the pairs' job side."""
    resumes, jobs, pair_resumes, pair_jobs = _asset_texts()
    candidates = [Document(f"r{i}", t) for i, t in enumerate(resumes + pair_resumes)]
    queries = [Document(f"j{i}", t) for i, t in enumerate(jobs + pair_jobs)]
    if not candidates or not queries:
        raise BackendError(f"no check texts: {ASSETS} has no sample documents")
    return candidates, queries


def embed_check_set(encoder: Encoder, candidates: Sequence[Document],
                    queries: Sequence[Document]) -> tuple[list[DocEmbedding], list[DocEmbedding]]:
    embedder = Embedder(encoder, None, Chunking())
    return embedder.embed(list(candidates)), embedder.embed(list(queries))


def top_k_agreement(reference: np.ndarray, candidate: np.ndarray, k: int,
                    tie_margin: float = 0.0) -> float:
    """Share of columns (queries) whose top-``k`` rows are the same set in both matrices.

    With ``tie_margin`` > 0, a row that enters the top ``k`` still agrees when its
    reference score is within the margin of the reference's k-th best: a swap between
    near-ties, which any rounding can flip, is not a change of the shortlist.

    Example:
        >>> ref = np.array([[0.9], [0.8], [0.799], [0.1]])
        >>> top_k_agreement(ref, np.array([[0.9], [0.798], [0.8], [0.1]]), 2)
        0.0
        >>> top_k_agreement(ref, np.array([[0.9], [0.798], [0.8], [0.1]]), 2, 0.005)
        1.0
    """
    k = min(k, reference.shape[0])
    if reference.size == 0 or k == 0:
        return 1.0
    top_ref = np.argsort(-reference, axis=0, kind="stable")[:k]
    top_new = np.argsort(-candidate, axis=0, kind="stable")[:k]
    agree = []
    for j in range(reference.shape[1]):
        entered = set(top_new[:, j]) - set(top_ref[:, j])
        kth = reference[top_ref[-1, j], j]
        agree.append(all(reference[i, j] >= kth - tie_margin for i in entered))
    return float(np.mean(agree))


def chunks_per_second(encoder: Encoder, texts: Sequence[str], repeats: int = 2) -> float:
    """Best-of-``repeats`` encoding rate over ``texts`` (after one warm-up batch)."""
    encoder.encode(list(texts[:4]))  # the first inference compiles (OpenVINO) and allocates
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        encoder.encode(list(texts))
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def timing_texts(encoder: Encoder, documents: Sequence[Document], limit: int = 16,
                 ) -> list[str]:
    """Token windows of the sample documents, longest first: what the product mostly
    encodes (the check set's short pair texts would time per-call overhead instead)."""
    embedder = Embedder(encoder, None, Chunking())
    windows = [d.text[a:b] for d in documents for a, b in embedder.split(d.text)]
    return sorted(windows, key=len, reverse=True)[:limit]


def compare_to_reference(backend: str, encoder: Encoder,
                         reference: tuple[list[DocEmbedding], list[DocEmbedding]],
                         candidates: Sequence[Document], queries: Sequence[Document],
                         timing: Sequence[str]) -> BackendCheck:
    """Embed the check set with ``encoder``, compare with torch's vectors, and time it."""
    from resumatch.rank.matching import score_matrix

    resumes, jobs = embed_check_set(encoder, candidates, queries)
    ref_resumes, ref_jobs = reference
    ours = np.concatenate([e.chunk_vectors for e in resumes + jobs])
    theirs = np.concatenate([e.chunk_vectors for e in ref_resumes + ref_jobs])
    if ours.shape != theirs.shape:
        return BackendCheck(backend, False, error="chunking differs from torch")
    cosines = (ours * theirs).sum(axis=1)
    ref_scores, our_scores = score_matrix(ref_resumes, ref_jobs), score_matrix(resumes, jobs)
    agreement = top_k_agreement(ref_scores, our_scores, CHECK_TOP_K, TIE_MARGIN)
    mean_cos = float(cosines.mean())
    return BackendCheck(
        backend, passed=mean_cos >= MIN_MEAN_COSINE and agreement >= MIN_TOP_AGREEMENT,
        mean_cosine=round(mean_cos, 5), min_cosine=round(float(cosines.min()), 5),
        top_agreement=round(agreement, 4),
        exact_top_agreement=round(top_k_agreement(ref_scores, our_scores, CHECK_TOP_K), 4),
        chunks_per_s=round(chunks_per_second(encoder, timing), 2))


def check_backends(version: ModelVersion, data_dir: Path,
                   candidates: Sequence[str] = AUTO_CANDIDATES,
                   progress: Progress | None = None,
                   ) -> tuple[BackendDecision, dict[str, SentenceTransformerEncoder]]:
    """Export, check and time every candidate against torch fp32; choose the fastest
    that passed (torch when none did). Returns the decision and the chosen encoder."""
    check_docs, check_queries = check_set()
    steps = len(candidates) + 1
    if progress:
        progress(0, steps, f"checking faster encoders for model {version.id} (first use)")
    torch_encoder = load_backend(version, TORCH, data_dir)
    reference = embed_check_set(torch_encoder, check_docs, check_queries)
    timing = timing_texts(torch_encoder, check_docs)
    checks = [BackendCheck(TORCH, True, 1.0, 1.0, 1.0, 1.0,
                           round(chunks_per_second(torch_encoder, timing), 2))]
    loaded: dict[str, SentenceTransformerEncoder] = {TORCH: torch_encoder}
    for step, backend in enumerate(candidates, start=1):
        if progress:
            progress(step, steps, f"preparing the {backend} encoder for model {version.id} "
                                  "(first use, once)")
        try:
            encoder = load_backend(version, backend, data_dir)
            check = compare_to_reference(backend, encoder, reference, check_docs,
                                         check_queries, timing)
        except Exception as err:  # any failure only rules this candidate out
            logger.warning("backend %s unavailable for %s: %s", backend, version.id, err)
            check = BackendCheck(backend, False, error=str(err)[:300])
        else:
            if check.passed:
                loaded[backend] = encoder
        logger.info("backend check %s", check.summary())
        checks.append(check)
    passed = [c for c in checks if c.passed]
    chosen = max(passed, key=lambda c: c.chunks_per_s or 0.0).backend if passed else TORCH
    decision = BackendDecision(version.id, chosen, checks, cpu_label(), time.time())
    return decision, {chosen: loaded[chosen]} if chosen in loaded else {}


def stored_decision(store: Store, version_id: str) -> BackendDecision | None:
    """The auto decision for a version measured on this CPU, if one was made."""
    raw = store.get_setting(CHECK_KEY_PREFIX + version_id)
    if not raw:
        return None
    try:
        decision = BackendDecision.from_json(raw)
    except (ValueError, TypeError, KeyError):
        return None
    return decision if decision.cpu == cpu_label() else None


def save_decision(store: Store, decision: BackendDecision) -> None:
    store.set_setting(CHECK_KEY_PREFIX + decision.version_id, decision.to_json())


# -- the encoder the app and the CLI serve with ------------------------------------------

@dataclass
class BackendStatus:
    """Which backend serves a model version, for the sidebar and the logs."""

    requested: str
    serving: str | None = None  # None while auto has not decided yet
    fallback: str | None = None  # why torch serves although something else was wanted
    decision: BackendDecision | None = None

    def label(self) -> str:
        """One line for the sidebar, e.g. ``openvino-int8 (auto)``.

        Example:
            >>> BackendStatus("onnx", "torch", fallback="broken file").label()
            'torch (fallback: onnx unavailable)'
        """
        if self.serving is None:
            return f"{self.requested} (decided on first use)"
        if self.fallback and self.requested != AUTO:
            return f"{self.serving} (fallback: {self.requested} unavailable)"
        if self.requested == AUTO:
            return f"{self.serving} (auto)"
        return self.serving


class ServingEncoder(LazyEncoder):
    """A model version on the configured backend; exports, checks and loads on first use.

    ``model_id`` is the embedding-cache key of the backend actually serving, so a fallback
    to torch never files torch vectors under an int8 key. Ranking a fully cached pool loads
    nothing (the choice of an earlier auto check is read from the store).

    Example:
        >>> encoder = ServingEncoder(version, "auto", data_dir, store)  # doctest: +SKIP
        >>> encoder.encode(["Data engineer"]).shape, encoder.status.label()  # doctest: +SKIP
        ((1, 384), 'openvino-int8 (auto)')
    """

    def __init__(self, version: ModelVersion, backend: str, data_dir: Path,
                 store: Store | None = None) -> None:
        if backend != AUTO:
            engine_of(backend)  # refuse unknown names early
        self.version = version
        self.data_dir = Path(data_dir)
        self.store = store
        self.status = BackendStatus(requested=backend)
        self._preloaded: SentenceTransformerEncoder | None = None
        if backend == AUTO:
            decision = stored_decision(store, version.id) if store is not None else None
            if decision is not None:
                self.status.serving, self.status.decision = decision.chosen, decision
        else:
            self.status.serving = backend
        super().__init__(version.id, self._load)

    @property
    def model_id(self) -> str:  # type: ignore[override]
        if self.status.serving is None:
            self.prepare()
        return model_id_for(self.version.id, self.status.serving or TORCH)

    @model_id.setter
    def model_id(self, value: str) -> None:
        pass  # derived from the serving backend; LazyEncoder's assignment is ignored

    def prepare(self, progress: Progress | None = None) -> BackendStatus:
        """Do the slow first-use steps now, reporting progress: auto's check (once per
        model version) and the export of the serving backend. Loads no model when the
        decision and the export already exist. Returns what serves."""
        with self._lock:
            if self.status.serving is None:
                self._decide(progress)
            backend = self.status.serving or TORCH
            if backend != TORCH and self._encoder is None and self._preloaded is None:
                try:
                    ensure_export(self.version, backend, self.data_dir, progress)
                except Exception as err:
                    self._fall_back(str(err)[:500])
        return self.status

    def _decide(self, progress: Progress | None = None) -> None:
        try:
            decision, loaded = check_backends(self.version, self.data_dir, progress=progress)
        except Exception as err:
            self._fall_back(f"auto could not check faster backends: {err}")
            return
        if self.store is not None:
            save_decision(self.store, decision)
        self.status.serving, self.status.decision = decision.chosen, decision
        self._preloaded = loaded.get(decision.chosen)
        if decision.chosen == TORCH and decision.failures:
            self.status.fallback = "; ".join(c.summary() for c in decision.failures)
        logger.info("auto backend for %s: %s", self.version.id, decision.chosen)

    def _fall_back(self, reason: str) -> None:
        logger.warning("serving %s with torch: %s", self.version.id, reason)
        self.status.serving, self.status.fallback = TORCH, reason

    def _load(self) -> Encoder:
        # Runs under LazyEncoder's lock, so it never calls prepare().
        if self.status.serving is None:
            self._decide()
        if self._preloaded is not None:
            encoder, self._preloaded = self._preloaded, None
            return encoder
        backend = self.status.serving or TORCH
        if backend != TORCH:
            try:
                return load_backend(self.version, backend, self.data_dir)
            except Exception as err:
                self._fall_back(str(err)[:500])
        return load_backend(self.version, TORCH, self.data_dir)


def serving_encoder(version: ModelVersion, backend: str, data_dir: Path,
                    store: Store | None = None) -> ServingEncoder:
    """The encoder to serve ``version`` with; nothing is loaded until it is needed."""
    return ServingEncoder(version, backend, data_dir, store)


def describe(encoder: Encoder) -> BackendStatus | None:
    """The backend status of an encoder, where it has one (the UI's sidebar line)."""
    status = getattr(encoder, "status", None)
    return status if isinstance(status, BackendStatus) else None

