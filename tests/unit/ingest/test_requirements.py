"""Requirement items from job posts of different shapes: markdown headings with bullets,
one paragraph, plain-text headings, inline headings, a bare list, and no heading at all."""

from __future__ import annotations

import pytest
from fixtures_docs import SAMPLE_JOBS

from resumatch.ingest.documents import read_files
from resumatch.ingest.requirements import (
    BOILERPLATE,
    DUTIES,
    OTHER,
    PREFERRED,
    REQUIRED,
    clean_item,
    extract_requirements,
    section_kind,
    split_sentences,
)

MARKDOWN_POST = """# Backend Engineer

**Company:** Acme Pay (fictional) | **Location:** Remote | **Type:** Full-time

## About us

Acme Pay is a payments company in Lisbon. We move money for 2,000 small shops.

## What you'll do

- Design APIs for merchants
- Keep our services fast

## Requirements

- 4+ years of backend development in Go or Java
- Strong PostgreSQL skills, including query tuning and
  schema design
- Experience running services on Kubernetes

## Nice to have

- Kafka or another event streaming platform
- Payments or fintech background

## Benefits

Competitive salary, 30 days of paid time off, a learning budget.
Acme Pay is an equal opportunity employer and does not discriminate on the basis of race,
religion, sex or disability.
"""

PARAGRAPH_POST = (
    "Brightside Labs is a fast-growing analytics startup in Denver. We are looking for a "
    "data analyst with 3+ years of experience in SQL and Tableau. You can explain numbers "
    "to people who do not love numbers, e.g. sales managers. Experience with Python is a "
    "plus. We offer a competitive salary and dental insurance. Brightside Labs is an equal "
    "opportunity employer."
)

PLAIN_HEADINGS_POST = """REGISTERED NURSE - EMERGENCY DEPARTMENT

ABOUT THE HOSPITAL
Lakeside General is a 300-bed teaching hospital.

QUALIFICATIONS:
1. Active RN license
2) BLS and ACLS certification
3. Two years of emergency nursing experience with trauma patients,
   triage and rapid assessment

PREFERRED:
* TNCC certification

HOW TO APPLY
Send your resume to jobs@example.com.
"""


def texts(post: str) -> list[str]:
    return [r.text for r in extract_requirements(post)]


def test_markdown_headings_keep_only_requirement_sections() -> None:
    found = extract_requirements(MARKDOWN_POST)
    assert [r.text for r in found] == [
        "4+ years of backend development in Go or Java",
        "Strong PostgreSQL skills, including query tuning and schema design",  # wrapped bullet
        "Experience running services on Kubernetes",
        "Kafka or another event streaming platform",
        "Payments or fintech background",
    ]
    assert [r.preferred for r in found] == [False, False, False, True, True]
    assert {r.section for r in found} == {"Requirements", "Nice to have"}


def test_one_paragraph_drops_company_intro_benefits_and_eeo() -> None:
    found = extract_requirements(PARAGRAPH_POST)
    assert [r.text for r in found] == [
        "We are looking for a data analyst with 3+ years of experience in SQL and Tableau.",
        "You can explain numbers to people who do not love numbers, e.g. sales managers.",
        "Experience with Python is a plus.",
    ]
    # "... is a plus" makes a sentence nice-to-have when no section says so.
    assert [r.preferred for r in found] == [False, False, True]


def test_plain_text_headings_numbered_items_and_wrapped_lines() -> None:
    found = extract_requirements(PLAIN_HEADINGS_POST)
    assert [r.text for r in found] == [
        "Active RN license",
        "BLS and ACLS certification",
        "Two years of emergency nursing experience with trauma patients, triage and rapid "
        "assessment",
        "TNCC certification",
    ]
    assert [r.kind for r in found] == [REQUIRED, REQUIRED, REQUIRED, PREFERRED]


def test_inline_headings_and_sentences_in_a_requirements_paragraph() -> None:
    post = ("Data Analyst\nResponsibilities: build monthly reports for finance.\n"
            "Requirements: Excel and SQL. Two years in a finance team.\nPreferred: Power BI.\n"
            "Salary: 50k")
    found = extract_requirements(post)
    assert [r.text for r in found] == ["Excel and SQL.", "Two years in a finance team.",
                                       "Power BI."]
    assert [r.preferred for r in found] == [False, False, True]


def test_bold_headings_and_an_unnamed_sub_heading_inherit_the_section() -> None:
    post = ("**About us**\nWe are a small agency.\n\n**What you bring:**\n- Tableau\n- SQL\n\n"
            "Also great:\n- Stakeholder management\n\n**Perks**\n- Free lunch")
    assert texts(post) == ["Tableau", "SQL", "Stakeholder management"]


def test_without_a_requirements_heading_duties_count_but_benefits_do_not() -> None:
    post = ("Warehouse Associate\n\nResponsibilities\n- Pick and pack orders accurately\n"
            "- Operate a forklift safely\n\nBenefits\n- Weekly pay")
    assert texts(post) == ["Pick and pack orders accurately", "Operate a forklift safely"]
    assert texts("- Java 11+\n- Spring Boot\n- Benefits include health insurance") == [
        "Java 11+", "Spring Boot"]


