"""PDF reading on real resumes: the old reader (pypdf), pypdf's layout mode and the new
reader (pdfminer layout + XY-cut, hidden text, OCR), in one run.

For the 48 LiveCareer PDFs in ``../shared/data/livecareer_pdfs/`` (2 per occupation):

1. **Speed**: seconds to read all of them with each reader (and the ratio).
2. **Lines that mix columns**: an output line holding the text of two pdfminer text lines
   that sit side by side on the page (overlapping vertically, at least 12 pt apart).
3. **What the new reader flags**: hidden words and OCR pages per file (real resumes
   should have almost none: a false alarm would cost a candidate).
4. **OCR** (``--ocr-pages N``): the first page of N of the PDFs rendered at 300 dpi with
   pypdfium2, as a scanner would deliver it, read by Tesseract: seconds per page, mean
   confidence, and the share of the text layer's words that OCR found.
5. **Ranking**: nDCG@10 / MRR of the product ranking (``score_pool``: best window pair +
   0.05 x BM25 z-score) of the 48 resumes for the 24 category names and for the 24 job
   descriptions of ``bench/queries_livecareer.csv``, with the text of each reader.

Embeddings go through the product's store in ``--data-dir`` (default:
RESUMATCH_DATA_DIR, else ``/tmp/pdf_reading/data``), so a second run takes seconds.
The last stdout line is one JSON object.

Run: ``python bench/pdf_reading.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PDFS = ROOT.parent / "shared" / "data" / "livecareer_pdfs"

import numpy as np  # noqa: E402

from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder  # noqa: E402
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.ingest.documents import Document, read_bytes  # noqa: E402
from resumatch.ingest.text import normalize_text  # noqa: E402
from resumatch.pipeline import load_encoder  # noqa: E402
from resumatch.rank.evaluation import (  # noqa: E402
    category_queries,
    evaluate_scores,
    load_queries,
)
from resumatch.rank.scoring import score_pool  # noqa: E402
from resumatch.store import Store  # noqa: E402

SIDE_BY_SIDE_GAP_PT = 12.0


def read_old(data: bytes) -> str:
    """The reader before issue 10: pypdf's ``extract_text`` per page, pages joined."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    return normalize_text("\n\n".join(page.extract_text() or "" for page in reader.pages))


