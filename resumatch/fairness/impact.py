"""Impact ratios of a sample of candidates: selection rates, scoring rates, four-fifths flags.

The computation follows the published rule for bias audits of automated employment
decision tools in New York City (Local Law 144 of 2021, NYC Admin. Code §20-870; rules of
the Department of Consumer and Worker Protection, 6 RCNY §5-300 and §5-301, adopted
April 6, 2023):

- **Selection rate** (§5-300): the number of individuals in a category who were selected
  to move forward, divided by the number of individuals in the category. Here "selected"
  means the candidate reached the *screen* stage of the opening or a later one
  (``resumatch.fairness.sample``).
- **Scoring rate** (§5-300; §5-301(c) for tools that only score): the share of a
  category whose score is above the median score of the full sample. Here the score is
  the candidate's fit (0-100) for the opening; "above" is strictly above, so a candidate
  exactly at the median does not count.
- **Impact ratio** (§5-300): a category's rate divided by the rate of the category with
  the highest rate.
- Computed separately for sex categories, race/ethnicity categories, and the
  intersectional categories of sex with race/ethnicity (§5-301(b) and (c)).
- Individuals whose category is unknown (no categories uploaded, or declined) are left
  out of the calculation, and their number is reported, as §5-301(b) and (c) ask.
- A category with less than 2% of the data may be left out of the impact-ratio calculation
  (§5-301(d)); its count and rate are still reported, with the reason.

On top of the rule, and configurable: a category with fewer than ``min_count``
individuals gets no impact ratio either ("too few to judge"): a rate of 1 of 2 says
little. Neither an excluded nor a too-few category can be the highest-rate reference.

The four-fifths flag marks an impact ratio under 0.8: "A selection rate for any race,
sex, or ethnic group which is less than four-fifths (4/5) (or eighty percent) of the rate
for the group with the highest rate will generally be regarded ... as evidence of adverse
impact" (EEOC Uniform Guidelines on Employee Selection Procedures, 29 CFR §1607.4(D)). It
is a warning line, not a finding: §1607.4(D) itself notes that small numbers can make it
misleading.

Example (the sex rows of the scoring-rate example in 6 RCNY §5-301):
    >>> rows = impact_ratios({"Male": (92, 50), "Female": (76, 34)}, min_count=1)
    >>> [(r.category, round(r.rate, 3), round(r.impact_ratio, 2)) for r in rows]
    [('Male', 0.543, 1.0), ('Female', 0.447, 0.82)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from resumatch.fairness.categories import (
    DECLINED,
    RACE_ETHNICITY_CATEGORIES,
    SEX_CATEGORIES,
    UNKNOWN,
)

FOUR_FIFTHS = 0.8  # 29 CFR §1607.4(D)
SMALL_SHARE = 0.02  # 6 RCNY §5-301(d): a category under 2% of the data may be excluded
DEFAULT_MIN_COUNT = 5  # ours, configurable: fewer individuals than this are "too few"

JUDGED = "judged"
TOO_FEW = "too_few"
SMALL = "under_2_percent"
NO_REFERENCE = "no_reference"  # nobody in any judged category was selected / scored above
STATUS_TEXT = {
    JUDGED: "",
    TOO_FEW: "too few to judge (fewer than {min_count})",
    SMALL: "under 2% of the sample: left out of impact ratios (6 RCNY §5-301(d))",
    NO_REFERENCE: "no impact ratio: the highest rate of the judged categories is 0",
}

SEX, RACE, INTERSECTION = "sex", "race_ethnicity", "intersection"
TABLES = (SEX, RACE, INTERSECTION)
TABLE_TITLES = {SEX: "Sex", RACE: "Race/ethnicity", INTERSECTION: "Sex × race/ethnicity"}
SELECTION, SCORING = "selection", "scoring"


@dataclass(frozen=True)
class CategoryRate:
    """One category's rate and impact ratio for one kind of rate.

    Attributes:
        category: the category's name.
        individuals: individuals counted (for a scoring rate: those with a score).
        hits: of those, selected (selection rate) or scored above the median (scoring).
        rate: ``hits / individuals`` (None for an empty category).
        impact_ratio: ``rate / highest rate`` among judged categories, or None when the
            category is not judged (see ``status``) or no judged category has a rate above 0.
        status: ``judged``, ``too_few``, ``under_2_percent`` or ``no_reference``.
        share: the category's share of the whole sample (unknowns included).
    """

    category: str
    individuals: int
    hits: int
    rate: float | None
    impact_ratio: float | None
    status: str
    share: float

    @property
    def flagged(self) -> bool:
        """True when the impact ratio is under four fifths (29 CFR §1607.4(D))."""
        return self.impact_ratio is not None and self.impact_ratio < FOUR_FIFTHS


def impact_ratios(counts: Mapping[str, tuple[int, int]], sample_size: int | None = None,
                  min_count: int = DEFAULT_MIN_COUNT,
                  exclude_small: bool = True) -> list[CategoryRate]:
    """Rates and impact ratios of categories from ``{category: (individuals, hits)}``.

    Args:
        counts: per category, how many individuals and how many of them were selected (or
            scored above the median). Order is kept in the result.
        sample_size: the size of the whole sample the 2% rule is measured against
            (default: the sum of ``individuals``). Pass the full sample, unknowns included.
        min_count: categories with fewer individuals are "too few to judge" (0 or 1: off).
        exclude_small: leave categories under 2% of the sample out of the impact ratios
            (6 RCNY §5-301(d); the rule allows it, the auditor decides).

    Raises:
        ValueError: a negative count, or more hits than individuals.
    """
    total = sample_size if sample_size is not None else sum(n for n, _ in counts.values())
    statuses: dict[str, str] = {}
    rates: dict[str, float | None] = {}
    for category, (individuals, hits) in counts.items():
        if individuals < 0 or hits < 0 or hits > individuals:
            raise ValueError(f"{category}: {hits} hits of {individuals} individuals")
        rates[category] = hits / individuals if individuals else None
        share = individuals / total if total else 0.0
        if exclude_small and share < SMALL_SHARE:
            statuses[category] = SMALL
        elif individuals < max(min_count, 1):
            statuses[category] = TOO_FEW
        else:
            statuses[category] = JUDGED
    judged = [rates[c] for c, s in statuses.items() if s == JUDGED and rates[c] is not None]
    highest = max(judged, default=0.0)
    out = []
    for category, (individuals, hits) in counts.items():
        status, rate = statuses[category], rates[category]
        ratio = None
        if status == JUDGED and rate is not None:
            if highest > 0:
                ratio = rate / highest
            else:
                status = NO_REFERENCE
        out.append(CategoryRate(category, individuals, hits, rate, ratio, status,
                                individuals / total if total else 0.0))
    return out


# -- a whole sample ----------------------------------------------------------------------

@dataclass(frozen=True)
class AuditRecord:
    """One candidate decision being audited: a candidate placed in an opening.

    ``sex`` and ``race_ethnicity`` are EEO-1 categories, ``declined`` or ``unknown``;
    ``selected`` says whether the candidate reached the screen stage or later; ``fit`` is
    the 0-100 fit the product gave them for the opening (None: never scored).
    """

    candidate_id: int
    opening_id: int
    sex: str
    race_ethnicity: str
    selected: bool
    fit: float | None


@dataclass(frozen=True)
class ImpactTable:
    """One table of the report (sex, race/ethnicity or intersection) for one rate."""

    table: str
    rate: str
    rows: list[CategoryRate]
    unknown: int  # individuals left out: category not uploaded or declined
    declined: int


@dataclass
class ImpactReport:
    """Selection and scoring impact ratios of a sample, per table, with its settings."""

    scope: str
    n_records: int
    n_scored: int
    median_fit: float | None
    min_count: int
    exclude_small: bool
    tables: list[ImpactTable] = field(default_factory=list)

    def table(self, table: str, rate: str) -> ImpactTable:
        """One table by name (``sex``/``race_ethnicity``/``intersection``) and rate
        (``selection``/``scoring``)."""
        return next(t for t in self.tables if t.table == table and t.rate == rate)

    @property
    def flagged(self) -> list[tuple[str, str, CategoryRate]]:
        """(table, rate, row) of every impact ratio under four fifths."""
        return [(t.table, t.rate, row) for t in self.tables for row in t.rows if row.flagged]


def intersection_label(sex: str, race_ethnicity: str) -> str:
    """The name of an intersectional category: ``Female · Asian``."""
    return f"{sex} · {race_ethnicity}"


def _ordered(found: Iterable[str], known: Sequence[str]) -> list[str]:
    present = set(found)
    return [c for c in known if c in present] + sorted(present - set(known))


def _known(value: str) -> bool:
    return value not in (DECLINED, UNKNOWN)


def audit(records: Sequence[AuditRecord], scope: str = "",
          min_count: int = DEFAULT_MIN_COUNT, exclude_small: bool = True) -> ImpactReport:
    """Selection and scoring impact ratios of ``records`` (see the module docstring).

    The median fit is taken over every scored record of the sample, unknown categories
    included ("the median score for the full sample of applicants", §5-301(c)); the
    2% rule is measured against the whole sample, unknowns included.
    """
    fits = np.array([r.fit for r in records if r.fit is not None], dtype=np.float64)
    median = float(np.median(fits)) if fits.size else None
    report = ImpactReport(scope, len(records), int(fits.size), median, min_count,
                          exclude_small)
    sex_order = _ordered((r.sex for r in records if _known(r.sex)), SEX_CATEGORIES)
    race_order = _ordered((r.race_ethnicity for r in records if _known(r.race_ethnicity)),
                          RACE_ETHNICITY_CATEGORIES)
    keyed = {  # table -> (the fields it reads, its category order)
        SEX: (lambda r: (r.sex,), sex_order),
        RACE: (lambda r: (r.race_ethnicity,), race_order),
        INTERSECTION: (lambda r: (r.sex, r.race_ethnicity),
                       [intersection_label(s, e) for s in sex_order for e in race_order]),
    }
    for table, (fields_of, order) in keyed.items():
        for rate in (SELECTION, SCORING):
            pool = [r for r in records if rate == SELECTION or r.fit is not None]
            counts: dict[str, list[int]] = {}
            unknown = declined = 0
            for record in pool:
                values = fields_of(record)
                if not all(_known(v) for v in values):
                    unknown += 1
                    declined += DECLINED in values
                    continue
                key = values[0] if len(values) == 1 else intersection_label(*values)
                hit = (record.selected if rate == SELECTION
                       else median is not None and record.fit > median)
                tally = counts.setdefault(key, [0, 0])
                tally[0] += 1
                tally[1] += int(hit)
            ordered = {c: (counts[c][0], counts[c][1]) for c in order if c in counts}
            rows = impact_ratios(ordered, sample_size=len(pool), min_count=min_count,
                                 exclude_small=exclude_small)
            report.tables.append(ImpactTable(table, rate, rows, unknown, declined))
    return report
