"""The product's ranking of a pool with the real model: the features, the must-have cap,
"too little text to judge", marks that change the ranking, and what issue 14 compares."""

from __future__ import annotations

import numpy as np
import pytest

from resumatch.embed.embedding import Embedder
from resumatch.ingest.documents import Document
from resumatch.pipeline import match
from resumatch.rank.evaluation import backend_agreement
from resumatch.rank.evidence import PassageIndex
from resumatch.rank.features import FEATURES, job_title
from resumatch.rank.marks import IGNORE, MUST, REQUIRED, set_mark
from resumatch.rank.scoring import MUST_HAVE_FIT_CAP, fit_from_score, score_for_fit, score_pool
from resumatch.rank.sufficiency import TOO_LITTLE, TOO_LITTLE_FIT_CAP, judge_text

JOB = Document("icu_nurse", "ICU Registered Nurse\n\nRequirements\n"
                            "- Care for critically ill patients on ventilators\n"
                            "- Titrate vasoactive drips and monitor hemodynamics\n"
                            "- Must hold CCRN certification\n")
NO_CCRN = Document("ana", "Ana Souza\nICU Registered Nurse\n\n"
                          "Six years in a 24-bed medical ICU at a teaching hospital.\n"
                          "- Cared for critically ill patients on ventilators and CRRT.\n"
                          "- Titrated vasoactive drips and monitored arterial lines.\n"
                          "- Precepted new graduate nurses and led rapid responses.\n"
                          "Certifications: BLS, ACLS")
WITH_CCRN = Document("ben", "Ben Ito\nCritical Care Nurse\n\n"
                            "Four years of critical care nursing in a surgical ICU.\n"
                            "- Managed ventilated patients after cardiac surgery.\n"
                            "- Titrated drips and watched hemodynamic monitoring.\n"
                            "Certifications: CCRN, BLS, ACLS")
CHEF = Document("cal", "Cal Moreno\nSous Chef\n\nRan the line of a 120-cover bistro.\n"
                       "- Plated dishes for banquets and trained six line cooks.\n"
                       "- Ordered produce and kept food costs under budget.")
ONE_LINE = Document("sql_only", "ICU nurse")


@pytest.fixture
def ranked(store, base_encoder):
    embedder = Embedder(base_encoder, store)
    return match([NO_CCRN, WITH_CCRN, CHEF, ONE_LINE], [JOB], embedder), store, embedder


def test_a_missing_must_have_caps_the_fit(ranked) -> None:
    result, store, embedder = ranked
    pool = result.pool
    assert result.pool.evidence[0].marks == [REQUIRED, REQUIRED, MUST]
    ana, ben = 0, 1
    assert pool.capped[ana, 0] and not pool.capped[ben, 0]
    assert pool.fit[ana, 0] <= MUST_HAVE_FIT_CAP < pool.fit[ben, 0]
    assert pool.uncapped[ana, 0] > score_for_fit(MUST_HAVE_FIT_CAP)  # a fit the cap cut
    assert pool.note(ana, 0) == "missing must-have: Must hold CCRN certification"
    assert pool.evidence[0].summary(ana) == "meets 2 of 3 requirements, 0 of 1 must-haves"
    assert pool.evidence[0].summary(ben) == "meets 3 of 3 requirements, 1 of 1 must-haves"
    row = result.table.set_index("resume").loc["ana"]
    assert row["note"].startswith("missing must-have") and row["rank"] == 2
    # A recruiter who marks the requirement "required" lifts the cap for this job.
    set_mark(store, JOB.sha256, "Must hold CCRN certification", REQUIRED)
    again = match([NO_CCRN, WITH_CCRN, CHEF, ONE_LINE], [JOB], embedder)
    assert not again.pool.capped[ana, 0]
    assert again.pool.fit[ana, 0] > MUST_HAVE_FIT_CAP


def test_ignored_requirements_do_not_count(ranked) -> None:
    result, store, embedder = ranked
    for requirement in ("Care for critically ill patients on ventilators",
                        "Titrate vasoactive drips and monitor hemodynamics"):
        set_mark(store, JOB.sha256, requirement, IGNORE)
    again = match([NO_CCRN, WITH_CCRN, CHEF, ONE_LINE], [JOB], embedder)
    assert again.pool.evidence[0].summary(1) == "meets 1 of 1 requirements, 1 of 1 must-haves"
    assert not np.allclose(again.pool.features["requirements"],
                           result.pool.features["requirements"])


def test_a_one_line_resume_is_too_little_text_to_judge(ranked) -> None:
    result, _, _ = ranked
    assert judge_text(ONE_LINE.text).note == f"{TOO_LITTLE} (2 words)"
    sql_only = result.resume_names.index("sql_only")
    assert result.too_little("sql_only") and not result.too_little("ana")
    assert result.pool.fit[sql_only, 0] <= TOO_LITTLE_FIT_CAP
    assert result.pool.note(sql_only, 0).startswith(TOO_LITTLE)
    ranked_names = result.table["resume"].tolist()
    assert ranked_names.index("sql_only") > ranked_names.index("ben")


def test_features_scores_and_fit_agree(ranked) -> None:
    result, _, _ = ranked
    pool = result.pool
    assert set(pool.features) == set(FEATURES)
    assert all(values.shape == (4, 1) for values in pool.features.values())
    # The nurses beat the chef on every passage feature.
    for name in ("title", "passages", "requirements"):
        assert min(pool.features[name][:2, 0]) > pool.features[name][2, 0], name
    order = np.argsort(-pool.ranking[:, 0])
    assert (np.diff(pool.fit[order, 0]) <= 0).all()  # ranks follow the fit
    parts = pool.contributions(1, 0)
    assert sum(v for _, v in parts) == pytest.approx(pool.uncapped[1, 0])
    assert float(fit_from_score(score_for_fit(42.0))) == pytest.approx(42.0, abs=0.05)
    assert job_title(JOB.text) == "ICU Registered Nurse"


def test_cached_vectors_alone_rank_the_same_and_agree_with_themselves(ranked,
                                                                      base_encoder) -> None:
    result, store, _ = ranked
    from resumatch.embed.embedding import LazyEncoder

    def no_model():  # noqa: ANN202
        raise AssertionError("the model was loaded for a cached pool")

    lazy = Embedder(LazyEncoder("base", no_model), store)
    resumes = lazy.embed([NO_CCRN, WITH_CCRN, CHEF, ONE_LINE], passages=True)
    pool = score_pool(resumes, lazy.embed([JOB]), index=PassageIndex(lazy.encoder, store, lazy))
    np.testing.assert_allclose(pool.ranking, result.pool.ranking, atol=1e-5)
    assert backend_agreement(result.pool, pool) == {"fit_mae": pytest.approx(0.0, abs=0.05),
                                                    "evidence_agreement": 1.0}
