"""Scoring: pure functions over sets of records. No file is read here.

Mentions are scored per document as sets of distinct (doc_id, type, norm): what a curator searches by. Relations
are scored per document as distinct (doc_id, mirna, relation, partner) triples: strict needs all four, lenient only
(doc_id, mirna, partner). A gold triple is `core` if any of its rows is core, else `hard`. Recall is given per tier;
core precision leaves out predictions that match only hard gold (they are neither right nor wrong for the core
tier), overall precision counts them as right. Only documents that the gold set covers are scored: a run over more
documents is not penalized for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.schema import MENTION_TYPES, RELATION_TYPES

TIERS = ("core", "hard")
MENTION_KEY = ("doc_id", "type", "norm")
RELATION_KEY = ("doc_id", "mirna", "relation", "partner")


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 of one slice, with the counts behind them."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
        }  # fmt: skip


@dataclass
class MentionReport:
    """Mention scores per type and overall, with every miss and false hit."""

    by_type: dict[str, Score]
    overall: Score
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    false_hits: list[tuple[str, str, str]] = field(default_factory=list)
    examples: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # The rule that found each predicted (doc_id, type, norm): what to look at for a false hit.
    rules: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "by_type": {kind: score.as_dict() for kind, score in self.by_type.items()},
            "overall": self.overall.as_dict(),
            "misses": [dict(zip(MENTION_KEY, key)) for key in self.misses],
            "false_hits": [
                dict(zip(MENTION_KEY, key)) | {"text": self.examples.get(key, ""), "rule": self.rules.get(key, "")}
                for key in self.false_hits
            ],
        }


def score_sets(gold: set, pred: set) -> Score:
    return Score(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))


def score_mentions(
    gold: set[tuple[str, str, str]], pred: set[tuple[str, str, str]], examples: dict | None = None, rules: dict | None = None
) -> MentionReport:
    """Scores per type over the gold documents; every miss and false hit, sorted."""
    gold_docs = {doc_id for doc_id, _, _ in gold}
    pred = {key for key in pred if key[0] in gold_docs}
    by_type = {
        kind: score_sets({g for g in gold if g[1] == kind}, {p for p in pred if p[1] == kind}) for kind in MENTION_TYPES
    }
    return MentionReport(
        by_type=by_type,
        overall=score_sets(gold, pred),
        misses=sorted(gold - pred),
        false_hits=sorted(pred - gold),
        examples=examples or {},
        rules=rules or {},
    )


@dataclass
class RelationReport:
    """Relation scores: strict and lenient, per relation type and tier, with the table pairs and every error."""

    strict: dict[str, Score]
    lenient: dict[str, Score]
    by_tier: dict[str, dict[str, Score]]
    table_pairs: Score
    misses: list[tuple[str, str, str, str, str]]  # (*RELATION_KEY, gold evidence)
    false_hits: list[tuple[str, str, str, str, str, str]]  # (*RELATION_KEY, sentence, rule)

    def as_dict(self) -> dict:
        return {
            "strict": {k: v.as_dict() for k, v in self.strict.items()},
            "lenient": {k: v.as_dict() for k, v in self.lenient.items()},
            "by_tier": {t: {k: v.as_dict() for k, v in s.items()} for t, s in self.by_tier.items()},
            "table_pairs": self.table_pairs.as_dict(),
            "misses": [dict(zip((*RELATION_KEY, "sentence"), m)) for m in self.misses],
            "false_hits": [dict(zip((*RELATION_KEY, "sentence", "rule"), m)) for m in self.false_hits],
        }


def score_relations(
    gold: dict[tuple[str, str, str, str], tuple[str, str]], pred_rows: list[dict], gold_table: set[tuple[str, str]]
) -> RelationReport:
    """Strict and lenient scores per relation type, recall per tier, core precision, table-pair recall.

    ``pred_rows``: the run's non-negated relations as dicts with doc_id, section, mirna, relation, partner, sentence
    and (optionally) rule.
    """
    gold_docs = {key[0] for key in gold}
    rows = [r for r in pred_rows if r["doc_id"] in gold_docs]
    pred = {(r["doc_id"], r["mirna"], r["relation"], r["partner"]): (r["sentence"], r.get("rule", "")) for r in rows}
    strict, lenient, by_tier = {}, {}, {tier: {} for tier in TIERS}
    lenient_gold = {(d, m, p) for d, m, _, p in gold}
    lenient_pred = {(d, m, p) for d, m, _, p in pred}
    for relation in (*RELATION_TYPES, "all"):
        def keep(key, relation=relation):
            return relation == "all" or key[2] == relation

        gold_r = {k for k in gold if keep(k)}
        pred_r = {k for k in pred if keep(k)}
        strict[relation] = score_sets(gold_r, pred_r)
        lenient[relation] = score_sets(
            {(d, m, p) for d, m, _, p in gold_r}, {(d, m, p) for d, m, _, p in pred_r} if relation != "all" else lenient_pred
        ) if relation != "all" else score_sets(lenient_gold, lenient_pred)
        for tier in TIERS:
            gold_t = {k for k in gold_r if gold[k][0] == tier}
            other = {k for k in gold_r if gold[k][0] != tier}
            scored = pred_r - other
            by_tier[tier][relation] = Score(tp=len(scored & gold_t), fp=len(scored - gold_t), fn=len(gold_t - pred_r))
    table_pred = {(r["partner"], r["mirna"]) for r in rows if r["section"] == "table"}
    return RelationReport(
        strict=strict,
        lenient=lenient,
        by_tier=by_tier,
        table_pairs=score_sets(gold_table, table_pred),
        misses=sorted((*k, gold[k][1]) for k in gold.keys() - pred.keys()),
        false_hits=sorted((*k, *pred[k]) for k in pred.keys() - gold.keys()),
    )
