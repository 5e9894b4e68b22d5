"""Helpers the pool tests share (``from pool_support import ...``)."""

from __future__ import annotations

from resumatch.ingest.documents import Document, normalize_text
from resumatch.store import Store

ANN_V1 = normalize_text("""Ann Example
ann.example@mail.com | +1 (555) 010-2233 | Boston, MA
Data Engineer
Acme Analytics, Jan 2019 - Present
- Built Spark and Airflow pipelines into Snowflake
- Wrote complex SQL for finance dashboards
Data Analyst
Beta Corp, Jun 2015 - Dec 2018
- Python reporting, Tableau dashboards
Education
B.S. in Computer Science, State University, 2011 - 2015
""")

# A newer version of Ann's resume: one more bullet and a reworded line, same contact.
ANN_V2 = ANN_V1.replace("- Wrote complex SQL for finance dashboards",
                        "- Wrote complex SQL for finance and sales dashboards\n"
                        "- Led a team of three engineers on Kafka streaming")

BO = normalize_text("""Bo Sample
bo.sample@mail.com | 555 777 8899
ICU Registered Nurse | Mar 2012 - Feb 2020
City Hospital
- Critical care for ventilated patients, CCRN certified
Education
Bachelor of Science in Nursing, 2008 - 2012
""")

CY = normalize_text("""Cy Person
Welder, 2010 - 2014
High school diploma
""")


def doc(name: str, text: str) -> Document:
    return Document(name=name, text=text, source=f"{name}.txt")


def rows_mentioning(store: Store, texts: list[str], hashes: list[str]) -> dict[str, int]:
    """Rows of every table that hold one of ``texts`` (in any text or blob column) or one
    of ``hashes`` (anywhere but the audit log, which names documents by hash on purpose).
    Works on both store engines."""
    found: dict[str, int] = {}
    with store.connect(read_only=True) as conn:
        for table in store.tables():
            needles = texts if table == "audit" else texts + hashes
            for row in conn.execute(f"SELECT * FROM {table}").fetchall():
                values = [row[key] for key in row.keys()]
                cells = " ".join(str(c) for c in values if isinstance(c, str))
                blobs = b"".join(bytes(c) for c in values if isinstance(c, bytes | memoryview))
                if any(n in cells or n.encode() in blobs for n in needles):
                    found[table] = found.get(table, 0) + 1
    return found
