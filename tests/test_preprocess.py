"""Tests for pipeline.preprocess: character normalization, tokenizer fixes, sentences, abbreviations, workers."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
import spacy
from conftest import shared_file
from spacy.language import Language

from pipeline.preprocess import abbreviations_from_doc, build_nlp, get_nlp, normalize_chars
from pipeline.schema import Abbreviation

CORPUS = sorted((Path(__file__).parent.parent / "corpus").glob("*.txt"))

# --- characters -------------------------------------------------------------------------------------------

NORMALIZE_CASES = [
    pytest.param("miR\u2010126", "miR-126", id="hyphen-U+2010"),
    pytest.param("miR\u2011126", "miR-126", id="non-breaking-hyphen"),
    pytest.param("13\u201244", "13-44", id="figure-dash"),
    pytest.param("aged 13\u201344 years", "aged 13-44 years", id="en-dash"),
    pytest.param("\u22125 mV", "-5 mV", id="minus-sign"),
    pytest.param("IGF\ufe631R", "IGF-1R", id="small-hyphen-minus"),
    pytest.param("IGF\uff0d1R", "IGF-1R", id="fullwidth-hyphen-minus"),
    pytest.param("5\u00a0mg", "5 mg", id="no-break-space"),
    pytest.param("10\u2009μM", "10 μM", id="thin-space"),
    pytest.param("10\u202f%", "10 %", id="narrow-no-break-space"),
    pytest.param("1\u2007000", "1 000", id="figure-space"),
    pytest.param("GSK-3β and β-catenin", "GSK-3β and β-catenin", id="greek-kept"),
    pytest.param("cancer\u2014updates", "cancer\u2014updates", id="em-dash-kept"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_CASES)
def test_normalize_chars_maps_one_char_to_one(text: str, expected: str) -> None:
    assert normalize_chars(text) == expected


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_normalize_chars_keeps_the_length_of_the_corpus_texts(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(normalize_chars(text)) == len(text)


def test_unicode_hyphen_tokenizes_like_ascii_hyphen(nlp: Language) -> None:
    text = "miR\u2010126 reduces trastuzumab resistance"
    tokens = [token.text for token in nlp.make_doc(normalize_chars(text))]
    assert tokens == [token.text for token in nlp.make_doc("miR-126 reduces trastuzumab resistance")]


# --- tokenizer --------------------------------------------------------------------------------------------

TOKENIZER_CASES = [
    # NOTES.md tokenizer table
    pytest.param("hsa-miR-126-3p", ["hsa-miR-126-3p"], id="species-prefix-and-arm"),
    pytest.param("miRNA-542-3p", ["miRNA-542-3p"], id="miRNA-with-arm"),
    pytest.param("miR-125b-2-3p", ["miR-125b-2-3p"], id="paralog-and-arm"),
    pytest.param("miR-21-5p", ["miR-21-5p"], id="arm-5p"),
    pytest.param("let-7g", ["let-7g"], id="let-7g-not-grams"),
    pytest.param("14-3-3ζ", ["14-3-3ζ"], id="14-3-3-zeta"),
    pytest.param("PI3K/AKT/mTOR", ["PI3K", "/", "AKT", "/", "mTOR"], id="pathway-slashes"),
    pytest.param("miR-21/PTEN/AKT", ["miR-21", "/", "PTEN", "/", "AKT"], id="mirna-axis-slashes"),
    pytest.param("SKBR3/TR", ["SKBR3", "/", "TR"], id="resistant-subline"),
    pytest.param("miR-155-5p/miR-21-3p", ["miR-155-5p", "/", "miR-21-3p"], id="two-arms-around-slash"),
    pytest.param("10 μM. In", ["10", "μM", ".", "In"], id="period-after-micromolar"),
    pytest.param("miR-221/222", ["miR-221", "/", "222"], id="enumeration-numbers"),
    # more miRNA names
    pytest.param("let-7i", ["let-7i"], id="let-7i"),
    pytest.param("Let-7c", ["Let-7c"], id="Let-7c-capital"),
    pytest.param("miRNA181a", ["miRNA181a"], id="miRNA-without-hyphen"),
    pytest.param("miR-200b/c", ["miR-200b", "/", "c"], id="enumeration-letters"),
    pytest.param("miRNAs-181a/b", ["miRNAs-181a", "/", "b"], id="plural-enumeration"),
    pytest.param("microRNA-221/222", ["microRNA-221", "/", "222"], id="microRNA-enumeration"),
    pytest.param("miR-34a/b/c", ["miR-34a", "/", "b", "/", "c"], id="three-letter-enumeration"),
    pytest.param("mir-221/222,", ["mir-221", "/", "222", ","], id="enumeration-before-comma"),
    pytest.param("(miR-21)", ["(", "miR-21", ")"], id="mirna-in-brackets"),
    pytest.param("of miR-126.", ["of", "miR-126", "."], id="mirna-at-sentence-end"),
    pytest.param("let-7i.", ["let-7i", "."], id="let-7-at-sentence-end"),
    # 14-3-3
    pytest.param("14-3-3σ", ["14-3-3σ"], id="14-3-3-sigma"),
    pytest.param("14-3-3 ζ", ["14-3-3", "ζ"], id="14-3-3-spaced-isoform"),
    pytest.param("(14-3-3ζ)", ["(", "14-3-3ζ", ")"], id="14-3-3-in-brackets"),
    pytest.param("14-3-3ζ/δ", ["14-3-3ζ", "/", "δ"], id="14-3-3-before-slash"),
    # slashes and brackets
    pytest.param("(PI3K)/AKT", ["(", "PI3K", ")", "/", "AKT"], id="bracketed-abbreviation-before-slash"),
    pytest.param("PTEN-PI3K/Akt", ["PTEN-PI3K", "/", "Akt"], id="hyphen-then-slash"),
    pytest.param("(MCF-7/MX)", ["(", "MCF-7", "/", "MX", ")"], id="subline-in-brackets"),
    pytest.param("(MX)-resistant", ["(", "MX", ")", "-", "resistant"], id="bracketed-abbreviation-before-hyphen"),
    pytest.param("(S)-ibuprofen", ["(S)", "-", "ibuprofen"], id="stereo-descriptor-kept"),
    pytest.param("BC1/2 [BRCA1/2],", ["BC1", "/", "2", "[", "BRCA1", "/", "2", "]", ","], id="square-brackets"),
    # periods after units
    pytest.param("at 5 nM. The", ["at", "5", "nM", ".", "The"], id="period-after-nanomolar"),
    pytest.param("in 2 mL. The", ["in", "2", "mL", ".", "The"], id="period-after-millilitre"),
    pytest.param("for 24 h. Then", ["for", "24", "h", ".", "Then"], id="period-after-hours"),
    pytest.param("of 10 %. The", ["of", "10", "%", ".", "The"], id="period-after-percent"),
    # abbreviations keep their period
    pytest.param("Fig. 2A", ["Fig.", "2A"], id="figure-abbreviation"),
    pytest.param("et al. revealed", ["et", "al.", "revealed"], id="et-al"),
    pytest.param("e.g. MCF-7", ["e.g.", "MCF-7"], id="e-g"),
    # URLs and DOIs
    pytest.param(
        "<https://doi.org/10.1515/hmbci-2024-0066>",
        ["<", "https://doi.org/10.1515/hmbci-2024-0066", ">"],
        id="doi-url",
    ),
    pytest.param("DOI - 10.1111/jcmm.15396.", ["DOI", "-", "10.1111/jcmm.15396", "."], id="bare-doi"),
    pytest.param(
        "from: http://www.nccn.org/professionals/physician_gls/PDF/occultpdf.",
        ["from", ":", "http://www.nccn.org/professionals/physician_gls/PDF/occultpdf", "."],
        id="url-with-path",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TOKENIZER_CASES)
def test_tokenizer(nlp: Language, text: str, expected: list[str]) -> None:
    assert [token.text for token in nlp.make_doc(text)] == expected


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_tokenizer_keeps_every_character(nlp: Language, path: Path) -> None:
    text = normalize_chars(path.read_text(encoding="utf-8"))
    assert nlp.make_doc(text).text == text


def test_tokenizer_round_trips_through_to_disk(nlp: Language, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    texts = [param.values[0] for param in TOKENIZER_CASES]
    texts += [normalize_chars(path.read_text(encoding="utf-8")) for path in CORPUS]
    assert [[token.text for token in loaded.make_doc(text)] for text in texts] == [
        [token.text for token in nlp.make_doc(text)] for text in texts
    ]


def test_loaded_pipeline_finds_the_same_sentences_and_abbreviations(nlp: Language, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    text = normalize_chars(CORPUS[-1].read_text(encoding="utf-8"))
    doc, loaded_doc = nlp(text), loaded(text)
    assert loaded.pipe_names == nlp.pipe_names
    assert [sent.start for sent in loaded_doc.sents] == [sent.start for sent in doc.sents]
    assert loaded_doc._.mirmine_abbreviations == doc._.mirmine_abbreviations


# --- sentences --------------------------------------------------------------------------------------------

SENTENCE_CASES = [
    pytest.param(
        "Cells were treated with 10 μM. In contrast, controls were not.",
        ["Cells were treated with 10 μM.", "In contrast, controls were not."],
        id="period-after-unit-ends",
    ),
    pytest.param(
        "As shown in Fig. 2A, miR-21 was high. It was low in Fig. 3.",
        ["As shown in Fig. 2A, miR-21 was high.", "It was low in Fig. 3."],
        id="figure-reference-does-not-end",
    ),
    pytest.param(
        "Zhang et al. revealed that miR-21 is high.",
        ["Zhang et al. revealed that miR-21 is high."],
        id="et-al-before-lowercase-does-not-end",
    ),
    pytest.param(
        "This was shown by Zhang et al. In 2019 another study followed.",
        ["This was shown by Zhang et al.", "In 2019 another study followed."],
        id="et-al-before-capital-ends",
    ),
    pytest.param("Zhang et al. 2019 showed it.", ["Zhang et al. 2019 showed it."], id="et-al-before-year-does-not-end"),
    pytest.param(
        "Zhang et al. (2019) showed it.", ["Zhang et al. (2019) showed it."], id="et-al-before-bracket-does-not-end"
    ),
    pytest.param("Some drugs (e.g. Tamoxifen) work.", ["Some drugs (e.g. Tamoxifen) work."], id="e-g-does-not-end"),
    pytest.param("Treated vs. Control cells.", ["Treated vs. Control cells."], id="vs-does-not-end"),
    pytest.param("It took approx. 5 h.", ["It took approx. 5 h."], id="approx-does-not-end"),
    pytest.param(
        "Genes, drugs etc. are listed.", ["Genes, drugs etc. are listed."], id="etc-before-lowercase-does-not-end"
    ),
    pytest.param(
        "Genes, drugs etc. The list follows.",
        ["Genes, drugs etc.", "The list follows."],
        id="etc-before-capital-ends",
    ),
    pytest.param(
        "It is a target in BC [72]. miR-124 causes sensitivity.",
        ["It is a target in BC [72].", "miR-124 causes sensitivity."],
        id="mirna-name-starts-a-sentence",
    ),
    pytest.param("Is it high? Yes! It is.", ["Is it high?", "Yes!", "It is."], id="question-and-exclamation"),
    pytest.param(
        'He wrote "it rose." Then it fell.',
        ['He wrote "it rose."', "Then it fell."],
        id="closing-quote-stays-with-its-sentence",
    ),
    pytest.param("It rose. (A) Then it fell.", ["It rose.", "(A) Then it fell."], id="opening-bracket-starts"),
    pytest.param(
        "A. F., F. R. and A. N. were involved.", ["A. F., F. R. and A. N. were involved."], id="chain-of-initials"
    ),
    pytest.param(
        "19. Sun YS, Zhao Z. Risk factors of breast cancer.",
        ["19. Sun YS, Zhao Z.", "Risk factors of breast cancer."],
        id="list-number-does-not-end",
    ),
    pytest.param(
        "Introduction\nContrary to the increase of BC.",
        ["Introduction", "Contrary to the increase of BC."],
        id="newline-starts-a-sentence",
    ),
    pytest.param(
        "Reza Amiri, Poorya Nabi\n\nCrosstalk between miRNAs",
        ["Reza Amiri, Poorya Nabi", "Crosstalk between miRNAs"],
        id="newline-after-comma-before-capital",
    ),
    pytest.param("It rose.\n\nmiRNAs fell.", ["It rose.", "miRNAs fell."], id="newline-after-period-before-lowercase"),
    pytest.param(
        "one of the important factors\n\nthat miRNAs control cellular activities.",
        ["one of the important factors\n\nthat miRNAs control cellular activities."],
        id="page-break-continues-the-sentence",
    ),
    pytest.param(
        "Drug\tmiRNA\tRef\nAnastrozole\tmiR-125b\t[75]\nletrozole\tmiR-128a\t[81]",
        ["Drug\tmiRNA\tRef", "Anastrozole\tmiR-125b\t[75]", "letrozole\tmiR-128a\t[81]"],
        id="table-rows-are-sentences",
    ),
    pytest.param(
        "\n\nReview Article\n\nReza Amiri", ["Review Article", "Reza Amiri"], id="leading-whitespace-joins-first"
    ),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_sentences(nlp: Language, text: str, expected: list[str]) -> None:
    assert [sent.text.strip() for sent in nlp(text).sents] == expected


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_sentences_start_on_words(nlp: Language, path: Path) -> None:
    doc = nlp(normalize_chars(path.read_text(encoding="utf-8")))
    assert [sent.start for sent in doc.sents if sent[0].is_space] == ([0] if doc[0].is_space else [])


def _run_components(nlp: Language, text: str, preset: dict[int, bool]) -> list[str]:
    """Sentences of `text` when some tokens' is_sent_start is set before the components run."""
    doc = nlp.make_doc(text)
    for i, value in preset.items():
        doc[i].is_sent_start = value
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [sent.text.strip() for sent in doc.sents]


