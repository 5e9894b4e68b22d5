"""Per-requirement evidence with the real model, the name rules, the long-format table,
the passage cache, and more-like-this."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_docs import SAMPLE_JOBS, SAMPLE_RESUMES, WordEncoder

from resumatch.embed.embedding import DocEmbedding
from resumatch.ingest.documents import Document, read_files
from resumatch.ingest.requirements import Requirement
from resumatch.rank.compare import (
    NO_EVIDENCE_BELOW,
    PASSAGES_KEY,
    Evidence,
    PassageIndex,
    compare_candidates,
    fit_score,
    mentions,
    named_terms,
    requires_name,
    similar_resumes,
)

RETAIL_BULLETS = [
    "Managed a garden center with 40 seasonal associates and weekly staffing plans.",
    "Reduced shrink by training associates on receiving procedures and loss prevention.",
    "Handled escalated customer complaints and kept satisfaction above the district average.",
    "Opened and closed the store, counted tills and prepared bank deposits.",
    "Coordinated seasonal resets and promotional displays with the merchandising team.",
    "Placed daily orders with vendors and cut perishable waste by adjusting quantities.",
    "Led quarterly physical inventory counts and resolved variances with finance.",
    "Scheduled shifts to balance labor budget targets with customer traffic peaks.",
]
PIPELINES = ("Since 2023 I build nightly batch ETL pipelines that load point-of-sale data "
             "into a cloud data warehouse for analysts.")
JOB = Document("data_job", "Data Engineer\n\nRequirements\n"
                           "- Experience building data pipelines that load data into a warehouse\n"
                           "- Experience supervising a team of store associates\n\n"
                           "Nice to have\n- CCRN certification\n")


def long_resume() -> Document:
    """A retail career over 600 tokens whose only data work is its last paragraph."""
    jobs = [f"Store Manager, Shop {i} ({2000 + 3 * i} - {2003 + 3 * i})\n"
            + "\n".join(f"- {line}" for line in RETAIL_BULLETS) for i in range(1, 5)]
    return Document("sam_long", "Sam Rivera\n\n" + "\n\n".join(jobs)
                    + f"\n\nRECENT EXPERIENCE\n{PIPELINES}")


NURSE = Document("nurse", "Registered nurse with five years in the ICU.\n"
                          "- Cared for ventilated patients and titrated drips.\n"
                          "- Educated families on discharge plans.\nCertifications: BLS, ACLS")
ACCOUNTANT = Document("accountant", "Staff accountant.\n"
                                    "- Month-end close, account reconciliations and audit.\n"
                                    "- Prepared quarterly tax filings and payroll entries.")


@pytest.fixture(scope="module")
def comparison(base_encoder):
    return compare_candidates(JOB, [long_resume(), NURSE, ACCOUNTANT],
                              PassageIndex(base_encoder), scores={"nurse": 0.2})


def test_a_requirement_met_only_in_the_last_paragraph_of_a_long_resume(
        comparison, base_encoder) -> None:
    resume = long_resume()
    offsets = base_encoder.token_offsets(resume.text)
    assert len(offsets) > 256 * 2  # far past the model's window
    pipelines = [c.evidence[0] for c in comparison.candidates]
    assert [e.met for e in pipelines] == [True, False, False]
    found = pipelines[0]
    assert PIPELINES in found.passage
    assert found.start > offsets[256][0]  # the passage lies past the first window
    assert resume.text[found.start:found.end] == found.passage
    assert found.score >= NO_EVIDENCE_BELOW
    assert max(e.score for e in pipelines[1:]) < NO_EVIDENCE_BELOW


def test_matched_missing_fit_and_no_evidence(comparison) -> None:
    sam, nurse, accountant = comparison.candidates
    assert [r.text for r in sam.matched] == [r.text for r in comparison.requirements[:2]]
    assert [r.text for r in sam.missing] == ["CCRN certification"]
    # Issue 11: the share of requirements met is the coverage; fit is the ranking's
    # 0-100 fit (the same number as matches.csv).
    assert sam.coverage == pytest.approx(2 / 2.5)  # nice-to-have weighs half
    assert accountant.matched == [] and accountant.coverage == 0.0
    assert sam.fit > accountant.fit and sam.summary == "meets 2 of 3 requirements"
    assert comparison.by_fit()[0].name == "sam_long"
    assert sam.top_evidence is not None and sam.top_evidence_text.startswith("Experience")
    assert accountant.top_evidence is None and accountant.top_evidence_text == ""
    assert nurse.score == 0.2 and sam.score is None
    assert comparison.met().shape == comparison.scores().shape == (3, 3)


def test_an_acronym_requirement_needs_a_passage_that_names_it(base_encoder) -> None:
    job = Document("icu", "Requirements\n- CCRN certification\n- Current BLS certification")
    has_ccrn = Document("grace", "Grace Kim, RN\nCertifications: CCRN (critical care)")
    found = compare_candidates(job, [NURSE, has_ccrn], PassageIndex(base_encoder))
    nurse, grace = found.candidates
    # "Certifications: BLS, ACLS" is close to "CCRN certification" for the model, but it
    # does not name CCRN: no evidence.
    assert [e.met for e in nurse.evidence] == [False, True]
    assert nurse.evidence[1].names == ("BLS",)
    assert grace.evidence[0].met and grace.evidence[0].names == ("CCRN",)


def test_long_format_table(comparison) -> None:
    frame = comparison.to_frame()
    # The seven columns scripts rely on come first; issue 11 added the rest.
    assert list(frame.columns)[:7] == ["requirement", "kind", "candidate", "score", "status",
                                       "evidence", "fit"]
    assert list(frame.columns)[7:] == ["mark", "coverage", "requirements", "note"]
    assert len(frame) == 3 * 3
    assert set(frame["status"]) == {"evidence", "no evidence"}
    assert (frame.loc[frame["status"] == "no evidence", "evidence"] == "").all()
    assert set(frame["kind"]) == {"required", "preferred"}
    assert comparison.to_csv().splitlines()[0].startswith(
        "requirement,kind,candidate,score,status,evidence,fit,")


def test_sample_data_engineer_job_ranks_the_data_engineers_first(base_encoder) -> None:
    resumes, _ = read_files([SAMPLE_RESUMES])
    jobs, _ = read_files([SAMPLE_JOBS / "senior_data_engineer.md"])
    picked = [r for r in resumes if r.name.startswith(("alice", "omar", "grace"))]
    found = compare_candidates(jobs[0], picked, PassageIndex(base_encoder))
    fits = {c.name.split("_")[0]: c.coverage for c in found.candidates}
    assert fits["grace"] == 0.0
    assert min(fits["alice"], fits["omar"]) > 0.7
    airflow = found.candidate("alice_nguyen_data_engineer").evidence[3]
    assert "Airflow" in airflow.requirement.text and airflow.met
    assert "Airflow" in airflow.passage


def test_a_job_without_requirements_says_so() -> None:
    found = compare_candidates(Document("empty", "Benefits\n- Free lunch"), [NURSE],
                               PassageIndex(WordEncoder()))
    assert found.requirements == [] and found.notes
    assert found.candidates[0].evidence == [] and found.candidates[0].coverage == 0.0


def test_passages_are_embedded_once_and_cached_in_the_store(store) -> None:
    encoder = WordEncoder()
    first = PassageIndex(encoder, store)
    spans, vectors = first.passages([ACCOUNTANT, NURSE, ACCOUNTANT])[0]
    assert vectors.shape == (len(spans), encoder.dim)
    assert [ACCOUNTANT.text[a:b] for a, b in spans][0].startswith("Staff accountant.")
    encoded = len(encoder.encoded)
    first.passages([NURSE])
    fresh = PassageIndex(encoder, store)  # a new session over the same store
    again, again_vectors = fresh.passages([ACCOUNTANT])[0]
    assert len(encoder.encoded) == encoded
    assert again == spans and np.allclose(again_vectors, vectors)
    assert store.get_embeddings([NURSE.sha256], encoder.model_id, PASSAGES_KEY)
    fresh.encode(["SQL", "SQL", "Python"])
    assert encoder.encoded[encoded:] == ["SQL", "Python"]


def test_fit_score_weights() -> None:
    required, nice = Requirement("SQL"), Requirement("dbt", preferred=True)
    met = Evidence(required, 0.7, "", 0, 0, True)
    assert fit_score([met, Evidence(nice, 0.1, "", 0, 0, False)]) == pytest.approx(1 / 1.5)
    assert fit_score([Evidence(required, 0.1, "", 0, 0, False),
                      Evidence(nice, 0.9, "", 0, 0, True)]) == pytest.approx(0.5 / 1.5)
    assert fit_score([]) == 0.0


@pytest.mark.parametrize(("text", "names", "strict"), [
    ("Hands-on experience with Apache Spark (PySpark or Scala)", ["Spark", "PySpark", "Scala"],
     False),
    ("Experience with a cloud data stack on AWS, GCP or Azure", ["AWS", "GCP", "Azure"], False),
    ("Unit tests with Jest or React Testing Library", ["Jest", "React Testing Library"], False),
    ("SHRM-CP or PHR certification", ["SHRM-CP", "PHR"], True),
    ("Strong organization and communication skills", [], False),
    ("C++ and C# on Linux", ["C++", "C#", "Linux"], True),
])
def test_named_terms(text: str, names: list[str], strict: bool) -> None:
    assert named_terms(text) == names
    assert requires_name(text, names) is strict


def test_mentions_is_case_sensitive_and_finds_acronyms_inside_words() -> None:
    assert mentions("PostgreSQL and Redis", "SQL")
    assert not mentions("HRIS records", "HR") and mentions("HR generalist", "HR")
    assert not mentions("an epic effort", "Epic") and mentions("Epic charting", "Epic")


def emb(name: str, vector: list[float], text: str | None = None) -> DocEmbedding:
    v = np.asarray(vector, dtype=np.float32)
    v = v / np.linalg.norm(v)
    doc = Document(name, text or name)
    return DocEmbedding(doc, v[None, :], [(0, len(doc.text))], v)


def test_more_like_this_ranks_the_pool_without_the_resume_itself() -> None:
    target = emb("ann", [1, 0, 0])
    pool = [target, emb("bob", [0.9, 0.1, 0]), emb("cy", [0, 1, 0]), emb("dee", [0.6, 0.8, 0]),
            emb("ann copy", [1, 0, 0], text="ann")]  # same text as ann: not "similar"
    found = similar_resumes(target, pool, top=2)
    assert [s.name for s in found] == ["bob", "dee"]
    assert found[0].score == pytest.approx(0.9 / np.linalg.norm([0.9, 0.1]), abs=1e-6)
    assert similar_resumes(target, [target]) == []
    assert len(similar_resumes(target, pool, top=10)) == 3
