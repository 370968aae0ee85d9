"""A run's miRNA–gene relations scored against the relations of an annotated corpus, by one of two conventions.

``marked`` (MMIC): a sentence marks one miRNA and one gene and labels the pair Positive or Negative. The pair is
predicted positive when a non-negated gene row (any gene relation: targets, regulates, regulated_by) of the marked
sentence names the two entities as the run's mentions over the marked spans name them. A sentence that names the
same miRNA or gene twice marks one of them; the label is of the entity pair, so a row on the other mention counts.
Each marked pair is a TP, FP, FN or TN; the co-occurrence baseline calls every marked pair positive.

``document`` (SCAI): a document's ``True`` relations of type ``Specific_miRNAs-Genes/Proteins`` give the gold pairs
(doc_id, mirna, gene), each side named by the norms of the run's mentions of its type that overlap the annotation (an
enumeration ``miR-221/222`` gives two pairs). An annotation that no run mention overlaps keeps its text, lowercased,
which no prediction can match: a miss of mention finding (``unmatched_entity``). A pair is gold if any of its
relations is True. Predicted pairs are the distinct (doc_id, mirna, partner) of non-negated gene rows in the gold's
documents; the baseline pairs each miRNA mention with each gene mention of its sentence.

Spans are character offsets into the document text, end exclusive; two spans overlap when they share a character.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from pipeline.output import RelationRow, RunFolder, TableError
from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Mention

from .corpus import DEFAULT_TYPE_MAP, CorpusGold, TypeMapping
from .gold import GoldError
from .score import Score

MARKED, DOCUMENT = "marked", "document"
CONVENTIONS = {MARKED: "marked pairs, MMIC convention", DOCUMENT: "document pairs, SCAI convention"}
MARKED_LABELS = ("Positive", "Negative")
SCAI_GENE_RELATION = "Specific_miRNAs-Genes/Proteins"
SCAI_LABELS = ("True", "False")
# The corpus types of a miRNA and of a gene: those the default type map scores as `mirna` and as `gene` alone.
_DEFAULT_ROWS = tuple(TypeMapping.parse(item) for item in DEFAULT_TYPE_MAP)
MIRNA_TYPES = frozenset(m.gold_type for m in _DEFAULT_ROWS if m.pred_type == "mirna" and not m.relation)
GENE_TYPES = frozenset(m.gold_type for m in _DEFAULT_ROWS if m.pred_type == "gene" and not m.relation)
GENE_PARTNER = "gene"

TP, FP, FN, TN = "tp", "fp", "fn", "tn"
# Why a pair is a miss or a false hit.
UNMATCHED_ENTITY = "unmatched_entity"  # a corpus annotation of the pair that no run mention of its type overlaps
NO_RELATION = "no_relation"  # both sides were found as mentions, but no row links them
NEGATIVE = "negative"  # marked: the corpus labels the pair Negative
ONLY_FALSE = "only_false"  # document: every gold relation of the pair is False
NOT_ANNOTATED = "not_annotated"  # document: no gold relation of the document names the pair

PairKey = tuple[str, str, str]  # (doc_id, mirna, gene)


@dataclass(frozen=True, slots=True, order=True)
class GenePair:
    """One scored miRNA–gene pair: the corpus's text of each side (marked) or the norms (document), why it is a miss
    or a false hit, the sentence it is read from, and the relation labels and rules of the run rows that predict it."""

    doc_id: str
    mirna: str
    gene: str
    reason: str = ""
    sentence: str = ""
    relations: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "mirna": self.mirna, "gene": self.gene, "reason": self.reason,
            "relations": list(self.relations), "rules": list(self.rules), "sentence": self.sentence,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class LabelCount:
    """The predicted positive pairs that rows of one relation label predict, and how many of them are right."""

    predicted: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    def as_dict(self) -> dict:
        return {"predicted": self.predicted, "right": self.right, "precision": round(self.precision, 4)}


@dataclass
class PairReport:
    """The pairs of one convention by outcome (tp, fp, fn, and tn for marked pairs), each list sorted, and the
    co-occurrence baseline's score; ``skipped`` counts gold relations of the convention that are not one miRNA
    annotation and one gene annotation."""

    convention: str
    pairs: dict[str, list[GenePair]]
    baseline: Score
    skipped: int = 0

    @property
    def title(self) -> str:
        return CONVENTIONS[self.convention]

    @property
    def score(self) -> Score:
        return Score(len(self.pairs[TP]), len(self.pairs[FP]), len(self.pairs[FN]))

    @property
    def tn(self) -> int | None:
        """True negatives: marked pairs only (a document has no list of pairs it does not relate)."""
        return len(self.pairs[TN]) if TN in self.pairs else None

    @property
    def misses(self) -> list[GenePair]:
        return self.pairs[FN]

    @property
    def false_hits(self) -> list[GenePair]:
        return self.pairs[FP]

    def by_relation(self) -> dict[str, LabelCount]:
        """Predicted positive pairs per relation label of their rows (a pair with rows of two labels counts twice)."""
        predicted, right = Counter(), Counter()
        for outcome in (TP, FP):
            for pair in self.pairs[outcome]:
                predicted.update(pair.relations)
                right.update(pair.relations if outcome == TP else ())
        return {label: LabelCount(predicted[label], right[label]) for label in sorted(predicted)}

    def reasons(self, outcome: str) -> dict[str, int]:
        """How many pairs of an outcome have each reason, by reason."""
        return dict(sorted(Counter(pair.reason for pair in self.pairs[outcome]).items()))

    def as_dict(self, limit: int | None = None) -> dict:
        """Scores, baseline, counts by label and reason, and up to ``limit`` misses and false hits."""
        return {
            "convention": self.convention,
            "title": self.title,
            "score": self.score.as_dict() | {"tn": self.tn},
            "baseline": self.baseline.as_dict(),
            "by_relation": {label: count.as_dict() for label, count in self.by_relation().items()},
            "miss_reasons": self.reasons(FN),
            "false_hit_reasons": self.reasons(FP),
            "skipped": self.skipped,
            "misses": [pair.as_dict() for pair in self.misses[:limit]],
            "false_hits": [pair.as_dict() for pair in self.false_hits[:limit]],
        }


def read_pred_pairs(pred_dir: Path, doc_ids: Iterable[str]) -> tuple[list[RelationRow], list[Mention]]:
    """The run's relations.tsv rows and its miRNA and gene mentions, in the given documents only, in file order."""
    wanted = set(doc_ids)
    try:
        folder = RunFolder(pred_dir).check()
        relations = [row for row in folder.relations() if row.doc_id in wanted]
        mentions = [m for m in folder.mentions() if m.doc_id in wanted and m.type in ("mirna", GENE_PARTNER)]
    except TableError as err:
        raise GoldError(str(err)) from err
    return relations, mentions


