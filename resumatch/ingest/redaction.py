"""Blind screening: strip what identifies a candidate before anyone (or the model) sees it.

Redaction is rule-based on purpose: no network, no large NLP model, the same output for
the same text, and fast enough for thousands of resumes. It removes names (the header
line, ``Name:`` fields, capitalised names next to contact details, first name + surname
pairs, and every later mention of a detected name), emails, phone numbers, street
addresses and postcodes, URLs and social handles, dates of birth, ages, gender words and
titles, personal-detail fields (marital status, nationality, religion, parents' names)
and graduation years. Each is replaced by a short bracketed tag such as ``[email]``, so
the text stays readable and the embedding sees a neutral token.

What it cannot know is listed in the README: a name the rules do not recognise (no
header line, no label, not near contact details, not in the first-name list), or
identifying facts in prose ("captain of the women's rugby team").

Example:
    >>> redact_text("Jane Doe\\njane.doe@mail.com, +1 (555) 123-4567\\nPython developer")
    '[name]\\n[email], [phone]\\nPython developer'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from resumatch.ingest.documents import Document

CANDIDATE_PREFIX = "Candidate"

# Words that are capitalised in resumes but are not names: headings, roles, skills,
# places-as-labels, months. A header line made of these is a title, not a person.
_NOT_NAME_WORDS = frozenset("""
a an and the of for at in on with to by from as or de la le von van der del da di du
resume résumé curriculum vitae cv bio biodata profile summary objective objectives about
me skills skill experience experiences education educational contact details detail
personal professional career work history projects project certifications certification
certificates achievements accomplishments awards languages language references hobbies
interests technical key core competencies competency qualifications qualification
employment company companies name city state country address phone email mobile tel
overview highlights strengths expertise responsibilities duties training courses
declaration internship internships activities extra curricular publications volunteer
engineer engineering developer development manager management analyst analytics
consultant consulting nurse nursing teacher teaching designer design accountant
accounting assistant associate senior junior lead head director officer executive
specialist administrator administration architect scientist science data software web
java python javascript net sql sales marketing business product operations operation hr
human resources resource finance financial civil mechanical electrical electronics
network networking security testing tester automation devops database hadoop etl
blockchain arts art health healthcare fitness advocate pmo registered customer service
services support team chef cook driver technician intern trainee graduate student
freelance freelancer full stack front end back ios android cloud systems system
information technology it quality assurance qa research medical legal office general
chief vice president staff certified public digital media content writer editor
programmer coordinator supervisor representative agent clerk teller banker banking
lawyer attorney paralegal pharmacist physician doctor therapist trainer coach
instructor professor lecturer tutor mr mrs ms miss dr prof sir madam
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday
university college school institute academy board
microsoft google amazon oracle sap aws azure linux windows excel office word powerpoint
machine learning deep artificial intelligence natural processing computer vision
mumbai pune delhi bangalore bengaluru hyderabad chennai kolkata india london new york
relevant coursework additional selected recent leadership affiliations memberships
associations community involvement military honors honours presentations patents licenses
licensure credentials portfolio tools abilities attributes traits areas focus statement
goals keywords background snapshot synopsis brief introduction accounts payable
receivable hard working good quick learner self motivated dedicated dynamic results
driven highly skilled experienced certified expert proficient strong excellent signature
industries international limited ltd pvt private inc corp corporation group hospital
county campus port center centre memorial foundation clinic airlines bank insurance
has have is was were are will can did does
javascript typescript github gitlab linkedin powerpoint youtube wordpress
facebook instagram sharepoint salesforce quickbooks photoshop illustrator autocad
marital status date birth gender nationality religion age sex father mother position
applying applied application department role title job number license
""".split())
# A listed first name followed by one of these is an institution: "George Mason University".
_INSTITUTION_WORDS = frozenset("""
university college school institute academy hospital county campus center centre
memorial foundation clinic industries international group corporation company inc llc
ltd bank airlines park hills river street avenue road award awards prize fellowship
scholarship library museum stadium airport station high elementary middle
""".split())

# A first-name list for "First Surname" pairs anywhere in the text. Names that are also
# common words or skills (Will, Mark, Grace, Ruby, Julia, May, Chase...) are left out.
_FIRST_NAMES = frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel
matthew anthony donald steven paul andrew joshua kenneth kevin brian george timothy
ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
scott brandon benjamin samuel gregory alexander patrick jack dennis jerry tyler aaron
jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter
keith roger terry sean gerald carl harold dylan arthur lawrence jesse
bryan billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy
betty sandra margaret ashley kimberly emily donna michelle carol amanda melissa deborah
stephanie rebecca sharon laura cynthia dorothy amy kathleen angela shirley brenda pamela
nicole anna samantha katherine christine debra rachel carolyn janet maria catherine
heather diane olivia julie joyce victoria kelly christina lauren joan evelyn judith
andrea hannah megan cheryl jacqueline martha madison teresa gloria sara janice ann
kathryn abigail sophia frances jean alice judy isabella denise amber danielle marilyn
beverly charlotte natalie theresa diana brittany doris kayla alexis lori tiffany
emma ava mia harper elena sofia camila valentina lucia carmen ana rosa luis carlos
miguel jorge pedro diego fernando alejandro javier ricardo rafael sergio eduardo
mohammed mohammad muhammad ahmed ahmad ali omar hassan hussein ibrahim yusuf khalid
fatima aisha layla zainab mariam amina noor sara
rahul amit rohit sachin vikram arjun raj rajesh ramesh suresh mahesh dinesh ganesh
sanjay vijay ajay anil sunil manoj vinod ashok pradeep sandeep kunal nikhil akshay
abhishek aditya ankit ankur gaurav harsh karan manish mayur mukesh naveen neeraj
pankaj prashant pratik praveen rakesh ravi sagar saurabh shubham siddharth sumit tushar
varun vishal yash yogesh deepak hemant kiran mohan prakash shankar srinivas venkatesh
priya pooja neha sneha anjali divya kavya shruti swati nisha ritu sunita anita kavita
geeta meena rekha seema deepika aishwarya ananya shreya sakshi tanvi rashmi bhawana
payal komal jyoti archana madhuri monika nikita priyanka radhika shweta snehal vaishali
wei ming hui xin jing hao chen jie qiang ying fang
hiroshi takashi yuki haruto sakura yuto kenji akira naoki satoshi
olga ivan dmitri sergei natasha svetlana irina alexei mikhail tatiana
hans klaus jurgen stefan andreas markus thomas katrin petra ursula
pierre jean francois nicolas philippe isabelle nathalie sylvie
giuseppe giovanni marco luca francesco alessandro giulia chiara
kwame kofi ama chinedu ngozi oluwaseun adebayo tunde folake
""".split())

