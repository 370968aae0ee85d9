"""A document's sentences -> ``schema.Relation`` records: each sentence with a miRNA (or `these miRNAs`) and a
partner is classified, and its findings become one relation per (miRNA, relation, partner).

Offsets are character offsets into ``Document.text``; sentences are (start, end) spans, end exclusive.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.schema import RELATION_DIRECTIONS, Document, Mention, Relation, section_finder

from .agents import Finding
from .classify import PARTNER_TYPES, classify_sentence
from .rules import RelationRules
from .sentence import SentenceView

# The norm of the placeholder mention at the words `these miRNAs` while their sentence is classified.
COREF_NORM = "these miRNAs"
# The relation stage reads at most this many characters as one sentence: a longer "sentence" (a word list, a text
# dump without full stops) is read as pieces cut at white space, so its cost grows with its length, not its square.
# The longest of 9,558 real sentences (772 abstracts, the bundled corpus, a MEDLINE sample) has 731 characters.
MAX_SENTENCE_CHARS = 2_000


def relations_from_sentences(
    document: Document,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    rules: RelationRules,
    skip_sections: Iterable[str] = ("table",),
) -> list[Relation]:
    """Relations of every sentence with a miRNA (or `these miRNAs`) and a partner; table rows are left to ``tables``.

    A sentence longer than MAX_SENTENCE_CHARS is read as pieces (``sentence_pieces``), each like a sentence.
    """
    skip = set(skip_sections)
    section_at = section_finder(document)
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_sentence[mention.sentence_id].append(mention)
    relations: list[Relation] = []
    previous_mirnas: list[Mention] = []
    for sentence_id, (start, end) in enumerate(sentences):
        if sentence_id not in by_sentence:
            # A sentence without mentions gives no relation and leaves no miRNA for `these miRNAs` in the next one.
            previous_mirnas = []
            continue
        for piece, in_piece in sentence_pieces(document.text, start, end, by_sentence[sentence_id]):
            mirnas = [m for m in in_piece if m.type == "mirna"]
            earlier_mirnas, previous_mirnas = previous_mirnas, mirnas
            # A relation needs a miRNA (or `these miRNAs` after a sentence with one) and a partner: skip the others early.
            if not (mirnas or earlier_mirnas) or not any(m.type in PARTNER_TYPES for m in in_piece):
                continue
            section = section_at(piece[0])
            label = section.label if section else "other"
            if label not in skip:
                found = _classified(document, label, sentence_id, piece, in_piece, mirnas, earlier_mirnas, rules)
                relations.extend(found)
    return relations


def _classified(
    document: Document, label: str, sentence_id: int, span: tuple[int, int], in_sentence: list[Mention],
    mirnas: list[Mention], earlier_mirnas: list[Mention], rules: RelationRules,
) -> list[Relation]:  # fmt: skip
    """The relations of one sentence (or piece), its miRNAs given, or `these miRNAs` read as the sentence before's."""
    start, end = span
    text = document.text[start:end]
    these = rules.these_mirnas.search(text) if not mirnas else None
    if these and these.groupdict().get("one") and len({m.norm for m in earlier_mirnas}) != 1:
        these = None  # `this miRNA`, `It`: only after a sentence that names one miRNA
    if these:
        # Classified at the words `these miRNAs`, then read as each miRNA of the previous sentence.
        placeholder = Mention(
            document.doc_id, label, sentence_id, start + these.start(), start + these.end(),
            these.group(), "mirna", COREF_NORM, "", rules.coreference.id,
        )  # fmt: skip
        mirnas = [placeholder]
    if not mirnas:
        return []
    view = SentenceView(text, start, [*in_sentence, *mirnas] if these else in_sentence, rules)
    findings = classify_sentence(view, mirnas, coreferent=bool(these))
    if these:
        findings = _expand_coreference(findings, earlier_mirnas)
    return to_relations(document, label, sentence_id, span, in_sentence, findings, rules, view)


