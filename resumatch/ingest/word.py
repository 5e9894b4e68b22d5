"""Every part of a Word (.docx) document a person sees, in reading order.

python-docx opens the package (the ZIP, its relationships and parts); one walk over each
part's WordprocessingML then reads:

- body paragraphs and tables at any nesting depth, row by row (a row of one-line cells
  as ``a | b``);
- content controls (``w:sdt``), tracked insertions (``w:ins``, ``w:moveTo``), fields'
  results, hyperlinks; tracked deletions (``w:del``, ``w:moveFrom``) and field codes stay
  out;
- text boxes (DrawingML ``wps:txbx`` and VML ``v:textbox``) after the paragraph that
  anchors them; of ``mc:AlternateContent`` only the first choice is read, so a text box
  with its VML fallback is read once;
- headers and footers (each distinct text once: first-page, even and default headers
  often repeat), footnotes and endnotes. Comments stay out.

Text a reader cannot see is left out and counted: Word's hidden font (``w:vanish``), text
under 2 pt, and text whose colour is at or near its background (run or paragraph shading,
table cell shading, a text box fill, else the page colour).

docx2python 3.7 was measured on the same cases and reads a text box twice (choice and
fallback) and before its anchor paragraph, and gives no run formatting to find hidden
text, so it is not used (see README, "Reading documents").
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from resumatch.ingest.extracted import DocumentError, Extracted, count_words
from resumatch.ingest.pdf import MIN_CONTRAST, contrast_ratio

# A Word file that inflates past this is refused: it is a ZIP bomb, not a resume.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MIN_HALF_POINTS = 4  # w:sz is in half-points: under 2 pt is unreadable

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_V = "urn:schemas-microsoft-com:vml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_SKIP = {_w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), _w("rPr"), _w("pPr"),
         _w("tblPr"), _w("trPr"), _w("tcPr"), _w("sectPr"), _w("commentReference"),
         _w("annotationRef"), _w("tblGrid"), _w("sdtPr"), _w("sdtEndPr"),
         f"{{{_MC}}}Fallback"}
_SYMBOL_BULLETS = {"F0B7": "•", "F0A7": "▪", "F0D8": "➢", "F076": "❖", "F0FC": "✓",
                   "F06E": "■", "F0A8": "•"}

RGB = tuple[float, float, float]


def _hex_rgb(value: str | None) -> RGB | None:
    if not value or len(value) != 6 or value.lower() == "auto":
        return None
    try:
        return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)
    except ValueError:
        return None


@dataclass
class _RunStyle:
    vanish: bool | None = None
    color: str | None = None
    size: int | None = None
    fill: str | None = None  # run shading or highlight

    def merged(self, other: _RunStyle) -> _RunStyle:
        """``other`` on top of ``self`` (fields other leaves unset are inherited)."""
        return _RunStyle(
            vanish=other.vanish if other.vanish is not None else self.vanish,
            color=other.color if other.color is not None else self.color,
            size=other.size if other.size is not None else self.size,
            fill=other.fill if other.fill is not None else self.fill)


def _on(el) -> bool:  # noqa: ANN001 - an lxml element
    return el.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


_HIGHLIGHT = {"black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00",
              "magenta": "FF00FF", "red": "FF0000", "yellow": "FFFF00", "white": "FFFFFF",
              "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
              "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000",
              "darkGray": "808080", "lightGray": "C0C0C0"}


def _run_style(rpr) -> _RunStyle:  # noqa: ANN001
    style = _RunStyle()
    if rpr is None:
        return style
    for child in rpr:
        if child.tag in (_w("vanish"), _w("specVanish")):
            style.vanish = _on(child)
        elif child.tag == _w("color"):
            style.color = child.get(_w("val"))
        elif child.tag == _w("sz"):
            try:
                style.size = int(float(child.get(_w("val"), "")))
            except ValueError:
                pass
        elif child.tag == _w("shd"):
            fill = child.get(_w("fill"))
            style.fill = fill if _hex_rgb(fill) else ("?" if child.get(_w("themeFill"))
                                                      else style.fill)
        elif child.tag == _w("highlight"):
            style.fill = _HIGHLIGHT.get(child.get(_w("val"), ""), style.fill)
    return style


class _Styles:
    """Run properties of styles (``w:basedOn`` chains) and document defaults."""

    def __init__(self, root) -> None:  # noqa: ANN001 - styles.xml root or None
        self.default = _RunStyle()
        self.styles: dict[str, tuple[str | None, _RunStyle]] = {}
        self._cache: dict[str, _RunStyle] = {}
        if root is None:
            return
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default = _run_style(defaults)
        for style in root.iter(_w("style")):
            based = style.find(_w("basedOn"))
            self.styles[style.get(_w("styleId"), "")] = (
                based.get(_w("val")) if based is not None else None,
                _run_style(style.find(_w("rPr"))))

    def get(self, style_id: str | None, depth: int = 0) -> _RunStyle:
        if not style_id or style_id not in self.styles or depth > 20:
            return _RunStyle()
        if style_id not in self._cache:
            parent, own = self.styles[style_id]
            self._cache[style_id] = self.get(parent, depth + 1).merged(own)
        return self._cache[style_id]


@dataclass
class _Reader:
    styles: _Styles
    page_color: str | None
    colour_known: bool  # False when shapes behind the text make the background unknowable
    hidden: list[str] = field(default_factory=list)
    tables: int = 0
    nested_tables: int = 0
    text_boxes: int = 0
    controls: int = 0

    # -- blocks ----------------------------------------------------------------------

    def blocks(self, container, background: str | None, depth: int = 0) -> list[str]:  # noqa: ANN001
        """Lines of a block container (body, cell, text box, header, note, sdtContent)."""
        lines: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _w("p"):
                lines.extend(self.paragraph(child, background, depth))
            elif tag == _w("tbl"):
                lines.extend(self.table(child, background, depth))
            elif tag == _w("sdt"):
                self.controls += 1
                content = child.find(_w("sdtContent"))
                if content is not None:
                    lines.extend(self.blocks(content, background, depth))
            elif tag in (_w("customXml"), _w("ins"), _w("moveTo"), _w("sdtContent")):
                lines.extend(self.blocks(child, background, depth))
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                lines.extend(self.blocks(choice if choice is not None else child, background,
                                         depth))
        return lines

    def table(self, tbl, background: str | None, depth: int) -> list[str]:  # noqa: ANN001
        self.tables += 1
        if depth:
            self.nested_tables += 1
        lines: list[str] = []
        for row in _rows(tbl):
            cells: list[list[str]] = []
            for cell in _cells(row):
                tcpr = cell.find(_w("tcPr"))
                fill = background
                if tcpr is not None:
                    vmerge = tcpr.find(_w("vMerge"))
                    if vmerge is not None and vmerge.get(_w("val")) != "restart":
                        continue  # a merged cell's continuation repeats nothing
                    fill = _shading(tcpr.find(_w("shd")), background)
                cell_lines = self.blocks(cell, fill, depth + 1)
                if cell_lines:
                    cells.append(cell_lines)
            if cells and all(len(c) == 1 for c in cells):
                lines.append(" | ".join(dict.fromkeys(c[0] for c in cells)))
            else:
                for cell_lines in cells:
                    lines.extend(cell_lines)
        return lines

    # -- paragraphs and runs -----------------------------------------------------------

    def paragraph(self, p, background: str | None, depth: int) -> list[str]:  # noqa: ANN001
        ppr = p.find(_w("pPr"))
        para_style = _RunStyle()
        if ppr is not None:
            pstyle = ppr.find(_w("pStyle"))
            if pstyle is not None:
                para_style = self.styles.get(pstyle.get(_w("val")))
            background = _shading(ppr.find(_w("shd")), background)
        base = self.styles.default.merged(para_style)
        parts: list[str] = []
        boxes: list[str] = []
        self.inline(p, base, background, parts, boxes, depth)
        text = "".join(parts)
        lines = [line for line in text.split("\n")]
        if not text.strip():
            lines = []
        return lines + boxes

    def inline(self, el, base: _RunStyle, background: str | None, parts: list[str],  # noqa: ANN001
               boxes: list[str], depth: int) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == _w("r"):
                self.run(child, base, background, parts, boxes, depth)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                self.inline(choice if choice is not None else child, base, background, parts,
                            boxes, depth)
            elif tag == _w("sdt"):
                self.controls += 1
                self.inline(child, base, background, parts, boxes, depth)
            elif tag in (_w("tab"), _w("ptab")):
                parts.append("\t")
            else:  # ins, moveTo, hyperlink, smartTag, fldSimple, sdtContent, customXml, ...
                self.inline(child, base, background, parts, boxes, depth)

    def run(self, r, base: _RunStyle, background: str | None, parts: list[str],  # noqa: ANN001
            boxes: list[str], depth: int) -> None:
        rpr = r.find(_w("rPr"))
        style = base
        if rpr is not None:
            rstyle = rpr.find(_w("rStyle"))
            if rstyle is not None:
                style = style.merged(self.styles.get(rstyle.get(_w("val"))))
            style = style.merged(_run_style(rpr))
        pieces: list[str] = []
        for child in r:
            tag = child.tag
            if tag == _w("t"):
                pieces.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                pieces.append("\t")
            elif tag in (_w("br"), _w("cr")):
                pieces.append("\n")
            elif tag == _w("noBreakHyphen"):
                pieces.append("-")
            elif tag == _w("softHyphen"):
                continue
            elif tag == _w("sym"):
                pieces.append(_SYMBOL_BULLETS.get((child.get(_w("char")) or "").upper(), "•"))
            elif tag in (_w("drawing"), _w("pict"), f"{{{_MC}}}AlternateContent",
                         _w("object")):
                boxes.extend(self.text_boxes_in(child, background, depth))
        text = "".join(pieces)
        if not text:
            return
        if self.is_hidden(style, background):
            self.hidden.append(text)
            return
        parts.append(text)

    def text_boxes_in(self, el, background: str | None, depth: int) -> list[str]:  # noqa: ANN001
        """Lines of the text boxes in a drawing; of AlternateContent only the choice."""
        lines: list[str] = []
        stack = [(el, background)]
        while stack:
            node, fill = stack.pop(0)
            if node.tag == f"{{{_MC}}}AlternateContent":
                choice = node.find(f"{{{_MC}}}Choice")
                stack[:0] = [(choice if choice is not None else node[0], fill)] if len(
                    node) else []
                continue
            if node.tag == f"{{{_MC}}}Fallback":
                continue
            if node.tag == f"{{{_WPS}}}wsp" or node.tag == f"{{{_V}}}shape" or \
                    node.tag == f"{{{_V}}}rect" or node.tag == f"{{{_V}}}roundrect":
                fill = _shape_fill(node, fill)
            if node.tag == _w("txbxContent"):
                self.text_boxes += 1
                lines.extend(self.blocks(node, fill, depth + 1))
                continue
            stack[:0] = [(child, fill) for child in node]
        return lines

    def is_hidden(self, style: _RunStyle, background: str | None) -> bool:
        if style.vanish:
            return True
        if style.size is not None and style.size < MIN_HALF_POINTS:
            return True
        color = _hex_rgb(style.color)
        if color is None or not self.colour_known:
            return False
        back = style.fill if style.fill is not None else background
        if back == "?":
            return False  # a theme colour we do not resolve: do not guess
        back_rgb = _hex_rgb(back) or _hex_rgb(self.page_color) or (1.0, 1.0, 1.0)
        return contrast_ratio(color, back_rgb) < MIN_CONTRAST


def _rows(tbl) -> Iterable:  # noqa: ANN001
    for child in tbl:
        if child.tag == _w("tr"):
            yield child
        elif child.tag in (_w("sdt"), _w("customXml"), _w("ins")):
            content = child.find(_w("sdtContent"))
            yield from _rows(content if content is not None else child)


def _cells(row) -> Iterable:  # noqa: ANN001
    for child in row:
        if child.tag == _w("tc"):
            yield child
        elif child.tag in (_w("sdt"), _w("customXml"), _w("ins")):
            content = child.find(_w("sdtContent"))
            yield from _cells(content if content is not None else child)


def _shading(shd, background: str | None) -> str | None:  # noqa: ANN001
    if shd is None:
        return background
    fill = shd.get(_w("fill"))
    if _hex_rgb(fill):
        return fill
    if shd.get(_w("themeFill")):
        return "?"
    return background


def _shape_fill(node, background: str | None) -> str | None:  # noqa: ANN001
    """The fill of a DrawingML or VML shape holding a text box ("?" when not plain RGB)."""
    if node.tag == f"{{{_WPS}}}wsp":
        sppr = node.find(f"{{{_WPS}}}spPr")
        if sppr is None:
            return background
        if sppr.find(f"{{{_A}}}noFill") is not None:
            return background
        solid = sppr.find(f"{{{_A}}}solidFill")
        if solid is None:
            return "?" if len(sppr.findall(f"{{{_A}}}gradFill")) or len(
                sppr.findall(f"{{{_A}}}blipFill")) else background
        srgb = solid.find(f"{{{_A}}}srgbClr")
        return srgb.get("val") if srgb is not None else "?"
    if node.get("filled", "t").lower() in ("f", "false"):
        return background
    color = (node.get("fillcolor") or "").lstrip("#")
    return color if _hex_rgb(color) else ("?" if color else background)


def _zip_size(data: bytes) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise DocumentError(f"corrupt or truncated DOCX ({type(err).__name__})") from err


def read_docx(data: bytes) -> Extracted:
    """Text of every visible part of a Word document (see the module docstring).

    Raises:
        DocumentError: a damaged file, a ZIP bomb, or no text at all.
    """
    import docx
    from lxml import etree

    inflated = _zip_size(data)
    if inflated > MAX_DOCX_UNCOMPRESSED:
        raise DocumentError(f"DOCX expands to {inflated / 1048576:.0f} MB; refused "
                            f"(limit {MAX_DOCX_UNCOMPRESSED / 1048576:.0f} MB)")
    try:
        document = docx.Document(io.BytesIO(data))
        main = document.part
        body_root = main.element
        styles_root = None
        related = {}
        for rel in main.rels.values():
            if rel.is_external:
                continue
            related.setdefault(rel.reltype.rsplit("/", 1)[-1], []).append(rel.target_part)
        for part in related.get("styles", []):
            styles_root = etree.fromstring(part.blob)
        background = body_root.find(_w("background"))
        page_color = background.get(_w("color")) if background is not None else None
        behind = any(a.get("behindDoc") in ("1", "true") for a in body_root.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"))
        reader = _Reader(_Styles(styles_root), page_color, colour_known=not behind)

        def part_lines(kind: str, container_tag: str) -> list[list[str]]:
            seen: dict[str, list[str]] = {}
            for part in related.get(kind, []):
                root = etree.fromstring(part.blob)
                if container_tag:
                    containers = [el for el in root if el.tag == _w(container_tag)
                                  and el.get(_w("type")) not in ("separator",
                                                                 "continuationSeparator",
                                                                 "continuationNotice")]
                else:
                    containers = [root]
                for container in containers:
                    lines = reader.blocks(container, None)
                    key = "\n".join(lines).strip()
                    if key and key not in seen:
                        seen[key] = lines
            return list(seen.values())

        headers = part_lines("header", "")
        footers = part_lines("footer", "")
        body = reader.blocks(body_root.find(_w("body")), None)
        footnotes = part_lines("footnotes", "footnote")
        endnotes = part_lines("endnotes", "endnote")
    except DocumentError:
        raise
    except Exception as err:  # BadZipFile, KeyError, lxml errors on damaged files
        raise DocumentError(f"corrupt or truncated DOCX ({type(err).__name__})") from err

    lines: list[str] = []
    for block in headers:
        lines.extend(block)
    lines.extend(body)
    for group in (footers, footnotes, endnotes):
        for block in group:
            lines.extend(block)
    text = "\n".join(lines)
    parts = ["body"]
    if reader.tables:
        parts.append(f"{reader.tables} table{'s' if reader.tables != 1 else ''}"
                     + (f" ({reader.nested_tables} nested)" if reader.nested_tables else ""))
    for count, name in ((reader.text_boxes, "text box"), (reader.controls, "content control"),
                        (len(headers), "header"), (len(footers), "footer"),
                        (len(footnotes), "footnote"), (len(endnotes), "endnote")):
        if count:
            plural = "es" if name.endswith("box") else "s"
            parts.append(f"{count} {name}{plural if count != 1 else ''}")
    hidden_words = count_words(" ".join(reader.hidden))
    if not text.strip():
        if hidden_words:
            raise DocumentError(f"no visible text in the DOCX ({hidden_words} hidden words)")
        raise DocumentError("no text found in the DOCX (only images?)")
    return Extracted(text=text, parts=parts, hidden_words=hidden_words)
