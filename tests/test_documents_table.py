"""documents.tsv: one row per document read, with what its input says it is (ids, title, journal, year) and how
much the run found in it; fixtures written here."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.engine import run_corpus
from pipeline.output import DOCUMENTS, RunFolder

MEDLINE = """PMID- 900001
DP  - 2021 May
TI  - miR-21 confers gemcitabine resistance in pancreatic cancer cells.
AB  - miR-21 confers gemcitabine resistance in PANC-1 cells by targeting PTEN.
LID - 10.1000/example.1 [doi]
JT  - Journal of Invented Results
PMC - PMC1234567

"""
PUBMED_XML = """<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>900002</PMID><Article>
<Journal><Title>Invented Oncology Letters</Title><JournalIssue><PubDate><Year>2019</Year></PubDate></JournalIssue></Journal>
<ArticleTitle>miR-200c and ZEB1.</ArticleTitle>
<Abstract><AbstractText>miR-200c directly targets ZEB1 in colon cancer cells.</AbstractText></Abstract>
</Article></MedlineCitation><PubmedData><ArticleIdList>
<ArticleId IdType="pubmed">900002</ArticleId><ArticleId IdType="pmc">PMC7654321</ArticleId><ArticleId IdType="doi">10.1000/example.2</ArticleId>
</ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>
"""
JSONL = {"pmid": "900003", "title": "A note without findings.", "abstract": "Nothing is said about any gene here.",
         "journal": "Invented Notes", "year": 2018, "doi": "10.1000/example.3"}  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("documents")
    (folder / "records.txt").write_text(MEDLINE, encoding="utf-8")
    (folder / "records.xml").write_text(PUBMED_XML, encoding="utf-8")
    (folder / "records.jsonl").write_text(json.dumps(JSONL) + "\n", encoding="utf-8")
    out = folder / "run"
    summary = run_corpus([folder / "records.txt", folder / "records.xml", folder / "records.jsonl"], out)
    assert summary.documents == 3 and not summary.errors
    return out


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / DOCUMENTS.file).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert tuple(reader.fieldnames or ()) == DOCUMENTS.columns
        return {row["doc_id"]: row for row in reader}


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [
        ("PMID:900001", {"pmid": "900001", "pmcid": "PMC1234567", "doi": "10.1000/example.1", "journal": "Journal of Invented Results", "year": "2021"}),
        ("PMID:900002", {"pmid": "900002", "pmcid": "PMC7654321", "doi": "10.1000/example.2", "journal": "Invented Oncology Letters", "year": "2019"}),
        ("PMID:900003", {"pmid": "900003", "pmcid": "", "doi": "10.1000/example.3", "journal": "Invented Notes", "year": "2018"}),
    ],
    ids=["medline", "pubmed-xml", "jsonl"],
)  # fmt: skip
def test_each_document_says_what_its_input_says_it_is(run: Path, doc_id: str, expected: dict[str, str]) -> None:
    row = _rows(run)[doc_id]
    assert {name: row[name] for name in expected} == expected
    assert row["title"] and row["source"].endswith(("records.txt", "records.xml", "records.jsonl"))


def test_the_counts_are_the_rows_of_the_documents_in_the_other_tables(run: Path) -> None:
    folder = RunFolder(run).check()
    mentions = Counter(m.doc_id for m in folder.mentions())
    relations = Counter(r.doc_id for r in folder.relations())
    documents = list(folder.documents())
    assert [d["doc_id"] for d in documents] == sorted(d["doc_id"] for d in documents)
    assert {d["doc_id"]: (d["n_mentions"], d["n_relations"]) for d in documents} == {
        doc_id: (mentions[doc_id], relations[doc_id]) for doc_id in ("PMID:900001", "PMID:900002", "PMID:900003")
    }
    assert relations["PMID:900001"] > 0 and relations["PMID:900003"] == 0


def test_the_sha256_is_of_the_document_text_as_read(run: Path) -> None:
    from pipeline.ingest import read_inputs

    texts = {d.doc_id: d.sha256 for d in read_inputs([run.parent / "records.xml"]) if hasattr(d, "sha256")}
    assert _rows(run)["PMID:900002"]["sha256"] == texts["PMID:900002"]


def test_a_jats_article_gives_its_pmcid_and_journal(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "data" / "fulltext" / "jats_article.xml"
    run_corpus([fixture], tmp_path / "run")
    (row,) = _rows(tmp_path / "run").values()
    assert (row["doc_id"], row["pmcid"], row["journal"]) == ("PMCID:PMC1234567", "PMC1234567", "Test Journal of Invented Findings")
