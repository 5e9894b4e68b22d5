"""Build small, real PDF and DOCX files at test time (no binary files in the repo),
plus ``WordEncoder``, a millisecond stand-in for the model.

pypdf cannot lay out text, and reportlab is not a dependency, so ``pdf_bytes`` writes a
minimal PDF by hand: one page per list of lines, a Type1 Helvetica font and a content
stream of ``Tj`` operators, with a correct cross-reference table. pypdf extracts its text.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SAMPLE_RESUMES = ASSETS / "sample_resumes"
SAMPLE_JOBS = ASSETS / "sample_jobs"


def _pdf_string(text: str) -> str:
    """A PDF literal string body: backslash and parentheses escaped, Latin-1 only."""
    text.encode("latin-1")  # Helvetica's standard encoding covers Latin-1; fail loudly
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF with a text layer: ``pages`` is a list of pages, each a list of lines.

    Example:
        >>> pdf_bytes([["Data engineer", "Spark and Airflow"]])[:8]
        b'%PDF-1.4'
    """
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages  # 1 catalog, 2 page tree, then (page, content) per page
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
         + f"] /Count {n_pages} >>").encode("latin-1"),
    ]
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
                        f"/Contents {content_id} 0 R >>").encode("latin-1"))
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops.append(f"({_pdf_string(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                       + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref_at))
    return out.getvalue()


def encrypted_pdf_bytes(lines: Sequence[str], password: str = "s3cret") -> bytes:
    """A password-protected copy of a one-page text PDF (RC4: no crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes([lines]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner",
                   algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf_bytes() -> bytes:
    """A PDF whose only page has no text at all, like a scan without OCR."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    """A Word document with the given paragraphs, then an optional table of rows."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class WordEncoder:
    """A tiny deterministic stand-in for the model: bag of words hashed into 64 dims.

    Tokens are whitespace-separated words (offsets are exact), so chunking and caching
    can be tested in milliseconds; ``encoded`` records every text it was asked to encode.
    """

    dim = 64

    def __init__(self, model_id: str = "words", max_tokens: int = 256) -> None:
        self.model_id = model_id
        self.max_tokens = max_tokens
        self.encoded: list[str] = []

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"\S+", text)]

    def encode(self, texts: Sequence[str], progress: Callable[[int, int, str], None] | None = None,
               ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self.encoded.append(text)
            for word in text.lower().split():
                out[row, zlib.crc32(word.strip(".,;:()").encode()) % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        if progress:
            progress(len(texts), len(texts), "embedding passages")
        return out


# -- documents of every kind, built at test time (issue 10) -----------------------------------

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable=""')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def w_p(*runs: str, ppr: str = "") -> str:
    """A WordprocessingML paragraph of ``runs`` (plain strings become plain runs)."""
    body = "".join(r if r.startswith("<") else w_r(r) for r in runs)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>"


def w_r(text: str, rpr: str = "") -> str:
    """A run of text with optional run properties (``<w:vanish/>``, ``<w:sz w:val="2"/>``)."""
    return (f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}'
            f'<w:t xml:space="preserve">{text}</w:t></w:r>')


def w_tbl(*rows: Sequence[str]) -> str:
    """A table; each cell is block XML (paragraphs, tables) or plain text."""
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{c if c.startswith('<') else w_p(c)}</w:tc>" for c in row)
        + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def w_textbox(*blocks: str, fill: str | None = None) -> str:
    """A run holding a floating DrawingML text box with its VML fallback (as Word writes)."""
    content = "".join(b if b.startswith("<") else w_p(b) for b in blocks)
    sp_fill = (f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill>' if fill else "")
    vml_fill = f' fillcolor="#{fill}"' if fill else ""
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
            '<wp:anchor behindDoc="0"><wp:docPr id="1" name="Text Box 1"/><a:graphic>'
            '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
            f'wordprocessingShape"><wps:wsp><wps:spPr>{sp_fill}</wps:spPr><wps:txbx>'
            f'<w:txbxContent>{content}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData>'
            '</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            f'<v:shape{vml_fill}><v:textbox><w:txbxContent>{content}</w:txbxContent>'
            '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def docx_from_xml(body: str, headers: Sequence[str] = (), footers: Sequence[str] = (),
                  footnotes: Sequence[str] = (), comments: Sequence[str] = (),
                  styles: str = "", background: str | None = None) -> bytes:
    """A Word file written part by part: ``body`` is the XML inside ``<w:body>``; each
    header/footer/footnote/comment is block XML. Opens in Word and python-docx."""
    parts: dict[str, str] = {}
    rels = []
    overrides = [f'<Override PartName="/word/document.xml" '
                 f'ContentType="{_WML}.document.main+xml"/>']
    refs = []
    for kind, blocks in (("header", headers), ("footer", footers)):
        for i, block in enumerate(blocks, start=1):
            tag = "hdr" if kind == "header" else "ftr"
            parts[f"word/{kind}{i}.xml"] = f"<w:{tag} {W_NS}>{block}</w:{tag}>"
            rels.append((f"rId{kind}{i}", f"{_REL}/{kind}", f"{kind}{i}.xml"))
            overrides.append(f'<Override PartName="/word/{kind}{i}.xml" '
                             f'ContentType="{_WML}.{kind}+xml"/>')
            kind_attr = ("default", "first", "even")[min(i - 1, 2)]
            refs.append(f'<w:{kind}Reference w:type="{kind_attr}" r:id="rId{kind}{i}"/>')
    if footnotes:
        notes = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
                 '</w:p></w:footnote>' + "".join(
                     f'<w:footnote w:id="{i}">{b}</w:footnote>'
                     for i, b in enumerate(footnotes, start=1)))
        parts["word/footnotes.xml"] = f"<w:footnotes {W_NS}>{notes}</w:footnotes>"
        rels.append(("rIdFn", f"{_REL}/footnotes", "footnotes.xml"))
        overrides.append(f'<Override PartName="/word/footnotes.xml" '
                         f'ContentType="{_WML}.footnotes+xml"/>')
    if comments:
        items = "".join(f'<w:comment w:id="{i}" w:author="x">{b}</w:comment>'
                        for i, b in enumerate(comments))
        parts["word/comments.xml"] = f"<w:comments {W_NS}>{items}</w:comments>"
        rels.append(("rIdCm", f"{_REL}/comments", "comments.xml"))
        overrides.append(f'<Override PartName="/word/comments.xml" '
                         f'ContentType="{_WML}.comments+xml"/>')
    if styles:
        parts["word/styles.xml"] = f"<w:styles {W_NS}>{styles}</w:styles>"
        rels.append(("rIdSt", f"{_REL}/styles", "styles.xml"))
        overrides.append(f'<Override PartName="/word/styles.xml" '
                         f'ContentType="{_WML}.styles+xml"/>')
    back = f'<w:background w:color="{background}"/>' if background else ""
    parts["word/document.xml"] = (f"<w:document {W_NS}>{back}<w:body>{body}"
                                  f"<w:sectPr>{''.join(refs)}</w:sectPr></w:body></w:document>")
    parts["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>'
                  for i, t, target in rels) + "</Relationships>")
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>")
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(overrides) + "</Types>")
    return zip_bytes({name: text.encode("utf-8") for name, text in parts.items()})


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A ZIP archive of ``members`` (name -> bytes), deflated."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def pdf_from_streams(pages: Sequence[str], fields: Sequence[tuple[str, str]] = (),
                     media_box: tuple[int, int, int, int] = (0, 0, 612, 792)) -> bytes:
    """A PDF whose pages are raw content streams (Helvetica is ``/F1``); ``fields`` adds
    filled AcroForm text fields ``(name, value)`` on the first page, value not drawn."""
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    field_ids = [font_id + 1 + i for i in range(len(fields))]
    acro = (f" /AcroForm << /Fields [{' '.join(f'{i} 0 R' for i in field_ids)}] >>"
            if fields else "")
    objects: list[bytes] = [
        f"<< /Type /Catalog /Pages 2 0 R{acro} >>".encode("latin-1"),
        ("<< /Type /Pages /Kids [" + " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
         + f"] /Count {n_pages} >>").encode("latin-1"),
    ]
    box = " ".join(str(v) for v in media_box)
    for i, ops in enumerate(pages):
        annots = (f" /Annots [{' '.join(f'{j} 0 R' for j in field_ids)}]"
                  if fields and i == 0 else "")
        objects.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [{box}] "
                        f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
                        f"/Contents {4 + 2 * i} 0 R{annots} >>").encode("latin-1"))
        stream = ops.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    for number, (name, value) in enumerate(fields):
        objects.append((f"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({_pdf_string(name)}) "
                        f"/V ({_pdf_string(value)}) /Rect [72 {600 - 30 * number} 400 "
                        f"{620 - 30 * number}] /P 3 0 R >>").encode("latin-1"))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref_at))
    return out.getvalue()


