"""Scoring against the gold set: the pure functions, the command, and the pinned quality on the bundled corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import GoldError, read_gold_mentions, read_pred_mentions, score_mentions, score_sets

GOLD = CORPUS / "gold"


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ({1, 2, 3}, {1, 2, 3}, (1.0, 1.0)),
        ({1, 2, 3, 4}, {1, 2}, (1.0, 0.5)),
        ({1, 2}, {1, 2, 3, 4}, (0.5, 1.0)),
        (set(), set(), (0.0, 0.0)),
    ],
    ids=["perfect", "half-recall", "half-precision", "empty"],
)
def test_score_sets(gold: set, pred: set, expected: tuple[float, float]) -> None:
    score = score_sets(gold, pred)
    assert (score.precision, score.recall) == expected


def test_f1_is_the_harmonic_mean_of_precision_and_recall() -> None:
    from pipeline.evaluate import Score

    score = Score(tp=1, fp=0, fn=3)  # P 1.0, R 0.25: their mean would be 0.625
    assert (score.precision, score.recall, score.f1) == (1.0, 0.25, pytest.approx(0.4))


def test_documents_outside_the_gold_set_are_not_scored() -> None:
    gold = {("d1", "mirna", "miR-21")}
    pred = {("d1", "mirna", "miR-21"), ("d2", "mirna", "miR-155")}
    assert score_mentions(gold, pred).overall.fp == 0


def test_a_type_the_gold_set_does_not_annotate_is_named_not_counted_false() -> None:
    gold = {("d1", "gene", "PTEN"), ("d1", "mirna", "miR-21")}
    pred = {("d1", "gene", "PTEN"), ("d1", "mirna", "miR-21"), ("d1", "disease", "breast cancer"), ("d1", "gene", "AKT")}
    report = score_mentions(gold, pred)
    assert (report.overall.tp, report.overall.fp, report.unscored) == (2, 1, ["disease"])
    assert "disease" not in report.by_type


def test_misses_and_false_hits_are_listed() -> None:
    report = score_mentions({("d1", "gene", "PTEN")}, {("d1", "gene", "AKT")})
    assert (report.misses, report.false_hits) == ([("d1", "gene", "PTEN")], [("d1", "gene", "AKT")])


def test_a_gold_row_with_an_unknown_type_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "mentions.tsv").write_text("doc_id\ttype\tnorm\nd1\tprotein\tPTEN\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"mentions\.tsv:2: unknown type 'protein'"):
        read_gold_mentions(tmp_path)


@pytest.fixture(scope="module")
def corpus_report(corpus_run: Path):
    pred, examples, rules = read_pred_mentions(corpus_run)
    return score_mentions(read_gold_mentions(GOLD), pred, examples, rules)


# Pinned quality on the bundled corpus (measured 2026-11-21: miRNA 1.00/1.00, gene 0.975/0.987,
# drug 1.00/0.944, drug_class 1.00/1.00, cell_line 1.00/1.00). A drop below these fails CI.
PINNED = [
    ("mirna", "precision", 0.98), ("mirna", "recall", 0.98),
    ("gene", "precision", 0.92), ("gene", "recall", 0.92),
    ("drug", "precision", 0.92), ("drug", "recall", 0.92),
    ("drug_class", "precision", 0.92), ("drug_class", "recall", 0.92),
    ("cell_line", "precision", 0.92), ("cell_line", "recall", 0.92),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "metric", "floor"), PINNED, ids=[f"{k}-{m}" for k, m, _ in PINNED])
def test_pinned_mention_quality_on_the_gold_set(corpus_report, kind: str, metric: str, floor: float) -> None:
    assert getattr(corpus_report.by_type[kind], metric) >= floor


def test_evaluate_prints_a_table_and_the_misses(corpus_run: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(corpus_run)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["mentions", "P", "R", "F1", "tp", "fp", "fn"]


def test_evaluate_json_has_scores_per_type(corpus_run: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(corpus_run), "--json"])
    data = json.loads(result.stdout)
    assert set(data["mentions"]["by_type"]) == {"mirna", "gene", "drug", "drug_class", "cell_line"}


def test_evaluate_without_a_run_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(tmp_path)])
    assert result.exit_code == 1 and result.stderr.startswith("Error:")


@pytest.fixture(scope="module")
def relation_report(corpus_run: Path):
    from pipeline.evaluate import read_gold_relations, read_gold_table, read_pred_relations, score_relations

    return score_relations(read_gold_relations(GOLD), read_pred_relations(corpus_run), read_gold_table(GOLD))


# Pinned relation quality on the core tier (measured 2026-11-21: targets 1.00/0.955, sensitizes 0.923/0.923,
# confers_resistance 1.00/1.00, associated 1.00/1.00) and the review's Table 1 pairs (65/65).
RELATION_FLOORS = [
    (relation, metric, floor)
    for relation in ("targets", "sensitizes", "confers_resistance", "associated")
    for metric, floor in (("precision", 0.90), ("recall", 0.85))
]


@pytest.mark.parametrize(("relation", "metric", "floor"), RELATION_FLOORS, ids=[f"{r}-{m}" for r, m, _ in RELATION_FLOORS])
def test_pinned_core_relation_quality(relation_report, relation: str, metric: str, floor: float) -> None:
    assert getattr(relation_report.by_tier["core"][relation], metric) >= floor


def test_every_pair_of_the_review_table_is_found(relation_report) -> None:
    assert relation_report.table_pairs.recall == 1.0


# The figures `mirmine evaluate` prints for the bundled corpus, measured 2026-12-03 and unchanged since 2026-11-21:
# (P, R, F1, tp, fp, fn) of the "all" rows. A change of rules that moves them must update them here, on purpose.
MEASURED = {
    "mentions all": ((0.989, 0.989, 0.989), (187, 2, 2)),
    "relations strict all": ((0.992, 0.984, 0.988), (125, 1, 2)),
    "relations lenient all": ((1.000, 0.991, 0.995), (110, 0, 1)),
    "core tier all": ((0.992, 1.000, 0.996), (118, 1, 0)),
    "hard tier all": ((0.875, 0.778, 0.824), (7, 1, 2)),
}


def _all_row(name: str, corpus_report, relation_report):
    return {
        "mentions all": lambda: corpus_report.overall,
        "relations strict all": lambda: relation_report.strict["all"],
        "relations lenient all": lambda: relation_report.lenient["all"],
        "core tier all": lambda: relation_report.by_tier["core"]["all"],
        "hard tier all": lambda: relation_report.by_tier["hard"]["all"],
    }[name]()


@pytest.mark.parametrize("name", MEASURED)
def test_pinned_overall_scores_on_the_gold_set(name: str, corpus_report, relation_report) -> None:
    score = _all_row(name, corpus_report, relation_report)
    (precision, recall, f1), counts = MEASURED[name]
    assert (score.tp, score.fp, score.fn) == counts
    assert (score.precision, score.recall, score.f1) == pytest.approx((precision, recall, f1), abs=5e-4)


def test_relation_scores_distinguish_strict_from_lenient() -> None:
    from pipeline.evaluate import score_relations

    gold = {("d", "miR-21", "sensitizes", "cisplatin"): ("core", "...")}
    pred = [{"doc_id": "d", "mirna": "miR-21", "relation": "associated", "partner": "cisplatin", "section": "abstract", "sentence": "..."}]
    report = score_relations(gold, pred, set())
    assert (report.strict["all"].tp, report.lenient["all"].tp) == (0, 1)


def test_table_prints_the_review_shape(corpus_run: Path) -> None:
    result = CliRunner().invoke(app, ["table", str(corpus_run), "--by", "drug"])
    assert result.exit_code == 0
    assert result.stdout.split()[:6] == ["drug", "miRNA", "effect", "targets", "cell", "lines"]
    assert any(line.startswith("trastuzumab") for line in result.stdout.splitlines())


def test_a_false_hit_names_its_rule_and_where_it_is_written(corpus_run: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(corpus_run)])
    false_hits = result.stdout.split("relation false hits", 1)[1]
    # `Dual-targeting of miR-124-3p and ABCC4 promotes sensitivity`: targeting the miRNA is less of it (the gold reads
    # no direction there); the composed rule id names each part's file and line.
    assert re.search(
        r"\tmiR-124-3p\tconfers_resistance\tdoxorubicin\t\[cue\.direction\.up\+loss @ relation_cues\.jsonl:\d+ \+ relation_rules\.jsonl:\d+\]",
        false_hits,
    )


def test_evaluate_looks_rules_up_in_the_folder_the_run_used(corpus_run: Path, tmp_path: Path) -> None:
    """A run made with another rules folder has its false hits looked up there (here: a folder that lacks the cue)."""
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(CORPUS.parent / "rules", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    cues = folder / "relation_cues.jsonl"
    cues.write_text("".join(line for line in cues.read_text(encoding="utf-8").splitlines(True) if "cue.direction.up" not in line), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(corpus_run), "--rules", str(folder)])
    assert f"[cue.direction.up+loss @ not defined in {folder.resolve()}]" in result.stdout
