"""Split a job description into requirement items a candidate can be checked against.

A job post is read as sections under headings (markdown ``#``, ``**bold**``, a short line
ending in ``:``, a short line opening a block, a short line naming a section even
without a blank line before it, or ``Requirements: ...`` inline). Which sections count:

1. requirements/qualifications (and nice-to-have) sections, when the post has them: the
   company intro, the duties, benefits and the equal-opportunity paragraph are dropped;
2. otherwise duty lists ("Responsibilities", "Essential Functions", "Major Duties",
   "Key Accountabilities"...): a formal occupation profile (a title, a summary paragraph
   and a list of duties) is checked duty by duty, without its summary;
3. otherwise (one paragraph, a bare list) every bullet and sentence except boilerplate
   and a company introduction.

Bullets and numbered items become one item each (wrapped lines joined); a line of a list
section that starts a new sentence is an item even without a marker; paragraphs become
one item per sentence. Wording also marks items: "must", "mandatory", "required" or a
"Minimum qualifications" heading make a must-have (:attr:`Requirement.must`); a
nice-to-have heading or "... is a plus" makes it preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REQUIREMENTS = 40  # a grid wider than this is unreadable; the first ones are kept

REQUIRED, PREFERRED, DUTIES, BOILERPLATE, SUMMARY, OTHER = (
    "required", "preferred", "duties", "boilerplate", "summary", "other")

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
    # Duty lists named as such, before the requirement words they may contain
    # ("Essential Functions", "Key Result Areas", "Performance Responsibilities").
    (DUTIES, re.compile(
        r"responsibilit|duties|\bfunctions\b|accountabilit|\btasks\b|key result|"
        r"what you('ll| will)? do|day[- ]to[- ]day|your impact|"
        r"what you('ll| will) (work on|own|build)|in this role you")),
    (REQUIRED, re.compile(
        r"requirement|qualification|must[- ]have|you('ll| will)? (need|bring|have)|"
        r"what you (need|bring|have)|about you|who you are|skills|experience|"
        r"looking for|ideal candidate|competenc|education|knowledge|\bmust\b|"
        r"(your|candidate|ideal|required|desired|person) profile|^profile$|"
        r"essential|minimum|basic qualif|expertise|background|criteria|abilities")),
    (SUMMARY, re.compile(
        r"summary|overview|description|purpose|definition|general statement|\bthe role\b|"
        r"your role|this role|about the (role|job|position)|the job|the position|"
        r"opportunity|introduction|role profile|position profile")),
]
# Headings that make every item under them a must-have.
_MUST_HEADING = re.compile(
    r"must[- ]have|minimum|basic qualif|required qualif|mandatory|essential "
    r"(requirement|criteria|qualif|skill)|non[- ]negotiable", re.IGNORECASE)
# Items whose own wording makes them a must-have.
_MUST_ITEM = re.compile(
    r"\bmust\b|\bmandatory\b|\(required\)|\bis required\b|\bare required\b|"
    r"\brequired\s*[:;.)]|\brequired$|\bessential\b|non[- ]negotiable", re.IGNORECASE)

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
    must: bool = False  # the wording makes it a must-have ("must", "Minimum qualifications")

    @property
    def kind(self) -> str:
        return PREFERRED if self.preferred else REQUIRED


@dataclass
class _Section:
    heading: str
    kind: str
    items: list[str]


_REQUIREMENT_WORDS = re.compile(r"requirement|qualification|must[- ]have|skills")
LIST_KINDS = (REQUIRED, PREFERRED, DUTIES)


def section_kind(heading: str) -> str:
    """What a heading introduces: required, preferred, duties, boilerplate, summary or
    other.

    Example:
        >>> section_kind("## Nice to have"), section_kind("Benefits:"), section_kind("About you")
        ('preferred', 'boilerplate', 'required')
        >>> section_kind("Essential Functions"), section_kind("Position Purpose")
        ('duties', 'summary')
    """
    label = clean_item(_MD_HEADING.sub("", heading)).rstrip(":").strip().lower()
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.search(label):
            # "Responsibilities and requirements": the requirement words win.
            if kind == DUTIES and _REQUIREMENT_WORDS.search(label):
                return REQUIRED
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
        # A formal profile: its duty list, without the summary around it.
        wanted = [s for s in sections if s.kind == DUTIES and len(s.items) >= 2]
    if not wanted:
        # No list heading at all: everything but boilerplate may be a requirement.
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
            must = not preferred and (says_must(item) or (
                section.kind == REQUIRED and bool(_MUST_HEADING.search(heading))))
            found.append(Requirement(item, heading, preferred, must))
    return found[:max_items]


def says_must(text: str) -> bool:
    """Whether an item's own wording makes it a must-have ("must", "mandatory",
    "(required)", "is required", "essential").

    Example:
        >>> says_must("Active RN license required"), says_must("Requirements: SQL")
        (True, False)
    """
    return bool(_MUST_ITEM.search(text))


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


_CONNECTOR_END = re.compile(
    r"(?:,|\b(?:and|or|of|to|the|a|an|in|on|with|for|from|by|as|at|into|including|&))\s*$",
    re.IGNORECASE)


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on a hard-wrapped sentence of ``previous``."""
    return line[0].islower() or bool(_CONNECTOR_END.search(previous))


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
            elif paragraph and sections[-1].kind in LIST_KINDS and \
                    not _continues(paragraph[-1], line):
                flush()  # a duty list without markers: one line, one item
            paragraph.append(line)
    flush()
    return sections
