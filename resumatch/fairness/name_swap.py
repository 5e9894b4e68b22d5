"""The name-swap check: does a model score the same resume differently when only the
candidate's name and gendered words change?

**Variants.** Each resume of a sample is rewritten into ``VARIANTS_PER_RESUME`` variants
that differ only in:

- the name: the resume's own header name (first line) is replaced everywhere it occurs,
  e-mail addresses included; a resume without one gets the name as its first line.
  One first name and one surname per group and sex (``resumatch.fairness.names``: White,
  Black, Hispanic, Asian; female, male), chosen by the resume's position so that the
  sample uses many names;
- the pronouns: a ``Pronouns: she/her`` line under the name (he/him, they/them in other
  variants; most resumes are written without third-person pronouns, so without this line
  a he/she/they swap would change nothing), and every he/she/him/her/his/hers/
  himself/herself, Mr/Ms and a few gendered nouns in the text, with the verb after
  "they" made plural;
- nothing else: the rest of the text is byte for byte the same.

**Swap sets.** Pairs of variants of the same resume compared for every job (fit of the
first minus fit of the second):

- ``female_male``: the female and the male name of the same group (she/her vs he/him);
- ``black_white``, ``hispanic_white``, ``asian_white``: the same sex, another group's name;
- ``pronoun_they``: the same name with she/her or he/him vs they/them.

**Scoring through the product, in the same pool context.** Every variant is scored by
``resumatch.pipeline.match`` (the product's ranking and its 0-100 fit), so a change to the
ranking is checked as soon as it ships. The ranking has a pool-relative part (a keyword
score z-scored over the resumes ranked together), so a variant must be scored among the
same other resumes as its counterpart: for each resume and each variant, the sample is
ranked with that one resume replaced by its variant and the others unchanged. Both
variants of a pair therefore face identical competitors, and a difference in fit or rank
comes only from the swapped words. This costs one ``match`` per variant (cheap: every
other resume's vectors are cached after the first), and the variants' vectors live in a
throwaway store, so nothing synthetic reaches the product's store.

**Figures.** Per swap set and overall: the mean and the largest absolute fit change
(fit points, 0-100), the mean signed difference (direction: first minus second), and how
often the resume's rank for the job changed. A model that ignores names scores 0 for all
of them. Fit is rounded to 0.1 by the product, so changes below 0.05 read as 0.

Example:
    >>> variant = make_variant("Jane Doe\\njane.doe@mail.com\\nShe led a team.",
    ...                        NameVariant("Black", "male", "Jamal", "Jones", HE))
    >>> print(variant)
    Jamal Jones
    Pronouns: he/him
    jamal.jones@mail.com
    He led a team.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from resumatch.config import Settings
from resumatch.embed.embedding import DEFAULT_CHUNKING, Embedder, Encoder
from resumatch.fairness.names import (
    ASIAN,
    BLACK,
    FEMALE,
    FIRST_NAMES,
    GENDERED_NOUNS,
    GROUPS,
    HE,
    HISPANIC,
    MALE,
    PRONOUNS_OF_SEX,
    SEXES,
    SHE,
    SOURCES,
    SURNAMES,
    THEY,
    WHITE,
    Pronouns,
)
from resumatch.ingest.documents import Document, normalize_text, read_files
from resumatch.ingest.redaction import header_name
from resumatch.pipeline import match
from resumatch.store import open_store

LOG = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parents[2] / "assets"
# Stored with the figures; a changed method is not compared. v2: the issue-11 ranking/fit.
METHOD = "name-swap v2"
SENSITIVITY_TOLERANCE = 0.1  # fit points: one rounding step of the fit
Progress = Callable[[int, int, str], None]


# -- variants ------------------------------------------------------------------------------

@dataclass(frozen=True)
class NameVariant:
    """A name and pronoun set to write into a resume."""

    group: str
    sex: str
    first: str
    last: str
    pronouns: Pronouns

    @property
    def key(self) -> str:
        return f"{self.group.lower()}_{self.sex}_{self.pronouns.subject}"

    @property
    def label(self) -> str:
        return f"{self.first} {self.last} ({self.group} {self.sex} name, {self.pronouns.label})"


_HEADER_MARKUP = re.compile(r"^[\s#*>_=-]+|[\s#*_=]+$")
_PRONOUN_LINE = re.compile(r"^[ \t]*pronouns?[ \t]*:[^\n]*$", re.IGNORECASE | re.MULTILINE)
_EMAILISH = re.compile(r"[\w.+'-]+@[\w.-]+|(?:https?://|www\.)\S+|linkedin\.com/\S+",
                       re.IGNORECASE)


def resume_name(text: str) -> list[str]:
    """Name tokens of a resume's header line (markdown ``#`` and bold marks ignored);
    empty when the first line is not a person's name.

    Example:
        >>> resume_name("# Marcus Lee\\n\\nFrontend developer")
        ['Marcus', 'Lee']
    """
    for line in text.split("\n"):
        if line.strip():
            return header_name(_HEADER_MARKUP.sub("", line))
    return []


def _cases(token: str) -> list[str]:
    return list(dict.fromkeys([token, token.upper(), token[:1].upper() + token[1:].lower()]))


def _same_case(original: str, new: str) -> str:
    """``new`` in the case of ``original``: UPPER, lower, or as written (Title)."""
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original.islower():
        return new.lower()
    return new[:1].upper() + new[1:]


def _swap_name(text: str, old: list[str], first: str, last: str) -> str:
    """Replace the full name, then each of its first and last tokens, keeping the case
    (``JANE DOE`` -> ``LAKISHA WASHINGTON``); inside e-mail addresses and links the
    lower-case forms too (punctuation of the new name dropped: ``obrien``)."""
    tokens = [t.rstrip(".") for t in old if len(t.rstrip(".")) >= 2]
    if not tokens:
        return text
    mapping = {tokens[0]: first}
    if len(tokens) > 1:
        mapping[tokens[-1]] = last
    full = re.compile(r"\b" + r"[ \t]+".join(re.escape(t) for t in old) + r"\b",
                      re.IGNORECASE)
    text = full.sub(lambda m: _same_case(m.group(0), f"{first} {last}"), text)
    for token, new in mapping.items():
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in _cases(token))
                             + r")\b")
        text = pattern.sub(lambda m, new=new: _same_case(m.group(0), new), text)

    def in_link(match: re.Match[str]) -> str:
        found = match.group(0)
        for token, new in mapping.items():
            plain = re.sub(r"[^a-z]", "", new.lower())
            found = re.sub(rf"(?<![a-z]){re.escape(token.lower())}(?![a-z])", plain, found)
        return found

    return _EMAILISH.sub(in_link, text)


_OBJECT_FOLLOWERS = frozenset("""
to with for and or in on at by as from into about after before during over under through
that the a an again up out off down back well too also so but than when while if because
who which whom this these those every each all any some more most very now then there here
he she him his her hers himself herself they them their i me my you your we us our it its
""".split())
_PRONOUNS = frozenset("he she him his her hers himself herself".split())
_WORD_SPLIT = re.compile(r"([A-Za-z]+)")
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\b(\.?)")
_BE_HAVE = {"is": "are", "was": "were", "has": "have", "does": "do"}
_NOT_VERBS = frozenset("also always often never only still just currently previously then "
                       "successfully recently".split())


def _plural_verb(word: str) -> str:
    """The plural form of a verb after "they": is -> are, leads -> lead, carries -> carry."""
    lower = word.lower()
    if lower in _BE_HAVE:
        new = _BE_HAVE[lower]
    elif lower.endswith("ies") and len(lower) > 4:
        new = lower[:-3] + "y"
    elif lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        new = lower[:-2]
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ses")):
        new = lower[:-1]
    else:  # not a verb in -s, or one this rule cannot undo safely ("focuses")
        return word
    return _same_case(word, new)


def _form(word: str, following: str | None, target: Pronouns) -> str:
    lower = word.lower()
    if lower in ("he", "she"):
        return target.subject
    if lower == "him":
        return target.object
    if lower in ("himself", "herself"):
        return target.reflexive
    if lower == "hers":
        return target.possessive
    # his/her: a determiner before a word ("his team", "her team"), otherwise a pronoun
    # ("the idea was his", "helped her with"): a simple rule, right for resume prose.
    determiner = following is not None and following.lower() not in _OBJECT_FOLLOWERS
    if lower == "his":
        return target.determiner if determiner else target.possessive
    return target.determiner if determiner else target.object


def swap_pronouns(text: str, target: Pronouns) -> str:
    """Every he/she-family pronoun, honorific and gendered noun written for ``target``
    (``they`` in the original is left alone: it may mean other people). After a swapped
    he/she, the verb (past one adverb) is made plural for they.

    Example:
        >>> swap_pronouns("She manages her team and he also leads; I thanked her.", THEY)
        'They manage their team and they also lead; I thanked them.'
    """
    parts = _WORD_SPLIT.split(text)  # separators at even, words at odd positions

    def next_word(i: int) -> int | None:
        """The position of the word after ``parts[i]`` when only blanks separate them."""
        if i + 2 < len(parts) and parts[i + 1] and not parts[i + 1].strip(" \t"):
            return i + 2
        return None

    out = list(parts)
    for i in range(1, len(parts), 2):
        word = parts[i]
        if word.lower() not in _PRONOUNS:
            continue
        after = next_word(i)
        new = _form(word, parts[after] if after is not None else None, target)
        out[i] = _same_case(word, new) if word.lower() != "i" else new
        if target.plural_verbs and word.lower() in ("he", "she") and after is not None:
            if parts[after].lower() in _NOT_VERBS:
                after = next_word(after)
            if after is not None and parts[after].lower() not in _PRONOUNS:
                out[after] = _plural_verb(parts[after])
    text = "".join(out)
    honorific = target.honorific.rstrip(".")
    text = _HONORIFIC.sub(lambda m: honorific + m.group(2), text)
    column = {SHE: 0, HE: 1}.get(target, 2)
    for forms in GENDERED_NOUNS:
        new = forms[column]
        if target is THEY and forms[1] == "male":
            new = "non-binary"  # "Gender: Male" -> "Gender: Non-binary", not "person"
        pattern = re.compile(rf"\b(?:{re.escape(forms[0])}|{re.escape(forms[1])})\b",
                             re.IGNORECASE)
        text = pattern.sub(lambda m, new=new: _same_case(m.group(0), new), text)
    return text


def make_variant(text: str, variant: NameVariant) -> str:
    """The resume written for ``variant``: its name, a pronoun line, its pronouns."""
    old = resume_name(text)
    lines = text.split("\n")
    if old:
        text = _swap_name(text, old, variant.first, variant.last)
        lines = text.split("\n")
        header = next(i for i, line in enumerate(lines) if line.strip())
    else:
        lines = [f"{variant.first} {variant.last}", *lines]
        header = 0
    text = swap_pronouns("\n".join(lines[header + 1:]), variant.pronouns)
    pronoun_line = f"Pronouns: {variant.pronouns.label}"
    if _PRONOUN_LINE.search(text):
        text = _PRONOUN_LINE.sub(pronoun_line, text, count=1)
        body = text
    else:
        body = f"{pronoun_line}\n{text}"
    return normalize_text("\n".join([*lines[:header + 1], body]))


@dataclass(frozen=True)
class SwapSet:
    """Pairs of variant keys compared; the fit difference is first minus second."""

    key: str
    label: str
    pairs: tuple[tuple[str, str], ...]


def variants_for(position: int) -> dict[str, NameVariant]:
    """The variants of the resume at ``position`` in the sample, by key: one name per
    group and sex with its pronouns, plus a they/them variant of the female and the male
    name of one group (rotating over groups with the position)."""
    out: dict[str, NameVariant] = {}
    for group in GROUPS:
        last_names = SURNAMES[group]
        for sex in SEXES:
            firsts = FIRST_NAMES[(group, sex)]
            variant = NameVariant(group, sex, firsts[position % len(firsts)],
                                  last_names[position % len(last_names)],
                                  PRONOUNS_OF_SEX[sex])
            out[variant.key] = variant
    they_group = GROUPS[position % len(GROUPS)]
    for sex in SEXES:
        base = out[f"{they_group.lower()}_{sex}_{PRONOUNS_OF_SEX[sex].subject}"]
        variant = NameVariant(base.group, sex, base.first, base.last, THEY)
        out[f"they_{sex}"] = variant
    return out


def swap_sets(position: int) -> list[SwapSet]:
    """The swap sets of the resume at ``position`` (keys of ``variants_for(position)``)."""
    def key(group: str, sex: str) -> str:
        return f"{group.lower()}_{sex}_{PRONOUNS_OF_SEX[sex].subject}"

    they_group = GROUPS[position % len(GROUPS)]
    return [
        SwapSet("female_male", "female vs male name (same group; she/her vs he/him)",
                tuple((key(g, FEMALE), key(g, MALE)) for g in GROUPS)),
        *[SwapSet(f"{g.lower()}_white", f"{g} vs White name (same sex)",
                  tuple((key(g, s), key(WHITE, s)) for s in SEXES))
          for g in (BLACK, HISPANIC, ASIAN)],
        SwapSet("pronoun_they", "they/them vs she/her or he/him (same name)",
                tuple((f"they_{s}", key(they_group, s)) for s in SEXES)),
    ]


VARIANTS_PER_RESUME = len(variants_for(0))
SWAP_SET_LABELS = {s.key: s.label for s in swap_sets(0)}


# -- the check -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SwapPair:
    """One comparison: the same resume and job, two variants, their fits and ranks."""

    swap_set: str
    resume: str
    job: str
    first: str
    second: str
    fit_first: float
    fit_second: float
    rank_first: int
    rank_second: int

    @property
    def change(self) -> float:
        """Fit of the first variant minus the second's, in fit points."""
        return round(self.fit_first - self.fit_second, 4)  # fits are rounded to 0.1