# Jane, O'Malley, McDonald, Jean-Luc, DOE, O'MALLEY, J.
_NAME_TOKEN = (r"(?:(?:Mc|Mac|O['’]|D['’]|De|Di|Da|Du|La|Le|Van|Von)?[A-Z][a-z'’]*[a-z]"
               r"(?:-[A-Z][a-z'’]+)?|[A-Z]+['’]?[A-Z]+|[A-Z]\.)")
_NAME_TOKEN_RE = re.compile(rf"^{_NAME_TOKEN}$")
_HEADER_SPLIT = re.compile(r"\s*(?:[|•·,;:/–—]|\s-\s|\s{3,}|\t)\s*")

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s*[\[(]\s*at\s*[\])]\s*)[\w-]+"
    r"(?:(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)[\w-]+)*(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)[A-Za-z]{2,}")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_TLDS = r"(?:com|org|net|io|dev|me|info|co\.uk|co\.in|ai|app|site|online|tech|xyz)"
# Bare domains ("janedoe.dev", "linkedin.com/in/jane"); searched only when a TLD occurs,
# as scanning every word for a dot is the slowest rule.
_TLD_HINT = re.compile(rf"\.{_TLDS}\b", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    rf"(?<![\w.@-])(?!(?:asp|vb|ado|dot)\.net\b)[a-z0-9][a-z0-9-]{{1,62}}"
    rf"(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"')\]]*)?", re.IGNORECASE)
_HANDLE_LABEL = re.compile(
    r"\b(?:linked\s?in|git\s?hub|git\s?lab|twitter|instagram|facebook|skype|telegram|"
    r"whatsapp|kaggle|leetcode|hackerrank|medium|behance|dribbble)[ \t]*(?:id|handle|profile)?"
    r"[ \t]*:[ \t]*(?!\[)@?[\w.-]{2,40}", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b")

_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+/.-])(?:\+[ \t]?\d{1,3}[ \t.-]?)?(?:\(\d{1,5}\)[ \t]?)?\d[\d \t.()/-]{5,18}\d"
    r"(?![\d/])")
