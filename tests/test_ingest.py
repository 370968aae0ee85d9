"""Tests for pipeline.ingest: format detection, each reader, the section spans of the seeds, and bad input."""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import os
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS, shared_file
from pdf_fixture import HEADER, TITLE, write_blank_pdf, write_two_column_pdf

from pipeline.ingest import (
    IngestError,
    detect_format,
    detect_sections,
    join_lines,
    read_front_matter,
    read_inputs,
    read_jsonl,
    read_medline,
    read_pdf,
    read_pubmed_xml,
    read_text,
)
from pipeline.schema import Document, InputError

HERE = Path(__file__).parent
DATA = HERE / "data" / "ingest"
# Real samples live outside the repo and are not committed; tests that use them skip when they are absent.
MEDLINE_SAMPLE = ("samples", "pubmed_medline_sample.txt")
BENCH_JSONL = ("bench", "mirna_abstracts.jsonl")

SEED_000 = "000_489cf45e75e804de.txt"
SEED_001 = "001_32c76e4c60258c72.txt"
SEED_003 = "003_73dc42a11a2ec70b.txt"
SEEDS = (SEED_000, SEED_001, SEED_003)

MEDLINE_RECORD = b"PMID- 123\nDP  - 2020\nTI  - A title.\nAB  - An abstract.\n"
PUBMED_XML = b'<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>\n'


@functools.cache
def seed(name: str) -> Document:
    """A seed paper read once per test session."""
    return next(read_text(CORPUS / name))


def section_at(doc: Document, snippet: str) -> tuple[str, str] | None:
    """(label, name) of the section holding the first character of ``snippet``."""
    section = doc.section_at(doc.text.index(snippet))
    return (section.label, section.name) if section else None


def section_texts(doc: Document, label: str) -> list[str]:
    return [doc.text[s.start: s.end] for s in doc.sections if s.label == label]


def only_errors(results: list[Document | InputError]) -> list[InputError]:
    return [result for result in results if isinstance(result, InputError)]


def only_documents(results: list[Document | InputError]) -> list[Document]:
    return [result for result in results if isinstance(result, Document)]


