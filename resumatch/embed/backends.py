"""Encoder backends: torch fp32, ONNX Runtime (fp32, dynamic int8) and OpenVINO (fp32,
static int8), exported once per model version, checked against torch, with torch as the
fallback.

Exports live in ``<root>/exports/<model version id>/<backend>/`` as complete
sentence-transformers model directories, written the first time a version is used on a
backend and reused after (a fine-tuned version gets its own). ``auto`` (the default
backend) exports every candidate once per model version, checks each against torch fp32 on
the sample resumes and jobs that ship in ``assets/``, times it, and serves the fastest one
that passed. The check judges what users see (issue 14, :mod:`resumatch.rank.acceptance`,
given as ``judge``): the mean change of the 0-100 fit and the agreement of the requirement
evidence, plus a cosine sanity bar that catches a broken export. The decision is kept in
the store's ``settings`` table, so later processes neither export nor check again. Any
export or load error falls back to torch: logged, and exposed in ``ServingEncoder.status``
for the UI. With ``background=True`` the first use does not wait: torch serves while a
thread exports, calibrates and checks, and the encoder switches when the decision is made.

The app passes the models directory as the root (``Settings.exports_dir``): every app
server reads the same exports, beside the weights they come from.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import json
import logging
import os
import platform
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
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
# skipped on the assumption that int8 always wins. Only recipes that met issue 14's nDCG
# bar on the dev harness are candidates (auto's own check cannot measure nDCG: the
# harness data is not shipped). openvino-int8 (static, every MatMul) is not: it changed
# nDCG@10 by 0.013 on the harness subset of bench/throughput.py, was slower than torch on
# 2 avx2 cores (0.82x) and takes minutes to export; it stays available by name.
AUTO_CANDIDATES = ("openvino", "onnx-int8", "onnx")
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
# What auto requires of a backend on the check set, against torch fp32. With a judge (the
# product's, resumatch.rank.acceptance.ProductJudge): issue 14's fit and evidence criteria,
# and a mean chunk cosine of at least MIN_MEAN_COSINE, a sanity bar only: int8 gives
# 0.986-0.998 (ONNX dynamic, OpenVINO static), a broken or mismatched export far less.
# Without a judge (the rule before issue 14): cosine at least STRICT_MEAN_COSINE and top-5
# agreement at least MIN_TOP_AGREEMENT, which int8 never passes (exact top-10 identity
# measures near-tie noise in a big pool, not harm; see issue 14).
MIN_MEAN_COSINE = 0.98
STRICT_MEAN_COSINE = 0.9995
MIN_TOP_AGREEMENT = 0.95
# Decisions made under other criteria are checked again (auto's rules changed in issue 14).
CRITERIA = ("issue-14: fit MAE <= 2, evidence agreement >= 0.98, cosine >= 0.98; "
            "candidates openvino, onnx-int8 (ffn-dynamic), onnx")
CHECK_TOP_K = 5
TIE_MARGIN = 0.001  # cosine; swaps closer than this are ties (see top_k_agreement)
MANIFEST = "export.json"
FP32_FILES = {"onnx": "onnx/model.onnx", "openvino": "openvino/openvino_model.xml"}
# How each backend's export is made; an export whose manifest names another recipe (or
# none: made before recipes were recorded) is made again on first use.
# onnx-int8 "ffn-dynamic": dynamic int8 of the feed-forward MatMuls only (FFN_NODE_PARTS).
# On the whole dev harness of bench/quality.py (101 + 472 resumes, 3 query styles each)
# against torch fp32, quantizing every MatMul (sentence-transformers' default, the recipe
# before) changed nDCG@10 by up to 0.016 (livecareer/formal), the feed-forward ones only
# by at most 0.0048 (issue 14's bar: 0.005), at the same speed (1.41x torch both, quiet
# 2-core avx2 machine): the attention products, which gain little from int8 here, were
# most of the error. Measured with bench/throughput.py (section 6).
EXPORT_RECIPES = {"onnx-int8": "ffn-dynamic"}
FFN_NODE_PARTS = ("/intermediate/dense/", "/output/dense/")  # not /attention/output/dense/
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
    if _current(read_manifest(target), backend):
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
        if backend in EXPORT_RECIPES:
            manifest["recipe"] = EXPORT_RECIPES[backend]
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if not _current(read_manifest(target), backend):
            shutil.rmtree(target, ignore_errors=True)  # an incomplete or outdated leftover
            os.replace(scratch, target)
    except Exception as err:
        raise BackendError(f"exporting {version.id} to {backend} failed: {err}") from err
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    logger.info("exported %s to %s in %.0fs", version.id, backend, manifest["seconds"])
    return target


def _current(manifest: dict[str, Any] | None, backend: str) -> bool:
    """Whether an export's manifest says it is complete and made the current way."""
    return manifest is not None and manifest.get("recipe") == EXPORT_RECIPES.get(backend)


