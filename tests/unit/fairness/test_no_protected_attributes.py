"""The self-reported categories never reach the encoder or the ranking: the same candidates
score exactly the same before and after a categories file is stored, through pool search
and through the Match page's ranking, and no scoring code reads the table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from paths import ASSETS, ROOT

from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
from resumatch.fairness import categories as cats
from resumatch.ingest.documents import read_files
from resumatch.pipeline import match
from resumatch.pool import candidates, openings
from resumatch.pool.search import PoolIndex, search_pool
from resumatch.store import Store

VALUES = [(cats.FEMALE, cats.BLACK), (cats.MALE, cats.WHITE), (cats.FEMALE, cats.ASIAN),
          (cats.DECLINED, cats.HISPANIC), (cats.MALE, cats.DECLINED), (cats.FEMALE, cats.AIAN)]


def rankings(store: Store, embedder: Embedder, resumes, jobs) -> tuple[list, list]:
    searched = []
    for job in jobs:
        found = search_pool(store, job, embedder, index=PoolIndex(
            embedder.encoder.model_id, embedder.chunking.key))  # a fresh index each time
        searched.append(found.table[["candidate_id", "score", "fit", "rank"]].copy())
    matched = match(resumes, jobs, embedder)
    return searched, [matched.scores, matched.ranking, matched.fit, matched.table]


def test_scores_are_identical_with_and_without_the_categories(store: Store,
                                                              base_encoder) -> None:
    resumes, _ = read_files([ASSETS / "sample_resumes"])
    jobs, _ = read_files([ASSETS / "sample_jobs"])
    added = candidates.add_documents(store, resumes)
    for job in jobs:
        openings.save_opening(store, job.name, job.text)
    embedder = Embedder(base_encoder, store, DEFAULT_CHUNKING)
    before_search, before_match = rankings(store, embedder, resumes, jobs)

    csv = "candidate_id,sex,race_ethnicity\n" + "".join(
        f"{o.candidate_id},{VALUES[i % len(VALUES)][0]},{VALUES[i % len(VALUES)][1]}\n"
        for i, o in enumerate(added))
    parsed = cats.parse_categories("categories.csv", csv.encode(), store)
    assert not parsed.errors and len(parsed.categories) == len(resumes)
    cats.save_categories(store, parsed.categories)
    assert store.count("candidate_categories") == len(resumes)

    after_search, after_match = rankings(store, embedder, resumes, jobs)
    for before, after in zip(before_search, after_search, strict=True):
        pd.testing.assert_frame_equal(before, after, check_exact=True)
    for before, after in zip(before_match[:3], after_match[:3], strict=True):
        np.testing.assert_array_equal(before, after)
    pd.testing.assert_frame_equal(before_match[3], after_match[3], check_exact=True)


def test_no_scoring_code_reads_the_categories() -> None:
    scoring = [ROOT / "resumatch" / part for part in ("rank", "embed", "ingest", "pool",
                                                      "scale", "train")]
    files = [p for folder in scoring if folder.exists() for p in folder.rglob("*.py")]
    files.append(ROOT / "resumatch" / "pipeline.py")
    assert len(files) > 20
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        assert "candidate_categories" not in text, path
        assert "fairness.categories" not in text and "load_categories" not in text, path
