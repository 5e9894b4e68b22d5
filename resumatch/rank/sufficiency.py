"""Too little text to judge: resumes that cannot get a fair score.

A one-line resume ("SQL"), a bare keyword list, or an OCR page that read almost nothing
gives the model and keyword search too little to go on; any number they produce looks
like a judgement it is not. Such a resume is marked ``TOO_LITTLE`` everywhere a fit is
shown (app, CLI, CSV), its fit is capped at ``TOO_LITTLE_FIT_CAP`` so it never ranks
above a full resume that fits, and the interface shows the note instead of the number.

The rules (measured on the shared resumes, see ``bench/quality.py``): fewer than
``MIN_WORDS`` words or ``MIN_DISTINCT`` distinct words is too little; so is a bare keyword
list: at least 20 words with almost no function words (under 3%), or few function words
(under 8%) with the same words repeated over and over (under 35% distinct). Every real
resume of both shared data sets with at least 40 words passes; the 15-25-word stubs of
the category data set (a degree and a job title) do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from resumatch.rank.keywords import stopwords

TOO_LITTLE = "too little text to judge"
TOO_LITTLE_FIT_CAP = 25.0  # below any fit a real match gets; 50 = as likely as not
MIN_WORDS = 20
MIN_DISTINCT = 12
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Sufficiency:
    """Whether a text is long and structured enough for a fair score, and why not."""

    enough: bool
    words: int
    reason: str = ""

    @property
    def note(self) -> str:
        """"too little text to judge (one line, 1 word)" or empty."""
        return f"{TOO_LITTLE} ({self.reason})" if not self.enough else ""


@lru_cache(maxsize=65_536)  # a pool is judged again for every job and every search
def judge_text(text: str) -> Sufficiency:
    """Whether ``text`` has enough words, and enough sentences, to be judged.

    Example:
        >>> judge_text("SQL").note
        'too little text to judge (1 word)'
        >>> judge_text(" ".join(["Kubernetes Terraform AWS Linux Python"] * 10)).reason
        'a bare keyword list'
    """
    words = [w.lower() for w in _WORD.findall(text)]
    n, distinct = len(words), len(set(words))
    if n < MIN_WORDS or distinct < MIN_DISTINCT:
        return Sufficiency(False, n, f"{n} word{'s' if n != 1 else ''}")
    stop = stopwords()
    function = sum(w in stop for w in words) / n
    if function < 0.03 or (function < 0.08 and distinct / n < 0.35):
        return Sufficiency(False, n, "a bare keyword list")
    return Sufficiency(True, n)