# ------------------------------------------------------------------------------------------------ format detection


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        pytest.param("paper.txt", b"A title\n\nAn abstract.\n", "txt", id="plain-text"),
        pytest.param("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf", id="pdf"),
        pytest.param("paper.bin", b"%PDF-1.4\n", "pdf", id="pdf-by-content-not-extension"),
        pytest.param("pubmed-export.txt", MEDLINE_RECORD, "medline", id="medline-in-txt"),
        pytest.param("pubmed-export.txt", b"\n\n" + MEDLINE_RECORD.replace(b"\n", b"\r\n"), "medline",
                     id="medline-crlf-leading-blank"),
        pytest.param("citations.nbib", b"TI  - A title.\nAB  - An abstract.\n", "medline", id="nbib-tags-without-pmid"),
        pytest.param("citations.txt", b"TI  - A title.\nAB  - An abstract.\n", "txt", id="tags-without-pmid-in-txt"),
        pytest.param("records.jsonl", b'{"pmid": "1", "title": "T"}\n', "jsonl", id="jsonl"),
        pytest.param("records.txt", b'\n{"id": "a", "text": "T"}\n{"id": "b", "text": "U"}\n', "jsonl",
                     id="jsonl-in-txt"),
        pytest.param("pubmed.xml", PUBMED_XML, "pubmed_xml", id="pubmed-xml"),
        pytest.param("pubmed.txt", b"<PubmedArticle>\n<MedlineCitation/>\n</PubmedArticle>", "pubmed_xml",
                     id="pubmed-article-root-in-txt"),
        pytest.param("note.txt", b"<https://doi.org/10.1515/x>\n\nText.", "txt", id="text-starting-with-link"),
        pytest.param("paper.txt", "Résumé naïve".encode("cp1252"), "txt", id="cp1252-text"),
        pytest.param("paper.txt", "A title\n\nβ-catenin.".encode("utf-16"), "txt", id="utf16-text"),
    ],
)
def test_detect_format_reads_content(name: str, head: bytes, expected: str) -> None:
    assert detect_format(Path(name), head) == expected


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        pytest.param("paper.txt", b"", "empty file", id="empty"),
        pytest.param("paper.txt", b"\n \t\n", "empty file", id="whitespace-only"),
        pytest.param("paper.txt", b"abc\x00\x01\x02def", "binary file", id="nul-bytes"),
        pytest.param("paper.txt", b"PK\x03\x04\x14\x00", "zip archive", id="zip"),
        pytest.param("paper.txt", b"\x1f\x8b\x08\x00", "gzip archive", id="gzip"),
        pytest.param("figure.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image", id="png"),
        pytest.param("feed.xml", b'<?xml version="1.0"?>\n<rss/>', "root element <rss>", id="other-xml"),
    ],
)
def test_detect_format_rejects_unknown_content(name: str, head: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        detect_format(Path(name), head)


# ------------------------------------------------------------------------------------------------ plain text


@pytest.mark.parametrize(
    ("raw", "expected_text", "expected_encoding"),
    [
        pytest.param("miR‐126 and β-catenin".encode("utf-8"), "miR‐126 and β-catenin", "utf-8", id="utf8"),
        pytest.param(b"\xef\xbb\xbf" + "miR‐126 text".encode(), "miR‐126 text", "utf-8", id="utf8-bom-stripped"),
        pytest.param("TGF-β text".encode("utf-16"), "TGF-β text", "utf-16", id="utf16-bom"),
        pytest.param(b"\xfe\xff" + "TGF-β text".encode("utf-16-be"), "TGF-β text", "utf-16", id="utf16-be-bom"),
        pytest.param(
            "Résumé of the naïve café study: “quoted” miR-21 was elevated in 50 % of cases.".encode("cp1252"),
            "Résumé of the naïve café study: “quoted” miR-21 was elevated in 50 % of cases.",
            "cp1252",
            id="cp1252-detected",
        ),
    ],
)
def test_read_text_decodes_and_records_encoding(tmp_path: Path, raw: bytes, expected_text: str,
                                                expected_encoding: str) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes(raw)
    doc = next(read_text(path))
    assert (doc.text, doc.encoding) == (expected_text, expected_encoding)


def test_read_text_refuses_an_encoding_it_cannot_tell(tmp_path: Path) -> None:
    path = tmp_path / "greek.txt"
    path.write_bytes("Η μελέτη έδειξε ότι το miR-21 αυξάνεται".encode("iso-8859-7"))
    with pytest.raises(IngestError, match="re-save it as UTF-8"):
        next(read_text(path))


def test_read_text_normalises_only_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes("Title of it\r\n\r\nmiR‐126 and TGF- β raise\rresistance.".encode())
    assert next(read_text(path)).text == "Title of it\n\nmiR‐126 and TGF- β raise\nresistance."


def test_read_text_keeps_seed_text_exactly() -> None:
    assert seed(SEED_000).text == (CORPUS / SEED_000).read_text(encoding="utf-8")


def test_read_text_doc_id_is_file_stem() -> None:
    assert seed(SEED_003).doc_id == "003_73dc42a11a2ec70b"


# ------------------------------------------------------------------------------------------------ seed sections


@pytest.mark.parametrize(
    ("name", "snippet", "label"),
    [
        pytest.param(SEED_000, "z-logo", "other", id="000-logo"),
        pytest.param(SEED_000, "open-access-imgOpen Access", "other", id="000-open-access"),
        pytest.param(SEED_000, "miR‐126 reduces trastuzumab resistance", "title", id="000-title"),
        pytest.param(SEED_000, "Author(s) -", "other", id="000-authors-key"),
        pytest.param(SEED_000, "Tong JingShan", "other", id="000-author-value"),
        pytest.param(SEED_000, "Publication year - 2020", "other", id="000-year-line"),
        pytest.param(SEED_000, "journal of cellular and molecular medicine", "other", id="000-journal-value"),
        pytest.param(SEED_000, "DOI - 10.1111", "other", id="000-doi-line"),
        pytest.param(SEED_000, "Subject(s) - trastuzumab", "other", id="000-subjects"),
        pytest.param(SEED_000, "MicroRNAs (miRNAs) have been found", "abstract", id="000-abstract"),
        pytest.param(SEED_000, "The content you want is available", "other", id="000-portal-notice"),
        pytest.param(SEED_000, "Already have an account?", "other", id="000-sign-in"),
        pytest.param(SEED_000, "Having issues?", "other", id="000-contact"),
        pytest.param(SEED_001, "Turkish Journal of Biology", "other", id="001-journal-name"),
        pytest.param(SEED_001, "Author ORCID Identifier", "other", id="001-orcid"),
        pytest.param(SEED_001, "Background/aim:", "abstract", id="001-structured-abstract-start"),
        pytest.param(SEED_001, "Conclusion: In conclusion", "abstract", id="001-structured-abstract-end"),
        pytest.param(SEED_001, "Bidirectional molecular crosstalk", "other", id="001-keyword-line"),
        pytest.param(SEED_001, "First Page", "other", id="001-first-page"),
        pytest.param(SEED_001, "Last Page", "other", id="001-last-page"),
        pytest.param(SEED_001, "Included in", "other", id="001-included-in"),
        pytest.param(SEED_001, "Biology Commons", "other", id="001-commons"),
        pytest.param(SEED_003, "Review Article", "other", id="003-article-type"),
        pytest.param(SEED_003, "Reza Amiri, Poorya", "other", id="003-author-line"),
        pytest.param(SEED_003, "Crosstalk between miRNAs and signaling", "title", id="003-title"),
        pytest.param(SEED_003, "<https://doi.org/", "other", id="003-doi-link"),
        pytest.param(SEED_003, "Received October 24", "other", id="003-received"),
        pytest.param(SEED_003, "published online", "other", id="003-published"),
        pytest.param(SEED_003, "Abstract:", "other", id="003-abstract-label"),
        pytest.param(SEED_003, "One of the biggest challenges", "abstract", id="003-abstract"),
        pytest.param(SEED_003, "that miRNAs control cellular", "abstract", id="003-abstract-after-page-break"),
        pytest.param(SEED_003, "Keywords:", "other", id="003-keywords"),
        pytest.param(SEED_003, "Introduction\n", "body", id="003-first-heading"),
        pytest.param(SEED_003, "Contrary to the increasing", "body", id="003-body"),
        pytest.param(SEED_003, "*Corresponding authors", "other", id="003-corresponding-footnote"),
        pytest.param(SEED_003, "Reza Amiri, Nargund College", "other", id="003-affiliation"),
        pytest.param(SEED_003, "Alireza Nouhi Kararoudi, Department", "other", id="003-last-affiliation"),
        pytest.param(SEED_003, "ATP-binding cassette (ABC) transporter", "body", id="003-body-after-footnote"),
        pytest.param(SEED_003, "suppressors, resulting", "body", id="003-lowercase-continuation"),
        pytest.param(SEED_003, "Figure 1: miRNA biosynthesis", "other", id="003-figure-caption"),
        pytest.param(SEED_003, "Table 1: miRNAs that regulate", "table", id="003-table-caption"),
        pytest.param(SEED_003, "Anastrozole\tmiR-125b", "table", id="003-table-row"),
        pytest.param(SEED_003, "matrix. Cellular components", "body", id="003-body-after-table"),
        pytest.param(SEED_003, "in BC is low, while", "body", id="003-body-after-figure"),
        pytest.param(SEED_003, "Acknowledgments:", "other", id="003-acknowledgments"),
        pytest.param(SEED_003, "Research ethics:", "other", id="003-ethics"),
        pytest.param(SEED_003, "and data collecting", "other", id="003-contributions-continued"),
        pytest.param(SEED_003, "Use of Large Language Models", "other", id="003-llm-statement"),
        pytest.param(SEED_003, "Data availability", "other", id="003-data-availability"),
        pytest.param(SEED_003, "References\n", "other", id="003-references-heading"),
        pytest.param(SEED_003, "- Giaquinto AN", "reference", id="003-bullet-reference"),
        pytest.param(SEED_003, "112. Chen X", "reference", id="003-numbered-reference"),
    ],
)
def test_seed_block_label(name: str, snippet: str, label: str) -> None:
    assert section_at(seed(name), snippet)[0] == label


@pytest.mark.parametrize(
    ("snippet", "name"),
    [
        pytest.param("Contrary to the increasing", "Introduction", id="introduction"),
        pytest.param("ATP-binding cassette (ABC) transporter, adaptive", "Introduction", id="introduction-resumed"),
        pytest.param("suppressors, resulting", "BC", id="continuation-keeps-heading"),
        pytest.param("One of the main problems in cancer treatment", "Drug resistance", id="drug-resistance"),
        pytest.param("miRNAs, which are non-coding", "miRNAs", id="lowercase-heading"),
        pytest.param("matrix. Cellular components", "Tumor microenvironment in drug resistance of BC",
                     id="continuation-after-table"),
        pytest.param("in BC is low, while", "Interaction between signaling pathways and miRNAs in BC",
                     id="continuation-after-figure"),
        pytest.param("Table 1: miRNAs", "Table 1", id="table"),
        pytest.param("- Giaquinto AN", "1", id="first-bullet-reference"),
        pytest.param("- Sun Y-S, Zhao Z", "18", id="last-bullet-reference"),
        pytest.param("19. Sun YS", "19", id="first-numbered-reference"),
        pytest.param("112. Chen X", "112", id="last-reference"),
    ],
)
def test_seed_003_section_name(snippet: str, name: str) -> None:
    assert section_at(seed(SEED_003), snippet)[1] == name


@pytest.mark.parametrize(
    ("name", "field", "expected"),
    [
        pytest.param(SEED_000, "title",
                     "miR‐126 reduces trastuzumab resistance by targeting PIK3R2 and regulating AKT/mTOR pathway "
                     "in breast cancer cells", id="000-title"),
        pytest.param(SEED_000, "doi", "10.1111/jcmm.15396", id="000-doi"),
        pytest.param(SEED_000, "year", 2020, id="000-year"),
        pytest.param(SEED_001, "title", None, id="001-journal-is-not-title"),
        pytest.param(SEED_001, "doi", None, id="001-no-doi"),
        pytest.param(SEED_001, "year", None, id="001-no-year"),
        pytest.param(SEED_003, "title",
                     "Crosstalk between miRNAs and signaling pathways in the development of drug resistance in "
                     "breast cancer", id="003-title"),
        pytest.param(SEED_003, "doi", "10.1515/hmbci-2024-0066", id="003-doi"),
        pytest.param(SEED_003, "year", 2024, id="003-year"),
    ],
)
def test_seed_front_matter(name: str, field: str, expected: object) -> None:
    assert getattr(seed(name), field) == expected


def test_seed_003_has_112_references_numbered_in_order() -> None:
    names = [s.name for s in seed(SEED_003).sections if s.label == "reference"]
    assert names == [str(n) for n in range(1, 113)]


def test_seed_003_has_one_table_spanning_caption_and_rows() -> None:
    tables = section_texts(seed(SEED_003), "table")
    assert [(t[:8], t.endswith("mir-200c\t[31, 112]"), t.count("\n")) for t in tables] == [("Table 1:", True, 15)]


def test_seed_003_abstract_excludes_label_and_spans_page_break() -> None:
    abstracts = section_texts(seed(SEED_003), "abstract")
    assert [(a[:18], a[-37:]) for a in abstracts] == [
        ("One of the biggest", "development of drug resistance in BC.")
    ]


def test_seed_000_abstract_is_the_one_long_paragraph() -> None:
    abstracts = section_texts(seed(SEED_000), "abstract")
    assert [(a[:20], a[-20:]) for a in abstracts] == [("MicroRNAs (miRNAs) h", "breast cancer cells.")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(SEED_000, {"other": 3, "title": 1, "abstract": 1}, id="000"),
        pytest.param(SEED_001, {"other": 2, "abstract": 1}, id="001"),
    ],
)
def test_seed_label_counts(name: str, expected: dict[str, int]) -> None:
    assert Counter(s.label for s in seed(name).sections) == expected


