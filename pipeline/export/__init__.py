"""Export: a run's documents with their mentions and relations as BioC XML, PubTator and brat standoff, for annotation
tools, with a reader of each format for round trips; and findings (of a run or a curated store) as GraphML and SIF
networks (``networks``).

A run keeps no document texts: each document is read again from the run's inputs and checked against the sha256
that ``run.json`` records (``documents``). ``run`` drives the export; ``bioc``, ``pubtator`` and ``brat`` each hold
a format's writer and reader; ``writer`` what the writers share (the guard over the output folder).
"""

from .bioc import BIOC_FILE, BIOC_KEY, BIOC_KEY_FILE, bioc_document, read_bioc
from .brat import BRAT_ANNOTATION_CONF, BRAT_COLORS, BRAT_VISUAL_CONF, RELATION_PARTNERS, brat_ann, brat_fragments
from .brat import read_brat
from .documents import STAGE, AnnotatedDocument, ExportError, LinkedRelation, MentionRecord, RelationRecord, RunTables
from .documents import UnlinkedRelation, annotated_documents, check_mentions, index_inputs, link_relations
from .documents import locate_input, read_run, unlinked_relation
from .pubtator import PUBTATOR_FILE, PubTatorLayout, pubtator_id, pubtator_layout, pubtator_lines, read_pubtator
from .networks import NETWORK_FILES, NETWORK_FORMATS, Edge, Network, Node, build_network, network_from_findings
from .networks import network_from_run, sif_lines, write_graphml, write_network, write_sif
from .run import FORMATS, WRITERS, ExportResult, export_network, export_run
from .writer import LINE_BREAKS, MANIFEST_FILE

__all__ = [
    "AnnotatedDocument", "BIOC_FILE", "Edge", "NETWORK_FILES", "NETWORK_FORMATS", "Network", "Node", "build_network",
    "export_network", "network_from_findings", "network_from_run", "sif_lines", "write_graphml", "write_network",
    "write_sif", "BIOC_KEY", "BIOC_KEY_FILE", "BRAT_ANNOTATION_CONF", "BRAT_COLORS",
    "BRAT_VISUAL_CONF", "ExportError", "ExportResult", "FORMATS", "LINE_BREAKS", "LinkedRelation", "MANIFEST_FILE",
    "MentionRecord", "PUBTATOR_FILE", "PubTatorLayout", "RELATION_PARTNERS", "RelationRecord", "RunTables", "STAGE",
    "UnlinkedRelation", "WRITERS", "annotated_documents", "bioc_document", "brat_ann", "brat_fragments",
    "check_mentions", "export_run", "index_inputs", "link_relations", "locate_input", "pubtator_id", "pubtator_layout",
    "pubtator_lines", "read_bioc", "read_brat", "read_pubtator", "read_run", "unlinked_relation",
]  # fmt: skip
