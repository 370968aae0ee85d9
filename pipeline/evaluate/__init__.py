"""Evaluate: a run scored against a gold set. Gold readers (``gold``: mirmine's own gold folders; a run through
``output.RunFolder``) and pure scoring functions (``score``): mentions per type, relations strict and lenient per
relation type and tier, the review table's pairs, and every miss and false hit with the rule that made it.
``corpus``: mentions scored by span against an annotated corpus file (PubTator, BioC XML, SCAI XML) with a type map.
``pairs``: a run's miRNA–gene relations scored against a corpus's relations, as MMIC marks them (one labelled pair a
sentence) or as SCAI does (the True pairs of a document), each with its co-occurrence baseline."""

from .corpus import DEFAULT_TYPE_MAP, MATCHES, CorpusGold, CorpusMentionReport, SpanScore, TypeMapping
from .corpus import default_type_map, parse_type_map, read_corpus_gold, read_pred_spans, score_corpus_mentions
from .gold import GoldError, read_gold_mentions, read_gold_relations, read_gold_table, read_pred_mentions
from .gold import GOLD_MENTIONS_FILE, GOLD_RELATIONS_FILE, read_gold_documents, read_pred_relations
from .pairs import CONVENTIONS, DOCUMENT, MARKED, GenePair, LabelCount, PairReport, pair_convention, read_pred_pairs
from .pairs import score_document_pairs, score_gene_pairs, score_marked_pairs
from .score import TIERS, MentionReport, RelationReport, Score, score_mentions, score_relations, score_sets

__all__ = [
    "GOLD_MENTIONS_FILE", "GOLD_RELATIONS_FILE", "read_gold_documents",
    "DEFAULT_TYPE_MAP", "MATCHES", "CorpusGold", "CorpusMentionReport", "SpanScore", "TypeMapping", "default_type_map",
    "parse_type_map", "read_corpus_gold", "read_pred_spans", "score_corpus_mentions",
    "CONVENTIONS", "DOCUMENT", "MARKED", "GenePair", "LabelCount", "PairReport", "pair_convention", "read_pred_pairs",
    "score_document_pairs", "score_gene_pairs", "score_marked_pairs",
    "TIERS", "GoldError", "MentionReport", "RelationReport", "Score", "read_gold_mentions", "read_gold_relations",
    "read_gold_table", "read_pred_mentions", "read_pred_relations", "score_mentions", "score_relations", "score_sets",
]  # fmt: skip
