"""PDF tables and line-end hyphens: a table in a PDF gives the table rows its text gives, read once; names broken
at a line end are whole again."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import CORPUS
from pdf_fixture import (
    LEFT_X,
    SPLIT_CAPTION,
    SPLIT_HEADER,
    SPLIT_ROWS,
    TABLE_CAPTION_TEXT,
    TABLE_COLUMNS,
    TABLE_HEADER,
    TABLE_LAYOUTS,
    TABLE_ROWS,
    build_pdf,
    column,
    column_table_pages,
    table_page,
    table_paper_pages,
    table_paper_text,
    write_split_table_pdf,
    write_table_pdf,
)
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate.gold import read_gold_table
from pipeline.ingest import join_lines, read_pdf
from pipeline.ingest.hyphens import HyphenEvidence, hyphen_evidence
from pipeline.schema import Document

SEED_003 = CORPUS / "003_73dc42a11a2ec70b.txt"


def table_block(caption: str, rows: list[list[str]]) -> str:
    return caption + "\n\n" + "\n".join("\t".join(row) for row in rows)


def table_sections(document: Document) -> list[str]:
    return [document.text[s.start : s.end] for s in document.sections if s.label == "table"]


def pdf_document(path: Path, pages, rules=None) -> Document:
    path.write_bytes(build_pdf(pages, rules=rules))
    return next(read_pdf(path))


# ------------------------------------------------------------------------------------------------ reading a table


@pytest.mark.parametrize("layout", TABLE_LAYOUTS)
def test_a_pdf_table_becomes_a_table_section_of_tab_separated_rows(tmp_path: Path, layout: str) -> None:
    document = next(read_pdf(write_table_pdf(tmp_path / "paper.pdf", layout)))
    assert table_sections(document) == [table_block(TABLE_CAPTION_TEXT, [TABLE_HEADER, *TABLE_ROWS])]


@pytest.mark.parametrize("layout", TABLE_LAYOUTS)
def test_a_pdf_table_paper_reads_as_its_text(tmp_path: Path, layout: str) -> None:
    """Title, prose, the table block and the prose after it: the text of the same paper written as plain text."""
    document = next(read_pdf(write_table_pdf(tmp_path / "paper.pdf", layout)))
    assert document.text == table_paper_text().rstrip("\n")


@pytest.mark.parametrize("cell", ["miR-451", "doxorubicin", "let-7c", "Change in resistant cells"])
def test_table_text_is_read_once(tmp_path: Path, cell: str) -> None:
    document = next(read_pdf(write_table_pdf(tmp_path / "paper.pdf", "solid")))
    assert document.text.count(cell) == 1


def test_without_its_rules_a_ruled_table_of_bottom_aligned_cells_loses_its_rows(tmp_path: Path) -> None:
    """The ruled layout needs its rules: set without them, the first two rows run together (so the rules are read)."""
    pages, _ = table_paper_pages("ruled")
    document = pdf_document(tmp_path / "unruled.pdf", pages)
    assert "miR-21 miR-221, miR-195-5p\ttrastuzumab tamoxifen\tup up" in document.text


def test_a_caption_without_a_colon_heads_a_table_too(tmp_path: Path) -> None:
    """`Table 1 miRNAs ...` as journals print it: the rows are written as a table, which the text path reads as one."""
    caption = TABLE_CAPTION_TEXT.replace("Table 1:", "Table 1")
    placed, _, _ = table_page(caption, [TABLE_HEADER, *TABLE_ROWS], TABLE_COLUMNS, "spaced")
    document = pdf_document(tmp_path / "no_colon.pdf", [placed])
    assert table_block(caption, [TABLE_HEADER, *TABLE_ROWS]) in document.text
    assert table_sections(document) == [table_block(caption, [TABLE_HEADER, *TABLE_ROWS]).split("\n\n")[1]]


def test_a_table_that_runs_on_into_the_next_column_is_one_table(tmp_path: Path) -> None:
    document = next(read_pdf(write_split_table_pdf(tmp_path / "split.pdf")))
    assert table_sections(document) == [table_block(" ".join(SPLIT_CAPTION), [SPLIT_HEADER, *SPLIT_ROWS])]


def test_a_continued_caption_over_the_repeated_header_is_not_read_as_text(tmp_path: Path) -> None:
    document = next(read_pdf(write_split_table_pdf(tmp_path / "split.pdf", "Table 2 (continued)")))
    assert table_sections(document) == [table_block(" ".join(SPLIT_CAPTION), [SPLIT_HEADER, *SPLIT_ROWS])]
    assert "continued" not in document.text


def test_a_two_column_page_with_a_table_reads_its_columns_in_order(tmp_path: Path) -> None:
    document = pdf_document(tmp_path / "columns.pdf", column_table_pages())
    order = ["Pancreatic cancer responds", "Table 2:", "miR-221\tgemcitabine\tAsPC-1", "The same microRNAs were low",
             "Knockdown of miR-21 restored"]  # fmt: skip
    assert [document.text.index(marker) for marker in order] == sorted(document.text.index(m) for m in order)
    assert table_sections(document) == [table_block(" ".join(SPLIT_CAPTION), [SPLIT_HEADER, *SPLIT_ROWS[:3]])]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(["Table 1: miRNAs in this study.", "We measured the levels of all of them in cells that were",
                      "grown with the drug for six months and in their parents."], id="caption-over-prose"),
        pytest.param(["Table 1. The levels of miR-21 rose in all the resistant cells that we grew with",
                      "the drug for six months, as the measurements in the table show."], id="table-named-in-prose"),
        pytest.param(["Table 1 shows that the levels of miR-21 rose in all the resistant cells that we",
                      "grew with the drug for six months and in none of their parents."], id="table-shows-in-prose"),
    ],
)  # fmt: skip
def test_a_caption_without_a_table_stays_text(tmp_path: Path, lines: list[str]) -> None:
    document = pdf_document(tmp_path / "prose.pdf", [[(LEFT_X, 720, "A study of miR-21")] + column(LEFT_X, 690, lines)])
    assert "\t" not in document.text
    assert [line in document.text.replace("\n\n", " ") for line in lines] == [True] * len(lines)


# ------------------------------------------------------------------------------------------------ the same relations


@pytest.fixture(scope="module")
def twin_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """`mirmine run` over the table paper as text and as PDFs in each layout: each document's table rows."""
    folder = tmp_path_factory.mktemp("twins")
    (folder / "paper_txt.txt").write_text(table_paper_text(), encoding="utf-8")
    for layout in TABLE_LAYOUTS:
        write_table_pdf(folder / f"paper_{layout}.pdf", layout)
    out = folder / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    with (out / "relations.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_doc: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["section"] == "table":
            doc_id = row.pop("doc_id")
            row.pop("relation_id")
            by_doc.setdefault(doc_id, []).append(row)
    return by_doc


def test_the_text_twin_gives_a_relation_per_table_pair(twin_run) -> None:
    found = {(row["mirna"], row["relation"], row["partner"]) for row in twin_run["paper_txt"]}
    assert found == {
        ("miR-21", "associated", "trastuzumab"),
        ("miR-221", "associated", "tamoxifen"),
        ("miR-195-5p", "associated", "tamoxifen"),
        ("miR-451", "associated", "doxorubicin"),
        ("let-7c", "associated", "cisplatin"),
        ("miR-200c", "associated", "paclitaxel"),
    }


@pytest.mark.parametrize("layout", TABLE_LAYOUTS)
def test_a_pdf_table_gives_the_relation_rows_of_its_text(twin_run, layout: str) -> None:
    """Every column of relations.tsv but doc_id and relation_id: offsets, sentence and rule too."""
    assert twin_run[f"paper_{layout}"] == twin_run["paper_txt"]


@pytest.mark.parametrize("layout", TABLE_LAYOUTS)
def test_the_review_table_1_as_a_pdf_gives_its_65_pairs(tmp_path: Path, extractor, layout: str) -> None:
    """The review's Table 1 (corpus 003), set in narrow columns (names broken at hyphens), gives every gold pair."""
    lines = SEED_003.read_text(encoding="utf-8").split("\n")
    start = next(number for number, line in enumerate(lines) if line.startswith("Table 1:"))
    rows = [line.split("\t") for line in lines[start + 2 : start + 17]]
    placed, rules, _ = table_page(lines[start], rows, [(72.0, 62.0), (140.0, 150.0), (296.0, 40.0)], layout, 660)
    document = pdf_document(tmp_path / "table1.pdf", [placed], [rules])
    pairs = {(r.partner, r.mirna) for r in extractor(document).relations if r.section == "table"}
    assert pairs == read_gold_table(CORPUS / "gold")


# ------------------------------------------------------------------------------------------------ hyphens


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["levels of miR-195-", "5p rose"], "levels of miR-195-5p rose", id="mirna-arm"),
        pytest.param(["levels of miR-", "195-5p rose"], "levels of miR-195-5p rose", id="mirna-number"),
        pytest.param(["the Let-", "7c family"], "the Let-7c family", id="let-7"),
        pytest.param(["targets PIK3-", "R2 in"], "targets PIK3R2 in", id="gene-symbol-broken-before-a-capital"),
        pytest.param(["and MAP2-", "K1 in"], "and MAP2K1 in", id="gene-symbol-letters-after-digit"),
        pytest.param(["the resis-", "tance to"], "the resistance to", id="word"),
        pytest.param(["Resis-", "tance to"], "Resistance to", id="capitalised-word"),
        pytest.param(["with 5-", "FU and"], "with 5-FU and", id="number-before-a-capital-keeps"),
        pytest.param(["a 10-", "fold rise"], "a 10-fold rise", id="number-before-a-word-keeps"),
        pytest.param(["in HER2-", "positive cells"], "in HER2-positive cells", id="symbol-before-a-word-keeps"),
        pytest.param(["low E-", "cadherin"], "low E-cadherin", id="one-letter-prefix-keeps"),
        pytest.param(["the NF-", "κB pathway"], "the NF-κB pathway", id="abbreviation-keeps"),
        pytest.param(["a miRNA-", "mediated loss"], "a miRNA-mediated loss", id="mixed-case-keeps"),
        pytest.param(["refs [77–79", "] and"], "refs [77–79] and", id="closing-bracket-glues"),
    ],
)
def test_join_lines_joins_a_name_broken_at_a_line_end(lines: list[str], expected: str) -> None:
    assert join_lines(lines, HyphenEvidence()) == expected


