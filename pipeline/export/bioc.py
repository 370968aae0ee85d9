"""BioC XML: one collection file with a key file that says what its infons mean, and its reader for round trips."""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

from pipeline import __version__
from pipeline.output import atomic_open

from .documents import AnnotatedDocument, MentionRecord, RelationRecord, RunTables
from .writer import Guard, Writer

BIOC_FILE = "mirmine.bioc.xml"
BIOC_KEY_FILE = "mirmine.key"
# What XML 1.0 cannot hold (C0 controls other than tab and newline, lone surrogates, U+FFFE/FFFF); \r is in the
# set because an XML parser would read it back as \n.
_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

BIOC_KEY = """\
mirmine BioC key: what the infons of mirmine.bioc.xml mean.

collection  source "mirmine"; date = the day of the run (yyyymmdd); infons mirmine_version (of the exporter),
            run_mirmine_version (of the run).
document    id = the mirmine doc_id (PMID:<n> for PubMed records, the file stem for .txt/.pdf); infons source (the
            input path as run.json records it), input_sha256, and pmid, doi, year when known.
passage     one per section of the document as mirmine read it: infon type = title|abstract|body|table|reference|
            other, name = the section heading (or "Table 1", a reference number) when there is one; offset = the
            section's start in the document text; text = the section text. Text outside every section, if any,
            is a passage of type other.
annotation  id T<n>, unique in the document (the n-th mention of the run's mentions.tsv for it); infons type =
            mirna|gene|drug|drug_class|cell_line, norm (the normalized name), identifier (miRBase, HGNC:, FPLX:,
            DrugBank or Cellosaurus id; empty when unknown), rule (the rule that found it), sentence_id; one
            location (offset, length) in document coordinates; text = the mention as written.
relation    at document level; id R<n>; infons type = the relation, direction (down|up, or absent), negated and
            hedged (true|false), rule, confidence, relation_id (stable across runs), sentence_id, mirna and partner
            (normalized names), partner_type, partner_id, cell_lines (;-joined); node role "mirna" and node role
            "partner" refer to the annotations at the spans the run gives for the two arguments (the miRNA of a
            "these miRNAs" relation is in the sentence before). When an argument has no annotation at its span
            (a hand-edited run) its node is left out and the infon unlinked names the role(s).
offsets     characters (Unicode code points) of the document text as mirmine ingested it, end exclusive.
            Characters XML cannot hold (control characters other than tab and newline) are written as spaces.
"""