def matmul_nodes(onnx_file: Path) -> list[str]:
    """Names of every MatMul node of an ONNX graph, in graph order (weights not loaded)."""
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    return [n.name for n in graph.node if n.op_type == "MatMul"]


def feed_forward_nodes(onnx_file: Path) -> list[str]:
    """Names of the feed-forward MatMul nodes of a BERT-style ONNX graph (both dense
    layers of every encoder layer), the ones the ``onnx-int8`` recipe quantizes.

    Raises:
        BackendError: none found (another architecture: no int8 recipe for it).
    """
    nodes = [name for name in matmul_nodes(onnx_file)
             if any(part in name for part in FFN_NODE_PARTS) and "/attention/" not in name]
    if not nodes:
        raise BackendError(f"{onnx_file.name}: no feed-forward MatMul nodes to quantize")
    return nodes


def _export(version: ModelVersion, backend: str, data_dir: Path, out: Path,
            progress: Progress | None) -> dict[str, Any]:
    """Write a sentence-transformers model directory for ``backend`` into ``out``; an
    int8 backend quantizes the fp32 export of the same engine (exported first if needed)."""
    with MODEL_LOAD_LOCK:
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
        with MODEL_LOAD_LOCK:
            from optimum.onnxruntime.configuration import AutoQuantizationConfig
            from sentence_transformers import export_dynamic_quantized_onnx_model

        target = quantization_target()
        nodes = feed_forward_nodes(source / FP32_FILES[engine])
        config = getattr(AutoQuantizationConfig, target)(is_static=False,
                                                         nodes_to_quantize=nodes)
        export_dynamic_quantized_onnx_model(model, config, str(out),
                                            file_suffix=f"qint8_{target}_ffn")
        [quantized] = sorted((out / "onnx").glob("model_*.onnx"))
        return {"file_name": f"onnx/{quantized.name}", "quantization": target,
                "quantized_nodes": len(nodes)}
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
    with MODEL_LOAD_LOCK:
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
    fit_mae: float | None = None  # fit points (0-100), mean over sample pairs
    evidence_agreement: float | None = None  # share of requirement cells that agree

    def summary(self) -> str:
        if self.error:
            return f"{self.backend}: failed ({self.error})"
        judged = ("" if self.fit_mae is None else
                  f"fit MAE {self.fit_mae:.2f} pts, evidence agreement "
                  f"{100 * (self.evidence_agreement or 0):.1f}%, ")
        return (f"{self.backend}: {judged}cosine {self.mean_cosine:.4f} "
                f"(min {self.min_cosine:.4f}), top-{CHECK_TOP_K} agreement "
                f"{self.top_agreement:.2f} (exact {self.exact_top_agreement:.2f}), "
                f"{self.chunks_per_s:.1f} chunks/s" + ("" if self.passed else ", rejected"))


@dataclass
class BackendDecision:
    """What ``auto`` chose for one model version, and the checks behind the choice."""

    version_id: str
    chosen: str
    checks: list[BackendCheck] = field(default_factory=list)
    cpu: str = ""
    created: float = 0.0
    criteria: str = CRITERIA

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> BackendDecision:
        data = json.loads(raw)
        data["checks"] = [BackendCheck(**c) for c in data.get("checks", [])]
        data.setdefault("criteria", "")  # made before issue 14: check again
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


