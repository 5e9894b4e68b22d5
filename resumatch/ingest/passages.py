"""Split text into short passages (sentences, bullets, lines) for explanations."""

from __future__ import annotations

import re

_BULLET = re.compile(r"^\s*(?:[-*•●▪◦‣·o]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'])")


def split_passages(text: str, min_words: int = 4, max_words: int = 60,
                   ) -> list[tuple[int, int]]:
    """Character spans of passages: one per bullet/line/sentence, short ones merged.

    Example:
        >>> text = "Skills\\n- Python and SQL\\n- Spark. Airflow pipelines for ETL."
        >>> [text[a:b] for a, b in split_passages(text, min_words=2)]
        ['Skills\\n- Python and SQL', '- Spark.', 'Airflow pipelines for ETL.']
    """
    pieces: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        cursor = 0
        for match in _SENTENCE_END.finditer(line):
            pieces.append((start + cursor, start + match.start()))
            cursor = match.end()
        pieces.append((start + cursor, start + len(line)))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        if merged and _words(text, *merged[-1]) < min_words and \
                _words(text, merged[-1][0], b) <= max_words:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    # A long run without punctuation (one-line resumes) is cut every max_words words.
    result: list[tuple[int, int]] = []
    for a, b in merged:
        result.extend(_cut_long(text, a, b, max_words))
    return result


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _words(text: str, a: int, b: int) -> int:
    return len(text[a:b].split())


def _cut_long(text: str, a: int, b: int, max_words: int) -> list[tuple[int, int]]:
    words = list(re.finditer(r"\S+", text[a:b]))
    if len(words) <= max_words:
        return [(a, b)]
    spans = []
    for i in range(0, len(words), max_words):
        group = words[i:i + max_words]
        spans.append((a + group[0].start(), a + group[-1].end()))
    return spans


_LIST_MARKER = re.compile(r"^\s*(?:[-*•●▪◦‣·–—+]|\(?\d{1,2}[.)])\s+")


def strip_list_marker(passage: str) -> str:
    """A passage without its leading bullet or list number ("- ", "• ", "2) "), for a
    table cell: the marker says nothing, and a cell starting with "-" or "+" would be a
    spreadsheet formula.

    Example:
        >>> strip_list_marker("- Built Spark pipelines"), strip_list_marker("2) SQL")
        ('Built Spark pipelines', 'SQL')
    """
    return _LIST_MARKER.sub("", passage.strip(), count=1)


def is_bullet(passage: str) -> bool:
    """Whether a passage starts with a bullet marker or a list number."""
    return bool(_BULLET.match(passage))