@pytest.mark.parametrize("name", SEEDS)
def test_seed_spans_are_stripped_and_non_empty(name: str) -> None:
    doc = seed(name)
    spans = [doc.text[s.start: s.end] for s in doc.sections]
    assert [span for span in spans if not span or span != span.strip()] == []


@pytest.mark.parametrize("name", SEEDS)
def test_seed_spans_are_ordered_and_disjoint(name: str) -> None:
    sections = seed(name).sections
    assert all(a.end <= b.start for a, b in zip(sections, sections[1:]))


@pytest.mark.parametrize("name", SEEDS)
def test_seed_neighbours_with_same_label_are_merged(name: str) -> None:
    doc = seed(name)
    unmerged = [
        (a, b) for a, b in zip(doc.sections, doc.sections[1:])
        if (a.label, a.name) == (b.label, b.name) and not doc.text[a.end: b.start].strip()
    ]
    assert unmerged == []


# ------------------------------------------------------------------------------------------------ other plain texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "miR-21 confers doxorubicin resistance in MCF-7 cells\n\nWe found that miR-21 is upregulated in "
            "resistant MCF-7/ADR cells. Knockdown of miR-21 restored sensitivity to doxorubicin.\n",
            ["title", "abstract"], id="title-then-abstract",
        ),
        pytest.param(
            "miR-21 confers doxorubicin resistance in MCF-7 cells\nWe found that miR-21 is upregulated in "
            "resistant MCF-7/ADR cells. Knockdown of miR-21 restored sensitivity to doxorubicin.",
            ["title", "abstract"], id="title-line-then-abstract-line",
        ),
        pytest.param(
            "We found that miR-21 is upregulated in resistant MCF-7/ADR cells. Knockdown of miR-21 restored "
            "sensitivity to doxorubicin.", ["abstract"], id="one-paragraph",
        ),
        pytest.param("miR-21 targets PTEN in MCF-7 cells.", ["abstract"], id="one-sentence"),
        pytest.param(
            "Title about miR-200c\n\nBackground: Resistance is common.\nMethods: We used MCF-7 cells and assays.\n"
            "Results: miR-200c sensitizes MCF-7 cells to doxorubicin.\nConclusions: A target.\n",
            ["title", "abstract"], id="structured-abstract-lines",
        ),
        pytest.param(
            "MicroRNA-155 and trastuzumab resistance in breast cancer\n\nTrastuzumab resistance remains a major "
            "clinical problem in HER2-positive\nbreast cancer. Here we show that miR-155 is elevated in resistant "
            "SKBR3\ncells and that its inhibition restores sensitivity to trastuzumab in vitro.\n\n"
            "1. Introduction\n\nBreast cancer is the most common cancer in women and HER2 is amplified in many.\n\n"
            "References\n\n1. Smith J. A study. J Things. 2019;1:1-2.\n2. Roe B. Another. J Things. 2020;2:3-4.\n",
            ["title", "abstract", "body", "other", "reference", "reference"], id="wrapped-paper-with-numbered-heading",
        ),
    ],
)
def test_detect_sections_generalizes(text: str, expected: list[str]) -> None:
    assert [s.label for s in detect_sections(text)] == expected