def _figures(pairs: Sequence[SwapPair]) -> dict[str, Any]:
    changes = np.array([p.change for p in pairs], dtype=np.float64)
    if not changes.size:
        return {"pairs": 0, "mean_abs_fit_change": 0.0, "max_abs_fit_change": 0.0,
                "mean_fit_difference": 0.0, "rank_changes": 0}
    return {"pairs": int(changes.size),
            "mean_abs_fit_change": round(float(np.abs(changes).mean()), 4),
            "max_abs_fit_change": round(float(np.abs(changes).max()), 4),
            "mean_fit_difference": round(float(changes.mean()), 4),
            "rank_changes": sum(p.rank_first != p.rank_second for p in pairs)}


@dataclass
class NameSwapResult:
    """Every comparison of one check run, and where it ran."""

    model_id: str
    sample: str
    resumes: int
    jobs: int
    pairs: list[SwapPair] = field(default_factory=list)
    seconds: float = 0.0

    def by_set(self) -> dict[str, list[SwapPair]]:
        found: dict[str, list[SwapPair]] = {key: [] for key in SWAP_SET_LABELS}
        for pair in self.pairs:
            found.setdefault(pair.swap_set, []).append(pair)
        return found

    @property
    def worst(self) -> SwapPair | None:
        return max(self.pairs, key=lambda p: abs(p.change), default=None)

    def summary(self) -> dict[str, Any]:
        """The figures, JSON-safe: overall, per swap set, and the worst pair."""
        worst = self.worst
        return {
            "model": self.model_id, "method": METHOD, "sample": self.sample,
            "resumes": self.resumes, "jobs": self.jobs,
            "variants_per_resume": VARIANTS_PER_RESUME, **_figures(self.pairs),
            "swap_sets": {key: {"label": SWAP_SET_LABELS.get(key, key), **_figures(found)}
                          for key, found in self.by_set().items()},
            "worst": None if worst is None else {
                "resume": worst.resume, "job": worst.job, "swap_set": worst.swap_set,
                "first": worst.first, "second": worst.second,
                "fit_first": worst.fit_first, "fit_second": worst.fit_second},
            "seconds": round(self.seconds, 1),
        }


