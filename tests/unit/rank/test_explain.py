"""Fit calibration, matched/missing terms (verbatim, alias, by meaning), the summary line,
passages from the windows that drove the score, and passages in context."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES, WordEncoder

from resumatch.embed.embedding import Chunking, Embedder
from resumatch.ingest.documents import Document, read_files
from resumatch.rank.explain import (
    FIT_CENTER,
    FIT_MAPPING,
    MemoEncoder,
    TermMatch,
    clip,
    context_window,
    evidence_phrases,
    explain,
    fit_score,
    match_terms,
    summary_line,
    top_passages,
)

JOB = """Data Engineer
Requirements
- Spark and Airflow pipelines
- Kubernetes
- SQL
Nice to have
- Terraform
"""


def test_fit_is_a_monotone_logistic_of_the_ranking_score() -> None:
    scores = np.array([-1.0, 0.0, FIT_CENTER, 0.6, 1.0, 5.0])
    fit = fit_score(scores)
    assert fit[2] == 50.0
    assert (np.diff(fit) >= 0).all()
    assert fit.min() >= 0.0 and fit.max() <= 100.0
    assert fit_score(np.zeros((2, 3))).shape == (2, 3)
    assert "logistic" in FIT_MAPPING.lower() or "exp" in FIT_MAPPING


def test_terms_are_matched_verbatim_by_alias_and_listed_missing() -> None:
    resume = "Built Spark jobs on k8s with SQL. Mentored interns."
    terms = {t.term: t for t in match_terms(JOB, resume)}
    assert terms["Spark"].matched and terms["Spark"].how == "named"
    assert terms["Kubernetes"].evidence == "k8s"  # the vocabulary alias
    assert terms["SQL"].matched
    assert not terms["Airflow"].matched and terms["Airflow"].required
    assert not terms["Terraform"].matched and not terms["Terraform"].required


def test_synonyms_are_caught_by_embedding_similarity(base_encoder) -> None:
    job = "ICU nurse\n- Care for ventilated patients\n- Titrating vasoactive medications"
    resume = "Critical care RN. Ventilator management for post-op patients every shift."
    terms = {t.term: t for t in match_terms(job, resume, base_encoder)}
    found = terms["ventilated patients"]
    assert found.how == "similar" and found.evidence == "ventilator management"
    assert found.similarity >= 0.65
    # Without an encoder the same term has no evidence: string equality alone misses it.
    plain = {t.term: t for t in match_terms(job, resume)}
    assert not plain["ventilated patients"].matched


def test_summary_names_strengths_then_required_gaps() -> None:
    terms = [TermMatch("Spark", True, "spark"), TermMatch("dbt", False),
             TermMatch("Kafka", True), TermMatch("SQL", True, "sql")]
    assert summary_line(terms) == "Strong on Spark, SQL; no evidence of Kafka, dbt."
    assert summary_line(terms[:1]) == "Strong on Spark; every listed term has evidence."
    assert summary_line([TermMatch("Kafka", True)]) == "No evidence of Kafka."
    assert summary_line([]).startswith("No skills or terms")


def test_evidence_phrases_are_skills_and_multiword_phrases() -> None:
    phrases = evidence_phrases("Python developer. Built data pipelines; data pipelines again.")
    assert phrases[0] == "python"
    assert "data pipelines" not in phrases[1:] or phrases.count("data pipelines") == 1
    assert all(len(p.split()) > 1 or p in ("python", "etl") for p in phrases)


def test_memo_encoder_embeds_each_text_once() -> None:
    words = WordEncoder()
    memo = MemoEncoder(words)
    first = memo.encode(["a b", "c d"])
    again = memo.encode(["c d", "a b", "e"])
    assert words.encoded == ["a b", "c d", "e"]
    np.testing.assert_array_equal(again[1], first[0])
    assert memo.model_id == "words" and memo.dim == words.dim


def test_memo_encoder_keeps_vectors_in_the_store_for_the_next_run(store) -> None:
    words = WordEncoder()
    first = MemoEncoder(words, store).encode(["spark pipelines", "icu nurse"])
    later = WordEncoder()
    again = MemoEncoder(later, store).encode(["icu nurse", "spark pipelines", "audit"])
    assert later.encoded == ["audit"]  # only the new text reached the model
    np.testing.assert_allclose(again[:2], first[::-1])


def test_top_passages_come_from_the_windows_that_match() -> None:
    filler = " ".join(f"retail{i}" for i in range(60))
    text = (f"{filler}.\nManaged store staff and inventory.\n{filler}.\n"
            "- Built spark pipelines with airflow and kafka.\n- Tuned SQL for analysts.")
    encoder = WordEncoder(max_tokens=40)
    embedder = Embedder(encoder, None, Chunking(window=40, overlap=4))
    resume, job = embedder.embed([Document("omar", text),
                                  Document("de", "Spark pipelines with airflow and kafka.")])
    assert len(resume.spans) > 2
    encoder.encoded.clear()
    resume_best, job_best = top_passages(resume, job, encoder, top=2, windows=1)
    assert resume_best[0].text == "- Built spark pipelines with airflow and kafka."
    assert text[resume_best[0].start:resume_best[0].end] == resume_best[0].text
    assert job_best[0].counterpart == resume_best[0].text
    # Only passages of the best window were embedded, not the retail filler around it.
    assert not any("Managed store" in t for t in encoder.encoded)


def test_explain_puts_it_together_for_a_known_pair(base_encoder) -> None:
    resumes, _ = read_files([SAMPLE_RESUMES / "alice_nguyen_data_engineer.txt"])
    jobs, _ = read_files([SAMPLE_JOBS / "senior_data_engineer.md"])
    resume, job = Embedder(base_encoder).embed(resumes + jobs)
    found = explain(resume, job, MemoEncoder(base_encoder), cosine=0.71, fit=97.0)
    assert found.cosine == pytest.approx(0.71) and found.fit == 97.0
    assert len(found.resume_passages) == 3 and len(found.job_passages) == 3
    matched = {t.term for t in found.matched}
    assert {"Spark", "Airflow", "Kafka", "SQL"} <= matched
    assert found.summary.startswith("Strong on ")
    assert "no evidence of" in found.summary
    assert all(t.term not in matched for t in found.missing)


def test_context_window_marks_where_text_was_cut() -> None:
    text = "alpha beta gamma delta PASSAGE here epsilon zeta eta theta"
    start = text.index("PASSAGE")
    before, inside, after = context_window(text, start, start + len("PASSAGE here"), chars=12)
    assert inside == "PASSAGE here"
    assert before.startswith("… ") and before.endswith("delta ")
    assert after.endswith(" …") and after.startswith(" epsilon")
    assert context_window("short", 0, 5) == ("", "short", "")
    assert clip("a b c d", words=2) == "a b …"
