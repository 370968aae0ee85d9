"""The miRNA grammar (rules/mirna.jsonl), the rule loaders, and the match keys and flags of lexicon terms."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.mentions import load_lexicon
from pipeline.normalize import NO_DRUGBANK_ID, WEAK_SHORT, MirnaGrammar, key_text, mirna_grammar, normalize_mirna
from pipeline.ruleset import RULE_CLASSES, MirnaRule, RuleError, default_rules_dir, load_ruleset


FOUND = [
    ("miR-21 is up", [("miR-21", "miR-21")]),
    ("MicroRNA-221/222 confers", [("MicroRNA-221", "miR-221"), ("222", "miR-222")]),
    ("miRNAs-181a/b as biomarkers", [("miRNAs-181a", "miR-181a"), ("b", "miR-181b")]),
    ("miR-200b/c levels", [("miR-200b", "miR-200b"), ("c", "miR-200c")]),
    ("miR-132/212 through", [("miR-132", "miR-132"), ("212", "miR-212")]),
    ("miRNA181a and miRNA22", [("miRNA181a", "miR-181a"), ("miRNA22", "miR-22")]),
    ("Let-7i and let-7g-5p", [("Let-7i", "let-7i"), ("let-7g-5p", "let-7g-5p")]),
    ("hsa-miR-126-3p was", [("hsa-miR-126-3p", "miR-126-3p")]),
    ("mmu-mir-155 in mice", [("mmu-mir-155", "miR-155")]),
    ("miR-125b-2-3p arm", [("miR-125b-2-3p", "miR-125b-2-3p")]),
    ("the miR-17-92 cluster", [("miR-17-92", "miR-17~92")]),
    ("miR-106b~25", [("miR-106b~25", "miR-106b~25")]),
    ("miR-21, -155 and -222 rose", [("miR-21", "miR-21"), ("-155", "miR-155"), ("-222", "miR-222")]),
    ("miR-106b, -93, and -25", [("miR-106b", "miR-106b"), ("-93", "miR-93"), ("-25", "miR-25")]),
    (
        "miRNAs (let-7c, 21, 26a, 146a) were",
        [("let-7c", "let-7c"), ("21", "miR-21"), ("26a", "miR-26a"), ("146a", "miR-146a")],
    ),
    ("miRNAs (let-7c, 21, 26a and 146a)", [("let-7c", "let-7c"), ("21", "miR-21"), ("26a", "miR-26a"), ("146a", "miR-146a")]),
    ("Mir-452 causes", [("Mir-452", "miR-452")]),
    ("MiR-487a resensitizes", [("MiR-487a", "miR-487a")]),
    ("miR-21-5p/3p ratio", [("miR-21-5p", "miR-21-5p"), ("3p", "miR-21-3p")]),
    ("miR-155-5p/miR-21-3p", [("miR-155-5p", "miR-155-5p"), ("miR-21-3p", "miR-21-3p")]),
    ("the miR-21/PTEN/AKT axis", [("miR-21", "miR-21")]),
    ("c-myc/miR-29b-3p/CDK6 axis", [("miR-29b-3p", "miR-29b-3p")]),
    ("miR-21-mediated resistance", [("miR-21", "miR-21")]),
    ("anti-miR-21 oligos", [("miR-21", "miR-21")]),
    ("miR-21* strand", [("miR-21*", "miR-21*")]),
    ("microRNA21 and miR21", [("microRNA21", "miR-21"), ("miR21", "miR-21")]),
]

NOT_MIRNA = [
    "MicroRNAs (miRNAs) are small",
    "the microRNA-mediated silencing",
    "to form the RNA-induced silencing complex (miRISC)",
    "the MIR21 locus and MIRO1",
    "LINC00968 and lncRNA-HOTAIR",
    "expression of 84 miRNAs (n = 84)",
    "miRNAs (1, 2)",
    "mirror-image",
    "admiR-21x",
]


@pytest.mark.parametrize(("text", "expected"), FOUND, ids=[case[0] for case in FOUND])
def test_grammar_finds_and_normalizes(text: str, expected: list[tuple[str, str]]) -> None:
    found = [(text[m.start : m.end], m.norm) for m in mirna_grammar(load_ruleset()).find(text)]
    assert found == expected


@pytest.mark.parametrize("text", NOT_MIRNA)
def test_grammar_ignores_what_is_not_a_mirna(text: str) -> None:
    assert mirna_grammar(load_ruleset()).find(text) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("miR-21", "mirna.name"),
        ("let-7a", "mirna.let7"),
        ("miR-17-92 cluster", "mirna.cluster"),
        ("miR-221/222", "mirna.slash_item"),
        ("miR-21, -155", "mirna.ellipsis_item"),
        ("miR-21, 155", "mirna.bare_item"),
        ("let-7a, 7b", "mirna.let7_item"),
        ("miRNAs (21, 26a)", "mirna.paren_list"),
    ],
)
def test_every_match_names_its_rule(text: str, rule: str) -> None:
    assert mirna_grammar(load_ruleset()).find(text)[-1].rule == rule


# Bare items in a list after a name (rules/mirna.jsonl `mirna.bare_item`, `mirna.let7_item`): each item's mention is
# what is written, its norm the full name. Every sentence is written here for the test.
BARE_ITEMS = [
    pytest.param("Serum miR-92a, 19a, 29a and 135b rose after surgery.",
                 [("miR-92a", "miR-92a"), ("19a", "miR-19a"), ("29a", "miR-29a"), ("135b", "miR-135b")], id="letters"),
    pytest.param("Members of the family (miR-17, 20a, 106b) were measured.",
                 [("miR-17", "miR-17"), ("20a", "miR-20a"), ("106b", "miR-106b")], id="letters-in-brackets"),
    pytest.param("Levels of miR-192, 194, 215 and 375 fell in the tumours.",
                 [("miR-192", "miR-192"), ("194", "miR-194"), ("215", "miR-215"), ("375", "miR-375")],
                 id="multi-digit-numbers"),
    pytest.param("Both miR-186 and 326 predicted relapse.", [("miR-186", "miR-186"), ("326", "miR-326")],
                 id="one-number-then-verb"),
    pytest.param("miR-21 and 155 target PTEN.", [("miR-21", "miR-21"), ("155", "miR-155")], id="then-verb-target"),
    pytest.param("miR-21 and 155 control growth.", [("miR-21", "miR-21"), ("155", "miR-155")], id="then-verb-control"),
    pytest.param("miR-21-5p, 19a-5p and 155-3p were sequenced.",
                 [("miR-21-5p", "miR-21-5p"), ("19a-5p", "miR-19a-5p"), ("155-3p", "miR-155-3p")], id="arms-kept"),
    pytest.param("We measured miR-15a, 16-1 and 195 in sera.",
                 [("miR-15a", "miR-15a"), ("16-1", "miR-16-1"), ("195", "miR-195")], id="copy-number-kept"),
    pytest.param("The mimics of miR-21, 9-3p and 7-5p were pooled.",
                 [("miR-21", "miR-21"), ("9-3p", "miR-9-3p"), ("7-5p", "miR-7-5p")], id="one-digit-with-arm"),
    pytest.param("Seed matches for miR-1283, 1303 and 1246 were found.",
                 [("miR-1283", "miR-1283"), ("1303", "miR-1303"), ("1246", "miR-1246")], id="four-digits-not-a-year"),
    pytest.param("Loss of miR-34a, 34b/c was frequent.",
                 [("miR-34a", "miR-34a"), ("34b", "miR-34b"), ("c", "miR-34c")], id="slash-after-a-bare-item"),
    pytest.param("Panels of miR-10b, -18a, 21, -22 and -29c were compared.",
                 [("miR-10b", "miR-10b"), ("-18a", "miR-18a"), ("21", "miR-21"), ("-22", "miR-22"), ("-29c", "miR-29c")],
                 id="mixed-with-elliptic-items"),
    pytest.param("We found miR-143, 145, and 155.",
                 [("miR-143", "miR-143"), ("145", "miR-145"), ("155", "miR-155")], id="serial-comma-and"),
    pytest.param("Either miR-200a or 141 was enough.", [("miR-200a", "miR-200a"), ("141", "miR-141")], id="or"),
    pytest.param("A panel of miR-30c, 30d and 125b.",
                 [("miR-30c", "miR-30c"), ("30d", "miR-30d"), ("125b", "miR-125b")], id="letter-d-is-a-miRNA-letter"),
    pytest.param("A panel of miR-30c,30d,125b.",
                 [("miR-30c", "miR-30c"), ("30d", "miR-30d"), ("125b", "miR-125b")], id="comma-without-space-letters"),
    pytest.param("Repression of let-7a, 7b and 7c was seen.",
                 [("let-7a", "let-7a"), ("7b", "let-7b"), ("7c", "let-7c")], id="let-7-bare-letters"),
    pytest.param("Repression of let-7a, -7d and -7g-5p was seen.",
                 [("let-7a", "let-7a"), ("-7d", "let-7d"), ("-7g-5p", "let-7g-5p")], id="let-7-elliptic"),
]

# Near misses: what follows a name in these sentences is a quantity, a reference, a year, a count or another word.
BARE_NEAR_MISSES = [
    pytest.param("Cells received miR-21, 2 h later the drug.", ["miR-21"], id="hours-one-digit"),
    pytest.param("Cells received miR-21, 24 h later the drug.", ["miR-21"], id="hours-two-digits"),
    pytest.param("Cells received miR-21, 24, 48 and 72 h before lysis.", ["miR-21"], id="run-of-times"),
    pytest.param("Cells got miR-21, 10 μM cisplatin or both.", ["miR-21"], id="concentration"),
    pytest.param("Cells got miR-21, 10 to 20 nM of each.", ["miR-21"], id="concentration-range-to"),
    pytest.param("Cells got miR-21, 10–20 nM of each.", ["miR-21"], id="concentration-range-dash"),
    pytest.param("Levels of miR-21 (Fig. 2a, 3b) rose.", ["miR-21"], id="figure-panels"),
    pytest.param("We tested miR-21, 5 patients had it.", ["miR-21"], id="patients-one-digit"),
    pytest.param("We tested miR-21, 25 patients had it.", ["miR-21"], id="patients-two-digits"),
    pytest.param("We tested miR-21 in 2018 and miR-155, 2019.", ["miR-21", "miR-155"], id="year"),
    pytest.param("High miR-21, 95% CI 1.2-3.4, meant worse survival.", ["miR-21"], id="percent"),
    pytest.param("High miR-21, 95 % of cases, meant worse survival.", ["miR-21"], id="percent-spaced"),
    pytest.param("High miR-21, 19 of 20 tumours, meant relapse.", ["miR-21"], id="count-of"),
    pytest.param("High miR-21, 19/20 tumours, meant relapse.", ["miR-21"], id="fraction-of-tumours"),
    pytest.param("Besides miR-21, 28 miRNAs changed.", ["miR-21"], id="count-of-miRNAs"),
    pytest.param("Besides miR-21 and 30 other miRNAs, none changed.", ["miR-21"], id="count-other"),
    pytest.param("High miR-196a, 12.5 months median survival.", ["miR-196a"], id="decimal"),
    pytest.param("High miR-31, 8-fold over normal.", ["miR-31"], id="fold-one-digit"),
    pytest.param("High miR-31, 12-fold over normal.", ["miR-31"], id="fold-two-digits"),
    pytest.param("A site between miR-337 and 3'UTR ends.", ["miR-337"], id="three-prime-UTR"),
    pytest.param("Cells got miR-21 and 17-AAG together.", ["miR-21"], id="drug-code-with-dash"),
    pytest.param("Cells got miR-21 and 17β-estradiol together.", ["miR-21"], id="greek-letter-after-number"),
    pytest.param("As shown for miR-21,12 the levels rose.", ["miR-21"], id="glued-reference"),
    pytest.param("PTEN, 19a and AKT were studied.", [], id="after-a-gene"),
    pytest.param("Cisplatin, 19a and 21 were studied.", [], id="after-a-drug"),
    pytest.param("Cells got miR-21, 48h later the drug.", ["miR-21"], id="glued-hours"),
    pytest.param("Cells got miR-21 and 2a was not tested.", ["miR-21"], id="one-digit-with-letter"),
    pytest.param("Cells got miR-21 and 9 days of drug.", ["miR-21"], id="one-digit"),
    pytest.param("In 1,200 cases miR-21, 1,200 times.", ["miR-21"], id="thousands"),
    pytest.param("Levels of let-7a, 7 days later, fell.", ["let-7a"], id="let-7-then-days"),
    pytest.param("Levels of let-7a, 21 and 155 fell.", ["let-7a"], id="let-7-list-reads-only-let-7-items"),
]


@pytest.mark.parametrize(("text", "expected"), BARE_ITEMS)
def test_a_list_reads_bare_items_after_a_name(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[m.start : m.end], m.norm) for m in mirna_grammar(load_ruleset()).find(text)] == expected


@pytest.mark.parametrize(("text", "expected"), BARE_NEAR_MISSES)
def test_a_number_after_a_name_that_is_no_list_item_is_no_mirna(text: str, expected: list[str]) -> None:
    assert [text[m.start : m.end] for m in mirna_grammar(load_ruleset()).find(text)] == expected


# Spellings of one name (rules/mirna.jsonl `mirna.fragment.sep`, `.start`, `.stem`, `mirna.name`): a space or the
# stem's abbreviation in place of the hyphen, a glued precursor prefix, a capital letter, a copy number glued to the
# letter. Every sentence is written here for the test.
SPELLINGS = [
    pytest.param("Serum miR 155 rose.", [("miR 155", "miR-155")], id="space-miR"),
    pytest.param("Loss of microRNA 34a was seen.", [("microRNA 34a", "miR-34a")], id="space-microRNA-letter"),
    pytest.param("High miRNA 21 predicted relapse.", [("miRNA 21", "miR-21")], id="space-miRNA"),
    pytest.param("Micro-RNA-205 levels fell.", [("Micro-RNA-205", "miR-205")], id="hyphenated-Micro-RNA"),
    pytest.param("A micro RNA-146a loop.", [("micro RNA-146a", "miR-146a")], id="spaced-micro-RNA"),
    pytest.param("Both microRNAs 146a and 147b rose.", [("microRNAs 146a", "miR-146a"), ("147b", "miR-147b")],
                 id="plural-space-list-letters"),
    pytest.param("Both microRNAs 222 and 339 rose.", [("microRNAs 222", "miR-222"), ("339", "miR-339")],
                 id="plural-space-list-numbers"),
    pytest.param("A brain microRNA (miRNA)-146a rose.", [("microRNA (miRNA)-146a", "miR-146a")], id="abbreviation-inside"),
    pytest.param("We measured miRNA (miR)-223 in mice.", [("miRNA (miR)-223", "miR-223")], id="short-abbreviation-inside"),
    pytest.param("Cells got premiR-21 or a control.", [("miR-21", "miR-21")], id="glued-precursor"),
    pytest.param("Cells got pre-miR-21 or a control.", [("miR-21", "miR-21")], id="hyphenated-precursor"),
    pytest.param("Processing of primiR-155 stalled.", [("miR-155", "miR-155")], id="glued-primary-transcript"),
    pytest.param("Cells lacking mir143B grew.", [("mir143B", "miR-143b")], id="glued-capital-letter"),
    pytest.param("Low miR-181A in tumours.", [("miR-181A", "miR-181a")], id="capital-letter"),
    pytest.param("Low miR-21-5P in tumours.", [("miR-21-5P", "miR-21-5p")], id="capital-arm"),
    pytest.param("Low let-7A in tumours.", [("let-7A", "let-7a")], id="let-7-capital-letter"),
    pytest.param("The miR125B1 locus was cut.", [("miR125B1", "miR-125b-1")], id="copy-glued-to-capital"),
    pytest.param("Serum miR-26a2* rose.", [("miR-26a2*", "miR-26a-2*")], id="copy-glued-star"),
    pytest.param("Worm cel-miR-67 served as control.", [("cel-miR-67", "miR-67")], id="worm-species-prefix"),
    pytest.param("The miR-183~96~182 cluster rose.", [("miR-183~96~182", "miR-183~182")], id="three-member-cluster"),
    pytest.param("The miR-106B-25 cluster rose.", [("miR-106B-25", "miR-106b~25")], id="cluster-capital-letter"),
    pytest.param("Carriers of hsa-mir-499A>G fared worse.", [("hsa-mir-499", "miR-499")], id="allele-after-number"),
    pytest.param("Carriers of mir-146aC>G fared worse.", [("mir-146a", "miR-146a")], id="allele-after-letter"),
]

# Near misses: a version, a time, a year, a count, a one-digit number after a space; host genes; genes after a slash.
SPELLING_NEAR_MISSES = [
    pytest.param("Arrays (miRNA 3.0 Array) were read.", [], id="version-number"),
    pytest.param("Plasma miRNA 14 days after surgery.", [], id="space-then-days"),
    pytest.param("The miRNA 2019 release.", [], id="space-then-year"),
    pytest.param("Of these miRNAs 25 were up.", [], id="plural-space-count"),
    pytest.param("A microRNA 5 probe.", [], id="space-then-one-digit"),
    pytest.param("A microRNA 12-fold higher.", [], id="space-then-fold"),
    pytest.param("MIR155HG and miR31HG are host genes.", [], id="host-genes"),
    pytest.param("The pre-miRNA and premiRNAs were cut.", [], id="precursor-without-number"),
    pytest.param("Its miR-21/c-Myc axis.", [("miR-21", "miR-21")], id="slash-then-c-Myc"),
    pytest.param("Its miR-200a/E-cadherin axis.", [("miR-200a", "miR-200a")], id="slash-then-E-cadherin"),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS + SPELLING_NEAR_MISSES)
def test_a_name_is_read_in_its_other_spellings(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[m.start : m.end], m.norm) for m in mirna_grammar(load_ruleset()).find(text)] == expected


# Enumerations (`mirna.slash_item`, `mirna.ellipsis_item`, `mirna.bare_item`): a copy number stays on its item, an arm
# on the last item of a slash run is shared by the items before it that have none.
ENUMERATIONS = [
    pytest.param("Low miR-30a/d-3p in sera.", [("miR-30a", "miR-30a-3p"), ("d-3p", "miR-30d-3p")], id="shared-arm-letter"),
    pytest.param("Low miR-221/222-3p in sera.", [("miR-221", "miR-221-3p"), ("222-3p", "miR-222-3p")],
                 id="shared-arm-number"),
    pytest.param("Low miR-30a/b/c-5p in sera.", [("miR-30a", "miR-30a-5p"), ("b", "miR-30b-5p"), ("c-5p", "miR-30c-5p")],
                 id="shared-arm-three"),
    pytest.param("Low miR-34a, 34b/c-5p in sera.", [("miR-34a", "miR-34a"), ("34b", "miR-34b-5p"), ("c-5p", "miR-34c-5p")],
                 id="shared-arm-only-in-its-slash-run"),
    pytest.param("Low miR-21-5p/155-3p in sera.", [("miR-21-5p", "miR-21-5p"), ("155-3p", "miR-155-3p")],
                 id="own-arms-kept"),
    pytest.param("Low miR-21*/155-3p in sera.", [("miR-21*", "miR-21*"), ("155-3p", "miR-155-3p")], id="star-kept"),
    pytest.param("The miR-29a/b-1 cluster.", [("miR-29a", "miR-29a"), ("b-1", "miR-29b-1")], id="slash-letter-copy"),
    pytest.param("The miR-15a/16-1 cluster.", [("miR-15a", "miR-15a"), ("16-1", "miR-16-1")], id="slash-number-copy"),
    pytest.param("Both miR-372c and 373b rose.", [("miR-372c", "miR-372c"), ("373b", "miR-373b")], id="bare-letters"),
    pytest.param("Both miR-17a, -17b-1, and -20 rose.",
                 [("miR-17a", "miR-17a"), ("-17b-1", "miR-17b-1"), ("-20", "miR-20")], id="elliptic-copy"),
    pytest.param("Both miR-21-5p and -3p rose.", [("miR-21-5p", "miR-21-5p"), ("-3p", "miR-21-3p")], id="elliptic-other-arm"),
    pytest.param("Both miR-222 and -339 rose.", [("miR-222", "miR-222"), ("-339", "miR-339")], id="elliptic-number-not-an-arm"),
]


@pytest.mark.parametrize(("text", "expected"), ENUMERATIONS)
def test_an_enumeration_keeps_copies_and_shares_a_final_arm(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[m.start : m.end], m.norm) for m in mirna_grammar(load_ruleset()).find(text)] == expected


def test_normalize_mirna_expands_an_enumeration() -> None:
    assert normalize_mirna("microRNA-221/222") == ["miR-221", "miR-222"]


# Texts for the head scan: every case, species and stem spelling, a name at the very start or end, names right
# after a word or another name, and a text whose lower case is longer than itself (the scan falls back to finditer).
HEAD_SCAN_TEXTS = [
    "MIR21 and MIR-21 near the MIR-155 host gene",
    "microRNA-155, MicroRNA155 and MICRORNA-155 rose",
    "hsa-let-7a-5p, mmu-LET-7b, rno-Let7c and LET-7d*",
    "kshv-miR-12, ebv-miR-10 and hcmv-mir-112 in infected cells",
    "miR-221/222, miRNA-17~92, mir-106b-25 and the miR-17-92   cluster",
    "miRNAs (21, 155 and let-7c) and miRs (17, 92a)",
    "the miR-21, -155 and -222 trio",
    "miR-92a, 19a, 29a and 135b; miR-192, 194 and 375-3p; miR-15b, -16, 21, -22 and 34b/c",
    "let-7a, 7b and -7c; hsa-let-7d, 7e-5p or 7f",
    "miR-21, 24, 48 and 72 h; miR-21, 95% CI; miR-155, 2019; miR-21,12",
    "miR-9",
    "hsa-miR-1",
    "(hsa-mir-1)/xmiR-2/hsa-hsa-miR-3/-miR-4/ssc-miR-5a-3p",
    "mirror mi mir- miR miRNA microRNAs",
    "İstanbul cohort: miR-21 and hsa-let-7g",
    "Kelvin K, ſ and miR-22",
    "micro RNA-146a, Micro-RNA-205, miR 155, miRNA 3.0 and microRNAs 222 and 339",
    "premiR-21, pri-miR-155, primiR-9 and microRNA (miRNA)-146a; miRNA  (miR)-223",
    "cel-miR-67, mir143B, miR125B1, let-7A and miR-183~96~182",
]


@pytest.mark.parametrize("text", HEAD_SCAN_TEXTS)
def test_the_head_scan_finds_what_a_full_scan_finds(text: str) -> None:
    """Trying each rule only near its literal heads (`mir`, `microrna`, `let`) loses no match and adds none."""
    grammar = mirna_grammar(load_ruleset())
    full_scan = MirnaGrammar(load_ruleset().rules(MirnaRule))
    for scan in [scan for _, scan, _ in full_scan._whole] + [full_scan._paren]:
        scan.heads = ()  # no heads: the plain finditer over the whole text
    assert all(scan.heads for _, scan, _ in grammar._whole)
    assert grammar.find(text) == full_scan.find(text)
    assert grammar.find(text + " " + text) == full_scan.find(text + " " + text)


def _rules_dir_with(tmp_path: Path, lines: list[str]) -> Path:
    (tmp_path / "mirna.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def _shipped_lines() -> list[str]:
    return (default_rules_dir() / "mirna.jsonl").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda lines: lines + ["{not json"], "not valid JSON"),
        (lambda lines: lines + ['{"id": "x.y", "kind": "name"}'], r"missing key\(s\) pattern"),
        (lambda lines: lines + [lines[-1]], "duplicate rule id"),
        (lambda lines: ["// only a comment"], "yields no rules"),
        (lambda lines: [line for line in lines if '"kind": "let7"' not in line], r"no rule of kind\(s\) let7"),
        (lambda lines: lines + [json.dumps({"id": "bad", "kind": "name", "pattern": "(unclosed"})], "not a valid regex"),
        (lambda lines: [line.replace('"QUANTITY", "pattern": "', '"QUANTITY", "pattern": "{QUANTITY}') for line in lines],
         r"fragment \{QUANTITY\} uses itself"),
    ],
    ids=["bad-json", "missing-key", "duplicate-id", "empty", "missing-kind", "bad-regex", "fragment-loop"],
)
def test_a_broken_rule_file_is_reported_with_its_place(tmp_path: Path, mutate, message: str) -> None:
    rules_dir = _rules_dir_with(tmp_path, mutate(_shipped_lines()))
    with pytest.raises(RuleError, match=message):
        MirnaGrammar(load_ruleset(rules_dir).rules(MirnaRule))


def test_a_rule_error_names_file_and_line(tmp_path: Path) -> None:
    rules_dir = _rules_dir_with(tmp_path, ['{"id": "a", "kind": "name", "pattern": "x"}', "{oops"])
    with pytest.raises(RuleError, match=r"mirna\.jsonl:2:"):
        load_ruleset(rules_dir).rules(MirnaRule)


def test_a_lexicon_without_its_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lex.tsv").write_text("term\tnorm\nadriamycin\tdoxorubicin\n", encoding="utf-8")
    with pytest.raises(RuleError, match="header lacks column"):
        load_ruleset(tmp_path).rows("lex.tsv", ("term", "norm", "concept_id", "source"))


@pytest.mark.parametrize("kind", RULE_CLASSES, ids=lambda kind: kind.FILE)
def test_every_shipped_rule_file_loads(kind) -> None:
    assert load_ruleset().rules(kind)


def test_every_shipped_rule_file_has_a_loader() -> None:
    assert {kind.FILE for kind in RULE_CLASSES} == {path.name for path in default_rules_dir().glob("*.jsonl")}


def test_checksums_cover_every_rule_file() -> None:
    assert set(load_ruleset().checksums()) == {p.name for p in default_rules_dir().iterdir() if p.suffix in (".jsonl", ".tsv")}


# --- match keys and lexicon flags -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("IGF1-R", " igf1r "),
        ("CD40-L", " cd40l "),
        ("IGF-1R", " igf1r "),
        ("PIK3R2-knockdown", " pik3r2 knockdown "),
        ("miR-21-a2", " mir21 a2 "),
    ],
    ids=["number-hyphen-letter", "CD40-L", "hyphen-before-a-number", "hyphen-before-a-word", "hyphen-before-two"],
)
def test_a_hyphen_glues_a_number_to_a_lone_letter_only(text: str, key: str) -> None:
    assert key_text(text).key == key


@pytest.mark.parametrize(
    ("term", "norm", "weak"),
    [
        ("CDF", "LIF", True),
        ("T4", "CD4", True),
        ("E1A", "DHTKD1", True),
        ("P-gp", "ABCB1", False),
        ("p53", "TP53", False),
    ],
    ids=["all-letters", "letter-digit", "three-characters", "punctuated", "also-a-famplex-text"],
)
def test_short_aliases_are_weak_unless_punctuated_or_the_usual_name(term: str, norm: str, weak: bool) -> None:
    alias = next(e for e in load_lexicon("gene", load_ruleset()).lookup(term) if e.norm == norm and e.kind == "alias")
    assert (WEAK_SHORT in alias.note.split(";")) is weak


@pytest.mark.parametrize(
    ("term", "norm", "flagged"),
    [
        ("arsenic", "arsenic", True),
        ("cisplatin", "cisplatin", False),
        ("mycophenolate", "mycophenolate", False),
        ("depo-provera", "medroxyprogesterone", True),
    ],
    ids=["MeSH-only", "DrugBank", "MedlinePlus-medicine", "MedlinePlus-term-that-a-DrugBank-row-also-writes"],
)
def test_a_generated_drug_without_a_drugbank_id_needs_a_cue(term: str, norm: str, flagged: bool) -> None:
    entry = next(e for e in load_lexicon("drug", load_ruleset()).lookup(term) if e.type == "drug" and e.norm == norm)
    assert (NO_DRUGBANK_ID in entry.note.split(";")) is flagged


def test_a_common_word_and_a_number_is_no_term() -> None:
    assert not [e for e in load_lexicon("drug", load_ruleset()).lookup("at 10") if e.type == "drug"]


def test_a_new_lexicon_cache_replaces_the_older_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rules or code change writes a new cache of ~40 MB: the one it replaces must not stay behind."""
    from pipeline import normalize

    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(default_rules_dir() / "lexicon_rules.jsonl", rules)
    (rules / "few.tsv").write_text("term\tnorm\tconcept_id\tsource\nPTEN\tPTEN\tHGNC:9588\ttest\n", encoding="utf-8")
    monkeypatch.setenv("MIRMINE_CACHE", str(tmp_path / "cache"))
    normalize.load_lexicon_files((("few.tsv", "gene"),), load_ruleset(rules))
    first = sorted((tmp_path / "cache").glob("lexicon-*.pickle"))
    (rules / "few.tsv").write_text("term\tnorm\tconcept_id\tsource\nKRAS\tKRAS\tHGNC:6407\ttest\n", encoding="utf-8")
    lexicon = normalize.load_lexicon_files((("few.tsv", "gene"),), load_ruleset(rules))
    second = sorted((tmp_path / "cache").glob("lexicon-*.pickle"))
    assert len(first) == len(second) == 1 and first != second
    assert [entry.norm for entry in lexicon.lookup("KRAS")] == ["KRAS"]


