"""PubTator: title and abstract lines, one line per mention and one per distinct relation of a document; its reader."""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest import read_pubtator_records
from pipeline.output import atomic_open
from pipeline.schema import Document, InputError

from .documents import AnnotatedDocument, MentionRecord, RelationRecord, RunTables
from .writer import LINE_BREAKS, Guard, Writer, one_line

PUBTATOR_FILE = "mirmine.pubtator"
_PMID_ID = re.compile(r"PMID:(\d+)")


@dataclass(frozen=True, slots=True)
class PubTatorLayout:
    """How a document is cut into PubTator's title and abstract lines, and where its offsets go.

    PubTator offsets run over title + " " + abstract: the abstract starts at len(title) + 1. A PubMed-style record
    (title, blank line, abstract: the text mirmine builds from MEDLINE, PubMed XML and JSON Lines records) gives its
    title and abstract, so abstract offsets are one less than in the document (the two newlines become one space),
    as in PubTator's own files. Any other document (a full paper) gives its first line as the title and the rest as
    the abstract: the line break between them is the separator, so PubTator offsets equal the document offsets. Line
    breaks and tabs inside a line become spaces, which keeps every offset.
    """

    title: str
    abstract: str
    title_end: int  # end of the title in document offsets
    abstract_start: int  # start of the abstract in document offsets

    def offset(self, doc_offset: int) -> int:
        if doc_offset < self.abstract_start:
            return min(doc_offset, self.title_end)
        return len(self.title) + 1 + doc_offset - self.abstract_start

    @property
    def text(self) -> str:
        return f"{self.title} {self.abstract}"


def pubtator_layout(document: Document) -> PubTatorLayout:
    text = document.text
    sections = sorted(document.sections, key=lambda s: s.start)
    labels = [section.label for section in sections]
    parts = [text[section.start : section.end] for section in sections]
    if labels in (["title", "abstract"], ["title"], ["abstract"]) and text == "\n\n".join(parts) and sections[0].start == 0:
        title = sections[0] if labels[0] == "title" else None
        abstract = sections[-1] if labels[-1] == "abstract" else None
        return PubTatorLayout(
            title=one_line(parts[0]) if title else "",
            abstract=one_line(parts[-1]) if abstract else "",
            title_end=title.end if title else 0,
            abstract_start=abstract.start if abstract else len(text) + 1,
        )
    cut = text.find("\n")
    if cut < 0:
        return PubTatorLayout(one_line(text), "", len(text), len(text) + 1)
    return PubTatorLayout(one_line(text[:cut]), one_line(text[cut + 1 :]), cut, cut + 1)


def pubtator_id(doc_id: str) -> str:
    """The PMID field: the number of a ``PMID:<n>`` doc_id, else the doc_id (``|`` and line breaks as ``_``)."""
    match = _PMID_ID.fullmatch(doc_id)
    return match.group(1) if match else re.sub(f"[|{LINE_BREAKS}\t]", "_", doc_id)


def pubtator_lines(item: AnnotatedDocument) -> list[str]:
    """A document in PubTator: title, abstract, one line per mention, one per distinct relation of the document.

    Mention lines: PMID, start, end, text, type, identifier = the normalized name (what relation lines refer to),
    and a 7th column with the concept id when there is one. Relation lines (document level, as in BioRED):
    PMID, relation type, the miRNA's and the partner's normalized names, and a 5th column ``negated``, ``hedged``
    or ``negated,hedged`` when it applies.
    """
    layout = pubtator_layout(item.document)
    pmid = pubtator_id(item.document.doc_id)
    text = layout.text
    lines = [f"{pmid}|t|{layout.title}", f"{pmid}|a|{layout.abstract}"]
    for mention in item.mentions:
        start, end = layout.offset(mention.start), layout.offset(mention.end)
        fields = [pmid, str(start), str(end), text[start:end], mention.type, mention.norm]
        lines.append("\t".join(fields + ([mention.concept_id] if mention.concept_id else [])))
    findings = sorted({(r.relation, r.mirna, r.partner, r.negated, r.hedged) for r in (x.relation for x in item.relations)})
    for relation, mirna, partner, negated, hedged in findings:
        flags = ",".join(name for name, on in (("negated", negated), ("hedged", hedged)) if on)
        lines.append("\t".join([pmid, relation, mirna, partner] + ([flags] if flags else [])))
    return lines


class PubTatorWriter(Writer):
    def __init__(self, out_dir: Path, guard: Guard, stack: ExitStack, run: RunTables) -> None:
        super().__init__(out_dir, guard, stack, run)
        (self.path,) = self._claim(PUBTATOR_FILE)
        self.stack = stack
        self.handle = None
        self.separator = ""

    def add(self, item: AnnotatedDocument) -> str:
        if self.handle is None:
            self.handle = self.stack.enter_context(atomic_open(self.path))
        self.handle.write(self.separator + "\n".join(pubtator_lines(item)) + "\n")
        self.separator = "\n"
        return ""

    def finish(self) -> None:
        self.written.append(self.path)


def read_pubtator(path: Path) -> tuple[list[MentionRecord], list[RelationRecord]]:
    """Mentions and relations of a PubTator file, offsets as written (into title + " " + abstract), read by the
    reader `mirmine run` uses (``ingest.read_pubtator_records``): a numeric PMID field gives the doc_id ``PMID:<n>``,
    each mention's text is checked against the title and abstract, and a bad record is a ValueError."""
    mentions: list[MentionRecord] = []
    relations: list[RelationRecord] = []
    for record in read_pubtator_records(path):
        if isinstance(record, InputError):
            raise ValueError(f"{record.source}: {record.error}")
        doc_id = record.document.doc_id
        mentions.extend(MentionRecord(doc_id, a.start, a.end, a.text, a.type, a.concept_id) for a in record.annotations)
        for relation in record.relations:
            flags = relation.label.split(",")
            mirna, partner = relation.arguments
            relations.append(RelationRecord(doc_id, relation.type, mirna, partner, "negated" in flags, "hedged" in flags))
    return mentions, relations
