"""Labeled pairs: every validation error class, the three column layouts, datasets."""

from __future__ import annotations

import json

import pytest

from resumatch.store import Store
from resumatch.train.pairs import (
    Pair,
    dataset_pairs,
    get_dataset,
    list_datasets,
    load_pairs,
    pairs_by_id,
    parse_pairs,
    save_dataset,
    unique_dataset_name,
)
from tests.conftest import ASSETS

pytestmark = pytest.mark.store_backends  # the store tests run on SQLite and PostgreSQL


def messages(result) -> dict[int, str]:
    return {e.row: e.message for e in result.errors}


def test_the_sample_pairs_are_all_valid() -> None:
    result = load_pairs(ASSETS / "sample_pairs.csv")
    assert result.errors == []
    assert len(result.pairs) >= 60
    assert result.summary()["resumes"] >= 10
    assert all(0.2 <= p.label <= 0.9 for p in result.pairs)


@pytest.mark.parametrize("header", ["resume,job,label", "sentence1,sentence2,score",
                                    "sentence_0,sentence_1,label", "Resume,JOB,Label"])
def test_all_three_csv_layouts_are_accepted(header: str) -> None:
    result = parse_pairs("p.csv", f"{header}\nData engineer,ETL role,0.8\n".encode())
    assert result.pairs == [Pair("Data engineer", "ETL role", 0.8)]
    assert result.errors == []


def test_jsonl_in_each_layout_and_json_arrays() -> None:
    lines = [{"resume": "a", "job": "b", "label": 0.5},
             {"sentence1": "c", "sentence2": "d", "score": "0.25"},
             {"sentence_0": "e", "sentence_1": "f", "label": 1}]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    assert [p.label for p in parse_pairs("p.jsonl", data).pairs] == [0.5, 0.25, 1.0]
    assert len(parse_pairs("p.json", json.dumps(lines).encode()).pairs) == 3


def test_missing_columns_reject_the_whole_csv_and_name_what_is_missing() -> None:
    result = parse_pairs("p.csv", b"resume,job\nData engineer,ETL role\n")
    assert result.pairs == []
    assert result.errors[0].row == 0
    assert "missing columns: label" in result.errors[0].message
    assert "found: job, resume" in result.errors[0].message


def test_missing_columns_in_one_jsonl_line_reject_that_row_only() -> None:
    data = b'{"resume": "a", "job": "b", "label": 0.5}\n{"resume": "a", "label": 0.4}\nnot json\n'
    result = parse_pairs("p.jsonl", data)
    assert len(result.pairs) == 1
    assert "missing columns: job" in messages(result)[2]
    assert "not valid JSON" in messages(result)[3]
    assert result.summary()["rows"] == 3


def test_each_row_error_class_is_reported_with_its_row() -> None:
    csv = ("resume,job,label\n"
           "Data engineer,ETL role,0.8\n"        # 1 ok
           "  ,ETL role,0.5\n"                   # 2 empty resume
           "Nurse,,0.5\n"                        # 3 empty job
           "Nurse,ICU role,high\n"               # 4 not a number
           "Nurse,ICU role,1.5\n"                # 5 outside [0, 1]
           "Nurse,ICU role,-0.1\n"               # 6 outside [0, 1]
           "Data engineer,ETL role,0.8\n"        # 7 exact duplicate of 1
           "Chef,Kitchen role,0.7\n"             # 8 conflicts with 9
           "Chef,Kitchen role,0.2\n"             # 9 conflicts with 8
           "Nurse,ICU role,nan\n"                # 10 not a number
           "Nurse,ICU role\n")                   # 11 label missing (short row)
    result = parse_pairs("bad.csv", csv.encode())
    found = messages(result)
    assert result.pairs == [Pair("Data engineer", "ETL role", 0.8)]
    assert found[2] == "resume text is empty"
    assert found[3] == "job text is empty"
    assert found[4] == "label 'high' is not a number"
    assert found[5] == "label 1.5 is outside [0, 1]"
    assert found[6] == "label -0.1 is outside [0, 1]"
    assert found[7] == "exact duplicate of row 1"
    assert "0.2 in row 9" in found[8] and "different label" in found[8]
    assert "0.7 in row 8" in found[9]
    assert "not a number" in found[10]
    assert found[11] == "label is missing"
    assert result.summary() == {"rows": 11, "accepted": 1, "rejected": 10, "resumes": 1,
                                "jobs": 1}


def test_text_is_normalised_before_duplicates_are_found() -> None:
    csv = 'resume,job,label\n"Data  engineer ",ETL role,0.8\nData engineer,ETL role,0.8\n'
    result = parse_pairs("p.csv", csv.encode())
    assert len(result.pairs) == 1
    assert messages(result) == {2: "exact duplicate of row 1"}


def test_semicolon_csv_with_decimal_commas_and_a_bom() -> None:
    data = "\ufeffresume;job;label\nData engineer;ETL role;0,75\n".encode()
    assert parse_pairs("p.csv", data).pairs[0].label == 0.75


def test_empty_and_unreadable_files_give_one_file_error(tmp_path) -> None:
    assert str(parse_pairs("p.csv", b"  \n").errors[0]) == "the file is empty"
    assert "cannot read" in str(load_pairs(tmp_path / "nope.csv").errors[0])


def test_datasets_round_trip_and_names_stay_unique(store: Store) -> None:
    pairs = [Pair("a", "b", 0.5), Pair("c", "d", 0.25)]
    dataset = save_dataset(store, "team labels", pairs)
    assert get_dataset(store, "team labels") == dataset == get_dataset(store, dataset.id)
    stored = dataset_pairs(store, dataset.id)
    assert [p for _, p in stored] == pairs
    assert pairs_by_id(store, [stored[1][0], 999]) == [pairs[1]]
    with pytest.raises(ValueError, match="exists already"):
        save_dataset(store, "team labels", pairs)
    assert unique_dataset_name(store, "team labels") == "team labels (2)"
    with pytest.raises(ValueError, match="no accepted pairs"):
        save_dataset(store, "empty", [])
    assert [d.name for d in list_datasets(store)] == ["team labels"]
    with pytest.raises(KeyError):
        get_dataset(store, "other")
