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
    ("the miR-17-92 cluster", [("miR-17-92 cluster", "miR-17~92")]),
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
        ("miRNAs (21, 26a)", "mirna.paren_list"),
    ],
)
def test_every_match_names_its_rule(text: str, rule: str) -> None:
    assert mirna_grammar(load_ruleset()).find(text)[-1].rule == rule


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
    "miR-9",
    "hsa-miR-1",
    "(hsa-mir-1)/xmiR-2/hsa-hsa-miR-3/-miR-4/ssc-miR-5a-3p",
    "mirror mi mir- miR miRNA microRNAs",
    "İstanbul cohort: miR-21 and hsa-let-7g",
    "Kelvin K, ſ and miR-22",
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
    ],
    ids=["bad-json", "missing-key", "duplicate-id", "empty", "missing-kind", "bad-regex"],
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


@pytest.mark.parametrize(("term", "flagged"), [("arsenic", True), ("cisplatin", False)], ids=["MeSH-only", "DrugBank"])
def test_a_generated_drug_without_a_drugbank_id_needs_a_cue(term: str, flagged: bool) -> None:
    entry = next(e for e in load_lexicon("drug", load_ruleset()).lookup(term) if e.type == "drug")
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
