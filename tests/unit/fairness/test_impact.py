"""Impact ratios on worked examples with known answers.

1. The scoring-rate example published with the DCWP rule (6 RCNY §5-301, the employer
   scoring applicants for "culture fit"). The rule prints, per category, the number of
   applicants, the scoring rate (as a rounded percentage) and the impact ratio (2
   decimals). The number above the median is the rate times the applicants (92 x 54.3% =
   50, ...). Reproduced here: the sex rows and five race/ethnicity rows (Hispanic or Latino
   has the highest rate, 1.00, so the rows left out cannot change these ratios).
2. A small opening computed by hand below: selection and scoring rates per sex,
   race/ethnicity and intersection, unknown and declined candidates, a too-few group, the
   median taken over the whole sample and "above" meaning strictly above.
"""

from __future__ import annotations

import pytest

from resumatch.fairness.impact import (
    INTERSECTION,
    JUDGED,
    NO_REFERENCE,
    RACE,
    SCORING,
    SELECTION,
    SEX,
    SMALL,
    TOO_FEW,
    AuditRecord,
    audit,
    impact_ratios,
    intersection_label,
)

# 6 RCNY §5-301, scoring-rate example: category -> (applicants, published scoring rate,
# published impact ratio).
DCWP_SEX = {"Male": (92, 0.543, 1.00), "Female": (76, 0.447, 0.82)}
DCWP_RACE = {
    "Hispanic or Latino": (28, 0.642, 1.00),
    "White": (40, 0.375, 0.58),
    "Black or African American": (32, 0.500, 0.78),
    "Native Hawaiian or Other Pacific Islander": (8, 0.625, 0.97),
    "Asian": (24, 0.417, 0.65),
}


def published_counts(table: dict[str, tuple[int, float, float]]) -> dict[str, tuple[int, int]]:
    return {c: (n, round(n * rate)) for c, (n, rate, _) in table.items()}


@pytest.mark.parametrize("table", [DCWP_SEX, DCWP_RACE], ids=["sex", "race_ethnicity"])
def test_the_dcwp_scoring_example_gives_the_published_ratios(table) -> None:
    counts = published_counts(table)
    # The counts behind the published rates (Male 50 of 92, ..., Asian 10 of 24).
    assert [h for _, h in counts.values()] == ([50, 34] if table is DCWP_SEX
                                               else [18, 15, 16, 5, 10])
    rows = impact_ratios(counts, min_count=1)
    for row in rows:
        applicants, rate, ratio = table[row.category]
        assert row.individuals == applicants and row.status == JUDGED
        # The rule truncates 18/28 = 64.29% to 64.2%: compare at its precision.
        assert row.rate == pytest.approx(rate, abs=0.001)
        assert round(row.impact_ratio, 2) == ratio
        assert row.flagged == (ratio < 0.8)  # Female 0.82 is not; White 0.58 is


def test_ratios_divide_by_the_highest_rate_exactly() -> None:
    rows = {r.category: r for r in impact_ratios({"a": (10, 5), "b": (20, 8), "c": (4, 4)},
                                                 min_count=5)}
    assert rows["a"].impact_ratio == pytest.approx(1.0)  # c is too few: not the reference
    assert rows["b"].impact_ratio == pytest.approx(0.4 / 0.5)
    assert rows["c"].status == TOO_FEW and rows["c"].impact_ratio is None
    assert rows["c"].rate == 1.0 and not rows["c"].flagged


def test_categories_under_two_percent_may_be_excluded() -> None:
    counts = {"big": (59, 20), "tiny": (1, 1), "other": (40, 10)}
    rows = {r.category: r for r in impact_ratios(counts, min_count=1)}
    assert rows["tiny"].status == SMALL and rows["tiny"].share == pytest.approx(0.01)
    assert rows["tiny"].impact_ratio is None and rows["tiny"].rate == 1.0
    assert rows["other"].impact_ratio == pytest.approx(0.25 / (20 / 59))
    kept = {r.category: r for r in impact_ratios(counts, min_count=1, exclude_small=False)}
    assert kept["tiny"].status == JUDGED and kept["tiny"].impact_ratio == 1.0
    # The 2% is of the whole sample, unknowns included.
    found = impact_ratios({"a": (3, 1)}, sample_size=200, min_count=1)
    assert found[0].status == SMALL


def test_no_reference_when_nobody_was_selected() -> None:
    rows = impact_ratios({"a": (10, 0), "b": (10, 0)})
    assert [r.status for r in rows] == [NO_REFERENCE, NO_REFERENCE]
    assert all(r.impact_ratio is None and r.rate == 0.0 for r in rows)


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="3 hits of 2"):
        impact_ratios({"a": (2, 3)})


