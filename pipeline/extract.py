"""The one per-document path: ``Document`` -> mentions and relations. Every engine and the benchmark call it.

An ``Extractor`` is built once per process for one rule set (and optionally a --model): the spaCy pipeline of the
mention finders and the relation stage's compiled rules. ``extractor(document)`` gives the document's records.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

import pipeline.mentions  # noqa: F401  (registers the mirmine_* mention factories)
from pipeline.mentions import cancer_norms, mentions_from_doc
from pipeline.preprocess import TEXT_KEY, build_nlp, normalize_chars
from pipeline.relations import relation_rules, relations_from_sentences, table_relations, with_cancers
from pipeline.ruleset import RuleSet, load_ruleset
from pipeline.ruleset.spacy_config import rules_config
from pipeline.schema import CONTEXT_TYPES, DEFAULT_MAX_CHARS, Document, Mention, Relation

# Mention finders, in the order they run after the base pipeline (tokenizer, sentences, abbreviations).
MENTION_PIPES = ("mirmine_mirna", "mirmine_cell_lines", "mirmine_drugs", "mirmine_genes", "mirmine_diseases")
# Components for people who use the pipeline as a spaCy Language (``nlp(text).spans``): ``annotate`` skips them,
# the records are made from the finders' hits.
DISPLAY_PIPES = ("mirmine_spans",)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document yields."""

    doc_id: str
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]


def build_pipeline(rules: RuleSet | None = None, model: str | None = None) -> Language:
    """The full mention pipeline: the NLP base plus every mention finder, with ``rules`` (default: the packaged ones).

    ``model`` names an installed spaCy NER pipeline (or its path) whose entities become extra candidates.
    """
    rules = rules if rules is not None else load_ruleset()
    nlp = build_nlp(rules, extra_pipes=MENTION_PIPES)
    if model:
        nlp.add_pipe("mirmine_model_entities", config={"model": model, "rules": rules_config(rules)})
    for name in DISPLAY_PIPES:
        nlp.add_pipe(name)
    return nlp


def annotate(document: Document, nlp: Language) -> Doc:
    """Run the pipeline on the document's text, with a sentence start forced at every section start."""
    # Hyphen variants become "-" one char for one, so offsets in the Doc are offsets in document.text.
    text = normalize_chars(document.text)
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text  # the finders read it from here: Doc.text rebuilds it from the tokens
    for section in document.sections:
        span = doc.char_span(section.start, section.start + 1, alignment_mode="expand")
        if span is not None and span[0].idx == section.start:
            span[0].is_sent_start = True
    for name, component in nlp.pipeline:
        if name not in DISPLAY_PIPES:
            doc = component(doc)
    return doc


class DocumentTooLong(ValueError):
    """A document longer than the extractor's ``max_chars``: it is not read at all."""

    def __init__(self, document: Document, limit: int) -> None:
        super().__init__(f"{document.doc_id}: {len(document.text):,} characters, more than {limit:,}")
        self.length, self.limit = len(document.text), limit


class Extractor:
    """Mentions and relations of documents, by one rule set: every stage reads the same rules.

    A document longer than ``max_chars`` raises DocumentTooLong before spaCy sees it (spaCy's own ``max_length`` is
    set to the same limit, so its E088 never reaches a user).
    """

    def __init__(
        self, rules: RuleSet | None = None, model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS
    ) -> None:
        self.rules = rules if rules is not None else load_ruleset()
        self.model = model
        self.max_chars = max_chars
        self.nlp = build_pipeline(self.rules, model)
        self.nlp.max_length = max_chars
        self.relation_rules = relation_rules(self.rules)
        self.cancers = cancer_norms(self.rules)

    def __call__(self, document: Document) -> Extraction:
        """Mentions and relations of one document."""
        if len(document.text) > self.max_chars:
            raise DocumentTooLong(document, self.max_chars)
        doc = annotate(document, self.nlp)
        sentences = [(sent.start_char, sent.end_char) for sent in doc.sents]
        mentions = tuple(mentions_from_doc(doc, document, [start for start, _ in sentences]))
        # Diseases and species only give a relation its cancer: the relation rules read every other mention.
        partners = [m for m in mentions if m.type not in CONTEXT_TYPES]
        relations = relations_from_sentences(document, sentences, partners, self.relation_rules)
        relations += table_relations(document, sentences, partners, self.relation_rules)
        return Extraction(document.doc_id, mentions, tuple(with_cancers(relations, mentions, self.cancers)))
