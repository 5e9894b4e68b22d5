"""PDF text in reading order, without the text a reader cannot see, OCR for scanned pages.

- **Reading order.** pdfminer.six's layout analysis (``LAParams``, through pdfplumber)
  groups characters into words, lines and text boxes, so words set apart only by
  positioning (TeX's ``TJ`` kerning, absolute ``Td`` moves) are separated and no line
  spans two columns. The boxes are then ordered by recursive XY-cut (Nagy & Seth, 1984):
  split at vertical gutters into columns, left to right, else into horizontal bands, top
  to bottom. pdfminer's own box order (``boxes_flow``) clusters single-line boxes side by
  side first and interleaves the columns of a page whose lines are evenly spaced.
  ``bench/pdf_reading.py`` compares this reader with pypdf on the shared LiveCareer PDFs.
- **Hidden text.** A character is hidden when its fill colour is at or near the colour
  beneath it (WCAG contrast ratio under ``MIN_CONTRAST`` against the smallest filled shape
  under it, or the white page), when it is under ``MIN_FONT_PT`` high, or when its centre
  lies outside the page's crop box. Hidden characters are not scored; their words are
  counted for the "hidden text: N words not scored" flag. Characters over an image are
  never judged by colour (the image is their background).
- **Form fields.** Values of filled AcroForm fields are not in the page content; pypdf
  reads them and they are appended to their page.
- **Scans.** A page without any character that shows an image is rendered with pypdfium2
  and read by Tesseract (``ocr``), at most ``RESUMATCH_OCR_MAX_PAGES`` pages per file.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from resumatch.ingest import ocr
from resumatch.ingest.extracted import DocumentError, Extracted, Progress, count_words

logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MIN_FONT_PT = 2.0  # glyphs shorter than this cannot be read on paper or screen
MIN_CONTRAST = 1.25  # WCAG contrast ratio; 1.0 is text the colour of its background
SCAN_IMAGE_SHARE = 0.5  # an image covering half the page or more may be a scan ...
SCAN_MAX_WORDS = 10  # ... when the page's text layer has fewer words than this
MIN_GUTTER_PT = 12.0  # a vertical gap this wide between text boxes separates columns
# all_texts: text inside form XObjects (some generators put every page in one) is laid out
# like page text. boxes_flow None: boxes are ordered by ``reading_order``, not pdfminer.
# The other parameters are pdfminer's defaults.
LAPARAMS = {"all_texts": True, "boxes_flow": None}
_CID_SHARE = 0.2  # a page whose text is mostly "(cid:NN)" has no usable font map


@dataclass
class _Shape:
    x0: float
    y0: float
    x1: float
    y1: float
    rgb: tuple[float, float, float] | None  # None: an image, colour unknown

    @property
    def area(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0)

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass
class _Page:
    lines: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    has_chars: bool = False
    has_image: bool = False
    image_share: float = 0.0  # largest image's share of the page area


def _rgb(space: object, color: object) -> tuple[float, float, float] | None:
    """An RGB triple in [0, 1] for a pdfminer colour, or None when unknown (patterns)."""
    name = str(getattr(space, "name", "") or "")
    if any(kind in name for kind in ("Separation", "DeviceN", "Indexed", "Pattern", "Lab")):
        return None  # a tint, palette index or pattern: not a colour we can compare
    if color is None:
        return (0.0, 0.0, 0.0)  # the initial fill colour of every graphics state is black
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(
            isinstance(c, (int, float)) for c in color):
        return None
    values = [float(c) for c in color]
    if any(v > 1.0 for v in values):  # some producers write 0-255
        values = [v / 255.0 for v in values]
    if len(values) == 1:
        return (values[0],) * 3
    if len(values) == 3:
        return (values[0], values[1], values[2])
    if len(values) == 4 and "RGB" not in name:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


@functools.lru_cache(maxsize=4096)
def _readable(space: str | None, color: object,
              background: tuple[float, float, float]) -> bool:
    """Whether text of ``color`` (in colour space ``space``) stands out from
    ``background``; unknown colours count as readable. Cached: a page has few colours."""
    rgb = _rgb(_Space(space), color)
    return rgb is None or contrast_ratio(rgb, background) >= MIN_CONTRAST


@dataclass(frozen=True)
class _Space:
    name: str | None


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def channel(c: float) -> float:
        c = min(max(c, 0.0), 1.0)
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio (1 to 21) of two sRGB colours.

    Source: https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio

    Example:
        >>> round(contrast_ratio((1, 1, 1), (0, 0, 0)))
        21
    """
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _gaps(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Uncovered intervals between the union of ``spans`` (sorted, start <= end)."""
    gaps = []
    spans = sorted(spans)
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start > reach:
            gaps.append((reach, start))
        reach = max(reach, end)
    return gaps


def reading_order(boxes: list, depth: int = 0) -> list:
    """Text boxes (anything with ``x0 y0 x1 y1``, PDF coordinates: y grows upwards) in
    reading order by recursive XY-cut: columns left to right where a vertical gutter of
    at least ``MIN_GUTTER_PT`` runs through the whole group, else bands top to bottom,
    else top-to-bottom, left-to-right.

    Source: G. Nagy and S. Seth, "Hierarchical representation of optically scanned
    documents", ICPR 1984.
    """
    if len(boxes) <= 1 or depth > 50:
        return sorted(boxes, key=lambda b: (-b.y1, b.x0))
    gutters = [g for g in _gaps([(b.x0, b.x1) for b in boxes])
               if g[1] - g[0] >= MIN_GUTTER_PT]
    if gutters:
        cuts = [(a + b) / 2 for a, b in gutters]
        groups: list[list] = [[] for _ in range(len(cuts) + 1)]
        for box in boxes:
            groups[sum(box.x0 > cut for cut in cuts)].append(box)
        return [b for group in groups for b in reading_order(group, depth + 1)]
    bands = _gaps([(b.y0, b.y1) for b in boxes])
    if bands:
        cuts = [(a + b) / 2 for a, b in bands]
        groups = [[] for _ in range(len(cuts) + 1)]
        for box in boxes:
            groups[len(cuts) - sum(box.y1 > cut for cut in cuts)].append(box)
        return [b for group in groups for b in reading_order(group, depth + 1)]
    return sorted(boxes, key=lambda b: (-b.y1, b.x0))


def _walk(objs) -> Iterator:  # noqa: ANN001 - pdfminer layout containers
    """Layout objects depth-first, in pdfminer's reading order."""
    from pdfminer.layout import LTFigure

    for obj in objs:
        yield obj
        if isinstance(obj, LTFigure):
            yield from _walk(obj)


def _read_page(layout, crop: tuple[float, float, float, float]) -> _Page:  # noqa: ANN001
    from pdfminer.layout import LTAnno, LTChar, LTCurve, LTImage, LTTextBox

    page = _Page()
    shapes: list[_Shape] = []
    boxes = []
    for obj in _walk(layout):
        if isinstance(obj, LTTextBox):
            boxes.append(obj)
        elif isinstance(obj, LTImage):
            page.has_image = True
            shapes.append(_Shape(*obj.bbox, rgb=None))
            page_area = max((crop[2] - crop[0]) * (crop[3] - crop[1]), 1.0)
            page.image_share = max(page.image_share, shapes[-1].area / page_area)
        elif isinstance(obj, LTCurve) and obj.fill:
            rgb = _rgb(None, obj.non_stroking_color)
            if rgb is not None or obj.non_stroking_color is not None:
                shapes.append(_Shape(*obj.bbox, rgb=rgb))
    shapes.sort(key=lambda s: s.area)  # the smallest shape under a glyph is its background
    x0, y0, x1, y1 = crop

    def visible(ch: LTChar) -> bool:
        if ch.size < MIN_FONT_PT:
            return False
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            return False
        background: tuple[float, float, float] | None = (1.0, 1.0, 1.0)
        for shape in shapes:
            if shape.holds(cx, cy):
                background = shape.rgb
                break
        if background is None:
            return True
        color = ch.graphicstate.ncolor
        try:
            return _readable(getattr(ch.ncs, "name", None), color, background)
        except TypeError:  # an unhashable colour value: judge it without the cache
            return _readable.__wrapped__(getattr(ch.ncs, "name", None), color, background)

    for box in reading_order(boxes):
        for line in box:
            shown: list[str] = []
            hidden: list[str] = []
            for item in line:
                if isinstance(item, LTChar):
                    page.has_chars = True
                    (shown if visible(item) else hidden).append(item.get_text())
                elif isinstance(item, LTAnno):
                    shown.append(item.get_text())
                    hidden.append(" ")
            text = " ".join("".join(shown).split())
            if text:
                page.lines.append(text)
            if "".join(hidden).strip():
                page.hidden.append("".join(hidden))
    return page


def _form_values(reader) -> dict[int, list[str]]:  # noqa: ANN001 - a pypdf PdfReader
    """Filled text and choice field values per page index (-1: page unknown)."""
    values: dict[int, list[str]] = {}
    try:
        page_of = {}
        for index, page in enumerate(reader.pages):
            for annot in page.get("/Annots") or []:
                page_of[getattr(annot, "idnum", None)] = index
        fields = reader.get_fields() or {}
    except Exception:  # a damaged form dictionary must not sink the text
        return values
    for fld in fields.values():
        value = fld.get("/V")
        kind = fld.get("/FT")
        if kind not in ("/Tx", "/Ch") or value is None:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        value = str(value).strip()
        if not value:
            continue
        index = -1
        for kid in fld.get("/Kids") or []:
            index = page_of.get(getattr(kid, "idnum", None), index)
        ref = getattr(fld.indirect_reference, "idnum", None) if hasattr(
            fld, "indirect_reference") else None
        index = page_of.get(ref, index)
        values.setdefault(index, []).append(value)
    return values


def _open(data: bytes):  # noqa: ANN202 - a pypdf PdfReader
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise DocumentError("encrypted PDF (password-protected); remove the password")
        except DocumentError:
            raise
        except Exception as err:  # unsupported crypto, etc.
            raise DocumentError("encrypted PDF (password-protected); remove the password") \
                from err
    _ = len(reader.pages)  # a broken page tree fails here, not half-way through
    return reader


def read_pdf(data: bytes, source: str = "file.pdf",
             progress: Progress | None = None) -> Extracted:
    """Visible text of every page in reading order, OCR for pages without a text layer.

    Raises:
        DocumentError: not a PDF, encrypted, damaged, or no text at all (with or without
            OCR; without an OCR engine the message says so).
    """
    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError("not a PDF file (no PDF header); is it another format renamed?")
    try:
        reader = _open(data)
    except DocumentError:
        raise
    except Exception as err:  # pypdf raises many types on damaged files
        raise DocumentError(f"corrupt or truncated PDF ({type(err).__name__})") from err

    pages = _layout_pages(data, reader)
    forms = _form_values(reader)
    out = Extracted(text="", parts=[f"{len(pages)} page{'s' if len(pages) != 1 else ''}"])
    if forms:
        out.parts.append("form fields")
    for index, values in forms.items():
        target = pages[index] if 0 <= index < len(pages) else pages[-1] if pages else None
        if target is not None:
            target.lines.extend(values)
    out.hidden_words = sum(count_words(" ".join(p.hidden)) for p in pages)

    scanned = [i for i, p in enumerate(pages) if _needs_ocr(p)]
    if scanned:
        _ocr_pages(data, pages, scanned, source, progress, out)
    text = "\n\n".join("\n".join(p.lines) for p in pages)
    if not text.strip():
        if scanned and not ocr.engine_available():
            raise DocumentError("no text found in the PDF (scanned image?) and " + ocr.NO_ENGINE)
        if scanned:
            why = f" ({out.notes[0]})" if out.notes else ""
            raise DocumentError(f"no text found in the PDF (scanned image?), not even by OCR{why}")
        if out.hidden_words:
            raise DocumentError(f"no visible text in the PDF ({out.hidden_words} hidden words)")
        raise DocumentError("no text found in the PDF (scanned image?); OCR it or paste the text")
    out.text = text
    return out


def _needs_ocr(page: _Page) -> bool:
    """A page to OCR: no text and an image, or a page-sized image with a few stray words
    (a scanning app's watermark such as "Scanned with ...")."""
    if not page.has_image:
        return False
    if not page.lines and not page.has_chars:
        return True
    return page.image_share >= SCAN_IMAGE_SHARE and \
        count_words(" ".join(page.lines)) < SCAN_MAX_WORDS


def _layout_pages(data: bytes, reader) -> list[_Page]:  # noqa: ANN001
    """Every page through pdfminer's layout analysis; pypdf's text where pdfminer fails
    or finds no usable font map."""
    import pdfplumber

    pages: list[_Page] = []
    try:
        with pdfplumber.open(io.BytesIO(data), laparams=LAPARAMS) as pdf:
            for number, plumber_page in enumerate(pdf.pages):
                try:
                    layout = plumber_page.layout
                    page = _read_page(layout, layout.bbox)
                except Exception:  # one bad page: fall back to pypdf for it
                    page = _pypdf_page(reader, number)
                body = "\n".join(page.lines)
                if body and body.count("(cid:") * 8 > len(body) * _CID_SHARE:
                    page = _pypdf_page(reader, number)
                pages.append(page)
    except DocumentError:
        raise
    except Exception:
        pages = [_pypdf_page(reader, i) for i in range(len(reader.pages))]
    return pages


def _pypdf_page(reader, index: int) -> _Page:  # noqa: ANN001
    page = _Page()
    try:
        pdf_page = reader.pages[index]
        text = pdf_page.extract_text() or ""
        page.has_image = bool(pdf_page.images)
    except Exception:
        text = ""
    page.lines = [line for line in text.split("\n") if line.strip()]
    page.has_chars = bool(page.lines)
    return page


def _ocr_pages(data: bytes, pages: list[_Page], scanned: list[int], source: str,
               progress: Progress | None, out: Extracted) -> None:
    """Add OCR text to the scanned pages (bounded); record pages, confidence, notes.

    A page that cannot be rendered or read is named in a note; only when no page of the
    file has any text does that become the file's error.
    """
    if not ocr.engine_available():
        if len(scanned) < len(pages):
            out.notes.append(f"{len(scanned)} scanned page(s) not read: " + ocr.NO_ENGINE)
        return
    import pypdfium2 as pdfium

    limit = ocr.max_pages()
    todo, skipped = scanned[:limit], scanned[limit:]
    read: list[ocr.OcrPage] = []
    failures: list[str] = []
    try:
        document = pdfium.PdfDocument(data)
    except Exception as err:  # pdfium refuses what pypdf accepted: no OCR, say so
        out.notes.append(f"scanned pages not read by OCR (cannot render: {type(err).__name__})")
        return
    try:
        for number, index in enumerate(todo, start=1):
            if progress is not None:
                progress(f"{source}: OCR page {number} of {len(todo)}")
            try:
                image = document[index].render(scale=ocr.RENDER_DPI / 72).to_pil()
                page = ocr.ocr_image(image)
            except DocumentError as err:
                failures.append(f"page {index + 1}: {err}")
                continue
            except Exception as err:  # a page pdfium cannot render
                failures.append(f"page {index + 1}: cannot render ({type(err).__name__})")
                continue
            read.append(page)
            pages[index].lines.extend(line for line in page.text.split("\n") if line.strip())
    finally:
        document.close()
    out.ocr_pages = len(read)
    out.ocr_confidence = ocr.mean_confidence(read)
    if failures:
        out.notes.append("not read by OCR: " + "; ".join(failures[:3]))
    if skipped:
        out.notes.append(f"OCR read only the first {limit} scanned pages; {len(skipped)} "
                         "more not read (RESUMATCH_OCR_MAX_PAGES)")
