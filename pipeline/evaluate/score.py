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
    # Mention types the run has but the gold set has no row of (not annotated there): not scored.
    unscored: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "by_type": {kind: score.as_dict() for kind, score in self.by_type.items()},
            "overall": self.overall.as_dict(),
            "unscored_types": self.unscored,
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
    """Scores per type over the gold documents and the types it annotates; every miss and false hit, sorted.

    A type the gold set has no row of (corpus/gold annotates no diseases) is named in ``unscored``, not counted false.
    """
    gold_docs = {doc_id for doc_id, _, _ in gold}
    annotated = {kind for _, kind, _ in gold}
    pred = {key for key in pred if key[0] in gold_docs}
    unscored = sorted({kind for _, kind, _ in pred} - annotated, key=MENTION_TYPES.index)
    pred = {key for key in pred if key[1] in annotated}
    by_type = {
        kind: score_sets({g for g in gold if g[1] == kind}, {p for p in pred if p[1] == kind})
        for kind in MENTION_TYPES if kind in annotated
    }
    return MentionReport(
        by_type=by_type,
        overall=score_sets(gold, pred),
        misses=sorted(gold - pred),
        false_hits=sorted(pred - gold),
        examples=examples or {},
        rules=rules or {},
        unscored=unscored,
    )


def _subsumed(key: tuple[str, str, str, str], keys) -> bool:
    doc_id, mirna, relation, partner = key
    return relation == "regulates" and (doc_id, mirna, "targets", partner) in keys


@dataclass
class RelationReport:
    """Relation scores: strict and lenient, per relation type and tier, with the table pairs and every error."""

    strict: dict[str, Score]
    lenient: dict[str, Score]
    by_tier: dict[str, dict[str, Score]]
    table_pairs: Score | None  # None: the gold set has no table
    misses: list[tuple[str, str, str, str, str]]  # (*RELATION_KEY, gold evidence)
    false_hits: list[tuple[str, str, str, str, str, str]]  # (*RELATION_KEY, sentence, rule)
    # Of the strict matches whose gold row gives a direction, how many the run gives the same one.
    direction_agrees: int = 0
    direction_checked: int = 0
    # Relation types the run has but the gold set has no row of (not annotated there): not scored.
    unscored: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "strict": {k: v.as_dict() for k, v in self.strict.items()},
            "lenient": {k: v.as_dict() for k, v in self.lenient.items()},
            "by_tier": {t: {k: v.as_dict() for k, v in s.items()} for t, s in self.by_tier.items()},
            "table_pairs": self.table_pairs.as_dict() if self.table_pairs else None,
            "direction": {"agrees": self.direction_agrees, "checked": self.direction_checked},
            "unscored_types": self.unscored,
            "misses": [dict(zip((*RELATION_KEY, "sentence"), m)) for m in self.misses],
            "false_hits": [dict(zip((*RELATION_KEY, "sentence", "rule"), m)) for m in self.false_hits],
        }


def score_relations(
    gold: dict[tuple[str, str, str, str], tuple],
    pred_rows: list[dict],
    gold_table: set[tuple[str, str]] | None,
    documents: set[str] | None = None,
) -> RelationReport:
    """Strict and lenient scores per relation type, recall per tier, core precision, table-pair recall, and how often
    the direction of a strict match agrees with the gold's.

    ``gold``: (doc_id, mirna, relation, partner) -> (tier, evidence[, direction]). ``pred_rows``: the run's non-negated
    relations as dicts with doc_id, section, mirna, relation, partner, sentence and (optionally) rule and direction.
    ``documents``: the documents the gold covers (default: those of its relations).
    """
    gold_docs = documents if documents is not None else {key[0] for key in gold}
    rows = [r for r in pred_rows if r["doc_id"] in gold_docs]
    pred = {(r["doc_id"], r["mirna"], r["relation"], r["partner"]): (r["sentence"], r.get("rule", "")) for r in rows}
    # Scored per document: a pair the miRNA `targets` somewhere in the document is not also `regulates` there (the
    # document gives targeting evidence), in the gold and in the run alike.
    gold = {k: v for k, v in gold.items() if not _subsumed(k, gold)}
    pred = {k: v for k, v in pred.items() if not _subsumed(k, pred)}
    # A gold set scores the relation types it was annotated for, those it has rows of (the seed gold predates
    # regulates and regulated_by): the run's rows of other types are left out and named.
    annotated = {key[2] for key in gold}
    unscored = sorted({key[2] for key in pred} - annotated, key=RELATION_TYPES.index)
    # Lenient: pairs whatever their type, but a pair that only a type the gold was not annotated for names is not scored.
    gold_pairs = {(d, m, p) for d, m, _, p in gold}
    lenient_pred = {(d, m, p) for d, m, r, p in pred if r in annotated or (d, m, p) in gold_pairs}
    pred = {k: v for k, v in pred.items() if k[2] in annotated}
    directions: dict[tuple, set[str]] = {}
    for r in rows:
        directions.setdefault((r["doc_id"], r["mirna"], r["relation"], r["partner"]), set()).add(r.get("direction", ""))
    checked = [k for k in gold.keys() & pred.keys() if len(gold[k]) > 2 and gold[k][2]]
    strict, lenient, by_tier = {}, {}, {tier: {} for tier in TIERS}
    lenient_gold = gold_pairs
    for relation in (*(r for r in RELATION_TYPES if r in annotated), "all"):
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
        table_pairs=score_sets(gold_table, table_pred) if gold_table is not None else None,
        direction_agrees=sum(gold[k][2] in directions[k] for k in checked),
        direction_checked=len(checked),
        unscored=unscored,
        misses=sorted((*k, gold[k][1]) for k in gold.keys() - pred.keys()),
        false_hits=sorted((*k, *pred[k]) for k in pred.keys() - gold.keys()),
    )
