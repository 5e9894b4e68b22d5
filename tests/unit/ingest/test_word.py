"""Word files: every part a person sees, once, in reading order; hidden text left out."""

from __future__ import annotations

import pytest
from fixtures_docs import docx_from_xml, w_p, w_r, w_tbl, w_textbox

from resumatch.ingest.documents import Document, read_bytes
from resumatch.ingest.extracted import DocumentError
from resumatch.ingest.word import read_docx


def lines(data: bytes) -> list[str]:
    return read_docx(data).text.split("\n")


def only_doc(data: bytes) -> Document:
    docs, errors = read_bytes("cv.docx", data)
    assert errors == [], errors
    return docs[0]


def test_tables_nested_three_deep_are_read_in_order() -> None:
    inner = w_tbl(["Kubernetes", "Terraform"])
    middle = w_tbl([w_p("Skills") + inner])
    body = w_p("Ann Lee") + w_tbl([w_p("Experience") + w_p("SRE at Halcyon"), middle]) \
        + w_p("References on request")
    found = read_docx(docx_from_xml(body))
    assert found.text.split("\n") == ["Ann Lee", "Experience", "SRE at Halcyon", "Skills",
                                      "Kubernetes | Terraform", "References on request"]
    assert "3 tables (2 nested)" in found.parts


