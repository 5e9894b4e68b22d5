"""Splitting documents into sentence/bullet passages for the pair explanation."""

from __future__ import annotations

from resumatch.ingest.passages import is_bullet, split_passages


def texts(text: str, **kwargs: int) -> list[str]:
    return [text[a:b] for a, b in split_passages(text, **kwargs)]


def test_bullets_lines_and_sentences_become_passages() -> None:
    text = ("Experience\n"
            "- Built batch ETL pipelines in PySpark for the sales warehouse.\n"
            "- Wrote Airflow DAGs with retries and alerts for every load.\n"
            "Led the data team of four people. Cut cloud costs by a third this year.")
    assert texts(text) == [
        "Experience\n- Built batch ETL pipelines in PySpark for the sales warehouse.",
        "- Wrote Airflow DAGs with retries and alerts for every load.",
        "Led the data team of four people.",
        "Cut cloud costs by a third this year.",
    ]


def test_short_pieces_merge_into_the_next_one() -> None:
    text = "Skills\n- Python and SQL\n- Spark. Airflow pipelines for ETL."
    assert texts(text, min_words=2) == ["Skills\n- Python and SQL", "- Spark.",
                                        "Airflow pipelines for ETL."]


def test_a_long_line_without_punctuation_is_cut_every_max_words() -> None:
    text = " ".join(f"w{i}" for i in range(130))
    got = texts(text, max_words=60)
    assert [len(p.split()) for p in got] == [60, 60, 10]
    assert got[0].startswith("w0 ") and got[-1].endswith("w129")


def test_spans_index_the_original_text_and_skip_blank_lines() -> None:
    text = "  First sentence is here.  \n\n\n   Second line has words too.   "
    spans = split_passages(text)
    assert [text[a:b] for a, b in spans] == ["First sentence is here.",
                                             "Second line has words too."]
    assert split_passages("") == [] and split_passages(" \n \n") == []


def test_is_bullet() -> None:
    assert all(is_bullet(p) for p in ["- SQL", "* SQL", "• SQL", "1. SQL", "12) SQL", "o SQL"])
    assert not any(is_bullet(p) for p in ["SQL", "Oracle DBA", "-SQL", "2023 to now"])


def test_a_hard_wrapped_sentence_or_bullet_stays_one_passage() -> None:
    text = ("After realizing how much I enjoyed store sales reports, I retrained as a data\n"
            "engineer and now build data pipelines full time.\n"
            "- Build batch ETL pipelines in PySpark that load point-of-sale and inventory\n"
            "data from S3 into a PostgreSQL and Snowflake warehouse.\n"
            "- Write and schedule Airflow DAGs with retries and alerts.")
    assert [" ".join(p.split()) for p in texts(text)] == [
        "After realizing how much I enjoyed store sales reports, I retrained as a data "
        "engineer and now build data pipelines full time.",
        "- Build batch ETL pipelines in PySpark that load point-of-sale and inventory data "
        "from S3 into a PostgreSQL and Snowflake warehouse.",
        "- Write and schedule Airflow DAGs with retries and alerts.",
    ]
