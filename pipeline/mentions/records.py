"""The finders' hits -> ``schema.Mention`` records, ordered by offset, with the overlaps between types resolved."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from pipeline.ruleset import ModelLabel
from pipeline.schema import CONTEXT_TYPES, MENTION_TYPES, Document, Mention, section_finder

from .hits import CONCEPTS_KEY, concept_key, hits_of

# Which type keeps a span that several finders claim, first wins (`insulin`, `epidermal growth factor` are genes
# before drugs); a mention inside a cell line is part of its name.
TYPE_PRIORITY = ("mirna", "cell_line", "gene", "drug", "drug_class", *CONTEXT_TYPES)
# Types whose longer span does not swallow a mention of another type inside it: a gene inside a drug class
# (`CDK4/6 inhibitor`), anything inside a disease or species name (`HER2-positive breast cancer` names HER2; the
# relation rules never see diseases, so they must not lose a partner to one). A disease inside a gene's name
# (`breast cancer resistance protein`) is still part of that name.
CONTAINERS_THAT_KEEP = {"drug_class": ("gene",)} | {context: MENTION_TYPES for context in CONTEXT_TYPES}


def mentions_from_doc(doc: Doc, document: Document, sentence_starts: list[int] | None = None) -> list[Mention]:
    """Convert the doc's hits into mention records, ordered by offset, with overlaps between types resolved.

    A span that several finders claim goes to the first type of TYPE_PRIORITY. A mention inside a longer mention of
    another type is part of that name (`TR` in `SKBR3/TR`, `epidermal growth factor` in `epidermal growth factor
    receptor`), except inside a drug class, disease or species (CONTAINERS_THAT_KEEP): `CDK4/6 inhibitor` names CDK4 and CDK6. ``sentence_starts``:
    the character offset of each sentence, when the caller has them already.
    """
    # One mention per (span, type, norm); when a rule and a --model candidate agree, the rule names it.
    by_mention: dict[tuple[int, int, str, str], str] = {}
    for start, end, label, norm, rule in sorted(hits_of(doc), key=_rule_order):
        by_mention.setdefault((start, end, label, norm), rule)
    spans = sorted(
        ((*key, rule) for key, rule in by_mention.items()),
        key=lambda s: (s[0], s[1], TYPE_PRIORITY.index(s[2]), s[3]),
    )
    claimed: dict[tuple[int, int], str] = {}
    for start, end, label, _, _ in spans:
        claimed.setdefault((start, end), label)
    by_extent = [(start, end, label) for start, end, label, _, _ in spans]
    extent_starts = [start for start, _, _ in by_extent]
    longest = max((end - start for start, end, _ in by_extent), default=0)
    concepts = doc.user_data.get(CONCEPTS_KEY, {})
    if sentence_starts is None:
        sentence_starts = [sent.start_char for sent in doc.sents]
    section_at = section_finder(document)
    mentions: list[Mention] = []
    for start, end, label, norm, rule in spans:
        if claimed[(start, end)] != label:
            continue
        if _inside_another(by_extent, extent_starts, longest, start, end, label):
            continue  # part of a longer name of another type
        section = section_at(start)
        mentions.append(
            Mention(
                doc_id=document.doc_id,
                section=section.label if section else "other",
                sentence_id=_index_at(sentence_starts, start),
                start=start,
                end=end,
                text=document.text[start:end],
                type=label,
                norm=norm,
                concept_id=concepts.get(concept_key(label, norm), ""),
                rule=rule,
            )
        )
    return mentions


def _inside_another(
    by_extent: list[tuple[int, int, str]], extent_starts: list[int], longest: int, start: int, end: int, label: str
) -> bool:
    """Whether the mention lies inside a longer span of another type (except as CONTAINERS_THAT_KEEP says).

    Spans are sorted by start: one that holds the mention starts at or before it, and no earlier than the longest
    span's length before its end, so only that stretch of the list is read (reading all of it was quadratic).
    """
    index = bisect_right(extent_starts, start) - 1
    while index >= 0 and extent_starts[index] >= end - longest:
        other_start, other_end, other = by_extent[index]
        index -= 1
        if end <= other_end and (other_start, other_end) != (start, end) and other != label:
            if label not in CONTAINERS_THAT_KEEP.get(other, ()):
                return True
    return False


def _rule_order(hit: list) -> tuple[bool, str]:
    """Rules before --model candidates, then by rule id."""
    rule = hit[4]
    return rule.startswith(ModelLabel.PREFIX), rule


def _index_at(starts: list[int], offset: int) -> int:
    """Index of the last start at or before ``offset`` (starts are sorted)."""
    return max(bisect_right(starts, offset) - 1, 0)
