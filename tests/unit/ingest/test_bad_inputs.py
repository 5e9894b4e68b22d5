"""The bad-input suite: every file a recruiter might be sent, in a batch with good ones.

Each case builds its file at test time, reads it in a batch of good files through both
entry points (files on disk, as the CLI reads them; uploads, as the Match page reads
them), and checks three things: the per-file message (naming the file), that the rest
of the batch went through, and that what was stored before is neither lost nor altered.
"""

from __future__ import annotations

import codecs
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures_docs import (
    WordEncoder,
    blank_pdf_bytes,
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
)

from resumatch.embed.embedding import Chunking, Embedder
from resumatch.ingest.documents import Document, ReadError, dedupe, read_files
from resumatch.pipeline import match
from resumatch.store import Store
from ui.inputs import collect, read_uploads

LIMIT_MB = 20
LIMIT = LIMIT_MB * 1024 * 1024
GOOD_FILES = {
    "nurse.txt": b"Registered nurse, ICU, ventilators and sepsis care",
    "engineer.pdf": pdf_bytes([["Data engineer", "Spark, Airflow and Kafka pipelines"]]),
    "accountant.docx": docx_bytes(["Accountant", "Audits, ledgers and IFRS reporting"]),
}
GOOD_NAMES = {"nurse", "engineer", "accountant"}


@dataclass
class FakeUpload:
    """What ``st.file_uploader`` hands the page: a name, a size and the bytes."""

    name: str
    data: bytes
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.data)

    def getvalue(self) -> bytes:
        if self.size > LIMIT:
            raise AssertionError(f"{self.name} was read although it is over the limit")
        return self.data


def read_as_files(tmp_path: Path, extra: dict[str, bytes]) -> tuple[list[Document],
                                                                     list[ReadError]]:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, data in {**GOOD_FILES, **extra}.items():
        (folder / name).write_bytes(data)
    return read_files([folder], max_bytes=LIMIT)


def read_as_uploads(tmp_path: Path, extra: dict[str, bytes]) -> tuple[list[Document],
                                                                       list[ReadError]]:
    uploads = [FakeUpload(name, data) for name, data in {**GOOD_FILES, **extra}.items()]
    return read_uploads(uploads, LIMIT)


READERS: dict[str, Callable[[Path, dict[str, bytes]], tuple[list[Document],
                                                             list[ReadError]]]] = {
    "files": read_as_files, "uploads": read_as_uploads}


@pytest.fixture(params=list(READERS))
def read_batch(request: pytest.FixtureRequest):
    return READERS[request.param]


@pytest.fixture
def seeded_store(store: Store) -> tuple[Store, Embedder, dict[str, tuple[str, bytes]]]:
    """A store that already holds one ranked resume: its row and vectors must survive."""
    embedder = Embedder(WordEncoder(), store, Chunking(window=16, overlap=4))
    earlier = Document("earlier", "Chef with ten years in French kitchens", "earlier.txt")
    match([earlier], [Document("job", "Head chef")], embedder)
    return store, embedder, snapshot(store)


def snapshot(store: Store) -> dict[str, tuple[str, bytes]]:
    with store.connect() as conn:
        rows = conn.execute(
            "SELECT d.sha256, d.text, e.chunk_vectors FROM documents d "
            "JOIN embeddings e ON e.sha256 = d.sha256").fetchall()
    return {row["sha256"]: (row["text"], row["chunk_vectors"]) for row in rows}


def rank_batch(seeded: tuple[Store, Embedder, dict[str, tuple[str, bytes]]],
               docs: list[Document]) -> None:
    """Rank what was read, then check the earlier rows are untouched."""
    store, embedder, before = seeded
    kept, _ = dedupe(docs)
    job = Document("job", "Nurse for the intensive care unit")
    result = match(kept, [job], embedder)
    assert len(result.resumes) == len(kept)
    after = snapshot(store)
    for sha, row in before.items():
        assert after[sha] == row
    assert set(after) == set(before) | {d.sha256 for d in [*kept, job]}


