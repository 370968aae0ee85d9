"""Findings as a network for Cytoscape (and any graph tool): GraphML with typed attributes, and SIF.

Nodes are the miRNAs and the partners (genes, drugs, drug classes ...), typed, their GraphML id ``<type>:<name>``
(``mirna:miR-21``, ``gene:ERBB2``) with the normalized name and concept id as data. An edge is a finding, from the
miRNA to its partner (for ``regulated_by`` the partner acts on the miRNA: the label says which way), with its
relation, direction, status (a curated store's decision; empty for a run), and evidence count (sentences) and
documents. SIF has one ``miRNA<TAB>relation<TAB>partner`` line per distinct edge, tab-separated so names may hold
spaces. Both are written whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from pipeline.output import MENTIONS, RELATIONS, RunFolder, TableError, aggregate_table, atomic_open

from .documents import ExportError

NETWORK_FORMATS = {".graphml": "graphml", ".sif": "sif"}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_SCHEMA_LOCATION = f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"
NETWORK_FILES = {"graphml": "mirmine.graphml", "sif": "mirmine.sif"}
# (GraphML key id, attribute name, type) of nodes and of edges; the attribute names are those of the tables. A run's
# network has the first four edge keys, a curated store's all of them.
NODE_KEYS = (("n_name", "name", "string"), ("n_type", "type", "string"), ("n_concept_id", "concept_id", "string"))
EDGE_KEYS = (
    ("e_relation", "relation", "string"),
    ("e_direction", "direction", "string"),
    ("e_evidence", "evidence", "int"),
    ("e_n_docs", "n_docs", "int"),
    ("e_status", "status", "string"),
    ("e_finding_id", "finding_id", "string"),
    ("e_stale", "stale", "boolean"),
    ("e_original_relation", "original_relation", "string"),
    ("e_original_partner", "original_partner", "string"),
)
RUN_EDGE_KEYS = EDGE_KEYS[:4]
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Node:
    """A miRNA, gene, drug ...: its GraphML id is ``type:name``."""

    name: str
    type: str
    concept_id: str = ""

    @property
    def node_id(self) -> str:
        return f"{self.type}:{self.name}"


@dataclass(frozen=True, slots=True)
class Edge:
    """A finding: miRNA -> partner. ``status``, ``finding_id``, ``stale`` and the originals come from a curated store."""

    mirna: str
    partner: str
    partner_type: str
    relation: str
    direction: str
    evidence: int
    n_docs: int
    status: str = ""
    finding_id: str = ""
    stale: bool = False
    original_relation: str = ""
    original_partner: str = ""


@dataclass(frozen=True, slots=True)
class Network:
    """Nodes sorted by (type, name), edges in the order given; ``curated``: from a store (with status and originals)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    curated: bool = False


def build_network(edges: Iterable[Edge], concept_ids: Mapping[tuple[str, str], str], *, curated: bool = False) -> Network:
    """The network of ``edges``: one node per (type, name) they name, with its id from ``concept_ids`` where known."""
    edges = tuple(edges)
    nodes: dict[tuple[str, str], Node] = {}
    for edge in edges:
        for key in (("mirna", edge.mirna), (edge.partner_type, edge.partner)):
            nodes.setdefault(key, Node(key[1], key[0], concept_ids.get(key, "")))
    return Network(tuple(nodes[key] for key in sorted(nodes)), edges, curated)


def network_from_run(run_dir: Path) -> Network:
    """The network of a run folder: its findings rolled up from relations.tsv (non-negated rows, as table.tsv), the
    direction of each the ;-joined directions of its rows, miRNA ids from mentions.tsv (miRBase) where there is one."""
    folder = RunFolder(run_dir)
    if not folder.has(RELATIONS):
        raise ExportError(f"{folder.file(RELATIONS)}: file not found; pass the --out folder of a `mirmine run`")
    try:
        rows = list(folder.relations())
        mentions = folder.mentions() if folder.has(MENTIONS) else iter(())
        concept_ids = {("mirna", m.norm): m.concept_id for m in mentions if m.type == "mirna" and m.concept_id}
    except TableError as err:
        raise ExportError(str(err)) from err
    directions: dict[tuple[str, str, str], set[str]] = {}
    for row in rows:
        if not row.negated and row.direction:
            directions.setdefault((row.mirna, row.relation, row.partner), set()).add(row.direction)
    edges = []
    for finding in aggregate_table(rows):
        key = (finding.mirna, finding.relation, finding.partner)
        edges.append(Edge(*key[::2], finding.partner_type, finding.relation, ";".join(sorted(directions.get(key, ()))),
                          finding.n_sentences, finding.n_docs))  # fmt: skip
        if finding.partner_id:
            concept_ids.setdefault((finding.partner_type, finding.partner), finding.partner_id)
    return build_network(edges, concept_ids)