_PHONE_LABEL = re.compile(
    r"\b(?:phone|mobile|mob|cell|tel|telephone|contact(?:\s+no)?|ph|whatsapp)\.?"
    r"(?:\s*(?:no|number|#)\.?)?\s*[:\-–]?\s*$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-–/]\s*(?:19|20)?\d\d$")
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (rf"(?:\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?[\s./-]*(?:{_MONTH}|\d{{1,2}})[\s.,/-]*\d{{2,4}}"
         rf"|{_MONTH}\s*\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}|(?:19|20)\d\d)(?!\d)")
_DOB = re.compile(
    rf"\b(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|birth\s*date|birthday|born(?:\s+(?:on|in))?)"
    rf"\s*[:\-–]?\s*(?:{_DATE})", re.IGNORECASE)
_AGE = re.compile(
    r"\bage[d]?\s*[:\-–]?\s*\d{2}(?:\s*(?:years?|yrs?)(?:\s*old)?)?\b"
    r"|\b\d{2}\s*(?:years?|yrs?)[\s-]*old\b|\b\d{2}\s*y/?o\b", re.IGNORECASE)
_GENDER_FIELD = re.compile(
    r"\b(?:gender|sex)\s*[:\-–]\s*(?:male|female|m|f|man|woman|non[- ]?binary|other|"
    r"transgender|trans)\b", re.IGNORECASE)
_PERSONAL_FIELD = re.compile(
    r"\b(?:marital\s+status|civil\s+status|nationality|citizenship|religion|caste|"
    r"blood\s+group|passport\s+(?:no|number)\.?|visa\s+status)\s*[:\-–]\s*[^\n,;|.]{1,30}",
    re.IGNORECASE)
_RELATIVE_NAME = re.compile(
    r"\b(?i:father'?s|mother'?s|spouse'?s|husband'?s|wife'?s|guardian'?s)\s+(?i:name)\s*"
    rf"[:\-–]\s*(?:(?i:mr|mrs|ms|shri|smt)\.?\s+)?{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,3}}"
    rf"|\b[SDW]/[Oo]\s+(?:(?i:mr|shri)\.?\s+)?{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,3}}")
_GENDER_WORDS: dict[str, str] = {
    "he": "they", "she": "they", "him": "them", "his": "their", "her": "their",
    "hers": "theirs", "himself": "themselves", "herself": "themselves",
    "male": "[gender]", "female": "[gender]", "males": "[gender]", "females": "[gender]",
}
_PRONOUN_VERB = re.compile(r"\b(?:he|she)[ \t]+(is|was|has|does)\b", re.IGNORECASE)
_PLURAL_VERB = {"is": "are", "was": "were", "has": "have", "does": "do"}
_GENDER_WORD = re.compile(r"\b(?:" + "|".join(_GENDER_WORDS) + r")\b", re.IGNORECASE)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Miss|Shri|Smt)\b\.?[ \t]*(?=[A-Z][a-z]|\[name\])"
                    r"(?!Office|Excel|Word|Access|Project|Outlook|Power|Visio|Dynamics|Sql|Teams)")

_NAME_LABEL = re.compile(
    r"(?<![\w'])(?P<before>\w+[ \t]+)?(?i:full\s+|candidate'?s?\s+|first\s+|last\s+|sur)?"
    rf"(?i:name)[ \t]*[:\-–][ \t]*(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,3}})")
# "My name is Jane Doe", "Resume of Jane Doe", "Personal details: Jane Doe; ...";
# "Sincerely,\nJane Doe" (a signature closes letters and some CVs).
_NAME_PHRASE = re.compile(
    r"(?:\b(?i:my\s+name\s+is|(?:resume|résumé|cv|curriculum\s+vitae|biodata|profile)\s+of)"
    r"[ \t]+"
    r"|\b(?i:personal\s+(?:details|information|data|profile)|applicant|candidate)[ \t]*:[ \t]*"
    r"|\b(?i:sincerely|regards|best\s+regards|kind\s+regards|yours\s+(?:truly|faithfully|"
    r"sincerely)|thank\s+you|thanks)[,.!]?[ \t]*\n[ \t]*)"
    rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{1,3}})")
