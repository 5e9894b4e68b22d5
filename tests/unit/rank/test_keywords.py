"""Tokens, BM25 over a pool, boilerplate removal, and the terms a job asks for."""

from __future__ import annotations

import numpy as np
import pytest

from resumatch.rank.keywords import (
    KeywordIndex,
    Term,
    contains_term,
    find_skills,
    job_terms,
    keyword_matrix,
    noun_phrases,
    strip_boilerplate,
    tokenize,
    vocabulary,
)

JOB = """Senior Data Engineer

About the role
Acme Freight moves data for shippers. You will mentor junior engineers.

Requirements
- Strong SQL and data modeling
- Apache Spark (PySpark) and Airflow pipelines
- Experience with K8s

Nice to have
- dbt or Snowflake
- Terraform

Benefits
Medical, dental and vision, a 401(k) match and paid time off.

We are an equal opportunity employer and consider all applicants without regard to race.
"""


def test_tokens_are_lowercase_words_without_stopwords_and_keep_c_plus_plus() -> None:
    assert tokenize("The C++ and C# developers, in Python!") == [
        "c++", "c#", "developers", "python"]
    assert tokenize("The team", drop_stopwords=False) == ["the", "team"]
    assert tokenize("Naïve Bayes") == ["naïve", "bayes"]


def test_bm25_ranks_the_document_that_shares_rare_terms_first() -> None:
    pool = ["java spring hibernate developer", "icu nurse ventilator care",
            "payroll audit ledger accountant", "java nurse"]
    scores = KeywordIndex(pool).scores("java spring developer")
    assert int(np.argmax(scores)) == 0
    assert scores[1] == 0 and scores[2] == 0
    matrix = keyword_matrix(pool, ["java spring developer", "icu nurse"])
    assert matrix.shape == (4, 2)
    np.testing.assert_allclose(matrix[:, 0], scores)
    assert int(np.argmax(matrix[:, 1])) == 1


def test_bm25_handles_empty_pools_and_queries() -> None:
    assert keyword_matrix([], ["x"]).shape == (0, 1)
    assert keyword_matrix(["a b"], []).shape == (1, 0)
    np.testing.assert_array_equal(KeywordIndex(["the", "a"]).scores("java"), [0.0, 0.0])
    np.testing.assert_array_equal(KeywordIndex(["java"]).scores("the and"), [0.0])


def test_strip_boilerplate_drops_benefits_and_eeo_but_keeps_the_work() -> None:
    clean = strip_boilerplate(JOB)
    assert "401(k)" not in clean and "equal opportunity" not in clean
    assert "Benefits" not in clean
    for kept in ("Senior Data Engineer", "About the role", "- Strong SQL and data modeling",
                 "Nice to have", "- Terraform"):
        assert kept in clean
    # A post that is nothing but boilerplate is returned as it was, not emptied.
    only = "We are an equal opportunity employer."
    assert strip_boilerplate(only) == only


def test_vocabulary_is_shipped_and_aliases_find_skills() -> None:
    names = {skill.name for skill in vocabulary()}
    assert {"python", "kubernetes", "machine learning", "c#", "nursing"} <= names
    found = [s.name for s in find_skills("Ran K8s clusters; trained ML models; wrote C# and "
                                         "PySpark jobs; ICU nurses")]
    assert found == ["kubernetes", "machine learning", "c#", "spark", "icu", "nursing"]
    # Plurals fold: "data pipelines" is the ETL skill.
    assert [s.name for s in find_skills("built data pipelines")] == ["etl"]


def test_noun_phrases_keep_content_runs_and_split_lists() -> None:
    assert noun_phrases("Strong SQL skills, including query tuning and data modeling.") == [
        "sql", "query tuning", "data modeling"]
    # A leading verb is the duty, not the skill; long runs are a list of skills.
    assert noun_phrases("building web applications") == ["web applications"]
    assert noun_phrases("python java scala kotlin rust") == [
        "python", "java", "scala", "kotlin", "rust"]


def test_job_terms_put_listed_required_skills_first_and_mark_nice_to_haves() -> None:
    terms = job_terms(strip_boilerplate(JOB))
    by_name = {t.text: t for t in terms}
    assert [t.text for t in terms[:5]] == ["sql", "data modeling", "spark", "airflow",
                                          "kubernetes"]
    assert all(by_name[n].required and by_name[n].listed for n in ("sql", "kubernetes"))
    assert not by_name["dbt"].required and not by_name["terraform"].required
    assert by_name["mentoring"].required and not by_name["mentoring"].listed
    assert "acme freight" not in by_name  # company prose mentioned once is not a term
    assert "medical" not in " ".join(by_name)  # boilerplate was stripped first
    required = [t.required for t in terms]
    assert required == sorted(required, reverse=True)


def test_contains_term_finds_any_spelling_and_folds_plurals() -> None:
    tokens = tokenize("Maintained k8s clusters and ETL pipeline", drop_stopwords=False)
    assert contains_term(tokens, Term("kubernetes", ("k8s", "openshift"))) == "k8s"
    assert contains_term(tokens, Term("data pipelines")) is None
    assert contains_term(tokenize("wrote etl pipelines"), Term("etl pipeline")) == "etl pipeline"
    assert contains_term([], Term("sql")) is None


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_degenerate_texts_give_no_terms(text: str) -> None:
    assert job_terms(text) == []
    assert find_skills(text) == []
