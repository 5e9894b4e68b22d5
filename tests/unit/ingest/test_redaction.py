"""Blind screening: what is redacted, what is kept, and the Candidate N labels."""

from __future__ import annotations

import pytest

from resumatch.ingest.documents import Document
from resumatch.ingest.redaction import (
    blind_documents,
    candidate_label,
    header_name,
    leak_counts,
    redact,
    redact_text,
)

RESUME = """JOHN SMITH | Senior Data Engineer | john.smith@example.org | 555-123-4567
123 Main Street, Springfield, IL 62704
linkedin.com/in/johnsmith  https://github.com/jsmith  @jsmith_dev
Date of Birth: 12/05/1990, Age: 33, Gender: Male, Marital Status: Married
Experience
Acme Corp, 2015-2019: built Spark pipelines; 5 years of experience with Python and SQL.
Smith led the migration. He mentored two juniors. Mr. Smith's team used MS Office.
Education
B.Sc. Computer Science, University of Illinois, 2012
"""


def test_a_typical_header_loses_every_personal_detail() -> None:
    result = redact(RESUME)
    text = result.text
    for secret in ("JOHN", "SMITH", "Smith", "john.smith", "555-123-4567", "Main Street",
                   "62704", "linkedin", "github", "jsmith", "12/05/1990", "33", "Male",
                   "Married", "2012", " He ", "Mr."):
        assert secret not in text, secret
    assert text.startswith("[name] | Senior Data Engineer | [email] | [phone]\n[address]\n")
    assert "[date of birth], [age], [gender], [personal]" in text
    assert "University of Illinois, [year]" in text
    assert "They mentored two juniors" in text
    assert result.counts["email"] == 1 and result.counts["phone"] == 1
    assert result.counts["link"] == 3
    assert "JOHN SMITH" in result.names


def test_work_content_is_kept() -> None:
    text = redact_text(RESUME)
    for kept in ("Senior Data Engineer", "Acme Corp, 2015-2019", "Spark pipelines",
                 "5 years of experience with Python and SQL", "MS Office",
                 "B.Sc. Computer Science"):
        assert kept in text, kept


@pytest.mark.parametrize("phone", [
    "+1 (555) 123-4567", "(555) 123-4567", "555.123.4567", "+44 20 7946 0958",
    "+91 98765 43210", "9876543210", "09876971076", "07911 123456", "+49 30 901820",
])
def test_phone_formats(phone: str) -> None:
    assert redact_text(f"Call me: {phone} any time") == "Call me: [phone] any time"


@pytest.mark.parametrize("not_a_phone", [
    "2015-2019", "2006-2007 2008-2009", "12/05/2019", "07-11-2016", "ISO 9001",
    "3.5 GPA", "1,200 users",
])
def test_dates_and_numbers_are_not_phones(not_a_phone: str) -> None:
    assert "[phone]" not in redact_text(f"Worked {not_a_phone} at Acme")


