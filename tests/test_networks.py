"""Findings as networks (GraphML and SIF, from a run and from a curated store) and the XLSX export's sheet."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.curate import decide, export_findings, finding_id, merge_run
from pipeline.curate.export import column_widths, pubmed_link
from pipeline.output import MENTIONS, RELATIONS, write_tsv

runner = CliRunner()
G = "{http://graphml.graphdrawing.org/xmlns}"

# (relation_id, doc_id, mirna, relation, direction, partner, partner_type, partner_id, negated)
ROWS = (
    ("a000000000000001", "PMID:11", "miR-21", "targets", "down", "ERBB2", "gene", "HGNC:3430", False),
    ("a000000000000002", "PMID:11", "miR-21", "confers_resistance", "down", "trastuzumab", "drug", "DB00072", False),
    ("a000000000000003", "PMID:12", "miR-21", "confers_resistance", "down", "trastuzumab", "drug", "DB00072", False),
    ("a000000000000004", "PMID:12", "miR-221", "regulates", "up", "PTEN", "gene", "HGNC:9588", False),
    ("a000000000000005", "PMID:13", "miR-221", "regulates", "down", "PTEN", "gene", "HGNC:9588", False),
    ("a000000000000006", "doc_7", "miR-9", "associated", "", "R&D <drug> \"x\"", "drug", "", False),
    ("a000000000000007", "PMID:14", "miR-9", "sensitizes", "up", "cisplatin", "drug", "DB00515", True),
)
MIRBASE = {"miR-21": "MIMAT0000076", "miR-221": "MIMAT0000278"}
RESISTANCE = finding_id("miR-21", "confers_resistance", "trastuzumab")


def write_run(folder: Path) -> Path:
    folder.mkdir(parents=True)
    relations, mentions = [], []
    for relation_id, doc_id, mirna, kind, direction, partner, partner_type, partner_id, negated in ROWS:
        values = {
            "relation_id": relation_id, "doc_id": doc_id, "section": "abstract", "sentence_id": "1", "mirna": mirna,
            "relation": kind, "direction": direction, "partner": partner, "partner_type": partner_type,
            "partner_id": partner_id, "negated": "true" if negated else "false", "hedged": "false", "rule": "cue.test",
            "confidence": "0.80", "mirna_start": "0", "mirna_end": "6", "partner_start": "20", "partner_end": "25",
            "sentence": f"{mirna} and {partner}.",
        }  # fmt: skip
        relations.append(tuple(values.get(name, "") for name in RELATIONS.columns))
        mention = {"doc_id": doc_id, "section": "abstract", "sentence_id": "1", "start": "0", "end": "6", "text": mirna,
                   "type": "mirna", "norm": mirna, "concept_id": MIRBASE.get(mirna, ""), "rule": "mirna.name"}  # fmt: skip
        mentions.append(tuple(mention.get(name, "") for name in MENTIONS.columns))
    write_tsv(folder / "relations.tsv", RELATIONS.columns, sorted(relations))
    write_tsv(folder / "mentions.tsv", MENTIONS.columns, sorted(set(mentions)))
    (folder / "run.json").write_text(json.dumps({"inputs": []}) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run")


@pytest.fixture
def db(tmp_path: Path, run: Path) -> Path:
    path = tmp_path / "curated.db"
    merge_run(path, run)
    return path


def read_graphml(path: Path) -> tuple[dict, dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(keys by id: (for, name, type), nodes by id: their data by attribute name, edges by id: source, target, data)."""
    root = ET.parse(path).getroot()
    keys = {key.get("id"): (key.get("for"), key.get("attr.name"), key.get("attr.type")) for key in root.iter(f"{G}key")}

    def data(element: ET.Element) -> dict[str, str]:
        return {keys[item.get("key")][1]: item.text or "" for item in element.iter(f"{G}data")}

    nodes = {node.get("id"): data(node) for node in root.iter(f"{G}node")}
    edges = {edge.get("id"): {"source": edge.get("source"), "target": edge.get("target"), **data(edge)} for edge in root.iter(f"{G}edge")}
    return keys, nodes, edges


def curate_cli(*args: object):
    return runner.invoke(app, ["curate", *map(str, args)])


# --- GraphML from a curated store ------------------------------------------------------------------------


@pytest.fixture
def store_graph(db: Path, tmp_path: Path):
    decide(db, RESISTANCE, "accepted", partner="lapatinib", note="Fig. 2")
    result = curate_cli("export", "--db", db, "--out", tmp_path / "findings.graphml")
    assert result.exit_code == 0 and "wrote 4 edges" in result.stdout
    return read_graphml(tmp_path / "findings.graphml")


