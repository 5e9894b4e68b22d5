"""Every case in ``../shared/cases/documents/`` meets its ``expect.txt`` through the CLI.

Each case's resumes (``r/``) and job (``j/``) go through ``rank``, ``compare`` and ``text``
exactly as a user runs them (``resumatch.cli.main`` in this process, so the model loads
fast; stdout and stderr captured), into one data directory shared by the module.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from paths import SHARED_CASES

from resumatch.cli import main

DISTRACTORS = {"desmond_okafor_nurse", "marisol_teague_accountant", "priya_hallworth_retail"}

pytestmark = pytest.mark.skipif(not SHARED_CASES.is_dir(), reason="no shared cases here")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def cli(*args: str | Path) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Run(code, out.getvalue(), err.getvalue())


class Cases:
    """Runs each case once (lazily) and keeps the results for every test of the module."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._rank: dict[str, tuple[Run, pd.DataFrame]] = {}
        self._compare: dict[str, tuple[Run, pd.DataFrame]] = {}

    @staticmethod
    def folder(case: str) -> Path:
        return next(SHARED_CASES.glob(f"{case}_*"))

    def job(self, case: str) -> Path:
        return next((self.folder(case) / "j").iterdir())

    def resume(self, case: str, name: str) -> Path:
        return self.folder(case) / "r" / name

    def rank(self, case: str, *extra: str) -> tuple[Run, pd.DataFrame]:
        key = case + "".join(extra)
        if key not in self._rank:
            out = self.root / f"{key}.matches.csv"
            run = cli("rank", "--resumes", self.folder(case) / "r", "--jobs",
                      self.folder(case) / "j", "--out", out, "--quiet", *extra)
            table = pd.read_csv(out, keep_default_na=False) if out.exists() else pd.DataFrame()
            self._rank[key] = (run, table)
        return self._rank[key]

    def ranking(self, case: str) -> list[str]:
        _, table = self.rank(case)
        return table.sort_values("rank")["resume"].tolist()

    def compare(self, case: str) -> tuple[Run, pd.DataFrame]:
        if case not in self._compare:
            out = self.root / f"{case}.compare.csv"
            run = cli("compare", "--job", self.job(case), "--resumes",
                      self.folder(case) / "r", "--out", out, "--quiet")
            assert run.code == 0, run.stderr
            self._compare[case] = (run, pd.read_csv(out, keep_default_na=False))
        return self._compare[case]

    def text(self, case: str, name: str) -> Run:
        run = cli("text", self.resume(case, name))
        assert run.code == 0, run.stderr
        return run


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Cases:
    root = tmp_path_factory.mktemp("cases")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESUMATCH_DATA_DIR", str(root / "data"))
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield Cases(root)


def above(ranking: list[str], first: str, *others: str) -> bool:
    return all(ranking.index(first) < ranking.index(o) for o in others)


def scored_text(cases: Cases, case: str, name: str) -> str:
    """What ``text`` prints: exactly the scored text (one trailing newline from print)."""
    return cases.text(case, name).stdout.removesuffix("\n")


# -- 01 two-column PDF ---------------------------------------------------------------------

LEFT_COLUMN = ["EXPERIENCE", "Northwind Cloud", "Operated production clusters",
               "forty microservices", "Wrote modules", "managed databases", "canary deploys",
               "automatic rollbacks", "alerting and dashboards", "on-call rotation"]
RIGHT_COLUMN = ["SKILLS", "Kubernetes", "Helm", "Terraform", "Prometheus", "GitLab CI",
                "Linux", "Go, Python", "EDUCATION", "BSc Computer Science", "Lakeside",
                "Portuguese"]


def test_01_two_columns_are_read_column_by_column(cases: Cases) -> None:
    lines = scored_text(cases, "01", "aria_velasquez.pdf").split("\n")
    left = [i for i, line in enumerate(lines) if any(m in line for m in LEFT_COLUMN)]
    right = [i for i, line in enumerate(lines) if any(m in line for m in RIGHT_COLUMN)]
    assert not set(left) & set(right), "a line mixes the two columns"
    assert len(left) == 10 and len(right) == 11
    assert max(left) < min(right), "the left column is read before the right one"
    assert cases.ranking("01")[0] == "aria_velasquez"


# -- 02 ligatures ----------------------------------------------------------------------------

