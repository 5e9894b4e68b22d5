"""Structured fields of a resume, each with the passage it came from.

Extracted by rules (no network, no large model, the same output for the same text):

- ``years_experience``: the union of the date ranges of the jobs a resume lists
  ("Jan 2013 to Jan 2014", "03/2010 - Present", "2012 – 2015", "2012 June till date"),
  leaving out ranges in sections that list no jobs (education, training, interests,
  volunteering, community work, awards) or next to a degree, a school or volunteering;
  overlapping jobs count once. "Present"/"Current" means ``as_of`` (default: today). A
  year without a month counts from January. Without any job date range, a stated
  "5+ years of experience".
- ``degree``: the highest level held: high school < associate < bachelor < master <
  doctorate (``DEGREE_LEVELS``); a degree followed by "in progress", "expected",
  "present", "not completed"... before any year is not held yet.
- ``title``: the job title of the most recent date range (latest end, then latest
  start): on its line before the dates, else the nearest line above or below that is not
  filler ("Company Name", "City", punctuation); without any dated job, a short
  role-naming headline near the top ("Sr. Network Engineer").
- ``location``: a labelled location or address ("Location: Pune"), a phrase such as
  "based in" or "moved to", else a "City, ST" / "City, State" line in the header that is
  not a school's.
Accuracy on hand-labelled shared resumes is measured by ``bench/fields_accuracy.py``.

Example:
    >>> found = extract_fields("Data Engineer\\nJan 2019 - Dec 2020\\nB.S. in Computer "
    ...                        "Science", as_of=date(2024, 1, 1))
    >>> found["years_experience"].value, found["degree"].value, found["title"].value
    (1.9, 'bachelor', 'Data Engineer')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

EXTRACTOR_VERSION = "fields-1"
FIELDS = ("years_experience", "degree", "title", "location", "skills")
DEGREE_LEVELS = ("high school", "associate", "bachelor", "master", "doctorate")
MAX_PASSAGE_CHARS = 240


@dataclass(frozen=True)
class FieldValue:
    """One extracted field: its value, and where in the text it came from.

    ``value`` is a float (years), a degree level, a title or location string, or a list
    of skill names; None when the resume does not say. ``start``/``end`` are character
    offsets of the passage in the text (None for a value without one).
    """

    field: str
    value: Any
    passage: str = ""
    start: int | None = None
    end: int | None = None


def degree_rank(level: str | None) -> int:
    """0 for none/unknown, 1 for high school ... 5 for a doctorate.

    Raises:
        ValueError: for a level that is not in ``DEGREE_LEVELS`` (or empty/None).

    Example:
        >>> degree_rank("master") > degree_rank("bachelor")
        True
    """
    if not level:
        return 0
    key = level.strip().lower()
    if key in ("none", "any"):
        return 0
    if key not in DEGREE_LEVELS:
        raise ValueError(f"unknown degree level {level!r}; use one of "
                         f"{', '.join(DEGREE_LEVELS)}")
    return DEGREE_LEVELS.index(key) + 1


# -- dates ---------------------------------------------------------------------------------

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_DATE = (rf"(?:{_MONTH}\.?[ \t]*,?[ \t]*(?:'|’)?{_YEAR}"
         rf"|{_YEAR}[ \t]+{_MONTH}\b\.?"
         rf"|{_MONTH}\.?[ \t]*(?:'|’)\d\d"
         rf"|(?<!\d)(?:0?[1-9]|1[0-2])[ \t]*[/.-][ \t]*{_YEAR}"
         rf"|{_YEAR}[ \t]*[/-][ \t]*(?:0?[1-9]|1[0-2])(?![\d/])"
         rf"|{_YEAR})")
_PRESENT = (r"(?:present|current(?:ly)?|now|today|till[ \t]+(?:the[ \t]+)?date|till[ \t]+now|"
            r"to[ \t]+date|"
            r"date|ongoing|continuing)")
_RANGE = re.compile(
    rf"(?<![\w/])(?P<start>{_DATE})\s*(?:-|–|—|~|－|～|ï¼\S?|to|till|until|through|thru)\s*"
    rf"(?:(?P<end>{_DATE})|(?P<present>{_PRESENT}))(?![\w/])", re.IGNORECASE)
_STATED_YEARS = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\.?\s+(?:of\s+)?"
    r"(?:(?:[\w-]+\s+){0,4})?(?:experience|exp\b)", re.IGNORECASE)


def _parse_date(raw: str, end: bool) -> tuple[int, int] | None:
    """(year, month) of one date token; a bare year is January."""
    text = raw.strip().lower()
    match = re.match(rf"({_MONTH})\.?\s*,?\s*(?:'|’)?(\d{{2,4}})$", text)
    if match:
        month = _MONTHS[match.group(1)[:3]]
        year = int(match.group(2))
        if year < 100:
            year += 2000 if year < 50 else 1900
        return year, month
    match = re.match(r"(\d{1,2})\s*[/.-]\s*(\d{4})$", text)
    if match:
        return int(match.group(2)), int(match.group(1))
    match = re.match(r"(\d{4})\s*[/-]\s*(\d{1,2})$", text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = re.match(rf"(\d{{4}})\s+({_MONTH})\.?$", text)
    if match:
        return int(match.group(1)), _MONTHS[match.group(2)[:3]]
    match = re.match(r"(\d{4})$", text)
    if match:
        return int(match.group(1)), 1
    return None


# -- sections ------------------------------------------------------------------------------

_NON_JOB_HEADING = re.compile(
    r"^\W*(?:education(?:al)?(?:\s+(?:details|background|and\s+training|history|"
    r"qualifications?))?|academic(?:s|\s+(?:details|profile|qualifications?|background))?|"
    r"qualifications?|educational\s+qualifications?|certifications?|licen[cs]es|"
    r"training|courses?|interests|hobbies|volunteer(?:ing|\s+work|\s+experience)?|"
    r"community(?:\s+(?:involvement|service|work))?|activities|affiliations|"
    r"(?:professional\s+)?affiliations|honou?rs(?:\s+and\s+awards)?|awards)[\s:]*$",
    re.IGNORECASE)
_OTHER_HEADING = re.compile(
    r"^\W*(?:(?:work|professional|employment|career|relevant|industry)\s+)?"
    r"(?:experience|history|background)(?:\s+details)?[\s:]*$|^\W*(?:work history|"
    r"employment|company details|projects?(?:\s+details)?|skills?(?:\s+details)?|"
    r"summary|professional summary|profile|objective|career objective|accomplishments|"
    r"achievements|languages|references|highlights|personal details|"
    r"additional information)[\s:]*$", re.IGNORECASE)
_EDUCATION_WORDS = re.compile(
    r"universit|college|school|institute|academy|degree|bachelor|master|diploma|"
    r"graduat|\bb\.?\s?(?:sc|tech|e|a|com|ca|ba|s)\b|\bm\.?\s?(?:sc|tech|ca|ba|s)\b|\bmba\b|"
    r"\bph\.?\s?d\b|\bhsc\b|\bssc\b|\bcbse\b|\bgpa\b|\bcgpa\b|\bcoursework\b|\bmajor\b|"
    r"\bllb\b|\bllm\b|\bcertificat", re.IGNORECASE)


_NOT_A_JOB = re.compile(r"\bvolunteer|\bcommunity (?:involvement|service)", re.IGNORECASE)


def _non_job_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of sections that list no jobs: education, training, interests,
    volunteering, community work, affiliations, awards."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= 50:
            if _NON_JOB_HEADING.match(stripped):
                if start is None:
                    start = offset
            elif _OTHER_HEADING.match(stripped) and start is not None:
                spans.append((start, offset))
                start = None
        offset += len(line) + 1
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


@dataclass(frozen=True)
class DateRange:
    """One job date range found in a resume, in months since year 0."""

    start: int
    end: int
    span: tuple[int, int]  # characters of the range in the text
    present: bool


def job_date_ranges(text: str, as_of: date | None = None) -> list[DateRange]:
    """Date ranges of jobs (education ranges left out), in order of the text."""
    today = as_of or date.today()
    now = today.year * 12 + today.month
    education = _non_job_spans(text)
    ranges = []
    for match in _RANGE.finditer(text):
        if any(a <= match.start() < b for a, b in education):
            continue
        a, b = _line_bounds(text, match.start(), match.end())
        context = text[max(a, match.start() - 80):min(b, match.end() + 80)]
        if _EDUCATION_WORDS.search(context) or _NOT_A_JOB.search(text[a:b]):
            continue
        start = _parse_date(match.group("start"), end=False)
        if start is None:
            continue
        if match.group("present"):
            end_months, present = now, True
        else:
            parsed = _parse_date(match.group("end"), end=True)
            if parsed is None:
                continue
            end_months, present = parsed[0] * 12 + parsed[1], False
        start_months = start[0] * 12 + start[1]
        end_months = min(end_months, now)
        if not 0 <= end_months - start_months <= 50 * 12:
            continue
        ranges.append(DateRange(start_months, end_months, match.span(), present))
    return ranges


def _union_months(ranges: list[DateRange]) -> int:
    total, current_end = 0, None
    for item in sorted(ranges, key=lambda r: (r.start, r.end)):
        if current_end is None or item.start > current_end:
            total += item.end - item.start
            current_end = item.end
        elif item.end > current_end:
            total += item.end - current_end
            current_end = item.end
    return total


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_PASSAGE_CHARS else text[:MAX_PASSAGE_CHARS - 1] + "…"


def years_of_experience(text: str, as_of: date | None = None) -> FieldValue:
    """Total years of experience (one decimal) from job date ranges; see module docstring."""
    ranges = job_date_ranges(text, as_of)
    if ranges:
        months = _union_months(ranges)
        shown = sorted(ranges, key=lambda r: (-r.end, -r.start))[:3]
        passage = " · ".join(_clip(text[r.span[0]:r.span[1]]) for r in shown)
        first = shown[0].span
        return FieldValue("years_experience", round(months / 12, 1), passage, *first)
    match = _STATED_YEARS.search(text)
    if match:
        a, b = _line_bounds(text, match.start(), match.end())
        return FieldValue("years_experience", float(match.group("n")),
                          _clip(text[max(a, match.start() - 60):min(b, match.end() + 60)]),
                          match.start(), match.end())
    return FieldValue("years_experience", None)


# -- degree --------------------------------------------------------------------------------

_DEGREE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("doctorate", re.compile(
        r"\bph\.?\s?d\b|\bdoctor(?:ate)?\s+(?:of|in)\b|\bdoctoral\s+degree|\bd\.?\s?phil\b|"
        r"\bed\.?\s?d\b(?!\w)|\bpsy\.?\s?d\b|\bdoctor of (?:medicine|pharmacy|nursing)",
        re.IGNORECASE)),
    ("master", re.compile(
        r"\bmaster'?s?\b(?!\s+(?:card|chef|carpenter|electrician|plumber|data|file|"
        r"schedule|list|of\s+ceremonies))|\bm\.?\s?b\.?\s?a\b|\bm\.\s?s\.?(?!\w)|"
        r"\bm\.?\s?sc\b|\bm\.?\s?tech\b|\bm\.?\s?c\.?\s?a\b|\bm\.\s?e\.(?!\w)|\bm\.?\s?com\b|"
        r"\bm\.?\s?ed\b|\bm\.?\s?phil\b|\bm\.?\s?p\.?\s?h\b|\bm\.?\s?f\.?\s?a\b|"
        r"\bm\.?\s?s\.?\s?w\b|\bm\.\s?a\.(?!\w)|\bllm\b|\bmsc\b|\bmsn\b|\bmpa\b|\bmph\b|"
        r"\bpost[- ]?graduat|\bpg\s+diploma\b|\bms\s+(?:in|degree)\b|\bma\s+in\b|"
        r"\bmasters\b", re.IGNORECASE)),
    ("bachelor", re.compile(
        r"\bbachelor'?s?\b|\bb\.?\s?tech\b|\bb\.\s?e\.(?!\w)|\bb\.?\s?sc\b|\bb\.\s?s\.?(?!\w)|"
        r"\bbs\s+(?:in|degree)\b|\bb\.\s?a\.(?!\w)|\bba\s+in\b|\bb\.?\s?com\b|\bb\.?\s?c\.?\s?a\b|"
        r"\bb\.?\s?b\.?\s?a\b|\bbsba\b|\bb\.?\s?ed\b|\bllb\b|\bb\.?\s?pharm\b|\bbsn\b|"
        r"\bb\.?\s?arch\b|\bb\.?\s?f\.?\s?a\b|\bundergraduate degree|\bgraduation\b|"
        r"\bbe\s+(?:in|\()\s*(?:computer|mechanical|civil|electrical|electronics|it\b|"
        r"information)", re.IGNORECASE)),
    ("associate", re.compile(
        r"\bassociates?'?\s+(?:degree|of|in)\b|\ba\.\s?a\.\s?s?\.?(?!\w)|\ba\.?\s?a\.?\s?s\b|"
        r"(?<!school )(?<!ged )\bdiploma\b(?!\s+in\s+high\s+school)|\bcommunity college\b",
        re.IGNORECASE)),
    ("high school", re.compile(
        r"\bhigh\s+school\b|\bg\.?\s?e\.?\s?d\b|\bhsc\b|\bssc\b|\b1[02]th\b|"
        r"\bsecondary school|\bintermediate\s+(?:\(|in\b|exam|board|college|12)|"
        r"\bmatriculation\b", re.IGNORECASE)),
)


# A degree still being studied for is not held yet.
_NOT_COMPLETED = re.compile(
    r"not\s+completed|incomplete|in\s+progress|pursuing|expected|anticipated|"
    r"\bpresent\b|\bcurrent(?:ly)?\b|\bongoing\b", re.IGNORECASE)


def highest_degree(text: str) -> FieldValue:
    """The highest degree level a resume names as held, with the line that names it (a
    degree followed by "expected", "in progress", "present"... is not held yet)."""
    for level, pattern in _DEGREE_PATTERNS:
        for match in pattern.finditer(text):
            # What follows up to the next year (the year it was awarded) says if it is held.
            after = re.split(r"(?:19|20)\d\d", text[match.end():match.end() + 120], maxsplit=1)[0]
            if _NOT_COMPLETED.search(after):
                continue
            a, b = _line_bounds(text, match.start(), match.end())
            passage = text[max(a, match.start() - 80):min(b, match.end() + 80)]
            return FieldValue("degree", level, _clip(passage), match.start(), match.end())
    return FieldValue("degree", None)


# -- title ---------------------------------------------------------------------------------

_NOT_TITLE = re.compile(
    r"^(?:company name|city|state|country|,|-|–|—|to|present|current|\W*)$|"
    r"^(?:company|employer|location|description|duration|project|client|role)\s*[-:]",
    re.IGNORECASE)
_TITLE_LABEL = re.compile(r"^(?:designation|position|role|title|job title)\s*[:\-–]\s*(.+)$",
                          re.IGNORECASE)


def _title_like(line: str) -> str | None:
    line = line.strip(" \t,;:|-–—•·*")
    label = _TITLE_LABEL.match(line)
    if label:
        line = label.group(1).strip()
    if not line or _NOT_TITLE.match(line) or not re.search(r"[A-Za-z]", line):
        return None
    words = line.split()
    if len(words) > 8 or len(line) > 70 or "@" in line or line.endswith("."):
        return None
    if _OTHER_HEADING.match(line) or _NON_JOB_HEADING.match(line):
        return None
    if not (line[0].isupper() or line[0].isdigit()):
        return None
    return line


_FILLER_LINE = re.compile(r"^(?:company name|city|state|country|to|ï¼.*|[\W\d]*)$",
                          re.IGNORECASE)
_ROLE_WORD = re.compile(
    r"\b(?:engineer|manager|developer|analyst|teacher|consultant|advocate|accountant|nurse|"
    r"designer|officer|executive|assistant|specialist|intern(?:ship)?|coordinator|director|"
    r"trainer|technician|administrator|architect|scientist|lead|leader|supervisor|"
    r"representative|associate|clerk|chef|cook|driver|agent|programmer|tester|"
    r"therapist|counselor|advisor|planner|scheduler|carpenter|electrician|mechanic|"
    r"operator|instructor|professor|lecturer|attorney|lawyer|pharmacist|physician)s?\b",
    re.IGNORECASE)
HEADLINE_CHARS = 1500


def _located(text: str, title: str, offset: int) -> tuple[str, int, int]:
    start = text.find(title, offset)
    return title, start, start + len(title)


def _title_near(text: str, item: DateRange) -> tuple[str, int, int] | None:
    """The title of the job a date range belongs to: on its line before the dates, else
    the nearest line above that is not filler (Company Name, City, State, punctuation),
    else the nearest such line below; a sentence or a heading in between ends the search."""
    a, b = _line_bounds(text, *item.span)
    before = text[a:item.span[0]]
    # "Senior Accountant , 01/2015 to Current": the title shares the line with the dates.
    first = re.split(r"\s*(?:\||,|–|—|\s-\s|\(|\bat\b)\s*", before.strip())[0]
    title = _title_like(first) if first else None
    if title:
        return _located(text, title, a)
    offset = a
    for line in reversed(text[:a].split("\n")[-16:]):
        offset -= len(line) + 1
        if _FILLER_LINE.match(line.strip()):
            continue
        title = _title_like(line)
        if title:
            return _located(text, title, offset)
        break
    offset = b + 1
    for line in text[b:].split("\n")[1:17]:
        if not _FILLER_LINE.match(line.strip()):
            title = _title_like(line)
            if title and not _RANGE.search(line):
                return _located(text, title, offset)
            break
        offset += len(line) + 1
    return None


def _headline_title(text: str) -> tuple[str, int, int] | None:
    """A short line near the top that names a role ("Sr. Network Engineer")."""
    offset = 0
    for line in text[:HEADLINE_CHARS].split("\n"):
        title = _title_like(line)
        if title and _ROLE_WORD.search(title) and not _EDUCATION_WORDS.search(title):
            return _located(text, title, offset)
        offset += len(line) + 1
    return None


def most_recent_title(text: str, as_of: date | None = None) -> FieldValue:
    """The job title next to the most recent job date range (latest end, then latest
    start); without any job dates, a role-naming headline near the top."""
    ranges = sorted(job_date_ranges(text, as_of), key=lambda r: (-r.end, -r.start, r.span[0]))
    latest = [r for r in ranges if r.end == ranges[0].end] if ranges else []
    found = next((t for t in (_title_near(text, r) for r in latest) if t), None)
    if found is None and not ranges:
        found = _headline_title(text)
    if found is None:
        return FieldValue("title", None)
    title, start, end = found
    a, b = _line_bounds(text, start, end)
    return FieldValue("title", title, _clip(text[a:b]), start, end)


# -- location ------------------------------------------------------------------------------

_US_STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
              "NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC")
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    "Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Maharashtra|Karnataka|"
    "Telangana|Tamil Nadu|Kerala|Gujarat|Rajasthan|Uttar Pradesh|Madhya Pradesh|"
    "West Bengal|Andhra Pradesh|Punjab|Haryana|Delhi|Bihar|Odisha|Goa|Ontario|Quebec|"
    "British Columbia|Alberta|England|Scotland|Wales")
_CITY = r"[A-Z][a-zA-Z.'-]+(?:[ \t][A-Z][a-zA-Z.'-]+){0,2}"
_CITY_STATE = re.compile(
    rf"\b(?P<loc>{_CITY}[ \t]*,[ \t]*(?:(?:{'|'.join(_US_STATES.split())})\b(?:[ \t]+\d{{5}})?"
    rf"|(?:{_STATE_NAMES})\b))")
# The label is case-insensitive; the place itself must be capitalised.
_LOCATION_LABEL = re.compile(
    rf"\b(?i:(?:current\s+|preferred\s+)?location|city|address)[ \t]*[:\-–][ \t]*"
    rf"(?P<loc>(?:[\w#./-]+[ \t,]+){{0,6}}?{_CITY}(?:[ \t]*,[ \t]*{_CITY})?)"
    rf"|\b(?i:based\s+in|residing\s+in|lives\s+in|living\s+in|moved\s+to|moving\s+to)[ \t]+"
    rf"(?P<loc2>{_CITY}(?:[ \t]*,[ \t]*{_CITY})?)")
_PLACEHOLDER = re.compile(r"^(?:city|state|city\s*,\s*state|country)$", re.IGNORECASE)
HEADER_CHARS = 400


def location(text: str) -> FieldValue:
    """A labelled location, else a "City, ST" or "City, State" line in the header."""
    for match in _LOCATION_LABEL.finditer(text):
        loc = (match.group("loc") or match.group("loc2")).strip(" ,")
        city_state = _CITY_STATE.search(loc)
        if city_state:
            loc = city_state.group("loc")
        if loc and not _PLACEHOLDER.match(loc) and len(loc) <= 60:
            a, b = _line_bounds(text, match.start(), match.end())
            start = text.find(loc, match.start())
            return FieldValue("location", loc, _clip(text[a:b]), start, start + len(loc))
    for match in _CITY_STATE.finditer(text[:HEADER_CHARS]):
        loc = " ".join(match.group("loc").split())
        a, b = _line_bounds(text, match.start(), match.end())
        # A school's or a degree's place is not where the candidate lives.
        if _PLACEHOLDER.match(re.sub(r"\s*,\s*", ", ", loc)) or \
                _EDUCATION_WORDS.search(text[a:b]):
            continue
        return FieldValue("location", loc, _clip(text[a:b]), match.start(), match.end())
    return FieldValue("location", None)


# -- skills --------------------------------------------------------------------------------


class NamedSkill(Protocol):
    """What a skill finder returns: a shown name and every spelling that means it."""

    name: str

    @property
    def spellings(self) -> tuple[str, ...]: ...


SkillFinder = Callable[[str], Sequence[NamedSkill]]


def skills(text: str, find: SkillFinder | None) -> FieldValue:
    """Vocabulary skills the resume names (by ``find``, in order of first mention); the
    passage is the line of the first mention. No finder: no skills."""
    found = list(find(text)) if find is not None else []
    if not found:
        return FieldValue("skills", [])
    names = [s.name for s in found]
    first = None
    for spelling in found[0].spellings:
        match = re.search(rf"(?<![\w+#]){re.escape(spelling)}(?![\w+#])", text, re.IGNORECASE)
        if match and (first is None or match.start() < first.start()):
            first = match
    if first is None:
        return FieldValue("skills", names)
    a, b = _line_bounds(text, first.start(), first.end())
    return FieldValue("skills", names, _clip(text[a:b]), first.start(), first.end())


def extract_fields(text: str, as_of: date | None = None,
                   find_skills: SkillFinder | None = None) -> dict[str, FieldValue]:
    """Every field of ``FIELDS`` for one resume text (values None/[] when not found).

    Args:
        as_of: the date "present" means (default today).
        find_skills: the skills vocabulary lookup (e.g. ``rank.keywords.find_skills``).
    """
    return {
        "years_experience": years_of_experience(text, as_of),
        "degree": highest_degree(text),
        "title": most_recent_title(text, as_of),
        "location": location(text),
        "skills": skills(text, find_skills),
    }