# -- the hand-computed opening -------------------------------------------------------------
F, M, W, B, A = "Female", "Male", "White", "Black or African American", "Asian"


def opening() -> list[AuditRecord]:
    people = [  # (sex, race/ethnicity, selected, fit)
        (F, W, True, 80), (F, W, True, 70), (F, W, True, 40), (F, W, False, 30),
        (F, B, True, 60), (F, B, False, 20), (F, B, False, 25), (F, B, False, 35),
        (M, W, True, 90), (M, W, True, 85), (M, W, True, 55), (M, W, True, 45),
        (M, W, False, 50),
        (M, B, True, 65), (M, B, False, 15), (M, B, False, 10),
        (F, A, True, 95),
        ("declined", W, True, 75), ("declined", W, False, 5),
        ("unknown", "unknown", False, None),
    ]
    return [AuditRecord(i, 1, sex, race, selected, None if fit is None else float(fit))
            for i, (sex, race, selected, fit) in enumerate(people, start=1)]


def by_category(report, table: str, rate: str) -> dict:
    return {r.category: r for r in report.table(table, rate).rows}


def test_hand_computed_opening() -> None:
    report = audit(opening(), scope="opening", min_count=2)
    assert report.n_records == 20 and report.n_scored == 19
    assert report.median_fit == 50.0  # 10th of 19 fits; 50 itself is not "above"

    sex = by_category(report, SEX, SELECTION)
    assert (sex[F].individuals, sex[F].hits, sex[M].individuals, sex[M].hits) == (9, 5, 8, 5)
    assert sex[F].impact_ratio == pytest.approx((5 / 9) / (5 / 8))  # 0.889
    assert sex[M].impact_ratio == 1.0
    table = report.table(SEX, SELECTION)
    assert (table.unknown, table.declined) == (3, 2)

    race = by_category(report, RACE, SELECTION)
    assert (race[W].individuals, race[W].hits) == (11, 8)  # declined sex still counts here
    assert race[B].impact_ratio == pytest.approx((2 / 7) / (8 / 11))  # 0.393
    assert race[B].flagged and not race[W].flagged
    assert race[A].status == TOO_FEW and race[A].rate == 1.0 and race[A].impact_ratio is None
    assert report.table(RACE, SELECTION).unknown == 1

    cross = by_category(report, INTERSECTION, SELECTION)
    assert list(cross) == [intersection_label(F, W), intersection_label(F, B),
                           intersection_label(F, A), intersection_label(M, W),
                           intersection_label(M, B)]
    assert cross[intersection_label(M, W)].impact_ratio == 1.0  # 4 of 5
    assert cross[intersection_label(F, W)].impact_ratio == pytest.approx(0.75 / 0.8)
    assert cross[intersection_label(F, B)].impact_ratio == pytest.approx(0.25 / 0.8)
    assert cross[intersection_label(M, B)].impact_ratio == pytest.approx((1 / 3) / 0.8)
    assert cross[intersection_label(F, A)].status == TOO_FEW
    assert report.table(INTERSECTION, SELECTION).unknown == 3

    scored = by_category(report, SEX, SCORING)  # above 50: F 80,70,60,95; M 90,85,55,65
    assert (scored[F].individuals, scored[F].hits, scored[M].hits) == (9, 4, 4)
    assert scored[F].impact_ratio == pytest.approx((4 / 9) / 0.5)
    assert report.table(SEX, SCORING).unknown == 2  # the unscored unknown is not counted
    race_scored = by_category(report, RACE, SCORING)
    assert (race_scored[W].hits, race_scored[W].individuals) == (6, 11)
    assert race_scored[B].impact_ratio == pytest.approx((2 / 7) / (6 / 11))
    cross_scored = by_category(report, INTERSECTION, SCORING)
    assert cross_scored[intersection_label(F, W)].impact_ratio == pytest.approx(0.5 / 0.6)
    assert cross_scored[intersection_label(M, B)].impact_ratio == pytest.approx((1 / 3) / 0.6)

    flagged = {(table, rate, row.category) for table, rate, row in report.flagged}
    assert (RACE, SELECTION, B) in flagged and (SEX, SELECTION, F) not in flagged


def test_an_empty_sample_has_no_median_and_no_rows() -> None:
    report = audit([])
    assert report.median_fit is None and report.n_records == 0
    assert all(not t.rows for t in report.tables)
