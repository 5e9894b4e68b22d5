"""Labeled (resume, job, label) pairs: read CSV/JSONL, validate every row, store datasets.

Three column layouts are accepted, so files from other tools load as they are:
``resume/job/label`` (ours), ``sentence1/sentence2/score`` (AutoTrain) and
``sentence_0/sentence_1/label`` (the sentence-transformers model card). Every row is
checked; rejected rows are reported with their row number and never stored or trained on.

Example:
    >>> result = parse_pairs("pairs.csv", b"resume,job,label\\nData engineer,ETL role,0.8\\n")
    >>> result.pairs[0].label, result.errors
    (0.8, [])
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from resumatch.exports import FORMULA_PREFIXES, rows_to_csv
from resumatch.ingest.documents import decode_text, normalize_text
from resumatch.store import Store

LAYOUTS: tuple[tuple[str, str, str], ...] = (
    ("resume", "job", "label"),
    ("sentence1", "sentence2", "score"),
    ("sentence_0", "sentence_1", "label"),
)
LAYOUT_NAMES = " or ".join("/".join(layout) for layout in LAYOUTS)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class Pair:
    """One labeled pair: how well ``resume`` fits ``job``, from 0 (not at all) to 1."""

    resume: str
    job: str
    label: float


@dataclass(frozen=True)
class RowError:
    """Why one row was rejected. ``row`` counts data rows from 1 (0: the whole file)."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}" if self.row else self.message


@dataclass
class PairsFile:
    """The outcome of reading one file: accepted pairs and one error per rejected row."""

    source: str
    pairs: list[Pair] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    n_rows: int = 0
    layout: tuple[str, str, str] | None = None

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors if e.row})

    def summary(self) -> dict[str, Any]:
        """Counts a page or the CLI shows: rows read, accepted, rejected, resumes, jobs."""
        return {"rows": self.n_rows, "accepted": len(self.pairs),
                "rejected": self.rejected_rows,
                "resumes": len({p.resume for p in self.pairs}),
                "jobs": len({p.job for p in self.pairs})}


def parse_pairs(name: str, data: bytes) -> PairsFile:
    """Read and validate labeled pairs from a CSV or JSONL file's bytes."""
    result = PairsFile(source=name)
    text = decode_text(data)
    if not text.strip():
        result.errors.append(RowError(0, "the file is empty"))
        return result
    is_jsonl = (PurePosixPath(name.lower()).suffix in JSONL_SUFFIXES
                or text.lstrip().startswith("{"))
    records = _jsonl_records(text, result) if is_jsonl else _csv_records(text, result)
    if records is None:
        return result
    _validate(records, result)
    return result


