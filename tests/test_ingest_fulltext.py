"""Full text in: PMC JATS XML and BioC XML / JSON (PMC's BioC service, PubTator3) become Documents with sections.

The fixtures in data/fulltext/ are one hand-made article (invented findings) as JATS, as BioC XML and as BioC JSON in
the shape PMC's BioC service writes (cells followed by tabs, rows joined by `` \\t``, citation text left out of cells),
and a ``pmc-articleset`` of two articles.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest import detect_format, detect_sections, read_corpus, read_inputs
from pipeline.ingest.bioc_text import table_text
from pipeline.output import ERRORS
from pipeline.schema import CorpusRecord, Document, InputError

DATA = Path(__file__).parent / "data" / "fulltext"
JATS, BIOC_XML, BIOC_JSON = "jats_article.xml", "bioc_article.xml", "bioc_article.json"
ARTICLESET = "jats_articleset.xml"
FULL_TEXT = (JATS, BIOC_XML, BIOC_JSON)
TITLE = "miR-21 confers cisplatin resistance in lung cancer cells"
ABSTRACT = "We studied microRNAs in cisplatin-resistant A549 cells. miR-21 was up-regulated in the resistant cells."
CAPTION = "miR-21 knockdown restores cisplatin sensitivity. (A) Viability of A549 cells."
# The article's table as the plain-text reader meets it: a `Table 1:` block.
TABLE_BLOCK = (
    "Table 1: miRNAs associated with drug resistance in lung cancer\n"
    "miRNA\tDrug\tEffect\tRef\n"
    "miR-21\tcisplatin\tresistance\t1\n"
    "miR-200c\tpaclitaxel\tresistance\t2\n"
    "let-7i\tgemcitabine\tsensitivity\t2\n"
)
ROWS = [
    ["miRNA", "Drug", "Effect"],
    ["miR-21", "cisplatin", "resistance"],
    ["miR-200c", "paclitaxel", "resistance"],
    ["let-7i", "gemcitabine", "sensitivity"],
]
runner = CliRunner()


@functools.cache
def read_all(name: str) -> tuple[Document | InputError, ...]:
    return tuple(read_inputs([DATA / name]))


def read_one(name: str) -> Document:
    (document,) = read_all(name)
    assert isinstance(document, Document), document
    return document


def section_at(document: Document, snippet: str) -> tuple[str, str]:
    section = document.section_at(document.text.index(snippet))
    assert section is not None, snippet
    return section.label, section.name


def table_of(document: Document) -> str:
    (table,) = [s for s in document.sections if s.label == "table" and "\t" in document.text[s.start : s.end]]
    return document.text[table.start : table.end]


# ------------------------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("name", "expected"),
    [(JATS, "jats"), (ARTICLESET, "jats"), (BIOC_XML, "bioc"), (BIOC_JSON, "bioc_json")],
    ids=["jats-article", "pmc-articleset", "bioc-xml", "bioc-json"],
)
def test_detect_format_recognises_full_text(name: str, expected: str) -> None:
    path = DATA / name
    assert detect_format(path, path.read_bytes()) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b'<article article-type="research-article"><front/></article>', "jats", id="bare-article"),
        pytest.param(b'{"PubTator3": [{"_id": "1|None", "passages": []}]}', "bioc_json", id="pubtator3"),
        pytest.param(b'[{"source": "PMC", "documents": [', "bioc_json", id="list-of-collections-cut"),
        pytest.param(b'{\n  "source": "x",\n  "documents": [\n', "bioc_json", id="pretty-collection"),
        pytest.param(b'{"pmid": "1", "title": "documents"}\n', "jsonl", id="jsonl-stays-jsonl"),
        pytest.param(b'{"id": "a", "text": "\\"documents\\": [1]"}\n', "jsonl", id="jsonl-quoting-the-key"),
    ],
)
def test_detect_format_tells_bioc_json_from_json_lines(head: bytes, expected: str) -> None:
    assert detect_format(Path("input.json"), head) == expected


# ------------------------------------------------------------------------------------------------ sections


def test_jats_sections_in_reading_order() -> None:
    document = read_one(JATS)
    found = [(s.label, s.name, document.text[s.start : s.end].split("\n")[0]) for s in document.sections]
    assert found == [
        ("title", "", TITLE),
        ("abstract", "", ABSTRACT),
        ("body", "Introduction", "Introduction"),
        ("body", "Introduction", "Cisplatin is a first-line drug for lung cancer [1]."),
        ("body", "2. Results", "2. Results"),
        ("body", "miR-21 and drug response", "miR-21 and drug response"),
        ("body", "miR-21 and drug response", "Knockdown of miR-21 sensitized A549 cells to cisplatin (Figure 1)."),
        ("other", "Figure 1", f"Figure 1: {CAPTION}"),
        ("table", "Table 1", "Table 1: miRNAs associated with drug resistance in lung cancer"),
        ("table", "Table 1", "Ref, the study that reports the finding."),
        ("other", "Acknowledgements", "Acknowledgements"),
        ("other", "Acknowledgements", "We thank the invented reviewers."),
        ("other", "References", "References"),
        ("reference", "1", "1 Roe B, Poe C. Cisplatin in lung cancer. Test J. 2015;3:10."),
        ("reference", "2", "2 Loe D, Moe E. microRNAs and paclitaxel. Test J. 2018."),
    ]  # fmt: skip


def test_jats_blocks_are_separated_by_a_blank_line() -> None:
    document = read_one(JATS)
    gaps = {document.text[a.end : b.start] for a, b in zip(document.sections, document.sections[1:])}
    assert gaps == {"\n\n"}


@pytest.mark.parametrize("name", FULL_TEXT)
@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        pytest.param(TITLE, ("title", ""), id="title"),
        pytest.param("We studied microRNAs", ("abstract", ""), id="abstract"),
        pytest.param("Introduction", ("body", "Introduction"), id="heading"),
        pytest.param("Cisplatin is a first-line", ("body", "Introduction"), id="paragraph"),
        pytest.param("Knockdown of miR-21", ("body", "miR-21 and drug response"), id="sub-section-paragraph"),
        pytest.param("miR-21 knockdown restores", ("other", "Figure 1"), id="figure-caption"),
        pytest.param("miRNAs associated with drug resistance", ("table", "Table 1"), id="table-caption"),
        pytest.param("let-7i\tgemcitabine", ("table", "Table 1"), id="table-row"),
        pytest.param("Ref, the study", ("table", "Table 1"), id="table-footnote"),
        pytest.param("We thank the invented", ("other", "Acknowledgements"), id="acknowledgements"),
        pytest.param("References", ("other", "References"), id="references-heading"),
        pytest.param("microRNAs and paclitaxel", ("reference", "2"), id="reference"),
    ],
)
def test_each_part_of_the_article_gets_its_section(name: str, snippet: str, expected: tuple[str, str]) -> None:
    assert section_at(read_one(name), snippet) == expected


@pytest.mark.parametrize("name", [*FULL_TEXT, ARTICLESET])
def test_every_section_indexes_its_text(name: str) -> None:
    for document in read_all(name):
        spans = [(s.start, s.end) for s in document.sections]
        assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        for section in document.sections:
            piece = document.text[section.start : section.end]
            assert 0 <= section.start < section.end <= len(document.text) and piece == piece.strip(), section


@pytest.mark.parametrize("name", FULL_TEXT)
def test_a_table_is_its_caption_then_one_row_a_line_with_tab_separated_cells(name: str) -> None:
    lines = table_of(read_one(name)).split("\n")
    assert lines[0] in ("Table 1: miRNAs associated with drug resistance in lung cancer",
                        "miRNAs associated with drug resistance in lung cancer")  # fmt: skip
    assert [line.strip().split("\t")[:3] for line in lines[1:]] == ROWS


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        pytest.param("a\tb\t \tc\td\t", [["a", "b"], ["c", "d"]], id="pmc-cells-followed-by-tabs"),
        pytest.param("a b c d", [["a", "b"], ["c", "d"]], id="cells-joined-by-spaces"),
        pytest.param("a\tb\nc\td", [["a", "b"], ["c", "d"]], id="rows-on-lines-already"),
        pytest.param("a\tb\t\t \tc d", [["a", "b"], ["c", "d"]], id="cited-cell-left-out"),
    ],
)
def test_bioc_table_rows_come_back_in_place(text: str, rows: list[list[str]]) -> None:
    xml = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d <xref>7</xref></td></tr></table>"
    rebuilt = table_text(text, {"type": "table", "xml": xml})
    assert len(rebuilt) == len(text)
    assert [line.split() for line in rebuilt.split("\n")] == rows and all("\t" in line for line in rebuilt.split("\n"))


@pytest.mark.parametrize(
    "infons",
    [
        pytest.param({"type": "table"}, id="no-xml"),
        pytest.param({"type": "table", "xml": "<table><tr><td>a</td>"}, id="broken-xml"),
        pytest.param({"type": "table", "xml": '<!DOCTYPE t [<!ENTITY e "a">]><table><tr><td>&e;</td></tr></table>'},
                     id="xml-declaring-entities"),
        pytest.param({"type": "paragraph", "xml": "<table><tr><td>a</td><td>b</td></tr></table>"}, id="not-a-table"),
    ],
)
def test_a_bioc_table_without_usable_xml_keeps_its_text(infons: dict[str, str]) -> None:
    assert table_text("a b c d", infons) == "a b c d"


def test_a_jats_row_of_one_spanning_cell_still_reads_as_a_row(tmp_path: Path) -> None:
    table = (
        '<table-wrap><label>Table 2</label><caption><p>miRNAs and drugs</p></caption><table>'
        '<thead><tr><th>miRNA</th><th>Drug</th></tr></thead><tbody><tr><td colspan="2">Breast<break/>cancer</td></tr>'
        "<tr><td>miR-221</td><td>fulvestrant</td></tr></tbody></table></table-wrap>"
    )
    path = tmp_path / "article.xml"
    path.write_text(f"<article><body><sec><title>Results</title>{table}</sec></body></article>", encoding="utf-8")
    (document,) = read_inputs([path])
    assert table_of(document).split("\n") == [
        "Table 2: miRNAs and drugs", "miRNA\tDrug", "Breast cancer\t", "miR-221\tfulvestrant"
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------ ids and metadata


@pytest.mark.parametrize("name", FULL_TEXT)
def test_ids_and_metadata_come_from_the_xml(name: str) -> None:
    document = read_one(name)
    assert (document.doc_id, document.pmid, document.doi, document.year, document.title) == (
        "PMCID:PMC1234567", "31000001", "10.1000/mirmine.fulltext.1", 2021, TITLE
    )  # fmt: skip


def test_a_pmc_articleset_gives_one_document_per_article() -> None:
    documents = read_all(ARTICLESET)
    assert [(d.doc_id, d.pmid, d.year) for d in documents] == [
        ("PMCID:PMC7654321", "31000002", 2020), ("PMID:31000003", "31000003", None)
    ]  # fmt: skip
    assert section_at(documents[0], "miR-155 was high") == ("abstract", "Results")
    assert section_at(documents[1], "let-7a sensitizes") == ("body", "Results")


def test_a_jats_article_without_ids_is_named_after_its_file(tmp_path: Path) -> None:
    article = "<article><front><article-meta><title-group><article-title>T</article-title></title-group>" \
              "</article-meta></front><body><p>miR-21 text.</p></body></article>"
    path = tmp_path / "paper_7.xml"
    path.write_text(f"<pmc-articleset>{article}{article}</pmc-articleset>", encoding="utf-8")
    assert [d.doc_id for d in read_inputs([path])] == ["paper_7", "paper_7#2"]


def _pubtator3(collection: dict) -> dict:
    """PubTator3's shape of the same document: ids as fields of their own, none in the infons."""
    (document,) = collection["documents"]
    front = document["passages"][0]["infons"]
    ids = {"pmid": int(front.pop("article-id_pmid")), "pmcid": "PMC" + front.pop("article-id_pmc")}
    return {"PubTator3": [{"_id": "31000001|PMC1234567", **ids, **document}]}


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda collections: collections, id="list-of-collections"),
        pytest.param(lambda collections: collections[0], id="one-collection"),
        pytest.param(lambda collections: collections[0]["documents"][0], id="one-document"),
        pytest.param(lambda collections: _pubtator3(collections[0]), id="pubtator3"),
    ],
)
def test_each_bioc_json_shape_reads_as_the_bioc_xml(tmp_path: Path, shape) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(shape(json.loads((DATA / BIOC_JSON).read_text(encoding="utf-8")))), encoding="utf-8")
    (document,) = read_inputs([path])
    expected = read_one(BIOC_XML)
    assert (document.doc_id, document.text, document.sections) == (expected.doc_id, expected.text, expected.sections)