def run_check(resumes: Sequence[Document], jobs: Sequence[Document], encoder: Encoder,
              sample: str = "", progress: Progress | None = None) -> NameSwapResult:
    """Score every variant of every resume against every job (see the module docstring).

    Raises:
        ValueError: fewer than one resume or one job.
    """
    if not resumes or not jobs:
        raise ValueError("the name-swap check needs at least one resume and one job")
    started = time.monotonic()
    say = progress or (lambda done, total, note: None)
    resumes = list(resumes)
    names = [d.name for d in resumes]
    if len(set(names)) != len(names):  # variants are found in the ranking by name
        resumes = [Document(f"{d.name} #{i + 1}", d.text, d.source)
                   for i, d in enumerate(resumes)]
    variant_docs: list[dict[str, Document]] = []
    for position, doc in enumerate(resumes):
        variant_docs.append({key: Document(doc.name, make_variant(doc.text, variant),
                                           "name-swap")
                             for key, variant in variants_for(position).items()})
    result = NameSwapResult(encoder.model_id, sample, len(resumes), len(jobs))
    total = len(resumes) * VARIANTS_PER_RESUME
    with tempfile.TemporaryDirectory(prefix="resumatch-name-swap-") as scratch:
        # A throwaway store: the variants' vectors never reach the product's store.
        store = open_store(Settings(data_dir=Path(scratch)))
        try:
            embedder = Embedder(encoder, store, DEFAULT_CHUNKING)
            say(0, total, "embedding the variants")
            embedder.embed([*resumes, *jobs,
                            *[d for found in variant_docs for d in found.values()]])
            done = 0
            for position, found in enumerate(variant_docs):
                fits: dict[str, np.ndarray] = {}
                ranks: dict[str, np.ndarray] = {}
                for key, variant in found.items():
                    pool = [*resumes[:position], variant, *resumes[position + 1:]]
                    ranked = match(pool, jobs, embedder)
                    fits[key] = np.asarray(ranked.fit)[position]
                    own = ranked.table[ranked.table["resume"] == variant.name]
                    rank_of = dict(zip(own["job"], own["rank"], strict=True))
                    ranks[key] = np.array([int(rank_of[j.name]) for j in jobs])
                    done += 1
                    say(done, total, f"scored {done} of {total} variants")
                labels = {k: v.label for k, v in variants_for(position).items()}
                for swap in swap_sets(position):
                    for first, second in swap.pairs:
                        for j, job in enumerate(jobs):
                            result.pairs.append(SwapPair(
                                swap.key, resumes[position].name, job.name, labels[first],
                                labels[second], float(fits[first][j]), float(fits[second][j]),
                                int(ranks[first][j]), int(ranks[second][j])))
        finally:
            store.close()
    result.seconds = time.monotonic() - started
    return result


