"""Delete one candidate everywhere (the right to erasure), from the Pool page or
``python -m resumatch purge --candidate ID``.

The store deletes the rows (``resumatch.store.purge.purge_candidate``); this module adds
the hashes of texts cut from the candidate's documents (passages and phrases the
explanations and the compare view cached vectors for), which only the layers that cut
them know how to find.
"""

from __future__ import annotations

from resumatch.ingest.documents import text_hash
from resumatch.ingest.passages import split_passages
from resumatch.rank.explain import evidence_phrases
from resumatch.store import Store
from resumatch.store.purge import CandidateErasure, UnknownCandidate, purge_candidate

__all__ = ["CandidateErasure", "UnknownCandidate", "delete_candidate", "derived_hashes"]


def derived_hashes(text: str) -> set[str]:
    """Hashes of the passages and evidence phrases of a text (as the caches key them)."""
    hashes = {text_hash(text[a:b]) for a, b in split_passages(text)}
    hashes |= {text_hash(phrase) for phrase in evidence_phrases(text)}
    return hashes


def delete_candidate(store: Store, candidate_id: int, session: str = "cli",
                     compact: bool = True) -> CandidateErasure:
    """Delete a candidate (and the candidates merged into it) everywhere.

    Raises:
        UnknownCandidate: when there is no such candidate.
    """
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT d.text FROM candidate_documents c JOIN documents d ON d.sha256 = c.sha256"
            " WHERE c.candidate_id = ? OR c.candidate_id IN"
            " (SELECT id FROM candidates WHERE merged_into = ?)",
            (int(candidate_id), int(candidate_id))).fetchall()
    derived: set[str] = set()
    for row in rows:
        derived |= derived_hashes(row["text"])
    return purge_candidate(store, candidate_id, session=session, derived_hashes=derived,
                           compact=compact)