@pytest.mark.parametrize("name", [BIOC_XML, BIOC_JSON])
def test_bioc_annotations_stay_on_their_text_where_table_rows_were_rebuilt(name: str) -> None:
    (record,) = read_corpus(DATA / name)
    assert isinstance(record, CorpusRecord)
    text = record.document.text
    assert len(record.annotations) == 11 and all(text[a.start : a.end] == a.text for a in record.annotations)
    assert any(record.document.section_at(a.start).label == "table" for a in record.annotations)


# ------------------------------------------------------------------------------------------------ table relations


def _table_relations(extractor, document: Document) -> set[tuple[str, str, str, str, str]]:
    relations = extractor(document).relations
    return {(r.mirna, r.relation, r.partner, r.rule, r.section) for r in relations if r.section == "table"}


@pytest.mark.parametrize("name", FULL_TEXT)
def test_a_table_gives_the_relations_of_the_same_table_as_a_text_block(extractor, name: str) -> None:
    text = "A plain title about miRNAs\n\n" + TABLE_BLOCK
    plain = _table_relations(extractor, Document("plain", text, detect_sections(text), "test", "txt"))
    assert plain == {
        ("miR-21", "associated", "cisplatin", "table.row", "table"),
        ("miR-200c", "associated", "paclitaxel", "table.row", "table"),
        ("let-7i", "associated", "gemcitabine", "table.row", "table"),
    }
    assert _table_relations(extractor, read_one(name)) == plain


