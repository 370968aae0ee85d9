"""A run's mentions scored against an annotated corpus (PubTator, BioC XML, SCAI XML) by their character spans.

The corpus file is read by the same reader ``mirmine run`` reads it with (``ingest.read_corpus``), so gold and run
offsets are offsets into one text. A type map says which corpus type is scored against which mirmine type:
``GeneOrGeneProduct=gene``; ``Chemical@CID=drug`` takes only the ``Chemical`` annotations whose identifier (or id)
takes part in a ``CID`` relation of their document; ``Chemical@CID=drug+drug_class`` scores mentions of either type. Spans match ``exact``ly or by ``overlap`` (a gold span is found
if a predicted span of its type overlaps it, and a predicted span is right if it overlaps a gold span), and precision
and recall are counted on their own sides. ``tiled`` is exact for a corpus that spans an enumeration as one mention
(SCAI: ``miR-221/222``, ``miR-21 and 221``) where mirmine gives one span per item: a gold span is also found when the
predicted spans of its type inside it start at its start and end at its end, and each of those is then right.
Only documents of the corpus are scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import IngestError, read_corpus
from pipeline.output import RunFolder, TableError
from pipeline.schema import MENTION_TYPES, CorpusAnnotation, CorpusRecord, InputError

from .gold import GoldError

MATCHES = ("overlap", "exact", "tiled")
# The corpus types scored by default, for the corpora mirmine is measured on: a row is used when its type (and the
# relation type of a qualified one) occurs in the gold file. BioRED's ChemicalEntity includes non-drugs (glucose,
# ions): its precision for `drug` is a floor; BioRED's GeneOrGeneProduct includes miRNAs (`gene+mirna` scores by its
# convention). BC5CDR's Chemical@CID (chemicals in a chemical-induced-disease relation) is the fair proxy for a drug;
# `drug+drug_class` counts the classes it also tags (`oral contraceptives`, `COX-2 inhibitors`). Their disease types
# include symptoms and phenotypes (`hypotension`, `pain`), and species every organism (viruses, `patients` in BioRED):
# mirmine's diseases are the Disease Ontology's and its species human, mouse and rat, so those recalls are floors.
DEFAULT_TYPE_MAP = (
    "GeneOrGeneProduct=gene", "GeneOrGeneProduct=gene+mirna", "CellLine=cell_line", "ChemicalEntity=drug",
    "Chemical=drug", "Chemical@CID=drug", "Chemical@CID=drug+drug_class",
    "Specific_miRNAs=mirna", "Genes/Proteins=gene", "miRNA=mirna", "mRNA=gene",
    "Disease=disease", "DiseaseOrPhenotypicFeature=disease", "Diseases=disease", "OrganismTaxon=species", "Species=species",
)  # fmt: skip
CONTEXT_CHARS = 50


@dataclass(frozen=True, slots=True)
class TypeMapping:
    """One row of a type map: corpus type (with an optional relation qualifier) -> mirmine mention type."""

    gold_type: str
    relation: str
    pred_type: str

    @property
    def label(self) -> str:
        return self.gold_type + (f"@{self.relation}" if self.relation else "")

    @property
    def row(self) -> str:
        """The row's name in a report: ``Chemical@CID -> drug+drug_class``."""
        return f"{self.label} -> {self.pred_type}"

    @property
    def pred_types(self) -> tuple[str, ...]:
        return tuple(self.pred_type.split("+"))

    @classmethod
    def parse(cls, item: str) -> TypeMapping:
        gold, sep, pred = item.strip().partition("=")
        gold_type, _, relation = gold.strip().partition("@")
        pred = pred.strip()
        if not sep or not gold_type or not all(part in MENTION_TYPES for part in pred.split("+")):
            raise ValueError(
                f"{item.strip()!r} is not CORPUS_TYPE=TYPE (or CORPUS_TYPE@RELATION=TYPE, TYPE+TYPE) with TYPE one of "
                f"{', '.join(MENTION_TYPES)}"
            )
        return cls(gold_type, relation.strip(), pred)