STORE_KEYS = {
    "n_name": ("node", "name", "string"), "n_type": ("node", "type", "string"),
    "n_concept_id": ("node", "concept_id", "string"), "e_relation": ("edge", "relation", "string"),
    "e_direction": ("edge", "direction", "string"), "e_evidence": ("edge", "evidence", "int"),
    "e_n_docs": ("edge", "n_docs", "int"), "e_status": ("edge", "status", "string"),
    "e_finding_id": ("edge", "finding_id", "string"), "e_stale": ("edge", "stale", "boolean"),
    "e_original_relation": ("edge", "original_relation", "string"),
    "e_original_partner": ("edge", "original_partner", "string"),
}  # fmt: skip


def test_store_graphml_declares_its_keys_with_types(store_graph) -> None:
    keys, _, _ = store_graph
    assert keys == STORE_KEYS


NODES = {
    "mirna": ("mirna:miR-21", {"name": "miR-21", "type": "mirna", "concept_id": ""}),
    "gene": ("gene:ERBB2", {"name": "ERBB2", "type": "gene", "concept_id": "HGNC:3430"}),
    "corrected partner": ("drug:lapatinib", {"name": "lapatinib", "type": "drug", "concept_id": ""}),
    "escaped name": ('drug:R&D <drug> "x"', {"name": 'R&D <drug> "x"', "type": "drug", "concept_id": ""}),
}


@pytest.mark.parametrize(("node_id", "expected"), NODES.values(), ids=list(NODES))
def test_store_graphml_nodes_are_typed_with_normalized_ids(store_graph, node_id: str, expected: dict) -> None:
    _, nodes, _ = store_graph
    assert nodes[node_id] == expected


def test_store_graphml_has_no_node_for_a_corrected_away_partner(store_graph) -> None:
    _, nodes, _ = store_graph
    assert "drug:trastuzumab" not in nodes


def test_store_graphml_edges_carry_the_curated_finding(store_graph) -> None:
    _, _, edges = store_graph
    assert edges[RESISTANCE] == {
        "source": "mirna:miR-21", "target": "drug:lapatinib", "relation": "confers_resistance", "direction": "down",
        "evidence": "2", "n_docs": "2", "status": "accepted", "finding_id": RESISTANCE, "stale": "false",
        "original_relation": "confers_resistance", "original_partner": "trastuzumab",
    }  # fmt: skip


def test_store_graphml_edge_of_mixed_directions(store_graph) -> None:
    _, _, edges = store_graph
    assert edges[finding_id("miR-221", "regulates", "PTEN")]["direction"] == "down;up"


def test_store_sif_has_one_line_per_finding(db: Path, tmp_path: Path) -> None:
    decide(db, RESISTANCE, "rejected")
    curate_cli("export", "--db", db, "--out", tmp_path / "findings.sif")
    assert (tmp_path / "findings.sif").read_text(encoding="utf-8").splitlines() == [
        "miR-21\ttargets\tERBB2",
        "miR-221\tregulates\tPTEN",
        'miR-9\tassociated\tR&D <drug> "x"',
    ]


@pytest.mark.parametrize("suffix", [".graphml", ".sif"])
def test_a_network_file_is_replaced_only_with_force(db: Path, tmp_path: Path, suffix: str) -> None:
    (tmp_path / f"net{suffix}").write_text("my layout\n", encoding="utf-8")
    result = curate_cli("export", "--db", db, "--out", tmp_path / f"net{suffix}")
    assert result.exit_code == 1 and "--force" in result.stderr
    assert (tmp_path / f"net{suffix}").read_text(encoding="utf-8") == "my layout\n"


def test_a_network_by_drug_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    assert curate_cli("export", "--db", db, "--out", tmp_path / "net.graphml", "--by", "drug").exit_code == 2


# --- GraphML and SIF from a run --------------------------------------------------------------------------


def export_run(run: Path, fmt: str, out: Path, *options: str):
    return runner.invoke(app, ["export", str(run), "--format", fmt, "--out", str(out), *options])


def test_run_graphml_has_the_findings_of_the_non_negated_relations(run: Path, tmp_path: Path) -> None:
    result = export_run(run, "graphml", tmp_path / "net")
    keys, nodes, edges = read_graphml(tmp_path / "net" / "mirmine.graphml")
    assert result.exit_code == 0 and "7 nodes, 4 edges" in result.stdout
    assert {name for _, name, _ in keys.values()} == {"name", "type", "concept_id", "relation", "direction", "evidence", "n_docs"}
    assert "drug:cisplatin" not in nodes  # its only relation is negated