@pytest.mark.parametrize(("text", "expected"), [
    ("Mail jane.doe+cv@mail.co.uk now", "Mail [email] now"),
    ("Mail jane [at] mail [dot] com now", "Mail [email] now"),
    ("See www.janedoe.dev/portfolio.", "See [link]"),
    ("See janedoe.dev and ASP.NET", "See [link] and ASP.NET"),
    ("Twitter: @jane_doe", "[link]"),
    ("GitHub: janedoe", "[link]"),
    ("Born on 5th March 1995 in Pune", "[date of birth] in Pune"),
    ("DOB - 1995-03-05", "[date of birth]"),
    ("I am 28 years old", "I am [age]"),
    ("Sex: F", "[gender]"),
    ("Nationality: Indian; Religion: Hindu", "[personal]; [personal]"),
    ("Father's Name: Ramesh Kumar", "[personal]"),
    ("Address: Flat 4, Shanti Nagar, Pune\nSkills", "[address]\nSkills"),
    ("Lives at 42 Baker St., London NW1 6XE", "Lives at [address] [address]"),
    ("Class of 2009, Springfield High School", "Class of [year], Springfield High School"),
    ("MBA 2014 from IIM", "MBA [year] from IIM"),
    ("B.Sc. Computer Science, 2012.", "B.Sc. Computer Science, [year]."),
    ("GPA 3.2012 at college", "GPA 3.2012 at college"),
    ("Joined Acme in 2014 as analyst", "Joined Acme in 2014 as analyst"),
    ("She is a nurse; her patients", "They are a nurse; their patients"),
])
def test_each_kind_of_detail(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_names_from_labels_email_and_first_name_list() -> None:
    text = ("Name: Priya Sharma\nSkills: Python\nReferences: contact Rahul Verma.\n"
            "Priya led the team; Sharma wrote the docs.")
    out = redact_text(text)
    assert "Priya" not in out and "Sharma" not in out and "Rahul Verma" not in out
    assert "Skills: Python" in out
    out = redact_text("Data analyst\nReach me at bhawana.chd@gmail.com\nBhawana built dashboards")
    assert "Bhawana" not in out and "[name] built dashboards" in out


def test_names_next_to_contact_details() -> None:
    out = redact_text("Objective: growth\nContact: Zoltan Kovacs, zk@mail.hu, +36 1 234 5678")
    assert "Zoltan" not in out and "Kovacs" not in out
    assert "Contact: [name], [email], [phone]" in out


@pytest.mark.parametrize(("first_line", "name"), [
    ("Jane Doe", ["Jane", "Doe"]),
    ("JANE DOE | Data engineer", ["JANE", "DOE"]),
    ("Mr. Aoife Byrne, nurse", ["Aoife", "Byrne"]),
    ("Senior Data Engineer", []),
    ("Professional Summary", []),
    ("Hard Working Team Player", []),
    ("Skills * Programming Languages: Python", []),
    ("Education Details January 2014 LLM", []),
])
def test_header_line(first_line: str, name: list[str]) -> None:
    assert header_name(f"\n  {first_line}\nExperience: nursing") == name


@pytest.mark.parametrize(("text", "gone"), [
    ("My name is Zoltan Kovacs and I weld.", ["Zoltan", "Kovacs"]),
    ("Resume of Dagny Solberg\nWelder", ["Dagny", "Solberg"]),
    ("Personal details: Farrukh Karimov; DOB 01/02/1990", ["Farrukh", "Karimov", "1990"]),
    ("Welder.\nSincerely,\nAoife O'Malley", ["Aoife", "O'Malley"]),
    ("SIOBHAN O'MALLEY\nNurse", ["SIOBHAN", "O'MALLEY"]),
    ("Welder\nKenji Q. Watanabe (46 yrs) | 555-201-3344", ["Kenji", "Watanabe", "46", "555"]),
    ("Born in 1990 in Oslo", ["1990"]),
    ("Lives at Flat 12B, Sunshine Apartments, Andheri West, Mumbai 400053.",
     ["12B", "Sunshine", "Andheri", "400053"]),
    ("Office: Pune - 411 001", ["411"]),
])
def test_names_and_details_outside_a_header(text: str, gone: list[str]) -> None:
    out = redact_text(text)
    for secret in gone:
        assert secret not in out, (secret, out)


def test_institutions_named_after_people_are_not_first_name_pairs() -> None:
    assert redact_text("MBA, George Mason University") == "MBA, George Mason University"


def test_redaction_is_deterministic_and_idempotent() -> None:
    once = redact_text(RESUME)
    assert redact_text(RESUME) == once
    assert redact_text(once) == once


def test_blind_documents_are_numbered_candidates_without_file_names() -> None:
    docs = [Document("jane_doe_cv", "Jane Doe\njane@doe.org\nNurse", "jane_doe_cv.pdf"),
            Document("bo", "Bo Li\nWelder", "bo.txt")]
    blind = blind_documents(docs)
    assert [(d.name, d.source) for d in blind] == [("Candidate 1", "Candidate 1"),
                                                   ("Candidate 2", "Candidate 2")]
    assert blind[0].text == "[name]\n[email]\nNurse"
    assert candidate_label(7) == "Candidate 7"
    assert blind_documents(docs, start=7)[0].name == "Candidate 7"


def test_leak_check_finds_nothing_after_redaction() -> None:
    before = leak_counts(RESUME)
    assert before == {"email": 1, "phone": 1, "url": 2}
    assert leak_counts(redact_text(RESUME)) == {"email": 0, "phone": 0, "url": 0}
