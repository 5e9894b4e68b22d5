"""Keywords: tokenisation, BM25 over a pool, and skill/term extraction for explanations.

BM25 (``rank-bm25``) is the keyword baseline every ATS uses; the product blends it with
the embedding score because keyword evidence is strong when a job names its tools.
Terms for explanations come from a small skills vocabulary shipped in ``skills.txt``
(canonical name plus aliases, so ``K8s`` is Kubernetes) and from a POS-free noun-phrase
chunker that keeps runs of content words between stopwords and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from rank_bm25 import BM25Okapi

# Word tokens; ``c++`` and ``c#`` keep their symbols because they are different skills.
_TOKEN = re.compile(r"[^\W_]+(?:\+\+|#)?")
MIN_POOL_FOR_KEYWORDS = 3  # BM25's IDF is meaningless over one or two documents


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """scikit-learn's English stopword list (318 words), loaded on first use: importing
    scikit-learn costs about 2 s of CPU, which ``--help`` and page loads need not pay."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def __getattr__(name: str) -> frozenset[str]:
    """``STOPWORDS``, the stopword set, resolved on first access (PEP 562).

    Raises:
        AttributeError: any other missing name.
    """
    if name == "STOPWORDS":
        return stopwords()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tokenize(text: str, drop_stopwords: bool = True) -> list[str]:
    """Lowercase word tokens, English stopwords dropped.

    Example:
        >>> tokenize("Built ETL pipelines in C++ and C# for the team")
        ['built', 'etl', 'pipelines', 'c++', 'c#', 'team']
    """
    tokens = _TOKEN.findall(text.lower())
    if drop_stopwords:
        stop = stopwords()
        return [t for t in tokens if t not in stop]
    return tokens


class KeywordIndex:
    """BM25 (Okapi) over a pool of documents, built once and queried per job.

    Example:
        >>> index = KeywordIndex(["java spring developer", "nurse icu", "python data"])
        >>> int(index.scores("java developer").argmax())
        0
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.tokens = [tokenize(t) for t in texts]
        # rank-bm25 divides by the average length: an all-empty pool would give NaN.
        self._bm25 = (BM25Okapi(self.tokens) if any(self.tokens) else None)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (0 for an empty pool or query)."""
        if self._bm25 is None:
            return np.zeros(len(self.tokens), dtype=np.float64)
        return np.asarray(self._bm25.get_scores(tokenize(query)), dtype=np.float64)


def keyword_matrix(resume_texts: Sequence[str], job_texts: Sequence[str]) -> np.ndarray:
    """BM25 scores, shape (n_resumes, n_jobs); IDF comes from the resume pool."""
    out = np.zeros((len(resume_texts), len(job_texts)), dtype=np.float64)
    if not resume_texts or not job_texts:
        return out
    index = KeywordIndex(resume_texts)
    for j, text in enumerate(job_texts):
        out[:, j] = index.scores(text)
    return out


# -- job-post boilerplate ------------------------------------------------------------------

# Headings of sections that describe the employer, not the work.
_BOILERPLATE_HEADING = re.compile(
    r"^\W*(benefits|perks|what we offer|we offer|why (join|work)|about us|about the company|"
    r"our culture|equal (employment )?opportunity|eeo|compensation( and benefits)?|"
    r"salary|how to apply|diversity)\b.{0,40}$", re.IGNORECASE)
# Sentences that mark a paragraph as legal or benefits boilerplate wherever it appears.
_BOILERPLATE_PHRASE = re.compile(
    r"equal opportunity employer|without regard to|reasonable accommodation|"
    r"401\s*\(?k\)?|paid time off|dental|parental leave|e-verify|"
    r"applicants will receive consideration", re.IGNORECASE)


def strip_boilerplate(text: str) -> str:
    """A job post without its benefits, culture and equal-opportunity paragraphs.

    Those paragraphs are the same in every post, so they pull all jobs toward each other
    and toward no resume. Paragraphs are cut at blank lines and headings.

    Example:
        >>> strip_boilerplate("Data engineer\\n- SQL\\n\\nBenefits\\nDental, 401(k)")
        'Data engineer\\n- SQL'
    """
    kept: list[str] = []
    skipping = False
    paragraph: list[str] = []

    def flush() -> None:
        block = "\n".join(paragraph)
        if block.strip() and not _BOILERPLATE_PHRASE.search(block):
            kept.append(block)
        paragraph.clear()

    for line in text.split("\n"):
        heading = line.strip().strip("*_#: ").strip()
        is_heading = bool(heading) and len(heading) <= 50 and (
            line.lstrip().startswith("#") or heading.endswith(":") or
            (not heading.endswith(".") and len(heading.split()) <= 6
             and not line.lstrip().startswith(("-", "*", "•"))))
        if _BOILERPLATE_HEADING.match(heading) and is_heading:
            flush()
            skipping = True
            continue
        if skipping and is_heading and not _BOILERPLATE_HEADING.match(heading):
            skipping = False
        if skipping:
            continue
        if not line.strip():
            flush()
            continue
        paragraph.append(line)
    flush()
    cleaned = "\n\n".join(kept).strip()
    return cleaned or text.strip()