def pair_convention(gold: CorpusGold) -> str | None:
    """DOCUMENT when the corpus has SCAI's miRNA–gene relations, MARKED when it labels pairs of a miRNA and a gene
    annotation Positive or Negative (MMIC), else None."""
    if SCAI_GENE_RELATION in gold.relation_types():
        return DOCUMENT
    for record in gold.records.values():
        annotations = _by_id(record)
        if any(r.label in MARKED_LABELS and _mirna_and_gene(annotations, r) for r in record.relations):
            return MARKED
    return None


def score_gene_pairs(
    gold: CorpusGold, relations: Iterable[RelationRow], mentions: Iterable[Mention], convention: str
) -> PairReport:
    """The report of one convention (MARKED or DOCUMENT)."""
    scorers = {MARKED: score_marked_pairs, DOCUMENT: score_document_pairs}
    if convention not in scorers:
        raise ValueError(f"convention must be one of {', '.join(scorers)}, not {convention!r}")
    return scorers[convention](gold, relations, mentions)


def score_marked_pairs(gold: CorpusGold, relations: Iterable[RelationRow], mentions: Iterable[Mention]) -> PairReport:
    """Each Positive / Negative relation of one miRNA and one gene annotation as TP, FP, FN or TN (see the module)."""
    rows = _gene_rows(relations, gold.records)
    found = _mentions_by_doc(mentions, gold.records)
    pairs: dict[str, list[GenePair]] = {TP: [], FP: [], FN: [], TN: []}
    skipped = 0
    for doc_id, record in gold.records.items():
        annotations = _by_id(record)
        for relation in record.relations:
            if relation.label not in MARKED_LABELS:
                continue
            marked = _mirna_and_gene(annotations, relation)
            if marked is None:
                skipped += 1
                continue
            mirna, gene = marked
            linked = [r for r in rows[doc_id] if _links(r, found[doc_id], mirna, gene)]
            positive = relation.label == MARKED_LABELS[0]
            outcome = (TP if positive else FP) if linked else (FN if positive else TN)
            reason = {FP: NEGATIVE, FN: _miss_reason(found[doc_id], mirna, gene)}.get(outcome, "")
            pairs[outcome].append(_pair((doc_id, mirna.text, gene.text), reason, record.document.text, linked))
    positives, negatives = len(pairs[TP]) + len(pairs[FN]), len(pairs[FP]) + len(pairs[TN])
    return PairReport(MARKED, _sorted(pairs), Score(tp=positives, fp=negatives, fn=0), skipped)


