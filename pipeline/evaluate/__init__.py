"""Evaluate: a run scored against a gold set. Gold readers (``gold``: mirmine's own gold folder; a run through
``output.RunFolder``) and pure scoring functions (``score``): mentions per type, relations strict and lenient per
relation type and tier, the review table's pairs, and every miss and false hit with the rule that made it."""

from .gold import GoldError, read_gold_mentions, read_gold_relations, read_gold_table, read_pred_mentions
from .gold import read_pred_relations
from .score import TIERS, MentionReport, RelationReport, Score, score_mentions, score_relations, score_sets

__all__ = [
    "TIERS", "GoldError", "MentionReport", "RelationReport", "Score", "read_gold_mentions", "read_gold_relations",
    "read_gold_table", "read_pred_mentions", "read_pred_relations", "score_mentions", "score_relations", "score_sets",
]  # fmt: skip
