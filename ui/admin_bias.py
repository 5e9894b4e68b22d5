"""The admin page's bias audit: self-reported categories, the impact-ratio report of an
opening or a date range, and the name-swap figures of model versions.

Everything is computed by ``resumatch.fairness``; this module reads widgets and renders.
Categories are shown only as counts and rates, never per candidate.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from resumatch.embed.registry import ModelRegistry
from resumatch.fairness import categories as cats
from resumatch.fairness.impact import (
    DEFAULT_MIN_COUNT,
    FOUR_FIFTHS,
    SELECTION,
    TABLE_TITLES,
    TABLES,
    ImpactReport,
    audit,
)
from resumatch.fairness.name_swap import SWAP_SET_LABELS, sensitivity_check
from resumatch.fairness.report import figures, method, report_csv, report_frame, report_html
from resumatch.fairness.sample import AuditSample, date_range_sample, opening_sample
from resumatch.ingest.documents import too_large_message
from resumatch.pool.openings import list_openings
from resumatch.store import Store
from ui import access, cache
from ui.text import escape_markdown

PARSED_KEY = "bias_parsed_categories"
RATE_COLUMNS = {"selection_rate": "selection rate", "scoring_rate": "scoring rate",
                "share_of_sample": "share of sample"}
RATIO_COLUMNS = ("selection_impact_ratio", "scoring_impact_ratio")


def render(store: Store) -> None:
    """The whole section: categories upload, then the report."""
    st.header("Bias audit")
    st.caption("Impact ratios of your own results, as New York City's Local Law 144 bias "
               "audits compute them: selection rates (reached the screen stage or later) "
               "and scoring rates (fit above the median) per sex, race/ethnicity and "
               "their intersections, each divided by the highest rate. Ratios under "
               f"{FOUR_FIFTHS:g} are flagged (the four-fifths rule).")
    categories_section(store)
    report_section(store)


# -- categories --------------------------------------------------------------------------------

def _parsed(store: Store, upload: object) -> cats.CategoriesFile:
    """Parse an upload once per file content and pool state (reruns reuse the result)."""
    data = upload.getvalue()
    key = (upload.name, len(data), hash(data), store.count("candidates"))
    memo = st.session_state.get(PARSED_KEY)
    if not memo or memo[0] != key:
        memo = (key, cats.parse_categories(upload.name, data, store))
        st.session_state[PARSED_KEY] = memo
    return memo[1]


def categories_section(store: Store) -> None:
    """Upload → validate every row → counts and row errors → store accepted rows."""
    st.subheader("Self-reported categories")
    stored = store.count("candidate_categories")
    st.caption("Optional. A CSV with one row per candidate: `candidate_id` (or `file`, the "
               "file name the resume was added under), `sex` (Female, Male or declined) "
               "and `race_ethnicity` (Hispanic or Latino, White, Black or African "
               "American, Native Hawaiian or Other Pacific Islander, Asian, American "
               "Indian or Alaska Native, Two or More Races, or declined). Kept apart from "
               "the resumes, never used to rank or score, deleted with the candidate. "
               f"Stored now: {stored} candidate{'s' if stored != 1 else ''}.")
    settings = cache.settings()
    left, right = st.columns(2)
    left.download_button("Download a template (every candidate)", cats.template_csv(store),
                         file_name="categories_template.csv", mime="text/csv",
                         key="bias_template", on_click="ignore")
    if stored and right.button("Delete all uploaded categories", key="bias_delete_all"):
        deleted = cats.delete_all_categories(store, access.session_label())
        st.session_state.pop(PARSED_KEY, None)
        st.session_state["bias_flash"] = f"Deleted the categories of {deleted} candidates."
        st.rerun()
    flash = st.session_state.pop("bias_flash", None)
    if flash:
        st.success(flash)
    upload = st.file_uploader("Upload self-reported categories", type=["csv", "txt"],
                              key="categories_file")
    if upload is None:
        return
    if upload.size > settings.max_upload_bytes:
        st.error(too_large_message(upload.size, settings.max_upload_bytes))
        return
    result = _parsed(store, upload)
    summary = result.summary()
    cols = st.columns(4)
    cols[0].metric("Category rows read", summary["rows"])
    cols[1].metric("Category rows accepted", summary["accepted"])
    cols[2].metric("Category rows rejected", summary["rejected"])
    cols[3].metric("Declined (one or both)", summary["declined"])
    if result.errors:
        with st.container(key="bias_category_errors"):
            st.dataframe(pd.DataFrame({"row": [e.row or "file" for e in result.errors],
                                       "problem": [e.message for e in result.errors]}),
                         hide_index=True, width="stretch")
    if not result.categories:
        st.error("No row can be used: fix the problems above and upload again.")
        return
    if st.button(f"Save categories of {len(result.categories)} candidates", type="primary",
                 key="bias_save_categories"):
        saved = cats.save_categories(store, result.categories, access.session_label(),
                                     source=upload.name)
        st.session_state.pop(PARSED_KEY, None)
        st.session_state["bias_flash"] = f"Stored the categories of {saved} candidates."
        st.rerun()


# -- report ------------------------------------------------------------------------------------

def _choose_sample(store: Store) -> AuditSample | None:
    scope = st.radio("Report on", ["An opening", "A date range"], horizontal=True,
                     key="bias_scope")
    if scope == "An opening":
        found = list_openings(store)
        if not found:
            st.info("No openings yet: save one on the Pool page.")
            return None
        by_id = {o.id: o for o in found}
        chosen = st.selectbox("Opening", list(by_id), key="bias_opening",
                              format_func=lambda i: f"{by_id[i].name} (#{i}, "
                                                    f"{by_id[i].status})")
        return opening_sample(store, chosen)
    today = dt.date.today()
    picked = st.date_input("Candidates who entered an opening between",
                           (today - dt.timedelta(days=365), today), key="bias_dates")
    if not isinstance(picked, tuple | list) or len(picked) != 2:
        st.caption("Pick a start and an end date.")
        return None
    start, end = picked
    since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC).timestamp()
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(),
                                tzinfo=dt.UTC).timestamp()
    return date_range_sample(store, since, until)


def _table_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The report rows of one table as shown: the note next to the category (it says why
    a ratio is missing), rates in percent."""
    view = frame.drop(columns=["table"]).copy()
    for column in RATE_COLUMNS:
        view[column] = view[column] * 100
    first = ["category", "note"]
    return view[first + [c for c in view.columns if c not in first]]


