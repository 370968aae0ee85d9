"""Annotated corpora: PubTator, BioC XML and SCAI XML read as inputs (offsets true to the corpus) and scored as gold by
``mirmine evaluate`` (type maps, exact and overlap spans, the error list). Fixtures are written here, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import TypeMapping, parse_type_map
from pipeline.ingest import detect_format, read_corpus, read_inputs
from pipeline.schema import CorpusRecord, InputError

runner = CliRunner()

TITLE_1 = "Loss of miR-21 raises PTEN in HCT116 cells."
ABSTRACT_1 = "We show that miR-21 directly targets PTEN. Cisplatin was given to HCT116 and SW480 cells."
TITLE_2 = "A second paper on KRAS."
ABSTRACT_2 = "Gemcitabine resistance was studied."


def pubtator_text() -> str:
    full_1 = f"{TITLE_1} {ABSTRACT_1}"

    def line(pmid: str, full: str, text: str, kind: str, concept: str, nth: int = 0) -> str:
        start = -1
        for _ in range(nth + 1):
            start = full.index(text, start + 1)
        return f"{pmid}\t{start}\t{start + len(text)}\t{text}\t{kind}\t{concept}"

    lines = [
        f"111|t|{TITLE_1}", f"111|a|{ABSTRACT_1}",
        line("111", full_1, "PTEN", "GeneOrGeneProduct", "5728"),
        line("111", full_1, "HCT116 cells", "CellLine", "CVCL_0291"),
        line("111", full_1, "PTEN", "GeneOrGeneProduct", "5728", nth=1),
        line("111", full_1, "Cisplatin", "ChemicalEntity", "D002945"),
        line("111", full_1, "HCT116", "CellLine", "CVCL_0291", nth=1),
        line("111", full_1, "SW480", "CellLine", "CVCL_0546"),
        "111\tAssociation\t5728\tD002945\tNovel",
        "",
        f"222|t|{TITLE_2}", f"222|a|{ABSTRACT_2}",
        line("222", f"{TITLE_2} {ABSTRACT_2}", "KRAS", "GeneOrGeneProduct", "3845"),
        line("222", f"{TITLE_2} {ABSTRACT_2}", "Gemcitabine", "ChemicalEntity", "C056507"),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


@pytest.fixture
def pubtator(tmp_path: Path) -> Path:
    path = tmp_path / "mini.PubTator"
    path.write_text(pubtator_text(), encoding="utf-8")
    return path


def records(path: Path) -> list[CorpusRecord]:
    items = list(read_corpus(path))
    assert all(isinstance(item, CorpusRecord) for item in items), items
    return items


def test_pubtator_is_detected_and_read_with_offsets_into_title_newline_abstract(pubtator: Path) -> None:
    assert detect_format(pubtator, pubtator.read_bytes()) == "pubtator"
    first, second = records(pubtator)
    assert first.document.doc_id == "PMID:111" and first.document.text == f"{TITLE_1}\n{ABSTRACT_1}"
    assert [(s.label, s.start, s.end) for s in first.document.sections] == [
        ("title", 0, len(TITLE_1)), ("abstract", len(TITLE_1) + 1, len(TITLE_1) + 1 + len(ABSTRACT_1))
    ]  # fmt: skip
    assert all(first.document.text[a.start : a.end] == a.text for a in first.annotations)
    assert [r.type for r in first.relations] == ["Association"] and first.relations[0].arguments == ("5728", "D002945")
    assert second.document.doc_id == "PMID:222" and len(second.annotations) == 2
    assert [d.doc_id for d in read_inputs([pubtator])] == ["PMID:111", "PMID:222"]


def test_a_pubtator_record_with_a_wrong_offset_is_one_error_row_and_the_rest_is_read(tmp_path: Path) -> None:
    text = pubtator_text().replace(f"111\t{len(TITLE_1) + 1 + ABSTRACT_1.index('PTEN')}\t", "111\t3\t", 1)
    assert text != pubtator_text()
    path = tmp_path / "bad.PubTator"
    path.write_text(text, encoding="utf-8")
    items = list(read_corpus(path))
    assert [type(item).__name__ for item in items] == ["InputError", "CorpusRecord"]
    assert items[0].source == f"{path}:5" and items[0].doc_id == "PMID:111"
    assert "mention 'PTEN' at 3-" in items[0].error and "fix the offsets" in items[0].error


BIOC = """<?xml version="1.0" encoding="UTF-8"?>
<collection><source>hand-made</source>
  <document><id>333</id>
    <passage><infon key="type">title</infon><offset>0</offset><text>miR-155 and SOCS1.</text>
      <annotation id="T1"><infon key="type">miRNA</infon><location offset="0" length="7"/><text>miR-155</text></annotation>
    </passage>
    <passage><infon key="type">abstract</infon><offset>20</offset><text>SOCS1 is a target of miR-155 in MCF-7 cells.</text>
      <annotation id="T2"><infon key="type">Gene</infon><infon key="identifier">8651</infon><location offset="20" length="5"/><text>SOCS1</text></annotation>
      <annotation id="T3"><infon key="type">miRNA</infon><location offset="41" length="7"/><text>miR-155</text></annotation>
    </passage>
    <relation id="R1"><infon key="type">Target</infon><node refid="T3" role="miRNA"/><node refid="T2" role="Gene"/></relation>
  </document>
  <document><id>444</id>
    <passage><text>Down-regulation of &amp;lt;Gene&amp;gt;BRCA1&amp;lt;/Gene&amp;gt; by &amp;lt;miRNA&amp;gt;miR-146A&amp;lt;/miRNA&amp;gt;.</text>
      <annotation id="1"><infon key="type">miRNA</infon><location offset="48" length="8"/><text>miR-146A</text></annotation>
      <annotation id="2"><infon key="type">mRNA</infon><location offset="25" length="5"/><text>BRCA1</text></annotation>
      <annotation id="3"><infon key="relation">Positive</infon></annotation>
    </passage>
  </document>
  <document><id>444</id>
    <passage><text>BRCA1 again.</text></passage>
  </document>
