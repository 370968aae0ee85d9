"""Mentions: spaCy components that find miRNAs, genes, drugs, cell lines, diseases and species (``mirmine_*``
factories), and
``mentions_from_doc``, which turns their hits into ``schema.Mention`` records. Where a mention is born: the miRNA
grammar (``mirna_finder``) and the lexicon finders (``lexicon_finder``); its norm comes from ``pipeline.normalize``."""

from .components import make_cell_line_finder, make_disease_finder, make_drug_finder, make_gene_finder, make_mirna_finder
from .components import make_model_entities, make_span_writer
from .hits import SPANS_KEY, SpanWriter, add_hit, hits_of
from .lexicon_finder import LexiconFinder
from .lexicons import LEXICON_FILES, cancer_norms, load_context, load_lexicon
from .mirna_finder import MirnaFinder
from .model import ModelEntities, ModelError
from .records import TYPE_PRIORITY, mentions_from_doc

__all__ = [
    "LEXICON_FILES", "SPANS_KEY", "TYPE_PRIORITY", "LexiconFinder", "MirnaFinder", "ModelEntities",
    "ModelError", "SpanWriter", "add_hit", "cancer_norms", "hits_of", "load_context", "load_lexicon", "make_cell_line_finder",
    "make_disease_finder", "make_drug_finder", "make_gene_finder", "make_mirna_finder", "make_model_entities", "make_span_writer",
    "mentions_from_doc",
]  # fmt: skip
