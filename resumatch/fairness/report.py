"""The impact-ratio report as a table, plotly charts, CSV and a standalone HTML file, each
with the method written out beside the numbers.

The table has one row per category of each table (sex, race/ethnicity, intersection),
plus one "Unknown" row per table, with the columns of ``REPORT_COLUMNS``: counts, the
selection rate and its impact ratio, the scoring rate and its impact ratio, the
four-fifths flags, the category's share of the sample and a note (too few, under 2%,
unknown). Rates and ratios are fractions (0.47, not 47%). The CSV ends with rows whose
``table`` is ``method``: one sentence of the method each, in the ``note`` column, so the
numbers never travel without their definitions. Every CSV goes through
``resumatch.exports`` (spreadsheet-formula safe).

Example:
    >>> from resumatch.fairness.impact import AuditRecord, audit
    >>> found = audit([AuditRecord(1, 1, "Female", "Asian", True, 70.0)], min_count=1)
    >>> list(report_frame(found).columns[:4])
    ['table', 'category', 'applicants', 'selected']
"""

from __future__ import annotations

import time

import pandas as pd
import plotly.graph_objects as go

from resumatch.exports import frame_to_csv
from resumatch.fairness.impact import (
    FOUR_FIFTHS,
    INTERSECTION,
    RACE,
    SCORING,
    SELECTION,
    SEX,
    STATUS_TEXT,
    TABLE_TITLES,
    TABLES,
    CategoryRate,
    ImpactReport,
)

REPORT_COLUMNS = ["table", "category", "applicants", "selected", "selection_rate",
                  "selection_impact_ratio", "selection_below_four_fifths", "scored",
                  "above_median", "scoring_rate", "scoring_impact_ratio",
                  "scoring_below_four_fifths", "share_of_sample", "note"]
UNKNOWN_LABEL = "Unknown (not given or declined)"
SOURCES = ("New York City Local Law 144 of 2021 (NYC Admin. Code §20-870 et seq.); "
           "NYC Department of Consumer and Worker Protection rules, 6 RCNY §5-300 "
           "(definitions of selection rate, scoring rate, impact ratio, category) and §5-301 "
           "(bias audit; exclusion of categories under 2% in §5-301(d)); EEOC Uniform "
           "Guidelines on Employee Selection Procedures, 29 CFR §1607.4(D) (four-fifths rule).")


def _note(row: CategoryRate | None, min_count: int) -> str:
    if row is None:
        return ""
    return STATUS_TEXT[row.status].format(min_count=min_count)


def report_frame(report: ImpactReport) -> pd.DataFrame:
    """The report as one table (see the module docstring for the columns)."""
    rows = []
    for table in TABLES:
        selection = report.table(table, SELECTION)
        scoring = report.table(table, SCORING)
        scored = {r.category: r for r in scoring.rows}
        for sel in selection.rows:
            sco = scored.get(sel.category)
            notes = dict.fromkeys(n for n in (_note(sel, report.min_count),
                                              _note(sco, report.min_count)) if n)
            rows.append({
                "table": table, "category": sel.category, "applicants": sel.individuals,
                "selected": sel.hits, "selection_rate": sel.rate,
                "selection_impact_ratio": sel.impact_ratio,
                "selection_below_four_fifths": sel.flagged,
                "scored": sco.individuals if sco else 0,
                "above_median": sco.hits if sco else 0,
                "scoring_rate": sco.rate if sco else None,
                "scoring_impact_ratio": sco.impact_ratio if sco else None,
                "scoring_below_four_fifths": bool(sco and sco.flagged),
                "share_of_sample": sel.share, "note": "; ".join(notes),
            })
        if selection.unknown:
            rows.append({
                "table": table, "category": UNKNOWN_LABEL, "applicants": selection.unknown,
                "selected": None, "selection_rate": None, "selection_impact_ratio": None,
                "selection_below_four_fifths": False, "scored": scoring.unknown,
                "above_median": None, "scoring_rate": None, "scoring_impact_ratio": None,
                "scoring_below_four_fifths": False,
                "share_of_sample": selection.unknown / report.n_records,
                "note": (f"left out of the calculation ({selection.declined} declined, "
                         f"{selection.unknown - selection.declined} not given)"),
            })
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    for column in ("applicants", "selected", "scored", "above_median"):
        frame[column] = frame[column].astype("Int64")
    for column in ("selection_rate", "selection_impact_ratio", "scoring_rate",
                   "scoring_impact_ratio", "share_of_sample"):
        frame[column] = frame[column].astype(float)
    return frame