</collection>
"""


def test_bioc_passages_sit_at_their_offsets_and_escaped_inline_tags_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "mini.xml"
    path.write_text(BIOC, encoding="utf-8")
    assert detect_format(path, path.read_bytes()) == "bioc"
    first, tagged, repeated = records(path)
    assert first.document.text == "miR-155 and SOCS1.\n\nSOCS1 is a target of miR-155 in MCF-7 cells."
    assert [(s.label, s.start) for s in first.document.sections] == [("title", 0), ("abstract", 20)]
    assert [(a.text, a.start, a.type, a.concept_id) for a in first.annotations] == [
        ("miR-155", 0, "miRNA", ""), ("SOCS1", 20, "Gene", "8651"), ("miR-155", 41, "miRNA", "")
    ]  # fmt: skip
    assert first.relations[0].type == "Target" and first.relations[0].arguments == ("T3", "T2")
    assert tagged.document.text == "Down-regulation of BRCA1 by miR-146A."
    assert all(tagged.document.text[a.start : a.end] == a.text for a in tagged.annotations)
    assert tagged.relations[0].label == "Positive" and tagged.relations[0].arguments == ("1", "2")
    assert (tagged.document.doc_id, repeated.document.doc_id) == ("PMID:444", "PMID:444#2")
    assert [s.label for s in tagged.document.sections] == ["abstract"]


SCAI = """<?xml version="1.0" encoding="UTF-8"?>
<corpus source="hand-made">
  <document id="c.d0" origId="555">
    <sentence id="c.d0.s1" origId="555.s2" text="miR-21* was low in the tumours. ">
      <entity charOffset="0-5" id="c.d0.s1.e0" text="miR-21" type="Specific_miRNAs"/>
    </sentence>
    <sentence id="c.d0.s0" origId="555.s0" text="Serum microRNAs and KRAS in colon cancer. ">
      <entity charOffset="6-14" id="c.d0.s0.e0" text="microRNAs" type="Non-Specific_miRNAs"/>
      <entity charOffset="20-23" id="c.d0.s0.e1" text="KRAS" type="Genes/Proteins"/>
      <pair e1="c.d0.s0.e0" e2="c.d0.s0.e1" id="c.d0.s0.p0" interaction="False" type="Non-Specific_miRNAs-Genes/Proteins"/>
    </sentence>
  </document>