@dataclass
class _DocumentGold:
    """Gold pairs of the document convention: True pairs with an example sentence, pairs of False relations, the
    True pairs with a side no run mention overlaps, and the relations left out."""

    true: dict[PairKey, str]
    false: set[PairKey]
    unmatched: set[PairKey]
    skipped: int


def score_document_pairs(gold: CorpusGold, relations: Iterable[RelationRow], mentions: Iterable[Mention]) -> PairReport:
    """Distinct (doc_id, mirna, gene) pairs of the run against the True pairs of the corpus (see the module)."""
    found = _mentions_by_doc(mentions, gold.records)
    truth = _document_gold(gold, found)
    predicted: dict[PairKey, list[RelationRow]] = defaultdict(list)
    for doc_id, rows in _gene_rows(relations, gold.records).items():
        for row in rows:
            predicted[(doc_id, row.mirna, row.partner)].append(row)
    pairs: dict[str, list[GenePair]] = {TP: [], FP: [], FN: []}
    for key, rows in predicted.items():
        example = min(rows, key=lambda r: (r.sentence_id, r.mirna_start, r.partner_start)).sentence
        if key in truth.true:
            pairs[TP].append(_pair(key, "", example, rows))
        else:
            pairs[FP].append(_pair(key, ONLY_FALSE if key in truth.false else NOT_ANNOTATED, example, rows))
    for key, sentence in truth.true.items():
        if key not in predicted:
            pairs[FN].append(_pair(key, UNMATCHED_ENTITY if key in truth.unmatched else NO_RELATION, sentence, ()))
    baseline = _cooccurring_pairs(found)
    gold_pairs = set(truth.true)
    score = Score(len(baseline & gold_pairs), len(baseline - gold_pairs), len(gold_pairs - baseline))
    return PairReport(DOCUMENT, _sorted(pairs), score, truth.skipped)


def _document_gold(gold: CorpusGold, found: dict[str, list[Mention]]) -> _DocumentGold:
    """The pairs of each True and False miRNA–gene relation, each side named as the run's mentions over it name it."""
    truth = _DocumentGold({}, set(), set(), 0)
    for doc_id, record in gold.records.items():
        annotations = _by_id(record)
        for relation in record.relations:
            if relation.type != SCAI_GENE_RELATION or relation.label not in SCAI_LABELS:
                continue
            marked = _mirna_and_gene(annotations, relation)
            if marked is None:
                truth.skipped += 1
                continue
            mirna, gene = marked
            mirnas, mirna_found = _keys(found[doc_id], "mirna", mirna)
            genes, gene_found = _keys(found[doc_id], GENE_PARTNER, gene)
            for pair_mirna, pair_gene in product(mirnas, genes):
                key = (doc_id, pair_mirna, pair_gene)
                if relation.label != SCAI_LABELS[0]:
                    truth.false.add(key)
                    continue
                truth.true.setdefault(key, _lines(record.document.text, mirna, gene))
                if not (mirna_found and gene_found):
                    truth.unmatched.add(key)
    return truth


def _keys(mentions: list[Mention], kind: str, annotation: CorpusAnnotation) -> tuple[list[str], bool]:
    """The norms of the run's mentions of a type over an annotation, sorted, and True; else its lowercased text and
    False (a name no prediction carries, so the pair is a miss of mention finding)."""
    norms = sorted({m.norm for m in mentions if m.type == kind and _overlaps(m.start, m.end, annotation)})
    return (norms, True) if norms else ([annotation.text.lower()], False)


