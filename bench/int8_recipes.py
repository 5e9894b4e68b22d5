"""ONNX int8 recipes against torch fp32, all in one process (issue 14, "go further where
quality allows").

Every recipe starts from the product's fp32 ONNX export of the base model and is made with
the libraries the product uses: optimum's ``ORTQuantizer`` with the dynamic preset for this
CPU (per channel, symmetric uint8 weights), ``ORTOptimizer`` for the fusions, and ONNX
Runtime's ``quantize_dynamic`` with the same settings after a fusion:

- ``all-matmul``: dynamic int8 of every MatMul, per channel (sentence-transformers'
  ``export_dynamic_quantized_onnx_model`` default; the product's ``onnx-int8`` before);
- ``ffn``: the feed-forward MatMuls only (both dense layers of each encoder layer): the
  product's ``onnx-int8`` export itself (``backends.feed_forward_nodes``);
- ``no-ffn2``, ``no-last-layer``, ``no-first-last``: every MatMul but the FFN output
  layers, the last encoder layer, or the first and last;
- ``fused-fp32``: ONNX Runtime's transformer graph fusions (optimum level 2: fused
  attention, SkipLayerNorm, BiasGelu), fp32;
- ``fused-all``, ``fused-ffn``: those fusions, then dynamic int8 of every quantizable op
  (QAttention included) or of the feed-forward MatMuls only.

1. Speed and closeness: windows of ``--resumes`` LiveCareer dev resumes (first by id, 256
   tokens, the product's chunking) encoded by torch fp32, the product's ONNX fp32 and
   every recipe in turn, ``--rounds`` rounds, best round each
   (``backends.timed_in_turn``), so load from other processes slows all alike: chunks/s
   and the ratio to torch; mean and minimum cosine of the window vectors to torch's.
2. ``--harness R [R ...]``: issue 14's three figures for those recipes on the whole dev
   harness of ``bench/quality.py`` (``throughput.user_figures``: nDCG@10 change per style,
   fit MAE, evidence agreement; thresholds 0.005, 2 points, 98%). About 5 minutes for
   torch plus 3 per recipe on 2 cores.

Run: ``OMP_WAIT_POLICY=PASSIVE python bench/int8_recipes.py --data-dir <bench data dir>
[--harness ffn all-matmul]``. Recipes are built once into ``<data dir>/int8-recipes/``.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import shutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import QUIET_LOGGERS, user_figures  # noqa: E402

from resumatch.embed import backends  # noqa: E402
from resumatch.embed.embedding import SentenceTransformerEncoder, chunk_spans  # noqa: E402
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.store import Store  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
MODEL_FILE = "onnx/model_recipe.onnx"


def _optimum(fp32_dir: Path, target: Path, **options) -> None:  # noqa: ANN003
    """optimum's dynamic int8 preset for this CPU (``backends.quantization_target``: per
    channel, symmetric uint8 weights), as the product's ``onnx-int8`` export uses it."""
    from optimum.onnxruntime import ORTQuantizer
    from optimum.onnxruntime.configuration import AutoQuantizationConfig

    config = getattr(AutoQuantizationConfig, backends.quantization_target())(
        is_static=False, **options)
    scratch = target.parent / "quantized.tmp"
    ORTQuantizer.from_pretrained(str(fp32_dir / "onnx"), file_name="model.onnx").quantize(
        config, str(scratch), file_suffix="recipe")
    [made] = scratch.glob("*recipe.onnx")
    shutil.move(str(made), target)
    shutil.rmtree(scratch, ignore_errors=True)