# -- samples ------------------------------------------------------------------------------

def asset_sample(sample: int | None = None) -> tuple[list[Document], list[Document]]:
    """The fictional resumes and jobs shipped in ``assets/`` (the first ``sample``
    resumes in name order when given)."""
    resumes, _ = read_files([ASSETS / "sample_resumes"])
    jobs, _ = read_files([ASSETS / "sample_jobs"])
    resumes.sort(key=lambda d: d.name)
    return (resumes[:sample] if sample else resumes), jobs


SHARED_FILES = ("resumes_by_category.csv", "livecareer_dev.csv")


def shared_sample(data: Path, sample: int) -> list[Document]:
    """``sample`` resumes of the shared evaluation data (the dev split only), the same
    every run: ordered by id within each file, alternating between the two files.

    Raises:
        FileNotFoundError: when ``data`` holds neither shared CSV.
    """
    import pandas as pd

    tables = []
    for name in SHARED_FILES:
        path = data / name
        if path.exists():
            frame = pd.read_csv(path, usecols=["id", "split", "text"])
            frame = frame[frame["split"] == "dev"].sort_values("id")
            tables.append([Document(f"{path.stem} {row.id}", normalize_text(str(row.text)),
                                    str(path.name)) for row in frame.itertuples()])
    if not tables:
        raise FileNotFoundError(f"{data}: none of {', '.join(SHARED_FILES)} found")
    picked: list[Document] = []
    for i in range(max(len(t) for t in tables)):
        for table in tables:
            if i < len(table) and len(picked) < sample:
                picked.append(table[i])
    return [d for d in picked if d.text]


