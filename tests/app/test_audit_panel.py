"""The admin page's audit and deletion section under AppTest: download the log, and
delete all candidate data only after typing the confirmation word."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_trust import seed_candidate_data
from streamlit.testing.v1 import AppTest

from resumatch.store import Store


def panel_script() -> None:
    import os
    from pathlib import Path

    from resumatch.store import Store
    from ui import audit_panel

    audit_panel.render(Store(Path(os.environ["RESUMATCH_DATA_DIR"]) / "resumatch.sqlite3"))


@pytest.fixture
def panel(data_dir: Path) -> tuple[AppTest, Store]:
    store = Store(data_dir / "resumatch.sqlite3")
    seed_candidate_data(store)
    at = AppTest.from_function(panel_script, default_timeout=30)
    at.run()
    assert not at.exception
    return at, store


def test_audit_log_download_and_table(panel) -> None:
    at, _ = panel
    assert [d.label for d in at.download_button] == ["Download audit log (CSV)"]
    assert at.subheader[0].value == "Audit log and candidate data"
    assert list(at.dataframe[0].value["action"]) == ["export", "rank"]


def test_delete_needs_the_confirmation_word(panel) -> None:
    at, store = panel
    button = next(b for b in at.button if b.label == "Delete all candidate data")
    assert button.disabled
    at.text_input(key="purge_confirm").input("delete").run()  # wrong case: still locked
    assert next(b for b in at.button if b.label == "Delete all candidate data").disabled
    at.text_input(key="purge_confirm").input("DELETE").run()
    next(b for b in at.button if b.label == "Delete all candidate data").click().run()
    assert not at.exception
    assert at.success[0].value == "Candidate data deleted."
    assert "deleted 2 documents (resumes and job descriptions)" in at.text[0].value
    for table in ("documents", "embeddings", "shortlist", "pairs", "datasets"):
        assert store.count(table) == 0
    row = store.audit_rows(limit=1)[0]
    assert row["action"] == "purge" and row["session"].startswith("admin-")
