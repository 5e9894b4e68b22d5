"""Split text into short passages (sentences, bullets, lines) and tell headings apart.

A passage is what a requirement is checked against and what an explanation quotes: one
bullet, one sentence, or one line. Hard-wrapped text (most ``.txt`` resumes and every
PDF) breaks sentences across lines; a line that starts in lower case, or follows a
line ending in a comma or a connecting word, continues the sentence before it.

A heading ("EXPERIENCE", "Education and Training", "Accounting / Revenue Management /
Accomplishments") names a section; it is never evidence that a candidate did anything,
so :func:`is_heading_only` lets the evidence rules skip such passages.
"""

from __future__ import annotations

import re

# List markers: ASCII, typographic, Wingdings/Symbol private-use glyphs from Word
# (U+F0B7 and friends), arrows and check marks; then "1." / "a)" numbering.
BULLET_CHARS = "-*•●▪◦‣·o–—+►▶➢➤✓✔■□◆◇❖○\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf075"
_BULLET = re.compile(r"^\s*(?:[" + re.escape(BULLET_CHARS) + r"]|\(?\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"'])")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_CONNECTOR_END = re.compile(
    r"(?:,|\b(?:and|or|of|to|the|a|an|in|on|with|for|from|by|as|at|into|including|"
    r"such as|&))\s*$", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_][\w'’&.+#-]*")

# Words that make up resume and job-post section headings. A short line made only of
# these (and of separators) names a section; it says nothing about the candidate.
SECTION_WORDS = frozenset("""
about academic academics accomplishment accomplishments achievement achievements activities
activity additional affiliation affiliations and appointments area areas award awards
background board career certificate certificates certification certifications
characteristics community competence competencies competency contact core course courses
coursework credentials current curriculum declaration description details duties
education educational employment executive experience experiences expertise extra
extracurricular focus functional general highlights history hobbies honors honours
information interest interests internship internships involvement job key knowledge
language languages leadership licences licenses licensure memberships military
objective objectives of other overview personal positions previous professional profile
profiles project projects publications qualification qualifications recent references
relevant research responsibilities resume selected service skill skills statement
strengths summary technical training volunteer volunteering vitae work
""".split())
# Separators between heading words on one line ("Skills | Education", "A / B").
_SEPARATORS = re.compile(r"\s*[/|•·,;:&]+\s*|\s+-\s+|\s+")


def split_passages(text: str, min_words: int = 4, max_words: int = 60,
                   ) -> list[tuple[int, int]]:
    """Character spans of passages: one per bullet/sentence/line, short ones merged.

    Lines are first joined where a sentence or bullet was hard-wrapped (the next line
    starts in lower case, or this one ends with a comma or a connecting word), then
    cut into sentences; a piece shorter than ``min_words`` merges into the next one,
    and a run longer than ``max_words`` without punctuation is cut.

    Example:
        >>> text = "Skills\\n- Python and SQL\\n- Spark. Airflow pipelines for ETL."
        >>> [text[a:b] for a, b in split_passages(text, min_words=2)]
        ['Skills\\n- Python and SQL', '- Spark.', 'Airflow pipelines for ETL.']
    """
    pieces: list[tuple[int, int]] = []
    for start, end in _logical_lines(text):
        cursor = start
        line = text[start:end]
        for match in _SENTENCE_END.finditer(line):
            pieces.append((cursor, start + match.start()))
            cursor = start + match.end()
        pieces.append((cursor, end))
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


def _logical_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines with hard-wrapped continuations joined (blank lines end a run)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    previous_blank = True
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        if spans and not previous_blank and _continues(text[spans[-1][0]:spans[-1][1]],
                                                       stripped):
            spans[-1] = (spans[-1][0], start + len(line))
        else:
            spans.append((start, start + len(line)))
        previous_blank = False
    return spans


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence or bullet of ``previous``."""
    if _BULLET.match(line) or is_heading_line(line):
        return False
    last = previous.rstrip()
    if not last or last[-1] in ".!?:;":
        return False
    if line[0].islower():
        return True
    # "Managed accounts for\nFortune 500 clients": the line before cannot end there.
    return bool(_CONNECTOR_END.search(last)) and len(last.split()) >= 4


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


def is_bullet(passage: str) -> bool:
    """Whether a passage starts with a bullet marker or a list number."""
    return bool(_BULLET.match(passage))


def strip_marker(line: str) -> str:
    """A line without its list marker, private-use glyphs and surrounding spaces.

    Example:
        >>> strip_marker("\\uf0b7\\tWROTE TERRAFORM MODULES")
        'WROTE TERRAFORM MODULES'
    """
    return _PRIVATE_USE.sub("", _BULLET.sub("", line)).strip()


def display_passage(passage: str) -> str:
    """A passage as one clean line for a table cell or a CSV: no list markers, no
    private-use glyphs (Word's Symbol-font bullets), no leading heading lines, single
    spaces.

    Example:
        >>> display_passage("EXPERIENCE\n\uf0b7\tWROTE TERRAFORM MODULES")
        'WROTE TERRAFORM MODULES'
    """
    lines = [strip_marker(line) for line in passage.split("\n")]
    lines = [line for line in lines if line]
    while len(lines) > 1 and is_heading_line(lines[0]):
        lines.pop(0)
    return " ".join(" ".join(lines).split())


def is_heading_line(line: str) -> bool:
    """Whether one line only names a section: "EXPERIENCE", "Skills:", "Education and
    Training", "Accounting / Revenue Management / Accomplishments".

    A short line (at most 6 words, no sentence punctuation, no digits) counts when all
    its words are section words, or when it is in Title Case or capitals, has no
    lower-case word, and names at least one section word.

    Example:
        >>> is_heading_line("Accounting / Revenue Management / Accomplishments")
        True
        >>> is_heading_line("PROMETHEUS ALERTING AND GRAFANA DASHBOARDS")
        False
        >>> is_heading_line("Certifications: BLS, ACLS")
        False
    """
    bare = strip_marker(line).strip("#*_ ").rstrip(":").strip()
    if not bare or re.search(r"[.!?;]\s*$|\d", bare) or ":" in bare:
        return False  # "Certifications: BLS, ACLS" labels a list; it is not a heading
    words = [w for w in _SEPARATORS.split(bare) if w]
    if not words or len(words) > 6:
        return False
    lowered = [w.lower().strip("'’") for w in words]
    if all(w in SECTION_WORDS for w in lowered):
        return True
    titled = all(w[:1].isupper() or w.lower() in {"and", "of", "&"} for w in words)
    return titled and any(w in SECTION_WORDS - {"and", "of"} for w in lowered)


def is_heading_only(passage: str) -> bool:
    """Whether every line of a passage is a heading (see :func:`is_heading_line`), so
    the passage can never be evidence for a requirement.

    Example:
        >>> is_heading_only("Skills\\nEducation and Training"), is_heading_only("Skills\\n- SQL")
        (True, False)
    """
    lines = [line for line in passage.split("\n") if line.strip()]
    return bool(lines) and all(is_heading_line(line) for line in lines)


def can_be_evidence(passage: str, min_words: int = 3) -> bool:
    """Whether a passage may stand as evidence: at least ``min_words`` words once its
    heading lines are set aside ("Sous Chef / Accounting / Revenue Management /
    Accomplishments" merged from short lines is not evidence of accounting).

    Example:
        >>> can_be_evidence("Experience\n- Built batch ETL pipelines"), can_be_evidence("Skills")
        (True, False)
    """
    lines = [line for line in passage.split("\n") if line.strip()]
    content = [line for line in lines if not is_heading_line(line)]
    return content_word_count(" ".join(content)) >= min_words


def content_word_count(text: str) -> int:
    """Words with at least one letter (numbers, dates and punctuation do not count)."""
    return len(_WORDS.findall(text))