def test_detect_sections_gives_whitespace_no_section() -> None:
    assert detect_sections("\n \n\t\n") == ()


def test_read_front_matter_takes_copyright_year() -> None:
    text = "A study of miR-21 in cancer\n\n© 2018 The Authors\n\nWe show that miR-21 confers resistance to many drugs."
    assert read_front_matter(text, detect_sections(text)).year == 2018


# ------------------------------------------------------------------------------------------------ PDF


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_column_pdf(tmp_path_factory.mktemp("pdf") / "two_column.pdf")


@pytest.fixture(scope="module")
def pdf_doc(pdf_path: Path) -> Document:
    return next(read_pdf(pdf_path))


@pytest.mark.parametrize(
    "snippet",
    [
        pytest.param("resistance to trastuzumab in SKBR3", id="word-split-at-line-end-joined"),
        pytest.param("role of miR-21 in", id="hyphen-kept-before-digit"),
        pytest.param("The drug-resistant cells", id="hyphen-kept-when-seen-elsewhere"),
        pytest.param("This finding suggests", id="ligature-expanded"),
    ],
)
def test_read_pdf_rebuilds_words(pdf_doc: Document, snippet: str) -> None:
    assert snippet in pdf_doc.text


@pytest.mark.parametrize(
    "unwanted",
    [
        pytest.param(HEADER, id="running-header"),
        pytest.param("\ufb01", id="ligature-character"),
        pytest.param("trastu-", id="broken-word"),
    ],
)
def test_read_pdf_drops_layout_artefacts(pdf_doc: Document, unwanted: str) -> None:
    assert unwanted not in pdf_doc.text


