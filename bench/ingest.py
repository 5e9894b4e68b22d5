"""Bulk ingest throughput on this machine, every engine in one run, as ratios.

What is measured (all in this process, one after another, on the same documents):

1. **Parsing**: ``read_files`` in this process over the resumes written as ``.txt`` files
   (a temporary folder, deleted afterwards) and over the shared real PDFs
   (``livecareer_pdfs/``, 48 files, copied 4 times into the temporary folder); then the same
   PDFs read by the Ray engine's tasks.
2. **Embedding** the same resumes, nothing cached, with the base model on torch:
   the local engine (this process, every core), then Ray on this machine with 1 actor
   (1 CPU) and with 2 actors (1 CPU each). Ray's start is timed apart; each engine's time
   includes its model loads, as a job's does. The Ray vectors are compared with the local
   engine's (largest absolute difference). The local engine runs again at the end: the
   machine is shared, and the two local runs show how much the load moved meanwhile.
3. **Store writes** as the bulk driver does them (batches of ``WRITE_DOCS``): the cache
   entries of ``--write-docs`` documents (``write_units``), then adding them to the pool
   (``add_documents``: text, fields, duplicate checks, audit), on SQLite and on PostgreSQL
   (and, apart, the CPU part of a pool add: field extraction and contact keys)
   (a throwaway server from ``tests/postgres_server.py``, or ``--database-url``). The
   documents are the resumes again, each with one line added (a new text), so the pool
   grows as it would.

Input: the first ``--docs`` resumes of ``../shared/data/livecareer_dev.csv`` (real
resumes of ~800 words, about 5 windows of 256 tokens each), never copied into the
repository.

Run: ``python bench/ingest.py`` (about 12 minutes on 2 busy cores; ``--docs 120
--write-docs 1000``, the run ``docs/scaling.md`` projects from, about 10; ``--docs 60
--write-docs 500`` for a quick look; ``--no-postgres`` without a PostgreSQL server). A table
goes to stdout; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))  # the throwaway PostgreSQL server of the tests

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resumatch.config import Settings  # noqa: E402
from resumatch.embed.embedding import cpu_cores  # noqa: E402
from resumatch.embed.registry import ModelRegistry  # noqa: E402
from resumatch.ingest.documents import Document, normalize_text, read_files  # noqa: E402
from resumatch.pool.candidates import add_documents  # noqa: E402
from resumatch.pool.duplicates import contact_keys  # noqa: E402
from resumatch.pool.field_store import extract  # noqa: E402
from resumatch.scale.bulk import WRITE_DOCS  # noqa: E402
from resumatch.scale.engine import EncoderSpec, LocalEngine, batched, encoder_spec  # noqa: E402
from resumatch.scale.ray_ingest import RayEngine  # noqa: E402
from resumatch.scale.units import CacheEntry, write_units  # noqa: E402
from resumatch.store import Store, open_store  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def resumes(count: int) -> list[str]:
    frame = pd.read_csv(SHARED / "livecareer_dev.csv").head(count)
    return [normalize_text(text) for text in frame["text"].astype(str)]


def time_parse(folder: Path) -> tuple[int, float]:
    started = time.perf_counter()
    docs, errors = read_files([folder])
    return len(docs) + len(errors), time.perf_counter() - started


def run_engine(engine, spec: EncoderSpec, docs: list[Document]) -> tuple[float, dict]:  # noqa: ANN001
    """Seconds to embed ``docs`` (model loads included) and the entries by hash."""
    found: dict[str, CacheEntry] = {}
    started = time.perf_counter()
    for entries in engine.embed(spec, docs):
        found.update({entry.sha256: entry for entry in entries})
    seconds = time.perf_counter() - started
    assert len(found) == len(docs), "an engine lost documents"
    return seconds, found


def max_difference(a: dict[str, CacheEntry], b: dict[str, CacheEntry]) -> float:
    worst = 0.0
    for sha, entry in a.items():
        other = b[sha]
        assert entry.spans == other.spans, "windows differ between engines"
        worst = max(worst, float(np.abs(entry.vectors - other.vectors).max()))
    return worst


def time_store(store: Store, model_id: str, entries: list[CacheEntry],
               docs: list[Document]) -> dict[str, float]:
    """Docs/s of the driver's two writes: vectors, then the pool."""
    started = time.perf_counter()
    for batch in batched(entries, WRITE_DOCS):
        write_units(store, model_id, batch)
    vectors_s = time.perf_counter() - started
    started = time.perf_counter()
    for batch in batched(docs, WRITE_DOCS):
        add_documents(store, batch, session="bench")
    pool_s = time.perf_counter() - started
    return {"vectors_docs_per_s": len(entries) / vectors_s,
            "pool_add_docs_per_s": len(docs) / pool_s}