def load_pairs(path: str | Path) -> PairsFile:
    """Read and validate a pairs file from disk."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return PairsFile(source=path.name, errors=[RowError(0, f"cannot read {path}: {err}")])
    return parse_pairs(path.name, data)


def _pick_layout(columns: Iterable[str]) -> tuple[str, str, str] | None:
    present = {c.strip().lower() for c in columns if c}
    for layout in LAYOUTS:
        if set(layout) <= present:
            return layout
    return None


def _missing_columns_message(columns: Iterable[str]) -> str:
    found = ", ".join(sorted(c.strip() for c in columns if c and c.strip())) or "none"
    best = max(LAYOUTS, key=lambda layout: len(set(layout) & {c.strip().lower()
                                                              for c in columns if c}))
    missing = [c for c in best if c not in {x.strip().lower() for x in columns if x}]
    return (f"missing columns: {', '.join(missing)} (need {LAYOUT_NAMES}; found: {found})")


def _csv_records(text: str, result: PairsFile) -> list[tuple[int, dict[str, Any]]] | None:
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = reader.fieldnames or []
    layout = _pick_layout(h.lstrip("\ufeff") for h in header)
    if layout is None:
        result.errors.append(RowError(0, _missing_columns_message(header)))
        return None
    result.layout = layout
    lowered = {h.strip().lower().lstrip("\ufeff"): h for h in header}
    records = []
    try:
        for number, row in enumerate(reader, start=1):
            if not any((v or "").strip() for k, v in row.items() if isinstance(v, str)):
                continue  # blank line at the end of a spreadsheet export
            # A short row leaves its last cells as None: they are reported as missing.
            records.append((number, {c: row.get(lowered[c]) for c in layout}))
    except csv.Error as err:
        result.errors.append(RowError(0, f"not a readable CSV file: {err}"))
        return None
    return records


def _jsonl_records(text: str, result: PairsFile) -> list[tuple[int, dict[str, Any]]]:
    stripped = text.strip()
    if stripped.startswith("["):
        # A JSON array of objects is accepted too: it is what many tools export.
        try:
            items = json.loads(stripped)
            lines: list[Any] = items if isinstance(items, list) else [items]
        except json.JSONDecodeError:
            lines = text.splitlines()
    else:
        lines = text.splitlines()
    records: list[tuple[int, dict[str, Any]]] = []
    number = 0
    layout_counts: dict[tuple[str, str, str], int] = {}
    for line in lines:
        if isinstance(line, str):
            if not line.strip():
                continue
            number += 1
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                result.errors.append(RowError(number, f"not valid JSON ({err.msg})"))
                continue
        else:
            number += 1
            item = line
        if not isinstance(item, dict):
            result.errors.append(RowError(number, "not a JSON object"))
            continue
        item = {str(k).strip().lower(): v for k, v in item.items()}
        layout = _pick_layout(item)
        if layout is None:
            result.errors.append(RowError(number, _missing_columns_message(item)))
            continue
        layout_counts[layout] = layout_counts.get(layout, 0) + 1
        records.append((number, {c: item.get(c) for c in layout}))
    if layout_counts:
        result.layout = max(layout_counts, key=layout_counts.__getitem__)
    return records


def _unquote(text: str) -> str:
    """A cell as written before ``exports.neutralize`` quoted it (``'=x`` -> ``=x``), so an
    exported pairs file reads back unchanged."""
    quoted = text.startswith("'") and text[1:].startswith((*FORMULA_PREFIXES, "\n"))
    return text[1:] if quoted else text


def pairs_csv(pairs: Iterable[Pair]) -> str:
    """Pairs as CSV with columns ``resume, job, label``, the layout ``parse_pairs`` reads;
    text cells that a spreadsheet would run as formulas are quoted (``resumatch.exports``).

    Example:
        >>> pairs_csv([Pair("=cmd", "Data job", 0.5)])
        "resume,job,label\\n'=cmd,Data job,0.5\\n"
    """
    return rows_to_csv(("resume", "job", "label"), ((p.resume, p.job, p.label) for p in pairs))


def _as_label(value: Any) -> float | str:
    """The label as a float, or the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "label is missing"
    if isinstance(value, bool):
        return f"label {value!r} is not a number"
    try:
        label = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return f"label {str(value)[:40]!r} is not a number"
    if not math.isfinite(label):
        return f"label {str(value)[:40]!r} is not a number"
    if not 0.0 <= label <= 1.0:
        return f"label {label:g} is outside [0, 1]"
    return label


def _validate(records: list[tuple[int, dict[str, Any]]], result: PairsFile) -> None:
    """Check each record; fill ``result.pairs`` with the rows that pass every check."""
    result.n_rows = len(records) + len({e.row for e in result.errors if e.row})
    candidates: list[tuple[int, Pair]] = []
    for number, record in records:
        resume_col, job_col, label_col = tuple(record)
        problems = []
        texts = []
        for column, side in ((resume_col, "resume"), (job_col, "job")):
            value = record[column]
            if value is None:
                problems.append(f"{side} text is missing (column {column})")
                texts.append("")
                continue
            body = normalize_text(_unquote(str(value)))
            if not body:
                problems.append(f"{side} text is empty")
            texts.append(body)
        label = _as_label(record[label_col])
        if isinstance(label, str):
            problems.append(label)
        if problems:
            result.errors.append(RowError(number, "; ".join(problems)))
            continue
        candidates.append((number, Pair(texts[0], texts[1], float(label))))

    first_row: dict[tuple[str, str, float], int] = {}
    labels_of: dict[tuple[str, str], dict[float, int]] = {}
    for number, pair in candidates:
        key = (pair.resume, pair.job, pair.label)
        if key in first_row:
            result.errors.append(RowError(number, f"exact duplicate of row {first_row[key]}"))
            continue
        first_row[key] = number
        labels_of.setdefault((pair.resume, pair.job), {})[pair.label] = number
    conflicted = {key for key, labels in labels_of.items() if len(labels) > 1}
    for number, pair in candidates:
        key = (pair.resume, pair.job)
        if first_row.get((pair.resume, pair.job, pair.label)) != number:
            continue  # a duplicate, already reported
        if key in conflicted:
            others = ", ".join(f"{label:g} in row {row}"
                               for label, row in sorted(labels_of[key].items(),
                                                        key=lambda item: item[1])
                               if row != number)
            result.errors.append(RowError(
                number, f"same resume and job as {others} with a different label "
                        f"({pair.label:g}); fix the label and upload again"))
            continue
        result.pairs.append(pair)
    result.errors.sort(key=lambda e: e.row)


# -- datasets in the store ---------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    """A named set of accepted pairs in the store."""

    id: int
    name: str
    created: float
    n_rows: int


def save_dataset(store: Store, name: str, pairs: list[Pair]) -> Dataset:
    """Store accepted pairs under a new, unique name (names are never overwritten)."""
    name = name.strip()
    if not name:
        raise ValueError("a dataset needs a name")
    if not pairs:
        raise ValueError("no accepted pairs to store")
    now = time.time()
    with store.connect() as conn:
        if conn.execute("SELECT 1 FROM datasets WHERE name = ?", (name,)).fetchone():
            raise ValueError(f"a dataset named {name!r} exists already; choose another name")
        dataset_id = int(conn.execute("INSERT INTO datasets (name, created, n_rows)"
                                      " VALUES (?,?,?) RETURNING id",
                                      (name, now, len(pairs))).fetchone()["id"])
        conn.executemany(
            "INSERT INTO pairs (dataset_id, resume, job, label) VALUES (?,?,?,?)",
            [(dataset_id, p.resume, p.job, p.label) for p in pairs])
    return Dataset(dataset_id, name, now, len(pairs))


def unique_dataset_name(store: Store, wanted: str) -> str:
    """``wanted``, or ``wanted (2)``, ``wanted (3)``... whichever is still free."""
    taken = {d.name for d in list_datasets(store)}
    name, n = wanted, 2
    while name in taken:
        name, n = f"{wanted} ({n})", n + 1
    return name


def list_datasets(store: Store) -> list[Dataset]:
    """All stored datasets, newest first."""
    with store.connect() as conn:
        rows = conn.execute("SELECT * FROM datasets ORDER BY created DESC, id DESC").fetchall()
    return [Dataset(row["id"], row["name"], row["created"], row["n_rows"]) for row in rows]


def get_dataset(store: Store, dataset: int | str) -> Dataset:
    """A dataset by id or name; ``KeyError`` with a readable message when unknown."""
    column = "id" if isinstance(dataset, int) else "name"
    with store.connect() as conn:
        row = conn.execute(f"SELECT * FROM datasets WHERE {column} = ?", (dataset,)).fetchone()
    if row is None:
        raise KeyError(f"no dataset {dataset!r}")
    return Dataset(row["id"], row["name"], row["created"], row["n_rows"])


def dataset_pairs(store: Store, dataset_id: int) -> list[tuple[int, Pair]]:
    """(pair id, pair) rows of one dataset in upload order."""
    with store.connect() as conn:
        rows = conn.execute("SELECT id, resume, job, label FROM pairs WHERE dataset_id = ?"
                            " ORDER BY id", (dataset_id,)).fetchall()
    return [(row["id"], Pair(row["resume"], row["job"], row["label"])) for row in rows]


def pairs_by_id(store: Store, ids: list[int]) -> list[Pair]:
    """Pairs by their ids, in the order given (unknown ids are skipped)."""
    found: dict[int, Pair] = {}
    with store.connect() as conn:
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            marks = ",".join("?" * len(batch))
            for row in conn.execute(f"SELECT id, resume, job, label FROM pairs"
                                    f" WHERE id IN ({marks})", batch):
                found[row["id"]] = Pair(row["resume"], row["job"], row["label"])
    return [found[i] for i in ids if i in found]