def test_read_pdf_drops_page_numbers(pdf_doc: Document) -> None:
    assert [p for p in pdf_doc.text.split("\n\n") if p.strip().isdigit()] == []


def test_read_pdf_follows_column_reading_order(pdf_doc: Document) -> None:
    order = [TITLE, "Abstract:", "Introduction", "Breast cancer is", "Methods", "SKBR3 cells were", "Results"]
    positions = [pdf_doc.text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_read_pdf_joins_paragraph_lines_with_spaces(pdf_doc: Document) -> None:
    paragraphs = pdf_doc.text.split("\n\n")
    assert paragraphs[3] == (
        "Breast cancer is the most common cancer in women. A drug-resistant tumour often relapses after therapy "
        "with the antibody trastuzumab and other HER2 targeted agents today."
    )


@pytest.mark.parametrize(
    ("snippet", "label"),
    [
        pytest.param(TITLE, "title", id="title"),
        pytest.param("We studied the role", "abstract", id="abstract"),
        pytest.param("SKBR3 cells were grown", "body", id="body"),
    ],
)
def test_read_pdf_detects_sections(pdf_doc: Document, snippet: str, label: str) -> None:
    assert section_at(pdf_doc, snippet)[0] == label


def test_read_pdf_metadata(pdf_doc: Document) -> None:
    assert (pdf_doc.doc_id, pdf_doc.format, pdf_doc.title) == ("two_column", "pdf", TITLE)


@pytest.mark.parametrize(
    ("lines", "seen", "expected"),
    [
        pytest.param(["resistance to trastu-", "zumab was"], set(), "resistance to trastuzumab was", id="join"),
        pytest.param(["role of miR-", "21 in"], set(), "role of miR-21 in", id="digit-keeps-hyphen"),
        pytest.param(["anti-", "HER2 agents"], set(), "anti-HER2 agents", id="uppercase-keeps-hyphen"),
        pytest.param(["the drug-", "resistant cells"], {"drug-resistant"}, "the drug-resistant cells",
                     id="seen-elsewhere-keeps-hyphen"),
        pytest.param(["the drug-", "resistant cells"], set(), "the drugresistant cells", id="unseen-joins"),
        pytest.param(["a dash -", "then text"], set(), "a dash - then text", id="free-dash-is-space"),
        pytest.param(["soft\u00ad", "hyphen"], set(), "softhyphen", id="soft-hyphen"),
    ],
)
def test_join_lines(lines: list[str], seen: set[str], expected: str) -> None:
    assert join_lines(lines, seen) == expected


# ------------------------------------------------------------------------------------------------ MEDLINE


@pytest.fixture(scope="module")
def medline_docs() -> dict[str, Document]:
    return {doc.doc_id: doc for doc in read_medline(DATA / "medline_three_records.txt")}


def test_read_medline_one_document_per_record(medline_docs: dict[str, Document]) -> None:
    assert list(medline_docs) == ["PMID:32367581", "PMID:24112345", "PMID:30000001"]


@pytest.mark.parametrize(
    ("doc_id", "field", "expected"),
    [
        pytest.param("PMID:32367581", "title",
                     "miR-126 reduces trastuzumab resistance by targeting PIK3R2 and regulating AKT/mTOR pathway "
                     "in breast cancer cells.", id="title-continuation-lines"),
        pytest.param("PMID:32367581", "pmid", "32367581", id="pmid"),
        pytest.param("PMID:32367581", "doi", "10.1111/jcmm.15396", id="doi-from-lid"),
        pytest.param("PMID:32367581", "year", 2020, id="year"),
        pytest.param("PMID:24112345", "doi", "10.1000/example.2013.7", id="doi-from-aid"),
        pytest.param("PMID:24112345", "year", 2013, id="year-from-range"),
        pytest.param("PMID:30000001", "format", "medline", id="format"),
    ],
)
def test_read_medline_fields(medline_docs: dict[str, Document], doc_id: str, field: str, expected: object) -> None:
    assert getattr(medline_docs[doc_id], field) == expected


MEDLINE_ABSTRACT = (
    "MicroRNAs (miRNAs) have been found to play a key role in drug resistance. We found that the "
    "trastuzumab-resistant cell lines SKBR3/TR and BT474/TR had low expression of miR-126."
)


def test_read_medline_text_is_title_blank_line_abstract(medline_docs: dict[str, Document]) -> None:
    doc = medline_docs["PMID:32367581"]
    assert doc.text == f"{doc.title}\n\n{MEDLINE_ABSTRACT}"


def test_read_medline_sections_are_title_and_abstract(medline_docs: dict[str, Document]) -> None:
    doc = medline_docs["PMID:32367581"]
    assert [(s.label, doc.text[s.start: s.end]) for s in doc.sections] == [
        ("title", doc.title),
        ("abstract", MEDLINE_ABSTRACT),
    ]


def test_read_medline_title_only_record(medline_docs: dict[str, Document]) -> None:
    doc = medline_docs["PMID:30000001"]
    assert (doc.text, [s.label for s in doc.sections]) == ("A record with a title only.", ["title"])


def test_read_medline_record_without_pmid_is_an_error_and_the_rest_go_on() -> None:
    results = list(read_medline(DATA / "medline_missing_pmid.txt"))
    assert [(type(r).__name__, getattr(r, "source", "").rsplit("/", 1)[-1]) for r in results] == [
        ("InputError", "medline_missing_pmid.txt:1"),
        ("Document", "medline_missing_pmid.txt"),
    ]


def test_read_medline_streams_records_before_the_end(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(MEDLINE_RECORD + b"\n" + MEDLINE_RECORD.replace(b"A title", b"Bad \xff byte"))
    assert [doc.doc_id for doc in itertools.islice(read_medline(path), 1)] == ["PMID:123"]


def test_read_medline_real_sample() -> None:
    docs = list(read_inputs([shared_file(*MEDLINE_SAMPLE)]))
    assert (len(only_documents(docs)), only_errors(docs)) == (20, [])


# ------------------------------------------------------------------------------------------------ PubMed XML


@pytest.fixture(scope="module")
def xml_docs() -> dict[str, Document]:
    return {doc.doc_id: doc for doc in read_pubmed_xml(DATA / "pubmed_two_articles.xml")}


def test_read_pubmed_xml_with_real_doctype_offline(xml_docs: dict[str, Document]) -> None:
    assert list(xml_docs) == ["PMID:32367581", "PMID:24112345"]


@pytest.mark.parametrize(
    ("doc_id", "field", "expected"),
    [
        pytest.param("PMID:32367581", "title",
                     "miR-126 reduces trastuzumab resistance by targeting PIK3R2 in breast cancer cells.",
                     id="title-keeps-inline-markup-text"),
        pytest.param("PMID:32367581", "doi", "10.1111/jcmm.15396", id="doi"),
        pytest.param("PMID:32367581", "year", 2020, id="year"),
        pytest.param("PMID:24112345", "year", 2013, id="year-from-medline-date"),
        pytest.param("PMID:24112345", "doi", "10.1000/example.2013.7", id="doi-from-article-id"),
        pytest.param("PMID:24112345", "pmid", "24112345", id="pmid"),
    ],
)
def test_read_pubmed_xml_fields(xml_docs: dict[str, Document], doc_id: str, field: str, expected: object) -> None:
    assert getattr(xml_docs[doc_id], field) == expected


def test_read_pubmed_xml_structured_abstract(xml_docs: dict[str, Document]) -> None:
    doc = xml_docs["PMID:32367581"]
    assert section_texts(doc, "abstract") == [
        "BACKGROUND: MicroRNAs play a key role in drug resistance & relapse.\n"
        "RESULTS: miR-126 directly targets PIK3R2 in SKBR3/TR cells."
    ]


def test_read_pubmed_xml_record_without_pmid_is_an_error_and_the_rest_go_on() -> None:
    results = list(read_pubmed_xml(DATA / "pubmed_missing_pmid.xml"))
    assert [type(r).__name__ for r in results] == ["InputError", "Document"]


@pytest.mark.parametrize(
    "fixture",
    [pytest.param("pubmed_xxe.xml", id="xxe"), pytest.param("pubmed_billion_laughs.xml", id="billion-laughs")],
)
def test_read_pubmed_xml_refuses_entity_declarations(fixture: str) -> None:
    with pytest.raises(IngestError, match="declares entities"):
        next(read_pubmed_xml(DATA / fixture))


def test_read_pubmed_xml_never_expands_external_dtd_entities(tmp_path: Path) -> None:
    (tmp_path / "local.dtd").write_text('<!ENTITY secret "EXPANDED">')
    path = tmp_path / "pubmed.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "local.dtd">\n<PubmedArticleSet><PubmedArticle>'
        "<MedlineCitation><PMID>5</PMID><Article><ArticleTitle>Title &secret; here</ArticleTitle></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
    )
    assert "EXPANDED" not in next(read_pubmed_xml(path)).text


def test_read_pubmed_xml_streams_articles_before_a_later_error(tmp_path: Path) -> None:
    path = tmp_path / "pubmed.xml"
    path.write_text(
        "<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>5</PMID><Article><ArticleTitle>T</ArticleTitle>"
        "</Article></MedlineCitation></PubmedArticle>\n<PubmedArticle><MedlineCitation>\n"
    )
    assert [doc.doc_id for doc in itertools.islice(read_pubmed_xml(path), 1)] == ["PMID:5"]


def test_a_record_that_is_the_root_after_a_comment_is_read(tmp_path: Path) -> None:
    """Regression: freeing the siblings of a streamed root element (a comment before it) raised a TypeError."""
    path = tmp_path / "pubmed.xml"
    path.write_text(
        "<?xml version='1.0'?>\n<!-- saved from PubMed -->\n<PubmedArticle><MedlineCitation><PMID>5</PMID><Article>"
        "<ArticleTitle>T</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
    )
    assert [doc.doc_id for doc in read_pubmed_xml(path)] == ["PMID:5"]


# ------------------------------------------------------------------------------------------------ JSON Lines


def test_read_jsonl_documents() -> None:
    docs = only_documents(list(read_jsonl(DATA / "records_mixed.jsonl")))
    assert [(d.doc_id, d.pmid, d.year, d.doi) for d in docs] == [
        ("PMID:31512372", "31512372", 2019, "10.1000/crc.2019.1"),
        ("note-7", None, None, None),
        ("PMID:40000002", "40000002", 2021, None),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(3, "not valid JSON", id="not-json"),
        pytest.param(4, "no 'id' or 'pmid'", id="no-id"),
        pytest.param(5, "no text", id="no-text"),
        pytest.param(6, "not an object", id="array"),
    ],
)
def test_read_jsonl_bad_line_is_an_error_with_file_and_line(line: int, message: str) -> None:
    errors = {e.source: e.error for e in only_errors(list(read_jsonl(DATA / "records_mixed.jsonl")))}
    assert message in errors[f"{DATA / 'records_mixed.jsonl'}:{line}"]