def test_run_graphml_takes_mirna_ids_from_mentions(run: Path, tmp_path: Path) -> None:
    export_run(run, "graphml", tmp_path / "net")
    _, nodes, _ = read_graphml(tmp_path / "net" / "mirmine.graphml")
    assert (nodes["mirna:miR-21"]["concept_id"], nodes["mirna:miR-9"]["concept_id"]) == ("MIMAT0000076", "")


def test_run_graphml_edge_attributes(run: Path, tmp_path: Path) -> None:
    export_run(run, "graphml", tmp_path / "net")
    _, _, edges = read_graphml(tmp_path / "net" / "mirmine.graphml")
    edge = next(e for e in edges.values() if e["target"] == "drug:trastuzumab")
    assert edge == {"source": "mirna:miR-21", "target": "drug:trastuzumab", "relation": "confers_resistance",
                    "direction": "down", "evidence": "2", "n_docs": "2"}  # fmt: skip


def test_run_sif_lines(run: Path, tmp_path: Path) -> None:
    assert export_run(run, "sif", tmp_path / "net").exit_code == 0
    assert (tmp_path / "net" / "mirmine.sif").read_text(encoding="utf-8").splitlines() == [
        "miR-21\tconfers_resistance\ttrastuzumab",
        "miR-21\ttargets\tERBB2",
        "miR-221\tregulates\tPTEN",
        'miR-9\tassociated\tR&D <drug> "x"',
    ]


def test_run_network_does_not_replace_a_file_edited_since(run: Path, tmp_path: Path) -> None:
    export_run(run, "graphml", tmp_path / "net")
    (tmp_path / "net" / "mirmine.graphml").write_text("<graphml/>\n", encoding="utf-8")
    result = export_run(run, "graphml", tmp_path / "net")
    assert result.exit_code == 1 and "--force" in result.stderr
    assert export_run(run, "graphml", tmp_path / "net", "--force").exit_code == 0


def test_run_network_of_a_folder_without_relations_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = export_run(tmp_path / "empty", "sif", tmp_path / "net")
    assert result.exit_code == 1 and "relations.tsv: file not found" in result.stderr


# --- the XLSX sheet ----------------------------------------------------------------------------------------


@pytest.fixture
def sheet(db: Path, tmp_path: Path):
    from openpyxl import load_workbook

    export_findings(db, tmp_path / "curated.xlsx")
    workbook = load_workbook(tmp_path / "curated.xlsx")
    yield workbook["findings"]
    workbook.close()


def column(sheet, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter([cell.value for cell in sheet[1]].index(name) + 1)


def test_xlsx_header_is_frozen_and_filtered(sheet) -> None:
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:{sheet.cell(1, sheet.max_column).column_letter}5")


@pytest.mark.parametrize(
    ("name", "width"), [("stale", 8), ("original_partner_id", 21), ("partner", 15)], ids=["least", "header", "longest-cell"]
)
def test_xlsx_columns_fit_their_text(sheet, name: str, width: int) -> None:
    assert sheet.column_dimensions[column(sheet, name)].width == width


def test_xlsx_doc_ids_link_to_pubmed(sheet) -> None:
    links = {}
    for row in range(2, sheet.max_row + 1):
        cell = sheet[f"{column(sheet, 'doc_ids')}{row}"]
        links[cell.value] = cell.hyperlink.target if cell.hyperlink else None
    assert links == {
        "PMID:11": "https://pubmed.ncbi.nlm.nih.gov/11/",
        "PMID:11;PMID:12": "https://pubmed.ncbi.nlm.nih.gov/?term=11%5Buid%5D+OR+12%5Buid%5D",
        "PMID:12;PMID:13": "https://pubmed.ncbi.nlm.nih.gov/?term=12%5Buid%5D+OR+13%5Buid%5D",
        "doc_7": None,
    }


@pytest.mark.parametrize(
    ("doc_ids", "expected"),
    [("PMID:5", "https://pubmed.ncbi.nlm.nih.gov/5/"), ("PMID:5, doc_1, PMID:6", "https://pubmed.ncbi.nlm.nih.gov/?term=5%5Buid%5D+OR+6%5Buid%5D"),
     ("doc_1;PMC123", ""), ("", "")],
    ids=["one", "by-view-commas", "no-pmid", "empty"],
)  # fmt: skip
def test_pubmed_link(doc_ids: str, expected: str) -> None:
    assert pubmed_link(doc_ids) == expected


def test_pubmed_link_keeps_within_a_spreadsheet_limit() -> None:
    link = pubmed_link(";".join(f"PMID:{30000000 + i}" for i in range(500)))
    assert len(link) <= 2079 and link.count("%5Buid%5D") == 80


def test_a_long_column_is_capped() -> None:
    assert column_widths(["example"], [["x" * 500]]) == [60]