# -- skills vocabulary and terms ---------------------------------------------------------


@dataclass(frozen=True)
class Skill:
    """A vocabulary entry: the name shown to users and the spellings that mean it."""

    name: str
    aliases: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@lru_cache(maxsize=1)
def vocabulary() -> tuple[Skill, ...]:
    """The skills vocabulary shipped with the package (``resumatch/skills.txt``)."""
    text = resources.files("resumatch.rank").joinpath("skills.txt").read_text(encoding="utf-8")
    skills = []
    for line in text.splitlines():
        # Whole-line comments only: "#" is part of skill names such as c# and f#.
        if not line.strip() or line.lstrip().startswith("# "):
            continue
        names = [p.strip() for p in line.split("|") if p.strip()]
        skills.append(Skill(names[0], tuple(names[1:])))
    return tuple(skills)


@lru_cache(maxsize=1)
def _spelling_index() -> dict[tuple[str, ...], Skill]:
    """Token sequence of every spelling -> its skill, to find skills by token n-grams."""
    index: dict[tuple[str, ...], Skill] = {}
    for skill in vocabulary():
        for spelling in skill.spellings:
            key = tuple(tokenize(spelling, drop_stopwords=False))
            if key:
                index.setdefault(key, skill)
    return index


def _max_spelling_len() -> int:
    return max((len(k) for k in _spelling_index()), default=1)


def _singular(token: str) -> str:
    # Enough stemming for "pipelines" ~ "pipeline" without an NLP dependency.
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def find_skills(text: str) -> list[Skill]:
    """Vocabulary skills named in ``text`` (any spelling), in order of first mention.

    Example:
        >>> [s.name for s in find_skills("Ran K8s clusters; built ML models in Python")]
        ['kubernetes', 'machine learning', 'python']
    """
    tokens = tokenize(text, drop_stopwords=False)
    index = _spelling_index()
    longest = _max_spelling_len()
    found: dict[str, Skill] = {}
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            gram = tuple(tokens[i:i + size])
            skill = index.get(gram) or index.get(tuple(_singular(t) for t in gram))
            if skill is not None:
                found.setdefault(skill.name, skill)
                i += size
                break
        else:
            i += 1
    return list(found.values())


# Words that end a noun phrase in job-ad prose without naming a skill.
_GENERIC = frozenset("""
ability able acceptable across additional advanced also apply applicant applicants
appropriate around based benefit benefits best bonus candidate candidates career closely
company competitive compensation culture currently daily day days demonstrated desired
different duties effective effectively environment equal equivalent etc excellent
exceptional existing expected experience experienced experiences familiarity familiar
fast good great hands help high highly ideal ideally including job join knowledge least
level like looking make members minimum month months new offer opportunity paced
part plus position preferred preferably proficiency proficient proven related relevant
requirement requirements required responsibilities responsibility responsible role salary
similar skill skills solid strong successful support team teams time understanding using
various way wide work working world year years yearly
""".split())

_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}|/\\\"“”•●▪◦‣·\n]|\s[-–—]\s")


def noun_phrases(text: str, max_words: int = 3) -> list[str]:
    """Candidate terms: runs of 1..``max_words`` content words between stopwords,
    punctuation and generic job-ad words (a POS-free chunker).

    Example:
        >>> noun_phrases("Strong SQL skills, including query tuning and data modeling.")
        ['sql', 'query tuning', 'data modeling']
    """
    phrases: list[str] = []
    stop = stopwords()
    for piece in _PHRASE_BREAK.split(text):
        run: list[str] = []
        for token in _TOKEN.findall(piece.lower()) + [""]:
            if token and token not in stop and token not in _GENERIC \
                    and not token.isdigit() and len(token) > 1:
                run.append(token)
                continue
            # "building web applications" -> "web applications": a leading -ing word is
            # usually the verb of a duty ("testing frameworks" keeps its two words).
            while len(run) > 2 and run[0].endswith(("ing", "ly")):
                run.pop(0)
            if run:
                # A long run is usually a list of skills: keep its pieces, not the run.
                if len(run) <= max_words:
                    phrases.append(" ".join(run))
                else:
                    phrases.extend(run)
            run = []
    return phrases


