"""ODT (odfpy), RTF (striprtf) and legacy .doc (antiword): read, or a clear reason."""

from __future__ import annotations

import shutil

import pytest
from fixtures_docs import odt_bytes

from resumatch.ingest.documents import read_bytes, sniff_kind
from resumatch.ingest.extracted import DocumentError
from resumatch.ingest.office import read_doc, read_odt, read_rtf

T = "text:"


def test_odt_paragraphs_headings_lists_tables_and_frames_in_order() -> None:
    content = (
        f"<{T}h>Yara Mbeki</{T}h><{T}p>Platform engineer</{T}p>"
        f"<{T}list><{T}list-item><{T}p>Kubernetes</{T}p></{T}list-item>"
        f"<{T}list-item><{T}p>Terraform</{T}p></{T}list-item></{T}list>"
        "<table:table><table:table-row><table:table-cell><text:p>Go</text:p>"
        "</table:table-cell><table:table-cell><text:p>5 years</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        f"<{T}p>Profile<draw:frame><draw:text-box><{T}p>Prometheus, Grafana</{T}p>"
        f"</draw:text-box></draw:frame></{T}p>"
        f"<{T}tracked-changes><{T}changed-region><{T}deletion><{T}p>Mesos</{T}p>"
        f"</{T}deletion></{T}changed-region></{T}tracked-changes>")
    text = read_odt(odt_bytes(content)).text
    assert text.split("\n") == ["Yara Mbeki", "Platform engineer", "- Kubernetes",
                                "- Terraform", "Go | 5 years", "Profile", "Prometheus, Grafana"]


def test_rtf_is_read() -> None:
    rtf = (rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0\fs22 Felix Oduya\par "
           rb"Platform engineer: Kubernetes, Terraform.\par Caf\'e9 owner\par}")
    assert read_rtf(rtf).text.split("\n")[:3] == ["Felix Oduya",
                                                  "Platform engineer: Kubernetes, Terraform.",
                                                  "Café owner"]
    docs, _ = read_bytes("felix.rtf", rtf)
    assert docs[0].name == "felix"


def test_formats_are_sniffed_by_content_not_name() -> None:
    assert sniff_kind(odt_bytes(f"<{T}p>x</{T}p>"), "cv.docx") == "odt"
    assert sniff_kind(rb"{\rtf1 hi}", "cv.txt") == "rtf"
    assert sniff_kind(b"\xd0\xcf\x11\xe0" + bytes(100), "cv.txt") == "doc"
    assert sniff_kind(b"\xd0\xcf\x11\xe0" + bytes(100), "book.xls").startswith("unsupported:")


def test_a_doc_antiword_cannot_read_says_save_as_docx_or_pdf() -> None:
    with pytest.raises(DocumentError, match=r"legacy Word/Office file \(\.doc\).*save it as "
                                            r"DOCX or PDF"):
        read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def test_without_antiword_a_doc_says_save_as_docx_or_pdf(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("PATH", str(tmp_path))
    docs, errors = read_bytes("old.doc", b"\xd0\xcf\x11\xe0" + bytes(600))
    assert docs == []
    assert "save it as DOCX or PDF" in errors[0].reason
    assert "antiword" in errors[0].reason


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed")
def test_antiword_is_called_without_wrapping(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    seen: list[list[str]] = []

    def fake_run(cmd, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, b"Greta Sole\nKubernetes engineer\n", b"")

    monkeypatch.setattr(subprocess, "run", fake_run)
    docs, errors = read_bytes("greta.doc", b"\xd0\xcf\x11\xe0" + bytes(600))
    assert errors == [] and docs[0].text == "Greta Sole\nKubernetes engineer"
    assert seen[0][1:5] == ["-w", "0", "-m", "UTF-8.txt"]
