"""The one per-document path: ``Document`` -> mentions and relations. Every engine and the benchmark call it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

import pipeline.mentions  # noqa: F401  (registers the mirmine_* mention factories)
from pipeline.doc_tables import table_relations
from pipeline.mentions import TEXT_KEY, mentions_from_doc
from pipeline.preprocess import build_nlp, normalize_chars
from pipeline.relations import relations_from_sentences
from pipeline.schema import Document, Mention, Relation

# Mention finders, in the order they run after the base pipeline (tokenizer, sentences, abbreviations).
MENTION_PIPES = ("mirmine_mirna", "mirmine_cell_lines", "mirmine_drugs", "mirmine_genes")
# Components for people who use the pipeline as a spaCy Language (``nlp(text).spans``): ``annotate`` skips them,
# the records are made from the finders' hits.
DISPLAY_PIPES = ("mirmine_spans",)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document yields."""

    doc_id: str
    mentions: tuple[Mention, ...]
    relations: tuple[Relation, ...]


def build_pipeline(rules_dir: Path | None = None, model: str | None = None) -> Language:
    """The full extraction pipeline: the NLP base plus every mention finder. Build it once per process.

    ``model`` names an installed spaCy NER pipeline (or its path) whose entities become extra candidates.
    """
    nlp = build_nlp(rules_dir, extra_pipes=MENTION_PIPES)
    if model:
        config = {"model": model} | ({"rules_dir": str(rules_dir)} if rules_dir else {})
        nlp.add_pipe("mirmine_model_entities", config=config)
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


def extract(document: Document, nlp: Language) -> Extraction:
    """Mentions and relations of one document."""
    doc = annotate(document, nlp)
    sentences = [(sent.start_char, sent.end_char) for sent in doc.sents]
    mentions = tuple(mentions_from_doc(doc, document, [start for start, _ in sentences]))
    relations = relations_from_sentences(document, sentences, mentions) + table_relations(document, sentences, mentions)
    return Extraction(document.doc_id, mentions, tuple(relations))
