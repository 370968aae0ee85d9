"""Writing the run's tables: cells, atomic replacement, and the table.tsv roll-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.output import MENTIONS, TABLE, aggregate_table, atomic_open, cell, table_rows, write_tsv
from pipeline.schema import RELATION_DIRECTIONS, Relation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (0.8, "0.80"),
        (("MCF-7", "SK-BR-3"), "MCF-7;SK-BR-3"),
        (None, ""),
        ("Drug\tmiRNA\tRef", "Drug miRNA Ref"),
        ("two\nlines", "two lines"),
    ],
    ids=["true", "false", "float", "list", "none", "tab", "newline"],
)
def test_cell(value: object, expected: str) -> None:
    assert cell(value) == expected


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "mentions.tsv"
    target.write_text("previous run\n", encoding="utf-8")

    def rows():
        yield ("a", "b")
        raise KeyboardInterrupt  # an interrupted run

    with pytest.raises(KeyboardInterrupt):
        write_tsv(target, ("x", "y"), rows())
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mentions.tsv"]


def test_atomic_open_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out" / "run.json"
    with atomic_open(target) as handle:
        handle.write("{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"


def relation(doc_id: str, mirna: str, kind: str, partner: str, *, start: int = 0, negated: bool = False) -> Relation:
    partner_type = "gene" if kind == "targets" else "drug"
    return Relation(
        doc_id=doc_id, section="abstract", sentence_id=0, sent_start=start, sent_end=start + 10,
        mirna=mirna, relation=kind, direction=RELATION_DIRECTIONS.get(kind, ""), partner=partner,
        partner_type=partner_type, partner_id="",
        cell_lines=("MCF-7",), cancer=(), negated=negated, hedged=False, rule="test", confidence=0.9,
        mirna_start=start, mirna_end=start + len(mirna), partner_start=start + 20, partner_end=start + 20 + len(partner),
        sentence=f"{mirna} {kind} {partner}",
    )  # fmt: skip


def test_table_rolls_up_one_row_per_finding_with_the_targets_of_its_documents() -> None:
    rows = aggregate_table(
        [
            relation("d1", "miR-126", "sensitizes", "trastuzumab"),
            relation("d2", "miR-126", "sensitizes", "trastuzumab", start=5),
            relation("d1", "miR-126", "targets", "PIK3R2", start=20),
            relation("d3", "miR-126", "targets", "VEGFA"),
        ]
    )
    finding = next(row for row in rows if row.relation == "sensitizes")
    assert (finding.n_docs, finding.n_sentences, finding.doc_ids, finding.targets) == (
        2, 2, ("d1", "d2"), ("PIK3R2",)
    )  # fmt: skip


def test_negated_relations_stay_out_of_the_table() -> None:
    assert aggregate_table([relation("d1", "miR-21", "sensitizes", "cisplatin", negated=True)]) == []


def test_relation_id_is_stable_and_depends_on_the_finding() -> None:
    first = relation("d1", "miR-21", "sensitizes", "cisplatin")
    assert first.relation_id == relation("d1", "miR-21", "sensitizes", "cisplatin").relation_id
    assert first.relation_id != relation("d1", "miR-21", "confers_resistance", "cisplatin").relation_id


def test_table_rows_follow_the_column_order() -> None:
    (row,) = table_rows(aggregate_table([relation("d1", "miR-21", "sensitizes", "cisplatin")]))
    assert dict(zip(TABLE.columns, row))["partner"] == "cisplatin"


def test_run_tables_read_back_as_the_records_written(corpus_run) -> None:
    """export, report and curate read a run through one reader: it gives back what the run wrote."""
    from pipeline.output import RunFolder

    relations = list(RunFolder(corpus_run).relations())
    mentions = list(RunFolder(corpus_run).mentions())
    assert len(relations) > 100 and len(mentions) > 500
    assert all(isinstance(row.negated, bool) and isinstance(row.sentence_id, int) for row in relations)
    assert all(m.text and m.end > m.start for m in mentions)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("doc_id\tsection\n", "no column sentence_id", id="header"),
        pytest.param("\t".join(MENTIONS.columns) + "\nd\tabstract\tone\t0\t3\tabc\tgene\tX\t\tr\n", "'one' is not a whole number", id="number"),
        pytest.param("\t".join(MENTIONS.columns) + "\nd\tabstract\n", ":2: expected 10 tab-separated cells", id="cells"),
    ],
)
def test_a_broken_run_table_names_the_file_and_line(tmp_path, content: str, message: str) -> None:
    from pipeline.output import RunFolder, TableError

    path = tmp_path / "mentions.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TableError, match=message.replace("(", r"\(")):
        list(RunFolder(tmp_path).mentions())


def test_the_table_of_a_streamed_run_equals_the_table_of_its_relations(corpus_run) -> None:
    """table.tsv is rolled up while relations.tsv streams past; reading relations.tsv back gives the same rows."""
    from pipeline.output import RunFolder

    run = RunFolder(corpus_run)
    years = {document["doc_id"]: document["year"] for document in run.documents()}
    assert aggregate_table(run.relations(), years) == run.table()


@pytest.mark.parametrize("table", ["MENTIONS", "RELATIONS", "TABLE", "ERRORS"])
def test_the_output_readme_lists_each_tables_columns_in_order(table: str) -> None:
    import pipeline.output as output

    spec = getattr(output, table)
    readme = (Path(__file__).resolve().parent.parent / "output" / "README.md").read_text(encoding="utf-8")
    assert f"- `{spec.file}`: {', '.join(spec.columns)}\n" in readme


@pytest.mark.parametrize("table", ["MENTIONS", "RELATIONS"])
def test_a_runs_rows_are_in_their_tables_order_numbers_as_numbers(corpus_run, table: str) -> None:
    """mentions.tsv by offset (`start` 20 before 100), relations.tsv by sentence number, in each document."""
    import pipeline.output as output

    spec = getattr(output, table)
    lines = (corpus_run / spec.file).read_text(encoding="utf-8").splitlines()[1:]
    keys = [spec.key_of_fields(line.split("\t")) for line in lines]
    assert keys == sorted(keys) and isinstance(keys[0][1], int)
    first_doc = [key[1] for key in keys if key[0] == keys[0][0]]
    assert len(set(first_doc)) > 3 and first_doc == sorted(first_doc)
