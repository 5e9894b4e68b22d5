"""Reading documents: every format on real files, and a readable error for every failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_docs import (
    SAMPLE_RESUMES,
    blank_pdf_bytes,
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
)

from resumatch.ingest.documents import (
    Document,
    ReadError,
    decode_text,
    dedupe,
    display_stem,
    documents_from_text,
    normalize_text,
    read_bytes,
    read_files,
    safe_name,
    text_hash,
)


def only_doc(name: str, data: bytes) -> Document:
    docs, errors = read_bytes(name, data)
    assert errors == [], errors
    assert len(docs) == 1
    return docs[0]


def only_error(name: str, data: bytes) -> ReadError:
    docs, errors = read_bytes(name, data)
    assert docs == []
    assert len(errors) == 1
    return errors[0]


# -- plain text ------------------------------------------------------------------------

def test_txt_and_md_files_are_read_with_the_file_stem_as_name(tmp_path: Path) -> None:
    (tmp_path / "ann_lee.txt").write_text("Ann Lee\nData engineer", encoding="utf-8")
    (tmp_path / "bo.md").write_text("# Bo\n\n- Nurse", encoding="utf-8")
    docs, errors = read_files([tmp_path])
    assert errors == []
    assert [(d.name, d.text, d.source) for d in docs] == [
        ("ann_lee", "Ann Lee\nData engineer", "ann_lee.txt"),
        ("bo", "# Bo\n\n- Nurse", "bo.md"),
    ]


def test_cp1252_text_is_decoded() -> None:
    doc = only_doc("cv.txt", "Café résumé – naïve “quotes”".encode("cp1252"))
    # ftfy also straightens curly quotes; the accents and the dash survive.
    assert doc.text == 'Café résumé – naïve "quotes"'


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_unicode_encodings_with_and_without_bom(codec: str) -> None:
    doc = only_doc("cv.txt", "Zoë Müller\nICU nurse, Zürich".encode(codec))
    assert doc.text == "Zoë Müller\nICU nurse, Zürich"


def test_decode_text_falls_back_to_cp1252_for_invalid_utf8() -> None:
    assert decode_text(b"na\xefve \x93ok\x94") == "naïve “ok”"


def test_mojibake_is_repaired() -> None:
    doc = only_doc("cv.txt", "NaÃ¯ve Bayes, cafÃ© owner".encode())
    assert doc.text == "Naïve Bayes, café owner"
    assert normalize_text("NaÃ¯ve") == "Naïve"


def test_whitespace_is_normalised_but_paragraphs_kept() -> None:
    raw = "  Ann\u00a0\u00a0Lee \t\r\nData   engineer\r\n\r\n\r\n\r\nSkills:\x00 SQL  "
    assert normalize_text(raw) == "Ann Lee\nData engineer\n\nSkills: SQL"


# -- PDF and DOCX ----------------------------------------------------------------------

def test_pdf_text_layer_is_extracted_from_every_page(tmp_path: Path) -> None:
    path = tmp_path / "grace_kim.pdf"
    path.write_bytes(pdf_bytes([["Grace Kim", "ICU registered nurse (CCRN)"],
                                ["Ventilator management, sepsis bundles"]]))
    docs, errors = read_files([path])
    assert errors == []
    assert docs[0].name == "grace_kim"
    assert docs[0].source == "grace_kim.pdf"
    assert docs[0].text.split("\n") == ["Grace Kim", "ICU registered nurse (CCRN)", "",
                                        "Ventilator management, sepsis bundles"]


def test_encrypted_pdf_is_a_readable_error() -> None:
    error = only_error("locked.pdf", encrypted_pdf_bytes(["Secret resume"]))
    assert error.source == "locked.pdf"
    assert "encrypted PDF" in error.reason
    assert str(error).startswith("locked.pdf: encrypted PDF")


def test_pdf_without_text_says_it_may_be_a_scan() -> None:
    error = only_error("scan.pdf", blank_pdf_bytes())
    assert "no text" in error.reason
    assert "scanned image?" in error.reason


def test_damaged_and_renamed_pdfs_are_errors_not_crashes() -> None:
    assert "corrupt or truncated PDF" in only_error("cut.pdf", pdf_bytes([["x y z"]])[:60]).reason
    assert "not a PDF file" in only_error("fake.pdf", b"plain text pretending").reason


def test_docx_paragraphs_and_table_cells_are_read(tmp_path: Path) -> None:
    path = tmp_path / "omar.docx"
    path.write_bytes(docx_bytes(["Omar Haddad", "Junior data engineer"],
                                table=[["Skill", "Years"], ["PySpark", "2"]]))
    docs, errors = read_files([path])
    assert errors == []
    assert docs[0].name == "omar"
    assert docs[0].text == "Omar Haddad\nJunior data engineer\nSkill | Years\nPySpark | 2"


def test_damaged_docx_is_an_error() -> None:
    assert "corrupt or truncated DOCX" in only_error("cv.docx", b"not a zip at all").reason


# -- CSV ---------------------------------------------------------------------------------

def test_csv_gives_one_document_per_row_named_by_the_name_column() -> None:
    data = (b'name,text\n'
            b'alice,"Data engineer\nSpark, Airflow"\n'
            b'bob,"Nurse, ICU"\n')
    docs, errors = read_bytes("pool.csv", data)
    assert errors == []
    assert [(d.name, d.text, d.source) for d in docs] == [
        ("alice", "Data engineer\nSpark, Airflow", "pool.csv"),
        ("bob", "Nurse, ICU", "pool.csv"),
    ]


def test_csv_without_name_column_names_rows_and_reports_empty_rows() -> None:
    data = b'description\nBuild pipelines\n""\nCare for patients\n'
    docs, errors = read_bytes("jobs.csv", data)
    assert [d.name for d in docs] == ["jobs row 2", "jobs row 4"]
    assert [str(e) for e in errors] == ["jobs.csv row 3: empty text"]


def test_csv_with_semicolons_and_an_id_column() -> None:
    docs, _ = read_bytes("r.csv", b"id;resume\n7;Accountant with ten years of audits\n")
    assert [(d.name, d.text) for d in docs] == [("7", "Accountant with ten years of audits")]


def test_csv_errors_name_the_problem() -> None:
    assert "CSV needs a text column" in only_error("x.csv", b"foo,bar\n1,2\n").reason
    assert "found: foo, bar" in only_error("x.csv", b"foo,bar\n1,2\n").reason
    assert only_error("x.csv", b"name,text\n").reason == "CSV has a header but no rows"


# -- files that cannot be read -------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\t \r\n", "empty file"),
    ("sheet.xlsx", b"looks like text", "unsupported file type '.xlsx'"),
    ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "legacy Word/Office file (.doc)"),
    ("blob.txt", bytes(range(256)) * 4, "binary file of an unknown type"),
])
def test_unreadable_files_give_a_reason(name: str, data: bytes, reason: str) -> None:
    error = only_error(name, data)
    assert error.source == name
    assert reason in error.reason


def test_a_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Registered nurse", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.pdf").write_bytes(blank_pdf_bytes())
    # Issue 10: a file of an unsupported type in a folder is named with its reason, not
    # skipped in silence (it used to be ignored); hidden system files still are skipped.
    (tmp_path / "notes.xyz").write_text("not a supported type", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "big.txt").write_text("word " * 400, encoding="utf-8")
    docs, errors = read_files([tmp_path, tmp_path / "missing.pdf"], max_bytes=1000)
    assert [d.name for d in docs] == ["good"]
    reasons = {Path(e.source).name: e.reason for e in errors}
    assert set(reasons) == {"big.txt", "empty.txt", "scan.pdf", "missing.pdf", "notes.xyz"}
    assert reasons["notes.xyz"] == "unsupported file type '.xyz'"
    assert reasons["big.txt"].startswith("file too large")
    assert reasons["missing.pdf"] == "no such file or folder"


def test_sample_resumes_all_read() -> None:
    docs, errors = read_files([SAMPLE_RESUMES])
    assert errors == []
    assert len(docs) == 12
    assert all(d.text and d.name == Path(d.source).stem for d in docs)


# -- names, hashes, pasted text, duplicates --------------------------------------------

def test_names_never_carry_directories_or_control_characters() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\ann\\cv.pdf") == "cv.pdf"
    assert safe_name("a<b>:c\x01.txt") == "a_b__c_.txt"
    assert safe_name("") == "unnamed"
    assert display_stem("../x/ann lee.pdf") == "ann lee"


def test_document_identity_is_the_hash_of_its_normalised_text() -> None:
    doc = Document("alice", "Data engineer")
    assert doc.sha256 == text_hash("Data engineer")
    assert len(doc.sha256) == 64


def test_pasted_texts_skip_blanks_and_get_default_names() -> None:
    docs = documents_from_text([("Ann", " Data  engineer "), ("", "Nurse"), ("Bo", "  ")])
    assert [(d.name, d.text, d.source) for d in docs] == [
        ("Ann", "Data engineer", "pasted"), ("pasted 2", "Nurse", "pasted")]


def test_dedupe_drops_same_text_and_renames_same_names() -> None:
    docs = [Document("ann", "A", "a.txt"), Document("ann", "B", "b.txt"),
            Document("copy", "A", "c.txt")]
    kept, notes = dedupe(docs)
    assert [(d.name, d.text) for d in kept] == [("ann", "A"), ("ann (2)", "B")]
    assert notes == ["c.txt: same text as a.txt (ann); skipped"]


# -- issue 10: names are names, reading metadata survives ---------------------------------

def test_a_csv_name_with_a_slash_is_a_name_not_a_path() -> None:
    docs, _ = read_bytes("pool.csv", b"name,text\nDev/Ops Lead,Kubernetes\n../../x y,Go\n")
    assert [d.name for d in docs] == ["Dev/Ops Lead", "../../x y"]
    assert documents_from_text([("A/B testing lead", "Experiments")])[0].name == \
        "A/B testing lead"


def test_csv_cells_of_html_are_cleaned() -> None:
    docs, _ = read_bytes("jobs.csv", b'title,description\nSRE,"<ul><li>Kubernetes</li>'
                                     b'<li>Terraform</li></ul><p>Remote</p>"\n')
    assert docs[0].text == "- Kubernetes\n- Terraform\nRemote"


def test_dedupe_and_renaming_keep_the_reading_notes() -> None:
    flagged = Document("ann", "A", "a.pdf", notes=("hidden text: 4 words not scored",),
                       parts=("1 page",), hidden_words=4)
    scan = Document("ann", "B", "b.pdf", notes=("read by OCR (1 page)",), ocr=True)
    kept, _ = dedupe([flagged, scan])
    assert kept[0] == flagged
    assert kept[1].name == "ann (2)" and kept[1].ocr and kept[1].notes == scan.notes
    assert kept[0].reading_notes == "hidden text: 4 words not scored"
    from resumatch.ingest.documents import reading_notes

    assert reading_notes(kept) == ["a.pdf: hidden text: 4 words not scored",
                                   "b.pdf: read by OCR (1 page)"]


def test_existing_callers_get_defaults() -> None:
    doc = Document("x", "y")
    assert (doc.source, doc.notes, doc.parts, doc.hidden_words, doc.ocr) == (
        "pasted", (), (), 0, False)
