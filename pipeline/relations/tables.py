"""Tables inside documents (a `Table 1:` block of tab-separated rows) -> one relation per (drug, miRNA) of a row.

A row relates each drug (or drug class) of its cells to each miRNA of its cells. The relation is `associated`
unless the caption or the header states a direction (`miRNAs that confer resistance to ...`), judged with the same
cues as sentences. Cells with several miRNAs (`miR-125b or miR-205, miR-424`, `microRNA-221/222`) give one relation
each; the mentions come from the finders, so `Lapatinib ditosylate` is lapatinib and `miRNAs-181a/b` two miRNAs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from pipeline.schema import DRUG_TYPES, Document, Mention, Relation

from .agents import Finding
from .records import to_relations
from .rules import RelationRules
from .sentence import SentenceView


def table_relations(
    document: Document, sentences: Sequence[tuple[int, int]], mentions: Sequence[Mention], rules: RelationRules
) -> list[Relation]:
    """Relations of every row of every table section."""
    relations = []
    row_rule = rules.table_row
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    for section in document.sections:
        if section.label != "table":
            continue
        lines = _lines(document.text, section.start, section.end)
        rows = [(start, end) for start, end in lines if "\t" in document.text[start:end]]
        if not rows:
            continue
        row_set = set(rows)
        caption = " ".join(document.text[start:end] for start, end in lines if (start, end) not in row_set)
        header, body = rows[0], rows[1:]
        relation = _table_relation(caption + " " + document.text[header[0] : header[1]], rules)
        for start, end in body:
            # The mentions of the row, found by bisection: a table of thousands of rows is read in one pass.
            in_row = [m for m in ordered[bisect_left(starts, start) : bisect_left(starts, end)] if m.end <= end]
            findings = [
                Finding(mirna, partner, relation, row_rule.id, row_rule.confidence)
                for partner in in_row if partner.type in DRUG_TYPES
                for mirna in in_row if mirna.type == "mirna"
            ]  # fmt: skip
            sentence_id = _sentence_of(sentences, start)
            relations.extend(to_relations(document, "table", sentence_id, (start, end), in_row, findings, rules, None))
    return relations


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of a span as (start, end), end exclusive, without the line break."""
    lines, position = [], start
    for line in text[start:end].split("\n"):
        if line.strip():
            lines.append((position, position + len(line)))
        position += len(line) + 1
    return lines


def _table_relation(caption: str, rules: RelationRules) -> str:
    """`associated` unless the caption states a direction: `confer resistance` or `sensitize`."""
    view = SentenceView(caption, 0, [], rules)
    if view.of_role("sensitize"):
        return "sensitizes"
    frames = view.of_role("resistance", "sensitivity")
    for direction in view.of_role("up", "down"):
        frame = next((f for f in frames if 0 <= f.start - direction.end <= 30), None)
        if frame is not None:
            up = (direction.role == "up") == (frame.role == "resistance")
            return "confers_resistance" if up else "sensitizes"
    return "associated"


def _sentence_of(sentences: Sequence[tuple[int, int]], offset: int) -> int:
    """The index of the sentence that holds ``offset`` (sentences are in order and do not overlap), else 0."""
    index = bisect_right(sentences, (offset, float("inf"))) - 1
    return index if index >= 0 and offset < sentences[index][1] else 0