def parse_type_map(text: str) -> tuple[TypeMapping, ...]:
    """``GeneOrGeneProduct=gene,Chemical@CID=drug`` -> mappings; ValueError names the bad item."""
    items = [item for item in text.split(",") if item.strip()]
    if not items:
        raise ValueError("no CORPUS_TYPE=TYPE item")
    return tuple(TypeMapping.parse(item) for item in items)


@dataclass(frozen=True, slots=True)
class Span:
    doc_id: str
    start: int
    end: int
    text: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class SpanScore:
    """Span scores of one type mapping: gold spans found and predicted spans right, each on its own side."""

    gold: int
    pred: int
    found: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "gold": self.gold, "pred": self.pred, "found": self.found, "right": self.right,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
        }  # fmt: skip


@dataclass
class CorpusGold:
    """The documents of a corpus file (their texts, for context) and its annotations and relations by document."""

    path: Path
    texts: dict[str, str] = field(default_factory=dict)
    records: dict[str, CorpusRecord] = field(default_factory=dict)
    skipped: list[InputError] = field(default_factory=list)

    def types(self) -> set[str]:
        return {a.type for record in self.records.values() for a in record.annotations}

    def relation_types(self) -> set[str]:
        return {r.type for record in self.records.values() for r in record.relations}

    def spans(self, mapping: TypeMapping) -> list[Span]:
        """The distinct gold spans of a mapping, in document order."""
        spans = set()
        for doc_id, record in self.records.items():
            linked = _linked(record, mapping.relation) if mapping.relation else None
            for a in record.annotations:
                if a.type == mapping.gold_type and (linked is None or _in_relation(a, linked)):
                    spans.add(Span(doc_id, a.start, a.end, a.text))
        return sorted(spans, key=lambda s: (s.doc_id, s.start, s.end))


def _linked(record: CorpusRecord, relation: str) -> set[str]:
    return {argument for r in record.relations if r.type == relation for argument in r.arguments}


def _in_relation(annotation: CorpusAnnotation, linked: set[str]) -> bool:
    ids = {part for part in annotation.concept_id.replace(";", "|").replace(",", "|").split("|") if part}
    return annotation.ann_id in linked or bool(ids & linked)


def read_corpus_gold(path: Path) -> CorpusGold:
    """Every document of a corpus file; a record the reader refused is kept aside (the run skipped it too)."""
    gold = CorpusGold(Path(path))
    try:
        for record in read_corpus(path):
            if isinstance(record, InputError):
                gold.skipped.append(record)
            else:
                gold.records[record.document.doc_id] = record
                gold.texts[record.document.doc_id] = record.document.text
    except (IngestError, OSError) as err:
        raise GoldError(str(err)) from err
    if not gold.records:
        raise GoldError(f"{path}: no annotated document in it")
    return gold


def default_type_map(gold: CorpusGold) -> tuple[TypeMapping, ...]:
    """The rows of DEFAULT_TYPE_MAP whose corpus type (and relation) the gold file has."""
    types, relations = gold.types(), gold.relation_types()
    rows = [TypeMapping.parse(item) for item in DEFAULT_TYPE_MAP]
    return tuple(m for m in rows if m.gold_type in types and (not m.relation or m.relation in relations))


def read_pred_spans(pred_dir: Path, doc_ids: Iterable[str]) -> dict[str, list[Span]]:
    """The run's mention spans by type, in the given documents only, with their text and rule."""
    wanted = set(doc_ids)
    spans: dict[str, set[Span]] = defaultdict(set)
    try:
        for m in RunFolder(pred_dir).check().mentions():
            if m.doc_id in wanted:
                spans[m.type].add(Span(m.doc_id, m.start, m.end, m.text, m.rule))
    except TableError as err:
        raise GoldError(str(err)) from err
    return {kind: sorted(found, key=lambda s: (s.doc_id, s.start, s.end)) for kind, found in spans.items()}


