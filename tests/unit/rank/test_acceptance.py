"""Issue 14's acceptance measures: fit change, evidence agreement, nDCG change, and the
judge auto runs on the shipped samples, with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from resumatch.rank import acceptance
from resumatch.rank.acceptance import (
    Acceptance,
    ProductJudge,
    check_documents,
    evidence_agreement,
    fit_mae,
    ndcg_delta,
    product_pool,
)


class Noisy:
    """The real model with every vector pushed away from torch's (a broken backend)."""

    def __init__(self, inner, scale: float) -> None:  # noqa: ANN001
        self.inner, self.scale = inner, scale
        self.model_id = f"{inner.model_id}@noisy"
        self.max_tokens, self.dim = inner.max_tokens, inner.dim

    def token_offsets(self, text: str):  # noqa: ANN201
        return self.inner.token_offsets(text)

    def token_spans(self, text: str):  # noqa: ANN201
        return self.inner.token_spans(text)

    def _noise(self, vectors: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(0)
        out = vectors + self.scale * rng.standard_normal(vectors.shape).astype(np.float32)
        return out / np.linalg.norm(out, axis=-1, keepdims=True)

    def encode(self, texts, progress=None) -> np.ndarray:  # noqa: ANN001
        return self._noise(self.inner.encode(texts, progress))

    def token_embeddings(self, texts, progress=None):  # noqa: ANN001, ANN201
        return [self._noise(t) for t in self.inner.token_embeddings(texts, progress)]


def test_the_check_set_is_every_shipped_sample_resume_and_job() -> None:
    resumes, jobs = check_documents()
    assert len(resumes) == len(list((acceptance.ASSETS / "sample_resumes").iterdir()))
    assert len(jobs) == len(list((acceptance.ASSETS / "sample_jobs").iterdir()))
    # read as an upload is: the layout (lines, headings) is kept
    assert all("\n" in doc.text for doc in resumes)


def test_ndcg_delta_is_the_worst_style() -> None:
    reference = {"a/names": 0.80, "a/short": 0.70, "a/formal": 0.60}
    assert ndcg_delta(reference, {"a/names": 0.801, "a/short": 0.69, "a/formal": 0.60}) == \
        pytest.approx(0.01)
    assert ndcg_delta(reference, {}) == 0.0


def test_the_thresholds_are_issue_14s() -> None:
    assert Acceptance(2.0, 0.98, 0.005).passed
    assert not Acceptance(2.01, 1.0).passed
    assert not Acceptance(0.0, 0.979).passed
    assert not Acceptance(0.0, 1.0, 0.0051).passed


@pytest.fixture(scope="module")
def samples() -> tuple[list, list]:
    resumes, jobs = check_documents()
    return resumes[:6], jobs[:2]


def test_the_same_encoder_changes_nothing(base_encoder, samples) -> None:
    resumes, jobs = samples
    pool = product_pool(base_encoder, resumes, jobs)
    again = product_pool(base_encoder, resumes, jobs)
    assert pool.fit.shape == (len(resumes), len(jobs))
    assert fit_mae(pool, again) == pytest.approx(0.0, abs=1e-6)
    assert evidence_agreement(pool, again) == 1.0
    verdict = ProductJudge(resumes, jobs)(base_encoder, base_encoder)
    assert verdict.passed and verdict.fit_mae == pytest.approx(0.0, abs=1e-6)


def test_a_broken_backend_fails_the_judge(base_encoder, samples) -> None:
    resumes, jobs = samples
    verdict = ProductJudge(resumes, jobs)(base_encoder, Noisy(base_encoder, 0.2))
    assert not verdict.passed
    assert verdict.fit_mae > acceptance.MAX_FIT_MAE


def test_pools_of_different_shapes_are_refused(base_encoder, samples) -> None:
    resumes, jobs = samples
    with pytest.raises(ValueError, match="shape"):
        fit_mae(product_pool(base_encoder, resumes, jobs),
                product_pool(base_encoder, resumes[:3], jobs))