def _column_config() -> dict:
    config = {column: st.column_config.NumberColumn(label + " %", format="%.1f")
              for column, label in RATE_COLUMNS.items()}
    for column in RATIO_COLUMNS:
        config[column] = st.column_config.NumberColumn(column.replace("_", " "),
                                                       format="%.3f")
    config["selection_below_four_fifths"] = st.column_config.CheckboxColumn(
        "selection < 0.8")
    config["scoring_below_four_fifths"] = st.column_config.CheckboxColumn("scoring < 0.8")
    config["above_median"] = st.column_config.NumberColumn("fit above median")
    return config


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "report"


def report_section(store: Store) -> None:
    """Pick an opening or a date range and the small-group settings; see the ratios,
    charts and method; download CSV or HTML."""
    st.subheader("Impact-ratio report")
    sample = _choose_sample(store)
    left, right = st.columns(2)
    min_count = int(left.number_input(
        "Too few to judge: fewer than this many candidates", 1, 1000, DEFAULT_MIN_COUNT,
        key="bias_min_count",
        help="A category this small gets its count and rate but no impact ratio, and is "
             "not used as the highest rate."))
    exclude_small = right.checkbox(
        "Leave categories under 2% of the sample out of the impact ratios",
        True, key="bias_exclude_small",
        help="6 RCNY §5-301(d) allows an auditor to exclude them; their count and rate are "
             "still shown.")
    if sample is None:
        return
    if not sample.records:
        st.info("No candidates are placed in this opening (or date range) yet: rank or "
                "search the pool for it first.")
        return
    report = audit(sample.records, scope=sample.scope, min_count=min_count,
                   exclude_small=exclude_small)
    _render_report(report)


