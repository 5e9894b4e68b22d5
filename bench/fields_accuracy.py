"""Accuracy of the structured fields on 30 hand-labelled shared resumes.

Labels (``bench/fields_labels.csv``: ids and labels only, never resume text) were written
by reading each resume before the extractor was tuned: 20 livecareer + 10
resumes_by_category resumes drawn at random (seed 2026), shuffled, the first 20 ``dev``
(the only ones looked at while tuning) and the last 10 ``heldout``.

Labelling rules:
- ``years_experience``: the union of the date ranges of the jobs listed (internships
  included; education, volunteer and community-service entries excluded; a single date
  without an end is not a range), "Current/Present" = 2026-11 (the labelling date, which
  is the ``as_of`` used here), a year without a month = January; blank when the resume
  lists no job date range and states no total ("15 years of experience" counts).
- ``degree``: the highest level completed (high school < associate < bachelor < master <
  doctorate); a degree still being pursued or "not completed" does not count; blank for
  none.
- ``title``: the title of the most recent job (latest end, then latest start; a job with
  a start date and no end listed first counts as current); where the resume has no dated
  jobs, its headline job title.
- ``location``: where the candidate lives when the resume states it (header or a
  labelled field); schools', employers' and anonymised "City, State" placeholders are
  not a location. Blank for none.

Scoring: years correct within 1 year (both blank also correct) plus the mean absolute
error where both have a value; degree and location exact (case and spacing folded);
title exact after folding case, spacing and punctuation, and "lenient" when the word
sets overlap by at least half (Jaccard).

Run: ``python bench/fields_accuracy.py`` (seconds). The last stdout line is JSON.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from resumatch.ingest.documents import normalize_text  # noqa: E402
from resumatch.ingest.fields import extract_fields  # noqa: E402
from resumatch.rank.keywords import find_skills  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
AS_OF = date(2026, 11, 29)
FILES = {"livecareer_dev": "livecareer_dev.csv",
         "resumes_by_category": "resumes_by_category.csv"}


def fold(text: object) -> str:
    return " ".join(str(text or "").lower().split())


def words(text: object) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))


def load() -> pd.DataFrame:
    labels = pd.read_csv(ROOT / "bench" / "fields_labels.csv", dtype=str).fillna("")
    texts = {}
    for source, name in FILES.items():
        frame = pd.read_csv(SHARED / name, dtype=str)
        texts.update({(source, i): t for i, t in zip(frame["id"], frame["text"], strict=True)})
    labels["text"] = [normalize_text(texts[(s, i)])
                      for s, i in zip(labels["source"], labels["id"], strict=True)]
    return labels


def score(labels: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in labels.itertuples():
        found = extract_fields(row.text, as_of=AS_OF, find_skills=find_skills)
        years = found["years_experience"].value
        want_years = float(row.years_experience) if row.years_experience else None
        if want_years is None or years is None:
            years_ok = want_years is None and years is None
            error = None
        else:
            error = abs(years - want_years)
            years_ok = error <= 1.0
        title = found["title"].value or ""
        union = words(title) | words(row.title)
        rows.append({
            "id": row.id, "split": row.split,
            "years_ok": years_ok, "years_error": error,
            "degree_ok": fold(found["degree"].value) == fold(row.degree),
            "title_ok": words(title) == words(row.title),
            "title_lenient": (len(words(title) & words(row.title)) / len(union) >= 0.5
                              if union else True),
            "location_ok": fold(found["location"].value) == fold(row.location),
            "skills": len(found["skills"].value),
            "got": f"{years} | {found['degree'].value} | {title} | {found['location'].value}",
        })
    return pd.DataFrame(rows)


def summary(frame: pd.DataFrame) -> dict[str, float | int]:
    errors = frame["years_error"].dropna()
    return {"resumes": len(frame),
            "years_within_1": round(frame["years_ok"].mean(), 3),
            "years_mae": round(float(errors.mean()), 2) if len(errors) else None,
            "degree": round(frame["degree_ok"].mean(), 3),
            "title": round(frame["title_ok"].mean(), 3),
            "title_lenient": round(frame["title_lenient"].mean(), 3),
            "location": round(frame["location_ok"].mean(), 3),
            "skills_per_resume": round(frame["skills"].mean(), 1)}


def main() -> None:
    labels = load()
    frame = score(labels)
    verbose = "--verbose" in sys.argv
    if verbose:
        wanted = labels.set_index("id")
        for row in frame.itertuples():
            want = wanted.loc[row.id]
            print(f"{row.split:7} {row.id:12} got: {row.got}\n{'':20} want: "
                  f"{want.years_experience} | {want.degree} | {want.title} | {want.location}")
    report = {split: summary(frame[frame["split"] == split]) for split in ("dev", "heldout")}
    report["all"] = summary(frame)
    print(f"{'split':8} {'n':>3} {'years±1':>8} {'MAE':>5} {'degree':>7} {'title':>6} "
          f"{'title~':>7} {'location':>9}")
    for split, found in report.items():
        print(f"{split:8} {found['resumes']:>3} {found['years_within_1']:>8.0%} "
              f"{found['years_mae'] or 0:>5.1f} {found['degree']:>7.0%} {found['title']:>6.0%} "
              f"{found['title_lenient']:>7.0%} {found['location']:>9.0%}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