def _cooccurring_pairs(found: dict[str, list[Mention]]) -> set[PairKey]:
    """(doc_id, mirna, gene) of every miRNA mention and gene mention of one sentence."""
    by_sentence: dict[tuple[str, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for doc_id, mentions in found.items():
        for m in mentions:
            by_sentence[doc_id, m.sentence_id][m.type].add(m.norm)
    return {
        (doc_id, mirna, gene)
        for (doc_id, _), names in by_sentence.items()
        for mirna, gene in product(names["mirna"], names[GENE_PARTNER])
    }


def _by_id(record: CorpusRecord) -> dict[str, CorpusAnnotation]:
    return {a.ann_id: a for a in record.annotations if a.ann_id}


def _mirna_and_gene(
    annotations: dict[str, CorpusAnnotation], relation: CorpusRelation
) -> tuple[CorpusAnnotation, CorpusAnnotation] | None:
    """The relation's (miRNA, gene) annotations when its arguments are exactly one of each, in either order."""
    linked = [annotations.get(argument) for argument in relation.arguments]
    if len(linked) != 2 or None in linked:
        return None
    first, second = linked
    if first.type in MIRNA_TYPES and second.type in GENE_TYPES:
        return first, second
    if second.type in MIRNA_TYPES and first.type in GENE_TYPES:
        return second, first
    return None


def _gene_rows(relations: Iterable[RelationRow], doc_ids: Iterable[str]) -> dict[str, list[RelationRow]]:
    """The non-negated rows with a gene partner, by document, in the given documents only."""
    rows: dict[str, list[RelationRow]] = {doc_id: [] for doc_id in doc_ids}
    for row in relations:
        if row.doc_id in rows and row.partner_type == GENE_PARTNER and not row.negated:
            rows[row.doc_id].append(row)
    return rows


def _mentions_by_doc(mentions: Iterable[Mention], doc_ids: Iterable[str]) -> dict[str, list[Mention]]:
    """The run's miRNA and gene mentions by document, in the given documents only."""
    found: dict[str, list[Mention]] = {doc_id: [] for doc_id in doc_ids}
    for m in mentions:
        if m.doc_id in found and m.type in ("mirna", GENE_PARTNER):
            found[m.doc_id].append(m)
    return found


def _miss_reason(mentions: list[Mention], mirna: CorpusAnnotation, gene: CorpusAnnotation) -> str:
    seen = {m.type for m in mentions if _overlaps(m.start, m.end, mirna if m.type == "mirna" else gene)}
    return NO_RELATION if seen >= {"mirna", GENE_PARTNER} else UNMATCHED_ENTITY


def _links(row: RelationRow, mentions: list[Mention], mirna: CorpusAnnotation, gene: CorpusAnnotation) -> bool:
    """Whether the row is of the sentence of the marked pair and names its miRNA and gene as the run's mentions over
    the two annotations name them (or its spans overlap the annotations)."""
    if _overlaps(row.mirna_start, row.mirna_end, mirna) and _overlaps(row.partner_start, row.partner_end, gene):
        return True
    over = {(m.type, m.norm, m.sentence_id) for m in mentions if _overlaps(m.start, m.end, mirna if m.type == "mirna" else gene)}
    return {("mirna", row.mirna, row.sentence_id), (GENE_PARTNER, row.partner, row.sentence_id)} <= over


def _overlaps(start: int, end: int, annotation: CorpusAnnotation) -> bool:
    return start < annotation.end and annotation.start < end


def _lines(text: str, first: CorpusAnnotation, second: CorpusAnnotation) -> str:
    """The lines of the text that hold both annotations (SCAI writes one sentence a line), on one line."""
    start, end = min(first.start, second.start), max(first.end, second.end)
    stop = text.find("\n", end)
    return " ".join(text[text.rfind("\n", 0, start) + 1 : stop if stop >= 0 else len(text)].split())


def _pair(key: PairKey, reason: str, sentence: str, rows: Sequence[RelationRow]) -> GenePair:
    doc_id, mirna, gene = key
    labels, rules = sorted({r.relation for r in rows}), sorted({r.rule for r in rows if r.rule})
    return GenePair(doc_id, mirna, gene, reason, " ".join(sentence.split()), tuple(labels), tuple(rules))


def _sorted(pairs: dict[str, list[GenePair]]) -> dict[str, list[GenePair]]:
    return {outcome: sorted(items) for outcome, items in pairs.items()}