def test_read_jsonl_text_field_gets_detected_sections() -> None:
    doc = next(d for d in read_jsonl(DATA / "records_mixed.jsonl") if isinstance(d, Document) and d.doc_id == "note-7")
    assert [s.label for s in doc.sections] == ["abstract"]


def test_read_jsonl_real_abstracts() -> None:
    docs = list(read_inputs([shared_file(*BENCH_JSONL)]))
    assert (len(only_documents(docs)), only_errors(docs)) == (772, [])


# ------------------------------------------------------------------------------------------------ batches and bad input


def _encrypted_pdf(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_two_column_pdf(path.with_name("plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("secret")
    with path.open("wb") as handle:
        writer.write(handle)


def _truncated_pdf(path: Path) -> None:
    data = write_two_column_pdf(path.with_name("whole.pdf")).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zip_file(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("paper.txt", "text")
    path.write_bytes(buffer.getvalue())


def _unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.write_text("A readable title\n\nText nobody may read.")
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads through chmod 000, so the refusal is simulated at Path.open.
        real_open = Path.open

        def deny(self: Path, *args: object, **kwargs: object):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)


def _writer(content: bytes | str):
    """A builder that writes ``content`` to the path."""

    def write(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path.write_bytes(content.encode() if isinstance(content, str) else content)

    return write


def _built_by(function):
    """A builder from a function of the path alone."""
    return lambda path, monkeypatch: function(path)


BAD_INPUTS = [
    pytest.param("paper.txt", _writer(b""), "empty file", id="empty"),
    pytest.param("paper.txt", _writer("\n  \n"), "empty file", id="whitespace-only"),
    pytest.param("paper.txt", _writer(b"\x00\x01\x02binary\x00" * 10), "binary file", id="binary"),
    pytest.param("paper.txt", _built_by(_zip_file), "unknown format", id="zip"),
    pytest.param("figure.png", _writer(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), "unknown format", id="png"),
    pytest.param("papers.txt.gz", _writer(gzip.compress(b"text")), "unknown format", id="gzip"),
    pytest.param("feed.xml", _writer("<?xml version='1.0'?>\n<rss/>"), "unknown format", id="other-xml"),
    pytest.param("paper.pdf", _built_by(_truncated_pdf), "truncated or damaged PDF", id="truncated-pdf"),
    pytest.param("paper.pdf", _writer(b"%PDF-1.4\ngarbage\n%%EOF\n"), "truncated or damaged PDF", id="damaged-pdf"),
    pytest.param("paper.pdf", _built_by(_encrypted_pdf), "encrypted PDF", id="encrypted-pdf"),
    pytest.param("paper.pdf", _built_by(write_blank_pdf), "no text layer", id="scanned-pdf"),
    pytest.param("pubmed.xml", _writer("<PubmedArticleSet>\n<PubmedArticle>\n</Pubmed"), "malformed XML at line",
                 id="malformed-xml"),
    pytest.param("pubmed.xml", _writer((DATA / "pubmed_xxe.xml").read_bytes()), "declares entities", id="xxe-xml"),
    pytest.param("greek.txt", _writer("Η μελέτη έδειξε ότι".encode("iso-8859-7")), "as UTF-8",
                 id="undecodable-text"),
    pytest.param("locked.txt", _unreadable, "permission denied", id="unreadable"),
    pytest.param("nowhere.txt", lambda path, monkeypatch: None, "file not found", id="missing-path"),
    pytest.param("link.txt", _built_by(lambda path: path.symlink_to(path.with_name("gone.txt"))),
                 "broken link: it points to", id="broken-link"),
    pytest.param("pipe.txt", _built_by(os.mkfifo), "a named pipe (FIFO), not a file", id="fifo"),
]


@pytest.mark.parametrize(("filename", "build", "message"), BAD_INPUTS)
def test_bad_input_gives_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filename: str, build,
                                         message: str) -> None:
    path = tmp_path / filename
    build(path, monkeypatch)
    results = list(read_inputs([path]))
    assert [(type(r).__name__, message in getattr(r, "error", "")) for r in results] == [("InputError", True)]


@pytest.mark.parametrize(("filename", "build", "message"), BAD_INPUTS)
def test_bad_input_error_is_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filename: str,
                                                     build, message: str) -> None:
    path = tmp_path / filename
    build(path, monkeypatch)
    error = next(read_inputs([path]))
    assert (error.source, error.stage, "\n" in error.error) == (str(path), "ingest", False)


def test_reader_raises_ingest_error_for_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    _encrypted_pdf(path)
    with pytest.raises(IngestError, match="qpdf --decrypt"):
        next(read_pdf(path))


def test_batch_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_text("miR-21 targets PTEN in MCF-7 cells.")
    assert [type(r).__name__ for r in read_inputs([tmp_path])] == ["InputError", "Document"]


def test_read_inputs_expands_folders_sorted_skipping_hidden_and_gold(tmp_path: Path) -> None:
    files = ["z.txt", "a/b.txt", "a/sub/c.txt", "a/.hidden.txt", "a/.git/d.txt", "a/gold/e.txt", "gold-bench/f.txt"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{name} is a short text about miR-21.")
    assert [doc.doc_id for doc in read_inputs([tmp_path])] == ["b", "c", "z"]


def _socket(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.chdir(path.parent)  # a socket's address is short: bound by its name in its folder
    server = socket.socket(socket.AF_UNIX)
    server.bind(path.name)
    server.close()


def test_each_folder_entry_that_is_skipped_gets_a_row_naming_it_and_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "papers"
    for name in ("a/good.txt", "b_empty/.hidden.txt", "c_locked/paper.txt", "d_real/paper.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("miR-21 targets PTEN in MCF-7 cells.", encoding="utf-8")
    (folder / "a/dead.txt").symlink_to(folder / "a/moved.txt")
    os.mkfifo(folder / "a/pipe.txt")
    _socket(folder / "a/sock", monkeypatch)
    (folder / "e_linked").symlink_to(folder / "d_real")
    (folder / "f_nothing").mkdir()
    real_scandir = os.scandir

    def locked(path):
        if Path(path).name == "c_locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    rows = [
        (Path(item.source).relative_to(folder).as_posix(), getattr(item, "error", "read"))
        for item in read_inputs([folder])
    ]
    assert rows == [
        ("a/dead.txt", f"broken link: it points to {folder / 'a/moved.txt'}, which does not exist; fix or remove the link"),
        ("a/good.txt", "read"),
        ("a/pipe.txt", "a named pipe (FIFO), not a file: nothing to read; remove it from the inputs"),
        ("a/sock", "a socket, not a file: nothing to read; remove it from the inputs"),
        ("b_empty", "empty folder: no files to read (hidden files and gold/, gold-bench/ folders are left out)"),
        ("c_locked", "cannot list the folder (Permission denied); fix its permissions"),
        ("d_real/paper.txt", "read"),
        ("e_linked", "a link to a folder, not followed: pass that folder itself to read it"),
        ("f_nothing", "empty folder: no files to read (hidden files and gold/, gold-bench/ folders are left out)"),
    ]  # fmt: skip


def test_an_empty_folder_given_as_input_is_a_row_not_silence(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "annotations.tsv").write_text("doc_id\n", encoding="utf-8")
    assert [(item.source, item.error.split(":")[0]) for item in read_inputs([tmp_path])] == [(str(tmp_path), "empty folder")]


def test_read_inputs_reads_the_seeds_in_the_corpus_folder() -> None:
    doc_ids = {doc.doc_id for doc in only_documents(list(read_inputs([CORPUS])))}
    assert {Path(name).stem for name in SEEDS} <= doc_ids


def test_read_inputs_skips_the_gold_folder() -> None:
    assert [r.source for r in read_inputs([CORPUS]) if "/gold/" in r.source] == []


def test_read_inputs_mixes_formats_in_one_batch() -> None:
    paths = [DATA / "medline_three_records.txt", DATA / "pubmed_two_articles.xml", CORPUS / SEED_001]
    assert Counter(doc.format for doc in read_inputs(paths)) == {"medline": 3, "pubmed_xml": 2, "txt": 1}
