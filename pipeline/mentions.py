"""spaCy components that find mentions, and ``mentions_from_doc``: spans -> ``schema.Mention`` records.

Every finder writes to ``doc.spans[SPANS_KEY]`` (overlaps allowed) with ``label_`` = mention type,
``kb_id_`` = normalized name and ``id_`` = the id of the rule that fired. Overlaps are resolved once,
in ``mentions_from_doc``.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.normalize import mirna_grammar
from pipeline.schema import Document, Mention

SPANS_KEY = "mirmine"


@Language.factory("mirmine_mirna", default_config={"rules_dir": None})
def make_mirna_finder(nlp: Language, name: str, rules_dir: str | None) -> MirnaFinder:
    return MirnaFinder(Path(rules_dir) if rules_dir else None)


class MirnaFinder:
    """Runs the miRNA grammar over the doc text; enumerations give one span per miRNA."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.grammar = mirna_grammar(rules_dir)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(SPANS_KEY, []))
        for match in self.grammar.find(doc.text):
            span = doc.char_span(
                match.start, match.end, label="mirna", kb_id=match.norm, span_id=match.rule, alignment_mode="expand"
            )
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


def mentions_from_doc(doc: Doc, document: Document) -> list[Mention]:
    """Convert the doc's mention spans into records, one per (span, type, norm), ordered by offset."""
    sentence_starts = [sent.start_char for sent in doc.sents]
    seen: set[tuple[int, int, str, str]] = set()
    mentions: list[Mention] = []
    for span in sorted(doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, s.end_char, s.label_, s.kb_id_)):
        key = (span.start_char, span.end_char, span.label_, span.kb_id_)
        if key in seen:
            continue
        seen.add(key)
        section = document.section_at(span.start_char)
        mentions.append(
            Mention(
                doc_id=document.doc_id,
                section=section.label if section else "other",
                sentence_id=_index_at(sentence_starts, span.start_char),
                start=span.start_char,
                end=span.end_char,
                text=document.text[span.start_char : span.end_char],
                type=span.label_,
                norm=span.kb_id_,
                concept_id="",
                rule=span.id_,
            )
        )
    return mentions


def _index_at(starts: list[int], offset: int) -> int:
    """Index of the last start at or before ``offset`` (starts are sorted)."""
    return max(bisect_right(starts, offset) - 1, 0)