def test_the_merged_walk_table_follows_its_lexicons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finders' one walk table is cached beside the lexicons: an edited lexicon gets a new table (the old one goes),
    and the table finds every key of every lexicon, as a table made afresh does."""
    from pipeline import normalize

    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(default_rules_dir() / "lexicon_rules.jsonl", rules)
    (rules / "genes.tsv").write_text("term\tnorm\tconcept_id\tsource\nPTEN\tPTEN\tHGNC:9588\ttest\n", encoding="utf-8")
    (rules / "drugs.tsv").write_text("term\tnorm\tconcept_id\tsource\nfive fu\tfluorouracil\t\ttest\n", encoding="utf-8")
    monkeypatch.setenv("MIRMINE_CACHE", str(tmp_path / "cache"))

    def walk_of(ruleset):
        lexicons = tuple(normalize.load_lexicon_files(((name, type_),), ruleset) for name, type_ in
                         (("genes.tsv", "gene"), ("drugs.tsv", "drug")))  # fmt: skip
        return normalize.load_merged_walk_table(lexicons, ruleset), lexicons

    table, lexicons = walk_of(load_ruleset(rules))
    assert table == normalize.merged_walk_table(*(lexicon.walk for lexicon in lexicons))
    assert [key for *_, key in normalize.key_matches(normalize.key_text("PTEN and five FU"), table)] == [" pten ", " five fu "]
    assert walk_of(load_ruleset(rules))[0] == table  # read back from the cache
    (rules / "genes.tsv").write_text("term\tnorm\tconcept_id\tsource\nKRAS\tKRAS\tHGNC:6407\ttest\n", encoding="utf-8")
    table, _ = walk_of(load_ruleset(rules))
    assert [key for *_, key in normalize.key_matches(normalize.key_text("PTEN and KRAS"), table)] == [" kras "]
    assert len(list((tmp_path / "cache").glob("walk-*.pickle"))) == 1


def test_lexicon_entries_come_back_whole_from_the_cache_columns() -> None:
    """The cache keeps entries as columns; every field of every row must come back as it was read."""
    import pickle

    from pipeline.normalize import EntryTable, read_lexicon

    rows = read_lexicon("drugs_extra.tsv", "drug", load_ruleset()) + read_lexicon("cell_lines.tsv", "cell_line", load_ruleset())
    table = pickle.loads(pickle.dumps(EntryTable(rows)))
    assert len(table) == len(rows)
    assert list(table) == rows


@pytest.mark.parametrize(
    "text",
    ["TGF-β and NF-κB in GSK-3β", "ΑΒΓΔ αβγδ µM Σς", "no Greek letter here", ""],
    ids=["in-names", "both-cases-and-micro", "none", "empty"],
)
def test_greek_letters_are_spelled_as_translate_spells_them(text: str) -> None:
    from pipeline.normalize.keys import _GREEK_TRANSLATION, _spell_greek

    assert _spell_greek(text) == text.translate(_GREEK_TRANSLATION)
