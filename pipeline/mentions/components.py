"""The spaCy factories of the mention finders (``mirmine_*``), also ``spacy_factories`` entry points.

Each finder gets its rules from its config: ``{"rules": {"@misc": "mirmine.rules.v1", "folder": ...}}`` (folder null:
the packaged rules), so ``spacy.blank("en").add_pipe("mirmine_genes")`` works in anyone's pipeline.
"""

from __future__ import annotations

from spacy.language import Language

from pipeline.ruleset import RuleSet
from pipeline.ruleset.spacy_config import DEFAULT_RULES_CONFIG

from .hits import SpanWriter
from .lexicon_finder import LexiconFinder
from .mirna_finder import MirnaFinder
from .model import ModelEntities


@Language.factory("mirmine_mirna", default_config={"rules": dict(DEFAULT_RULES_CONFIG)})
def make_mirna_finder(nlp: Language, name: str, rules: RuleSet) -> MirnaFinder:
    return MirnaFinder(rules)


@Language.factory("mirmine_genes", default_config={"rules": dict(DEFAULT_RULES_CONFIG)})
def make_gene_finder(nlp: Language, name: str, rules: RuleSet) -> LexiconFinder:
    return LexiconFinder("gene", rules)


@Language.factory("mirmine_drugs", default_config={"rules": dict(DEFAULT_RULES_CONFIG)})
def make_drug_finder(nlp: Language, name: str, rules: RuleSet) -> LexiconFinder:
    return LexiconFinder("drug", rules)


@Language.factory("mirmine_cell_lines", default_config={"rules": dict(DEFAULT_RULES_CONFIG)})
def make_cell_line_finder(nlp: Language, name: str, rules: RuleSet) -> LexiconFinder:
    return LexiconFinder("cell_line", rules)


@Language.factory("mirmine_diseases", default_config={"rules": dict(DEFAULT_RULES_CONFIG)})
def make_disease_finder(nlp: Language, name: str, rules: RuleSet) -> LexiconFinder:
    return LexiconFinder("disease", rules)


@Language.factory("mirmine_model_entities", default_config={"model": "", "rules": dict(DEFAULT_RULES_CONFIG)})
def make_model_entities(nlp: Language, name: str, model: str, rules: RuleSet) -> ModelEntities:
    return ModelEntities(model, rules)


@Language.factory("mirmine_spans")
def make_span_writer(nlp: Language, name: str) -> SpanWriter:
    return SpanWriter()