# -- model versions: evaluation hook and promotion warning ----------------------------------

TRAINING_SAMPLE = 6  # resumes of assets/ checked after a fine-tune (x 4 jobs x 12 pairs)


def check_version(encoder: Encoder, sample: int | None = TRAINING_SAMPLE) -> dict[str, Any]:
    """The figures of one encoder on the asset sample (what training stores: the first
    ``TRAINING_SAMPLE`` resumes, about 20-40 s per model on a busy 2-core machine)."""
    resumes, jobs = asset_sample(sample)
    return run_check(resumes, jobs, encoder,
                     sample=f"assets: {len(resumes)} resumes x {len(jobs)} jobs").summary()


def version_check(new: Encoder, parent: Encoder,
                  sample: int | None = TRAINING_SAMPLE) -> dict[str, Any]:
    """The training hook (``resumatch.train.training.train_version(checks=...)``): the
    name-swap figures of a new version and of its parent on the same ``sample`` of asset
    resumes, stored in the new version's metrics as ``name_swap`` and
    ``name_swap_parent``. A failure is stored as ``{"error": ...}`` instead of failing
    the training run."""
    try:
        return {"name_swap": check_version(new, sample),
                "name_swap_parent": check_version(parent, sample)}
    except Exception as err:  # the run's model is fine; say why the check is missing
        LOG.exception("name-swap check failed")
        return {"name_swap": {"error": f"{type(err).__name__}: {err}"}}