def _render_report(report: ImpactReport) -> None:
    known = report.n_records - report.table("sex", SELECTION).unknown
    median = "n/a" if report.median_fit is None else f"{report.median_fit:.1f}"
    st.markdown(f"**{escape_markdown(report.scope)}**: {report.n_records} candidates, "
                f"{report.n_scored} with a fit (median fit {median}), {known} with a sex "
                "category.")
    flagged = report.flagged
    if flagged:
        st.warning(f"{len(flagged)} impact ratio{'s are' if len(flagged) != 1 else ' is'} "
                   f"under {FOUR_FIFTHS:g}: "
                   + "; ".join(f"{row.category} ({kind} {row.impact_ratio:.2f})"
                               for _, kind, row in flagged))
    frame = report_frame(report)
    charts = figures(report)
    for table in TABLES:
        part = frame[frame["table"] == table]
        if part.empty:
            continue
        st.markdown(f"**{TABLE_TITLES[table]}**")
        with st.container(key=f"bias_table_{table}"):
            st.dataframe(_table_view(part), hide_index=True, width="stretch",
                         column_config=_column_config())
        if table in charts:
            with st.container(key=f"bias_chart_{table}"):
                st.plotly_chart(charts[table], width="stretch")
        else:
            st.caption("No impact ratio in this table: every category is too small to "
                       "judge (see the notes).")
    st.markdown("**Method**")
    st.markdown("\n".join(f"- **{escape_markdown(topic)}**: {escape_markdown(text)}"
                          for topic, text in method(report)))
    name = _slug(report.scope)
    left, right = st.columns(2)
    left.download_button("Download impact ratios (CSV)", report_csv(report),
                         file_name=f"impact_ratios_{name}.csv", mime="text/csv",
                         key="bias_download_csv", on_click="ignore")
    right.download_button("Download impact ratios (HTML)", lambda: report_html(report),
                          file_name=f"impact_ratios_{name}.html", mime="text/html",
                          key="bias_download_html", on_click="ignore")


# -- name-swap figures (evaluation and promotion hooks) ---------------------------------------

def name_swap_figures(registry: ModelRegistry, version_id: str | None) -> None:
    """The name-swap figures stored with a fine-tuned version and its parent."""
    if not version_id:
        return
    try:
        check = sensitivity_check(registry.get(version_id))
    except KeyError:
        return
    if check.error:
        st.warning(escape_markdown(check.warning() or check.error))
        return
    if not check.figures:
        return
    st.markdown("**Name-swap check** (the same resume with only the name and pronouns "
                "swapped; fit change in points, 0 = names ignored)")
    rows = []
    for label, found in ((f"{check.parent} (parent)", check.parent_figures),
                         (f"{check.version} (fine-tuned)", check.figures)):
        if not found:
            continue
        row = {"model": label, "mean |Δ fit|": found["mean_abs_fit_change"],
               "max |Δ fit|": found["max_abs_fit_change"], "pairs": found["pairs"],
               "rank changed": found.get("rank_changes")}
        for key, figures_of_set in (found.get("swap_sets") or {}).items():
            row[SWAP_SET_LABELS.get(key, key)] = figures_of_set["mean_abs_fit_change"]
        rows.append(row)
    with st.container(key="bias_name_swap_table"):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    warning = check.warning()
    if warning:
        st.warning(escape_markdown(warning))
    else:
        st.caption(f"Sample: {escape_markdown(str(check.figures.get('sample', '')))}.")
