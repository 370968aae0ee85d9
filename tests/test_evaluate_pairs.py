"""miRNA–gene relations scored against a corpus's relations (``pipeline.evaluate.pairs``): MMIC's labelled pair of
each sentence and SCAI's True pairs of each document. The two corpora are tiny fixtures in their formats, written
here by hand; the run is what `mirmine run` makes of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import (
    DOCUMENT,
    MARKED,
    CorpusGold,
    GenePair,
    LabelCount,
    PairReport,
    Score,
    pair_convention,
    read_corpus_gold,
    read_pred_pairs,
    score_gene_pairs,
)
from pipeline.schema import CorpusAnnotation, CorpusRecord, CorpusRelation, Document, Section

runner = CliRunner()

# SCAI: (origId, sentences); a sentence is (text, entities, pairs); an entity (text, type), found in the text; a
# pair (first entity, second entity, interaction, type) by index in the sentence's entities.
GENE_PAIR = "Specific_miRNAs-Genes/Proteins"
SCAI_DOCUMENTS = [
    ("1001", [
        ("miR-21 directly targets PTEN in glioma cells. ",
         [("miR-21", "Specific_miRNAs"), ("PTEN", "Genes/Proteins"), ("glioma", "Diseases")],
         [(0, 1, "True", GENE_PAIR), (0, 2, "True", "Specific_miRNAs-Diseases")]),
        ("miR-34a targets SIRT1 in colon cancer cells. ",
         [("miR-34a", "Specific_miRNAs"), ("SIRT1", "Genes/Proteins")], [(0, 1, "False", GENE_PAIR)]),
        ("miR-21 was high while PTEN was not measured. ",
         [("miR-21", "Specific_miRNAs"), ("PTEN", "Genes/Proteins")], [(0, 1, "False", GENE_PAIR)]),
    ]),
    ("1002", [
        ("miR-221/222 target CDKN1B in breast cancer cells. ",
         [("miR-221/222", "Specific_miRNAs"), ("CDKN1B", "Genes/Proteins")], [(0, 1, "True", GENE_PAIR)]),
        ("miR-155 does not target SOCS1 in these cells. ",
         [("miR-155", "Specific_miRNAs"), ("SOCS1", "Genes/Proteins")], [(0, 1, "True", GENE_PAIR)]),
        ("miR-145 suppresses MYC in prostate cancer. ",
         [("miR-145", "Specific_miRNAs"), ("MYC", "Genes/Proteins")], []),
    ]),
    ("1003", [
        ("miR-9 and CDH1 were both measured in serum. ",
         [("miR-9", "Specific_miRNAs"), ("CDH1", "Genes/Proteins")], [(0, 1, "True", GENE_PAIR)]),
        ("miR-7 represses the ZQX-like factor in liver cells. ",
         [("miR-7", "Specific_miRNAs"), ("ZQX-like factor", "Genes/Proteins")], [(0, 1, "True", GENE_PAIR)]),
    ]),
]  # fmt: skip

# MMIC: one sentence a document, its miRNA and gene tagged inline, the pair labelled Positive or Negative.
MMIC_DOCUMENTS = [
    ("2001", "miR-21 directly targets PTEN in glioma cells.", "miR-21", "PTEN", "Positive"),
    ("2002", "miR-34a targets SIRT1 in colon cancer cells.", "miR-34a", "SIRT1", "Negative"),
    ("2003", "miR-155 does not target SOCS1 in these cells.", "miR-155", "SOCS1", "Positive"),
    ("2004", "miR-200c levels and ZEB1 levels were measured in serum.", "miR-200c", "ZEB1", "Negative"),
    # The second miR-9 is marked; the row of the sentence names the same pair from the first one.
    ("2005", "miR-9 directly targets CDX2, and miR-9 levels rose.", "miR-9", "CDX2", "Positive", 1),
]


def scai_xml() -> str:
    """SCAI's layout: sentences with their text, entities at inclusive sentence offsets, and pairs of entity ids."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>', '<corpus source="hand-made">']
    for d, (origin, sentences) in enumerate(SCAI_DOCUMENTS):
        lines.append(f'  <document id="c.d{d}" origId="{origin}">')
        for s, (text, entities, pairs) in enumerate(sentences):
            sid = f"c.d{d}.s{s}"
            lines.append(f'    <sentence id="{sid}" origId="{origin}.s{s}" text="{text}">')
            for e, (written, kind) in enumerate(entities):
                start = text.index(written)
                span = f"{start}-{start + len(written) - 1}"
                lines.append(f'      <entity charOffset="{span}" id="{sid}.e{e}" text="{written}" type="{kind}"/>')
            for p, (first, second, interaction, kind) in enumerate(pairs):
                ends = f'e1="{sid}.e{first}" e2="{sid}.e{second}"'
                lines.append(f'      <pair {ends} id="{sid}.p{p}" interaction="{interaction}" type="{kind}"/>')
            lines.append("    </sentence>")
        lines.append("  </document>")
    return "\n".join([*lines, "</corpus>"]) + "\n"