_AGE_AFTER_NAME = re.compile(
    r"(?<=\[name\])[ \t]*[(,][ \t]*\d{2}[ \t]*(?:years?|yrs?)(?:[ \t]*old)?[ \t]*\)?",
    re.IGNORECASE)
_NOT_PERSON_LABELS = frozenset(
    "company project product client employer institute institution school college course "
    "host user domain file brand business organisation organization bank hospital "
    "university firm store shop team vendor".split())

_ADDRESS_LABEL = re.compile(
    r"\b(?:(?:permanent|current|present|postal|mailing|home|residential|correspondence)\s+)?"
    r"(?:address|addr\.?|residence)\s*[:\-–]\s*[^\n]{3,120}?(?=\s*(?:\n|$|\[email\]|\[phone\]|"
    r"(?:phone|mobile|email|e-mail|tel|date of birth|dob)\b))", re.IGNORECASE)
# Title case (or upper case for whole words): "PL" in "Oracle 8i, PL/SQL" is not a Place.
_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|"
                  r"Way|Place|Pl|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Nagar|"
                  r"Marg|Colony|Layout|STREET|AVENUE|ROAD|BOULEVARD|LANE|DRIVE|COURT|PLACE|"
                  r"TERRACE|PARKWAY|HIGHWAY|NAGAR|MARG|COLONY)")
