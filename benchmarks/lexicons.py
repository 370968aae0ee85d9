"""The lexicon rows both benchmarks compile into matchers: the files of ``pipeline.mentions.LEXICON_FILES``, read from
one rules folder with ``pipeline.normalize.read_lexicon``."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.normalize import Entry
    from pipeline.ruleset import RuleSet

# Pattern docs handed to PhraseMatcher.add at a time: holding all 100,000 Docs at once costs ~0.5 GB and time.
PATTERN_BATCH = 1000


def lexicon_entries(lexicon: str, rules: RuleSet, max_terms: int | None = None) -> list[Entry]:
    """The rows of one finder's lexicon files in ``rules``; a seeded sample of ``max_terms`` of them when capped."""
    from pipeline.mentions import LEXICON_FILES
    from pipeline.normalize import read_lexicon

    entries = [entry for name, type_ in LEXICON_FILES[lexicon] for entry in read_lexicon(name, type_, rules)]
    if max_terms is not None and len(entries) > max_terms:
        keep = sorted(random.Random(0).sample(range(len(entries)), max_terms))
        entries = [entries[index] for index in keep]
    return entries


def phrase_terms(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """Distinct terms per mention type: one phrase pattern each, labelled with the type."""
    by_type: dict[str, dict[str, None]] = {}
    for entry in entries:
        by_type.setdefault(entry.type, {})[entry.term] = None
    return {type_: list(terms) for type_, terms in by_type.items()}
