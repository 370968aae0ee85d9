"""Score a run against a gold set: pure functions over sets of records.

Mentions are scored per document as sets of distinct (doc_id, type, norm): what a curator searches by.
Only documents that the gold set covers are scored; a run over more documents is not penalized for the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.output import RunFolder, TableError, read_rows
from pipeline.schema import MENTION_TYPES

GOLD_MENTIONS_FILE = "mentions.tsv"
GOLD_MENTION_COLUMNS = ("doc_id", "type", "norm")


class GoldError(ValueError):
    """A gold or prediction file is missing or malformed."""


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

    def as_dict(self) -> dict:
        return {
            "by_type": {kind: score.as_dict() for kind, score in self.by_type.items()},
            "overall": self.overall.as_dict(),
            "misses": [dict(zip(GOLD_MENTION_COLUMNS, key)) for key in self.misses],
            "false_hits": [
                dict(zip(GOLD_MENTION_COLUMNS, key)) | {"text": self.examples.get(key, "")} for key in self.false_hits
            ],
        }


def _read_tsv(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) of a gold or run table; a missing file or a wrong header is a GoldError."""
    if not path.is_file():
        raise GoldError(f"{path}: file not found")
    try:
        return list(read_rows(path, columns, what="a mirmine gold or run table", fix=f"its header needs {', '.join(columns)}"))
    except TableError as err:
        raise GoldError(str(err)) from err


def read_gold_mentions(gold_dir: Path) -> set[tuple[str, str, str]]:
    """Gold (doc_id, type, norm) rows; an unknown type is an error that names the line."""
    gold = set()
    for line_no, row in _read_tsv(gold_dir / GOLD_MENTIONS_FILE, GOLD_MENTION_COLUMNS):
        if row["type"] not in MENTION_TYPES:
            raise GoldError(f"{gold_dir / GOLD_MENTIONS_FILE}:{line_no}: unknown type {row['type']!r}")
        gold.add((row["doc_id"], row["type"], row["norm"]))
    return gold


def read_pred_mentions(pred_dir: Path) -> tuple[set[tuple[str, str, str]], dict[tuple[str, str, str], str]]:
    """Distinct (doc_id, type, norm) of a run's mentions.tsv, with the first written text of each."""
    examples: dict[tuple[str, str, str], str] = {}
    try:
        for mention in RunFolder(pred_dir).check().mentions():
            examples.setdefault((mention.doc_id, mention.type, mention.norm), mention.text)
    except TableError as err:
        raise GoldError(str(err)) from err
    return set(examples), examples


def score_sets(gold: set, pred: set) -> Score:
    return Score(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))


def score_mentions(
    gold: set[tuple[str, str, str]], pred: set[tuple[str, str, str]], examples: dict | None = None
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
    )


# --- relations --------------------------------------------------------------------------------------------
# Relations are scored per document as distinct (doc_id, mirna, relation, partner) triples: strict needs all four,
# lenient only (doc_id, mirna, partner). A gold triple is `core` if any of its rows is core, else `hard`. Recall is
# given per tier; core precision leaves out predictions that match only hard gold (they are neither right nor wrong
# for the core tier), overall precision counts them as right.

GOLD_RELATIONS_FILE = "relations.tsv"
GOLD_TABLE_FILE = "table.tsv"
GOLD_RELATION_COLUMNS = ("doc_id", "section", "mirna", "relation", "partner", "partner_type", "tier", "evidence")
TIERS = ("core", "hard")


@dataclass
class RelationReport:
    """Relation scores: strict and lenient, per relation type and tier, with the table pairs and every error."""

    strict: dict[str, Score]
    lenient: dict[str, Score]
    by_tier: dict[str, dict[str, Score]]
    table_pairs: Score
    misses: list[tuple[str, str, str, str, str]]
    false_hits: list[tuple[str, str, str, str, str]]

    def as_dict(self) -> dict:
        return {
            "strict": {k: v.as_dict() for k, v in self.strict.items()},
            "lenient": {k: v.as_dict() for k, v in self.lenient.items()},
            "by_tier": {t: {k: v.as_dict() for k, v in s.items()} for t, s in self.by_tier.items()},
            "table_pairs": self.table_pairs.as_dict(),
            "misses": [dict(zip(("doc_id", "mirna", "relation", "partner", "sentence"), m)) for m in self.misses],
            "false_hits": [dict(zip(("doc_id", "mirna", "relation", "partner", "sentence"), m)) for m in self.false_hits],
        }


def read_gold_relations(gold_dir: Path) -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """Gold triples with their tier (core wins) and one evidence sentence."""
    from pipeline.schema import RELATION_TYPES

    gold: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    for line_no, row in _read_tsv(gold_dir / GOLD_RELATIONS_FILE, GOLD_RELATION_COLUMNS):
        if row["relation"] not in RELATION_TYPES or row["tier"] not in TIERS:
            raise GoldError(f"{gold_dir / GOLD_RELATIONS_FILE}:{line_no}: bad relation {row['relation']!r} or tier {row['tier']!r}")
        key = (row["doc_id"], row["mirna"], row["relation"], row["partner"])
        if key not in gold or row["tier"] == "core":
            gold[key] = (row["tier"], row["evidence"])
    return gold


def read_gold_table(gold_dir: Path) -> set[tuple[str, str]]:
    """(drug, mirna) pairs of the review's Table 1."""
    return {(row["drug"], row["mirna"]) for _, row in _read_tsv(gold_dir / GOLD_TABLE_FILE, ("drug", "mirna"))}


def read_pred_relations(pred_dir: Path) -> list[dict]:
    """The run's relations that are not negated, as dicts of the columns scoring reads."""
    columns = ("doc_id", "section", "mirna", "relation", "partner", "sentence")
    try:
        relations = list(RunFolder(pred_dir).check().relations())
    except TableError as err:
        raise GoldError(str(err)) from err
    return [{name: getattr(row, name) for name in columns} for row in relations if not row.negated]


def score_relations(
    gold: dict[tuple[str, str, str, str], tuple[str, str]], pred_rows: list[dict], gold_table: set[tuple[str, str]]
) -> RelationReport:
    """Strict and lenient scores per relation type, recall per tier, core precision, table-pair recall."""
    from pipeline.schema import RELATION_TYPES

    gold_docs = {key[0] for key in gold}
    rows = [r for r in pred_rows if r["doc_id"] in gold_docs]
    pred = {(r["doc_id"], r["mirna"], r["relation"], r["partner"]): r["sentence"] for r in rows}
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
        false_hits=sorted((*k, pred[k]) for k in pred.keys() - gold.keys()),
    )