_STREET = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:[-/]\d{{1,4}})?,?[ \t]+(?:[A-Z][\w.'-]*[ \t]+){{1,4}}"
    rf"{_STREET_SUFFIX}\b\.?"
    r"(?:,?[ \t]*(?i:apt|apartment|suite|unit|flat|#)\.?[ \t]*[\w-]+)?"
    r"(?:,[ \t]*[A-Z][A-Za-z.'-]*\b(?:[ \t][A-Z][A-Za-z.'-]*\b){0,3}){0,2}"
    r"(?:,?[ \t]*(?:[A-Z]{2}[ \t]+)?\d{5}(?:-\d{4})?\b)?")
_CITY_STATE_ZIP = re.compile(r"\b[A-Z][A-Za-z .'-]{1,30},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
# "Flat 12B, Sunshine Apartments, Andheri West, Mumbai 400053": no street word, a unit first.
_UNIT_ADDRESS = re.compile(
    r"\b(?i:flat|house|plot|door|bungalow|room|apt\.?|apartment|h\.?\s?no\.?)[ \t]*"
    r"(?i:no\.?)?[ \t]*[#\w/-]{0,6}\d[\w/-]{0,6},"
    r"(?:[ \t]*[A-Z][\w.'-]*(?:[ \t]+[A-Za-z][\w.'-]*){0,3},){0,4}"
    r"[ \t]*[A-Z][A-Za-z.'-]*(?:[ \t]+[A-Z][A-Za-z.'-]*){0,2}"
    r"(?:[ \t]*[-–,]?[ \t]*[1-9]\d{2}[ \t]?\d{3}\b)?")
# "Mumbai 400053", "Pune - 411 001": a place and an Indian PIN code.
_CITY_PIN = re.compile(r"\b[A-Z][a-z]{2,}[ \t]*[-–,]?[ \t]*[1-9]\d{2}[ \t]?\d{3}\b(?![ \t]?\d)")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b")
_PIN_CODE = re.compile(r"\b(?:pin|pin\s*code|zip|zip\s*code|postcode|postal\s+code)\s*[:\-–]?"
                       r"\s*\d{3}\s?\d{3}\b", re.IGNORECASE)

_YEAR = re.compile(r"(?<!\d)(?<!\d\.)(?:19[4-9]\d|20[0-4]\d)(?!\.?\d)")
_EDUCATION_CONTEXT = re.compile(
    r"universit|college|school|institute|academy|degree|bachelor|master|diploma|graduat|"
    r"\bb\.?\s?(?:sc|tech|e|a|com|ca|ba)\b|\bm\.?\s?(?:sc|tech|e|a|com|ca|ba)\b|\bmba\b|"
    r"\bph\.?\s?d\b|\bhsc\b|\bssc\b|\bcbse\b|\bicse\b|\bgpa\b|\bcgpa\b|\bclass of\b|"
    r"\bbatch\b|\bpassed out\b|\bpassing\b|\b1[02]th\b|\bllb\b|\bllm\b|\bmbbs\b|"
    r"\bcertificat|\bmatriculat|\bhigh school\b|\balumn", re.IGNORECASE)
_EDUCATION_WINDOW = 60

TAGS = ("name", "email", "phone", "address", "link", "date of birth", "age", "gender",
        "personal", "year")


@dataclass(frozen=True)
class Redaction:
    """Redacted text, how many items of each kind were replaced, and the names found."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    names: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _replace(pattern: re.Pattern[str], text: str, tag: str, counts: Counter[str],
             keep: Callable[[re.Match[str]], bool] | None = None) -> str:
    """Replace every match (unless ``keep`` says to leave it) by ``[tag]``."""

    def swap(match: re.Match[str]) -> str:
        if keep is not None and keep(match):
            return match.group(0)
        counts[tag] += 1
        return f"[{tag}]"

    return pattern.sub(swap, text)


def _is_name_token(token: str) -> bool:
    return bool(_NAME_TOKEN_RE.match(token)) and token.lower().strip(".'’") not in _NOT_NAME_WORDS


def _name_run(tokens: Sequence[str], minimum: int = 2, maximum: int = 4) -> list[str]:
    """The leading run of name-like tokens (at least two that are not initials)."""
    run: list[str] = []
    for token in tokens:
        if len(run) == maximum or not _is_name_token(token):
            break
        run.append(token)
    full = [t for t in run if not t.endswith(".")]
    return run if len(full) >= minimum else []


def header_name(text: str) -> list[str]:
    """Name tokens of the first non-empty line when it starts like a person's name.

    The leading name-like words count when they are the whole first segment of the line
    ("Jane Doe | ..."), or when one of them is a known first name or contact details
    follow within the first lines: "Hard Working Team Player" is not a person.

    Example:
        >>> header_name("JANE DOE | Data engineer")
        ['JANE', 'DOE']
        >>> header_name("Senior Data Engineer")
        []
    """
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        first = _HEADER_SPLIT.split(line, maxsplit=1)[0]
        first = _TITLE.sub("", first)
        tokens = first.split()
        run = _name_run(tokens)
        if not run:
            return []
        whole_segment = len(run) == len(tokens)
        known_first = any(t.lower() in _FIRST_NAMES for t in run)
        contact_follows = bool(_EMAIL.search(text[:400]) or re.search(
            r"(?:\+\d|\(\d{3}\)|\d{3}[ .-]\d{3}[ .-]\d{4}|\d{10})", text[:400]))
        return run if whole_segment or known_first or contact_follows else []
    return []


def _labelled_names(text: str) -> list[list[str]]:
    found = []
    for match in _NAME_LABEL.finditer(text):
        before = (match.group("before") or "").strip().lower()
        if before in _NOT_PERSON_LABELS:
            continue
        tokens = [t for t in match.group("name").split() if _is_name_token(t)]
        if tokens:
            found.append(tokens)
    return found


def _first_name_pairs(text: str) -> list[list[str]]:
    """``Priya Sharma``: a listed first name followed by a name-like token.

    Not when an institution word follows ("George Mason University").
    """
    found = []
    for match in re.finditer(rf"\b{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{1,2}}", text):
        tokens = match.group(0).split()
        for start, token in enumerate(tokens[:-1]):
            if token.lower() not in _FIRST_NAMES or not token[0].isupper():
                continue
            surname = tokens[start + 1]
            following = text[match.start() + match.group(0).find(surname) + len(surname):]
            next_word = re.match(r"[ \t]*([A-Za-z]+)", following)
            if (_is_name_token(surname) and not (
                    next_word and next_word.group(1).lower() in _INSTITUTION_WORDS)):
                found.append([token, surname])
            break
    return found


def _names_near_contacts(text: str) -> list[list[str]]:
    """Two or three name-like tokens right before an ``[email]`` or ``[phone]`` tag."""
    found = []
    for match in re.finditer(r"\[(?:email|phone)\]", text):
        window = text[max(0, match.start() - 80):match.start()]
        segments = [s for s in _HEADER_SPLIT.split(window.split("\n")[-1]) if s.strip()]
        if not segments:
            continue
        # "Aoife Q. Kovacs (46 yrs) | [phone]": a bracketed remark may follow the name.
        tokens = re.sub(r"\s*\([^()]{0,30}\)\s*$", "", segments[-1]).split()
        # The segment must be the name and nothing else: "Contact: Priya Sharma, [phone]".
        run = _name_run(tokens, maximum=3)
        if run and len(run) == len(tokens):
            found.append(run)
    return found


def _email_name_tokens(emails: Iterable[str], text: str) -> list[list[str]]:
    """``jane.doe@x.com`` -> Jane, Doe, when those words appear capitalised in the text."""
    found = []
    for email in emails:
        local = re.split(r"@|\s*[\[(]\s*at", email, maxsplit=1)[0]
        for part in re.split(r"[._\-+\d]+", local):
            if len(part) >= 3 and part.lower() not in _NOT_NAME_WORDS:
                word = part[0].upper() + part[1:].lower()
                if re.search(rf"\b(?:{re.escape(word)}|{re.escape(word.upper())})\b", text):
                    found.append([word])
    return found


def _redact_names(text: str, names: Iterable[Sequence[str]], counts: Counter[str],
                  pairs: Iterable[Sequence[str]] = ()) -> str:
    """Replace each full name, then every remaining mention of its tokens.

    ``pairs`` (first name + surname found only by the first-name list) are weaker
    evidence: only the pair itself is replaced, not each word of it everywhere.
    """
    tokens: set[str] = set()
    full_names: set[str] = {" ".join(pair) for pair in pairs}
    for name in names:
        full_names.add(" ".join(name))
        tokens.update(t.rstrip(".") for t in name if len(t.rstrip(".")) >= 2)
    for full in sorted(full_names, key=len, reverse=True):
        pattern = re.compile(r"\b" + r"[ \t]+".join(re.escape(t) for t in full.split())
                             + r"(?:'s|’s)?(?!\w)")
        text = _replace(pattern, text, "name", counts)
    if tokens:
        # A surname alone later on ("Doe led the team") is the same person. Title case and
        # upper case only: "doe" in lower case is a word, not the name.
        variants = set()
        for token in tokens:
            variants.update({token, token.upper(), token[0].upper() + token[1:].lower()})
        alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        pattern = re.compile(rf"\b(?:{alternatives})(?:'s|’s)?(?!\w)")
        text = _replace(pattern, text, "name", counts)
    # "[name] [name]" reads as two people; one tag per person is enough.
    return re.sub(r"\[name\](?:[ \t]+\[name\])+", "[name]", text)


def _is_phone(match: re.Match[str], text: str) -> bool:
    raw = match.group(0).strip()
    digits = re.sub(r"\D", "", raw)
    if _YEAR_RANGE.match(raw) or (_DATE_LIKE.match(raw) and len(digits) <= 8):
        return False
    if re.fullmatch(r"(?:(?:19|20)\d\d\s*[-–/,]?\s*)+", raw):
        return False  # a run of years: "2006-2007 2008-2009", "SQL Server 2005/2008/2016"
    labelled = bool(_PHONE_LABEL.search(text[max(0, match.start() - 30):match.start()]))
    if labelled and 6 <= len(digits) <= 15:
        return True
    formatted = raw.startswith("+") or "(" in raw
    return 10 <= len(digits) <= 15 or (formatted and 7 <= len(digits) <= 15)


def _redact_phones(text: str, counts: Counter[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        if not _is_phone(match, text):
            return match.group(0)
        counts["phone"] += 1
        return "[phone]"

    return _PHONE_CANDIDATE.sub(swap, text)


def _redact_graduation_years(text: str, counts: Counter[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        window = text[max(0, match.start() - _EDUCATION_WINDOW):match.end() + 25]
        if not _EDUCATION_CONTEXT.search(window):
            return match.group(0)
        counts["year"] += 1
        return "[year]"

    return _YEAR.sub(swap, text)


def _swap_gender_word(match: re.Match[str]) -> str:
    word = match.group(0)
    neutral = _GENDER_WORDS[word.lower()]
    if word[0].isupper() and not neutral.startswith("["):
        return neutral.capitalize()
    return neutral


def redact(text: str) -> Redaction:
    """Remove personal details from a resume; see the module docstring for the list."""
    counts: Counter[str] = Counter()
    names: list[list[str]] = []
    header = header_name(text)
    if header:
        names.append(header)
    names.extend(_labelled_names(text))
    names.extend([t for t in m.group("name").split() if _is_name_token(t)]
                 for m in _NAME_PHRASE.finditer(text))
    pairs = _first_name_pairs(text)
    emails = [m.group(0) for m in _EMAIL.finditer(text)]
    names.extend(_email_name_tokens(emails, text))

    text = _replace(_RELATIVE_NAME, text, "personal", counts)
    text = _replace(_EMAIL, text, "email", counts)
    text = _replace(_URL, text, "link", counts)
    if _TLD_HINT.search(text):
        text = _replace(_BARE_DOMAIN, text, "link", counts)
    text = _replace(_HANDLE_LABEL, text, "link", counts)
    text = _replace(_HANDLE, text, "link", counts)
    text = _replace(_DOB, text, "date of birth", counts)
    text = _replace(_AGE, text, "age", counts)
    text = _replace(_GENDER_FIELD, text, "gender", counts)
    text = _replace(_PERSONAL_FIELD, text, "personal", counts)
    text = _replace(_ADDRESS_LABEL, text, "address", counts)
    text = _replace(_STREET, text, "address", counts)
    text = _replace(_UNIT_ADDRESS, text, "address", counts)
    text = _replace(_CITY_STATE_ZIP, text, "address", counts)
    text = _replace(_CITY_PIN, text, "address", counts)
    text = _replace(_UK_POSTCODE, text, "address", counts)
    text = _replace(_PIN_CODE, text, "address", counts)
    text = _redact_phones(text, counts)
    names.extend(_names_near_contacts(text))
    text = _redact_names(text, [n for n in names if n], counts, pairs)
    text = _replace(_AGE_AFTER_NAME, text, "age", counts)
    gender_before = len(_GENDER_WORD.findall(text))
    text = _PRONOUN_VERB.sub(
        lambda m: ("They " if m.group(0)[0].isupper() else "they ")
        + _PLURAL_VERB[m.group(1).lower()], text)
    text = _GENDER_WORD.sub(_swap_gender_word, text)
    titles = len(_TITLE.findall(text))
    text = _TITLE.sub("", text)
    if gender_before + titles:
        counts["gender"] += gender_before + titles
    text = _redact_graduation_years(text, counts)
    found = tuple(dict.fromkeys(" ".join(n) for n in [*names, *pairs]))
    return Redaction(text=text, counts=dict(counts), names=found)


def redact_text(text: str) -> str:
    """Just the redacted text of :func:`redact`."""
    return redact(text).text


def candidate_label(number: int) -> str:
    """The name a candidate is shown under in blind mode: ``Candidate 7``."""
    return f"{CANDIDATE_PREFIX} {number}"


def blind_documents(docs: Sequence[Document], start: int = 1) -> list[Document]:
    """Redacted copies of resumes, named ``Candidate 1``, ``Candidate 2``, ... in order.

    The source (often a file name such as ``jane_doe_cv.pdf``) is replaced as well; the
    reading notes (read by OCR, hidden text) are kept: they name no one.
    """
    blind = []
    for number, doc in enumerate(docs, start=start):
        label = candidate_label(number)
        blind.append(replace(doc, name=label, text=redact_text(doc.text), source=label))
    return blind


# -- leak check ---------------------------------------------------------------------------
# Written independently of the redaction rules (and simpler), so it also counts what
# they miss: any "x@y.z", the common phone shapes, any URL-like token.
LEAK_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(
        # 555 123 4567, (555) 123-4567
        r"(?<![\d-])(?:\+\d{1,3}[\s.-]*)?\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4}(?![\d-])"
        r"|\+\d{1,3}[\s.-]*\d[\d\s.-]{7,14}\d"  # +44 20 7946 0958
        r"|(?<![\d-])\d{5}[\s-]\d{5,6}(?![\d-])"  # 98765 43210, 07911 123456
        r"|(?<![\d.-])0?\d{10}(?![\d.-])"),  # 9876543210, 09876543210
    "url": re.compile(r"https?://\S+|www\.\S+|\b(?:linkedin|github|twitter|facebook|"
                      r"instagram)\.com\S*", re.IGNORECASE),
}


def leak_counts(text: str) -> dict[str, int]:
    """How many emails, phone numbers and URLs the leak check finds in a text."""
    return {kind: len(pattern.findall(text)) for kind, pattern in LEAK_PATTERNS.items()}