# ------------------------------------------------------------------------------------------------ bad input

GOOD_ARTICLE = "<article><body><p>miR-21 text.</p></body></article>"
TRUNCATED_JATS = "<article><front><article-meta>\n<title-group>"
TRUNCATED_JSON = '[{"source": "PMC", "documents": [{"id": "1", "passages": ['
NO_BODY = (
    "<article><front><article-meta><title-group><article-title>T</article-title></title-group>"
    "<abstract><p>miR-21.</p></abstract></article-meta></front></article>"
)
NO_TEXT = "<collection><document><id>1</id><passage><offset>0</offset></passage></document></collection>"
ENTITIES = '<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY x "y">]>\n' + GOOD_ARTICLE
MALFORMED = [
    pytest.param("truncated.xml", TRUNCATED_JATS, "malformed XML at line", id="truncated-jats"),
    pytest.param("no_body.xml", NO_BODY, "JATS <article> without a <body>", id="jats-without-body"),
    pytest.param("empty_set.xml", "<pmc-articleset/>", "no JATS <article> in it", id="empty-articleset"),
    pytest.param("entities.xml", ENTITIES, "declares entities", id="jats-declaring-entities"),
    pytest.param("empty.xml", "<collection/>", "BioC collection without a document", id="empty-bioc-xml"),
    pytest.param("no_text.xml", NO_TEXT, "BioC document without text", id="bioc-document-without-text"),
    pytest.param("empty.json", '{"documents": []}', "BioC collection without a document", id="empty-bioc-json"),
    pytest.param("truncated.json", TRUNCATED_JSON, "malformed JSON at line 1", id="truncated-bioc-json"),
    pytest.param("numbers.json", '{"documents": [1]}', "a BioC document is a JSON object", id="bioc-json-of-numbers"),
]


