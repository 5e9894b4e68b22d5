"""The Pool page's two lists: the pool searched for an opening, and every candidate."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from resumatch.pool.field_store import profiles
from resumatch.pool.filters import FieldFilter
from resumatch.pool.listing import blind_name, pool_frame
from resumatch.pool.opening_export import opening_csv
from resumatch.pool.openings import Opening
from resumatch.pool.search import SearchResult, must_haves_lookup, search_pool
from resumatch.store.audit import record_export
from ui import audit_panel, cache, pool_candidate, pool_openings

SEARCH_KEY = "pool_search_opening"  # the opening searched for, while a search is shown
SHOWN_MAX = 500  # rows drawn in the table; the whole pool is ranked either way
TABLE_COLUMNS = {"fit": st.column_config.ProgressColumn("fit", min_value=0, max_value=100,
                                                        format="%.0f")}


def _selected(event: object, table: pd.DataFrame, column: str, key: str) -> None:
    rows = event.selection.rows  # type: ignore[attr-defined]
    chosen = int(table.iloc[rows[0]][column]) if rows else None
    # Only a new selection moves the detail section; otherwise the selectbox rules.
    if chosen is not None and st.session_state.get(f"{key}_last") != chosen:
        pool_candidate.select(chosen)
    st.session_state[f"{key}_last"] = chosen


def search(field_filter: FieldFilter, blind: bool,
           ) -> tuple[Opening | None, dict[int, tuple[float, float]]]:
    """Pick an opening, search the pool for it; returns it and {candidate: (score, fit)}."""
    opening = pool_openings.pick("pool_opening")
    if opening is None:
        st.info("No openings yet. Save one under Openings above, or rank a job on the Match "
                "page and save it as an opening.")
        return None, {}
    if st.button("Search the pool", type="primary", key="pool_search"):
        st.session_state[SEARCH_KEY] = opening.id
        st.session_state["pool_search_logged"] = False
    if st.session_state.get(SEARCH_KEY) != opening.id:
        st.caption("Ranks every candidate in the pool for this opening, with the same "
                   "scoring as the Match page.")
        return opening, {}
    store = cache.store()
    with st.spinner("Ranking the pool…"):
        found: SearchResult = search_pool(store, opening.as_document(), cache.embedder(),
                                          field_filter, top=SHOWN_MAX)
    fits = {int(r.candidate_id): (float(r.score), float(r.fit))
            for r in found.table.itertuples()}
    if not st.session_state.get("pool_search_logged"):
        store.audit(audit_panel.session_id(), "pool_search", model_id=found.model_id,
                    documents=[opening.job_sha256],
                    detail={"opening": opening.id, "searched": found.searched,
                            "shown": len(found.table), "blind": blind,
                            "filter": field_filter.describe()})
        st.session_state["pool_search_logged"] = True
    table = found.table.drop(columns=["location"] if blind else [])
    if blind:
        table["candidate"] = [blind_name(i) for i in table["candidate_id"]]
    passing = found.searched - found.filtered_out
    filtered = (f" · {field_filter.describe()}: {passing} shown" if field_filter.active
                else "")
    if passing > len(found.table):
        filtered += f" (the best {len(found.table)} in the table)"
    st.caption(f"Ranked {found.searched} candidates for {opening.name} in "
               f"{found.timings['total_s']:.2f} s with model {found.model_id}{filtered}."
               + (f" {found.unsearchable} without stored text." if found.unsearchable else ""))
    event = st.dataframe(table.drop(columns=["candidate_id"]), hide_index=True,
                         on_select="rerun", selection_mode="single-row", key="pool_results",
                         width="stretch", column_config=TABLE_COLUMNS)
    _selected(event, table, "candidate_id", "pool_results")
    content = opening_csv(store, opening.id, must_haves_met=must_haves_lookup(found),
                          blind=blind)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", opening.name)[:60] or "opening"
    st.download_button(
        "Download opening (CSV)", content, file_name=f"opening_{slug}.csv", mime="text/csv",
        key="pool_download_opening",
        on_click=lambda: record_export(store, audit_panel.session_id(), found.model_id,
                                       f"opening_{slug}.csv", content,
                                       [opening.job_sha256], blind=blind))
    return opening, fits


def candidates_table(field_filter: FieldFilter, blind: bool) -> None:
    """Every candidate in the pool (filtered), with source, date added and openings."""
    store = cache.store()
    frame = pool_frame(store, blind=blind)
    if field_filter.active and not frame.empty:
        found = profiles(store)
        frame = frame[[field_filter.matches(found.get(int(i))) for i in frame["id"]]]
        st.caption(f"{field_filter.describe()}: {len(frame)} candidate(s)")
    else:
        st.caption(f"{len(frame)} candidate(s) in the pool.")
    shown = frame.drop(columns=["location"] if blind else []).reset_index(drop=True)
    event = st.dataframe(shown, hide_index=True, on_select="rerun",
                         selection_mode="single-row", key="pool_table", width="stretch")
    _selected(event, shown, "id", "pool_table")
