"""The report's table, CSV and standalone HTML carry the numbers and the method."""

from __future__ import annotations

import io

import pandas as pd

from resumatch.fairness.impact import AuditRecord, audit
from resumatch.fairness.report import (
    REPORT_COLUMNS,
    UNKNOWN_LABEL,
    figures,
    report_csv,
    report_frame,
    report_html,
)

F, M, W, B = "Female", "Male", "White", "Black or African American"


def sample_report(scope: str = "opening ICU nurse (#1)"):
    people = [(F, W, True, 80.0), (F, B, False, 20.0), (M, W, True, 90.0), (M, B, True, 60.0),
              (F, W, False, 30.0), (M, W, True, 70.0), ("declined", W, False, 10.0)]
    records = [AuditRecord(i, 1, s, r, sel, fit) for i, (s, r, sel, fit) in enumerate(people)]
    return audit(records, scope=scope, min_count=1)


def test_frame_has_one_row_per_category_and_unknown_rows() -> None:
    frame = report_frame(sample_report())
    assert list(frame.columns) == REPORT_COLUMNS
    sex = frame[frame["table"] == "sex"].set_index("category")
    assert list(sex.index) == [F, M, UNKNOWN_LABEL]
    assert sex.loc[F, "applicants"] == 3 and sex.loc[F, "selected"] == 1
    assert sex.loc[F, "selection_impact_ratio"] == (1 / 3) / 1.0
    assert sex.loc[F, "selection_below_four_fifths"]
    assert sex.loc[UNKNOWN_LABEL, "note"] == "left out of the calculation (1 declined, 0 not given)"
    assert set(frame["table"]) == {"sex", "race_ethnicity", "intersection"}


def test_csv_rows_then_the_method_and_safe_cells() -> None:
    text = report_csv(sample_report(scope="=HYPERLINK(\"x\") opening"))
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame.columns) == REPORT_COLUMNS
    method = frame[frame["table"] == "method"].set_index("category")["note"]
    assert {"selection rate", "scoring rate", "impact ratio", "four-fifths flag",
            "small categories", "sources"} <= set(method.index)
    assert all(source in method["sources"] for source in ("Local Law 144", "6 RCNY §5-300",
                                                          "§5-301(d)", "29 CFR §1607.4(D)"))
    assert "median: 60.0" in method["scoring rate"]
    assert method["sample"].startswith("'=HYPERLINK")  # formula neutralised (exports.py)
    numbers = frame[frame["table"] == "sex"].set_index("category")
    assert numbers.loc[M, "selection_rate"] == 1.0


def test_html_is_standalone_escaped_and_explains_itself() -> None:
    page = report_html(sample_report(scope="opening <script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Impact ratios" in page and "four-fifths" in page and "Method" in page
    assert "⚠ under 0.8" in page
    assert "js-plotly-plot" in page or "plotly-graph-div" in page
    assert "<script src=" not in page  # plotly.js is embedded: the file works offline
    small = report_html(sample_report(), charts=False)
    assert "js-plotly-plot" not in small and len(small) < 50_000


def test_one_chart_per_table_with_the_four_fifths_line() -> None:
    charts = figures(sample_report())
    assert set(charts) == {"sex", "race_ethnicity", "intersection"}
    sex = charts["sex"]
    assert [t.name for t in sex.data] == ["selection rate", "scoring rate (fit above median)"]
    assert sex.layout.shapes[0].y0 == 0.8
