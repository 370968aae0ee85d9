"""Gold sets and a run's predictions, read for scoring: mirmine's own gold folders (corpus/gold and corpus/gold-bench,
see their READMEs) and a run folder (through ``output.RunFolder``). A missing file or a bad row is a ``GoldError``
naming file and line.

A gold folder holds relations.tsv, and may hold mentions.tsv and table.tsv (the review's Table 1) and sample.tsv (the
documents it covers, when some of them have no relation: they still count for precision)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.output import RunFolder, TableError, read_rows
from pipeline.schema import DIRECTIONS, MENTION_TYPES, RELATION_TYPES

from .score import TIERS

GOLD_MENTIONS_FILE = "mentions.tsv"
GOLD_RELATIONS_FILE = "relations.tsv"
GOLD_TABLE_FILE = "table.tsv"
GOLD_SAMPLE_FILE = "sample.tsv"
GOLD_MENTION_COLUMNS = ("doc_id", "type", "norm")
GOLD_RELATION_COLUMNS = ("doc_id", "section", "mirna", "relation", "partner", "partner_type", "tier", "evidence")


class GoldError(ValueError):
    """A gold or prediction file is missing or malformed."""


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


def read_pred_mentions(pred_dir: Path) -> tuple[set[tuple[str, str, str]], dict, dict]:
    """Distinct (doc_id, type, norm) of a run's mentions.tsv, with the first written text and the rule of each."""
    examples: dict[tuple[str, str, str], str] = {}
    rules: dict[tuple[str, str, str], str] = {}
    try:
        for mention in RunFolder(pred_dir).check().mentions():
            key = (mention.doc_id, mention.type, mention.norm)
            examples.setdefault(key, mention.text)
            rules.setdefault(key, mention.rule)
    except TableError as err:
        raise GoldError(str(err)) from err
    return set(examples), examples, rules


def read_gold_relations(gold_dir: Path) -> dict[tuple[str, str, str, str], tuple[str, str, str]]:
    """Gold triples with their tier (core wins), one evidence sentence and the direction (empty where the gold folder
    has no `direction` column)."""
    path = gold_dir / GOLD_RELATIONS_FILE
    with_direction = _has_column(path, "direction")
    columns = (*GOLD_RELATION_COLUMNS, "direction") if with_direction else GOLD_RELATION_COLUMNS
    gold: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
    for line_no, row in _read_tsv(path, columns):
        if row["relation"] not in RELATION_TYPES or row["tier"] not in TIERS:
            raise GoldError(f"{path}:{line_no}: bad relation {row['relation']!r} or tier {row['tier']!r}")
        direction = row.get("direction", "")
        if direction not in DIRECTIONS:
            raise GoldError(f"{path}:{line_no}: bad direction {direction!r}; expected down, up or empty")
        key = (row["doc_id"], row["mirna"], row["relation"], row["partner"])
        if key not in gold or row["tier"] == "core":
            gold[key] = (row["tier"], row["evidence"], direction)
    return gold


def read_gold_table(gold_dir: Path) -> set[tuple[str, str]] | None:
    """(drug, mirna) pairs of the review's Table 1; None for a gold folder without a table.tsv."""
    if not (gold_dir / GOLD_TABLE_FILE).exists():
        return None
    return {(row["drug"], row["mirna"]) for _, row in _read_tsv(gold_dir / GOLD_TABLE_FILE, ("drug", "mirna"))}


def read_gold_documents(gold_dir: Path) -> set[str] | None:
    """The documents a gold folder covers, when it lists them (sample.tsv); else None: its relations' documents."""
    if not (gold_dir / GOLD_SAMPLE_FILE).exists():
        return None
    return {row["doc_id"] for _, row in _read_tsv(gold_dir / GOLD_SAMPLE_FILE, ("doc_id",))}


def _has_column(path: Path, column: str) -> bool:
    if not path.is_file():
        raise GoldError(f"{path}: file not found")
    with path.open(encoding="utf-8") as handle:
        return column in handle.readline().rstrip("\n").split("\t")


def read_pred_relations(pred_dir: Path) -> list[dict]:
    """The run's relations that are not negated, as dicts of the columns scoring reads."""
    columns = ("doc_id", "section", "mirna", "relation", "direction", "partner", "sentence", "rule")
    try:
        relations = list(RunFolder(pred_dir).check().relations())
    except TableError as err:
        raise GoldError(str(err)) from err
    return [{name: getattr(row, name) for name in columns} for row in relations if not row.negated]