def test_sample_jobs_give_required_and_nice_to_have_items_without_boilerplate() -> None:
    jobs, errors = read_files([SAMPLE_JOBS])
    assert not errors and len(jobs) == 4
    for job in jobs:
        found = extract_requirements(job.text)
        assert 8 <= len(found) <= 14, (job.name, [r.text for r in found])
        assert any(r.preferred for r in found) and any(not r.preferred for r in found)
        joined = " ".join(r.text for r in found).lower()
        for boilerplate in ("equal opportunity", "salary", "dental", "fictional"):
            assert boilerplate not in joined, (job.name, boilerplate)


def test_duplicates_blank_text_and_the_cap() -> None:
    assert extract_requirements("") == []
    assert texts("Requirements\n- SQL\n- sql\n- **SQL**") == ["SQL"]
    many = "Requirements\n" + "\n".join(f"- Skill number {i}" for i in range(60))
    assert len(extract_requirements(many, max_items=25)) == 25


@pytest.mark.parametrize(("heading", "kind"), [
    ("## Requirements", REQUIRED), ("Minimum qualifications:", REQUIRED),
    ("About you", REQUIRED), ("Preferred qualifications", PREFERRED),
    ("Bonus points", PREFERRED), ("What we offer", BOILERPLATE),
    ("About Acme", BOILERPLATE), ("Equal Opportunity", BOILERPLATE),
    ("What you'll do", DUTIES), ("Senior Data Engineer", OTHER),
])
def test_section_kinds(heading: str, kind: str) -> None:
    assert section_kind(heading) == kind


def test_sentences_and_item_cleaning() -> None:
    assert split_sentences("B.S. in CS or similar. Know SQL, i.e. joins. Ship code.") == [
        "B.S. in CS or similar.", "Know SQL, i.e. joins.", "Ship code."]
    assert clean_item("  2) __Python__ and `pandas`;") == "Python and pandas"


FORMAL_BULLETS = """Accountant II
Job Summary
Under general supervision, the incumbent performs professional accounting work. The
position supports internal and external audits.
Essential Functions
- Analyzes and reconciles general ledger accounts on a monthly basis.
- Prepares journal entries, accruals and adjusting entries.
- Compiles monthly and annual financial statements.
"""

FORMAL_PLAIN_LINES = """Teacher
Teach students in public schools in basic academic and social skills.
Tasks
Establish and enforce rules for behavior among students
Adapt teaching methods and materials to meet students' varying needs
Prepare materials and classrooms for class activities
Observe and evaluate students' performance and behavior
"""

FORMAL_NUMBERED = """CLASS SPECIFICATION: Civil Engineer
Definition
Under general supervision, performs professional civil engineering work.
Examples of Duties
1) Prepares designs, drawings and cost estimates for civil works.
2) Conducts site surveys and soil investigations.
3. Supervises contractors to ensure work follows the
   drawings and specifications.
"""


def test_formal_duty_lists_split_into_requirements() -> None:
    # A formal profile: the duty list, one item per duty, without the summary paragraph.
    assert texts(FORMAL_BULLETS) == [
        "Analyzes and reconciles general ledger accounts on a monthly basis.",
        "Prepares journal entries, accruals and adjusting entries.",
        "Compiles monthly and annual financial statements."]
    # Duties without markers, one per line, are still one requirement each.
    assert texts(FORMAL_PLAIN_LINES) == [
        "Establish and enforce rules for behavior among students",
        "Adapt teaching methods and materials to meet students' varying needs",
        "Prepare materials and classrooms for class activities",
        "Observe and evaluate students' performance and behavior"]
    assert texts(FORMAL_NUMBERED) == [
        "Prepares designs, drawings and cost estimates for civil works.",
        "Conducts site surveys and soil investigations.",
        "Supervises contractors to ensure work follows the drawings and specifications."]
    assert {r.section for r in extract_requirements(FORMAL_BULLETS)} == {"Essential Functions"}


def test_a_responsibilities_block_counts_when_there_are_no_requirements() -> None:
    post = ("Barista\nResponsibilities: prepare espresso drinks; keep the bar clean.\n"
            "Open and close the store on weekends.")
    assert texts(post) == ["prepare espresso drinks; keep the bar clean.",
                           "Open and close the store on weekends."]


@pytest.mark.parametrize(("heading", "kind"), [
    ("Essential Functions", DUTIES), ("Key Accountabilities", DUTIES), ("Tasks", DUTIES),
    ("Examples of Duties", DUTIES), ("Position Purpose", "summary"), ("Definition", "summary"),
    ("Responsibilities and requirements", REQUIRED), ("Your profile", REQUIRED),
    ("Role Profile", "summary"),
])
def test_formal_section_kinds(heading: str, kind: str) -> None:
    assert section_kind(heading) == kind


def test_must_haves_come_from_the_wording() -> None:
    post = ("Nurse\n\nMinimum qualifications\n- Active RN license\n\nRequirements\n"
            "- ICU experience\n- You must work nights\n\nPreferred\n- CCRN, must be current")
    assert [(r.text, r.must, r.preferred) for r in extract_requirements(post)] == [
        ("Active RN license", True, False), ("ICU experience", False, False),
        ("You must work nights", True, False), ("CCRN, must be current", False, True)]
