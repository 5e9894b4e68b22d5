"""``python -m resumatch eval-retrieval``: the table, the JSON last line, --out, filters and
readable errors. The model is swapped for a millisecond stand-in; the real model's numbers
are pinned in tests/unit/test_evaluation.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fixtures_docs import WordEncoder

import resumatch.pipeline
from resumatch.cli import build_parser, main
from resumatch.rank.evaluation import METHODS

ROWS = [
    ("1", "Data", "dev", "spark airflow kafka pipelines and sql"),
    ("2", "Data", "dev", "spark pipelines with python and sql"),
    ("3", "Data", "test", "kafka streaming"),
    ("4", "Nurse", "dev", "icu nurse ventilator patients"),
    ("5", "Nurse", "dev", "registered nurse icu care"),
    ("6", "Chef", "dev", "chef menus kitchen"),
    ("7", "Chef", "test", "sous chef"),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "resumes.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "category", "split", "text"])
        writer.writerows(ROWS)
    return path


@pytest.fixture(autouse=True)
def word_model(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setattr(resumatch.pipeline, "load_encoder",
                        lambda version, settings=None: WordEncoder(model_id=version.id))


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_prints_a_table_and_ends_with_one_json_object(data: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    out_file = tmp_path / "out" / "quality.json"
    assert main(["eval-retrieval", "--data", str(data), "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert "split dev" in lines[0] and "5 resumes" in lines[0] and "category names" in lines[0]
    assert lines[1].split() == ["method", "nDCG@10", "MRR", "P@10"]
    payload = last_json(out)
    assert list(payload) == list(METHODS)
    assert set(payload["default"]) == {"ndcg@10", "mrr", "p@10"}
    assert all(0.0 <= v <= 1.0 for m in payload.values() for v in m.values())
    assert json.loads(out_file.read_text()) == payload


def test_methods_queries_and_split_can_be_chosen(data: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    queries = tmp_path / "jobs.csv"
    queries.write_text("category,text\nData,Data engineer: Spark and Kafka\n"
                       "Chef,Chef for a busy kitchen\n", encoding="utf-8")
    code = main(["eval-retrieval", "--data", str(data), "--split", "test", "--queries",
                 str(queries), "--method", "bm25", "--method", "default"])
    assert code == 0
    out = capsys.readouterr().out
    assert "split test" in out and "2 resumes" in out and "jobs.csv" in out
    payload = last_json(out)
    assert list(payload) == ["bm25", "default"]
    assert payload["default"]["mrr"] == 1.0  # "kafka streaming" and "sous chef" are found


def test_categories_and_per_category_filter_the_pool(data: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    assert main(["eval-retrieval", "--data", str(data), "--categories", "Data,Nurse",
                 "--per-category", "1", "--method", "bm25"]) == 0
    assert "2 resumes, 2 categories" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--method", "tf-idf"], "unknown method"),
    (["--categories", "Pilot"], "unknown categories: Pilot"),
    (["--model", "v999"], "unknown model version"),
])
def test_mistakes_exit_2_with_a_readable_message(data: Path, capsys: pytest.CaptureFixture,
                                                 args: list[str], message: str) -> None:
    assert main(["eval-retrieval", "--data", str(data), *args]) == 2
    assert message in capsys.readouterr().err


def test_unknown_query_category_and_missing_data_are_errors(data: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture,
                                                            ) -> None:
    queries = tmp_path / "jobs.csv"
    queries.write_text("category,text\nPilot,Fly planes\n", encoding="utf-8")
    assert main(["eval-retrieval", "--data", str(data), "--queries", str(queries)]) == 2
    assert "categories not in the data" in capsys.readouterr().err
    assert main(["eval-retrieval", "--data", str(tmp_path / "nowhere")]) == 2
    assert "not found" in capsys.readouterr().err


def test_is_discovered_with_defaults() -> None:
    args = build_parser().parse_args(["eval-retrieval", "--data", "x"])
    assert (args.dataset, args.split, args.queries, args.method) == (
        "categories", "dev", None, None)
