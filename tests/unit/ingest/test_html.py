"""HTML files and pasted HTML become plain text: one line per block, "- " list items."""

from __future__ import annotations

import pytest

from resumatch.ingest.documents import documents_from_text, read_bytes
from resumatch.ingest.html import html_to_text, looks_like_html

POST = ("<div><h2>Data Engineer</h2><p>We&rsquo;re hiring&nbsp;&amp; growing.</p>"
        "<h3>Requirements</h3><ul><li>Spark <strong>and</strong> Airflow</li>"
        "<li>SQL<ul><li>PostgreSQL</li></ul></li></ul><br>Apply by mail"
        "<script>track()</script><style>p{}</style><!-- comment -->"
        "<p style='display:none'>hidden keywords here</p>"
        "<table><tr><td>Location</td><td>Berlin</td></tr></table></div>")


def test_tags_go_entities_decode_blocks_and_list_items_are_lines() -> None:
    found = html_to_text(POST)
    assert found.text.split("\n") == [
        "Data Engineer", "We’re hiring\u00a0& growing.".replace("\u00a0", " "),
        "Requirements", "- Spark and Airflow", "- SQL", "- PostgreSQL", "Apply by mail",
        "Location | Berlin"]
    assert found.hidden_words == 3


@pytest.mark.parametrize(("text", "html"), [
    ("<ul><li>Kubernetes</li><li>Go</li></ul>", True),
    ("<!DOCTYPE html><title>x</title>", True),
    ("<p>one</p>", False),  # a single tag in prose is not enough
    ("Use <br> and <b>bold</b> in emails", False),  # no block is closed
    ("Senior engineer (C++ <templates>)", False),
])
def test_html_is_detected_by_its_tags(text: str, html: bool) -> None:
    assert looks_like_html(text) is html


def test_a_txt_file_of_html_and_pasted_html_are_cleaned() -> None:
    docs, _ = read_bytes("job.txt", POST.encode())
    assert docs[0].text.startswith("Data Engineer\nWe're hiring & growing.")
    assert docs[0].parts == ("HTML cleaned to text",)
    assert docs[0].notes == ("hidden text: 3 words not scored",)
    pasted = documents_from_text([("job", POST)])[0]
    assert pasted.text == docs[0].text
    assert "<" not in pasted.text and "&amp;" not in pasted.text


def test_html_files_are_read_by_suffix() -> None:
    docs, errors = read_bytes("cv.html", b"<html><body><p>Ann Lee</p><p>Nurse</p></body></html>")
    assert errors == [] and docs[0].text == "Ann Lee\nNurse"