</corpus>
"""


def test_scai_sentences_are_read_in_their_order_with_inclusive_offsets_mapped(tmp_path: Path) -> None:
    path = tmp_path / "scai.xml"
    path.write_text(SCAI, encoding="utf-8")
    assert detect_format(path, path.read_bytes()) == "scai"
    (record,) = records(path)
    assert record.document.text == "Serum microRNAs and KRAS in colon cancer. \nmiR-21* was low in the tumours. "
    assert record.document.sections[0].label == "title" and record.document.title == "Serum microRNAs and KRAS in colon cancer."
    assert [(record.document.text[a.start : a.end], a.type) for a in record.annotations] == [
        ("microRNAs", "Non-Specific_miRNAs"), ("KRAS", "Genes/Proteins"), ("miR-21", "Specific_miRNAs")
    ]  # fmt: skip
    assert record.relations[0].label == "False" and record.relations[0].arguments == ("c.d0.s0.e0", "c.d0.s0.e1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GeneOrGeneProduct=gene", [TypeMapping("GeneOrGeneProduct", "", "gene")]),
        ("Chemical@CID=drug, CellLine=cell_line", [TypeMapping("Chemical", "CID", "drug"), TypeMapping("CellLine", "", "cell_line")]),
        ("Chemical=drug+drug_class", [TypeMapping("Chemical", "", "drug+drug_class")]),
    ],
)  # fmt: skip
def test_a_type_map_reads_types_and_relation_qualifiers(text: str, expected: list[TypeMapping]) -> None:
    assert list(parse_type_map(text)) == expected


@pytest.mark.parametrize("text", ["Gene", "Gene=protein", "=gene", "", "Chemical=drug+pill"])
def test_a_bad_type_map_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_type_map(text)


@pytest.fixture
def pubtator_run(pubtator: Path, tmp_path: Path) -> Path:
    out = tmp_path / "run"
    assert runner.invoke(app, ["run", str(pubtator), "--out", str(out), "-q"]).exit_code == 0
    return out


def scores(stdout: str) -> dict[str, list[str]]:
    """The figures of the first row of each corpus type (`GeneOrGeneProduct -> gene`, not its `gene+mirna` view)."""
    rows: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        if " -> " in line and "type" not in line:
            rows.setdefault(line.split(" -> ")[0], line.split()[-7:])
    return rows


def test_evaluate_scores_a_run_against_pubtator_by_overlap_and_exact_span(pubtator: Path, pubtator_run: Path) -> None:
    args = ["evaluate", "--gold", str(pubtator), "--pred", str(pubtator_run), "--errors", "0"]
    overlap = runner.invoke(app, args)
    exact = runner.invoke(app, [*args, "--match", "exact"])
    assert overlap.exit_code == 0 and exact.exit_code == 0, overlap.output
    # Gold HCT116 cells (with "cells") is found by mirmine's HCT-116 by overlap only; P R F1 gold found pred right.
    assert scores(overlap.stdout)["CellLine"] == ["1.000", "1.000", "1.000", "3", "3", "3", "3"]
    assert scores(exact.stdout)["CellLine"] == ["0.667", "0.667", "0.667", "3", "2", "3", "2"]
    assert scores(overlap.stdout)["GeneOrGeneProduct"][3:] == ["3", "3", "3", "3"]


def test_the_overall_row_counts_a_corpus_type_once_when_two_rows_score_it(pubtator: Path, pubtator_run: Path) -> None:
    # GeneOrGeneProduct is scored as gene and, by BioRED's convention, as gene+mirna: its 3 genes count once.
    result = runner.invoke(app, ["evaluate", "--gold", str(pubtator), "--pred", str(pubtator_run), "--errors", "0"])
    assert result.exit_code == 0, result.output
    assert "GeneOrGeneProduct -> gene+mirna" in result.stdout
    overall = next(line for line in result.stdout.splitlines() if line.startswith("all ("))
    assert overall.split()[-4] == "8"  # gold: 3 genes, 3 cell lines, 2 chemicals


def test_evaluate_lists_misses_and_false_hits_with_their_context(pubtator: Path, pubtator_run: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--gold", str(pubtator), "--pred", str(pubtator_run), "--match", "exact",
                                 "--types", "CellLine=cell_line", "--errors", "5"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "CellLine -> cell_line: misses (1 of 1)" in result.stdout
    assert "Loss of miR-21 raises PTEN in [HCT116 cells]. We show that" in result.stdout
    assert "CellLine -> cell_line: false hits (1 of 1)" in result.stdout
    assert "[HCT116] cells." in result.stdout and "cell_line." in result.stdout  # the rule and where it is written


def test_evaluate_with_a_relation_qualifier_keeps_only_annotations_in_such_a_relation(pubtator: Path, pubtator_run: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--gold", str(pubtator), "--pred", str(pubtator_run), "--errors", "0",
                                 "--types", "ChemicalEntity@Association=drug"])  # fmt: skip
    assert scores(result.stdout)["ChemicalEntity@Association"][3:5] == ["1", "1"]  # cisplatin, not gemcitabine


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--types", "Gene=protein"], 1, "is not CORPUS_TYPE=TYPE"),
        (["--match", "fuzzy"], 2, "use --match overlap, exact or tiled"),
    ],
)  # fmt: skip
def test_evaluate_refuses_bad_corpus_options(pubtator: Path, pubtator_run: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["evaluate", "--gold", str(pubtator), "--pred", str(pubtator_run), *args])
    assert result.exit_code == code and message in result.output


def test_evaluate_against_a_corpus_the_run_did_not_read_says_what_to_run(pubtator: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    (tmp_path / "one.txt").write_text("miR-21 targets PTEN.\n", encoding="utf-8")
    runner.invoke(app, ["run", str(tmp_path / "one.txt"), "--out", str(other), "-q"])
    result = runner.invoke(app, ["evaluate", "--gold", str(pubtator), "--pred", str(other)])
    assert result.exit_code == 1 and f"run `mirmine run {pubtator} --out {other}` first" in result.output


def test_a_corpus_file_of_no_annotated_format_is_no_gold(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("miR-21 targets PTEN.\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--gold", str(tmp_path / "plain.txt"), "--pred", str(tmp_path)])
    assert result.exit_code == 1 and "txt holds no annotations" in result.output


def test_an_input_error_row_names_a_pubtator_line_without_its_text_lines(tmp_path: Path) -> None:
    path = tmp_path / "orphan.PubTator"
    path.write_text(pubtator_text() + "999\t0\t4\tPTEN\tGene\t5728\n", encoding="utf-8")
    errors = [item for item in read_inputs([path]) if isinstance(item, InputError)]
    assert [(e.source, e.doc_id) for e in errors] == [(f"{path}:15", "PMID:999")]


@pytest.mark.parametrize(
    ("predicted", "match", "expected"),
    [
        # gold: one span over the enumeration `miR-221/222` (0-11), as SCAI writes it; mirmine: one span per item
        ([(0, 7), (8, 11)], "exact", (0, 0)),
        ([(0, 7), (8, 11)], "tiled", (1, 2)),
        ([(0, 7)], "tiled", (0, 0)),  # one item alone does not tile the enumeration
        ([(0, 11)], "tiled", (1, 1)),
        ([(0, 7), (8, 11)], "overlap", (1, 2)),
    ],
)  # fmt: skip
def test_tiled_matching_finds_an_enumeration_spanned_as_one_by_its_items(
    predicted: list[tuple[int, int]], match: str, expected: tuple[int, int]
) -> None:
    from pipeline.evaluate import CorpusGold, score_corpus_mentions
    from pipeline.evaluate.corpus import Span
    from pipeline.schema import CorpusAnnotation, Document, Section

    text = "miR-221/222 confer resistance."
    document = Document("d", text, (Section("abstract", 0, len(text)),), "test", "scai")
    gold = CorpusGold(Path("g"), {"d": text}, {"d": CorpusRecord(document, (CorpusAnnotation(0, 11, "miR-221/222", "M"),))})
    spans = {"mirna": [Span("d", start, end) for start, end in predicted]}
    score = score_corpus_mentions(gold, spans, [TypeMapping("M", "", "mirna")], match).rows["M -> mirna"]
    assert (score.found, score.right) == expected
