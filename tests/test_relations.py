"""The relation classifier on sentences written for these tests: each rule, each trap of the guidelines."""

from __future__ import annotations

import pytest

from pipeline.ingest import detect_sections
from pipeline.schema import Document, Relation


def relations_in(extractor, text: str) -> list[Relation]:
    document = Document("t", text, detect_sections(text), source="test", format="txt")
    return list(extractor(document).relations)


def triples(extractor, text: str) -> set[tuple[str, str, str]]:
    return {(r.mirna, r.relation, r.partner) for r in relations_in(extractor, text)}


FOUND = [
    pytest.param("miR-34a directly targets SIRT1 in colon cancer cells.", {("miR-34a", "targets", "SIRT1")}, id="directly-targets"),
    pytest.param("miR-15b suppressed BCL2 expression in gastric cancer.", {("miR-15b", "targets", "BCL2")}, id="suppresses"),
    pytest.param("miR-9 binds the 3'-UTR of CDH1 mRNA.", {("miR-9", "targets", "CDH1")}, id="binds-3utr"),
    pytest.param("CCND1 is a direct target of miR-193a.", {("miR-193a", "targets", "CCND1")}, id="target-of"),
    pytest.param(
        "miR-497 decreased the expression of IGF1R and VEGFA.",
        {("miR-497", "targets", "IGF1R"), ("miR-497", "targets", "VEGFA")},
        id="coordinated-genes",
    ),
    pytest.param("Knockdown of miR-21 increased PTEN protein levels.", {("miR-21", "targets", "PTEN")}, id="loss-raises-gene"),
    pytest.param("miR-34a sensitizes gastric cancer cells to cisplatin.", {("miR-34a", "sensitizes", "cisplatin")}, id="sensitizes"),
    pytest.param(
        "Overexpression of miR-200b reversed docetaxel resistance in lung cancer cells.",
        {("miR-200b", "sensitizes", "docetaxel")},
        id="reverses-resistance",
    ),
    pytest.param(
        "miR-143 enhanced the sensitivity of colon cancer cells to 5-FU.",
        {("miR-143", "sensitizes", "fluorouracil")},
        id="enhances-sensitivity",
    ),
    pytest.param("miR-27a potentiates the effect of paclitaxel.", {("miR-27a", "sensitizes", "paclitaxel")}, id="potentiates"),
    pytest.param(
        "miR-451 downregulation promotes gemcitabine resistance.",
        {("miR-451", "sensitizes", "gemcitabine")},
        id="loss-promotes-resistance",
    ),
    pytest.param("Reduced miR-34a induces cisplatin resistance.", {("miR-34a", "sensitizes", "cisplatin")}, id="reduced-mirna"),
    pytest.param(
        "miR-21 confers gemcitabine resistance in pancreatic cancer.",
        {("miR-21", "confers_resistance", "gemcitabine")},
        id="confers",
    ),
    pytest.param(
        "miR-155 decreased the sensitivity of breast cancer cells to tamoxifen.",
        {("miR-155", "confers_resistance", "tamoxifen")},
        id="decreases-sensitivity",
    ),
    pytest.param(
        "Silencing of miR-21 restored sensitivity to gemcitabine.",
        {("miR-21", "confers_resistance", "gemcitabine")},
        id="loss-restores-sensitivity",
    ),
    pytest.param(
        "Oxaliplatin resistance was reduced by ectopic expression of miR-122.",
        {("miR-122", "sensitizes", "oxaliplatin")},
        id="passive-agent",
    ),
    pytest.param(
        "MicroRNA-17 and microRNA-20a mediate cetuximab resistance in colon cancer.",
        {("miR-17", "confers_resistance", "cetuximab"), ("miR-20a", "confers_resistance", "cetuximab")},
        id="coordinated-mirnas",
    ),
    pytest.param(
        "miR-106b/25 mediates oxaliplatin resistance.",
        {("miR-106b", "confers_resistance", "oxaliplatin"), ("miR-25", "confers_resistance", "oxaliplatin")},
        id="enumeration",
    ),
    pytest.param(
        "miR-10b is associated with 5-FU resistance in colorectal cancer.",
        {("miR-10b", "associated", "fluorouracil")},
        id="associated-with",
    ),
    pytest.param(
        "miR-31 was upregulated in irinotecan-resistant HT-29 cells.",
        {("miR-31", "associated", "irinotecan")},
        id="expression-in-resistant-cells",
    ),
    pytest.param(
        "miR-145 enhances the sensitivity of HCT116 cells to oxaliplatin by increasing the expression of CDH1 "
        "while reducing the expression of MYC and ZEB2.",
        {
            ("miR-145", "sensitizes", "oxaliplatin"), ("miR-145", "regulates", "CDH1"), ("miR-145", "targets", "MYC"),
            ("miR-145", "targets", "ZEB2"),
        },
        id="pairing-by-nearest-cue",
    ),
    pytest.param(
        "Overexpression of miR-18a increases sensitivity to the MEK inhibitor trametinib.",
        {("miR-18a", "sensitizes", "trametinib")},
        id="class-naming-a-drug",
    ),
    pytest.param(
        "Cells resistant to adriamycin (ADR) were studied. miR-298 increased the sensitivity of the cells to ADR.",
        {("miR-298", "sensitizes", "doxorubicin")},
        id="abbreviation-resolved",
    ),
    pytest.param(
        "Loss of miR-200c induced chemotherapeutic resistance in ovarian cancer.",
        {("miR-200c", "sensitizes", "chemotherapy")},
        id="chemotherapeutic-adjective",
    ),
    pytest.param(
        "miR-328 directly targets breast cancer resistance protein in MCF-7 cells.",
        {("miR-328", "targets", "ABCG2")},
        id="protein-long-name",
    ),
    pytest.param(
        "miR-200b and miR-429 were low in resistant cells. Restoring these miRNAs sensitized the cells to docetaxel.",
        {("miR-200b", "sensitizes", "docetaxel"), ("miR-429", "sensitizes", "docetaxel")},
        id="these-mirnas",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_relations_found(extractor, text: str, expected: set) -> None:
    assert triples(extractor, text) == expected


NOT_RELATIONS = [
    pytest.param("miR-21 promotes invasion through PTEN.", id="through"),
    pytest.param("The miR-155/SOCS1 axis controls proliferation.", id="axis-without-verb"),
    pytest.param("Exosomes targeted to EGFR deliver miR-34a to tumour cells.", id="exosomes-targeted-to"),
    pytest.param("LINC00473-expressing cells resist cisplatin by sponging miR-15a.", id="lncrna-as-modifier"),
    pytest.param("Identification of targets of miR-375 in tamoxifen-resistant breast cancer.", id="identification-of-targets"),
    pytest.param("The expression of miR-21 in gemcitabine-resistant cells was measured by qPCR.", id="methods"),
]


@pytest.mark.parametrize("text", NOT_RELATIONS)
def test_not_a_relation(extractor, text: str) -> None:
    assert triples(extractor, text) == set()


def test_a_class_naming_a_drug_hides_the_genes_in_its_name(extractor) -> None:
    found = triples(extractor, "Overexpression of miR-3613 enhances the sensitivity of cells to the CDK4/6 inhibitor palbociclib.")
    assert {partner for _, _, partner in found} == {"palbociclib"}


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("miR-30a did not reverse cisplatin resistance.", True),
        ("miR-200c failed to sensitize cells to erlotinib.", True),
        ("miR-30a reversed cisplatin resistance.", False),
    ],
    ids=["did-not", "failed-to", "affirmed"],
)
def test_negation(extractor, text: str, negated: bool) -> None:
    (relation,) = relations_in(extractor, text)
    assert relation.negated is negated


