"""HTML files and HTML pasted as text (a job post copied from a web page) to plain text.

Parsed with BeautifulSoup on lxml: tags are dropped, entities decoded, scripts and styles
removed; headings and paragraphs become their own lines and list items ``- item`` lines,
which is the shape the requirement and passage splitters read.
"""

from __future__ import annotations

import re

from resumatch.ingest.extracted import DocumentError, Extracted

_TAG = re.compile(
    r"</?(?:html|head|body|div|p|br|span|ul|ol|li|h[1-6]|strong|b|em|i|u|a|table|tr|td|th|"
    r"tbody|thead|section|article|header|footer|main|nav|font|blockquote|pre|code|dl|dt|dd|"
    r"hr|img|meta|script|style|small|sup|sub)\b[^<>]*>", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(r"</(?:p|div|li|ul|ol|h[1-6]|table|tr|td|th|section|article|body|"
                          r"html|blockquote|pre|dd|dt|dl)\s*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml[^>]*>\s*<html\b)", re.IGNORECASE)
_DROP = ("script", "style", "noscript", "template", "head", "title", "svg", "iframe",
         "object", "button", "select", "form")
_BLOCKS = ("p", "div", "section", "article", "header", "footer", "main", "nav", "aside",
           "blockquote", "pre", "address", "figure", "figcaption", "dl", "dt", "dd", "table",
           "tr", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "details",
           "summary", "caption", "body", "html")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML markup rather than prose that mentions a tag.

    True for a document that starts like HTML (doctype, ``<html>``), or that holds at
    least three known tags including the closing tag of a block (``</p>``, ``</li>``,
    ``</div>``, a heading, a table part): prose that mentions ``<br>`` or ``<b>`` stays.

    Example:
        >>> looks_like_html("<ul><li>Kubernetes</li><li>Go</li></ul>")
        True
        >>> looks_like_html("Use <br> in emails")
        False
    """
    if _DOCTYPE.match(text):
        return True
    tags = _TAG.findall(text[:200_000])
    return len(tags) >= 3 and any(_BLOCK_CLOSE.match(t) for t in tags)


def html_to_text(markup: str | bytes) -> Extracted:
    """Visible text of an HTML document, one line per block, list items as ``- item``.

    Raises:
        DocumentError: the markup cannot be parsed.
    """
    from bs4 import BeautifulSoup, Comment, NavigableString

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as err:  # lxml raises ParserError on some binary input
        raise DocumentError(f"unreadable HTML ({type(err).__name__})") from err
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    hidden = 0
    for tag in soup.find_all(style=re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden",
                                              re.IGNORECASE)):
        hidden += len(tag.get_text(" ").split())
        tag.decompose()
    for tag in soup.find_all(hidden=True):
        hidden += len(tag.get_text(" ").split())
        tag.decompose()

    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    def walk(node) -> None:  # noqa: ANN001 - bs4 node types
        for child in node.children:
            if isinstance(child, NavigableString):
                current.append(str(child))
                continue
            name = child.name
            if name == "br":
                flush()
            elif name == "li":
                flush()
                current.append("- ")
                walk(child)
                flush()
            elif name in ("td", "th"):
                if current and "".join(current).strip():
                    current.append(" | ")
                walk(child)
            elif name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(soup)
    flush()
    # A list item that held only nested lists leaves a bare "-".
    text = "\n".join(line for line in lines if line != "-")
    return Extracted(text=text, parts=["HTML"], hidden_words=hidden)