@dataclass(frozen=True)
class SensitivityCheck:
    """A version's name-swap figures against its parent's, from the stored metrics."""

    version: str
    parent: str | None
    figures: dict[str, Any] | None
    parent_figures: dict[str, Any] | None

    @property
    def error(self) -> str | None:
        return (self.figures or {}).get("error")

    @property
    def more_sensitive(self) -> bool:
        """True when the version's mean absolute fit change exceeds its parent's by more
        than ``SENSITIVITY_TOLERANCE`` fit points, both measured by the same method."""
        if not self.figures or not self.parent_figures or self.error:
            return False
        if self.figures.get("method") != self.parent_figures.get("method"):
            return False
        return (self.figures["mean_abs_fit_change"]
                > self.parent_figures["mean_abs_fit_change"] + SENSITIVITY_TOLERANCE)

    def warning(self) -> str | None:
        """A sentence for the promotion prompt, or None when there is nothing to say."""
        if self.error:
            return (f"The name-swap check of {self.version} did not run ({self.error}), so "
                    "its sensitivity to names is unknown.")
        if not self.more_sensitive:
            return None
        new, old = self.figures, self.parent_figures
        return (f"{self.version} is more sensitive to names and pronouns than its parent "
                f"{self.parent}: swapping only the name changes the fit by "
                f"{new['mean_abs_fit_change']:.2f} points on average (worst "
                f"{new['max_abs_fit_change']:.1f}) against {old['mean_abs_fit_change']:.2f} "
                f"(worst {old['max_abs_fit_change']:.1f}), on {new['pairs']} swapped pairs.")


def sensitivity_check(version: Any) -> SensitivityCheck:
    """Read a model version's stored name-swap figures (``version.metrics``)."""
    metrics = getattr(version, "metrics", None) or {}
    return SensitivityCheck(version.id, getattr(version, "parent", None),
                            metrics.get("name_swap"), metrics.get("name_swap_parent"))


def sensitivity_warning(version: Any) -> str | None:
    """The promotion warning for a version (None: not more sensitive than its parent, or
    no figures stored, as for versions trained before the check existed)."""
    return sensitivity_check(version).warning()


NAME_SOURCES = SOURCES