@pytest.mark.parametrize(
    ("lines", "seen", "expected"),
    [
        pytest.param(["targets PIK3-", "R2 in"], ["PIK3-R2 was low"], "targets PIK3-R2 in", id="hyphen-seen-keeps"),
        pytest.param(["low E-", "cadherin"], ["Ecadherin was low"], "low Ecadherin", id="whole-word-seen-joins"),
        pytest.param(["the drug-", "resistant"], ["drug-resistant cells"], "the drug-resistant", id="compound-seen"),
    ],
)
def test_the_documents_own_spelling_decides_first(lines: list[str], seen: list[str], expected: str) -> None:
    assert join_lines(lines, hyphen_evidence(seen)) == expected


def test_hyphen_evidence_keeps_every_pair_of_a_name() -> None:
    evidence = hyphen_evidence(["miR-195-5p and PIK3R2"])
    assert {"mir-195", "195-5p"} <= evidence.hyphenated and "pik3r2" in evidence.solid


BROKEN_NAMES = [
    "Breast cancer cells that resist tamoxifen",
    "We found that miR-195-",
    "5p directly targets PIK3-",
    "R2 in MCF-7 cells and that its loss",
    "leads to tamoxifen resis-",
    "tance with a 10-",
    "fold rise of PIK3R2 protein.",
]


@pytest.fixture(scope="module")
def broken_names(tmp_path_factory: pytest.TempPathFactory, extractor):
    path = tmp_path_factory.mktemp("hyphens") / "names.pdf"
    document = pdf_document(path, [column(LEFT_X, 700, BROKEN_NAMES, gap_before=(1,))])
    return document, extractor(document)


@pytest.mark.parametrize(
    "snippet",
    ["miR-195-5p directly targets PIK3R2 in", "tamoxifen resistance with a 10-fold rise"],
)
def test_a_pdf_paragraph_joins_broken_names(broken_names, snippet: str) -> None:
    assert snippet in broken_names[0].text


def test_names_broken_at_a_line_end_are_found_whole(broken_names) -> None:
    _, extraction = broken_names
    mentions = {(m.type, m.norm) for m in extraction.mentions}
    assert {("mirna", "miR-195-5p"), ("gene", "PIK3R2")} <= mentions
    assert ("mirna", "miR-195") not in mentions
    assert ("miR-195-5p", "targets", "PIK3R2") in {(r.mirna, r.relation, r.partner) for r in extraction.relations}