def test_02_ligatures_are_expanded_and_owen_ranks_first(cases: Cases) -> None:
    text = scored_text(cases, "02", "owen_castellanos.pdf")
    for word in ("Certified", "workflows", "Configuration", "office", "Proficient"):
        assert word in text
    assert not re.search("[\ufb00-\ufb06]", text)
    assert cases.ranking("02")[0] == "owen_castellanos"


# -- 03 nested table -------------------------------------------------------------------------

def test_03_a_table_nested_in_a_cell_is_read(cases: Cases) -> None:
    run = cases.text("03", "jonas_everhart.docx")
    for word in ("Kubernetes", "Terraform", "Prometheus"):
        assert word in run.stdout
    assert "jonas_everhart.docx: parts read: body, 2 tables (1 nested)" in run.stderr
    _, table = cases.compare("03")
    kubernetes = table[(table["candidate"] == "jonas_everhart")
                       & table["requirement"].str.contains("Kubernetes")]
    assert kubernetes["status"].tolist() == ["evidence"]
    assert "Kubernetes" in kubernetes["evidence"].iloc[0]
    assert above(cases.ranking("03"), "jonas_everhart", "ivo_brennan_helpdesk")


# -- 04 text box and header ------------------------------------------------------------------

def test_04_text_box_and_header_are_read(cases: Cases) -> None:
    run = cases.text("04", "lena_marchetti.docx")
    for words in ("Kubernetes", "Terraform", "Platform Engineer"):
        assert words in run.stdout
    assert run.stdout.count("Core skills") == 1, "the VML fallback is read once"
    assert "1 text box" in run.stderr and "1 header" in run.stderr
    ranking = cases.ranking("04")
    assert ranking[0] == "lena_marchetti"
    assert above(ranking, "lena_marchetti", "ivo_brennan_helpdesk")


# -- 07 words set apart by positioning -------------------------------------------------------

@pytest.mark.parametrize("name", ["kai_lindqvist_tj.pdf", "sana_okoro_td.pdf"])
def test_07_words_set_apart_by_positioning_are_separated(cases: Cases, name: str) -> None:
    text = scored_text(cases, "07", name)
    assert re.search(r"(?<![A-Za-z])Kubernetes(?![A-Za-z])", text)
    assert "operatedKubernetes" not in text and "productionKubernetes" not in text
    ranking = cases.ranking("07")
    assert above(ranking, Path(name).stem, *DISTRACTORS)


# -- 08 scanned PDF --------------------------------------------------------------------------

def test_08_a_scan_is_read_by_ocr_and_marked_wherever_shown(cases: Cases) -> None:
    run = cases.text("08", "hugo_petrakis_scan.pdf")
    assert "Kubernetes" in run.stdout and "Terraform" in run.stdout
    assert "hugo_petrakis_scan.pdf: read by OCR (1 page, mean confidence" in run.stderr
    assert "hugo_petrakis_scan.pdf: OCR page 1 of 1" in run.stderr  # the progress note
    rank_run, table = cases.rank("08")
    assert "hugo_petrakis_scan.pdf: read by OCR" in rank_run.stderr
    notes = table.set_index("resume")["reading_notes"]
    assert notes["hugo_petrakis_scan"].startswith("read by OCR (1 page")
    assert notes["rafael_duarte_kim"] == ""
    assert set(cases.ranking("08")[:2]) == {"hugo_petrakis_scan", "rafael_duarte_kim"}