def test_preset_sentence_start_is_kept(nlp: Language) -> None:
    sents = _run_components(nlp, "Results were clear and the cells died.", {3: True})
    assert sents == ["Results were clear", "and the cells died."]


def test_preset_sentence_continuation_is_kept(nlp: Language) -> None:
    assert _run_components(nlp, "It rose. The end.", {3: False}) == ["It rose. The end."]


# --- abbreviations ----------------------------------------------------------------------------------------

ABBREVIATION_CASES = [
    pytest.param(
        "miR-3646 inhibits glycogen synthase kinase 3 β (GSK-3 β) and the GSK-3 β / β -catenin pathway",
        "GSK-3 β",
        "glycogen synthase kinase 3 β",
        id="greek-letter-token",
    ),
    pytest.param(
        "between ER and phosphoinositide 3-kinase (PI3K)/AKT/mTOR, HER2 pathways",
        "PI3K",
        "phosphoinositide 3-kinase",
        id="bracket-before-slash",
    ),
    pytest.param(
        "Mir-452 causes the resistance of MCF-7 BC cells to adriamycin (ADR) by expressing IGF-1R.",
        "ADR",
        "adriamycin",
        id="adriamycin",
    ),
    pytest.param(
        "resistance to doxorubicin (DOX) in BC cells showed that DOX works",
        "DOX",
        "doxorubicin",
        id="doxorubicin",
    ),
    pytest.param(
        "by expressing insulin-like growth factor 1 receptor (IGF-1R) [43, 44].",
        "IGF-1R",
        "insulin-like growth factor 1 receptor",
        id="hyphen-and-digit",
    ),
    pytest.param(
        "MiR-487a resensitizes cells to MX by targeting breast cancer resistance protein (BCRP/ABCG2).",
        "BCRP",
        "breast cancer resistance protein",
        id="slash-alternatives",
    ),
    pytest.param(
        "MiR-487a resensitizes mitoxantrone (MX)-resistant breast cancer cells (MCF-7/MX) to MX.",
        "MX",
        "mitoxantrone",
        id="bracket-before-hyphen",
    ),
    pytest.param("Breast cancer (BC) is one of the most common cancers.", "BC", "Breast cancer", id="sentence-initial"),
    pytest.param(
        "Tumor necrosis factor (TNF)-related apoptosis-inducing ligand (TRAIL) killed the cells.",
        "TRAIL",
        "Tumor necrosis factor (TNF)-related apoptosis-inducing ligand",
        id="long-form-holding-a-bracketed-short-form",
    ),
    pytest.param("Rats got phenobarbital (PB: 15 mg per rat) daily.", "PB", "phenobarbital", id="colon-then-a-dose"),
    pytest.param(
        "The poly(ADP-ribose) polymerase (PARP) was cleaved.", "PARP", "poly(ADP-ribose) polymerase",
        id="bracket-inside-a-word-of-the-long-form",
    ),
    pytest.param("Drugs acting on GABA(A) receptors (GABA(A)Rs) calm.", "GABA(A)Rs", "GABA(A) receptors", id="GABA-A"),
    pytest.param(
        "through the glutathione S-transferase π (GST π) gene",
        "GST π",
        "glutathione S-transferase π",
        id="greek-letter-after-hyphenated-word",
    ),
]