def timed_in_turn(encoders: Mapping[str, Encoder], texts: Sequence[str], rounds: int = 3,
                  ) -> dict[str, float]:
    """Chunks per second of each encoder on ``texts``, best of ``rounds``, timed in turn.

    Each round encodes ``texts`` once with every encoder, one after the other, so load
    that comes and goes on a busy machine slows every backend alike. Timing each backend
    once, minutes apart (while it is checked), let a busy spell crown a slower backend
    (issue 14: auto chose onnx at 0.87x torch under load). Returns {name: chunks/s}."""
    texts = list(texts)
    for encoder in encoders.values():
        encoder.encode(texts[:4])  # the first inference compiles (OpenVINO) and allocates
    best = dict.fromkeys(encoders, float("inf"))
    for _ in range(rounds):
        for name, encoder in encoders.items():
            started = time.perf_counter()
            encoder.encode(texts)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: len(texts) / max(seconds, 1e-9) for name, seconds in best.items()}


def timing_texts(encoder: Encoder, documents: Sequence[Document], limit: int = 16,
                 ) -> list[str]:
    """Token windows of the sample documents, longest first: what the product mostly
    encodes (the check set's short pair texts would time per-call overhead instead)."""
    embedder = Embedder(encoder, None, Chunking())
    windows = [d.text[a:b] for d in documents for a, b in embedder.split(d.text)]
    return sorted(windows, key=len, reverse=True)[:limit]


# judge(reference encoder, candidate encoder) -> an object with ``passed``, ``fit_mae`` and
# ``evidence_agreement`` (resumatch.rank.acceptance.ProductJudge; injected from above so
# this layer does not import the ranking).
Judge = Callable[[Encoder, Encoder], Any]


def compare_to_reference(backend: str, encoder: Encoder,
                         reference: tuple[list[DocEmbedding], list[DocEmbedding]],
                         candidates: Sequence[Document], queries: Sequence[Document],
                         timing: Sequence[str], judge: Judge | None = None,
                         reference_encoder: Encoder | None = None) -> BackendCheck:
    """Embed the check set with ``encoder``, compare with torch's vectors, and time it.

    With ``judge`` and ``reference_encoder`` (torch), the backend passes on the judge's
    verdict (issue 14's fit and evidence criteria) and a mean cosine of at least
    ``MIN_MEAN_COSINE``; without, on ``STRICT_MEAN_COSINE`` and top-5 agreement."""
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
    fit_change = evidence = None
    if judge is not None and reference_encoder is not None:
        verdict = judge(reference_encoder, encoder)
        fit_change, evidence = verdict.fit_mae, verdict.evidence_agreement
        passed = bool(verdict.passed) and mean_cos >= MIN_MEAN_COSINE
    else:
        passed = mean_cos >= STRICT_MEAN_COSINE and agreement >= MIN_TOP_AGREEMENT
    return BackendCheck(
        backend, passed=passed,
        mean_cosine=round(mean_cos, 5), min_cosine=round(float(cosines.min()), 5),
        top_agreement=round(agreement, 4),
        exact_top_agreement=round(top_k_agreement(ref_scores, our_scores, CHECK_TOP_K), 4),
        chunks_per_s=round(chunks_per_second(encoder, timing), 2),
        fit_mae=fit_change, evidence_agreement=evidence)


def check_backends(version: ModelVersion, data_dir: Path,
                   candidates: Sequence[str] = AUTO_CANDIDATES,
                   progress: Progress | None = None, judge: Judge | None = None,
                   ) -> tuple[BackendDecision, dict[str, SentenceTransformerEncoder]]:
    """Export, check and time every candidate against torch fp32; choose the fastest
    that passed (torch when none did). Returns the decision and the chosen encoder.

    ``judge`` decides what passes (see :func:`compare_to_reference`). The speeds that
    decide are timed again side by side (:func:`timed_in_turn`). Progress is reported as
    (step, steps, note): one step per candidate, then one for the timing."""
    check_docs, check_queries = check_set()
    steps = len(candidates) + 2  # torch, each candidate, then the side-by-side timing
    if progress:
        progress(0, steps, f"checking faster encoders for model {version.id} (first use)")
    torch_encoder = load_backend(version, TORCH, data_dir)
    reference = embed_check_set(torch_encoder, check_docs, check_queries)
    timing = timing_texts(torch_encoder, check_docs)
    checks = [BackendCheck(TORCH, True, 1.0, 1.0, 1.0, 1.0,
                           round(chunks_per_second(torch_encoder, timing), 2),
                           **({} if judge is None else {"fit_mae": 0.0,
                                                        "evidence_agreement": 1.0}))]
    loaded: dict[str, SentenceTransformerEncoder] = {TORCH: torch_encoder}
    for step, backend in enumerate(candidates, start=1):
        if progress:
            progress(step, steps, f"preparing the {backend} encoder for model {version.id} "
                                  "(first use, once)")
        try:
            encoder = load_backend(version, backend, data_dir)
            check = compare_to_reference(backend, encoder, reference, check_docs,
                                         check_queries, timing, judge, torch_encoder)
        except Exception as err:  # any failure only rules this candidate out
            logger.warning("backend %s unavailable for %s: %s", backend, version.id, err)
            check = BackendCheck(backend, False, error=str(err)[:300])
        else:
            if check.passed:
                loaded[backend] = encoder
        logger.info("backend check %s", check.summary())
        checks.append(check)
    if len(loaded) > 1:  # time the backends that passed again, side by side
        if progress:
            progress(len(candidates) + 1, steps,
                     "timing the encoders that passed, side by side")
        rates = timed_in_turn(loaded, timing)
        checks = [replace(c, chunks_per_s=round(rates[c.backend], 2)) if c.backend in rates
                  else c for c in checks]
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
    if decision.cpu != cpu_label() or decision.criteria != CRITERIA:
        return None
    return decision


