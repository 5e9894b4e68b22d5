"""Self-reported candidate categories for the bias audit: read, validate row by row, store.

An admin uploads a CSV with one row per candidate: who (``candidate_id``, or the ``file``
name a resume was added under), ``sex`` and ``race_ethnicity``. Every row is checked; a
rejected row is reported with its number and the reason, and never stored (the same
contract as the labelled-pairs upload, ``resumatch.train.pairs``).

Categories are those of the EEO-1 Component 1 report, which the NYC DCWP rules on bias
audits (6 RCNY §5-300, "category") refer to: sex Female or Male; race/ethnicity Hispanic or
Latino, White, Black or African American, Native Hawaiian or Other Pacific Islander, Asian,
American Indian or Alaska Native, Two or More Races (the last six "not Hispanic or
Latino"). ``declined`` is accepted in either column for a candidate who chose not to say;
common spellings ("F", "woman", "Latina", "African American", "prefer not to say") are
mapped to these names.

Storage: the ``candidate_categories`` table, one row per candidate, apart from the resumes.
Nothing in ranking, embedding or pool search reads it (a test checks that scores are the
same with and without it), and it is deleted with the candidate
(``resumatch.store.purge``). The audit log records uploads by counts only, never a value.

Example:
    >>> import tempfile, pathlib
    >>> from resumatch.config import Settings
    >>> from resumatch.store import open_store
    >>> store = open_store(Settings(data_dir=pathlib.Path(tempfile.mkdtemp())))
    >>> found = parse_categories("c.csv", b"candidate_id,sex,race_ethnicity\\n7,F,Asian\\n", store)
    >>> [str(e) for e in found.errors]
    ['row 1: no candidate with id 7 in the talent pool']
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resumatch.exports import rows_to_csv
from resumatch.ingest.documents import decode_text, display_stem, safe_name
from resumatch.store import Store
from resumatch.train.pairs import RowError

FEMALE, MALE = "Female", "Male"
SEX_CATEGORIES = (FEMALE, MALE)
HISPANIC = "Hispanic or Latino"
WHITE = "White"
BLACK = "Black or African American"
NHPI = "Native Hawaiian or Other Pacific Islander"
ASIAN = "Asian"
AIAN = "American Indian or Alaska Native"
TWO_OR_MORE = "Two or More Races"
RACE_ETHNICITY_CATEGORIES = (HISPANIC, WHITE, BLACK, NHPI, ASIAN, AIAN, TWO_OR_MORE)
DECLINED = "declined"  # the candidate chose not to say
UNKNOWN = "unknown"  # no categories uploaded for the candidate (never stored)

ID_COLUMNS = ("candidate_id", "candidate", "id")
FILE_COLUMNS = ("file", "file_name", "filename", "source")
SEX_COLUMNS = ("sex", "gender")
RACE_COLUMNS = ("race_ethnicity", "race_or_ethnicity", "ethnicity_race", "race", "ethnicity")
TEMPLATE_COLUMNS = ("candidate_id", "file", "sex", "race_ethnicity")


def _key(value: str) -> str:
    """Lower case, letters only, single spaces: ``"Black/African-American"`` ->
    ``"black african american"``."""
    return " ".join(re.sub(r"[^a-z]+", " ", value.lower()).split())


_DECLINED = {_key(v) for v in (
    "declined", "decline", "decline to state", "declined to state", "declined to answer",
    "decline to answer", "decline to self identify", "declined to self identify",
    "prefer not to say", "prefer not to answer", "i prefer not to say",
    "not disclosed", "did not disclose", "do not wish to answer", "i do not wish to answer",
    "choose not to disclose", "i don't wish to answer", "i do not wish to self identify")}
_SEX = {**{k: FEMALE for k in ("female", "f", "woman", "women")},
        **{k: MALE for k in ("male", "m", "man", "men")}}
_RACE = {
    **{k: HISPANIC for k in ("hispanic or latino", "hispanic", "latino", "latina", "latinx",
                             "latine", "hispanic latino", "latino or hispanic",
                             "hispanic or latina", "hispanic or latinx")},
    **{k: WHITE for k in ("white",)},
    **{k: BLACK for k in ("black or african american", "black", "african american",
                          "black african american")},
    **{k: NHPI for k in ("native hawaiian or other pacific islander",
                         "native hawaiian or pacific islander", "native hawaiian",
                         "pacific islander", "other pacific islander",
                         "native hawaiian pacific islander")},
    **{k: ASIAN for k in ("asian",)},
    **{k: AIAN for k in ("american indian or alaska native", "american indian",
                         "alaska native", "native american", "native american or alaska native",
                         "american indian alaska native", "american indian or alaskan native")},
    **{k: TWO_OR_MORE for k in ("two or more races", "two or more", "multiracial",
                                "multiple races", "two or more races not hispanic or latino")},
}
_NOT_HISPANIC = re.compile(r"\b(?:non hispanic|not hispanic or latino|not hispanic)\b")


def normalize_sex(value: Any) -> str:
    """The EEO-1 sex category (or ``declined``) a cell names.

    Raises:
        ValueError: an empty or unknown value, with the accepted ones in the message.

    Example:
        >>> normalize_sex(" f "), normalize_sex("Prefer not to say")
        ('Female', 'declined')
    """
    key = _key(str(value or ""))
    if not key:
        raise ValueError("sex is empty (write 'declined' if the candidate chose not to say)")
    if key in _DECLINED:
        return DECLINED
    if key in _SEX:
        return _SEX[key]
    raise ValueError(f"sex {str(value).strip()[:40]!r} is not one of "
                     f"{', '.join(SEX_CATEGORIES)} or {DECLINED}")


def normalize_race_ethnicity(value: Any) -> str:
    """The EEO-1 race/ethnicity category (or ``declined``) a cell names.

    Raises:
        ValueError: an empty or unknown value, with the accepted ones in the message.

    Example:
        >>> normalize_race_ethnicity("Black (not Hispanic or Latino)")
        'Black or African American'
    """
    key = _key(str(value or ""))
    if not key:
        raise ValueError("race/ethnicity is empty (write 'declined' if the candidate chose "
                         "not to say)")
    if key in _DECLINED:
        return DECLINED
    bare = " ".join(_NOT_HISPANIC.sub(" ", key).split())
    if key in _RACE or bare in _RACE:
        return _RACE.get(key) or _RACE[bare]
    raise ValueError(f"race/ethnicity {str(value).strip()[:40]!r} is not one of "
                     f"{', '.join(RACE_ETHNICITY_CATEGORIES)} or {DECLINED}")


@dataclass(frozen=True)
class Categories:
    """One candidate's self-reported categories (``declined`` where they chose not to say)."""

    candidate_id: int
    sex: str
    race_ethnicity: str