@pytest.mark.parametrize(
    ("text", "hedged"),
    [("miR-21 may confer resistance to gemcitabine.", True), ("miR-21 confers resistance to gemcitabine.", False)],
    ids=["may", "plain"],
)
def test_hedging(extractor, text: str, hedged: bool) -> None:
    (relation,) = relations_in(extractor, text)
    assert relation.hedged is hedged


# The confidence a curator sorts by comes from rules/relation_rules.jsonl: the role of the deciding cue, less for a
# loss-flipped effect, `these miRNAs` and a hedge; a table row has its own.
CONFIDENCES = [
    ("miR-21 confers resistance to gemcitabine in PANC-1 cells.", "cue.direction.up", 0.85),
    ("miR-21 may confer resistance to gemcitabine in PANC-1 cells.", "cue.direction.up", 0.75),
    ("Knockdown of miR-21 reduced resistance to gemcitabine.", "cue.direction.down+loss", 0.80),
    ("miR-200c sensitizes cells to erlotinib.", "cue.sensitize", 0.90),
    ("miR-21 is involved in gemcitabine resistance.", "cue.associate", 0.65),
    ("miR-145 directly targets MUC1.", "cue.gene.repress", 0.90),
    ("miR-145 inhibits the expression of MUC1.", "cue.gene.repress_weak", 0.80),
    ("MUC1 is a direct target of miR-145.", "cue.gene.target_of", 0.85),
    ("Both miR-21 and miR-155 were measured. These miRNAs conferred resistance to gemcitabine.",
     "coref.these_mirnas+cue.direction.up", 0.60),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rule", "confidence"), CONFIDENCES, ids=[rule for _, rule, _ in CONFIDENCES])
def test_a_relation_gets_the_confidence_of_its_rule(extractor, text: str, rule: str, confidence: float) -> None:
    found = {(r.rule, r.confidence) for r in relations_in(extractor, text)}
    assert found == {(rule, confidence)}


def test_a_relation_carries_the_spans_of_its_own_mentions(extractor) -> None:
    """Two mentions of the same miRNA: the relation names the one that acts, the partner the one it acts on."""
    text = "miR-21 was measured in PANC-1 cells, and miR-21 confers resistance to gemcitabine."
    (relation,) = relations_in(extractor, text)
    assert text[relation.mirna_start : relation.mirna_end] == "miR-21" and relation.mirna_start == text.rindex("miR-21")
    assert text[relation.partner_start : relation.partner_end] == "gemcitabine"


def test_a_relation_carries_cell_lines_rule_and_confidence(extractor) -> None:
    (relation,) = relations_in(extractor, "miR-21 confers gemcitabine resistance in PANC-1 and MIA PaCa-2 cells.")
    assert relation.cell_lines == ("MIA PaCa-2", "PANC-1")
    assert relation.rule == "cue.direction.up" and 0 < relation.confidence <= 1


def test_a_negated_relation_stays_out_of_the_table(extractor) -> None:
    from pipeline.output import aggregate_table

    relations = relations_in(extractor, "miR-30a did not reverse cisplatin resistance.")
    assert [(r.mirna, r.relation, r.partner, r.negated) for r in relations] == [("miR-30a", "sensitizes", "cisplatin", True)]
    assert aggregate_table(relations) == []


TABLE = (
    "A title about miRNAs and drugs\n\n"
    "Table 2: miRNAs and drug response in colon cancer.\n\n"
    "Drug\tmiRNA\tRef\n"
    "Oxaliplatin\tmiR-21, miR-155/222\t[1, 2]\n"
    "Capecitabine\tmiRNAs-181a/b or let-7g\t[3]\n"
)


def test_table_rows_give_one_relation_per_pair(extractor) -> None:
    found = {(r.partner, r.mirna, r.relation, r.section) for r in relations_in(extractor, TABLE)}
    assert found == {
        ("oxaliplatin", "miR-21", "associated", "table"),
        ("oxaliplatin", "miR-155", "associated", "table"),
        ("oxaliplatin", "miR-222", "associated", "table"),
        ("capecitabine", "miR-181a", "associated", "table"),
        ("capecitabine", "miR-181b", "associated", "table"),
        ("capecitabine", "let-7g", "associated", "table"),
    }


def test_a_table_row_takes_its_rule_and_confidence_from_the_table_rule(extractor, tmp_path) -> None:
    """A copy of the rules with another confidence for `table.row`: the table's relations carry it."""
    import json
    import shutil

    from pipeline.extract import annotate
    from pipeline.relations import relation_rules, table_relations
    from pipeline.ruleset import RelationRule, default_rules_dir, load_ruleset

    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("*.py", "*.tsv", "__pycache__"))
    path = folder / RelationRule.FILE
    lines = [
        json.dumps({"id": "table.row", "kind": "table_row", "confidence": 0.55}) if '"table.row"' in line else line
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = Document("t", TABLE, detect_sections(TABLE), source="test", format="txt")
    doc = annotate(document, extractor.nlp)
    sentences = [(sent.start_char, sent.end_char) for sent in doc.sents]
    found = table_relations(document, sentences, extractor(document).mentions, relation_rules(load_ruleset(folder)))
    assert found and {(r.rule, r.confidence) for r in found} == {("table.row", 0.55)}


def test_a_table_caption_with_a_direction_sets_the_relation(extractor) -> None:
    text = TABLE.replace("miRNAs and drug response in colon cancer", "miRNAs that confer resistance to chemotherapy")
    assert {r.relation for r in relations_in(extractor, text)} == {"confers_resistance"}


def test_a_long_name_before_a_gene_cue_is_classified_at_once(extractor) -> None:
    """Regression: a nested quantifier in a cue backtracked for minutes over a long masked mention."""
    import signal

    def too_slow(signum, frame):  # pragma: no cover - only on a regression
        raise TimeoutError("a relation cue backtracks catastrophically")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    try:
        text = (
            "miR-128 suppresses nuclear factor erythroid 2-related factor 2 and insulin-like growth factor 1 receptor "
            "and epidermal growth factor receptor expression in colon cancer cells."
        )
        assert ("miR-128", "targets", "EGFR") in triples(extractor, text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


NECESSARY = [
    pytest.param(r"\bfoo\b", ("foo",), id="literal"),
    pytest.param(r"\b(?:chemo-?|drug-?)?resistan(?:ce|t)\b|\brefractory\b", ("refractory", "resistan"), id="branches"),
    pytest.param(r"(?:x|yy)+zzz", ("zzz",), id="longest-mandatory-run"),
    pytest.param(r"a?b?c", None, id="only-optional-or-short"),
    pytest.param(r"abc|d", None, id="a-branch-without-a-literal"),
    pytest.param(r"\bUTR\b", ("utr",), id="lower-cased-for-the-masked-sentence"),
]


@pytest.mark.parametrize(("pattern", "expected"), NECESSARY)
def test_necessary_substrings_of_a_cue_pattern(pattern: str, expected) -> None:
    from pipeline.ruleset import necessary_substrings

    assert necessary_substrings(pattern) == expected


def test_the_cue_prefilter_never_drops_a_cue() -> None:
    """Every cue rule finds the same matches with and without its substring prefilter, on sentences of every kind."""
    from pipeline.relations import CueSet, relation_rules
    from pipeline.ruleset import CueRule, load_ruleset

    from conftest import CORPUS

    cues = relation_rules(load_ruleset()).cues
    unfiltered = CueSet(load_ruleset().rules(CueRule), prefilter=False)
    sentences = [param.values[0].lower() for param in FOUND]
    for path in sorted(CORPUS.glob("*.txt")):
        sentences += path.read_text(encoding="utf-8").lower().split(". ")
    assert sum(needs is not None for *_, needs in cues.searched) >= len(cues.searched) // 2
    for sentence in sentences:
        assert cues.find(sentence) == unfiltered.find(sentence), sentence