@dataclass
class CorpusMentionReport:
    """Per type mapping (by its row name, ``Chemical@CID -> drug``): the score, the gold spans missed and the
    predicted spans that are wrong."""

    match: str
    rows: dict[str, SpanScore]
    misses: dict[str, list[Span]]
    false_hits: dict[str, list[Span]]
    overall: SpanScore

    def as_dict(self, texts: dict[str, str] | None = None, limit: int | None = None) -> dict:
        def spans(items: list[Span]) -> list[dict]:
            return [
                {"doc_id": s.doc_id, "start": s.start, "end": s.end, "text": s.text, "rule": s.rule}
                | ({"context": context(texts, s)} if texts is not None else {})
                for s in items[:limit]
            ]

        return {
            "match": self.match,
            "by_type": {row: score.as_dict() for row, score in self.rows.items()},
            "overall": self.overall.as_dict(),
            "misses": {label: spans(items) for label, items in self.misses.items()},
            "false_hits": {label: spans(items) for label, items in self.false_hits.items()},
        }


def score_corpus_mentions(
    gold: CorpusGold, pred: dict[str, list[Span]], mappings: Sequence[TypeMapping], match: str = "overlap"
) -> CorpusMentionReport:
    """Scores of each mapping; ``overall`` sums the first unqualified mapping of each corpus type (a qualified one
    is a subset of another, a second unqualified one another view of the same gold)."""
    if match not in MATCHES:
        raise ValueError(f"match must be one of {', '.join(MATCHES)}, not {match!r}")
    rows, misses, false_hits = {}, {}, {}
    for mapping in mappings:
        gold_spans = gold.spans(mapping)
        pred_spans = sorted({s for kind in mapping.pred_types for s in pred.get(kind, [])}, key=lambda s: (s.doc_id, s.start, s.end))
        found, right = _matched(gold_spans, pred_spans, match)
        rows[mapping.row] = SpanScore(len(gold_spans), len(pred_spans), len(found), len(right))
        misses[mapping.row] = [s for s in gold_spans if s not in found]
        false_hits[mapping.row] = [s for s in pred_spans if s not in right]
    # One row per corpus type: a second view of the same gold (`gene+mirna` beside `gene`) would count it twice.
    firsts = {m.gold_type: m for m in reversed(mappings) if not m.relation}
    plain = [rows[m.row] for m in mappings if firsts.get(m.gold_type) is m]
    overall = SpanScore(*(sum(getattr(score, name) for score in plain) for name in ("gold", "pred", "found", "right")))
    return CorpusMentionReport(match, rows, misses, false_hits, overall)


def _matched(gold: list[Span], pred: list[Span], match: str) -> tuple[set[Span], set[Span]]:
    """(gold spans found, predicted spans right)."""
    by_doc: dict[str, list[Span]] = defaultdict(list)
    for s in pred:
        by_doc[s.doc_id].append(s)
    found, right = set(), set()
    for g in gold:
        overlapping = [p for p in by_doc.get(g.doc_id, ()) if p.start < g.end and g.start < p.end]
        if match == "exact":
            overlapping = [p for p in overlapping if (p.start, p.end) == (g.start, g.end)]
        elif match == "tiled":
            inside = [p for p in overlapping if g.start <= p.start and p.end <= g.end]
            exact = [p for p in overlapping if (p.start, p.end) == (g.start, g.end)]
            tiles = len(inside) > 1 and min(p.start for p in inside) == g.start and max(p.end for p in inside) == g.end
            overlapping = exact or (inside if tiles else [])
        if overlapping:
            found.add(g)
            right.update(overlapping)
    return found, right


def context(texts: dict[str, str], span: Span, width: int = CONTEXT_CHARS) -> str:
    """The text around a span on one line, the span in [brackets]."""
    text = texts.get(span.doc_id, "")
    before = text[max(0, span.start - width) : span.start]
    after = text[span.end : span.end + width]
    return " ".join(f"{before}[{text[span.start : span.end]}]{after}".split())
