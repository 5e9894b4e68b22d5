"""Filters on structured fields: minimum years, degree at least X, must have all skills.

A candidate whose field is unknown does not pass a filter on that field (a recruiter
who knows better corrects the field, and the correction counts). Skills are compared by
their vocabulary name, so "K8s" asks for Kubernetes; a skill outside the vocabulary is
compared as typed (lower case).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from resumatch.ingest.fields import DEGREE_LEVELS, degree_rank
from resumatch.pool.field_store import Profile
from resumatch.rank.keywords import find_skills


def parse_skills(text: str | Sequence[str]) -> tuple[str, ...]:
    """Skills typed by a recruiter ("Python, K8s") as vocabulary names.

    Example:
        >>> parse_skills("Python, K8s, underwater welding")
        ('python', 'kubernetes', 'underwater welding')
    """
    parts = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        found = find_skills(part)
        out.append(found[0].name if len(found) == 1 else part.lower())
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class FieldFilter:
    """What a shown list must satisfy; the defaults filter nothing.

    Raises:
        ValueError: (on construction) for negative years or an unknown degree level.
    """

    min_years: float | None = None
    degree: str | None = None
    skills: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.min_years is not None and self.min_years < 0:
            raise ValueError("minimum years must be 0 or more")
        if self.degree:
            degree_rank(self.degree)  # raises for an unknown level

    @property
    def active(self) -> bool:
        return bool(self.min_years or self.degree or self.skills)

    def matches(self, profile: Profile | None) -> bool:
        """Whether one candidate's fields pass."""
        if not self.active:
            return True
        if profile is None:
            return False
        if self.min_years:
            years = profile.years
            if years is None or years < self.min_years:
                return False
        if self.degree and profile.degree_rank < degree_rank(self.degree):
            return False
        if self.skills and not set(self.skills) <= set(profile.skills):
            return False
        return True

    def mask(self, profiles: Sequence[Profile | None]) -> np.ndarray:
        """A boolean array: which of ``profiles`` pass."""
        return np.fromiter((self.matches(p) for p in profiles), dtype=bool, count=len(profiles))

    def describe(self) -> str:
        """"at least 3 years · bachelor or higher · python, sql" ("" when inactive)."""
        parts = []
        if self.min_years:
            parts.append(f"at least {self.min_years:g} years")
        if self.degree:
            parts.append(f"{self.degree} or higher")
        if self.skills:
            parts.append(", ".join(self.skills))
        return " · ".join(parts)


DEGREE_CHOICES = ("any", *DEGREE_LEVELS)
