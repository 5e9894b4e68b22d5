"""The name-swap check: variants change only the name and gendered words; every variant
is scored through the product's ``match`` in the same pool; the figures and the
promotion warning."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest

from resumatch.fairness import name_swap
from resumatch.fairness.name_swap import (
    HE,
    SHE,
    THEY,
    NameVariant,
    asset_sample,
    make_variant,
    resume_name,
    run_check,
    sensitivity_check,
    swap_pronouns,
    swap_sets,
    variants_for,
)
from resumatch.fairness.names import FIRST_NAMES, SURNAMES
from resumatch.ingest.documents import Document, normalize_text


def undo(variant_text: str, variant: NameVariant, original: list[str]) -> str:
    """The variant with its pronoun line removed and the original name put back."""
    text = re.sub(r"^Pronouns: [a-z/]+\n", "", variant_text, count=1, flags=re.M)
    for new, old in ((variant.first, original[0]), (variant.last, original[-1])):
        for form, back in ((new, old), (new.upper(), old.upper()),
                           (re.sub(r"[^a-z]", "", new.lower()), old.lower())):
            text = re.sub(rf"\b{re.escape(form)}\b", back, text)
    return text


def test_variants_of_the_sample_resumes_change_only_the_name_and_pronouns() -> None:
    resumes, _ = asset_sample()
    assert len(resumes) == 12
    for position, resume in enumerate(resumes):
        original = resume_name(resume.text)
        assert len(original) == 2, resume.name
        for variant in variants_for(position).values():
            text = make_variant(resume.text, variant)
            header, pronouns = text.split("\n")[:2]
            assert f"{variant.first} {variant.last}" in header and original[0] not in header
            assert pronouns == f"Pronouns: {variant.pronouns.label}"
            assert undo(text, variant, original) == normalize_text(resume.text), \
                (resume.name, variant.key)


def test_a_resume_without_a_name_line_gets_one() -> None:
    text = "Accountant with 5 years of experience. He reconciles ledgers."
    variant = variants_for(1)["hispanic_female_she"]
    assert make_variant(text, variant) == (
        f"{variant.first} {variant.last}\nPronouns: she/her\n"
        "Accountant with 5 years of experience. She reconciles ledgers.")


def test_pronouns_and_gendered_words() -> None:
    text = "Mr. Doe led his team; the award was his. She thanked him. He himself coaches."
    assert swap_pronouns(text, SHE) == (
        "Ms. Doe led her team; the award was hers. She thanked her. She herself coaches.")
    assert swap_pronouns(text, THEY) == (
        "Mx. Doe led their team; the award was theirs. They thanked them. "
        "They themselves coaches.")
    assert swap_pronouns("She is the chairwoman of the Women's network.", HE) == (
        "He is the chairman of the Men's network.")
    assert swap_pronouns("She has led and she was praised; they said so.", THEY) == (
        "They have led and they were praised; they said so.")
    assert swap_pronouns("Gender: Female", THEY) == "Gender: Non-binary"


def test_swap_sets_compare_variants_of_one_resume() -> None:
    for position in range(4):
        keys = set(variants_for(position))
        assert len(keys) == name_swap.VARIANTS_PER_RESUME == 10
        sets = swap_sets(position)
        assert [s.key for s in sets] == ["female_male", "black_white", "hispanic_white",
                                         "asian_white", "pronoun_they"]
        assert sum(len(s.pairs) for s in sets) == 12
        assert all(a in keys and b in keys and a != b for s in sets for a, b in s.pairs)
    names = {(v.first, v.last) for v in variants_for(0).values()}
    assert len(names) == 8  # one name per group and sex; they/them reuses two of them
    assert all(len(firsts) == 9 for firsts in FIRST_NAMES.values())
    assert set(SURNAMES) == {"White", "Black", "Hispanic", "Asian"}


# -- scoring through the product --------------------------------------------------------------
NAME_WORDS = ({w.lower() for names in FIRST_NAMES.values() for w in names}
              | {re.sub(r"[^a-z]", "", w.lower()) for names in SURNAMES.values() for w in names}
              | set("he she they him her them his hers their theirs pronouns mr ms mx".split())
              | set("alice nguyen marcus lee priya raman".split()))


class NameBlindEncoder:
    """Bag-of-words vectors that ignore names and pronouns: a model that cannot see them."""

    model_id = "name-blind"
    max_tokens = 256
    dim = 64

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"\S+", text)]

    def encode(self, texts: Sequence[str], progress=None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                if word not in NAME_WORDS:
                    out[row, sum(map(ord, word)) % self.dim] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


def test_a_model_blind_to_names_changes_nothing() -> None:
    resumes, jobs = asset_sample()
    picked = [r for r in resumes if r.name.split("_")[0] in ("alice", "marcus", "priya")]
    result = run_check(picked, jobs[:2], NameBlindEncoder(), sample="blind")
    summary = result.summary()
    assert summary["pairs"] == 3 * 2 * 12
    # The fit moves only through the keyword term's document length (a few more or fewer
    # words in a name): at most a rounding step, and never the rank.
    assert summary["max_abs_fit_change"] <= 0.1
    assert summary["rank_changes"] == 0


def test_each_variant_is_ranked_among_the_same_other_resumes(monkeypatch) -> None:
    seen: list[list[str]] = []
    real_match = name_swap.match

    def spy(pool, jobs, embedder, progress=None):
        seen.append([d.text[:40] for d in pool])
        return real_match(pool, jobs, embedder, progress)

    monkeypatch.setattr(name_swap, "match", spy)
    resumes, jobs = asset_sample(3)
    run_check(resumes, jobs[:1], NameBlindEncoder())
    assert len(seen) == 3 * name_swap.VARIANTS_PER_RESUME
    for call, pool in enumerate(seen):
        position = call // name_swap.VARIANTS_PER_RESUME
        others = [p for i, p in enumerate(pool) if i != position]
        assert others == [r.text[:40] for i, r in enumerate(resumes) if i != position]
        assert pool[position] != resumes[position].text[:40]


@pytest.mark.slow
def test_real_model_figures_are_consistent(base_encoder) -> None:
    resumes, jobs = asset_sample(2)
    result = run_check(resumes, jobs[:2], base_encoder, sample="two")
    summary = result.summary()
    assert summary["model"] == "base" and summary["pairs"] == 2 * 2 * 12
    assert 0 <= summary["mean_abs_fit_change"] <= summary["max_abs_fit_change"] <= 100
    assert all(0 <= p.fit_first <= 100 and 1 <= p.rank_first <= 2 for p in result.pairs)
    worst = result.worst
    assert abs(worst.change) == summary["max_abs_fit_change"]
    assert sum(s["pairs"] for s in summary["swap_sets"].values()) == summary["pairs"]
    again = run_check(resumes, jobs[:2], base_encoder, sample="two").summary()
    assert again["mean_abs_fit_change"] == summary["mean_abs_fit_change"]  # deterministic


def test_refuses_an_empty_sample() -> None:
    with pytest.raises(ValueError, match="at least one resume and one job"):
        run_check([], [Document("job", "Nurse")], NameBlindEncoder())


# -- promotion warning ----------------------------------------------------------------------
@dataclass
class Version:
    id: str
    parent: str | None = "base"
    metrics: dict = field(default_factory=dict)


def figures(mean: float, worst: float = 5.0) -> dict:
    return {"method": name_swap.METHOD, "mean_abs_fit_change": mean,
            "max_abs_fit_change": worst, "pairs": 288}


def test_warns_only_when_more_sensitive_than_the_parent() -> None:
    worse = Version("v2", metrics={"name_swap": figures(1.5, 9.0),
                                   "name_swap_parent": figures(1.2, 7.0)})
    check = sensitivity_check(worse)
    assert check.more_sensitive
    assert check.warning() == (
        "v2 is more sensitive to names and pronouns than its parent base: swapping only the "
        "name changes the fit by 1.50 points on average (worst 9.0) against 1.20 (worst "
        "7.0), on 288 swapped pairs.")
    within = Version("v3", metrics={"name_swap": figures(1.25),
                                    "name_swap_parent": figures(1.2)})
    assert not sensitivity_check(within).more_sensitive  # within one rounding step
    assert sensitivity_check(within).warning() is None
    assert sensitivity_check(Version("v0")).warning() is None  # trained before the check
    other = Version("v4", metrics={"name_swap": figures(3.0),
                                   "name_swap_parent": {**figures(1.0), "method": "old"}})
    assert not sensitivity_check(other).more_sensitive  # different methods: not compared
    failed = Version("v5", metrics={"name_swap": {"error": "RuntimeError: boom"}})
    assert "did not run (RuntimeError: boom)" in sensitivity_check(failed).warning()


def test_the_training_hook_never_fails_a_run(monkeypatch) -> None:
    def boom(encoder, sample=None):
        raise RuntimeError("no assets")

    monkeypatch.setattr(name_swap, "check_version", boom)
    assert name_swap.version_check(NameBlindEncoder(), NameBlindEncoder()) == {
        "name_swap": {"error": "RuntimeError: no assets"}}
