"""The `cancer` of a relation: the cancer types named in its sentence (or table row), else those of its document.

Curated tables of miRNAs and drug resistance are organised by cancer type, and an abstract names its cancer once or
twice while its findings sit in other sentences; so a sentence without a cancer of its own takes the document's.
References name other papers' cancers: they count for neither.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.schema import Mention, Relation

NOT_THE_DOCUMENT = ("reference",)


def with_cancers(relations: Iterable[Relation], mentions: Sequence[Mention], cancers: frozenset[str]) -> list[Relation]:
    """The relations with their ``cancer`` set; ``cancers``: the disease norms that are cancer types."""
    # Mentions come ordered by offset: a sentence's cancers are one slice, found once for all its relations.
    named = [m for m in mentions if m.type == "disease" and m.norm in cancers and m.section not in NOT_THE_DOCUMENT]
    starts = [m.start for m in named]
    of_document = tuple(sorted({m.norm for m in named}))
    by_span: dict[tuple[int, int], tuple[str, ...]] = {}
    out = []
    for relation in relations:
        span = (relation.sent_start, relation.sent_end)
        if span not in by_span:
            inside = named[bisect_left(starts, span[0]) : bisect_left(starts, span[1])]
            by_span[span] = tuple(sorted({m.norm for m in inside})) or of_document
        out.append(replace(relation, cancer=by_span[span]))
    return out