def _dynamic(source: Path, target: Path, **options) -> None:  # noqa: ANN003
    """ONNX Runtime's dynamic int8 with the same settings, for fused graphs (which
    optimum's quantizer cannot type)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), per_channel=True,
                     weight_type=QuantType.QUInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT,
                                    "WeightSymmetric": True}, **options)


def _fuse(fp32_dir: Path, target: Path) -> None:
    from optimum.onnxruntime import ORTModelForFeatureExtraction, ORTOptimizer
    from optimum.onnxruntime.configuration import OptimizationConfig

    model = ORTModelForFeatureExtraction.from_pretrained(str(fp32_dir), subfolder="onnx",
                                                         file_name="model.onnx")
    scratch = target.parent / "fused.tmp"
    ORTOptimizer.from_pretrained(model).optimize(
        OptimizationConfig(optimization_level=2, optimize_for_gpu=False), str(scratch))
    [made] = scratch.glob("*.onnx")
    shutil.move(str(made), target)
    shutil.rmtree(scratch, ignore_errors=True)


def recipes(fp32_dir: Path) -> dict[str, Callable[[Path], None]]:
    """Recipe name -> function writing that recipe's ONNX file (``ffn`` is the product's
    own export, loaded separately)."""
    fp32 = fp32_dir / backends.FP32_FILES["onnx"]
    names = backends.matmul_nodes(fp32)
    ffn2 = [n for n in backends.feed_forward_nodes(fp32) if "/intermediate/" not in n]
    layers = sorted({n.split("/")[2] for n in names if n.startswith("/encoder/layer.")})
    first, last = layers[0], layers[-1]

    def of(layer: str) -> list[str]:
        return [n for n in names if f"/{layer}/" in n]

    def fused_then(ffn_only: bool) -> Callable[[Path], None]:
        def make(target: Path) -> None:
            fused = target.with_name("fused-source.onnx")
            _fuse(fp32_dir, fused)
            options = ({"nodes_to_quantize": backends.feed_forward_nodes(fused),
                        "op_types_to_quantize": ["MatMul"]} if ffn_only else {})
            _dynamic(fused, target, **options)
            fused.unlink()
        return make

    return {
        "all-matmul": lambda t: _optimum(fp32_dir, t),
        "no-ffn2": lambda t: _optimum(fp32_dir, t, nodes_to_exclude=ffn2),
        "no-last-layer": lambda t: _optimum(fp32_dir, t, nodes_to_exclude=of(last)),
        "no-first-last": lambda t: _optimum(fp32_dir, t,
                                            nodes_to_exclude=of(first) + of(last)),
        "fused-fp32": lambda t: _fuse(fp32_dir, t),
        "fused-all": fused_then(ffn_only=False),
        "fused-ffn": fused_then(ffn_only=True),
    }


def build(name: str, make: Callable[[Path], None], fp32_dir: Path, root: Path) -> Path:
    """The model directory of one recipe (the fp32 export's files, another ONNX file)."""
    out = root / name
    if (out / MODEL_FILE).exists():
        return out
    scratch = root / f".{name}.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(fp32_dir, scratch, ignore=shutil.ignore_patterns(
        "model.onnx", backends.MANIFEST))
    make(scratch / MODEL_FILE)
    shutil.rmtree(out, ignore_errors=True)
    scratch.rename(out)
    return out


def load(directory: Path, name: str) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(
        directory, f"base@{name}", batch_size=backends.BATCH_SIZES["onnx-int8"],
        backend="onnx", model_kwargs={"file_name": MODEL_FILE,
                                      **backends._runtime_kwargs("onnx")})


def windows(encoder, n_resumes: int) -> list[str]:  # noqa: ANN001
    csv.field_size_limit(sys.maxsize)
    with open(DATA / "livecareer_dev.csv", encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["id"]))[:n_resumes]
    out = []
    for row in rows:
        text = row["text"]
        out += [text[a:b] for a, b in chunk_spans(encoder.token_offsets(text), len(text),
                                                  256, 32)]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True,
                        help="a bench data dir (throughput.py --data-dir): its exports")
    parser.add_argument("--resumes", type=int, default=14)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--harness", nargs="*", default=[],
                        help="recipes to judge on the whole dev harness (slow)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)

    store = Store(args.data_dir / "resumatch.sqlite3")
    version = ModelRegistry(store, args.data_dir / "models").base()
    fp32_dir = backends.ensure_export(version, "onnx", args.data_dir)
    root = args.data_dir / "int8-recipes"
    root.mkdir(exist_ok=True)
    encoders = {"torch": backends.load_backend(version, "torch", args.data_dir),
                "onnx": backends.load_backend(version, "onnx", args.data_dir),
                "ffn": backends.load_backend(version, "onnx-int8", args.data_dir)}
    for name, make in recipes(fp32_dir).items():
        encoders[name] = load(build(name, make, fp32_dir, root), name)
    texts = windows(encoders["torch"], args.resumes)
    reference = encoders["torch"].encode(texts)
    rates = backends.timed_in_turn(encoders, texts, rounds=args.rounds)
    print(f"{len(texts)} windows of {args.resumes} LiveCareer dev resumes, "
          f"best of {args.rounds} rounds taken in turn")
    print(f"{'recipe':<14} {'chunks/s':>9} {'vs torch':>9} {'mean cos':>9} {'min cos':>9}")
    summary = {}
    for name, encoder in encoders.items():
        cosines = (encoder.encode(texts) * reference).sum(axis=1)
        ratio = rates[name] / rates["torch"]
        summary[name] = {"vs_torch": round(ratio, 3), "mean_cos": round(float(cosines.mean()), 5)}
        print(f"{name:<14} {rates[name]:>9.2f} {ratio:>9.3f} {cosines.mean():>9.5f} "
              f"{cosines.min():>9.5f}", flush=True)
    if args.harness:
        judged = {"torch": encoders["torch"], **{n: encoders[n] for n in args.harness}}
        figures = user_figures(judged, None)
        for name in args.harness:
            f = figures[name]
            print(f"{name}: nDCG@10 change {f['ndcg_delta']:.4f}, fit MAE {f['fit_mae']:.2f}, "
                  f"evidence agreement {100 * f['evidence_agreement']:.2f}%, "
                  f"passes issue 14: {f['passes']}")
            summary[name].update({k: f[k] for k in ("ndcg_delta", "fit_mae",
                                                     "evidence_agreement", "passes")})
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
