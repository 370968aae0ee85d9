"""The `cancer` of a relation: the cancer types named in its sentence (or table row), else those of its document.

Curated tables of miRNAs and drug resistance are organised by cancer type, and an abstract names its cancer once or
twice while its findings sit in other sentences; so a sentence without a cancer of its own takes the document's.
References name other papers' cancers: they count for neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.schema import Mention, Relation

NOT_THE_DOCUMENT = ("reference",)


def with_cancers(relations: Iterable[Relation], mentions: Sequence[Mention], cancers: frozenset[str]) -> list[Relation]:
    """The relations with their ``cancer`` set; ``cancers``: the disease norms that are cancer types."""
    named = [m for m in mentions if m.type == "disease" and m.norm in cancers and m.section not in NOT_THE_DOCUMENT]
    of_document = tuple(sorted({m.norm for m in named}))
    out = []
    for relation in relations:
        own = {m.norm for m in named if relation.sent_start <= m.start < relation.sent_end}
        out.append(replace(relation, cancer=tuple(sorted(own)) if own else of_document))
    return out