@pytest.mark.parametrize(("filename", "content", "message"), MALFORMED)
def test_a_bad_full_text_file_is_one_error_row_naming_it(
    tmp_path: Path, filename: str, content: str, message: str
) -> None:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    (error,) = read_inputs([path])
    assert isinstance(error, InputError) and message in error.error, error
    assert error.source.startswith(str(path)) and error.stage == "ingest" and "\n" not in error.error


@pytest.mark.parametrize(("filename", "content", "message"), MALFORMED)
def test_the_batch_goes_on_after_a_bad_full_text_file(
    tmp_path: Path, filename: str, content: str, message: str
) -> None:
    (tmp_path / filename).write_text(content, encoding="utf-8")
    (tmp_path / "z_good.xml").write_text(GOOD_ARTICLE, encoding="utf-8")
    assert [type(item).__name__ for item in read_inputs([tmp_path])] == ["InputError", "Document"]


# ------------------------------------------------------------------------------------------------ mirmine run


def test_mirmine_run_reads_a_folder_of_jats_bioc_xml_and_bioc_json(tmp_path: Path) -> None:
    """The three files of the article under three ids (the same id thrice would be two duplicates), and bad files."""
    inputs, out = tmp_path / "papers", tmp_path / "out"
    inputs.mkdir()
    (inputs / JATS).write_text((DATA / JATS).read_text(encoding="utf-8"), encoding="utf-8")
    for name, number in ((BIOC_XML, "1234568"), (BIOC_JSON, "1234569")):
        text = (DATA / name).read_text(encoding="utf-8")
        (inputs / name).write_text(text.replace("1234567", number), encoding="utf-8")
    bad = {"truncated.xml": TRUNCATED_JATS, "truncated.json": TRUNCATED_JSON}
    for name, content in bad.items():
        (inputs / name).write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in (out / "relations.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    found = {(row[1], row[2]) for row in rows if row[4:8] == ["miR-21", "associated", "", "cisplatin"]}
    assert found == {("PMCID:PMC1234567", "table"), ("PMCID:PMC1234568", "table"), ("PMCID:PMC1234569", "table")}
    lines = (out / "errors.tsv").read_text(encoding="utf-8").splitlines()
    errors = [dict(zip(ERRORS.columns, line.split("\t"))) for line in lines[1:]]
    assert sorted(Path(row["source"]).name for row in errors) == sorted(bad)
    messages = sorted(line for line in result.stderr.splitlines() if line.startswith("Error:"))
    assert len(messages) == 2 and "truncated.json" in messages[0] and "malformed JSON" in messages[0]
    assert "truncated.xml" in messages[1] and "malformed XML" in messages[1]
