"""The admin page under AppTest: the password gate, pairs upload, progress, promotion.

AppTest runs the router (app.py) only on the first run; later runs execute the current
page alone. So the gate is checked on first runs, and the page's own checks by running
pages/admin.py directly; signing in through the sidebar form is covered end to end.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from resumatch.embed.embedding import base_model_path
from resumatch.embed.registry import ModelRegistry
from resumatch.store import Store
from resumatch.train import jobs
from resumatch.train.pairs import load_pairs, save_dataset
from tests.conftest import ASSETS, ROOT

APP = ROOT / "app.py"
ADMIN = "pages/admin.py"
PASSWORD = "apptest-secret"
TIMEOUT_S = 120


@pytest.fixture
def locked_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def admin(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The admin page of a signed-in session."""
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / ADMIN), default_timeout=TIMEOUT_S)
    at.session_state["admin_unlocked"] = True
    at.run()
    assert not at.exception
    assert at.title[0].value == "Admin"
    return at


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir / "resumatch.sqlite3")


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def test_without_a_password_the_page_only_says_how_to_set_one(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESUMATCH_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    at.switch_page(ADMIN).run()
    assert "RESUMATCH_ADMIN_PASSWORD" in at.info[0].value
    assert headers(at) == [] and len(at.file_uploader) == 0 and len(at.button) == 0


def test_the_locked_admin_page_is_not_routable(locked_app: AppTest) -> None:
    # st.navigation lists only the Match page: the admin page has no route at all.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        locked_app.switch_page(ADMIN)
    assert locked_app.title[0].value == "Match resumes to jobs"
    assert locked_app.sidebar.expander[0].label == "Admin sign-in"


def test_an_unlocked_session_gets_the_page_listed(data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    at.session_state["admin_unlocked"] = True
    at.run()
    assert any(b.label == "Lock admin" for b in at.sidebar.button)
    at.switch_page(ADMIN).run()  # registered now
    assert "Labeled pairs" in headers(at)


def test_the_page_itself_refuses_a_locked_session(data_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    at = AppTest.from_file(str(ROOT / ADMIN), default_timeout=TIMEOUT_S).run()
    assert at.warning[0].value == "Sign in with the admin password in the sidebar."
    assert headers(at) == [] and len(at.file_uploader) == 0


def test_password_check_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import access

    monkeypatch.setenv("RESUMATCH_ADMIN_PASSWORD", PASSWORD)
    assert access.check_password(PASSWORD)
    assert not access.check_password(PASSWORD + " ")
    assert not access.check_password("")
    monkeypatch.delenv("RESUMATCH_ADMIN_PASSWORD")
    assert not access.check_password("")


def test_upload_shows_row_errors_and_stores_only_accepted_rows(admin: AppTest,
                                                               store: Store) -> None:
    bad = (b"resume,job,label\nData engineer,ETL role,0.8\n,ETL role,0.5\n"
           b"Nurse,ICU role,2\nData engineer,ETL role,0.8\n")
    admin.file_uploader[0].upload("team.csv", bad, "text/csv")
    admin.run()
    assert not admin.exception
    assert [m.value for m in admin.metric][:3] == ["4", "1", "3"]
    errors = admin.dataframe[0].value
    assert errors["row"].tolist() == [2, 3, 4]
    assert errors["problem"].tolist() == ["resume text is empty", "label 2 is outside [0, 1]",
                                          "exact duplicate of row 1"]
    assert len(admin.get("plotly_chart")) == 1  # the label histogram
    assert admin.text_input[0].value == "team"
    admin.button(key="FormSubmitter:save_dataset-Save 1 accepted pairs as a dataset").click()
    admin.run()
    assert admin.success[0].value == "Stored dataset 'team' with 1 pairs."
    assert store.count("pairs") == 1
    assert store.audit_rows()[0]["action"] == "dataset_saved"


def test_missing_columns_are_explained(admin: AppTest) -> None:
    admin.file_uploader[0].upload("x.csv", b"resume,job\na,b\n", "text/csv").run()
    assert "missing columns: label" in admin.dataframe[0].value["problem"][0]
    assert "No row can be used" in admin.error[0].value


@pytest.fixture
def sample_dataset(store: Store) -> int:
    return save_dataset(store, "sample", load_pairs(ASSETS / "sample_pairs.csv").pairs).id


def test_the_estimate_is_shown_before_training_starts(admin: AppTest, store: Store,
                                                      sample_dataset: int) -> None:
    from resumatch.train.training import TrainingParams

    params = TrainingParams()
    store.set_setting(f"speed:[{sample_dataset}, 8, {params.max_seq_length}, true, 0]",
                      '{"seconds_per_step": 2.0, "steps": 3, "at": 0}')
    admin.run()
    assert "Fine-tune" in headers(admin)
    estimate = next(i.value for i in admin.info if i.value.startswith("Estimated"))
    assert "24 steps × 2.0 s/step" in estimate
    assert any("Train" == b.label for b in admin.button)
    assert [e.label for e in admin.expander][:1] == ["Training settings"]


@pytest.fixture
def running(store: Store, sample_dataset: int) -> Iterator[jobs.Run]:
    """A run in progress whose process only sleeps (argv names the run)."""
    run = jobs.create_run(store, sample_dataset, {})
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", run.id],
                               start_new_session=True)
    jobs.update_run(store, run.id, status="running", pid=process.pid, step=3, total_steps=9,
                    epoch=0.33, loss=0.05, eta_s=30.0, message="training")
    yield jobs.get_run(store, run.id)
    if process.poll() is None:
        process.kill()
    process.wait()


def test_progress_is_read_from_the_store_and_cancel_stops_the_run(
        admin: AppTest, store: Store, running: jobs.Run) -> None:
    admin.run()  # a fresh look at the page, as after a reload
    bar = admin.get("progress")[0]
    assert bar.proto.value == 33
    assert "step 3 of 9" in bar.proto.text and "loss 0.0500" in bar.proto.text
    assert not any(b.label == "Train" for b in admin.button)
    click(admin, "Cancel training")
    assert jobs.get_run(store, running.id).status in ("cancelling", "cancelled")


def register_copy_of_base(registry: ModelRegistry, metrics: dict) -> str:
    version_id, _ = registry.new_version_dir()
    registry.register(version_id, base_model_path(), parent="base", dataset="sample",
                      n_rows=72, params={"epochs": 1, "learning_rate": 5e-5},
                      metrics=metrics)
    return version_id


def test_promote_asks_to_confirm_a_worse_model_then_rolls_back(
        admin: AppTest, store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import cache

    cleared: list[bool] = []
    monkeypatch.setattr(cache, "clear_model_cache", lambda: cleared.append(True))
    registry = ModelRegistry(store, data_dir / "models")
    worse = register_copy_of_base(registry, {"heldout": {"spearman": 0.5},
                                             "baseline": {"model": "base", "spearman": 0.8}})
    admin.run()
    table = admin.dataframe[-1].value
    assert table["version"].tolist() == ["base", worse]
    assert table["active"].tolist() == ["✓", ""]
    click(admin, f"Promote {worse}")
    assert "lower held-out Spearman (0.500)" in admin.warning[0].value
    assert registry.active().id == "base"  # nothing happens without a confirmation
    click(admin, "Yes, activate it anyway")
    assert registry.active().id == worse and cleared == [True]
    assert admin.success[0].value.startswith(f"Active model is now {worse}")
    assert any(t.value.startswith(worse) for t in admin.sidebar.text)

    match = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    assert any(t.value.startswith(f"{worse}\n") for t in match.sidebar.text)

    click(admin, "Roll back to base")
    assert registry.active().id == "base" and len(cleared) == 2
    assert [r["action"] for r in store.audit_rows()[:2]] == ["rollback", "promote"]
    match.run()
    assert any(t.value.startswith("base\n") for t in match.sidebar.text)
