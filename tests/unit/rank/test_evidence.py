"""Requirement evidence: headings are never evidence, late interaction picks each
requirement's best eligible passage, names count in capitals too, and the met rule."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_docs import WordEncoder

from resumatch.embed.embedding import Embedder
from resumatch.ingest.documents import Document
from resumatch.ingest.passages import is_heading_line, is_heading_only
from resumatch.rank.evidence import (
    NO_PASSAGE,
    PassageIndex,
    PassageSet,
    best_passages,
    mentions,
    met_bar,
    met_cells,
    requirement_names,
)
from resumatch.rank.scoring import score_pool

CHEF = Document("chef", "Sous Chef\nAccounting / Revenue Management / Accomplishments\n"
                        "- Plated dishes for banquets of 300 guests every weekend.\n"
                        "- Ordered produce and kept food costs under budget.")


@pytest.mark.parametrize(("line", "heading"), [
    ("EXPERIENCE", True), ("Work Experience", True), ("Education and Training", True),
    ("Accounting / Revenue Management / Accomplishments", True), ("Skills:", True),
    ("PROMETHEUS ALERTING AND GRAFANA DASHBOARDS", False), ("Sous Chef", False),
    ("Certifications: BLS, ACLS", False), ("Python / SQL / Spark", False),
    ("- Reconciled 40 bank accounts every month.", False),
])
def test_heading_lines(line: str, heading: bool) -> None:
    assert is_heading_line(line) is heading


def test_a_heading_only_passage_is_never_evidence() -> None:
    encoder = WordEncoder()
    index = PassageIndex(encoder)
    passages = index.passages([CHEF])[0]
    texts = [CHEF.text[a:b] for a, b in passages.spans]
    # Short lines merge into one passage: the title and the heading line.
    heading = next(i for i, t in enumerate(texts) if "Accomplishments" in t)
    assert is_heading_only(texts[heading].split("\n")[-1])
    assert not passages.eligible[heading]
    # The heading is the passage closest to the requirement, word for word ...
    requirement = index.encode(["Accounting and revenue management accomplishments"])
    sims = passages.vectors @ requirement[0]
    assert int(np.argmax(sims)) == heading
    # ... and still never its evidence: the best eligible passage is another one.
    found = best_passages(requirement, [passages])
    assert found.index[0, 0] != heading and found.score[0, 0] < sims[heading]
    # A resume made of headings alone has no passage that can be evidence.
    only_headings = PassageSet([(0, 10)], np.ones((1, 4), np.float32), np.array([False]))
    assert best_passages(np.ones((1, 4), np.float32), [only_headings]).score[0, 0] == \
        NO_PASSAGE


def test_the_heading_never_counts_in_a_scored_pool(store, base_encoder) -> None:
    encoder = base_encoder
    embedder = Embedder(encoder, store)
    job = Document("accountant", "Staff Accountant\n\nRequirements\n"
                                 "- Accounting and revenue management accomplishments")
    resumes = embedder.embed([CHEF], passages=True)
    pool = score_pool(resumes, embedder.embed([job]), index=PassageIndex(encoder, store,
                                                                         embedder))
    evidence = pool.evidence[0]
    spans = pool.passage_spans[0]
    chosen = CHEF.text[slice(*spans[int(evidence.passage[0, 0])])]
    assert "Accomplishments" not in chosen
    assert not evidence.met[0, 0] and evidence.summary(0) == "meets 0 of 1 requirements"


def test_best_passages_reduces_each_resume_to_its_best_eligible_passage() -> None:
    a = PassageSet([(0, 1), (1, 2), (2, 3)], np.eye(3, dtype=np.float32),
                   np.array([True, False, True]))
    b = PassageSet([(0, 1)], np.array([[0, 1, 0]], np.float32), np.array([True]))
    requirements = np.array([[0, 1, 0], [0, 0, 1]], np.float32)
    found = best_passages(requirements, [a, b])
    # Requirement 0 is passage 1 of a, which is a heading: a's best eligible is 0 or 2.
    np.testing.assert_allclose(found.score, [[0.0, 1.0], [1.0, 0.0]])
    assert found.index[0, 1] == 0 and found.index[1, 0] == 2


def test_names_match_capitals_and_only_tool_like_words_count() -> None:
    assert mentions("OPERATED PRODUCTION KUBERNETES CLUSTERS", "Kubernetes")
    assert not mentions("an epic effort", "Epic")
    assert requirement_names("Monitoring and alerting with Prometheus and Grafana") == [
        "Prometheus", "Grafana"]
    # Anonymised placeholders and plain capitalised words are not tool names.
    assert requirement_names("Comply with State and Federal rules at the Company") == []
    assert requirement_names("Certified in CCRN at Lakeside Hospital") == ["CCRN"]
    assert requirement_names("Charting in Epic") == ["Epic"]  # a vocabulary skill


def test_the_bar_is_lower_for_a_resume_that_matches_the_job() -> None:
    assert met_bar(np.array([2.0]))[0] < met_bar(np.array([0.0]))[0] < met_bar(
        np.array([-2.0]))[0]
    score = np.array([[0.40, 0.40, 0.70]])
    strength = np.array([[2.6, 2.6, 2.2]])
    pair = np.array([1.0, -1.0, -1.0])
    met = met_cells(score, strength, pair, np.zeros((1, 3), bool), np.zeros(1, bool))
    # Same passage strength: met in the resume that fits, not in the one that does not;
    # a clear passage (close and well above the resume's baseline) counts anywhere.
    assert met.tolist() == [[True, False, True]]
    named = np.array([[False, True, False]])
    assert met_cells(score, strength, pair, named, np.zeros(1, bool))[0, 1]
    assert not met_cells(score, strength, pair, np.zeros((1, 3), bool),
                         np.ones(1, bool)).any()  # an acronym requirement needs its name