def test_simple_rows_keep_the_cell_separator_and_merged_cells_count_once() -> None:
    merged = ('<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + w_p("Go") + "</w:tc>")
    cont = '<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
    body = (f"<w:tbl><w:tr>{merged}<w:tc>{w_p('2 years')}</w:tc></w:tr>"
            f"<w:tr>{cont}<w:tc>{w_p('at Acme')}</w:tc></w:tr></w:tbl>")
    assert lines(docx_from_xml(body)) == ["Go | 2 years", "at Acme"]


def test_content_controls_in_body_cells_and_runs_are_read() -> None:
    block_sdt = "<w:sdt><w:sdtPr/><w:sdtContent>" + w_p("Profile: platform engineer") \
        + "</w:sdtContent></w:sdt>"
    cell_sdt = ("<w:sdt><w:sdtPr/><w:sdtContent>" + w_p("Prometheus")
                + "</w:sdtContent></w:sdt>")
    inline_sdt = w_p("Name: ", "<w:sdt><w:sdtPr/><w:sdtContent>" + w_r("Noor Haddad")
                     + "</w:sdtContent></w:sdt>")
    found = read_docx(docx_from_xml(inline_sdt + block_sdt + w_tbl([cell_sdt, "Grafana"])))
    assert found.text.split("\n") == ["Name: Noor Haddad", "Profile: platform engineer",
                                      "Prometheus | Grafana"]
    assert "3 content controls" in found.parts


def test_tracked_insertions_in_deletions_out_field_results_in_codes_out() -> None:
    body = w_p("Led ", '<w:ins w:id="1" w:author="x">' + w_r("Kubernetes ") + "</w:ins>",
               '<w:del w:id="2" w:author="x"><w:r><w:delText>Mesos </w:delText></w:r></w:del>',
               "migrations")
    field = w_p('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText> HYPERLINK "https://x.invalid" </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', w_r("my portfolio"),
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert lines(docx_from_xml(body + field)) == ["Led Kubernetes migrations", "my portfolio"]


def test_a_text_box_is_read_once_after_its_anchor_paragraph() -> None:
    body = w_p("Profile", w_textbox("Core skills", "Kubernetes, Terraform")) + w_p("Experience")
    found = read_docx(docx_from_xml(body))
    assert found.text.split("\n") == ["Profile", "Core skills", "Kubernetes, Terraform",
                                      "Experience"]
    assert "1 text box" in found.parts


def test_text_boxes_in_a_header_and_in_a_table_cell_are_read() -> None:
    header = w_p(w_textbox("Lena Marchetti - Platform Engineer"))
    body = w_tbl([w_p("Skills", w_textbox("Helm charts")), "Go"])
    text = read_docx(docx_from_xml(body, headers=[header])).text
    assert text.split("\n") == ["Lena Marchetti - Platform Engineer", "Skills", "Helm charts",
                                "Go"]


def test_each_distinct_header_and_footer_once_footnotes_in_comments_out() -> None:
    same = w_p("Ann Lee - Data Engineer")
    body = w_p("Built pipelines", '<w:r><w:footnoteReference w:id="1"/></w:r>',
               '<w:commentRangeStart w:id="0"/>', w_r(" on Spark"),
               '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>')
    found = read_docx(docx_from_xml(body, headers=[same, same, w_p("Page 1")],
                                    footers=[w_p("ann@example.invalid")],
                                    footnotes=[w_p("Apache Spark 3 on Databricks")],
                                    comments=[w_p("Reviewer: too vague")]))
    assert found.text.split("\n") == ["Ann Lee - Data Engineer", "Page 1",
                                      "Built pipelines on Spark", "ann@example.invalid",
                                      "Apache Spark 3 on Databricks"]
    assert "too vague" not in found.text
    assert {"2 headers", "1 footer", "1 footnote"} <= set(found.parts)


@pytest.mark.parametrize(("rpr", "why"), [
    ("<w:vanish/>", "Word's hidden font"),
    ('<w:color w:val="FFFFFF"/>', "white on the white page"),
    ('<w:color w:val="FAFAFA"/><w:sz w:val="20"/>', "near-white on white"),
    ('<w:sz w:val="2"/>', "1 pt"),
    ('<w:color w:val="808080"/><w:sz w:val="1"/>', "grey at 0.5 pt"),
])
def test_text_a_reader_cannot_see_is_not_scored_and_is_counted(rpr: str, why: str) -> None:
    body = w_p("Barista at Harbour Coffee", w_r(" Kubernetes Terraform Prometheus", rpr))
    doc = only_doc(docx_from_xml(body))
    assert doc.text == "Barista at Harbour Coffee", why
    assert doc.hidden_words == 3
    assert doc.notes == ("hidden text: 3 words not scored",)


def test_hidden_through_a_style_and_visible_white_on_dark_shading() -> None:
    styles = ('<w:style w:type="character" w:styleId="Ghost"><w:rPr><w:vanish/></w:rPr>'
              '</w:style><w:style w:type="paragraph" w:styleId="Banner"><w:rPr>'
              '<w:color w:val="FFFFFF"/></w:rPr></w:style>')
    body = (w_p("Name", w_r(" secret words", '<w:rStyle w:val="Ghost"/>'))
            + w_p("Platform Engineer", ppr='<w:pStyle w:val="Banner"/>'
                  '<w:shd w:val="clear" w:fill="1F3864"/>')
            + w_tbl(['<w:tc><w:tcPr><w:shd w:val="clear" w:fill="000000"/></w:tcPr>'
                     + w_p(w_r("Kubernetes", '<w:color w:val="FFFFFF"/>')) + "</w:tc>"]
                    ).replace("<w:tc><w:tc>", "<w:tc>").replace("</w:tc></w:tc>", "</w:tc>")
            + w_p(w_textbox(w_p(w_r("Terraform", '<w:color w:val="FFFFFF"/>')),
                            fill="203864")))
    found = read_docx(docx_from_xml(body, styles=styles))
    assert found.text.split("\n") == ["Name", "Platform Engineer", "Kubernetes", "Terraform"]
    assert found.hidden_words == 2


def test_white_text_on_a_dark_page_background_is_visible() -> None:
    body = w_p(w_r("Kubernetes", '<w:color w:val="FFFFFF"/>'))
    assert read_docx(docx_from_xml(body, background="000000")).text == "Kubernetes"


def test_symbol_font_bullets_become_ordinary_bullets() -> None:
    body = (w_p('<w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/><w:t>Kubernetes</w:t></w:r>')
            + w_p("\uf0b7\tTerraform"))
    assert only_doc(docx_from_xml(body)).text == "• Kubernetes\n• Terraform"


def test_only_hidden_text_is_an_error_naming_the_count() -> None:
    with pytest.raises(DocumentError, match="no visible text in the DOCX"):
        read_docx(docx_from_xml(w_p(w_r("stuffed keywords", "<w:vanish/>"))))


def test_a_docx_that_inflates_past_the_limit_is_refused(monkeypatch) -> None:  # noqa: ANN001
    from resumatch.ingest import word

    monkeypatch.setattr(word, "MAX_DOCX_UNCOMPRESSED", 1000)
    with pytest.raises(DocumentError, match="refused"):
        read_docx(docx_from_xml(w_p("x" * 2000)))