def text_op(x: float, y: float, text: str, size: float = 11, color: str = "0 g") -> str:
    """Content-stream operators drawing one line of Helvetica text at (x, y)."""
    return f"BT {color} /F1 {size} Tf {x} {y} Td ({_pdf_string(text)}) Tj ET"


def page_image(lines: Sequence[str], dpi: int = 200):  # noqa: ANN201 - a PIL image
    """A greyscale picture of a text page, as a scanner would deliver it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf_bytes([lines]))
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def scanned_pdf_bytes(pages: Sequence[Sequence[str]], dpi: int = 200) -> bytes:
    """An image-only PDF (no text layer), one scanned image per page."""
    images = [page_image(lines, dpi) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def image_bytes(lines: Sequence[str], fmt: str = "PNG", dpi: int = 200) -> bytes:
    """A scanned page as PNG, JPEG or TIFF bytes."""
    out = io.BytesIO()
    page_image(lines, dpi).save(out, fmt)
    return out.getvalue()


def odt_bytes(content: str) -> bytes:
    """An OpenDocument text file whose ``office:text`` holds ``content`` (ODF XML)."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
           f'office:version="1.2"><office:body><office:text>{content}</office:text>'
           "</office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", doc, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def overlay_pdf(base: bytes, top: bytes, scale: float = 1.0) -> bytes:
    """``base``'s first page with ``top``'s first page drawn over it (scaled from the
    lower left corner): a scan with a stamped text line, a text page with a small logo."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=io.BytesIO(base))
    writer.pages[0].merge_transformed_page(PdfReader(io.BytesIO(top)).pages[0],
                                           Transformation().scale(scale, scale))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
