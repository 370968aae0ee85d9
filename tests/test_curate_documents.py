"""The store keeps what each merged document is (schema 5): findings carry the cancer types and years of their
evidence and documents, and exports add the journals."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import query

from pipeline import curate
from pipeline.curate import export_findings, merge_run
from pipeline.engine import run_corpus

RECORDS = [
    {"pmid": "900201", "title": "miR-21 in melanoma", "abstract": "miR-21 confers resistance to temozolomide.",
     "year": 2019, "journal": "Invented Melanoma Research"},
    {"pmid": "900202", "title": "A study in hepatoma", "abstract": "miR-21 confers resistance to temozolomide.",
     "year": 2021, "journal": "Journal of Invented Hepatology"},
]  # fmt: skip


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    run_corpus([source], folder / "run")
    return folder / "run"


def _exported(db: Path, out: Path) -> dict[str, str]:
    export_findings(db, out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if row["partner"] == "temozolomide"]
    assert len(rows) == 1
    return rows[0]


def test_an_exported_finding_has_the_cancers_years_and_journals_of_its_documents(run_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "curated.db"
    merge_run(db, run_dir)
    row = _exported(db, tmp_path / "findings.tsv")
    assert (row["cancers"], row["years"], row["journals"]) == (
        "hepatocellular carcinoma;melanoma", "2019;2021", "Invented Melanoma Research;Journal of Invented Hepatology",
    )
    assert query(db, "SELECT doc_id, year, journal FROM documents ORDER BY doc_id") == [
        ("PMID:900201", "2019", "Invented Melanoma Research"), ("PMID:900202", "2021", "Journal of Invented Hepatology"),
    ]  # fmt: skip


def _make_schema_4(db: Path) -> None:
    """Turn a store into what mirmine wrote with schema 4: no documents table, no cancer and years columns."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("DROP TABLE documents")
        conn.execute("ALTER TABLE evidence DROP COLUMN cancer")
        conn.execute("ALTER TABLE findings DROP COLUMN cancers")
        conn.execute("ALTER TABLE findings DROP COLUMN years")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_schema_4_store_gains_documents_and_the_next_merge_fills_them(run_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "curated.db"
    merge_run(db, run_dir)
    decisions = query(db, "SELECT * FROM decisions")
    _make_schema_4(db)
    merge_run(db, run_dir)
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(curate.SCHEMA_VERSION),)]
    assert query(db, "SELECT * FROM decisions") == decisions
    row = _exported(db, tmp_path / "findings.tsv")
    assert (row["cancers"], row["years"]) == ("hepatocellular carcinoma;melanoma", "2019;2021")
