"""The remaining speed levers of issue 14, each as a throughput ratio to torch fp32 measured
in one process, with the acceptance figures of every lever that changes vectors.

Levers (all on resume-length text: the 256-token windows of the sample resumes in
``assets/`` and of ``--livecareer`` LiveCareer dev resumes, ~800 words, 3-4 windows each):

1. ONNX Runtime graph optimisation levels (``GraphOptimizationLevel``: disable all, basic,
   extended, all) on the fp32 ONNX export; the product passes no level, i.e. ORT's default
   (all).
2. Thread settings: intra-op threads 1 against 2 (every core here) for torch
   (``torch.set_num_threads``), ONNX Runtime (``intra_op_num_threads``) and OpenVINO int8
   (``INFERENCE_NUM_THREADS``).
3. Sequence-length bucketing: windows batched in input order against sorted by length
   before batching, batch sizes 8 and 32. ``SentenceTransformerEncoder.encode`` (the
   baseline, ``torch``) already sorts by characters in groups of 4 batches and
   sentence-transformers sorts again inside each call; "input order" here calls the model
   once per batch of windows as they come; "token-sorted" sorts by token count first.
4. OpenVINO's own int8 options, beside the shipped static int8 (NNCF, mixed preset,
   transformer model type, 128 local calibration samples, ``_quantize_openvino_static``):
   weight-only int8 (``nncf.compress_weights``, INT8_ASYM: no calibration, seconds), and
   static int8 with the symmetric "performance" preset (``nncf.quantize`` directly, same
   128 samples), exported in a subprocess and skipped when that takes more than
   ``--static-timeout`` seconds (300). More calibration samples are not tried: the shipped
   text gives 128 (``backends.CALIBRATION_SAMPLES``), gains flattened from 48 to 128
   (mean cosine 0.9957 -> 0.9964), and the export time grows with the samples (the shipped
   export already takes ~4 minutes).
5. Skipping windows that are pure boilerplate: a window all of whose non-blank lines are
   contact details (emails, phone numbers, URLs: ``redaction.leak_counts``; "City, ST"
   lines), "references available on request" lines or bare section headings. Counted over
   ``--count-resumes`` LiveCareer dev resumes and the samples; simulated by dropping those
   windows before scoring (their passages then fall back to whole-document context).

Method: every variant encodes the same windows, in ``--slices`` slices; each slice is
taken by every variant in turn (rotating who goes first) ``--repeats`` times, keeping the
best time per (variant, slice), so all variants see the same load from other processes.
``vs_torch`` is the median over slices of torch fp32's time / the variant's time (torch:
the product's encoder, batch 8, 2 threads). Nothing here trusts absolute times.
``max_abs_diff``: largest element change of the unit window vectors against the variant's
reference (torch fp32 for torch variants and int8, ONNX at the default level for ONNX
variants). ``fit_mae`` / ``evidence_agreement`` / ``passes``: ``acceptance.ProductJudge``
(the product's ``score_pool`` with passages and requirement evidence) on the same sample
and LiveCareer resumes x the sample jobs, against torch fp32 (thresholds: 2 points, 98%);
given for every lever whose vectors change by more than float error.

Run: ``RESUMATCH_DATA_DIR=/path/to/data OMP_WAIT_POLICY=PASSIVE python bench/levers.py``
(reuses the exports under ``<data dir>/models/exports``, exporting what is missing; the
extra OpenVINO variants go to ``--work-dir``). The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

import numpy as np  # noqa: E402

from resumatch.embed import backends  # noqa: E402
from resumatch.embed.embedding import (  # noqa: E402
    DEFAULT_CHUNKING,
    Embedder,
    SentenceTransformerEncoder,
    base_model_path,
)
from resumatch.embed.registry import ModelVersion  # noqa: E402
from resumatch.ingest.documents import Document  # noqa: E402
from resumatch.ingest.redaction import leak_counts  # noqa: E402
from resumatch.rank import acceptance  # noqa: E402
from resumatch.rank.evidence import PassageIndex  # noqa: E402
from resumatch.rank.scoring import score_pool  # noqa: E402

QUIET_LOGGERS = ("sentence_transformers", "nncf", "optimum", "transformers", "datasets",
                 "root", "onnxruntime", "openvino")
ORT_LEVELS = ("disable_all", "basic", "extended", "all")
FLOAT_ERROR = 1e-4  # max |change| of a unit vector element that is rounding, not a change

Encode = Callable[[Sequence[str]], np.ndarray]


# -- texts -------------------------------------------------------------------------------

def load_documents(n_livecareer: int) -> tuple[list[Document], list[Document]]:
    """(resumes, jobs): the sample resumes read as uploads, plus the first ``n_livecareer``
    LiveCareer dev resumes by id (if the shared data is there); the sample jobs."""
    resumes, jobs = acceptance.check_documents()
    return resumes + livecareer(n_livecareer), jobs


def livecareer(n: int) -> list[Document]:
    path = DATA / "livecareer_dev.csv"
    if n <= 0 or not path.exists():
        return []
    import pandas as pd

    frame = pd.read_csv(path).sort_values("id").head(n)
    return [Document(f"{row.category}_{row.id}", str(row.text)) for row in frame.itertuples()]


def windows_of(encoder: SentenceTransformerEncoder, docs: Sequence[Document],
               ) -> list[str]:
    embedder = Embedder(encoder, None, DEFAULT_CHUNKING)
    return [d.text[a:b] for d in docs for a, b in embedder.split(d.text)]


# -- variants ----------------------------------------------------------------------------

def torch_threads(encode: Encode, threads: int) -> Encode:
    """``encode`` run with ``threads`` torch intra-op threads (restored after)."""
    import torch

    def run(texts: Sequence[str]) -> np.ndarray:
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return encode(texts)
        finally:
            torch.set_num_threads(before)

    return run


def with_batch(encoder: SentenceTransformerEncoder, batch_size: int) -> Encode:
    """The product's encode (char-length sorted) at another batch size."""
    other = copy.copy(encoder)
    other.batch_size = batch_size
    return other.encode