def sentence_pieces(
    text: str, start: int, end: int, mentions: Sequence[Mention]
) -> list[tuple[tuple[int, int], list[Mention]]]:
    """The sentence ``start..end`` as pieces of at most MAX_SENTENCE_CHARS, each with its mentions.

    A piece ends at the last white space before the bound that is outside every mention (a mention is never cut; a
    mention longer than the bound ends its piece). A real sentence is one piece.
    """
    if end - start <= MAX_SENTENCE_CHARS:
        return [((start, end), list(mentions))]
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    pieces, piece_start = [], start
    while end - piece_start > MAX_SENTENCE_CHARS:
        cut = _cut(text, piece_start, piece_start + MAX_SENTENCE_CHARS, ordered, starts)
        pieces.append((piece_start, cut))
        piece_start = cut
    pieces.append((piece_start, end))
    return [((lo, hi), ordered[bisect_left(starts, lo) : bisect_left(starts, hi)]) for lo, hi in pieces]


def _cut(text: str, lo: int, hi: int, ordered: list[Mention], starts: list[int]) -> int:
    """Where a piece starting at ``lo`` ends: at white space before ``hi`` outside every mention, else as near as can be."""
    cut = max(text.rfind(space, lo + 1, hi) for space in " \n\t")
    cut = cut if cut > lo else hi
    at = bisect_right(starts, cut) - 1
    if at >= 0 and ordered[at].start < cut < ordered[at].end:
        # Inside a mention: cut before it, or after it when it starts the piece.
        cut = ordered[at].start if ordered[at].start > lo else ordered[at].end
    return cut


def _expand_coreference(findings: list[Finding], mirnas: list[Mention]) -> list[Finding]:
    """`these miRNAs` stands for every distinct miRNA of the previous sentence."""
    expanded: list[Finding] = []
    distinct = list({m.norm: m for m in mirnas}.values())
    for finding in findings:
        for mirna in distinct:
            expanded.append(replace(finding, mirna=mirna))
    return expanded


def to_relations(
    document: Document,
    section: str,
    sentence_id: int,
    span: tuple[int, int],
    mentions: Sequence[Mention],
    findings: Iterable[Finding],
    rules: RelationRules,
    view: SentenceView | None,
) -> list[Relation]:
    """One Relation per (miRNA, relation, partner) of the sentence (or table row) ``span``, the most confident
    finding of each, with the spans of the miRNA and partner mentions of that finding."""
    start, end = span
    hedge = rules.hedge
    cell_lines = tuple(sorted({m.norm for m in mentions if m.type == "cell_line"}))
    hedged = bool(view and view.of_role("hedge"))
    best: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        key = (finding.mirna.norm, finding.relation, finding.partner.norm)
        if key not in best or finding.confidence > best[key].confidence:
            best[key] = finding
    # A pair decided with a drug-response direction needs no extra `associated` row from the same sentence, nor a pair
    # the miRNA targets an extra `regulates` row.
    directed = {(m, p) for (m, r, p) in best if r in ("sensitizes", "confers_resistance")}
    targeted = {(m, p) for (m, r, p) in best if r == "targets"}
    relations = []
    text = " ".join(document.text[start:end].split())
    for (mirna, relation, partner), finding in sorted(best.items()):
        if (relation == "associated" and (mirna, partner) in directed) or (relation == "regulates" and (mirna, partner) in targeted):
            continue
        relations.append(
            Relation(
                doc_id=document.doc_id,
                section=section,
                sentence_id=sentence_id,
                sent_start=start,
                sent_end=end,
                mirna=mirna,
                relation=relation,
                direction=RELATION_DIRECTIONS.get(relation, finding.direction),
                partner=partner,
                partner_type=finding.partner.type,
                partner_id=finding.partner.concept_id,
                cell_lines=cell_lines,
                cancer=(),
                negated=finding.negated,
                hedged=hedged,
                rule=finding.rule,
                confidence=round(max(hedge.floor, finding.confidence - (hedge.penalty if hedged else 0.0)), 2),
                mirna_start=finding.mirna.start,
                mirna_end=finding.mirna.end,
                partner_start=finding.partner.start,
                partner_end=finding.partner.end,
                sentence=text,
            )
        )
    return relations
