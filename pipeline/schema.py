"""The one data model: every record that crosses a stage boundary, is written or is scored.

Offsets are character offsets into ``Document.text`` as ingested, end exclusive.
Nothing here imports spaCy.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

SECTION_LABELS = ("title", "abstract", "body", "table", "reference", "other")
MENTION_TYPES = ("mirna", "gene", "drug", "drug_class", "cell_line", "disease", "species")
# Mentions that only say where a finding was made (a relation's `cancer`): no relation partner, no relation cue.
CONTEXT_TYPES = ("disease", "species")
RELATION_TYPES = ("targets", "regulates", "regulated_by", "sensitizes", "confers_resistance", "associated")
# The relations of a miRNA and a gene (regulated_by also takes a drug that changes the miRNA's level).
GENE_RELATIONS = ("targets", "regulates", "regulated_by")
# What happens to the partner when there is more of the miRNA (for regulated_by: to the miRNA when there is more of the
# partner): `down`, `up` or "" where the text gives none. Four relations say it by their name; regulates and regulated_by
# carry their own.
DIRECTIONS = ("down", "up", "")
RELATION_DIRECTIONS = {"targets": "down", "sensitizes": "up", "confers_resistance": "down", "associated": ""}
# The partner types of the drug relations (sensitizes, confers_resistance, associated): a named drug or a class.
DRUG_TYPES = ("drug", "drug_class")
# What one document may cost a run by default (--max-chars, --doc-timeout); over either, it is an errors.tsv row. The
# longest papers are a few hundred thousand characters of text, and a 5 MB text of the densest shape is read in about
# 20 s (a 1 MB one in 4: benchmarks/pathological.py); the budget is fifty times that.
DEFAULT_MAX_CHARS, DEFAULT_DOC_TIMEOUT = 5_000_000, 1_000.0


@dataclass(frozen=True, slots=True)
class Section:
    """A labelled character span of a document; ``name`` is a heading, ``Table 1`` or a reference number."""

    label: str
    start: int
    end: int
    name: str = ""

    def __post_init__(self) -> None:
        if self.label not in SECTION_LABELS:
            raise ValueError(f"unknown section label {self.label!r}; expected one of {SECTION_LABELS}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad section span {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class Document:
    """One input text with its sections and what is known about where it came from."""

    doc_id: str
    text: str
    sections: tuple[Section, ...]
    source: str
    format: str
    pmid: str | None = None
    doi: str | None = None
    year: int | None = None
    title: str | None = None
    pmcid: str | None = None  # `PMC1234567`
    journal: str | None = None
    encoding: str = "utf-8"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def section_at(self, offset: int) -> Section | None:
        """The section that contains the character at ``offset``, if any (for many offsets: ``section_finder``)."""
        return section_finder(self)(offset)


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention, normalized; ``rule`` is the id of the rule that found it."""

    doc_id: str
    section: str
    sentence_id: int
    start: int
    end: int
    text: str
    type: str
    norm: str
    concept_id: str
    rule: str


@dataclass(frozen=True, slots=True)
class Relation:
    """A classified (miRNA, partner) pair in one sentence or table row, with the spans of the two mentions it links."""

    doc_id: str
    section: str
    sentence_id: int
    sent_start: int
    sent_end: int
    mirna: str
    relation: str
    direction: str
    partner: str
    partner_type: str
    partner_id: str
    cell_lines: tuple[str, ...]
    # The cancer types (disease norms) of the sentence, else of the document (``relations.with_cancers``).
    cancer: tuple[str, ...]
    negated: bool
    hedged: bool
    rule: str
    confidence: float
    # The character spans of the two mentions the relation links (a `these miRNAs` miRNA or a table row's partner
    # may lie outside the sentence).
    mirna_start: int
    mirna_end: int
    partner_start: int
    partner_end: int
    sentence: str
    relation_id: str = field(init=False)

    def __post_init__(self) -> None:
        key = "\t".join(
            (self.doc_id, str(self.sent_start), str(self.sent_end), self.mirna, self.relation, self.partner)
        )
        object.__setattr__(self, "relation_id", hashlib.sha1(key.encode("utf-8")).hexdigest()[:16])


@dataclass(frozen=True, slots=True)
class InputError:
    """An input (or one record of it) that could not be processed; the run goes on without it."""

    source: str
    doc_id: str
    stage: str
    error: str


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form defined in the document (``adriamycin (ADR)``) and its long form, as character spans."""

    short: str
    short_start: int
    short_end: int
    long: str
    long_start: int
    long_end: int


@dataclass(frozen=True, slots=True)
class CorpusAnnotation:
    """A mention as an annotated corpus marks it (PubTator, BioC, SCAI): a span of ``Document.text``, the corpus's own
    type and identifier, and the corpus's id of the annotation (what its relations refer to)."""

    start: int
    end: int
    text: str
    type: str
    concept_id: str = ""
    ann_id: str = ""


@dataclass(frozen=True, slots=True)
class CorpusRelation:
    """A relation of an annotated corpus: its type, the identifiers or annotation ids it links, and its label where the
    corpus gives one (SCAI `interaction`, BioRED novelty, an MMIC sentence's Positive / Negative)."""

    type: str
    arguments: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class CorpusRecord:
    """One document of an annotated corpus: the Document mirmine reads, with the corpus's annotations on its text."""

    document: Document
    annotations: tuple[CorpusAnnotation, ...] = ()
    relations: tuple[CorpusRelation, ...] = ()


def section_finder(document: Document) -> Callable[[int], Section | None]:
    """``document.section_at`` for many offsets: a bisection over the section starts, built once, so a document of
    thousands of sections (a table dump) costs no more per offset than an abstract. The first section (in document
    order) that contains the offset wins, as in a plain scan."""
    ordered = sorted(enumerate(document.sections), key=lambda item: (item[1].start, item[1].end))
    starts = [section.start for _, section in ordered]
    reach = list(accumulate((section.end for _, section in ordered), max))  # the furthest end up to each section

    def section_at(offset: int) -> Section | None:
        best: tuple[int, Section] | None = None
        index = bisect_right(starts, offset) - 1
        while index >= 0 and reach[index] > offset:
            position, section = ordered[index]
            if offset < section.end and (best is None or position < best[0]):
                best = (position, section)
            index -= 1
        return best[1] if best else None

    return section_at