def read_pypdf_layout(data: bytes) -> str:
    """pypdf's layout mode: lines as laid out on the page (columns side by side)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    return normalize_text("\n\n".join(page.extract_text(extraction_mode="layout") or ""
                                       for page in reader.pages))


def read_new(name: str, data: bytes) -> Document:
    docs, errors = read_bytes(name, data)
    if errors:
        raise RuntimeError(str(errors[0]))
    return docs[0]


def side_by_side_pairs(data: bytes) -> list[tuple[str, str]]:
    """Texts of pdfminer line pairs that sit side by side on a page."""
    import pdfplumber
    from pdfminer.layout import LTTextBox

    pairs = []
    with pdfplumber.open(io.BytesIO(data), laparams={"all_texts": True}) as pdf:
        for page in pdf.pages:
            lines = [line for obj in page.layout if isinstance(obj, LTTextBox) for line in obj]
            lines = [(line, _squash(line.get_text())) for line in lines]
            lines = [(line, text) for line, text in lines if len(text) >= 4]
            for i, (a, ta) in enumerate(lines):
                for b, tb in lines[i + 1:]:
                    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
                    if overlap < 0.5 * min(a.height, b.height):
                        continue
                    gap = max(a.x0, b.x0) - min(a.x1, b.x1)
                    if gap >= SIDE_BY_SIDE_GAP_PT:
                        pairs.append((ta, tb))
    return pairs


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", normalize_text(text)).lower()


def mixed_lines(text: str, pairs: list[tuple[str, str]]) -> int:
    """Output lines that contain both texts of a side-by-side pair."""
    count = 0
    for line in text.split("\n"):
        squashed = _squash(line)
        if any(a in squashed and b in squashed for a, b in pairs):
            count += 1
    return count


def ocr_timing(files: list[Path]) -> dict[str, float]:
    """Render page 1 of each file at the OCR resolution and time Tesseract on it."""
    import pypdfium2 as pdfium

    from resumatch.ingest import ocr

    seconds, confidences, recalls = [], [], []
    for path in files:
        document = pdfium.PdfDocument(path.read_bytes())
        image = document[0].render(scale=ocr.RENDER_DPI / 72).to_pil()
        document.close()
        started = time.perf_counter()
        page = ocr.ocr_image(image)
        seconds.append(time.perf_counter() - started)
        confidences.append(page.confidence or 0.0)
        from pypdf import PdfReader

        first = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text() or ""
        truth = set(re.findall(r"\w{3,}", first.lower()))
        found = set(re.findall(r"\w{3,}", page.text.lower()))
        recalls.append(len(found & truth) / max(len(truth), 1))
    out = {"pages": len(files), "seconds_per_page": sum(seconds) / len(seconds),
           "max_seconds": max(seconds), "mean_confidence": sum(confidences) / len(files),
           "word_recall_vs_text_layer": sum(recalls) / len(recalls)}
    print(f"OCR at {ocr.RENDER_DPI} dpi: {out['seconds_per_page']:.1f} s per page (max "
          f"{out['max_seconds']:.1f} s) over {len(files)} pages, mean confidence "
          f"{out['mean_confidence']:.0f}%, {100 * out['word_recall_vs_text_layer']:.0f}% of "
          "the text layer's words found")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(
        os.environ.get("RESUMATCH_DATA_DIR", "/tmp/pdf_reading/data")))
    parser.add_argument("--no-ranking", action="store_true", help="skip the embedding part")
    parser.add_argument("--ocr-pages", type=int, default=6, metavar="N",
                        help="pages to OCR for the timing (0: none)")
    args = parser.parse_args()

    files = sorted(PDFS.glob("*.pdf"))
    blobs = {f.name: f.read_bytes() for f in files}
    categories = [f.name.rsplit("_", 1)[0] for f in files]

    timings = {}
    started = time.perf_counter()
    old = {name: read_old(data) for name, data in blobs.items()}
    timings["pypdf"] = time.perf_counter() - started
    started = time.perf_counter()
    layout = {name: read_pypdf_layout(data) for name, data in blobs.items()}
    timings["pypdf-layout"] = time.perf_counter() - started
    started = time.perf_counter()
    new = {name: read_new(name, data) for name, data in blobs.items()}
    timings["new"] = time.perf_counter() - started
    texts = {"pypdf": old, "pypdf-layout": layout,
             "new": {name: doc.text for name, doc in new.items()}}

    mixed = dict.fromkeys(texts, 0)
    files_mixed = dict.fromkeys(texts, 0)
    for name, data in blobs.items():
        pairs = side_by_side_pairs(data)
        for reader in texts:
            n = mixed_lines(texts[reader][name], pairs)
            mixed[reader] += n
            files_mixed[reader] += n > 0
    hidden = {name: d.hidden_words for name, d in new.items() if d.hidden_words}
    ocr = {name: d.notes for name, d in new.items() if d.ocr}
    words = {reader: sum(len(t.split()) for t in by_name.values())
             for reader, by_name in texts.items()}

    print(f"{len(files)} LiveCareer PDFs")
    for reader in texts:
        print(f"{reader:>12}: {timings[reader]:6.1f} s to read all "
              f"({1000 * timings[reader] / len(files):.0f} ms per file, "
              f"x{timings[reader] / timings['pypdf']:.2f} of pypdf), {words[reader]} words, "
              f"{mixed[reader]} lines mixing side-by-side text in {files_mixed[reader]} files")
    print(f"hidden words flagged by the new reader: {hidden or 'none'}")
    print(f"OCR by the new reader: {ocr or 'none'}")
    result = {"files": len(files), "seconds": timings, "words": words,
              "mixed_lines": mixed, "files_with_mixed_lines": files_mixed,
              "hidden": hidden, "ocr_files": len(ocr)}

    if args.ocr_pages:
        result["ocr"] = ocr_timing(files[::max(1, len(files) // args.ocr_pages)][
            :args.ocr_pages])

    if not args.no_ranking:
        store = Store(args.data_dir / "resumatch.sqlite3")
        registry = ModelRegistry(store, args.data_dir / "models")
        embedder = Embedder(load_encoder(registry.active()), store, DEFAULT_CHUNKING)
        query_sets = {
            "category names": category_queries(categories),
            "job descriptions": load_queries(ROOT / "bench" / "queries_livecareer.csv",
                                             categories),
        }
        print(f"\nnDCG@10 / MRR of the product ranking over the {len(files)} resumes")
        for label, queries in query_sets.items():
            query_docs = [q.document(n) for n, q in enumerate(queries, start=1)]
            query_emb = embedder.embed(query_docs)
            row = {}
            for reader, by_name in texts.items():
                docs = [Document(f.stem, by_name[f.name], f.name) for f in files]
                pool = score_pool(embedder.embed(docs), query_emb)
                metrics = evaluate_scores(np.asarray(pool.ranking), categories,
                                          [q.category for q in queries])
                row[reader] = metrics.as_dict()
            print(f"{label:>17}: " + " | ".join(
                f"{reader} nDCG@10 {m['ndcg@10']:.3f} MRR {m['mrr']:.3f}"
                for reader, m in row.items()))
            result[label] = row
    print(json.dumps(result))


if __name__ == "__main__":
    main()