@pytest.mark.parametrize(("text", "short", "long"), ABBREVIATION_CASES)
def test_abbreviation_definition(nlp: Language, text: str, short: str, long: str) -> None:
    found = {(abbreviation.short, abbreviation.long) for abbreviation in abbreviations_from_doc(nlp(text))}
    assert (short, long) in found


def test_a_colon_aside_of_statistics_defines_nothing(nlp: Language) -> None:
    text = "Regurgitation was frequent (OR: 3.1; 95% CI: 1.1-8.8) in treated women."
    assert [record.short for record in abbreviations_from_doc(nlp(text))] == []


def test_a_genotype_in_the_brackets_defines_nothing(nlp: Language) -> None:
    # `(DAT(-/-))`: the bracket opened after DAT closes outside the short form; `(GABA(A)R)` closes its own.
    text = "Hyperactivity was seen in dopamine transporter (DAT(-/-)) knockout mice and the GABA(A) receptor (GABA(A)R)."
    assert [record.short for record in abbreviations_from_doc(nlp(text))] == ["GABA(A)R"]


def test_every_use_of_a_short_form_is_recorded_in_order(nlp: Language) -> None:
    text = "Breast cancer (BC) is common. BC kills. Early BC is curable."
    assert [
        (record.short, record.short_start, record.long_start, record.long_end)
        for record in abbreviations_from_doc(nlp(text))
    ] == [("BC", 15, 0, 13), ("BC", 30, 0, 13), ("BC", 46, 0, 13)]