def variants(texts: list[str], entries: dict[str, CacheEntry], count: int,
             ) -> tuple[list[CacheEntry], list[Document]]:
    """``count`` new documents (a resume plus one line) with that resume's vectors."""
    docs, out = [], []
    originals = list(entries.values())
    for i in range(count):
        text = texts[i % len(texts)] + f"\nReference {i}"
        doc = Document(f"resume {i}", text, f"resume_{i}.txt")
        source = originals[i % len(originals)]
        docs.append(doc)
        out.append(CacheEntry(doc.sha256, source.key, source.vectors, source.spans))
    return out, docs


def _rounded(value: object) -> object:
    """Floats to 4 decimals, tiny ones (the Ray/local difference) to 3 significant digits."""
    if not isinstance(value, float):
        return value
    return round(value, 4) if abs(value) >= 1e-3 or value == 0 else float(f"{value:.3g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="resumes to embed per engine")
    parser.add_argument("--write-docs", type=int, default=2000,
                        help="documents written per store engine")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--database-url", default=None,
                        help="an existing PostgreSQL database to write into (an empty schema)")
    args = parser.parse_args()
    texts = resumes(args.docs)
    cores = cpu_cores()
    results: dict = {"docs": len(texts), "cores": cores,
                     "load_average_start": round(os.getloadavg()[0], 2)}
    rows: list[tuple[str, str]] = []
    scratch = Path(tempfile.mkdtemp(prefix="resumatch-bench-ingest-"))
    try:
        # 1. Parsing on the driver.
        folder = scratch / "resumes"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"resume_{i:04d}.txt").write_text(text, encoding="utf-8")
        n, seconds = time_parse(folder)
        results["parse_txt_docs_per_s"] = n / seconds
        # The 48 shared PDFs, 4 times over (distinct paths), so start-up costs amortise.
        pdfs = []
        for copy in range(4):
            target = scratch / f"pdfs{copy}"
            shutil.copytree(SHARED / "livecareer_pdfs", target)
            pdfs += sorted(str(path) for path in target.glob("*.pdf"))
        started = time.perf_counter()
        read_files(pdfs)
        results["parse_pdf_docs_per_s"] = len(pdfs) / (time.perf_counter() - started)
        rows += [("parse .txt (read_files, 1 core)", f"{results['parse_txt_docs_per_s']:.0f}"),
                 ("parse real PDFs (read_files, 1 core)",
                  f"{results['parse_pdf_docs_per_s']:.1f}")]

        # 2. Embedding on each engine, nothing cached.
        settings = Settings(data_dir=scratch / "data")
        store = open_store(settings)
        spec = encoder_spec(settings, store, ModelRegistry(store, settings.models_dir).base())
        docs = [Document(f"resume {i}", text) for i, text in enumerate(texts)]
        with LocalEngine() as engine:
            local_s, local = run_engine(engine, spec, docs)
        windows = sum(len(e.spans) for e in local.values())
        results["windows_per_doc"] = windows / len(docs)
        rates = {"local": len(docs) / local_s}
        with RayEngine(actors=1, cpus_per_actor=1) as one, \
                RayEngine(actors=2, cpus_per_actor=1) as two:
            started = time.perf_counter()
            one.start()
            two.start()  # joins the Ray the first one started
            results["ray_start_s"] = time.perf_counter() - started
            started = time.perf_counter()
            read = sum(count for count, _, _ in one.read(pdfs))
            results["parse_pdf_ray_docs_per_s"] = read / (time.perf_counter() - started)
            rows.append((f"parse real PDFs on Ray ({cores} tasks at once)",
                         f"{results['parse_pdf_ray_docs_per_s']:.1f}"))
            ray1_s, ray1 = run_engine(one, spec, docs)
            ray2_s, ray2 = run_engine(two, spec, docs)
        rates["ray_1_actor"] = len(docs) / ray1_s
        rates["ray_2_actors"] = len(docs) / ray2_s
        with LocalEngine() as engine:
            again_s, _ = run_engine(engine, spec, docs)
        rates["local_again"] = len(docs) / again_s
        baseline = (rates["local"] + rates["local_again"]) / 2
        results.update({f"{name}_docs_per_s": rate for name, rate in rates.items()})
        results["ratio_ray_1_actor_vs_local"] = rates["ray_1_actor"] / baseline
        results["ratio_ray_2_actors_vs_local"] = rates["ray_2_actors"] / baseline
        results["ratio_ray_2_vs_1_actors"] = rates["ray_2_actors"] / rates["ray_1_actor"]
        # One actor with one CPU is the per-core rate the projection starts from.
        results["per_core_docs_per_s"] = rates["ray_1_actor"]
        results["per_core_windows_per_s"] = rates["ray_1_actor"] * results["windows_per_doc"]
        results["max_abs_diff_ray_vs_local"] = max(max_difference(ray1, local),
                                                   max_difference(ray2, local))
        for name, label in (("local", f"local engine ({cores} torch threads)"),
                            ("ray_1_actor", "Ray, 1 actor x 1 CPU"),
                            ("ray_2_actors", "Ray, 2 actors x 1 CPU"),
                            ("local_again", "local engine again (load drift)")):
            ratio = rates[name] / baseline
            rows.append((f"embed: {label}", f"{rates[name]:.2f}  ({ratio:.2f}x local)"))

        # 3. Store writes as the driver batches them; first the CPU part of a pool add
        # (structured fields and contact keys), which the driver does for every document.
        entries, new_docs = variants(texts, local, args.write_docs)
        sample = new_docs[:len(texts)]
        started = time.perf_counter()
        for doc in sample:
            extract(doc.text)
            contact_keys(doc.text)
        results["fields_docs_per_s"] = len(sample) / (time.perf_counter() - started)
        rows.append(("pool add, CPU part only (fields, contact keys; 1 core)",
                     f"{results['fields_docs_per_s']:.0f}"))
        stores = {"sqlite": Store(scratch / "write.sqlite3")}
        server = None
        if args.database_url:
            stores["postgres"] = open_store(Settings(data_dir=scratch / "pg",
                                                     database_url=args.database_url))
        elif not args.no_postgres:
            from postgres_server import PostgresServer

            server = PostgresServer.start()
            stores["postgres"] = open_store(Settings(data_dir=scratch / "pg",
                                                     database_url=server.new_schema()))
        try:
            results["store"] = {}
            for name, target in stores.items():
                measured = time_store(target, spec.model_id, entries, new_docs)
                results["store"][name] = measured
                rows.append((f"store {name}: write vectors",
                             f"{measured['vectors_docs_per_s']:.0f}"))
                rows.append((f"store {name}: add to pool (fields, duplicates)",
                             f"{measured['pool_add_docs_per_s']:.0f}"))
        finally:
            if "postgres" in stores:
                from resumatch.store.postgres import close_all_pools

                close_all_pools()
            if server is not None:
                server.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_end"] = round(os.getloadavg()[0], 2)

    print(f"bench/ingest.py: {len(texts)} real resumes ({results['windows_per_doc']:.1f} "
          f"windows each), {cores} cores, load average {results['load_average_start']} -> "
          f"{results['load_average_end']}; Ray started in {results['ray_start_s']:.0f} s "
          "(not counted)")
    width = max(len(label) for label, _ in rows)
    print(f"{'step':<{width}}  docs/s")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"per core: {results['per_core_docs_per_s']:.2f} docs/s = "
          f"{results['per_core_windows_per_s']:.1f} windows/s; Ray vectors equal the local "
          f"engine's to {results['max_abs_diff_ray_vs_local']:.1e}")
    print(json.dumps({k: _rounded(v) for k, v in results.items()
                      if k != "store"} | {"store": {
                          name: {k: round(v, 1) for k, v in values.items()}
                          for name, values in results.get("store", {}).items()}}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
