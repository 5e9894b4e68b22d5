"""Structured fields from resume text: years from date ranges, degree, title, location,
skills, each with its passage."""

from __future__ import annotations

from datetime import date

import pytest

from resumatch.ingest.fields import (
    degree_rank,
    extract_fields,
    highest_degree,
    job_date_ranges,
    location,
    most_recent_title,
    years_of_experience,
)
from resumatch.rank.keywords import find_skills

AS_OF = date(2024, 6, 1)


def test_years_union_of_job_ranges_without_education() -> None:
    text = ("Senior Accountant\nJan 2018 - Present\nAcme\n"
            "Accountant\n03/2014 to 12/2018\nBeta\n"  # overlaps the next job by a year
            "Education\nB.Com, Mumbai University, 2010 - 2013\n")
    found = years_of_experience(text, AS_OF)
    # Mar 2014 .. Jun 2024 = 123 months
    assert found.value == 10.2
    assert found.passage.startswith("Jan 2018 - Present")
    assert text[found.start:found.end] == "Jan 2018 - Present"
    assert len(job_date_ranges(text, AS_OF)) == 2


def test_years_formats_and_fallback_to_a_stated_number() -> None:
    assert years_of_experience("Chef\nJul 2010\nto\nJan 2013\n", AS_OF).value == 2.5
    assert years_of_experience("Welder 2009 – 2014", AS_OF).value == 5.0
    assert years_of_experience("Driver, June 2020 – Current", AS_OF).value == 4.0
    stated = years_of_experience("Over 7 years of hands-on experience in sales.", AS_OF)
    assert stated.value == 7.0 and "7 years" in stated.passage
    assert years_of_experience("No dates here", AS_OF).value is None


@pytest.mark.parametrize(("text", "level"), [
    ("Ph.D. in Physics, MIT", "doctorate"),
    ("MBA, Finance\nB.Tech Computer Science", "master"),
    ("Bachelor of Science in Nursing", "bachelor"),
    ("B.E. (Mechanical), Pune", "bachelor"),
    ("Associate of Applied Science, Culinary Arts", "associate"),
    ("High School Diploma", "high school"),
    ("Skilled in MS Office and MS Excel; Boston, MA", None),
])
def test_highest_degree(text: str, level: str | None) -> None:
    found = highest_degree(text)
    assert found.value == level
    if level:
        assert found.passage and text[found.start:found.end]


def test_degree_rank_orders_levels() -> None:
    assert degree_rank(None) == 0 < degree_rank("high school") < degree_rank("associate") \
        < degree_rank("bachelor") < degree_rank("master") < degree_rank("doctorate")
    with pytest.raises(ValueError):
        degree_rank("wizard")


def test_most_recent_title_is_next_to_the_latest_range() -> None:
    text = ("Work History\nJunior Developer\nJan 2012 - Dec 2015\nCompany Name\n"
            "Lead Developer\nJan 2016 - Present\nCompany Name\n")
    found = most_recent_title(text, AS_OF)
    assert found.value == "Lead Developer" and found.passage == "Lead Developer"
    assert most_recent_title("Designation: QA Engineer (2019 - 2021)", AS_OF).value == \
        "QA Engineer"


def test_location_labelled_or_in_the_header_not_a_placeholder() -> None:
    assert location("Jane Doe\nLocation: Pune, Maharashtra\n").value == "Pune, Maharashtra"
    assert location("Jane Doe | Austin, TX 78701 | jane@x.com").value == "Austin, TX 78701"
    assert location("Cook\nCompany Name City , State\n").value is None
    assert location("Skills\ncity planning and zoning").value is None


def test_extract_fields_with_the_skills_vocabulary() -> None:
    found = extract_fields("Data engineer\nBuilt K8s jobs in Python and SQL.", AS_OF,
                           find_skills=find_skills)
    assert found["skills"].value == ["kubernetes", "python", "sql"]
    assert found["skills"].passage == "Built K8s jobs in Python and SQL."
    assert extract_fields("Python", AS_OF)["skills"].value == []  # no vocabulary given