def test_abbreviation_offsets_point_into_the_text(nlp: Language) -> None:
    text = normalize_chars(CORPUS[-1].read_text(encoding="utf-8"))
    records = abbreviations_from_doc(nlp(text))
    misplaced = [
        r for r in records if (text[r.short_start : r.short_end], text[r.long_start : r.long_end]) != (r.short, r.long)
    ]
    assert records and misplaced == []


def test_abbreviation_strings_can_be_sliced_from_the_original_text(nlp: Language) -> None:
    original = "insulin\u2010like growth factor 1 receptor (IGF\u20101R)"
    records = abbreviations_from_doc(nlp(normalize_chars(original)), text=original)
    assert records == [Abbreviation("IGF\u20101R", 39, 45, "insulin\u2010like growth factor 1 receptor", 0, 37)]


def test_doc_without_brackets_has_no_abbreviations(nlp: Language) -> None:
    assert nlp("No brackets in this sentence.")._.mirmine_abbreviations == ()


def test_long_form_does_not_reach_into_the_previous_sentence(nlp: Language) -> None:
    text = "Validation of miRNAs with a machine learning approach. *Cancers (Basel)* 2019;11:431."
    assert abbreviations_from_doc(nlp(text)) == []


def test_abbreviations_are_found_without_sentence_boundaries(nlp: Language) -> None:
    # Run alone, the detector sees no sentence start but token 0's: the long form is looked for in the window only.
    doc = nlp.get_pipe("mirmine_abbreviations")(nlp.make_doc("It rose sharply. Breast cancer (BC) is common."))
    assert abbreviations_from_doc(doc) == [Abbreviation("BC", 32, 34, "Breast cancer", 17, 30)]


