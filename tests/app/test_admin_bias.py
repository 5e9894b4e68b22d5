"""The admin page's bias audit under AppTest: upload categories (row errors shown, accepted
rows stored), the report of an opening with its ratios, flags, charts and downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from bias_support import OPENING, categories_csv, seed_opening
from streamlit.testing.v1 import AppTest

from resumatch.config import Settings
from resumatch.store import Store, open_store
from tests.conftest import ROOT

PASSWORD = "apptest-secret"
TIMEOUT_S = 120


@pytest.fixture
def seeded(data_dir: Path) -> tuple[Store, int, dict[str, int]]:
    store = open_store(Settings(data_dir=data_dir))
    opening_id, ids = seed_opening(store)
    return store, opening_id, ids


@pytest.fixture
def admin(seeded, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / "pages/admin.py"), default_timeout=TIMEOUT_S)
    at.session_state["admin_unlocked"] = True
    at.run()
    assert not at.exception
    return at


def table(at: AppTest, first_category: str | None = None, column: str = "category"
          ) -> pd.DataFrame:
    """The dataframe with ``column`` (whose first value is ``first_category`` when given);
    AppTest does not keep dataframe keys."""
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns and (first_category is None
                                        or value[column].iloc[0] == first_category):
            return value
    raise LookupError(f"no table with {column} {first_category}")


def uploader(at: AppTest):
    return next(u for u in at.file_uploader if u.label == "Upload self-reported categories")


def test_upload_categories_then_read_the_report(admin: AppTest, seeded) -> None:
    store, _, ids = seeded
    assert "Bias audit" in [h.value for h in admin.header]
    uploader(admin).upload("categories.csv", categories_csv(ids).encode(), "text/csv")
    admin.run()
    assert not admin.exception
    metrics = {m.label: m.value for m in admin.metric}
    assert metrics["Category rows read"] == "12" and metrics["Category rows accepted"] == "11"
    assert metrics["Category rows rejected"] == "1"
    errors = table(admin, column="problem")
    assert errors["problem"].tolist() == ["no candidate with id 424242 in the talent pool"]
    admin.button(key="bias_save_categories").click()
    admin.run()
    assert "Stored the categories of 11 candidates." in [s.value for s in admin.success]
    assert store.count("candidate_categories") == 11

    # The report of the only opening (selected by default).
    assert admin.selectbox(key="bias_opening").value is not None
    sex = table(admin, "Female").set_index("category")
    assert sex.loc["Female", "selection_impact_ratio"] == pytest.approx(1 / 3)
    assert sex.loc["Female", "scoring_impact_ratio"] == pytest.approx((2 / 6) / 0.8)
    assert bool(sex.loc["Female", "selection_below_four_fifths"])
    assert sex.loc["Male", "selection_rate"] == pytest.approx(100.0)  # shown in percent
    flagged = next(w.value for w in admin.warning if "under 0.8" in w.value)
    assert "Female (selection 0.33)" in flagged and "Female (scoring 0.42)" in flagged
    assert len(admin.get("plotly_chart")) == 1  # race and intersections: all too few
    assert any("median fit 55.0" in m.value for m in admin.markdown)
    assert any("fifths flag" in m.value for m in admin.markdown)  # the method, escaped

    # Too few to judge: with the default (5), the race/ethnicity groups get no ratio.
    race = table(admin, "Hispanic or Latino").set_index("category")
    assert race["selection_impact_ratio"].isna().all()
    admin.number_input(key="bias_min_count").set_value(2).run()
    race = table(admin, "Hispanic or Latino").set_index("category")
    assert race.loc["White", "selection_impact_ratio"] == pytest.approx(1.0)
    assert race.loc["Asian", "selection_impact_ratio"] == pytest.approx(0.5 / (2 / 3))
    assert "too few" in race.loc["Hispanic or Latino", "note"]
    assert len(admin.get("plotly_chart")) == 3

    downloads = {b.proto.label: b for b in admin.get("download_button")}
    assert {"Download impact ratios (CSV)", "Download impact ratios (HTML)"} <= set(downloads)


def test_no_openings_yet_says_what_to_do(data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / "pages/admin.py"), default_timeout=TIMEOUT_S)
    at.session_state["admin_unlocked"] = True
    at.run()
    assert any("No openings yet" in i.value for i in at.info)


def test_the_csv_export_holds_the_report_and_its_method(seeded) -> None:
    from resumatch.fairness.impact import audit
    from resumatch.fairness.report import report_csv
    from resumatch.fairness.sample import opening_sample

    store, opening_id, ids = seeded
    sample = opening_sample(store, opening_id)
    assert OPENING in sample.scope
    frame = pd.read_csv(io.StringIO(report_csv(audit(sample.records, sample.scope))))
    assert (frame["table"] == "method").sum() >= 8


def test_evaluation_shows_name_swap_figures_and_promotion_warns(admin: AppTest,
                                                               seeded) -> None:
    from resumatch.embed.embedding import base_model_path
    from resumatch.embed.registry import ModelRegistry
    from resumatch.fairness.name_swap import METHOD
    from resumatch.train import jobs
    from resumatch.train.pairs import Pair, save_dataset

    store, _, _ = seeded
    registry = ModelRegistry(store, Settings(data_dir=Path(store.location).parent).models_dir)
    figures = {"method": METHOD, "max_abs_fit_change": 12.0, "pairs": 288, "rank_changes": 9,
               "sample": "assets: 6 resumes x 4 jobs",
               "swap_sets": {"female_male": {"mean_abs_fit_change": 2.0}}}
    version_id, _ = registry.new_version_dir()
    registry.register(version_id, base_model_path(), parent="base", dataset="d", n_rows=72,
                      params={}, metrics={
                          "heldout": {"spearman": 0.9}, "baseline": {"spearman": 0.8},
                          "name_swap": {**figures, "mean_abs_fit_change": 2.5},
                          "name_swap_parent": {**figures, "mean_abs_fit_change": 1.5}})
    dataset = save_dataset(store, "d", [Pair("a", "b", 0.5), Pair("c", "d", 0.1)])
    run = jobs.create_run(store, dataset.id, {})
    evaluation = {"model_id": "base", "spearman": 0.8, "pearson": 0.8, "mse": 0.1, "n": 2,
                  "labels": [0.5, 0.1], "scores": [0.4, 0.2]}
    jobs.update_run(store, run.id, status="done", version_id=version_id,
                    metrics={"base": evaluation, "new": {**evaluation, "model_id": version_id}})
    admin.run()
    assert any(m.value.startswith("**Name-swap check**") for m in admin.markdown)
    swaps = table(admin, "base (parent)", column="model").set_index("model")
    assert swaps.loc[f"{version_id} (fine-tuned)", "mean |Δ fit|"] == 2.5
    assert any("more sensitive to names" in w.value for w in admin.warning)

    click = next(b for b in admin.button if b.label == f"Promote {version_id}")
    click.click()
    admin.run()
    assert any("more sensitive to names" in w.value and "Promote it anyway?" in w.value
               for w in admin.warning)
    assert registry.active().id == "base"  # nothing happens without a confirmation