def method(report: ImpactReport) -> list[tuple[str, str]]:
    """The method, as (topic, sentence) pairs, with this report's own figures."""
    median = ("no candidate in the sample has a fit" if report.median_fit is None
              else f"{report.median_fit:.1f}")
    unknown = report.table(SEX, SELECTION).unknown
    small = ("left out of the impact ratios (6 RCNY §5-301(d) allows it); their count and "
             "rate are still shown" if report.exclude_small else
             "kept in the impact ratios (the 2% exclusion of 6 RCNY §5-301(d) was not applied)")
    return [
        ("sample", f"{report.scope or 'the chosen candidates'}: {report.n_records} "
                   f"candidate decisions (one per candidate and opening), {report.n_scored} "
                   "with a fit."),
        ("categories", "Self-reported sex and race/ethnicity (EEO-1 categories), uploaded by "
                       "an admin and stored apart from the resumes; they are never used to "
                       "rank or score anyone."),
        ("unknown", f"{unknown} candidate decisions have no sex category (not given or "
                    "declined); candidates with an unknown category are left out of the "
                    "calculation for that table and counted in its Unknown row."),
        ("selection rate", "Selected = reached the screen stage of the opening or a later "
                           "one (interview, offer, hired), including candidates rejected "
                           "after reaching it (from the audit log). Selection rate = "
                           "selected / applicants in the category."),
        ("scoring rate", f"Scoring rate = share of the category's scored candidates whose "
                         f"fit (0-100) is strictly above the median fit of the whole "
                         f"sample, unknown categories included (median: {median})."),
        ("impact ratio", "Impact ratio = the category's rate / the highest rate among the "
                         "judged categories of the same table; computed separately for sex, "
                         "race/ethnicity and their intersections, for each rate."),
        ("four-fifths flag", f"An impact ratio under {FOUR_FIFTHS:g} is flagged (four-fifths "
                             "rule). It is a warning line, not a finding: small numbers "
                             "make it unstable."),
        ("small categories", f"Categories under 2% of the sample are {small}. Categories "
                             f"with fewer than {report.min_count} candidates are marked too "
                             "few to judge and get no impact ratio. Neither can be the "
                             "highest-rate reference."),
        ("not an independent audit", "Local Law 144 requires a yearly bias audit by an "
                                     "independent auditor; this report is the team's own "
                                     "check and a basis for that audit."),
        ("sources", SOURCES),
        ("generated", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
    ]


def report_csv(report: ImpactReport) -> str:
    """The report table as CSV, followed by the method rows (``table`` = ``method``)."""
    frame = report_frame(report)
    method_rows = pd.DataFrame([{"table": "method", "category": topic, "note": text}
                                for topic, text in method(report)], columns=REPORT_COLUMNS)
    combined = pd.concat([frame.astype(object), method_rows.astype(object)],
                         ignore_index=True)
    return frame_to_csv(combined, index=False)


# -- charts -------------------------------------------------------------------------------

RATE_COLOURS = {SELECTION: "#2563eb", SCORING: "#f59e0b"}
RATE_NAMES = {SELECTION: "selection rate", SCORING: "scoring rate (fit above median)"}


def impact_figure(report: ImpactReport, table: str) -> go.Figure:
    """Impact ratios of one table, both rates side by side, with the four-fifths line.

    Categories without an impact ratio (too few, under 2%) have no bar; their reason is
    in the hover text and in the table.
    """
    figure = go.Figure()
    for rate in (SELECTION, SCORING):
        rows = report.table(table, rate).rows
        figure.add_trace(go.Bar(
            name=RATE_NAMES[rate], x=[r.category for r in rows],
            y=[r.impact_ratio for r in rows], marker_color=RATE_COLOURS[rate],
            marker_line_color=["#b91c1c" if r.flagged else RATE_COLOURS[rate] for r in rows],
            marker_line_width=[3 if r.flagged else 0 for r in rows],
            text=[("n/a" if r.impact_ratio is None else f"{r.impact_ratio:.2f}")
                  for r in rows], textposition="outside",
            customdata=[[r.individuals, r.hits, "" if r.rate is None else f"{r.rate:.0%}",
                         _note(r, report.min_count) or "judged"] for r in rows],
            hovertemplate=("%{x}<br>impact ratio %{y:.3f}<br>%{customdata[1]} of "
                           "%{customdata[0]} (%{customdata[2]})<br>%{customdata[3]}"
                           "<extra>%{fullData.name}</extra>")))
    figure.add_hline(y=FOUR_FIFTHS, line_dash="dash", line_color="#b91c1c",
                     annotation_text="four-fifths (0.8)", annotation_position="top left")
    figure.update_layout(
        title=f"Impact ratios: {TABLE_TITLES[table]}", barmode="group",
        yaxis={"title": "impact ratio", "range": [0, 1.15]}, height=380,
        margin={"t": 50, "b": 10}, legend={"orientation": "h", "y": -0.25})
    return figure


def figures(report: ImpactReport) -> dict[str, go.Figure]:
    """One chart per table with at least one impact ratio: ``{table: figure}`` (a table
    whose categories are all too small has nothing to draw)."""
    return {table: impact_figure(report, table) for table in (SEX, RACE, INTERSECTION)
            if any(row.impact_ratio is not None for rate in (SELECTION, SCORING)
                   for row in report.table(table, rate).rows)}


# -- standalone HTML -----------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Impact ratios: {{ scope }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; max-width: 75rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child, td.note { text-align: left; }
td.ratio-flag.flag { background: #fee2e2; font-weight: 600; }
dt { font-weight: 600; margin-top: 0.5rem; }
.small { color: #555; font-size: 0.85rem; }
</style>
{% if plotly_js %}<script>{{ plotly_js | safe }}</script>{% endif %}
</head><body>
<h1>Impact ratios</h1>
<p>{{ scope }} · {{ n_records }} candidate decisions · median fit {{ median }}</p>
{% for section in sections %}
<h2>{{ section.title }}</h2>
<table>
<tr><th>category</th><th>applicants</th><th>selected</th><th>selection rate</th>
<th>impact ratio (selection)</th><th>scored</th><th>fit above median</th>
<th>scoring rate</th><th>impact ratio (scoring)</th><th>share of sample</th><th>note</th></tr>
{% for row in section.rows %}
<tr><td>{{ row.category }}</td><td>{{ row.applicants }}</td><td>{{ row.selected }}</td>
<td>{{ row.selection_rate }}</td>
<td class="ratio-flag{% if row.selection_flag %} flag{% endif %}">{{ row.selection_ratio }}
{% if row.selection_flag %} ⚠ under 0.8{% endif %}</td>
<td>{{ row.scored }}</td><td>{{ row.above_median }}</td><td>{{ row.scoring_rate }}</td>
<td class="ratio-flag{% if row.scoring_flag %} flag{% endif %}">{{ row.scoring_ratio }}
{% if row.scoring_flag %} ⚠ under 0.8{% endif %}</td>
<td>{{ row.share }}</td><td class="note">{{ row.note }}</td></tr>
{% endfor %}
</table>
{% if section.figure %}{{ section.figure | safe }}{% endif %}
{% endfor %}
<h2>Method</h2>
<dl>
{% for topic, text in method %}<dt>{{ topic }}</dt><dd>{{ text }}</dd>
{% endfor %}
</dl>
<p class="small">Made by resumatch. Rates are shares of the category; impact ratios are
rounded to 3 decimals here and kept in full in the CSV.</p>
</body></html>
"""


def _pct(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.1%}"


def _ratio(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.3f}"


def _count(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def report_html(report: ImpactReport, charts: bool = True) -> str:
    """The report as one HTML file that works offline: a table per table (sex,
    race/ethnicity, intersection), its chart (plotly.js embedded when ``charts``) and the
    method. Text is escaped by Jinja2's autoescaping."""
    from jinja2 import Environment

    frame = report_frame(report)
    plots = figures(report) if charts else {}
    sections = []
    for table in TABLES:
        part = frame[frame["table"] == table]
        if part.empty:
            continue
        rows = [{"category": r["category"], "applicants": _count(r["applicants"]),
                 "selected": _count(r["selected"]), "selection_rate": _pct(r["selection_rate"]),
                 "selection_ratio": _ratio(r["selection_impact_ratio"]),
                 "selection_flag": bool(r["selection_below_four_fifths"]),
                 "scored": _count(r["scored"]), "above_median": _count(r["above_median"]),
                 "scoring_rate": _pct(r["scoring_rate"]),
                 "scoring_ratio": _ratio(r["scoring_impact_ratio"]),
                 "scoring_flag": bool(r["scoring_below_four_fifths"]),
                 "share": _pct(r["share_of_sample"]), "note": r["note"]}
                for _, r in part.iterrows()]
        figure = plots.get(table)
        sections.append({"title": TABLE_TITLES[table], "rows": rows,
                         "figure": figure.to_html(full_html=False, include_plotlyjs=False)
                         if figure is not None else ""})
    plotly_js = ""
    if plots:
        from plotly.offline import get_plotlyjs

        plotly_js = get_plotlyjs()
    template = Environment(autoescape=True).from_string(_HTML)
    return template.render(
        scope=report.scope or "chosen candidates", n_records=report.n_records,
        median="n/a" if report.median_fit is None else f"{report.median_fit:.1f}",
        sections=sections, method=method(report), plotly_js=plotly_js)
