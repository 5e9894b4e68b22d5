"""Candidates that persist: the shortlist (openings and the talent pool to come)."""