# --- the pipeline -----------------------------------------------------------------------------------------


def test_extra_pipes_run_after_preprocessing() -> None:
    assert build_nlp(extra_pipes=("sentencizer",)).pipe_names == [
        "mirmine_sentences",
        "mirmine_abbreviations",
        "sentencizer",
    ]


def test_get_nlp_builds_once_per_process() -> None:
    assert get_nlp() is get_nlp()


WORKER_TEXTS = [param.values[0] for param in ABBREVIATION_CASES] + [CORPUS[-1].read_text(encoding="utf-8")]


def _start_worker() -> None:
    """Pool initializer: build the worker's pipeline once."""
    get_nlp()


def _abbreviation_tuples(text: str) -> tuple[tuple[str, int, int, str, int, int], ...]:
    """What a worker sends back: plain tuples, no Doc."""
    return get_nlp()(normalize_chars(text))._.mirmine_abbreviations


def test_forked_workers_find_the_same_abbreviations(nlp: Language) -> None:
    expected = [nlp(normalize_chars(text))._.mirmine_abbreviations for text in WORKER_TEXTS]
    with multiprocessing.get_context("fork").Pool(2, initializer=_start_worker) as pool:
        assert pool.map(_abbreviation_tuples, WORKER_TEXTS) == expected


def test_pipe_with_two_processes_finds_the_same_abbreviations(nlp: Language) -> None:
    texts = [normalize_chars(text) for text in WORKER_TEXTS]
    expected = [abbreviations_from_doc(doc) for doc in nlp.pipe(texts)]
    assert [abbreviations_from_doc(doc) for doc in nlp.pipe(texts, n_process=2)] == expected


def test_abbreviations_keep_what_scispacy_finds_on_real_abstracts() -> None:
    """Our Schwartz-Hearst reimplementation is a superset of scispaCy's detector but for its rare errors."""
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  (registers abbreviation_detector)

    ours = build_nlp()
    theirs = build_nlp()
    theirs.remove_pipe("mirmine_abbreviations")
    theirs.add_pipe("abbreviation_detector", config={"make_serializable": True})
    lines = shared_file("bench", "mirna_abstracts.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    texts = [normalize_chars(f"{r['title']}\n\n{r['abstract']}") for r in records]
    found = missed = 0
    for ours_doc, theirs_doc in zip(ours.pipe(texts), theirs.pipe(texts)):
        ours_pairs = {(short, long) for short, _, _, long, _, _ in ours_doc._.mirmine_abbreviations}
        theirs_pairs = {(a["short_text"], a["long_text"]) for a in theirs_doc._.abbreviations}
        found += len(theirs_pairs & ours_pairs)
        missed += len(theirs_pairs - ours_pairs)
    # Measured 1,836 kept, 7 missed (long forms that cross a sentence boundary, such as "Basel").
    assert found / (found + missed) >= 0.99
