"""Filter widgets on structured fields (minimum years, degree at least X, must-have
skills), shared by the Pool page and the Match page's ranked list."""

from __future__ import annotations

import streamlit as st

from resumatch.pool.filters import DEGREE_CHOICES, FieldFilter, parse_skills


def render(prefix: str) -> FieldFilter:
    """Three inputs in a row; returns the filter they describe (inactive by default)."""
    years, degree, skills = st.columns([1, 1, 2])
    min_years = years.number_input("Minimum years of experience", min_value=0.0,
                                   max_value=60.0, value=0.0, step=1.0,
                                   key=f"{prefix}_min_years")
    level = degree.selectbox("Degree at least", DEGREE_CHOICES, key=f"{prefix}_degree")
    typed = skills.text_input("Must have all of these skills", key=f"{prefix}_skills",
                              placeholder="e.g. Python, SQL, Airflow")
    return FieldFilter(min_years=min_years or None,
                       degree=None if level == "any" else level,
                       skills=parse_skills(typed))