def preparation_running(data_dir: Path, version_id: str) -> bool:
    """Whether some process holds :func:`preparation_lock` for this version right now."""
    path = Path(data_dir) / "exports" / f".prepare-{version_id}.lock"
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextlib.contextmanager
def preparation_lock(data_dir: Path, version_id: str) -> Iterator[None]:
    """Held while one process prepares a model version (export, calibration, check): a
    second process or thread waits, then finds the stored decision instead of redoing it.

    An advisory ``flock`` on ``<data_dir>/exports/.prepare-<version>.lock`` (released by
    the kernel if the holder dies)."""
    export_dir(data_dir, version_id, TORCH)  # refuse ids that cannot name a file
    folder = Path(data_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".prepare-{version_id}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    preparing: bool = False  # auto's check runs in the background; torch serves meanwhile
    percent: int = 0  # of that preparation
    note: str = ""  # what the preparation is doing

    def label(self) -> str:
        """One line for the sidebar, e.g. ``openvino-int8 (auto)``.

        Example:
            >>> BackendStatus("onnx", "torch", fallback="broken file").label()
            'torch (fallback: onnx unavailable)'
            >>> BackendStatus("auto", "torch", preparing=True, percent=40).label()
            'torch (preparing a faster encoder… (40%))'
        """
        if self.preparing:
            return f"{self.serving or TORCH} (preparing a faster encoder… ({self.percent}%))"
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

    With ``background`` a callable and ``auto`` not yet decided, the callable is called
    once (it starts ``python -m resumatch prepare`` in its own process) and this encoder
    serves torch. With ``background=True`` and ``auto`` not yet decided, a daemon thread
    starts at once and does the export, calibration and check (:meth:`prepare`), while
    torch serves; ``status`` reports its progress; when it ends the encoder switches to
    the chosen backend (or stays on torch with the reason in ``status.fallback``). A caller
    that must not see the switch halfway (a ranking) pins the encoder with :meth:`current`.

    Example:
        >>> encoder = ServingEncoder(version, "auto", data_dir, store)  # doctest: +SKIP
        >>> encoder.encode(["Data engineer"]).shape, encoder.status.label()  # doctest: +SKIP
        ((1, 384), 'openvino-int8 (auto)')
    """

    def __init__(self, version: ModelVersion, backend: str, data_dir: Path,
                 store: Store | None = None, judge: Judge | None = None,
                 background: bool | Callable[[], object] = False) -> None:
        if backend != AUTO:
            engine_of(backend)  # refuse unknown names early
        self.version = version
        self.data_dir = Path(data_dir)
        self.store = store
        self.judge = judge
        self.status = BackendStatus(requested=backend)
        self._preloaded: SentenceTransformerEncoder | None = None
        self._thread: threading.Thread | None = None
        if backend == AUTO:
            decision = stored_decision(store, version.id) if store is not None else None
            if decision is not None:
                self.status.serving, self.status.decision = decision.chosen, decision
        else:
            self.status.serving = backend
        super().__init__(version.id, self._load)
        if background and self.status.serving is None:
            self.status.serving, self.status.preparing = TORCH, True
            if callable(background):  # another process prepares; this one stays on torch
                self.status.note = "a faster encoder is being prepared in another process"
                background()
                return
            self.status.note = "waiting to prepare a faster encoder"
            self._thread = threading.Thread(target=self._prepare_in_background, daemon=True,
                                            name=f"prepare-{version.id}")
            self._thread.start()

    @property
    def model_id(self) -> str:  # type: ignore[override]
        if self.status.serving is None:
            self.prepare()
        return model_id_for(self.version.id, self.status.serving or TORCH)

    @model_id.setter
    def model_id(self, value: str) -> None:
        pass  # derived from the serving backend; LazyEncoder's assignment is ignored

    def current(self) -> Encoder:
        """The backend serving now, pinned: its cache key and vectors stay the same for
        as long as the caller holds it, even if a background preparation switches this
        encoder meanwhile. Loads nothing until something must be encoded."""
        backend = self.status.serving if self.status.serving is not None else None
        if backend is None:
            return self  # auto decides on first use, in the caller's thread
        model_id = model_id_for(self.version.id, backend)

        def load() -> Encoder:
            if self.status.serving == backend:
                return self.loaded
            return load_backend(self.version, backend, self.data_dir)

        return LazyEncoder(model_id, load)

    def wait(self, timeout: float | None = None) -> BackendStatus:
        """Block until a background preparation has ended (or ``timeout`` seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status

    def prepare(self, progress: Progress | None = None) -> BackendStatus:
        """Do the slow first-use steps now, reporting progress: auto's check (once per
        model version) and the export of the serving backend. Loads no model when the
        decision and the export already exist. Returns what serves.

        While a background preparation runs this returns at once (torch serves)."""
        if self.status.preparing:
            return self.status
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

    def _prepare_in_background(self) -> None:
        def note(done: int, total: int, text: str) -> None:
            self.status.percent = min(99, round(100 * done / max(total, 1)))
            self.status.note = text

        try:
            with preparation_lock(self.data_dir, self.version.id):
                # Another process (``resumatch prepare``, a second app server) may have
                # decided while this thread waited for the lock.
                decision = (stored_decision(self.store, self.version.id)
                            if self.store is not None else None)
                loaded: dict[str, SentenceTransformerEncoder] = {}
                if decision is None:
                    decision, loaded = check_backends(self.version, self.data_dir,
                                                      progress=note, judge=self.judge)
                    if self.store is not None:
                        save_decision(self.store, decision)
                chosen = loaded.get(decision.chosen)
                if chosen is None and decision.chosen != TORCH:
                    chosen = load_backend(self.version, decision.chosen, self.data_dir)
        except Exception as err:  # the product keeps serving with torch
            logger.exception("preparing a faster encoder for %s failed", self.version.id)
            with self._lock:
                self._fall_back(f"preparing a faster encoder failed: {str(err)[:400]}")
                self.status.preparing = False
            return
        with self._lock:
            self.status.decision = decision
            if decision.chosen != TORCH:
                # Rankings in flight hold a pinned encoder (current()); new ones switch.
                self._encoder, self._preloaded = chosen, None
            if decision.chosen == TORCH and decision.failures:
                self.status.fallback = "; ".join(c.summary() for c in decision.failures)
            self.status.serving, self.status.percent = decision.chosen, 100
            self.status.preparing = False
        logger.info("auto backend for %s: %s (prepared in the background)", self.version.id,
                    decision.chosen)

    def _decide(self, progress: Progress | None = None) -> None:
        try:
            decision, loaded = check_backends(self.version, self.data_dir, progress=progress,
                                              judge=self.judge)
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
                    store: Store | None = None, judge: Judge | None = None,
                    background: bool | Callable[[], object] = False) -> ServingEncoder:
    """The encoder to serve ``version`` with; nothing is loaded until it is needed (see
    :class:`ServingEncoder` for ``judge`` and ``background``)."""
    return ServingEncoder(version, backend, data_dir, store, judge, background)


def describe(encoder: Encoder) -> BackendStatus | None:
    """The backend status of an encoder, where it has one (the UI's sidebar line)."""
    status = getattr(encoder, "status", None)
    return status if isinstance(status, BackendStatus) else None