@dataclass
class CategoriesFile:
    """The outcome of reading one categories file: accepted rows and one error per
    rejected row (``row`` counts data rows from 1; 0 is the whole file)."""

    source: str
    categories: list[Categories] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    n_rows: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors if e.row})

    def summary(self) -> dict[str, int]:
        """Counts a page or a test shows: rows read, accepted, rejected, declined."""
        return {"rows": self.n_rows, "accepted": len(self.categories),
                "rejected": self.rejected_rows,
                "declined": sum(DECLINED in (c.sex, c.race_ethnicity)
                                for c in self.categories)}


def _column(header: dict[str, str], names: Iterable[str]) -> str | None:
    return next((header[n] for n in names if n in header), None)


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (name or "").lstrip("\ufeff").strip().lower()).strip("_")


class _Candidates:
    """Who a row names: an id or a file name, resolved to an active candidate."""

    def __init__(self, store: Store) -> None:
        with store.connect(read_only=True) as conn:
            rows = conn.execute("SELECT id, merged_into FROM candidates").fetchall()
            self.active = {int(r["id"]): int(r["merged_into"] or r["id"]) for r in rows}
            self.files: dict[str, set[int]] = {}
            for r in conn.execute("SELECT candidate_id, name, source FROM candidate_documents"
                                  ).fetchall():
                owner = self.active.get(int(r["candidate_id"]), int(r["candidate_id"]))
                for label in {r["source"], r["name"]}:
                    if label:
                        self.files.setdefault(label.lower(), set()).add(owner)

    def by_id(self, raw: str) -> int | str:
        try:
            number = int(float(raw.strip()))
        except ValueError:
            return f"candidate id {raw.strip()[:40]!r} is not a number"
        if number not in self.active:
            return f"no candidate with id {number} in the talent pool"
        return self.active[number]

    def by_file(self, raw: str) -> int | str:
        name = safe_name(raw.strip())
        found = self.files.get(name.lower()) or self.files.get(display_stem(name).lower())
        if not found:
            return f"no candidate with the file {name!r} in the talent pool"
        if len(found) > 1:
            ids = ", ".join(str(i) for i in sorted(found))
            return f"the file {name!r} belongs to several candidates ({ids}): give candidate_id"
        return next(iter(found))


