"""Word readers compared on the parts issue 10 asks for: docx2python 3.7 against ours
(python-docx's package + one walk of the XML, ``resumatch.ingest.word``) and the old
python-docx paragraphs-and-top-level-tables reader.

Each kind is a small .docx built in memory (``tests/fixtures_docs.py``) or a shared case
file; a reader passes a kind when every word that must be read appears exactly once and
every word that must stay out is absent. Prints one row per kind and the totals.

Run: ``python bench/docx_readers.py``.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
CASES = ROOT.parent / "shared" / "cases" / "documents"

from fixtures_docs import docx_from_xml, w_p, w_r, w_tbl, w_textbox  # noqa: E402

from resumatch.ingest.word import read_docx  # noqa: E402

# kind -> (docx bytes, words read exactly once, words that must stay out)
KINDS: dict[str, tuple[bytes, list[str], list[str]]] = {
    "table nested 3 deep": (docx_from_xml(w_tbl([w_tbl([w_p("Skills") + w_tbl(
        ["Kubernetes", "Terraform"])])])), ["Kubernetes", "Terraform"], []),
    "content control in a table cell": (docx_from_xml(w_tbl(
        ["<w:sdt><w:sdtContent>" + w_p("Prometheus") + "</w:sdtContent></w:sdt>", "Go"])),
        ["Prometheus", "Go"], []),
    "tracked insertion in, deletion out": (docx_from_xml(w_p(
        "Led ", '<w:ins w:id="1" w:author="x">' + w_r("Kubernetes") + "</w:ins>",
        '<w:del w:id="2" w:author="x"><w:r><w:delText>Mesos</w:delText></w:r></w:del>')),
        ["Kubernetes"], ["Mesos"]),
    "text box with VML fallback": (docx_from_xml(w_p("Profile", w_textbox("Terraform"))),
                                   ["Terraform"], []),
    "text box in a header": (docx_from_xml(w_p("Body"), headers=[w_p(w_textbox(
        "Helm"))]), ["Helm"], []),
    "same header twice": (docx_from_xml(w_p("Body"), headers=[w_p("Grafana"),
                                                              w_p("Grafana")]),
                          ["Grafana"], []),
    "footnote in, comment out": (docx_from_xml(
        w_p("Body", '<w:r><w:footnoteReference w:id="1"/></w:r>'),
        footnotes=[w_p("Ansible")], comments=[w_p("Reviewer")]), ["Ansible"], ["Reviewer"]),
    "hidden font out": (docx_from_xml(w_p("Barista", w_r(" Kubernetes", "<w:vanish/>"))),
                        ["Barista"], ["Kubernetes"]),
    "white 1 pt out": (docx_from_xml(w_p("Barista", w_r(
        " Kubernetes", '<w:color w:val="FFFFFF"/><w:sz w:val="2"/>'))),
        ["Barista"], ["Kubernetes"]),
}
for name, folder, must in (("jonas_everhart.docx", "03_docx_nested_table",
                            ["Kubernetes", "Terraform", "Prometheus"]),
                           ("lena_marchetti.docx", "04_docx_textbox_header",
                            ["Kubernetes (6 years", "Platform Engineer"])):
    path = CASES / folder / "r" / name
    if path.exists():
        KINDS[f"case {folder[:2]} ({name})"] = (path.read_bytes(), must, [])


def old_reader(data: bytes) -> str:
    """The reader before issue 10: top-level paragraphs, then top-level table rows."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = dict.fromkeys(cell.text.strip() for cell in row.cells)
            parts.append(" | ".join(c for c in cells if c))
    return "\n".join(parts)


def docx2python_reader(data: bytes) -> str:
    from docx2python import docx2python

    with docx2python(io.BytesIO(data)) as content:
        return content.text


READERS: dict[str, Callable[[bytes], str]] = {
    "python-docx (old)": old_reader,
    "docx2python 3.7": docx2python_reader,
    "ours (word.py)": lambda data: read_docx(data).text,
}


def passes(text: str, must: list[str], out: list[str]) -> bool:
    once = all(len(re.findall(re.escape(word), text)) == 1 for word in must)
    return once and not any(word in text for word in out)


def main() -> None:
    width = max(len(k) for k in KINDS)
    print(f"{'kind':<{width}}  " + "  ".join(f"{r:>17}" for r in READERS))
    totals = dict.fromkeys(READERS, 0)
    for kind, (data, must, out) in KINDS.items():
        row = []
        for reader_name, reader in READERS.items():
            try:
                ok = passes(reader(data), must, out)
            except Exception as err:  # a reader that crashes fails the kind
                ok = False
                print(f"  {reader_name} failed on {kind}: {type(err).__name__}")
            totals[reader_name] += ok
            row.append("pass" if ok else "FAIL")
        print(f"{kind:<{width}}  " + "  ".join(f"{r:>17}" for r in row))
    print(f"{'passed':<{width}}  " + "  ".join(f"{f'{totals[r]}/{len(KINDS)}':>17}"
                                               for r in READERS))
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