def assert_batch(docs: list[Document], errors: list[ReadError], bad: str,
                 *messages: str) -> None:
    assert GOOD_NAMES <= {d.name for d in docs}, "the good files must go through"
    assert [e.source for e in errors] == [bad]
    for message in messages:
        assert message in errors[0].reason
    assert str(errors[0]).startswith(f"{bad}: ")


# -- files that cannot be read: a message naming the file, the rest goes on ----------------

UNREADABLE = {
    "empty": ("empty.txt", b"", ["empty file"]),
    "whitespace": ("blank.txt", b" \n\t  \r\n  ", ["empty file", "whitespace"]),
    "encrypted pdf": ("locked.pdf", encrypted_pdf_bytes(["Secret resume"]),
                      ["encrypted PDF", "password"]),
    "scanned pdf": ("scan.pdf", blank_pdf_bytes(), ["scanned image?", "no text found"]),
    "truncated pdf": ("cut.pdf", pdf_bytes([["Grace Kim", "ICU nurse"]])[:300],
                      ["corrupt or truncated PDF"]),
    "corrupt pdf": ("noise.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8,
                    ["corrupt or truncated PDF"]),
    "truncated docx": ("cut.docx", docx_bytes(["Omar Haddad", "Data engineer"])[:2000],
                       ["corrupt or truncated DOCX"]),
    "truncated docx named pdf": ("cut_word.pdf", docx_bytes(["Omar"])[:2000],
                                 ["corrupt or truncated DOCX"]),
    "not a docx": ("fake.docx", b"just some bytes that are not a zip", ["corrupt or truncated"]),
    "legacy doc": ("old.docx", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, ["legacy Word"]),
    "csv without text column": ("people.csv", b"foo,bar\n1,2\n", ["CSV needs a text column"]),
    "csv header only": ("header.csv", b"name,text\n", ["CSV has a header but no rows"]),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_unreadable_file_gets_a_message_and_the_batch_goes_on(
        case: str, read_batch, tmp_path: Path, seeded_store) -> None:
    name, data, messages = UNREADABLE[case]
    docs, errors = read_batch(tmp_path, {name: data})
    assert_batch(docs, errors, name, *messages)
    rank_batch(seeded_store, docs)


# -- valid but unusual files are read correctly ------------------------------------------------

READABLE = {
    "docx renamed pdf": ("omar.pdf", docx_bytes(["Omar Haddad", "Junior data engineer"]),
                         "Omar Haddad\nJunior data engineer"),
    "pdf renamed docx": ("grace.docx", pdf_bytes([["Grace Kim", "ICU nurse"]]),
                         "Grace Kim\nICU nurse"),
    "pdf named txt": ("lee.txt", pdf_bytes([["Lee Chan", "Welder"]]), "Lee Chan\nWelder"),
    "cp1252": ("zoe.txt", "Zoë Müller – café manager, naïve Bayes".encode("cp1252"),
               "Zoë Müller – café manager, naïve Bayes"),
    "utf-16 with bom": ("ana.txt", codecs.BOM_UTF16_LE + "Ana Núñez\nEnfermera, Zürich"
                        .encode("utf-16-le"), "Ana Núñez\nEnfermera, Zürich"),
    "utf-16 big endian with bom": ("bo.txt", "Bo Ærø\nPilot".encode("utf-16"),
                                   "Bo Ærø\nPilot"),
    "utf-8 with bom": ("ida.md", codecs.BOM_UTF8 + "# Ida Ström\nChemist".encode(),
                       "# Ida Ström\nChemist"),
    "upper-case suffix": ("MAX.TXT", b"Max Power\nElectrician", "Max Power\nElectrician"),
}


@pytest.mark.parametrize("case", list(READABLE))
def test_unusual_but_valid_file_is_read_correctly(case: str, read_batch, tmp_path: Path,
                                                  seeded_store) -> None:
    name, data, text = READABLE[case]
    docs, errors = read_batch(tmp_path, {name: data})
    assert errors == []
    by_source = {d.source: d for d in docs}
    assert by_source[name].text == text
    assert GOOD_NAMES <= {d.name for d in docs}
    rank_batch(seeded_store, docs)


# -- size and count limits -----------------------------------------------------------------

def test_a_50_mb_file_is_refused_naming_the_limit_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeded_store) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, data in GOOD_FILES.items():
        (folder / name).write_bytes(data)
    big = folder / "huge.txt"
    with big.open("wb") as handle:  # sparse: 50 MB on paper, nothing written
        handle.truncate(50 * 1024 * 1024)
    opened: list[str] = []
    real_open = Path.open

    def spy_open(self: Path, *args, **kwargs):
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy_open)
    docs, errors = read_files([folder], max_bytes=LIMIT)
    assert "huge.txt" not in opened
    assert_batch(docs, errors, "huge.txt", "file too large", "50.0 MB",
                 f"the limit is {LIMIT_MB} MB", "RESUMATCH_MAX_UPLOAD_MB")
    rank_batch(seeded_store, docs)


