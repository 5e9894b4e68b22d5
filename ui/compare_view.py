"""Compare candidates side by side (placeholder until the compare view lands)."""

from __future__ import annotations

from resumatch.pipeline import MatchResult


def render(result: MatchResult) -> None:
    """Requirement-by-requirement comparison of a few candidates for one job."""
    return None
