"""Every CSV the product writes neutralises cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from fixtures_docs import WordEncoder

from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder
from resumatch.exports import FORMULA_PREFIXES, frame_to_csv, neutralize, rows_to_csv
from resumatch.ingest.documents import Document
from resumatch.pipeline import export_matrix, export_rankings, match
from resumatch.pool import shortlist
from resumatch.rank.compare import PassageIndex, compare_candidates
from resumatch.store.audit import audit_csv, record_export
from resumatch.train.pairs import Pair, pairs_csv, parse_pairs

HOSTILE = ["=HYPERLINK(\"http://x\",\"cv\")", "+1-555", "-cmd|' /C calc'!A0", "@SUM(A1)",
           "\tindented", "\rreturn"]


def cells(content: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content, newline="")) for cell in row]


def assert_safe(content: str) -> None:
    live = [c for c in cells(content) if c.startswith(FORMULA_PREFIXES)
            and not _number(c)]
    assert live == [], live


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralize_quotes_formula_cells(value: str) -> None:
    assert neutralize(value) == "'" + value
    assert neutralize("Python") == "Python"
    assert neutralize(-0.25) == -0.25


def test_rows_and_frames() -> None:
    import pandas as pd

    assert_safe(rows_to_csv(HOSTILE, [HOSTILE, [1, -2.5, None, "ok", "=x", "-y"]]))
    frame = pd.DataFrame({"=a": HOSTILE, "n": range(len(HOSTILE))}, index=HOSTILE)
    assert_safe(frame_to_csv(frame))
    assert "-2.5" in rows_to_csv(["x"], [[-2.5]])  # numbers stay numbers


def test_match_exports_are_safe(store) -> None:
    resumes = [Document(name, f"{name} data engineer with Python and SQL and Spark")
               for name in HOSTILE]
    jobs = [Document("=job()", "Data engineer: Python, SQL, Spark"),
            Document("@job", "- Spark pipelines\n- Python")]
    result = match(resumes, jobs, Embedder(WordEncoder(), store, DEFAULT_CHUNKING))
    assert_safe(export_rankings(result))
    assert_safe(export_matrix(result))
    index = PassageIndex(WordEncoder(), store)
    comparison = compare_candidates(jobs[1], resumes, index)
    assert_safe(comparison.to_csv())


def test_shortlist_audit_and_pairs_are_safe(store) -> None:
    for name in HOSTILE:
        shortlist.star(store, "j", "=job", name, name, 0.5, 0.5, evidence=name)
    assert_safe(shortlist.to_csv(shortlist.entries(store)))
    record_export(store, "=session", "base", "=file.csv", "x", ["=h"])
    assert_safe(audit_csv(store))
    pairs = [Pair(value, "-job", 0.5) for value in HOSTILE]
    content = pairs_csv(pairs)
    assert_safe(content)
    # The quote is only for spreadsheets: the file reads back as the same pairs.
    assert parse_pairs("pairs.csv", content.encode()).pairs == [
        Pair(p.resume.strip(), p.job, p.label) for p in pairs]
    assert len(list(csv.reader(io.StringIO(content, newline="")))) == len(pairs) + 1