def test_a_50_mb_upload_is_refused_naming_the_limit_before_it_is_read() -> None:
    uploads = [FakeUpload(n, d) for n, d in GOOD_FILES.items()]
    uploads.insert(1, FakeUpload("huge.pdf", b"", size=50 * 1024 * 1024))
    docs, errors = read_uploads(uploads, LIMIT)  # FakeUpload raises if read
    assert_batch(docs, errors, "huge.pdf", "file too large", f"the limit is {LIMIT_MB} MB")


def test_streamlit_refuses_uploads_over_the_same_limit() -> None:
    config = (Path(__file__).resolve().parents[3] / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {LIMIT_MB}" in config


def test_500_small_files_at_once_with_one_bad_one(tmp_path: Path, seeded_store) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(500):
        (folder / f"cv_{i:03d}.txt").write_text(f"Candidate {i} knows skill{i} and Python",
                                                encoding="utf-8")
    (folder / "zz_empty.txt").write_bytes(b"")
    docs, errors = read_files([folder], max_bytes=LIMIT)
    assert len(docs) == 500
    assert [str(e) for e in errors] == ["zz_empty.txt: empty file"]
    uploads = [FakeUpload(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    up_docs, up_errors = read_uploads(uploads, LIMIT)
    assert [d.text for d in up_docs] == [d.text for d in docs]
    assert [str(e) for e in up_errors] == ["zz_empty.txt: empty file"]
    rank_batch(seeded_store, docs)


def test_files_past_the_count_limit_are_refused_naming_the_limit(tmp_path: Path) -> None:
    uploads = [FakeUpload(f"cv_{i}.txt", f"Welder number {i}".encode()) for i in range(5)]
    docs, errors = read_uploads(uploads, LIMIT, max_files=3)
    assert [d.name for d in docs] == ["cv_0", "cv_1", "cv_2"]
    assert [e.source for e in errors] == ["cv_3.txt", "cv_4.txt"]
    assert "the limit is 3" in errors[0].reason and "RESUMATCH_MAX_FILES" in errors[0].reason
    for upload in uploads:
        (tmp_path / upload.name).write_bytes(upload.data)
    docs, errors = read_files([tmp_path], max_files=3)
    assert len(docs) == 3 and len(errors) == 2


# -- CSV files from other tools ------------------------------------------------------------

CSV_CASES = {
    "missing cells": (b"name,text,email\nann,Nurse in ICU\nbo,Welder,bo@x.org\n",
                      [("ann", "Nurse in ICU"), ("bo", "Welder")]),
    "extra cells": (b"name,text\nann,Nurse in ICU,extra,more\nbo,Welder\n",
                    [("ann", "Nurse in ICU"), ("bo", "Welder")]),
    "quoted newlines": (b'name,text\nann,"Nurse\nICU, night shifts"\nbo,"He said ""hi"""\n',
                        [("ann", "Nurse\nICU, night shifts"), ("bo", 'He said "hi"')]),
    "bom": (codecs.BOM_UTF8 + b"text,name\nNurse in ICU,ann\n", [("ann", "Nurse in ICU")]),
    "semicolons": (b'name;resume\nann;"Nurse, ICU; nights"\n', [("ann", "Nurse, ICU; nights")]),
    "semicolons with commas in text": (
        b"id;text\n1;Python, SQL, Spark, Airflow, Kafka, dbt\n",
        [("1", "Python, SQL, Spark, Airflow, Kafka, dbt")]),
    "tabs": (b"name\ttext\nann\tNurse\n", [("ann", "Nurse")]),
    "crlf": (b"name,text\r\nann,Nurse\r\nbo,Welder\r\n", [("ann", "Nurse"), ("bo", "Welder")]),
    "cp1252": ("name,text\nzoë,Café manager\n".encode("cp1252"), [("zoë", "Café manager")]),
    "utf-16": ("name,text\nann,Nurse\n".encode("utf-16"), [("ann", "Nurse")]),
    "huge field": (b"name,text\nann," + b"word " * 40000 + b"\n",
                   [("ann", " ".join(["word"] * 40000))]),
}


@pytest.mark.parametrize("case", list(CSV_CASES))
def test_csv_variants_are_read(case: str, read_batch, tmp_path: Path, seeded_store) -> None:
    data, expected = CSV_CASES[case]
    docs, errors = read_batch(tmp_path, {"pool.csv": data})
    assert errors == []
    assert [(d.name, d.text) for d in docs if d.source == "pool.csv"] == expected
    assert GOOD_NAMES <= {d.name for d in docs}
    rank_batch(seeded_store, docs)


def test_csv_rows_without_text_are_reported_by_row(read_batch, tmp_path: Path) -> None:
    docs, errors = read_batch(tmp_path, {"pool.csv": b"name,text\nann,Nurse\nbo,\ncy\n"})
    assert [d.name for d in docs if d.source == "pool.csv"] == ["ann"]
    assert [str(e) for e in errors] == ["pool.csv row 3: empty text",
                                        "pool.csv row 4: empty text"]
    assert GOOD_NAMES <= {d.name for d in docs}


# -- duplicates ------------------------------------------------------------------------------

def test_duplicate_documents_are_deduplicated_by_content_and_reported(tmp_path: Path) -> None:
    same = "Registered nurse, ICU, ventilators and sepsis care"
    uploads = [FakeUpload(n, d) for n, d in GOOD_FILES.items()]
    uploads += [FakeUpload("copy.txt", f"  {same}\r\n".encode()),  # same after normalising
                FakeUpload("copy.docx", docx_bytes([same]))]
    collected = collect(uploads, [("pasted", same)], [], LIMIT)
    assert sorted(d.name for d in collected.docs) == sorted(GOOD_NAMES)
    assert collected.errors == []
    assert collected.notes == ["copy.txt: same text as nurse.txt (nurse); skipped",
                               "copy.docx: same text as nurse.txt (nurse); skipped",
                               "pasted: same text as nurse.txt (nurse); skipped"]


# -- labeled pairs: labels as strings, NaN, 1.5, -1 ----------------------------------------

def test_bad_labels_are_rejected_by_row_and_good_rows_kept() -> None:
    from resumatch.train.pairs import parse_pairs

    data = (b"resume,job,label\n"
            b"Nurse ICU,ICU nurse,0.9\n"
            b"Welder,ICU nurse,high\n"
            b"Chef,ICU nurse,NaN\n"
            b"Pilot,ICU nurse,1.5\n"
            b"Clerk,ICU nurse,-1\n"
            b"Baker,ICU nurse,0\n")
    result = parse_pairs("pairs.csv", data)
    assert [(p.resume, p.label) for p in result.pairs] == [("Nurse ICU", 0.9), ("Baker", 0.0)]
    messages = {e.row: e.message for e in result.errors}
    assert set(messages) == {2, 3, 4, 5}
    assert "'high' is not a number" in messages[2]
    assert "is not a number" in messages[3]
    assert "1.5 is outside [0, 1]" in messages[4]
    assert "-1 is outside [0, 1]" in messages[5]
    assert all(math.isfinite(p.label) for p in result.pairs)


def test_nothing_stored_changes_when_a_whole_batch_is_bad(tmp_path: Path, seeded_store) -> None:
    store, _, before = seeded_store
    docs, errors = read_as_files(tmp_path, {})
    assert not errors
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "a.pdf").write_bytes(blank_pdf_bytes())
    (only_bad / "b.txt").write_bytes(b"")
    docs, errors = read_files([only_bad])
    assert docs == [] and len(errors) == 2
    assert snapshot(store) == before