def test_08_without_an_ocr_engine_the_scan_gets_a_clear_message(
        cases: Cases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract anywhere on PATH
    out = tmp_path / "matches.csv"
    run = cli("rank", "--resumes", cases.folder("08") / "r", "--jobs",
              cases.folder("08") / "j", "--out", out, "--quiet")
    assert run.code == 0, run.stderr
    assert ("hugo_petrakis_scan.pdf: no text found in the PDF (scanned image?) and no OCR "
            "engine installed") in run.stderr
    table = pd.read_csv(out)
    assert set(table["resume"]) == {"rafael_duarte_kim", *DISTRACTORS}
    assert table.sort_values("rank")["resume"].iloc[0] == "rafael_duarte_kim"


# -- 09 more formats -------------------------------------------------------------------------

def test_09_every_file_in_the_folder_is_read_or_named_with_its_reason(cases: Cases) -> None:
    run, table = cases.rank("09")
    assert run.code == 0
    ranked = set(table["resume"])
    assert {"felix_oduya", "yara_mbeki"} <= ranked  # RTF and ODT are read now
    assert ranked == {"felix_oduya", "yara_mbeki", "rafael_duarte_kim",
                      "desmond_okafor_nurse", "marisol_teague_accountant"}
    # greta_sole.doc is not a Word file antiword can read: named, with what to do.
    doc_lines = [line for line in run.stderr.splitlines() if line.startswith("greta_sole.doc: ")]
    assert len(doc_lines) == 1
    assert "legacy Word/Office file (.doc)" in doc_lines[0]
    assert "save it as DOCX or PDF" in doc_lines[0]
    assert "Kubernetes" in scored_text(cases, "09", "felix_oduya.rtf")
    assert "Terraform" in scored_text(cases, "09", "yara_mbeki.odt")


def test_09_strict_exits_2_when_a_file_was_not_read(cases: Cases) -> None:
    run, _ = cases.rank("09", "--strict")
    assert run.code == 2
    assert "greta_sole.doc: legacy Word/Office file" in run.stderr


# -- 10 CSV formula injection ----------------------------------------------------------------

def _cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_10_no_exported_cell_is_a_live_formula(cases: Cases) -> None:
    cases.rank("10")
    cases.compare("10")
    for name in ("10.matches.csv", "10.compare.csv"):
        cells = _cells(cases.root / name)
        live = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                and not _is_number(c)]
        assert live == [], (name, live)
    _, table = cases.rank("10")
    names = set(table["resume"])
    assert len(names) == 4  # the Excel CSV (BOM, CRLF) gives its four rows
    # A name cell with "/" is a name, not a path: it is kept whole (and neutralised).
    assert any(n.startswith("'=HYPERLINK(\"http://example.invalid/?d=") for n in names)


# -- 11 HTML job -----------------------------------------------------------------------------

LIST_ITEMS = ["5+ years operating Kubernetes in production",
              "Infrastructure as code with Terraform",
              "CI/CD pipelines with GitLab CI & GitHub Actions",
              "Monitoring and alerting with Prometheus & Grafana",
              "Strong Linux and networking fundamentals"]


def test_11_a_job_pasted_from_a_web_page_is_cleaned(cases: Cases) -> None:
    run = cli("text", cases.job("11"))
    assert "parts read: HTML cleaned to text" in run.stderr
    _, table = cases.compare("11")
    requirements = list(dict.fromkeys(table["requirement"]))
    for bad in ("<li>", "</", "&amp;", "&nbsp;", "&rsquo;"):
        assert not any(bad in r for r in requirements), bad
    required = list(dict.fromkeys(table.loc[table["kind"] == "required", "requirement"]))
    assert required == LIST_ITEMS
    # The sentence after the list ("Nice to have: Go or Python scripting.") is the post's
    # nice-to-have item, not a requirement.
    assert set(requirements) - set(LIST_ITEMS) <= {"Go or Python scripting."}
    assert set(table.loc[table["requirement"] == "Go or Python scripting.", "kind"]) <= {
        "preferred"}
    assert cases.ranking("11")[0] == "rafael_duarte_kim"


# -- 12 multilingual -------------------------------------------------------------------------

def test_12_spanish_and_german_platform_engineers_rank_above_the_rest(cases: Cases) -> None:
    ranking = cases.ranking("12")
    for name in ("lucia_santamaria_es", "matthias_krebber_de"):
        assert above(ranking, name, *DISTRACTORS)


# -- 13 keyword stuffing ---------------------------------------------------------------------

def test_13_hidden_keywords_are_not_scored_and_flagged(cases: Cases) -> None:
    run = cases.text("13", "bea_lintott_hidden.pdf")
    assert "Kubernetes" not in run.stdout and "Barista" in run.stdout
    flag = re.search(r"bea_lintott_hidden\.pdf: hidden text: (\d+) words not scored",
                     run.stderr)
    assert flag and int(flag.group(1)) > 100
    rank_run, table = cases.rank("13")
    assert f"bea_lintott_hidden.pdf: hidden text: {flag.group(1)} words not scored" \
        in rank_run.stderr
    notes = table.set_index("resume")["reading_notes"]
    assert notes["bea_lintott_hidden"] == f"hidden text: {flag.group(1)} words not scored"
    ranking = cases.ranking("13")
    assert ranking[0] == "rafael_duarte_kim"
    assert above(ranking, "rafael_duarte_kim", "bea_lintott_hidden")


