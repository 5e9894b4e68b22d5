"""Split a job description into requirement items a candidate can be checked against.

A job post is read as sections under headings (markdown ``#``, ``**bold**``, a short line
ending in ``:``, a short line opening a block, or ``Requirements: ...`` inline). When the
post has a requirements/qualifications (or nice-to-have) section, only those sections
count: the company intro, the duties, benefits and the equal-opportunity paragraph are
dropped. A post without such a section (one paragraph, a bare list) keeps every
bullet and sentence except boilerplate and a company introduction. Bullets become one
item each (wrapped lines joined); paragraphs become one item per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REQUIREMENTS = 40  # a grid wider than this is unreadable; the first ones are kept

REQUIRED, PREFERRED, DUTIES, BOILERPLATE, OTHER = (
    "required", "preferred", "duties", "boilerplate", "other")

# Checked in this order: "Preferred qualifications" is preferred, "About you" is required.
_SECTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (PREFERRED, re.compile(
        r"nice[- ]to[- ]have|preferred|bonus|\bpluses\b|\bplus\b|desir|good[- ]to[- ]have|"
        r"extra credit|would be great|love to see|great to have|ideally|optional")),
    (BOILERPLATE, re.compile(
        r"benefit|perks|what we offer|we offer|offer you|compensation|salary|\bpay\b|"
        r"equal (employment )?opportunit|\beeo\b|diversity|inclusion|about us|who we are|"
        r"about the company|our company|\bcompany\b|how to apply|to apply|location|"
        r"our mission|our values|why join|why work|culture|accommodation|disclaimer|"
        r"privacy|\babout (?!you\b|the role\b|the job\b|the position\b|this role\b)")),
    (REQUIRED, re.compile(
        r"requirement|qualification|must[- ]have|you('ll| will)? (need|bring|have)|"
        r"what you (need|bring|have)|about you|who you are|skills|experience|"
        r"looking for|ideal candidate|competenc|education|knowledge|profile|\bmust\b|"
        r"essential|minimum|basic qualif|expertise|background")),
    (DUTIES, re.compile(
        r"responsibilit|what you('ll| will) do|duties|\bthe role\b|your role|this role|"
        r"day[- ]to[- ]day|tasks|overview|summary|description|the job|the position|"
        r"opportunity|your impact|what you('ll| will) (work on|own|build)")),
]

_BULLET = re.compile(r"^(?:[-*•●▪◦‣·–—+]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_INLINE_HEADING = re.compile(r"^(?:\*\*|__)?([^:]{2,60}?)(?:\*\*|__)?:(?:\*\*|__)?\s+(\S.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|incl|approx|vs|sr|jr|dr|no|esp|min|max|yrs?)\.|"
    r"\b(?:[A-Za-z]\.){2,})$", re.IGNORECASE)

# Sentences that are never a requirement, wherever they appear.
_BOILERPLATE_SENTENCE = re.compile(
    r"equal (employment )?opportunit|\beeo\b|without regard to|discriminat|"
    r"reasonable accommodation|we offer|we provide|benefits include|competitive (salary|pay)|"
    r"401\s*\(k\)|dental|paid time off|\bpto\b|health insurance|parental leave|"
    r"apply (now|today)|send (us )?your (cv|resume)|to apply,|click apply|"
    r"salary range|pay range|per (hour|year|annum)", re.IGNORECASE)
# "Kafka is a plus." in a post without a nice-to-have section.
_PREFERRED_SENTENCE = re.compile(
    r"\b(?:is|are|would be|as) (?:a |an )?(?:big |huge |strong )?(?:plus|bonus|advantage)\b|"
    r"nice[- ]to[- ]have", re.IGNORECASE)
# "Acme is a leading ...", "We are a small team ...", "Founded in 2010, ...".
_COMPANY_INTRO = re.compile(
    r"^(?:(?:at|here at)\s+[^,]{2,40},\s+)?(?:founded\b|"
    r"(?:we are|we're)\s+(?:a|an|the|one of)\b|"
    r"(?!you\b|you're\b|the ideal\b)[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,5}\s+(?:is|are)\s+"
    r"(?:a|an|the|one of)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Requirement:
    """One thing the job asks for, as written, and the section it came from.

    Example:
        >>> Requirement("Strong SQL skills", "Requirements").kind
        'required'
    """

    text: str
    section: str = ""
    preferred: bool = False

    @property
    def kind(self) -> str:
        return PREFERRED if self.preferred else REQUIRED


@dataclass
class _Section:
    heading: str
    kind: str
    items: list[str]


def section_kind(heading: str) -> str:
    """What a heading introduces: required, preferred, duties, boilerplate or other.

    Example:
        >>> section_kind("## Nice to have"), section_kind("Benefits:"), section_kind("About you")
        ('preferred', 'boilerplate', 'required')
    """
    label = clean_item(_MD_HEADING.sub("", heading)).rstrip(":").strip().lower()
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.search(label):
            return kind
    return OTHER


def extract_requirements(text: str, max_items: int = MAX_REQUIREMENTS) -> list[Requirement]:
    """The requirement items of a job description, in order, without duplicates.

    Example:
        >>> job = "Acme is a bank.\\n\\nRequirements\\n- Python\\n- SQL, Spark\\n\\nPerks\\n- Gym"
        >>> [r.text for r in extract_requirements(job)]
        ['Python', 'SQL, Spark']
    """
    sections = _sections(text)
    wanted = [s for s in sections if s.kind in (REQUIRED, PREFERRED) and s.items]
    if not wanted:
        # No requirements heading: everything but boilerplate may be a requirement.
        wanted = [s for s in sections if s.kind != BOILERPLATE]
    found: list[Requirement] = []
    seen: set[str] = set()
    for section in wanted:
        for position, item in enumerate(section.items):
            if _BOILERPLATE_SENTENCE.search(item):
                continue
            if section.kind not in (REQUIRED, PREFERRED) and position == 0 \
                    and _COMPANY_INTRO.match(item):
                continue
            key = re.sub(r"\W+", " ", item).strip().lower()
            if not key or key in seen:
                continue
            seen.add(key)
            heading = clean_item(_MD_HEADING.sub("", section.heading)).rstrip(":").strip()
            preferred = section.kind == PREFERRED or (
                section.kind != REQUIRED and bool(_PREFERRED_SENTENCE.search(item)))
            found.append(Requirement(item, heading, preferred))
    return found[:max_items]


def clean_item(line: str) -> str:
    """A bullet or sentence without its marker, markdown emphasis and extra spaces.

    Example:
        >>> clean_item("  - **Strong** SQL  skills;")
        'Strong SQL skills'
    """
    line = _BULLET.sub("", line.strip())
    line = _EMPHASIS.sub("", line)
    return re.sub(r"\s+", " ", line).strip().rstrip(";,").strip()


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; abbreviations such as "e.g." do not end one.

    Example:
        >>> split_sentences("Know SQL, e.g. Postgres. Ship code. B.S. in CS or similar.")
        ['Know SQL, e.g. Postgres.', 'Ship code.', 'B.S. in CS or similar.']
    """
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        if _ABBREVIATION.search(paragraph[start:match.start()]):
            continue
        sentences.append(paragraph[start:match.start()].strip())
        start = match.end()
    sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