def batched(encoder: SentenceTransformerEncoder, batch_size: int,
            key: Callable[[str], int] | None) -> Encode:
    """One model call per ``batch_size`` windows, in input order (``key`` None) or sorted
    by ``key`` (longest first) before batching; vectors come back in input order."""
    def run(texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        order = list(range(len(texts)))
        if key is not None:
            order.sort(key=lambda i: -key(texts[i]))
        out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            out[idx] = encoder.model.encode([texts[i] for i in idx], batch_size=batch_size,
                                            normalize_embeddings=True, convert_to_numpy=True,
                                            show_progress_bar=False)
        return out

    return run


def token_count(encoder: SentenceTransformerEncoder) -> Callable[[str], int]:
    def count(text: str) -> int:
        return len(encoder.tokenizer(text, truncation=True, max_length=encoder.max_tokens,
                                     verbose=False)["input_ids"])
    return count


def onnx_encoder(directory: Path, file_name: str, level: str = "all",
                 threads: int | None = None) -> SentenceTransformerEncoder:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or backends.cpu_cores()
    options.graph_optimization_level = {
        "disable_all": onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL}[level]
    return SentenceTransformerEncoder(
        directory, f"levers-onnx-{level}-{threads}", backend="onnx",
        model_kwargs={"file_name": file_name, "provider": "CPUExecutionProvider",
                      "session_options": options})


def openvino_encoder(directory: Path, file_name: str, threads: int | None = None,
                     ) -> SentenceTransformerEncoder:
    config = {"INFERENCE_NUM_THREADS": threads or backends.cpu_cores(),
              "PERFORMANCE_HINT": "LATENCY"}
    return SentenceTransformerEncoder(directory, f"levers-ov-{file_name}-{threads}",
                                      backend="openvino",
                                      model_kwargs={"file_name": file_name,
                                                    "ov_config": config})


def _copy_model_dir(source: Path, out: Path) -> None:
    shutil.copytree(source, out, ignore=shutil.ignore_patterns(
        backends.MANIFEST, "openvino_model*.xml", "openvino_model*.bin", "model_cache"))


def export_weight_only(fp32_dir: Path, out: Path) -> tuple[str, float]:
    """Weight-only int8 (INT8_ASYM) of the OpenVINO fp32 export; (file name, seconds)."""
    name = "openvino/openvino_model_wint8.xml"
    if (out / name).exists():
        return name, 0.0
    import nncf
    import openvino

    started = time.perf_counter()
    scratch = out.with_name(out.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    _copy_model_dir(fp32_dir, scratch)
    model = openvino.Core().read_model(str(fp32_dir / backends.FP32_FILES["openvino"]))
    compressed = nncf.compress_weights(model, mode=nncf.CompressWeightsMode.INT8_ASYM)
    openvino.save_model(compressed, str(scratch / name))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(scratch, out)
    return name, time.perf_counter() - started


STATIC_SYM = "openvino/openvino_model_qint8_sym.xml"


def export_static_sym(fp32_dir: Path, out: Path) -> None:
    """Static int8, symmetric "performance" preset, transformer model type, on the shipped
    calibration text (run in a subprocess by :func:`static_sym`)."""
    import nncf
    import openvino
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(fp32_dir), local_files_only=True)
    texts = backends.calibration_texts(tokenizer, 256)
    model = openvino.Core().read_model(str(fp32_dir / backends.FP32_FILES["openvino"]))
    inputs = {i.get_any_name() for i in model.inputs}
    items = []
    for text in texts:
        tokens = tokenizer(text, truncation=True, max_length=256, return_tensors="np")
        items.append({k: v for k, v in tokens.items() if k in inputs})
    quantized = nncf.quantize(model, nncf.Dataset(items),
                              preset=nncf.QuantizationPreset.PERFORMANCE,
                              model_type=nncf.ModelType.TRANSFORMER, subset_size=len(items))
    scratch = out.with_name(out.name + ".tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    _copy_model_dir(fp32_dir, scratch)
    openvino.save_model(quantized, str(scratch / STATIC_SYM))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(scratch, out)


def static_sym(fp32_dir: Path, out: Path, timeout: float) -> tuple[bool, str]:
    """Export :func:`export_static_sym` in a subprocess unless it exists; (ready, note)."""
    if (out / STATIC_SYM).exists():
        return True, "export reused"
    started = time.perf_counter()
    try:
        subprocess.run([sys.executable, __file__, "--export-static-sym", str(fp32_dir),
                        str(out)], check=True, timeout=timeout, capture_output=True)
    except subprocess.TimeoutExpired:
        return False, f"skipped: the export took more than {timeout:.0f}s"
    except subprocess.CalledProcessError as err:
        return False, f"export failed: {err.stderr.decode(errors='replace')[-300:]}"
    return True, f"exported in {time.perf_counter() - started:.0f}s"


# -- boilerplate windows -----------------------------------------------------------------

_REFERENCES = re.compile(r"^\W*references?\b.{0,40}\b(?:available|upon|on request|provided)"
                         r"|^\W*references?\W*$", re.IGNORECASE)
_CITY_STATE = re.compile(r"^[A-Z][\w .'-]{1,40},\s*(?:[A-Z]{2}|[A-Z][a-z]+)\b[\s\d-]*$")
_HEADING = re.compile(r"^\W*[A-Za-z][A-Za-z &/]{1,40}:?\W*$")


def boilerplate_line(line: str) -> bool:
    """Contact details, a references line, or a bare heading ("CONTACT", "References")."""
    text = line.strip()
    if not text:
        return True
    if _REFERENCES.search(text) or _CITY_STATE.match(text):
        return True
    if any(leak_counts(text).values()):
        rest = re.sub(r"\S*@\S+|\+?\d[\d ()./-]{6,}\d|https?://\S+|www\.\S+|[|,;·•]", " ",
                      text)
        return len(rest.split()) <= 4  # the line is (nearly) only contact details
    return bool(_HEADING.match(text)) and len(text.split()) <= 3 and text.upper() == text


def boilerplate_window(text: str) -> bool:
    """A window to skip: every non-blank line is boilerplate and at least one is contact
    details or a references line (a heading alone is not enough)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not all(boilerplate_line(line) for line in lines):
        return False
    return any(not _HEADING.match(line.strip()) or _REFERENCES.search(line)
               for line in lines)


class SkippingEmbedder(Embedder):
    """The product's embedder without its pure-boilerplate windows (one is always kept)."""

    def split(self, text: str) -> list[tuple[int, int]]:
        spans = super().split(text)
        kept = [(a, b) for a, b in spans if not boilerplate_window(text[a:b])]
        return kept or spans[:1]


def skipping_pool(encoder, resumes, jobs):  # noqa: ANN001, ANN201
    """``acceptance.product_pool`` with :class:`SkippingEmbedder`."""
    embedder = SkippingEmbedder(encoder, None, DEFAULT_CHUNKING)
    index = PassageIndex(encoder, None, embedder)
    return score_pool(embedder.embed(list(resumes), passages=True),
                      embedder.embed(list(jobs)), index=index)


def count_boilerplate(encoder: SentenceTransformerEncoder, docs: Sequence[Document],
                      ) -> dict[str, float]:
    """Windows that :func:`boilerplate_window` would skip, and (an upper bound for cutting
    boilerplate lines instead of windows) the share of tokens in contact/references lines."""
    embedder = Embedder(encoder, None, DEFAULT_CHUNKING)
    windows = skipped = docs_hit = tokens = boiler_tokens = 0
    for doc in docs:
        spans = embedder.split(doc.text)
        hit = sum(boilerplate_window(doc.text[a:b]) for a, b in spans)
        windows, skipped, docs_hit = windows + len(spans), skipped + hit, docs_hit + bool(hit)
        tokens += len(encoder.token_offsets(doc.text))
        boiler_tokens += sum(len(encoder.token_offsets(line)) for line in doc.text.splitlines()
                             if line.strip() and boilerplate_line(line)
                             and not _HEADING.match(line.strip()))
    return {"resumes": len(docs), "windows": windows, "skipped": skipped,
            "skipped_share": round(skipped / max(windows, 1), 4), "resumes_hit": docs_hit,
            "boilerplate_line_token_share": round(boiler_tokens / max(tokens, 1), 4)}


# -- timing ------------------------------------------------------------------------------

def interleaved(variants: dict[str, Encode], texts: list[str], slices: int, repeats: int,
                ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(best seconds per slice, vectors of all texts) for every variant, taken in turn."""
    parts = [list(p) for p in np.array_split(np.array(texts, dtype=object), slices) if len(p)]
    names = list(variants)
    best = {n: np.full(len(parts), np.inf) for n in names}
    vectors: dict[str, list[np.ndarray | None]] = {n: [None] * len(parts) for n in names}
    turn_no = 0
    for round_no in range(repeats):
        for index, part in enumerate(parts):
            turn = names[turn_no % len(names):] + names[:turn_no % len(names)]
            turn_no += 1
            for name in turn:
                started = time.perf_counter()
                found = variants[name](part)
                best[name][index] = min(best[name][index], time.perf_counter() - started)
                vectors[name][index] = found
        print(f"  round {round_no + 1}/{repeats}: "
              + ", ".join(f"{n} {len(texts) / best[n].sum():.1f}" for n in names)
              + " chunks/s", flush=True)
    return best, {n: np.concatenate(v) for n, v in vectors.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get(
        "RESUMATCH_DATA_DIR", Path(tempfile.gettempdir()) / "resumatch-bench")),
        help="data dir whose models/exports are reused (RESUMATCH_DATA_DIR)")
    parser.add_argument("--work-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "resumatch-levers",
                        help="where the extra OpenVINO int8 variants are exported (reused)")
    parser.add_argument("--livecareer", type=int, default=6,
                        help="LiveCareer dev resumes timed and judged besides the samples")
    parser.add_argument("--count-resumes", type=int, default=300,
                        help="LiveCareer dev resumes whose boilerplate windows are counted")
    parser.add_argument("--slices", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--static-timeout", type=float, default=300.0)
    parser.add_argument("--export-static-sym", nargs=2, type=Path, metavar=("FP32", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if args.export_static_sym:
        export_static_sym(*args.export_static_sym)
        return 0

    models = args.data_dir / "models"
    version = ModelVersion(id="base", path=base_model_path(), created=0.0)
    resumes, jobs = load_documents(args.livecareer)
    print(f"{len(resumes)} resumes x {len(jobs)} jobs; {backends.cpu_label()}; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)

    torch_enc = backends.load_backend(version, "torch", models)
    onnx_dir = backends.ensure_export(version, "onnx", models)
    onnx_file = backends.FP32_FILES["onnx"]
    ov_dir = backends.ensure_export(version, "openvino", models)
    ov8_dir = backends.ensure_export(version, "openvino-int8", models)
    ov8_file = (backends.read_manifest(ov8_dir) or {})["file_name"]
    wint8_file, wint8_s = export_weight_only(ov_dir, args.work_dir / "openvino-wint8")
    sym_ready, sym_note = static_sym(ov_dir, args.work_dir / "openvino-int8-sym",
                                     args.static_timeout)
    print(f"weight-only int8 {'reused' if not wint8_s else f'exported in {wint8_s:.0f}s'}; "
          f"static int8 sym: {sym_note}", flush=True)

    encoders = {
        **{f"onnx-{level}": onnx_encoder(onnx_dir, onnx_file, level)
           for level in ORT_LEVELS},
        "onnx-all-1t": onnx_encoder(onnx_dir, onnx_file, "all", threads=1),
        "openvino": openvino_encoder(ov_dir, backends.FP32_FILES["openvino"]),
        "openvino-int8": openvino_encoder(ov8_dir, ov8_file),
        "openvino-int8-1t": openvino_encoder(ov8_dir, ov8_file, threads=1),
        "openvino-wint8": openvino_encoder(args.work_dir / "openvino-wint8", wint8_file),
    }
    if sym_ready:
        encoders["openvino-int8-sym"] = openvino_encoder(args.work_dir / "openvino-int8-sym",
                                                         STATIC_SYM)
    tokens = token_count(torch_enc)
    two = backends.cpu_cores()
    variants: dict[str, Encode] = {
        "torch": torch_threads(torch_enc.encode, two),
        "torch-1t": torch_threads(torch_enc.encode, 1),
        "torch-b32": torch_threads(with_batch(torch_enc, 32), two),
        "torch-input-b8": torch_threads(batched(torch_enc, 8, None), two),
        "torch-input-b32": torch_threads(batched(torch_enc, 32, None), two),
        "torch-tokensort-b8": torch_threads(batched(torch_enc, 8, tokens), two),
        "torch-tokensort-b32": torch_threads(batched(torch_enc, 32, tokens), two),
        **{name: enc.encode for name, enc in encoders.items()},
        "onnx-input-b8": batched(encoders["onnx-all"], 8, None),
        "onnx-tokensort-b8": batched(encoders["onnx-all"], 8, tokens),
    }
    reference_of = {name: ("onnx-all" if name.startswith("onnx") and name != "onnx-all"
                           else "torch") for name in variants}
    texts = windows_of(torch_enc, resumes)
    for run in variants.values():  # warm-up: first inferences compile and allocate
        run(texts[:8])
    print(f"timing {len(variants)} variants on {len(texts)} windows: {args.slices} slices, "
          f"best of {args.repeats}, taken in turn", flush=True)
    seconds, vectors = interleaved(variants, texts, args.slices, args.repeats)

    # Acceptance: product scoring of the same resumes x the sample jobs against torch fp32.
    judge = acceptance.ProductJudge(resumes, jobs)
    judged = {"torch": torch_enc, **encoders}
    rows: dict[str, dict] = {}
    for name in variants:
        diff = float(np.abs(vectors[name] - vectors[reference_of[name]]).max())
        rows[name] = {
            "vs_torch": round(float(np.median(seconds["torch"] / seconds[name])), 3),
            "chunks_s": round(len(texts) / float(seconds[name].sum()), 2),
            "max_abs_diff": float(f"{diff:.2e}"),
            "vs": reference_of[name]}
        if name in judged and name != "torch":
            verdict = judge(torch_enc, judged[name])
            rows[name].update(fit_mae=round(verdict.fit_mae, 3),
                              evidence_agreement=round(verdict.evidence_agreement, 4),
                              passes=bool(verdict.passed))
        elif diff <= FLOAT_ERROR:
            rows[name].update(passes=True)  # same vectors within float error

    # 5. boilerplate windows: counted on many resumes, judged on the timed ones.
    counted = count_boilerplate(torch_enc, acceptance.check_documents()[0]
                                + livecareer(args.count_resumes))
    reference = acceptance.product_pool(torch_enc, resumes, jobs)
    skipping = skipping_pool(torch_enc, resumes, jobs)
    skip_verdict = acceptance.Acceptance(
        round(acceptance.fit_mae(reference, skipping), 3),
        round(acceptance.evidence_agreement(reference, skipping), 4))
    timed_skipped = sum(boilerplate_window(t) for t in texts)
    boilerplate = {**counted, "timed_windows_skipped": timed_skipped,
                   "speedup_upper_bound": round(len(texts) / max(len(texts) - timed_skipped, 1),
                                                3),
                   "fit_mae": skip_verdict.fit_mae,
                   "evidence_agreement": skip_verdict.evidence_agreement,
                   "passes": skip_verdict.passed}

    print(f"\nlevers: {len(texts)} windows of {len(resumes)} resumes; vs_torch = median over "
          f"{args.slices} slices of torch time / variant time (best of {args.repeats}); "
          f"fit/evidence: ProductJudge on {len(resumes)} resumes x {len(jobs)} jobs")
    print(f"{'variant':<22}{'vs_torch':>9}{'chunks/s':>10}{'max|dv|':>10} {'vs':<9}"
          f"{'fit MAE':>8}{'evidence':>9}  passes")
    for name, row in rows.items():
        fit = "" if "fit_mae" not in row else f"{row['fit_mae']:.3f}"
        ev = "" if "evidence_agreement" not in row else f"{row['evidence_agreement']:.4f}"
        print(f"{name:<22}{row['vs_torch']:>9.3f}{row['chunks_s']:>10.2f}"
              f"{row['max_abs_diff']:>10.1e} {row['vs']:<9}{fit:>8}{ev:>9}  "
              f"{row.get('passes', '')}")
    print(f"\nboilerplate windows: {counted['skipped']} of {counted['windows']} windows "
          f"({100 * counted['skipped_share']:.2f}%) in {counted['resumes_hit']} of "
          f"{counted['resumes']} resumes; timed set {timed_skipped} of {len(texts)}; "
          f"dropping them: fit MAE {skip_verdict.fit_mae:.3f}, evidence agreement "
          f"{skip_verdict.evidence_agreement:.4f}; contact/references lines hold "
          f"{100 * counted['boilerplate_line_token_share']:.2f}% of all tokens")
    summary = {"windows": len(texts), "resumes": len(resumes), "jobs": len(jobs),
               "load_average": round(os.getloadavg()[0], 1),
               "static_int8_sym": sym_note, "levers": rows, "boilerplate": boilerplate}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