def _nth(text: str, part: str, n: int) -> int:
    """Where the n-th (from 0) occurrence of ``part`` starts in ``text``."""
    at = text.index(part)
    for _ in range(n):
        at = text.index(part, at + 1)
    return at


def mmic_xml() -> str:
    """MMIC's layout: one passage a document, its text with escaped inline tags that the offsets count."""
    lines = ['<?xml version="1.0" ?>', "<collection>"]
    for pmid, sentence, mirna, gene, label, *nth in MMIC_DOCUMENTS:
        at = _nth(sentence, mirna, nth[0] if nth else 0)
        tagged = sentence[:at] + f"<miRNA>{mirna}</miRNA>" + sentence[at + len(mirna) :]
        tagged = tagged.replace(gene, f"<Gene>{gene}</Gene>", 1)
        at_mirna = tagged.index(f"<miRNA>{mirna}") + len("<miRNA>")
        at_gene = tagged.index(f"<Gene>{gene}") + len("<Gene>")
        escaped = tagged.replace("<", "&amp;lt;").replace(">", "&amp;gt;")
        lines += [
            "   <document>", f"      <id>{pmid}</id>", "      <passage>", f"         <text>{escaped}</text>",
            '         <annotation id="1">', '            <infon key="type">miRNA</infon>',
            f'            <location offset="{at_mirna}" length="{len(mirna)}"/>', f"            <text>{mirna}</text>",
            "         </annotation>",
            '         <annotation id="2">', '            <infon key="type">mRNA</infon>',
            f'            <location offset="{at_gene}" length="{len(gene)}"/>', f"            <text>{gene}</text>",
            "         </annotation>",
            '         <annotation id="3">', f'            <infon key="relation">{label}</infon>',
            "         </annotation>",
            "      </passage>", "   </document>",
        ]  # fmt: skip
    return "\n".join([*lines, "</collection>"]) + "\n"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each fixture corpus (its file and the folder of `mirmine run` on it), written and run once per module."""
    folder = tmp_path_factory.mktemp("pairs")
    made = {}
    for name, text in (("scai", scai_xml()), ("mmic", mmic_xml())):
        gold, run = folder / f"{name}.xml", folder / f"{name}-run"
        gold.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["run", str(gold), "--out", str(run), "-q"])
        assert result.exit_code == 0, result.output
        made[name] = (gold, run)
    return made


@pytest.fixture(scope="module")
def reports(corpora: dict[str, tuple[Path, Path]]) -> dict[str, PairReport]:
    scored = {}
    for name, (path, run) in corpora.items():
        gold = read_corpus_gold(path)
        relations, mentions = read_pred_pairs(run, gold.records)
        scored[name] = score_gene_pairs(gold, relations, mentions, pair_convention(gold))
    return scored


@pytest.mark.parametrize(("corpus", "convention"), [("scai", DOCUMENT), ("mmic", MARKED)])
def test_the_convention_is_read_off_the_corpus(corpora, corpus: str, convention: str) -> None:
    assert pair_convention(read_corpus_gold(corpora[corpus][0])) == convention


def test_a_corpus_without_mirna_gene_relations_has_no_convention() -> None:
    text = "miR-21 targets PTEN."
    document = Document("d", text, (Section("abstract", 0, len(text)),), "test", "pubtator")
    annotations = (CorpusAnnotation(0, 6, "miR-21", "GeneOrGeneProduct", "406991"),)
    record = CorpusRecord(document, annotations, (CorpusRelation("Association", ("406991", "5728"), "Novel"),))
    assert pair_convention(CorpusGold(Path("g"), {"d": text}, {"d": record})) is None


CASES = [
    ("mmic", ("PMID:2001", "miR-21", "PTEN"), "tp", ""),
    ("mmic", ("PMID:2002", "miR-34a", "SIRT1"), "fp", "negative"),
    ("mmic", ("PMID:2003", "miR-155", "SOCS1"), "fn", "no_relation"),
    ("mmic", ("PMID:2004", "miR-200c", "ZEB1"), "tn", ""),
    ("mmic", ("PMID:2005", "miR-9", "CDX2"), "tp", ""),
    ("scai", ("PMID:1001", "miR-21", "PTEN"), "tp", ""),
    ("scai", ("PMID:1002", "miR-221", "CDKN1B"), "tp", ""),
    ("scai", ("PMID:1002", "miR-222", "CDKN1B"), "tp", ""),
    ("scai", ("PMID:1001", "miR-34a", "SIRT1"), "fp", "only_false"),
    ("scai", ("PMID:1002", "miR-145", "MYC"), "fp", "not_annotated"),
    ("scai", ("PMID:1002", "miR-155", "SOCS1"), "fn", "no_relation"),
    ("scai", ("PMID:1003", "miR-9", "CDH1"), "fn", "no_relation"),
    ("scai", ("PMID:1003", "miR-7", "zqx-like factor"), "fn", "unmatched_entity"),
]
CASE_IDS = [
    "mmic-true-positive", "mmic-false-hit-of-a-negative-pair", "mmic-negated-row-does-not-count", "mmic-true-negative",
    "mmic-row-on-another-mention-of-the-marked-pair",
    "scai-true-positive-also-false-in-another-sentence", "scai-enumeration-first-item", "scai-enumeration-second-item",
    "scai-false-hit-of-a-false-pair", "scai-false-hit-not-annotated", "scai-negated-row-does-not-count", "scai-miss",
    "scai-unmatched-entity-miss",
]  # fmt: skip


@pytest.mark.parametrize(("corpus", "key", "outcome", "reason"), CASES, ids=CASE_IDS)
def test_each_pair_has_its_outcome_and_reason(
    reports: dict[str, PairReport], corpus: str, key: tuple[str, str, str], outcome: str, reason: str
) -> None:
    pairs = reports[corpus].pairs
    found = [(kind, p.reason) for kind, listed in pairs.items() for p in listed if (p.doc_id, p.mirna, p.gene) == key]
    assert found == [(outcome, reason)]


# Pinned on the fixtures: (tp, fp, fn, tn) of the run, (tp, fp, fn) of the co-occurrence baseline, P and R of each.
PINNED = [
    ("mmic", (2, 1, 1, 1), (2 / 3, 2 / 3), (3, 2, 0), (0.6, 1.0)),
    ("scai", (3, 2, 3, None), (0.6, 0.5), (5, 2, 1), (5 / 7, 5 / 6)),
]


@pytest.mark.parametrize(("corpus", "counts", "scores", "baseline", "baseline_scores"), PINNED, ids=["mmic", "scai"])
def test_pinned_scores_and_baseline_on_the_fixtures(
    reports, corpus: str, counts: tuple, scores: tuple, baseline: tuple, baseline_scores: tuple
) -> None:
    report = reports[corpus]
    assert (report.score.tp, report.score.fp, report.score.fn, report.tn) == counts
    assert (report.score.precision, report.score.recall) == pytest.approx(scores)
    assert report.baseline == Score(*baseline)
    assert (report.baseline.precision, report.baseline.recall) == pytest.approx(baseline_scores)


def test_predicted_positives_are_counted_once_per_relation_label_of_their_rows() -> None:
    right = GenePair("d1", "miR-21", "PTEN", relations=("regulates", "targets"))
    wrong = GenePair("d2", "miR-34a", "SIRT1", "negative", relations=("targets",))
    report = PairReport(MARKED, {"tp": [right], "fp": [wrong], "fn": [], "tn": []}, Score(1, 1, 0))
    assert report.by_relation() == {"regulates": LabelCount(1, 1), "targets": LabelCount(2, 1)}


def test_a_false_hit_keeps_the_rule_and_the_sentence_of_its_row(reports) -> None:
    (hit,) = [p for p in reports["scai"].false_hits if p.mirna == "miR-145"]
    assert hit.rules and all(hit.rules) and hit.sentence == "miR-145 suppresses MYC in prostate cancer."


def test_evaluate_prints_the_relation_section_after_the_mention_scores(corpora) -> None:
    gold, run = corpora["scai"]
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(run), "--errors", "5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"mentions of 3 documents of {gold.name}, overlap match"
    start = lines.index("miRNA–gene relations (document pairs, SCAI convention): 6 gold, 5 predicted")
    assert lines[start + 2].split() == ["mirmine", "0.600", "0.500", "0.545", "3", "2", "3", "-"]
    assert lines[start + 3].split()[:4] == ["co-occurrence", "0.714", "0.833", "0.769"]
    assert "miRNA–gene relations: misses (3 of 3)" in lines and "miRNA–gene relations: false hits (2 of 2)" in lines
    assert "  PMID:1003\tmiR-7\tzqx-like factor\tunmatched_entity" in lines


def test_evaluate_json_has_the_relations_under_their_own_key(corpora) -> None:
    import json

    gold, run = corpora["mmic"]
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(run), "--json", "--errors", "1"])
    data = json.loads(result.stdout)
    assert "by_type" in data and data["relations"]["convention"] == MARKED
    expected = {"tp": 2, "fp": 1, "fn": 1, "tn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert data["relations"]["score"] == expected
    assert [p["doc_id"] for p in data["relations"]["misses"]] == ["PMID:2003"]


def test_an_unreadable_relations_table_leaves_the_mention_scores_and_says_why(corpora, tmp_path: Path) -> None:
    gold, run = corpora["mmic"]
    for table in run.iterdir():
        if table.is_file():
            (tmp_path / table.name).write_bytes(table.read_bytes())
    (tmp_path / "relations.tsv").write_text("doc_id\tmirna\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--pred", str(tmp_path), "--errors", "0"])
    assert result.exit_code == 0 and result.stdout.startswith(f"mentions of {len(MMIC_DOCUMENTS)} documents")
    assert "miRNA–gene relations (" not in result.stdout
    assert result.stderr.startswith("Warning: miRNA–gene relations not scored: ") and "relations.tsv" in result.stderr
