"""ZIP archives: each member read like an upload and named inside the archive; limits
refuse ZIP bombs; system files are skipped in silence."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fixtures_docs import docx_bytes, pdf_bytes, zip_bytes

from resumatch.ingest import archive
from resumatch.ingest.documents import read_bytes, read_files


def test_members_are_read_like_uploads_and_named_inside_the_archive() -> None:
    data = zip_bytes({
        "cvs/ann.pdf": pdf_bytes([["Ann Lee", "Data engineer"]]),
        "cvs/2024/bo.docx": docx_bytes(["Bo Chen", "ICU nurse"]),
        "cvs/notes.xyz": b"what is this",
        "cvs/empty.txt": b"",
        "__MACOSX/cvs/._ann.pdf": b"\x00\x05\x16\x07",
        "cvs/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "cvs/Thumbs.db": b"\xd0\xcf\x11\xe0",
    })
    docs, errors = read_bytes("batch.zip", data)
    assert [(d.name, d.source, d.text) for d in docs] == [
        ("ann", "batch.zip/cvs/ann.pdf", "Ann Lee\nData engineer"),
        ("bo", "batch.zip/cvs/2024/bo.docx", "Bo Chen\nICU nurse")]
    assert [str(e) for e in errors] == [
        "batch.zip/cvs/notes.xyz: unsupported file type '.xyz'",
        "batch.zip/cvs/empty.txt: empty file"]


def test_a_nested_archive_is_read_one_level_deep_and_no_deeper() -> None:
    inner = zip_bytes({"cy.txt": b"Cy Park, accountant"})
    deeper = zip_bytes({"deep.zip": zip_bytes({"dee.txt": b"too deep"})})
    docs, errors = read_bytes("all.zip", zip_bytes({"inner.zip": inner, "more.zip": deeper}))
    assert [(d.name, d.source) for d in docs] == [("cy", "all.zip/inner.zip/cy.txt")]
    assert [e.source for e in errors] == ["all.zip/more.zip/deep.zip"]
    assert "nested more than 2 deep" in errors[0].reason


def test_a_zip_bomb_is_refused_by_inflated_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_INFLATED_MB", 1)
    bomb = zip_bytes({f"cv{i}.txt": b"Kubernetes " * 60_000 for i in range(3)})  # ~0.6 MB
    docs, errors = read_bytes("bomb.zip", bomb)
    assert len(docs) == 1
    assert [e.source for e in errors] == ["bomb.zip/cv1.txt", "bomb.zip/cv2.txt"]
    assert "inflates past 1 MB" in errors[0].reason


def test_members_past_the_count_limit_and_the_file_limit_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    data = zip_bytes({"a.txt": b"Welder", "b.txt": b"Baker " * 300, "c.txt": b"Pilot"})
    docs, errors = read_bytes("many.zip", data, max_bytes=1000)
    assert [d.name for d in docs] == ["a"]
    assert [e.source for e in errors] == ["many.zip/b.txt", "many.zip/c.txt"]
    assert errors[0].reason.startswith("file too large")
    assert "more than 2 files" in errors[1].reason


def test_a_member_that_lies_about_its_size_is_stopped_while_inflating() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("big.txt", b"a" * 50_000)
    data = bytearray(out.getvalue())
    # Patch the central directory's uncompressed size to claim 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    docs, errors = read_bytes("liar.zip", bytes(data), max_bytes=1000)
    assert docs == [] and len(errors) == 1 and errors[0].source == "liar.zip/big.txt"


def test_damaged_and_empty_archives_are_errors(tmp_path: Path) -> None:
    assert "corrupt or truncated ZIP" in read_bytes("cut.zip", zip_bytes(
        {"a.txt": b"x" * 100})[:40])[1][0].reason
    assert read_bytes("none.zip", zip_bytes({}))[1][0].reason.startswith("empty ZIP")
    (tmp_path / "cvs.zip").write_bytes(zip_bytes({"ann.txt": b"Ann, nurse"}))
    docs, _ = read_files([tmp_path])
    assert [d.source for d in docs] == ["cvs.zip/ann.txt"]


@pytest.mark.parametrize(("path", "system"), [
    (".DS_Store", True), ("__MACOSX/._cv.pdf", True), ("a/Thumbs.db", True),
    (".hidden/cv.pdf", True), ("desktop.ini", True), ("cvs/ann.pdf", False),
    ("ann.pdf", False)])
def test_system_files(path: str, system: bool) -> None:
    assert archive.is_system_file(path) is system