def network_from_findings(findings: Iterable[Mapping[str, object]]) -> Network:
    """The network of a curated store's export records (``pipeline.curate.select_findings``): curated values."""
    edges, concept_ids = [], {}
    for row in findings:
        edge = Edge(
            str(row["mirna"]), str(row["partner"]), str(row["partner_type"]), str(row["relation"]), str(row["direction"]),
            int(row["n_sentences"]), int(row["n_docs"]), str(row["status"]), str(row["finding_id"]), bool(row["stale"]),
            str(row["original_relation"]), str(row["original_partner"]),
        )  # fmt: skip
        edges.append(edge)
        if row["partner_id"]:
            concept_ids.setdefault((edge.partner_type, edge.partner), str(row["partner_id"]))
    return build_network(edges, concept_ids, curated=True)


def write_network(path: Path, network: Network) -> None:
    """Write ``network`` as GraphML or SIF, by the extension of ``path``."""
    kind = NETWORK_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path}: a network file ends in {' or '.join(NETWORK_FORMATS)}")
    (write_graphml if kind == "graphml" else write_sif)(path, network)


def sif_lines(edges: Sequence[Edge]) -> list[str]:
    """``miRNA<TAB>relation<TAB>partner`` per distinct edge, in edge order."""
    lines = (f"{_one_line(e.mirna)}\t{_one_line(e.relation)}\t{_one_line(e.partner)}" for e in edges)
    return list(dict.fromkeys(lines))


def write_sif(path: Path, network: Network) -> None:
    with atomic_open(path) as handle:
        handle.writelines(f"{line}\n" for line in sif_lines(network.edges))


def write_graphml(path: Path, network: Network) -> None:
    """GraphML with its keys declared and typed, written by the standard library's XML writer (which escapes)."""
    edge_keys = EDGE_KEYS if network.curated else RUN_EDGE_KEYS
    with atomic_open(path) as handle:
        xml = XMLGenerator(handle, encoding="utf-8", short_empty_elements=True)
        xml.startDocument()
        namespaces = {"xmlns": GRAPHML_NS, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"}
        _open(xml, "graphml", {**namespaces, "xsi:schemaLocation": _SCHEMA_LOCATION}, depth=0)
        for domain, keys in (("node", NODE_KEYS), ("edge", edge_keys)):
            for key_id, name, kind in keys:
                _open(xml, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind}, depth=1)
                xml.endElement("key")
        _open(xml, "graph", {"id": "mirmine", "edgedefault": "directed"}, depth=1)
        for node in network.nodes:
            _open(xml, "node", {"id": node.node_id}, depth=2)
            _data(xml, NODE_KEYS, {"name": node.name, "type": node.type, "concept_id": node.concept_id})
            _close(xml, "node", depth=2)
        for number, edge in enumerate(network.edges, start=1):
            ends = {"id": edge.finding_id or f"e{number}", "source": f"mirna:{edge.mirna}", "target": f"{edge.partner_type}:{edge.partner}"}
            _open(xml, "edge", ends, depth=2)
            _data(xml, edge_keys, {name: getattr(edge, name) for _, name, _ in edge_keys})
            _close(xml, "edge", depth=2)
        _close(xml, "graph", depth=1)
        _close(xml, "graphml", depth=0)
        xml.endDocument()
        handle.write("\n")


def _data(xml: XMLGenerator, keys: Sequence[tuple[str, str, str]], values: Mapping[str, object]) -> None:
    """Every declared value as ``<data key=...>``, booleans as true/false (an empty string as an empty element)."""
    for key_id, name, kind in keys:
        value = values[name]
        text = ("true" if value else "false") if kind == "boolean" else str(value)
        _open(xml, "data", {"key": key_id}, depth=3)
        xml.characters(_NOT_XML.sub("", text))
        xml.endElement("data")


def _open(xml: XMLGenerator, name: str, attributes: dict[str, str], *, depth: int) -> None:
    if depth:  # the root follows the XML declaration's own line break
        xml.ignorableWhitespace("\n" + "  " * depth)
    xml.startElement(name, AttributesImpl({key: _NOT_XML.sub("", value) for key, value in attributes.items()}))


def _close(xml: XMLGenerator, name: str, *, depth: int) -> None:
    xml.ignorableWhitespace("\n" + "  " * depth)
    xml.endElement(name)


def _one_line(text: str) -> str:
    return " ".join(text.split())