def test_13_a_bare_keyword_list_does_not_rank_first(cases: Cases) -> None:
    assert cases.ranking("13")[0] != "keyword_list_only"


# -- 14 long resume, relevant tail ------------------------------------------------------------

def test_14_the_tail_of_a_long_resume_counts(cases: Cases) -> None:
    assert cases.ranking("14")[0] == "wren_abernathy"
    text = scored_text(cases, "14", "wren_abernathy.txt")
    _, table = cases.compare("14")
    wren = table[table["candidate"] == "wren_abernathy"]
    for skill in ("Kubernetes", "Terraform"):
        row = wren[wren["requirement"].str.contains(skill)]
        assert row["status"].tolist() == ["evidence"], skill
        evidence = row["evidence"].iloc[0].removeprefix("'")  # the CSV's formula guard
        start = text.find(evidence)
        assert start >= 0 and start > 0.9 * len(text), (skill, evidence)


# -- 15 duplicates ---------------------------------------------------------------------------

def test_15_copies_are_dropped_visibly(cases: Cases) -> None:
    run, table = cases.rank("15")
    rafael = {"Rafael_CV_final_v2", "rafael_duarte_kim", "rdk_resume_windows"}
    kept = rafael & set(table["resume"])
    assert len(kept) == 1
    for dropped in rafael - kept:
        assert f"{dropped}.txt: same text as " in run.stderr


# -- 16 symbol-font bullets and ALL CAPS --------------------------------------------------------

def test_16_symbol_font_bullets_become_ordinary_bullets(cases: Cases) -> None:
    text = scored_text(cases, "16", "noor_haddad.txt")
    assert not re.search("[\ue000-\uf8ff]", text)
    assert "• OPERATED PRODUCTION KUBERNETES CLUSTERS" in text
    assert "• GITLAB CI PIPELINES" in text and "• LINUX AND TCP/IP" in text  # ▪ and ➢
    cases.rank("16")
    cases.compare("16")
    for name in ("16.matches.csv", "16.compare.csv"):
        assert not re.search("[\ue000-\uf8ff]", (cases.root / name).read_text("utf-8"))


def test_16_all_caps_skills_are_matched_like_ordinary_case(cases: Cases) -> None:
    _, table = cases.rank("16")
    noor = table[table["resume"] == "noor_haddad"].iloc[0]
    for skill in ("Kubernetes", "Terraform", "Prometheus"):
        assert skill.lower() in noor["matched_terms"].lower()
        assert skill.lower() not in noor["missing_terms"].lower()
    _, compared = cases.compare("16")
    status = compared.pivot(index="requirement", columns="candidate", values="status")
    assert status["noor_haddad"].tolist() == status["noor_haddad_control_titlecase"].tolist()


# -- 17 one-line resume ------------------------------------------------------------------------

def test_17_a_one_word_resume_is_read_and_does_not_win(cases: Cases) -> None:
    run, table = cases.rank("17")
    assert run.code == 0
    assert cases.ranking("17")[0] == "tariq_bellamy"
    assert table.set_index("resume").loc["sql_only", "fit"] < 50


def test_17_a_one_word_resume_is_marked_too_short_to_judge(cases: Cases) -> None:
    run, table = cases.rank("17")
    row = table[table["resume"] == "sql_only"].astype(str).iloc[0]
    assert any("too short" in cell or "too little text" in cell for cell in row)
    assert "sql_only" in run.stderr and ("too short" in run.stderr
                                          or "too little text" in run.stderr)


# -- 19 text encodings -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "person", "apostrophe"), [
    ("zoe_aldana_utf16.txt", "Zoë", "I'm"), ("bjorn_castellvi_cp1252.txt", "Björn", "I've")])
def test_19_windows_encodings_are_decoded(cases: Cases, name: str, person: str,
                                          apostrophe: str) -> None:
    text = scored_text(cases, "19", name)
    assert person in text and apostrophe in text
    assert "\ufffd" not in text and "Ã" not in text and "â€" not in text
    assert above(cases.ranking("19"), Path(name).stem, *DISTRACTORS)


def test_every_case_folder_has_a_test() -> None:
    tested = {"01", "02", "03", "04", "07", "08", "09", "10", "11", "12", "13", "14", "15",
              "16", "17", "19"}
    present = {p.name[:2] for p in SHARED_CASES.iterdir() if p.is_dir()}
    assert present <= tested, present - tested
    assert os.path.isdir(SHARED_CASES)
