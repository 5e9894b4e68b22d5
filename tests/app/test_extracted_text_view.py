"""The Match page shows how each document was read: flags beside the candidates and,
on request, exactly the text that was scored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_docs import ROOT, pdf_from_streams, text_op
from streamlit.testing.v1 import AppTest

APP = ROOT / "app.py"


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.delenv("RESUMATCH_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    return at


def test_hidden_text_is_flagged_and_the_scored_text_shown(app: AppTest) -> None:
    stuffed = pdf_from_streams([text_op(72, 700, "Bea Lintott, barista") + "\n"
                                + text_op(72, 300, "Kubernetes Terraform Prometheus", size=1,
                                          color="1 g")])
    app.file_uploader(key="resume_files").set_value([
        ("bea.pdf", stuffed, "application/pdf"),
        ("ann.txt", b"Ann Lee, platform engineer: Kubernetes", "text/plain")])
    app.text_area(key="job_paste_text_0").input("<ul><li>Kubernetes</li><li>Terraform</li>"
                                                "</ul><p>Remote</p>")
    next(b for b in app.button if b.label == "Rank candidates").click()
    app.run()
    assert not app.exception
    flags = [w.value.replace("\\", "") for w in app.warning]  # markdown escapes
    assert any("bea" in f and "hidden text: 3 words not scored" in f for f in flags), flags
    job_table = app.dataframe[0].value
    assert "reading_notes" in job_table.columns
    assert job_table.set_index("resume").loc["bea", "reading_notes"] == \
        "hidden text: 3 words not scored"

    app.toggle(key="show_extracted_text").set_value(True).run()
    app.selectbox(key="extracted_text_doc").set_value("Resume: bea ⚠").run()
    assert "Bea Lintott, barista" in [t.value for t in app.main.text]
    assert "hidden text: 3 words not scored" in [w.value for w in app.main.warning]
    picker = app.selectbox(key="extracted_text_doc")
    job = next(o for o in picker.options if o.startswith("Job: "))
    picker.set_value(job).run()
    assert "- Kubernetes\n- Terraform\nRemote" in [t.value for t in app.main.text]