def parse_categories(name: str, data: bytes, store: Store) -> CategoriesFile:
    """Read and validate a categories CSV against the talent pool in ``store``.

    Columns (names are case- and punctuation-insensitive): ``candidate_id`` and/or
    ``file``; ``sex``; ``race_ethnicity`` (``race``, ``ethnicity`` and ``gender`` are
    accepted as names too). A row is rejected for an unknown candidate, a file name that
    several candidates share, an empty or unknown category, or a candidate already given
    in an earlier row.
    """
    result = CategoriesFile(source=name)
    text = decode_text(data)
    if not text.strip():
        result.errors.append(RowError(0, "the file is empty"))
        return result
    try:
        delimiter = csv.Sniffer().sniff(text[:20000], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header_row = next(reader, [])
        header = {_header_key(h): h for h in header_row}
        index = {h: i for i, h in enumerate(header_row)}
        id_col, file_col = _column(header, ID_COLUMNS), _column(header, FILE_COLUMNS)
        sex_col, race_col = _column(header, SEX_COLUMNS), _column(header, RACE_COLUMNS)
        missing = [label for label, col in (("candidate_id or file", id_col or file_col),
                                            ("sex", sex_col), ("race_ethnicity", race_col))
                   if col is None]
        if missing:
            found = ", ".join(h.strip() for h in header_row if h.strip()) or "none"
            result.errors.append(RowError(0, f"missing columns: {', '.join(missing)} (need "
                                             f"{', '.join(TEMPLATE_COLUMNS)}; found: {found})"))
            return result
        records = []
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue  # a blank line at the end of a spreadsheet export

            def cell(column: str | None, cells: list[str] = cells) -> str:
                position = index.get(column) if column is not None else None
                return cells[position] if position is not None and position < len(cells) else ""

            records.append((number, cell(id_col), cell(file_col), cell(sex_col),
                            cell(race_col)))
    except csv.Error as err:
        result.errors.append(RowError(0, f"not a readable CSV file: {err}"))
        return result
    result.n_rows = len(records)
    people = _Candidates(store)
    first_row: dict[int, int] = {}
    for number, raw_id, raw_file, raw_sex, raw_race in records:
        problems: list[str] = []
        candidate: int | None = None
        named = [people.by_id(raw_id) if raw_id.strip() else None,
                 people.by_file(raw_file) if raw_file.strip() else None]
        found = [n for n in named if n is not None]
        if not found:
            problems.append("no candidate_id or file given")
        for outcome in found:
            if isinstance(outcome, str):
                problems.append(outcome)
        ids = {n for n in found if isinstance(n, int)}
        if len(ids) > 1:
            problems.append(f"candidate_id and file name different candidates "
                            f"({', '.join(str(i) for i in sorted(ids))})")
        elif ids and not problems:
            candidate = ids.pop()
        values = []
        for normalize, raw in ((normalize_sex, raw_sex),
                               (normalize_race_ethnicity, raw_race)):
            try:
                values.append(normalize(raw))
            except ValueError as err:
                problems.append(str(err))
        if candidate is not None and candidate in first_row:
            problems.append(f"candidate {candidate} is already given in row "
                            f"{first_row[candidate]}; one row per candidate")
        if problems:
            result.errors.append(RowError(number, "; ".join(problems)))
            continue
        assert candidate is not None
        first_row[candidate] = number
        result.categories.append(Categories(candidate, values[0], values[1]))
    return result


def save_categories(store: Store, categories: Iterable[Categories], session: str = "cli",
                    source: str = "") -> int:
    """Store accepted categories (a candidate given again is updated); returns how many.

    The audit log gets one ``categories_upload`` row with the count, never a value.
    """
    items = list(categories)
    now = time.time()
    with store.connect() as conn:
        for item in items:
            conn.execute(
                "INSERT INTO candidate_categories (candidate_id, sex, race_ethnicity, source,"
                " session, updated) VALUES (?,?,?,?,?,?) ON CONFLICT (candidate_id) DO UPDATE"
                " SET sex = excluded.sex, race_ethnicity = excluded.race_ethnicity,"
                " source = excluded.source, session = excluded.session,"
                " updated = excluded.updated",
                (int(item.candidate_id), item.sex, item.race_ethnicity, source, session, now))
    store.audit(session, "categories_upload", detail={"rows": len(items), "file": source})
    return len(items)


def load_categories(store: Store) -> dict[int, Categories]:
    """Every stored candidate's categories, by candidate id."""
    with store.connect(read_only=True) as conn:
        rows = conn.execute("SELECT candidate_id, sex, race_ethnicity FROM candidate_categories"
                            ).fetchall()
    return {int(r["candidate_id"]): Categories(int(r["candidate_id"]), r["sex"],
                                               r["race_ethnicity"]) for r in rows}


def delete_all_categories(store: Store, session: str = "cli") -> int:
    """Remove every uploaded category (candidates stay); returns rows deleted."""
    with store.connect() as conn:
        deleted = conn.execute("DELETE FROM candidate_categories").rowcount
    store.audit(session, "categories_deleted", detail={"rows": deleted})
    return deleted


def template_csv(store: Store) -> str:
    """A CSV to fill in: one row per active candidate (id and current file), empty
    ``sex`` and ``race_ethnicity`` cells."""
    with store.connect(read_only=True) as conn:
        rows = conn.execute("SELECT id, source, name FROM candidates"
                            " WHERE merged_into IS NULL ORDER BY id").fetchall()
    return rows_to_csv(TEMPLATE_COLUMNS, ([int(r["id"]), r["source"] or r["name"], "", ""]
                                          for r in rows))