class BioCWriter(Writer):
    def __init__(self, out_dir: Path, guard: Guard, stack: ExitStack, run: RunTables) -> None:
        super().__init__(out_dir, guard, stack, run)
        self.path, self.key_path = self._claim(BIOC_FILE, BIOC_KEY_FILE)
        self.stack = stack
        self.xf = None

    def _open(self):
        """Start the collection file (on the first document, so that an export of nothing creates nothing)."""
        from lxml import etree

        handle = self.stack.enter_context(atomic_open(self.path))
        # lxml writes bytes: straight to the buffer under the text handle, which atomic_open flushes and renames.
        xf = self.stack.enter_context(etree.xmlfile(handle.buffer, encoding="utf-8"))
        xf.write_declaration(standalone=True)
        xf.write_doctype('<!DOCTYPE collection SYSTEM "BioC.dtd">')
        self.stack.enter_context(xf.element("collection"))
        for tag, text in (("source", "mirmine"), ("date", self.run.date), ("key", BIOC_KEY_FILE)):
            element = etree.Element(tag)
            element.text = text
            xf.write("\n", element)
        for key, value in (("mirmine_version", __version__), ("run_mirmine_version", self.run.version)):
            element = etree.Element("infon", key=key)
            element.text = value
            xf.write("\n", element)
        xf.write("\n")
        return xf

    def add(self, item: AnnotatedDocument) -> str:
        from bioc.biocxml.encoder import encode_document

        if self.xf is None:
            self.xf = self._open()
        self.xf.write(encode_document(bioc_document(item)), pretty_print=True)
        return ""

    def finish(self) -> None:
        with atomic_open(self.key_path) as handle:
            handle.write(BIOC_KEY)
        # The collection file is renamed into place when the export's ExitStack closes, after this.
        self.written += [self.path, self.key_path]


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def bioc_document(item: AnnotatedDocument):
    """The document as a ``bioc.BioCDocument``: a passage per section, annotations in document coordinates."""
    from bisect import bisect_right

    from bioc import BioCAnnotation, BioCDocument, BioCLocation, BioCNode, BioCPassage, BioCRelation

    document = item.document
    text = document.text
    result = BioCDocument()
    result.id = document.doc_id
    result.infons["source"] = item.source
    result.infons["input_sha256"] = item.input_sha256
    for key in ("pmid", "doi", "year"):
        value = getattr(document, key)
        if value:
            result.infons[key] = str(value)
    spans = []
    covered = 0
    for section in sorted(document.sections, key=lambda s: (s.start, s.end)):
        if text[covered : section.start].strip():
            spans.append((covered, section.start, "other", ""))
        spans.append((section.start, section.end, section.label, section.name))
        covered = max(covered, section.end)
    if text[covered:].strip():
        spans.append((covered, len(text), "other", ""))
    passages = []
    for start, end, label, name in spans:
        passage = BioCPassage()
        passage.offset = start
        passage.text = _xml_text(text[start:end])
        passage.infons["type"] = label
        if name:
            passage.infons["name"] = name
        passages.append((start, end, passage))
        result.add_passage(passage)
    starts = [start for start, _, _ in passages]
    for at, mention in enumerate(item.mentions):
        annotation = BioCAnnotation()
        annotation.id = f"T{at + 1}"
        annotation.infons.update(
            type=mention.type, norm=mention.norm, identifier=mention.concept_id, rule=mention.rule,
            sentence_id=str(mention.sentence_id),
        )  # fmt: skip
        annotation.add_location(BioCLocation(mention.start, mention.end - mention.start))
        annotation.text = _xml_text(text[mention.start : mention.end])
        i = bisect_right(starts, mention.start) - 1
        if i >= 0 and mention.end <= passages[i][1]:
            passages[i][2].add_annotation(annotation)
        else:
            result.add_annotation(annotation)
    for at, linked in enumerate(item.relations):
        r = linked.relation
        relation = BioCRelation()
        relation.id = f"R{at + 1}"
        relation.infons.update(
            type=r.relation, **({"direction": r.direction} if r.direction else {}), negated=_bool(r.negated), hedged=_bool(r.hedged), rule=r.rule, confidence=r.confidence,
            relation_id=r.relation_id, sentence_id=str(r.sentence_id), mirna=r.mirna, partner=r.partner,
            partner_type=r.partner_type, partner_id=r.partner_id, cell_lines=r.cell_lines,
            **({"cancer": r.cancer} if r.cancer else {}),
        )  # fmt: skip
        missing = []
        for role, ref in (("mirna", linked.mirna_at), ("partner", linked.partner_at)):
            if ref is None:
                missing.append(role)
            else:
                relation.add_node(BioCNode(f"T{ref + 1}", role))
        if missing:
            relation.infons["unlinked"] = ",".join(missing)
        result.add_relation(relation)
    return result


def _bool(value: bool) -> str:
    return "true" if value else "false"


def read_bioc(path: Path) -> tuple[list[MentionRecord], list[RelationRecord]]:
    """Mentions and relations of a BioC XML file, checking each annotation's text against its passage."""
    from bioc import biocxml

    mentions: list[MentionRecord] = []
    relations: list[RelationRecord] = []
    with path.open("rb") as handle:
        collection = biocxml.load(handle)
    for document in collection.documents:
        annotations = {}
        for passage in document.passages:
            for annotation in passage.annotations:
                annotations[annotation.id] = annotation
                _check_bioc_text(path, document.id, passage, annotation)
        for annotation in document.annotations:
            annotations[annotation.id] = annotation
        for annotation in annotations.values():
            span = annotation.total_span
            mentions.append(
                MentionRecord(
                    document.id, span.offset, span.end, annotation.text or "", annotation.infons.get("type", ""),
                    annotation.infons.get("norm", ""),
                )  # fmt: skip
            )
        for relation in [*document.relations, *(r for p in document.passages for r in p.relations)]:
            names = {}
            for role in ("mirna", "partner"):
                node = relation.get_node(role=role)
                names[role] = annotations[node.refid].infons.get("norm", "") if node else relation.infons.get(role, "")
            relations.append(
                RelationRecord(
                    document.id, relation.infons.get("type", ""), names["mirna"], names["partner"],
                    relation.infons.get("negated") == "true", relation.infons.get("hedged") == "true",
                )  # fmt: skip
            )
    return mentions, relations


def _check_bioc_text(path: Path, doc_id: str, passage, annotation) -> None:
    span = annotation.total_span
    found = (passage.text or "")[span.offset - passage.offset : span.end - passage.offset]
    if found != (annotation.text or ""):
        raise ValueError(f"{path}: {doc_id} {annotation.id}: text {annotation.text!r} but the passage has {found!r}")
