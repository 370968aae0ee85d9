"""The miRNA finder: the grammar of rules/mirna.jsonl over the doc's text; an enumeration gives one hit per miRNA."""

from __future__ import annotations

from functools import lru_cache, partial

from spacy.tokens import Doc

from pipeline.normalize import mirna_concept_id, mirna_grammar
from pipeline.ruleset import RuleSet

from .hits import CONCEPTS_KEY, add_hit, concept_key, doc_text


class MirnaFinder:
    """Runs the miRNA grammar over the doc text; enumerations give one hit per miRNA."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.grammar = mirna_grammar(rules)
        # Each norm's accession is looked up once, not at every mention (the same few hundred norms come back); kept on
        # the finder, which belongs to one rule set.
        self.concept_id = lru_cache(maxsize=1 << 14)(partial(mirna_concept_id, rules=rules))

    def __call__(self, doc: Doc) -> Doc:
        concepts = doc.user_data.setdefault(CONCEPTS_KEY, {})
        for match in self.grammar.find(doc_text(doc)):
            add_hit(doc, match.start, match.end, "mirna", match.norm, match.rule)
            concepts[concept_key("mirna", match.norm)] = self.concept_id(match.norm)
        return doc