def _is_meta_line(line: str) -> bool:
    """``Company: X | Location: Remote | Full-time``: facts about the post, not requirements."""
    parts = [p for p in line.split("|") if p.strip()]
    return len(parts) >= 2 and all(len(p.split()) <= 8 for p in parts)


def _heading(line: str, opens_block: bool, first: bool) -> str | None:
    """The heading text if ``line`` is a heading (``first``: the post's title line)."""
    if _MD_HEADING.match(line):
        return _MD_HEADING.sub("", line).strip()
    if _BULLET.match(line):
        return None
    bare = _EMPHASIS.sub("", line).strip()
    words = len(bare.split())
    if re.fullmatch(r"(\*\*|__)[^*_]+(\*\*|__):?", line.strip()) and words <= 10:
        return bare
    if bare.endswith(":") and words <= 8:
        return bare
    if not re.search(r"[.!?;,]$", bare) and (words <= 12 if first else words <= 6) and \
            (opens_block or section_kind(bare) != OTHER):
        return bare
    return None


def _sections(text: str) -> list[_Section]:
    """The post as sections of items (bullets and sentences) under their headings."""
    sections = [_Section("", OTHER, [])]
    paragraph: list[str] = []
    bullet: list[str] | None = None

    def flush() -> None:
        nonlocal paragraph, bullet
        if bullet is not None:
            item = clean_item(" ".join(bullet))
            # A long bullet holding several sentences is several requirements.
            parts = split_sentences(item) if len(item.split()) > 40 else [item]
            sections[-1].items.extend(p for p in parts if re.search(r"[A-Za-z]{2}", p))
        if paragraph:
            for sentence in split_sentences(clean_item(" ".join(paragraph))):
                if len(sentence.split()) >= 2:
                    sections[-1].items.append(sentence)
        paragraph, bullet = [], None

    def open_section(heading: str, strong: bool) -> None:
        kind = section_kind(heading)
        # An unnamed sub-heading ("We'd love to see:") stays in the requirements section.
        if kind == OTHER and not strong and sections[-1].kind in (REQUIRED, PREFERRED):
            kind = sections[-1].kind
        sections.append(_Section(heading, kind, []))

    previous_blank, first = True, True
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            flush()
            previous_blank = True
            continue
        opens_block = previous_blank
        previous_blank = False
        if _is_meta_line(line):
            flush()
            continue
        heading = _heading(line, opens_block, first)
        first = False
        if heading is not None:
            flush()
            open_section(heading, strong=bool(_MD_HEADING.match(line)))
            continue
        inline = _INLINE_HEADING.match(line)
        if inline and not _BULLET.match(line) and section_kind(inline.group(1)) != OTHER \
                and len(inline.group(1).split()) <= 5:
            flush()
            open_section(inline.group(1), strong=False)
            line = inline.group(2)
        if _BULLET.match(line):
            flush()
            bullet = [line]
        elif bullet is not None and (line[0].islower() or not re.search(r"[.!?:;]$",
                                                                           bullet[-1])):
            bullet.append(line)  # a wrapped bullet continues on this line
        else:
            if bullet is not None:
                flush()
            paragraph.append(line)
    flush()
    return sections