@dataclass(frozen=True)
class Term:
    """A skill or phrase a job asks for.

    ``required`` is False under a "nice to have"/"preferred" heading; ``listed`` is True
    when a bullet names it (a stated requirement, not company prose).
    """

    text: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    in_vocabulary: bool = False
    listed: bool = False
    mentions: int = 1


_LIST_ITEM = re.compile(r"^\s*(?:[-*•●▪◦‣·]|\d{1,2}[.)])\s+")
_OPTIONAL_HEADING = re.compile(
    r"^\W*(nice[ -]to[ -]haves?|preferred|bonus|pluses|desired|good to have|"
    r"preferred qualifications|would be a plus)\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s*(#{1,6}\s+\S|[A-Z][A-Za-z /&-]{2,40}:?\s*$)")


def _optional_lines(text: str) -> set[int]:
    """Line numbers under a "Nice to have"/"Preferred" heading (until the next heading)."""
    optional: set[int] = set()
    inside = False
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip().strip("*_# ").strip()
        if _OPTIONAL_HEADING.match(stripped):
            inside = True
            continue
        if inside and _HEADING.match(line) and not line.lstrip().startswith(("-", "*", "•")):
            inside = False
        if inside:
            optional.add(number)
    return optional


def job_terms(text: str, limit: int = 20) -> list[Term]:
    """The skills and phrases a job description asks for, most important first.

    Required before optional, listed (bullets) before prose, vocabulary skills before
    phrases; the job's order breaks ties. A phrase the chunker found must be listed or
    mentioned twice: prose phrases are often the company's name or product.
    """
    optional = _optional_lines(text)
    found: dict[str, Term] = {}
    for number, line in enumerate(text.split("\n")):
        required = number not in optional
        listed = bool(_LIST_ITEM.match(line))
        candidates = [Term(k.name, k.aliases, required, True, listed) for k in find_skills(line)]
        skill_tokens = {tok for t in candidates for spelling in (t.text, *t.aliases)
                        for tok in tokenize(spelling, drop_stopwords=False)}
        for phrase in noun_phrases(line):
            words = phrase.split()
            # Single words are vague, and a phrase made of a skill's words is that skill.
            if len(words) > 1 and not set(words) <= skill_tokens:
                candidates.append(Term(phrase, (), required, False, listed))
        for term in candidates:
            old = found.get(term.text)
            if old is None:
                found[term.text] = term
            else:
                found[term.text] = Term(term.text, term.aliases, old.required or required,
                                        term.in_vocabulary, old.listed or listed,
                                        old.mentions + 1)
    kept = [t for t in found.values() if t.in_vocabulary or t.listed or t.mentions > 1]
    # Drop phrases made only of words of skills already found elsewhere in the post.
    skill_tokens = {tok for t in kept if t.in_vocabulary for spelling in (t.text, *t.aliases)
                    for tok in tokenize(spelling, drop_stopwords=False)}
    kept = [t for t in kept if t.in_vocabulary or not set(t.text.split()) <= skill_tokens]
    ordered = sorted(kept, key=lambda t: (not t.required, not t.listed, not t.in_vocabulary))
    return ordered[:limit]


def resume_phrases(text: str) -> list[str]:
    """Everything in a resume that can serve as evidence for a term: skills named in
    it (canonical names) and its noun phrases, deduplicated."""
    names = [s.name for s in find_skills(text)]
    return list(dict.fromkeys(names + noun_phrases(text)))


def contains_term(tokens: Sequence[str], term: Term) -> str | None:
    """The spelling of ``term`` found verbatim in a token list (plurals folded), or None."""
    folded = [_singular(t) for t in tokens]
    for spelling in (term.text, *term.aliases):
        wanted = [_singular(t) for t in tokenize(spelling, drop_stopwords=False)]
        if wanted and _has_sublist(folded, wanted):
            return spelling
    return None


def _has_sublist(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    first = needle[0]
    return any(haystack[i] == first and list(haystack[i:i + n]) == list(needle)
               for i in range(len(haystack) - n + 1))


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
