"""Gene, drug and cell-line mentions on sentences written for these tests (CONTRACT.md, "Normalization").

Every case is a sentence in the style of a miRNA / drug-resistance abstract, written here (none is copied from
corpus/ or ../shared), and what the whole pipeline should find in it. The last groups are traps found while reading
the real abstracts of ../shared/bench/mirna_abstracts.jsonl: each is rewritten as a new sentence that shows the same
trap. A case the code gets wrong today is marked xfail(strict=True) with the reason; fixing the code turns it into an
XPASS, which fails the run until the mark is removed.
"""

from __future__ import annotations

import re

import pytest
from spacy.language import Language

from pipeline.extract import annotate
from pipeline.mentions import mentions_from_doc
from pipeline.schema import Document, Mention, Section


def find_mentions(nlp: Language, text: str) -> list[Mention]:
    document = Document("doc1", text, (Section("abstract", 0, len(text)),), source="test", format="txt")
    return mentions_from_doc(annotate(document, nlp), document)


def mentions_of(nlp: Language, text: str, type_: str) -> set[str]:
    """The norms of every mention of this type in the text."""
    return {m.norm for m in find_mentions(nlp, text) if m.type == type_}


def written_of(nlp: Language, text: str, type_: str) -> set[tuple[str, str]]:
    """(written text, norm) of every mention of this type: for cases where the written form matters."""
    return {(m.text, m.norm) for m in find_mentions(nlp, text) if m.type == type_}


def hits_on(nlp: Language, text: str, form: str, types: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(type, text, norm) of the mentions of these types that overlap any occurrence of ``form`` in the text.

    An occurrence is the form as a whole word (`M1` is not found inside `RRM1`).
    """
    pattern = rf"(?<![^\W_]){re.escape(form)}(?![^\W_])"
    places = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    assert places, f"{form!r} does not occur in the case text"
    return [
        (m.type, m.text, m.norm)
        for m in find_mentions(nlp, text)
        if m.type in types and any(m.start < end and start < m.end for start, end in places)
    ]


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


GENES = ("gene",)
DRUGS = ("drug", "drug_class")

# --- 1. genes: written forms -> HGNC symbol or FamPlex id ----------------------------------------------------------
GENE_FORMS = [
    # Greek letters, spelled out or not, glued or spaced
    pytest.param("Inhibition of GSK-3β restored apoptosis.", {"GSK3B"}, id="GSK-3-greek-beta"),
    pytest.param("Inhibition of GSK3beta restored apoptosis.", {"GSK3B"}, id="GSK3beta-spelled"),
    pytest.param("Inhibition of GSK-3 β restored apoptosis.", {"GSK3B"}, id="GSK-3-space-greek-beta"),
    pytest.param("Inhibition of GSK3β restored apoptosis.", {"GSK3B"}, id="GSK3-greek-beta"),
    pytest.param("Nuclear NF-κB was reduced by the mimic.", {"NFkappaB"}, id="NF-greek-kappaB"),
    pytest.param("Nuclear NF-kappaB was reduced by the mimic.", {"NFkappaB"}, id="NF-kappaB-spelled"),
    pytest.param("Nuclear NF- κ B was reduced by the mimic.", {"NFkappaB"}, id="NF-spaced-greek-kappa-B"),
    pytest.param("Autocrine TGF-β signalling promoted EMT.", {"TGFB"}, id="TGF-greek-beta"),
    pytest.param("Autocrine TGFβ signalling promoted EMT.", {"TGFB"}, id="TGF-glued-greek-beta"),
    pytest.param("Nuclear β-catenin accumulated in resistant clones.", {"CTNNB1"}, id="greek-beta-catenin"),
    pytest.param("Nuclear beta-catenin accumulated in resistant clones.", {"CTNNB1"}, id="beta-catenin"),
    pytest.param("The adaptor 14-3-3ζ was upregulated after treatment.", {"YWHAZ"}, id="14-3-3-greek-zeta"),
    pytest.param("The adaptor 14-3-3 zeta was upregulated after treatment.", {"YWHAZ"}, id="14-3-3-space-zeta"),
    pytest.param("Hypoxia stabilised HIF-1α in the spheroids.", {"HIF1A"}, id="HIF-1-greek-alpha"),
    # hyphen and space variants
    pytest.param("Blocking IGF-1R reversed the phenotype.", {"IGF1R"}, id="IGF-1R"),
    pytest.param("Blocking IGF1R reversed the phenotype.", {"IGF1R"}, id="IGF1R"),
    pytest.param("The anti-apoptotic Bcl-2 was induced.", {"BCL2"}, id="Bcl-2"),
    pytest.param("The anti-apoptotic BCL2 was induced.", {"BCL2"}, id="BCL2"),
    pytest.param("Tumours with amplified HER-2 relapsed early.", {"ERBB2"}, id="HER-2"),
    pytest.param("Tumours with amplified HER2 relapsed early.", {"ERBB2"}, id="HER2"),
    # long names
    pytest.param("Mutations of the epidermal growth factor receptor were absent.", {"EGFR"}, id="egfr-long-name"),
    pytest.param("Loss of phosphatase and tensin homolog activated survival signals.", {"PTEN"}, id="pten-long-name"),
    pytest.param("The insulin-like growth factor 1 receptor was overexpressed.", {"IGF1R"}, id="igf1r-long-name"),
    # protein names
    pytest.param("Loss of E-cadherin marked the invasive front.", {"CDH1"}, id="E-cadherin"),
    pytest.param("High P-gp expression lowered intracellular drug levels.", {"ABCB1"}, id="P-gp-with-a-cue"),
    pytest.param(
        "Efflux through P-gp lowered intracellular drug levels.", {"ABCB1"}, id="P-gp",
    ),
    pytest.param("Efflux through P-glycoprotein lowered intracellular drug levels.", {"ABCB1"}, id="P-glycoprotein"),
    pytest.param("Efflux through MDR1 lowered intracellular drug levels.", {"ABCB1"}, id="MDR1"),
    pytest.param("Efflux through BCRP lowered intracellular drug levels.", {"ABCG2"}, id="BCRP"),
    pytest.param("Efflux through MRP1 lowered intracellular drug levels.", {"ABCC1"}, id="MRP1"),
    # families
    pytest.param("Activation of PI3K followed receptor ligation.", {"PI3K"}, id="PI3K-family"),
    pytest.param("Phosphorylation of Akt increased.", {"AKT"}, id="Akt-family"),
    pytest.param("Phosphorylation of AKT increased.", {"AKT"}, id="AKT-family"),
    pytest.param("Phosphorylation of ERK increased.", {"ERK"}, id="ERK-family"),
    pytest.param("Phosphorylation of MAPK increased.", {"MAPK"}, id="MAPK-family"),
    # mixed case, compound words, plurals
    pytest.param("Tumour cells with high EpCAM formed spheres.", {"EPCAM"}, id="EpCAM"),
    pytest.param("Knockdown of Drosha reduced mature miR-21.", {"DROSHA"}, id="Drosha-mid-sentence"),
    pytest.param("The PIK3R2-knockdown cells regained sensitivity.", {"PIK3R2"}, id="PIK3R2-knockdown"),
    pytest.param("The tumours lacked progesterone receptors.", {"PGR"}, id="progesterone-receptors"),
]


@pytest.mark.parametrize(("text", "expected"), GENE_FORMS)
def test_gene_forms_normalize_to_one_symbol(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "gene") == expected


SLASH_CHAINS = [
    pytest.param("The PI3K/AKT/mTOR pathway was activated.", {"PI3K", "AKT", "MTOR"}, id="PI3K/AKT/mTOR"),
    pytest.param("Signalling through PTEN-PI3K/Akt was blunted.", {"PTEN", "PI3K", "AKT"}, id="PTEN-PI3K/Akt"),
    pytest.param(
        "Crosstalk within HER2/EGFR/IGF1R drove resistance.", {"ERBB2", "EGFR", "IGF1R"}, id="HER2/EGFR/IGF1R"
    ),
]


@pytest.mark.parametrize(("text", "expected"), SLASH_CHAINS)
def test_a_slash_chain_gives_every_gene_in_it(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "gene") == expected


WRITTEN_GENE_FORMS = [
    pytest.param("Nuclear NF- κ B was reduced.", {("NF- κ B", "NFkappaB")}, id="spaced-greek-kept-whole"),
    pytest.param("Inhibition of GSK-3 β was seen.", {("GSK-3 β", "GSK3B")}, id="spaced-greek-after-digit"),
    pytest.param("The PIK3R2-knockdown cells grew.", {("PIK3R2", "PIK3R2")}, id="compound-word-keeps-the-symbol"),
    pytest.param(
        "Signalling through PTEN-PI3K/Akt was blunted.",
        {("PTEN", "PTEN"), ("PI3K", "PI3K"), ("Akt", "AKT")},
        id="hyphen-joined-pair",
    ),
    pytest.param(
        "Its target IGF1-R was downregulated.",
        {("IGF1-R", "IGF1R")},
        id="IGF1-R",
    ),
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN_GENE_FORMS)
def test_a_gene_mention_spans_exactly_its_written_name(nlp: Language, text: str, expected) -> None:
    assert written_of(nlp, text, "gene") == expected


# --- 2. ambiguous aliases: a gene only with support from the document ---------------------------------------------
# (text, written form, norm the form must get)
ALIAS_SUPPORTED = [
    pytest.param(
        "Tamoxifen failure is common in ER-positive disease, yet ER signalling persists.", "ER", "ESR1",
        id="ER-tamoxifen",
    ),
    pytest.param(
        "Expression of ER was lost after long-term estrogen deprivation.", "ER", "ESR1", id="ER-estrogen"
    ),
    pytest.param(
        "In castration-resistant prostate cancer, AR splice variants escape enzalutamide.", "AR", "AR",
        id="AR-androgen-context",
    ),
    pytest.param(
        "Higher MRP expression reduced drug accumulation through efflux in multidrug-resistant cells.", "MRP",
        "ABCC1", id="MRP-efflux",
    ),
    pytest.param(
        "Under oxidative stress, catalase (CAT) activity fell and CAT protein was degraded.", "CAT", "CAT",
        id="CAT-catalase",
    ),
    pytest.param("SET binds and inhibits PP2A, which sustains AKT activity.", "SET", "SET", id="SET-PP2A"),
    # The document defines AR as a gene product other than the androgen receptor: it follows its long form.
    pytest.param(
        "Aldose reductase (AR) inhibitors lowered AR activity in diabetic tissue.", "AR", "AKR1B1",
        id="AR-aldose-reductase",
    ),
]


@pytest.mark.parametrize(("text", "form", "norm"), ALIAS_SUPPORTED)
def test_an_ambiguous_alias_with_support_is_the_gene(nlp: Language, text: str, form: str, norm: str) -> None:
    found = hits_on(nlp, text, form, GENES)
    assert found and {hit[2] for hit in found} == {norm}


# (text, written form that must not be a gene)
ALIAS_UNSUPPORTED = [
    pytest.param(
        "Endoplasmic reticulum (ER) stress induced apoptosis, and ER stress markers rose.", "ER",
        id="ER-defined-endoplasmic-reticulum",
    ),
    pytest.param(
        "Misfolded proteins accumulated in the ER and triggered the unfolded protein response.", "ER",
        id="ER-organelle-undefined",
    ),
    pytest.param(
        "Swelling of the ER was seen by electron microscopy.", "ER", id="ER-no-support",
    ),
    pytest.param(
        "Patients with acquired resistance (AR) to gefitinib relapsed; AR developed within a year.", "AR",
        id="AR-acquired-resistance",
    ),
    pytest.param("MRP was chosen by the panel as the primary endpoint.", "MRP", id="MRP-no-efflux-context"),
    pytest.param("A CAT scan showed two pulmonary nodules.", "CAT", id="CAT-scan"),
    pytest.param("SET was measured before and after each cycle.", "SET", id="SET-no-cue"),
    pytest.param("A SET of forty genes separated the groups.", "SET", id="SET-capitals-as-word"),
    pytest.param(
        "IMPACT OF MIR-155 ON GEMCITABINE RESISTANCE IN PANCREATIC CANCER", "IMPACT", id="IMPACT-caps-title"
    ),
    pytest.param(
        "IMPACT OF GCN2 SIGNALLING ON GEMCITABINE RESISTANCE IN PANCREATIC CANCER", "IMPACT",
        id="IMPACT-caps-title-with-a-cue",
    ),
    pytest.param("The impact of miR-21 on outcome was modest.", "impact", id="impact-lower-case"),
    pytest.param(
        "Trastuzumab-resistant SKBR3/TR cells lost sensitivity to lapatinib.", "TR", id="TR-in-subline"
    ),
    pytest.param(
        "Pancreatic cancer (PC) is lethal, and PC cells resist gemcitabine.", "PC", id="PC-pancreatic-cancer"
    ),
    pytest.param("Breast cancer (BC) is common, and miR-21 is high in BC tissue.", "BC", id="BC-breast-cancer"),
    pytest.param("The hazard ratio (HR) was 1.8, and HR was higher in men.", "HR", id="HR-hazard-ratio"),
    pytest.param("The risk was higher (95% CI 1.2-2.5).", "CI", id="CI"),
    pytest.param("High miR-21 predicted shorter OS in both cohorts.", "OS", id="OS"),
    pytest.param("Rats injected with STZ became diabetic within a week.", "STZ", id="STZ-streptozotocin"),
    pytest.param("Boys with adrenoleukodystrophy lost myelin early.", "adrenoleukodystrophy", id="a-disease-alias"),
    pytest.param("The STOP trial enrolled a thousand patients.", "STOP", id="STOP-in-capitals"),
]


@pytest.mark.parametrize(("text", "form"), ALIAS_UNSUPPORTED)
def test_an_ambiguous_alias_without_support_is_no_gene(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, GENES) == []


REFERENCE = "1. Baker AR, Lowe ER. Androgen and estrogen receptors in tamoxifen resistance. Oncol Rep. 2016;35:11-9."
CITATION_TRAPS = [
    # The reference's own title supports AR and ER (androgen, estrogen, tamoxifen): only the initials check stops them.
    pytest.param(REFERENCE, "AR", id="initials-AR"),
    pytest.param(REFERENCE, "ER", id="initials-ER"),
    # `Frey` is an HGNC alias of FREY1.
    pytest.param("2. Hartman-Frey C, Park JS. Estrogen signalling. Oncogene. 2011;30:45.", "Frey", id="surname"),
    pytest.param("3. Chen Y, Ito K. Breast Cancer Res. 2015;219:278-84.", "219", id="number-only"),
    pytest.param(
        "Sequences are at https://www.example.org/genes/PTEN/AKT1 and www.example.org/ERBB2.", "PTEN",
        id="url-PTEN",
    ),
    pytest.param(
        "Sequences are at https://www.example.org/genes/PTEN/AKT1 and www.example.org/ERBB2.", "ERBB2",
        id="url-ERBB2",
    ),
]


@pytest.mark.parametrize(("text", "form"), CITATION_TRAPS)
def test_references_and_addresses_give_no_gene(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, GENES) == []


# --- 3. drugs ---------------------------------------------------------------------------------------------------
DRUG_NAMES = [
    pytest.param("Cells were exposed to adriamycin for 48 h.", {"doxorubicin"}, id="adriamycin"),
    pytest.param("Patients received Herceptin every three weeks.", {"trastuzumab"}, id="Herceptin"),
    pytest.param("Lapatinib ditosylate was dissolved in DMSO.", {"lapatinib"}, id="lapatinib-ditosylate"),
    pytest.param("Cells were exposed to 5-FU for 72 h.", {"fluorouracil"}, id="5-FU"),
    pytest.param("Cells were exposed to DDP for 24 h.", {"cisplatin"}, id="DDP"),
    pytest.param("The trastuzumab-resistant clones grew faster.", {"trastuzumab"}, id="trastuzumab-resistant"),
    pytest.param("The letrozole-resistant clones grew faster.", {"letrozole"}, id="letrozole-resistant"),
    pytest.param(
        "Doxorubicin (DOX) was used to derive DOX-resistant clones.", {"doxorubicin"}, id="DOX-resistant-defined"
    ),
    pytest.param("Pretreatment with LY294002 abolished the effect.", {"LY294002"}, id="LY294002"),
    pytest.param("Pretreatment with U0126 abolished the effect.", {"U0126"}, id="U0126"),
]


@pytest.mark.parametrize(("text", "expected"), DRUG_NAMES)
def test_drug_names_normalize_to_the_generic_name(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "drug") == expected


# (text, abbreviation, norm every occurrence must get)
DEFINED_ABBREVIATIONS = [
    pytest.param(
        "Resistance to adriamycin (ADR) was reversed, and ADR uptake rose after repeated ADR exposure.", "ADR",
        "doxorubicin", id="ADR-after-adriamycin",
    ),
    pytest.param(
        "Sensitivity to doxorubicin (DOX) improved and DOX accumulated in the nucleus.", "DOX", "doxorubicin",
        id="DOX-after-doxorubicin",
    ),
    # a short form glued to a word the tokenizer keeps whole, or to a sentence's full stop
    pytest.param(
        "Streptozocin (STZ) was injected; STZ-icv rats and STZ-injected mice lost weight.", "STZ", "streptozocin",
        id="STZ-glued-to-a-word",
    ),
    pytest.param(
        "Amphotericin B (AmB) is nephrotoxic. Kidneys failed after AmB. Potassium fell.", "AmB", "amphotericin b",
        id="AmB-before-a-full-stop",
    ),
]


@pytest.mark.parametrize(("text", "short", "norm"), DEFINED_ABBREVIATIONS)
def test_a_defined_abbreviation_is_the_drug_everywhere(nlp: Language, text: str, short: str, norm: str) -> None:
    hits = [m for m in find_mentions(nlp, text) if m.type == "drug" and m.text == short]
    assert len(hits) == text.count(short)
    assert {m.norm for m in hits} == {norm}


# A long form no lexicon holds that ends with a name the finder kept: the short form is that name (text, short form,
# type, norm). The detector may take more words than the name (`conversion of patients from cyclosporine`) or fewer
# (`contraceptives` of `oral contraceptives`).
NAME_AT_THE_END = [
    pytest.param(
        "Renal function improved after conversion of patients from cyclosporine (CsA) to sirolimus, and CsA withdrawal "
        "was safe.", "CsA", "drug", "cyclosporine", id="clause-ending-with-the-drug",
    ),
    pytest.param(
        "Users of combined oral contraceptives (COCs) had a higher risk; COCs were stopped.", "COCs", "drug_class",
        "oral contraceptive", id="part-of-a-class-name",
    ),
]


@pytest.mark.parametrize(("text", "short", "type_", "norm"), NAME_AT_THE_END)
def test_a_short_form_is_the_name_its_long_form_ends_with(
    nlp: Language, text: str, short: str, type_: str, norm: str
) -> None:
    hits = [m for m in find_mentions(nlp, text) if m.text == short]
    assert len(hits) == text.count(short)
    assert {(m.type, m.norm, m.rule) for m in hits} == {(type_, norm, f"{type_}.abbreviation")}


def test_a_short_form_for_two_drugs_joined_is_neither(nlp: Language) -> None:
    # The long form ends with a drug, but the short form's first letter is another drug's: a combination.
    text = "Patients received cisplatin plus 5-fluorouracil (CF), and CF was well tolerated."
    assert [m for m in find_mentions(nlp, text) if m.text == "CF"] == []


def test_a_symbol_keeps_its_gene_when_its_long_form_ends_with_another_name(nlp: Language) -> None:
    # The long form ends with the family `protein phosphatase 2`; PHLPP2 is an approved symbol of its own.
    text = "Loss of PH domain leucine-rich repeat protein phosphatase 2 (PHLPP2) activates AKT, and PHLPP2 is deleted."
    assert {m.norm for m in find_mentions(nlp, text) if m.text == "PHLPP2"} == {"PHLPP2"}


UNDEFINED_ABBREVIATIONS = [
    pytest.param("ADR was detected in two of the samples.", "ADR", id="ADR-undefined"),
    pytest.param("DOX was added at 1 μM.", "DOX", id="DOX-undefined"),
]


@pytest.mark.parametrize(("text", "form"), UNDEFINED_ABBREVIATIONS)
def test_an_undefined_lab_abbreviation_is_no_drug(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, DRUGS) == []


DRUG_CLASSES = [
    pytest.param("Adjuvant chemotherapy was given to all patients.", "chemotherapy", id="chemotherapy"),
    pytest.param("Resistance to aromatase inhibitors is common.", "aromatase inhibitor", id="aromatase-inhibitors"),
    pytest.param("Resistance to taxanes is common.", "taxane", id="taxanes"),
    pytest.param("Resistance to platinum-based drugs is common.", "platinum drug", id="platinum-based-drugs"),
    pytest.param("Resistance to endocrine therapy is common.", "endocrine therapy", id="endocrine-therapy"),
    pytest.param("A CDK4/6 inhibitor was added to letrozole.", "cdk4/6 inhibitor", id="CDK4/6-inhibitor"),
    # pharmacological classes outside oncology (MeSH pharmacological actions)
    pytest.param("Long-term use of statins lowered the risk of colorectal cancer.", "statin", id="statins"),
    pytest.param("Regular NSAIDs intake was recorded.", "nsaid", id="NSAIDs"),
    pytest.param("Women taking oral contraceptives were excluded.", "oral contraceptive", id="oral-contraceptives"),
    pytest.param("Patients on beta-blockers had fewer events.", "beta-blocker", id="beta-blockers"),
    pytest.param("Two selective serotonin reuptake inhibitors were compared.", "selective serotonin reuptake inhibitor", id="SSRIs"),
    pytest.param("Patients on diuretics had lower sodium.", "diuretic", id="diuretics"),
    pytest.param("Appetite suppressants were withdrawn from the market.", "appetite suppressant", id="appetite-suppressants"),
    pytest.param("Iodinated contrast media can injure the kidney.", "contrast agent", id="contrast-media"),
    pytest.param("Selective COX-2 inhibitors lowered prostaglandin levels.", "cyclooxygenase 2 inhibitor", id="COX-2-inhibitors"),
    pytest.param("Neuromuscular blocking agents were given before intubation.", "neuromuscular blocking agent", id="NMBAs"),
    pytest.param("Patients treated with antibiotics recovered.", "antibiotic", id="antibiotics-with-a-cue"),
]

# The near misses: a class word that names something else in its phrase.
NO_DRUG_CLASS = [
    pytest.param("Cells were kept in medium with antibiotics.", "antibiotics", id="culture-antibiotics"),
    pytest.param("The contraceptive effect of the implant lasted.", "contraceptive", id="contraceptive-alone"),
    pytest.param("The diuretic effect of caffeine was mild.", "diuretic", id="diuretic-effect"),
    pytest.param("The glucocorticoid receptor was expressed in the tumour.", "glucocorticoid", id="glucocorticoid-receptor"),
]


@pytest.mark.parametrize(("text", "norm"), DRUG_CLASSES)
def test_a_drug_class_is_a_drug_class(nlp: Language, text: str, norm: str) -> None:
    assert norm in mentions_of(nlp, text, "drug_class")
    assert norm not in mentions_of(nlp, text, "drug")


@pytest.mark.parametrize(("text", "written"), NO_DRUG_CLASS)
def test_a_class_word_in_another_phrase_is_no_drug_class(nlp: Language, text: str, written: str) -> None:
    assert hits_on(nlp, text, written, ("drug_class",)) == []


def test_a_cdk4_6_inhibitor_names_both_kinases(nlp: Language) -> None:
    assert mentions_of(nlp, "A CDK4/6 inhibitor was added to letrozole.", "gene") == {"CDK4", "CDK6"}


# Words the drug dictionary holds that are no drug here.
NOT_A_DRUG = [
    pytest.param("Flow cytometry remains the gold standard for this assay.", "gold standard", id="gold-standard"),
    pytest.param("Reactive oxygen species accumulated after treatment.", "oxygen", id="reactive-oxygen-species"),
    pytest.param("miR-375 was highest in the luminal subtype.", "luminal", id="luminal-subtype"),
    pytest.param("Viability was measured with the CCK-8 assay.", "CCK-8", id="CCK-8-assay"),
    pytest.param("Silencing HK2 reduced glucose uptake.", "glucose", id="glucose-uptake"),
    pytest.param("Serum estrogen levels were unchanged.", "estrogen", id="estrogen"),
    pytest.param("Intracellular ATP levels fell.", "ATP", id="ATP"),
    pytest.param(
        "Members of the ATP-binding cassette transporter family pump drugs out of the cell.", "ATP-binding",
        id="ATP-binding-cassette-transporter",
    ),
    pytest.param(
        "Efflux is mediated by ATP-binding cassette (ABC) transporters.", "transporters",
        id="ABC-transporters-plural",
    ),
]


@pytest.mark.parametrize(("text", "form"), NOT_A_DRUG)
def test_a_common_word_from_the_drug_dictionary_is_no_drug(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, DRUGS) == []


# Proteins that the drug dictionary also lists: a gene, or nothing, never a drug. (text, form, gene norm or None)
PROTEIN_NOT_DRUG = [
    pytest.param("Loss of E-cadherin marked the invasive front.", "E-cadherin", "CDH1", id="E-cadherin"),
    pytest.param("Cells were starved and stimulated with epidermal growth factor.", "epidermal growth factor", "EGF",
                 id="epidermal-growth-factor"),
    pytest.param("Serum CEA was raised in half of the patients.", "CEA", None, id="CEA"),
]


@pytest.mark.parametrize(("text", "form", "gene"), PROTEIN_NOT_DRUG)
def test_a_protein_in_the_drug_dictionary_is_no_drug(nlp: Language, text: str, form: str, gene: str | None) -> None:
    hits = hits_on(nlp, text, form, ("gene", *DRUGS))
    assert [hit for hit in hits if hit[0] != "gene"] == []
    if gene is not None:
        assert {hit[2] for hit in hits} == {gene}


# --- 4. cell lines ----------------------------------------------------------------------------------------------
CELL_LINE_FORMS = [
    pytest.param("SKBR3 cells were transfected.", {"SK-BR-3"}, id="SKBR3"),
    pytest.param("SK-BR3 cells were transfected.", {"SK-BR-3"}, id="SK-BR3"),
    pytest.param("SK-BR-3 cells were transfected.", {"SK-BR-3"}, id="SK-BR-3"),
    # Cell-line rows with a digit match in any case (needs_exact_case), so a lower-case name is found too.
    pytest.param("Then skbr3 cells were transfected.", {"SK-BR-3"}, id="skbr3-lower-case"),
    pytest.param("BT474 cells were transfected.", {"BT-474"}, id="BT474"),
    pytest.param("MCF7 cells were transfected.", {"MCF-7"}, id="MCF7"),
    pytest.param("MCF-7 cells were transfected.", {"MCF-7"}, id="MCF-7"),
    pytest.param("MDA-MB-231 cells were transfected.", {"MDA-MB-231"}, id="MDA-MB-231"),
    pytest.param("MDA231 cells were transfected.", {"MDA-MB-231"}, id="MDA231"),
    pytest.param("HCT116 cells were transfected.", {"HCT 116"}, id="HCT116"),
    pytest.param("HCT-116 cells were transfected.", {"HCT 116"}, id="HCT-116"),
    pytest.param("Bladder cancer T24 cells were transfected.", {"T24"}, id="T24-with-cells"),
    pytest.param("No change was seen at the T24 time point.", set(), id="T24-without-cue"),
]


@pytest.mark.parametrize(("text", "expected"), CELL_LINE_FORMS)
def test_cell_line_spellings_normalize(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "cell_line") == expected


SUBLINES = [
    pytest.param("SKBR3/TR cells were resistant.", {"SK-BR-3/TR"}, id="SKBR3/TR"),
    pytest.param("MCF-7/ADR cells were resistant.", {"MCF-7/ADR"}, id="MCF-7/ADR"),
    pytest.param("DOXR-MCF-7 cells were resistant.", {"MCF-7/DOXR"}, id="DOXR-MCF-7"),
    pytest.param("MCF-7/MX cells were resistant.", {"MCF-7/MX"}, id="MCF-7/MX"),
    pytest.param("BT474/TR cells were resistant.", {"BT-474/TR"}, id="BT474/TR"),
    pytest.param("A549/DDP cells were resistant.", {"A549/DDP"}, id="A549/DDP"),
    pytest.param("BGC823/5-FU cells were resistant.", {"BGC-823/5-FU"}, id="BGC823/5-FU"),
    pytest.param("HCT116-OxR cells were resistant.", {"HCT 116/OxR"}, id="HCT116-OxR"),
    pytest.param("HCT116 OxR cells were resistant.", {"HCT 116/OxR"}, id="HCT116-space-OxR"),
    pytest.param("MCF7-ADR cells were resistant.", {"MCF-7/ADR"}, id="MCF7-ADR"),
    pytest.param("Both A549 EGFR mutant cells grew.", {"A549"}, id="space-gene-no-subline"),
    pytest.param("Both A549-EGFR cells grew.", {"A549"}, id="hyphen-gene-symbol-no-subline"),
    pytest.param("HeLa-ER cells were used.", {"HeLa"}, id="two-letter-tag-no-subline"),
    pytest.param("HepG2ADM cells were resistant.", {"Hep G2/ADM"}, id="HepG2ADM-glued"),
    pytest.param("K562ADR cells were resistant.", {"K-562/ADR"}, id="K562ADR-glued"),
    pytest.param("U87MG cells were used.", {"U-87 MG"}, id="glued-but-a-line-of-its-own"),
    pytest.param("The T24DDP sample was old.", set(), id="glued-ambiguous-parent-without-cue"),
    pytest.param(
        "A co-culture of MCF-7/MDA-MB-231 cells was set up.", {"MCF-7", "MDA-MB-231"}, id="two-lines-not-a-subline",
    ),
]


# Cellosaurus names (rules/cellosaurus.tsv) count only next to a cell-line cue, then everywhere in the document.
CELLOSAURUS = [
    pytest.param("KU7 cells were treated with curcumin.", {"KU-7"}, id="X-cells"),
    pytest.param("Growth of SF188 and SJ-GBM2 glioma cells fell.", {"SF188", "SJ-GBM2"}, id="X-and-Y-cells"),
    pytest.param("We used the cell lines SF188 and SJ-GBM2.", {"SF188", "SJ-GBM2"}, id="cell-lines-X-and-Y"),
    pytest.param("MC3T3-E1 osteoblast-like cells mineralized.", {"MC3T3-E1"}, id="X-modifier-cells"),
    pytest.param("Mice bore a mouse colon cancer (CMT93) in the liver.", {"CMT93"}, id="cancer-(X)"),
    pytest.param("HT22 cells died. Later, HT22 recovered.", {"HT22"}, id="document-scope"),
    pytest.param("DUCaP cells grew.", {"DuCaP"}, id="mixed-case-varies"),
    pytest.param("Signals in HT22 were weak.", set(), id="no-cue"),
    pytest.param("Signals in KU7 and in cells were weak.", set(), id="cue-after-a-preposition"),
    pytest.param("It is mediated by FS-7 cell-associated surface antigen.", set(), id="cell-associated"),
]


@pytest.mark.parametrize(("text", "expected"), CELLOSAURUS)
def test_a_cellosaurus_name_needs_a_cell_line_cue(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "cell_line") == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Fentanyl 1 ug.kg-1 was given.", id="unit-kg-1"),
        pytest.param("Midazolam 0.03 mg.kg-1 and KG-1 cells.", id="unit-and-line"),
    ],
)
def test_a_unit_in_lower_case_is_no_cell_line(nlp: Language, text: str) -> None:
    assert hits_on(nlp, text, "kg-1", ("cell_line",)) == []


@pytest.mark.parametrize(("text", "expected"), SUBLINES)
def test_a_subline_keeps_its_suffix_on_the_parent(nlp: Language, text: str, expected: set[str]) -> None:
    assert mentions_of(nlp, text, "cell_line") == expected


# (text, subline as written): the suffix is part of the line's name, no drug or gene of its own.
SUBLINE_SUFFIXES = [
    pytest.param(
        "Adriamycin (ADR) accumulated less in MCF-7/ADR cells than in parental cells.", "MCF-7/ADR",
        id="ADR-suffix-no-doxorubicin",
    ),
    pytest.param(
        "Thyroid hormone receptor (TR) levels were similar in SKBR3/TR cells.", "SKBR3/TR", id="TR-suffix-no-gene"
    ),
    pytest.param("Cisplatin (DDP) was less toxic to A549/DDP cells.", "A549/DDP", id="DDP-suffix-no-cisplatin"),
]


@pytest.mark.parametrize(("text", "subline"), SUBLINE_SUFFIXES)
def test_a_subline_suffix_is_no_drug_or_gene(nlp: Language, text: str, subline: str) -> None:
    assert hits_on(nlp, text, subline, ("gene", *DRUGS)) == []
    assert [hit[1] for hit in hits_on(nlp, text, subline, ("cell_line",))] == [subline]


# --- 5. all types in one sentence -------------------------------------------------------------------------------
MIXED = [
    pytest.param(
        "miR-21 targets PTEN and confers gemcitabine resistance in PANC-1 cells.",
        {("mirna", "miR-21"), ("gene", "PTEN"), ("drug", "gemcitabine"), ("cell_line", "PANC-1")},
        id="mir21-pten-gemcitabine-panc1",
    ),
    pytest.param(
        "In SKBR3/TR cells, miR-221/222 silenced PTEN and restored trastuzumab resistance via AKT.",
        {
            ("cell_line", "SK-BR-3/TR"), ("mirna", "miR-221"), ("mirna", "miR-222"), ("gene", "PTEN"),
            ("drug", "trastuzumab"), ("gene", "AKT"),
        },
        id="subline-enumeration-gene-drug",
    ),
    pytest.param(
        "Let-7i lowered HMGA2 and sensitized MCF-7/ADR cells to paclitaxel and other taxanes.",
        {
            ("mirna", "let-7i"), ("gene", "HMGA2"), ("cell_line", "MCF-7/ADR"), ("drug", "paclitaxel"),
            ("drug_class", "taxane"),
        },
        id="let7-gene-subline-drug-class",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MIXED)
def test_every_type_is_found_in_one_sentence(nlp: Language, text: str, expected: set[tuple[str, str]]) -> None:
    assert {(m.type, m.norm) for m in find_mentions(nlp, text)} == expected


# --- 6. concept ids ---------------------------------------------------------------------------------------------
CONCEPT_IDS = [
    pytest.param("Loss of PTEN was frequent.", "gene", "PTEN", "HGNC:9588", id="gene-HGNC"),
    pytest.param("Phosphorylation of Akt increased.", "gene", "AKT", "FPLX:AKT", id="family-FPLX"),
    pytest.param("Patients received trastuzumab.", "drug", "trastuzumab", "DB00072", id="drug-DrugBank"),
    pytest.param("Serum miR-21 was high.", "mirna", "miR-21", "MI0000077", id="mirna-miRBase"),
    pytest.param("MCF-7 cells were transfected.", "cell_line", "MCF-7", "CVCL_0031", id="cell-line-Cellosaurus"),
    pytest.param("MCF-7/ADR cells were transfected.", "cell_line", "MCF-7/ADR", "", id="subline-no-id"),
    pytest.param(
        "Resistance to aromatase inhibitors is common.", "drug_class", "aromatase inhibitor", "MESH:D047072",
        id="drug-class-MeSH",
    ),
]


@pytest.mark.parametrize(("text", "type_", "norm", "concept_id"), CONCEPT_IDS)
def test_a_mention_carries_its_concept_id(nlp: Language, text: str, type_: str, norm: str, concept_id: str) -> None:
    assert {(m.norm, m.concept_id) for m in find_mentions(nlp, text) if m.type == type_} == {(norm, concept_id)}


# --- 7. traps found in real abstracts (rewritten; the comment names the abstract and what it was taken for) -------
# Gene: (text, written form that is no gene). Each was a gene mention once; the cases still marked xfail still are.
REAL_GENE_FALSE_HITS = [
    # PMID:21567082: a T stage (T4) -> CD4
    pytest.param("Patients with locally advanced tumours (cT3/T4 N+) had neoadjuvant chemoradiation.", "T4",
                 id="T4-tumour-stage"),
    # PMID:29199088: a T stage (T2) -> SLC25A5
    pytest.param("Tumours staged T1 or T2 seldom had nodal spread.", "T2",
                 id="T2-tumour-stage"),
    # PMID:29134398: a pathological stage (pT1) -> ZNF77
    pytest.param("Stage pT1 tumours had the lowest miR-21 levels.", "pT1",
                 id="pT1-pathological-stage"),
    # PMID:22114139: the method FISH -> SH3PXD2A
    pytest.param("Gain of the locus was confirmed by FISH on tissue sections.", "FISH",
                 id="FISH-in-situ-hybridization"),
    # PMID:22202009: the statistic R2 -> CD82
    pytest.param("Agreement between the runs was high (R2 = 0.93).", "R2",
                 id="R2-statistic"),
    # PMID:28192117, PMID:29408481: the method ChIP -> STUB1
    pytest.param("Binding of STAT3 to the promoter was confirmed by ChIP and reporter assays.", "ChIP",
                 id="ChIP-assay"),
    # PMID:29720118: the test ANOVA -> NOVA2
    pytest.param("Groups were compared by one-way ANOVA with a post hoc test.", "ANOVA",
                 id="ANOVA"),
    # PMID:25576058, PMID:27876571 (Title Case titles), PMID:28560697 (after a RESULTS: heading): Mice -> MICE
    pytest.param("Metformin Slows Tumour Growth in Obese Mice by Restoring miR-34a", "Mice",
                 id="Mice-in-title-case"),
    # PMID:30021866, PMID:30389902: NETs (neuroendocrine tumours) -> SPINK5
    pytest.param("Serum miRNAs separated small-bowel NETs from pancreatic NETs.", "NETs",
                 id="NETs-neuroendocrine-tumours"),
    # PMID:29780253: the abbreviation HCs closing a sentence, then `A` -> CSH1
    pytest.param("We enrolled 60 patients and 40 healthy controls (HCs). A panel of miRNAs was measured.", "HCs",
                 id="HCs-then-sentence-start"),
    # PMID:27095166: `Growth factor` at a sentence start -> FamPlex Growth_factor
    pytest.param("Growth factor signalling sustains resistance to cetuximab.", "Growth factor",
                 id="Growth-factor-sentence-start"),
    # PMID:26828016: the M1 subunit of ribonucleotide reductase -> MRLN
    pytest.param("Ribonucleotide reductase M1 (RRM1) is a target of miR-101 in resistant cells.", "M1",
                 id="M1-of-ribonucleotide-reductase"),
    # PMID:27471627 (M1 macrophages), PMID:30807603 (M1 metastasis stage): M1 -> MRLN
    pytest.param("Macrophages were pushed toward the M1 phenotype.", "M1",
                 id="M1-macrophage"),
    # PMID:26312830: a bare miRNA number in a list (19a) -> SLAMF7
    pytest.param("Plasma levels of miR-92a, 19a, 29a and 135b were measured.", "19a",
                 id="19a-bare-miRNA-number"),
    # PMID:25151966: the SCF(SKP2) ubiquitin ligase -> KITLG
    pytest.param("p27 is degraded by the SCF(SKP2) ubiquitin ligase.", "SCF",
                 id="SCF-ubiquitin-ligase"),
    # PMID:30306823: the TAT cell-penetrating peptide -> TAT
    pytest.param("The cargo was fused to the cell-penetrating peptide TAT.", "TAT",
                 id="TAT-peptide"),
    # PMID:30341009: adenoviral E1A -> DHTKD1
    pytest.param("The oncolytic adenovirus expressing E1A replicated in tumour cells.", "E1A",
                 id="E1A-adenoviral"),
    # PMID:27081702: TRG defined in square brackets as tumour regression grade -> TRG
    pytest.param("Response was scored by tumour regression grade [TRG], and TRG 4-5 meant no response.", "TRG",
                 id="TRG-defined-in-brackets",
                 marks=xfail("the abbreviation detector (pipeline/preprocess/abbreviations.py) reads definitions "
                             "in round brackets only, so `tumour regression grade [TRG]` defines nothing and TRG "
                             "stays the symbol TRG; a change to the detector, not to the mention rules")),
    # PMID:31096984: BTC defined jointly with PC as biliary tract cancer -> BTC
    pytest.param("Pancreatic and biliary tract cancer (PC and BTC, respectively) were compared; BTC sera were kept.",
                 "BTC", id="BTC-biliary-tract-cancer",
                 marks=xfail("the abbreviation detector (pipeline/preprocess/abbreviations.py) does not read a "
                             "joint definition `(PC and BTC, respectively)`, so BTC stays the symbol of betacellulin")),
    # PMID:17149698: the PAM classifier -> PAM
    pytest.param("Samples were classified with the PAM algorithm.", "PAM",
                 id="PAM-algorithm"),
    # PMID:28236743: a base substitution (G6C) -> LY6G6C
    pytest.param("A single substitution (G6C) in the hairpin stem blocked Dicer cleavage.", "G6C",
                 id="G6C-base-substitution"),
    # PMID:30944658: the TP53 PIN3 polymorphism -> DYNLL1
    pytest.param("Methylation levels in TP53 PIN A1A1 carriers were higher.", "PIN",
                 id="PIN-polymorphism"),
    # PMID:23055106: the colon carcinoma cell line CBS -> CBS
    pytest.param("Knockout clones were derived from the CBS and HCT116 colon carcinoma cell lines.", "CBS",
                 id="CBS-cell-line",
                 marks=xfail("CBS is both a colon carcinoma line and cystathionine beta-synthase, common in "
                             "metabolism papers; a cell-line row with the `ambiguous` note would take every CBS near "
                             "`cells` from the gene (`CBS knockdown cells`), so no general rule separates them")),
    # PMID:29800682: MIA PaCa-2 glued to `cells` -> MIA
    pytest.param("Exosomes shed by MIA PaCa-2cells lowered GLP-1 release.", "MIA",
                 id="MIA-of-MIA-PaCa-2",
                 marks=xfail("`PaCa-2cells` keys as one piece ('2cells'), so the line MIA PaCa-2 is not found and MIA"
                             " stays the gene; splitting a word glued to a number is a key change with risks of its "
                             "own")),
    # PMID:25639539: a subline name starting with L3.6pl -> RPL3
    pytest.param("Side-population L3.6plGres cells formed larger tumours.", "L3.6plGres",
                 id="L3-of-L3.6pl"),
    # PMID:25497975: the B7 ligand family -> LRRC23
    pytest.param("Variants in the B7 family of co-stimulatory ligands were genotyped.", "B7",
                 id="B7-family"),
    # PMID:23272057: CDF, a curcumin analogue used as a drug -> LIF
    pytest.param("Difluorinated curcumin (CDF) lowered miR-21, and CDF also reduced sphere formation.", "CDF",
                 id="CDF-defined-as-curcumin-analogue"),
    pytest.param("The curcumin analogue CDF reduced expression of miR-21 and IL-6 in spheres.", "CDF",
                 id="CDF-curcumin-analogue-undefined",
                 marks=xfail("the alias CDF (LIF) is weak-short, but the gene cue `expression` follows it within the "
                             "20-character window; only a definition in the document (`Difluorinated curcumin (CDF)`) "
                             "says it is the drug")),
]


@pytest.mark.parametrize(("text", "form"), REAL_GENE_FALSE_HITS)
def test_real_abstract_trap_is_no_gene(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, GENES) == []


# Drug: (text, written form that is no drug). Each was a drug mention once.
REAL_DRUG_FALSE_HITS = [
    # PMID:19825969: `at >10-fold` -> dihydrotachysterol (synonym AT 10)
    pytest.param("Four miRNAs rose at >10-fold in resistant tumours.", "at",
                 id="at-10-fold"),
    # PMID:21329664: the beta2 adrenergic receptor -> isoetharine
    pytest.param("Stimulating the beta2 adrenergic receptor raised proliferation.", "beta2",
                 id="beta2-receptor"),
    # PMID:23149065: the TUNEL reagent biotin-dUTP -> biotin
    pytest.param("Apoptosis was scored by deoxynucleotidyl transferase biotin-dUTP nick end labelling.", "biotin",
                 id="biotin-dUTP-reagent"),
    # PMID:30681889: the stain FITC written out -> fluorescein
    pytest.param("Cells were stained with annexin V-fluorescein isothiocyanate.", "fluorescein",
                 id="fluorescein-stain"),
    # PMID:23544170: the enzyme alkaline phosphatase -> drug
    pytest.param("Differentiation raised alkaline phosphatase activity.", "alkaline phosphatase",
                 id="alkaline-phosphatase-enzyme"),
    # PMID:23827854: the written-out name of AMPK -> adenine nucleotides
    pytest.param("Metformin activated 5' adenosine monophosphate-activated protein kinase.", "adenosine",
                 id="AMP-of-AMPK"),
    # PMID:26036346, PMID:26677401, PMID:30417287: mucins (glycoproteins) -> drug
    pytest.param("miR-145 represses the MUC1 mucin in pancreatic cells.", "mucin",
                 id="MUC1-mucin"),
    pytest.param("Tumours were stained for cytokeratins and mucins.", "mucins",
                 id="mucins"),
    # PMID:26716902: the cytokine LIF written out -> drug
    pytest.param("Leukemia inhibitory factor (LIF) induces miR-21 through STAT3.", "Leukemia inhibitory factor",
                 id="leukemia-inhibitory-factor"),
    # PMID:26913609: MHC class I molecules -> histocompatibility antigens class i
    pytest.param("Loss of MHC class I molecules allowed immune escape.", "MHC class I",
                 id="MHC-class-I"),
    # PMID:28383557: natural killer cells -> drug
    pytest.param("Silencing these miRNAs enhanced natural killer cell-mediated killing.", "natural killer cell",
                 id="natural-killer-cell"),
    # PMID:27624777: an enzyme class named after its cofactor -> s-adenosylmethionine
    pytest.param("Blocking S-adenosylmethionine-dependent methyltransferases reversed EMT.", "S-adenosylmethionine",
                 id="SAM-dependent-enzyme"),
    # PMID:29549908: the DNA mark 5-methylcytosine -> drug
    pytest.param("Global 5-methylcytosine content fell after miR-29 overexpression.", "5-methylcytosine",
                 id="5-methylcytosine-DNA-mark"),
    # PMID:28176652: the vegetable kale -> drug
    pytest.param("Sulforaphane is abundant in vegetables such as kale and broccoli.", "kale",
                 id="kale-vegetable"),
    # PMID:29800682: the hormone GIP written out -> gastric inhibitory polypeptide
    pytest.param("Patients had lower glucose-dependent insulinotropic peptide in serum.",
                 "glucose-dependent insulinotropic peptide",
                 id="GIP-hormone"),
    # PMID:30134821: the protein name of CHL1 -> neural cell adhesion molecules
    pytest.param("The neural cell adhesion molecule L1 is a target of miR-34a.", "neural cell adhesion molecule",
                 id="neural-cell-adhesion-molecule"),
    # PMID:31015415: the protein name of PHLPP2 -> leucine
    pytest.param("miR-25 represses PH domain leucine-rich repeat protein phosphatase 2.", "leucine",
                 id="leucine-rich-repeat"),
    # PMID:31311829: the glypican pathway -> glypicans
    pytest.param("Target genes were enriched in the Glypican pathway.", "Glypican",
                 id="glypican"),
    # PMID:29111329: procollagen C-peptide -> c-peptide
    pytest.param("Stellate cells released more procollagen type I C-peptide.", "C-peptide",
                 id="procollagen-C-peptide"),
    # PMID:30226598: the TCA cycle -> tricarboxylic acids
    pytest.param("Glutamine fuels the tricarboxylic acid cycle in these cells.", "tricarboxylic acid",
                 id="TCA-cycle"),
]


@pytest.mark.parametrize(("text", "form"), REAL_DRUG_FALSE_HITS)
def test_real_abstract_trap_is_no_drug(nlp: Language, text: str, form: str) -> None:
    assert hits_on(nlp, text, form, DRUGS) == []


# PMID:26998056: the written-out name of HER2 -> drug nepidermin and gene EGFR
def test_the_long_name_of_her2_is_erbb2(nlp: Language) -> None:
    text = "Amplification of human epidermal growth factor receptor 2 predicts benefit from trastuzumab."
    assert mentions_of(nlp, text, "gene") == {"ERBB2"}
    assert mentions_of(nlp, text, "drug") == {"trastuzumab"}


# The written text of a mention is its name, whatever the tokenizer made of the surrounding characters.
# PMID:24246865 (a list without spaces), PMID:26790446 and PMID:27690301 (a line glued to a word by a hyphen),
# PMID:22235338 (a line glued to a bracket).
CELL_LINE_TEXTS = [
    pytest.param("PANC-1 and BxPC-3 cells were transfected.", {("PANC-1", "PANC-1"), ("BxPC-3", "BxPC-3")},
                 id="plain-list"),
    pytest.param(
        "PANC-1, MIA PaCa-2,BxPC-3 and AsPC-1 cells were transfected.",
        {("PANC-1", "PANC-1"), ("MIA PaCa-2", "MIA PaCa-2"), ("BxPC-3", "BxPC-3"), ("AsPC-1", "AsPC-1")},
        id="comma-without-space",
    ),
    pytest.param(
        "Stem-like PC9-CSCs resisted gefitinib.", {("PC9", "PC-9")}, id="line-glued-to-a-word",
    ),
    pytest.param(
        "Migration of HCT-116(vector) cells was slower.", {("HCT-116", "HCT 116")}, id="line-glued-to-a-bracket",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CELL_LINE_TEXTS)
def test_a_cell_line_mention_spans_exactly_its_name(nlp: Language, text: str, expected) -> None:
    assert written_of(nlp, text, "cell_line") == expected


# --- 8. the general rules behind the fixes above, each on a sentence of its own ----------------------------------
# (text, type, expected {(written text, norm)} of that type)
GENERAL_RULES = [
    # exact offsets: a name inside a longer token keeps its own characters
    pytest.param("The EGFR-KRAS axis was intact.", "gene", {("EGFR", "EGFR"), ("KRAS", "KRAS")},
                 id="exact-offsets-hyphen-joined-genes"),
    pytest.param("SW480,SW620 and HT-29 cells were compared.", "cell_line",
                 {("SW480", "SW480"), ("SW620", "SW620"), ("HT-29", "HT-29")}, id="exact-offsets-list-without-spaces"),
    # a hyphen between a number and a lone letter is spelling
    pytest.param("Its ligand CD40-L was induced.", "gene", {("CD40-L", "CD40LG")}, id="number-hyphen-letter-glues"),
    # slash enumerations after a symbol ending in a number
    pytest.param("Inhibiting JAK1/2 lowered STAT3.", "gene", {("JAK1", "JAK1"), ("2", "JAK2"), ("STAT3", "STAT3")},
                 id="enumeration-JAK1/2"),
    pytest.param("The CDK2/4/6 inhibitor was potent.", "gene", {("CDK2", "CDK2"), ("4", "CDK4"), ("6", "CDK6")},
                 id="enumeration-of-three"),
    pytest.param("Phosphorylated ERK1/2 rose.", "gene", {("ERK1/2", "ERK")}, id="enumeration-the-lexicon-lists-whole"),
    pytest.param("Levels of PCSK1/3 rose.", "gene", {("PCSK1", "PCSK1")}, id="enumeration-no-alias-items"),
    # a cell line after a subline slash is two lines
    pytest.param("Co-cultures of SKBR3/MDA-MB-468 cells were set up.", "cell_line",
                 {("SKBR3", "SK-BR-3"), ("MDA-MB-468", "MDA-MB-468")}, id="two-lines-with-a-two-part-name"),
    # mixed case: an alias with its own lower case may vary it; a curated row keeps a mixed-case alias
    pytest.param("Bcl-XL and iASPP were induced.", "gene", {("Bcl-XL", "BCL2L1"), ("iASPP", "PPP1R13L")},
                 id="mixed-case-aliases-kept"),
    pytest.param("The NETs of neutrophils trapped tumour cells.", "gene", set(), id="mixed-case-of-a-capital-alias"),
    # a structured abstract's heading starts a sentence
    pytest.param("RESULTS: Mice lacking miR-155 developed fewer tumours.", "gene", set(), id="word-after-a-heading"),
    # a drug at the head of an enzyme or protein name
    pytest.param("Histone lysine-N-methyltransferase activity fell.", "drug", set(), id="drug-inside-an-enzyme-name"),
    pytest.param("Heparin-binding proteins were enriched.", "drug", set(), id="drug-before-binding-proteins"),
    pytest.param("Doxorubicin increases apoptosis.", "drug", {("Doxorubicin", "doxorubicin")},
                 id="drug-before-a-verb-in-ases"),
    # a drug-dictionary entry without a DrugBank id needs a drug cue
    pytest.param("Arsenic exposure altered plasma miRNAs.", "drug", set(), id="no-drugbank-id-without-a-cue"),
    pytest.param("Cells were treated with matrine for 24 h.", "drug", {("matrine", "matrines")},
                 id="no-drugbank-id-with-a-cue"),
    # a dictionary entry without a DrugBank id that has a MedlinePlus drug page is a medicine: no cue needed
    pytest.param("Mycophenolate lowered miR-155 in the graft.", "drug", {("Mycophenolate", "mycophenolate")},
                 id="medlineplus-medicine-without-a-cue"),
    pytest.param("Thyroid nodules expressed miR-146b.", "drug", set(), id="medlineplus-organ-name-stop-listed"),
    pytest.param("Levels of prostaglandin E(2) rose.", "drug", set(), id="endogenous-prostaglandin-e"),
    # an organism the drug dictionary lists as a probiotic is no drug, nor is its defined short form
    pytest.param("Lactobacillus reuteri (LR) colonised the gut, and LR-fed mice gained weight.", "drug", set(),
                 id="probiotic-organism"),
    pytest.param("Plasmids were grown in Escherichia coli.", "drug", set(), id="expression-host-organism"),
    # hand-kept forms the dictionary lacks or writes only in lower case
    pytest.param("Patients on lithium had lower miR-34a.", "drug", {("lithium", "lithium")}, id="lithium"),
    pytest.param("Splenocytes were cultured with FK506 or FK 506 from another lot.", "drug",
                 {("FK506", "tacrolimus"), ("FK 506", "tacrolimus")}, id="code-name-joined-and-spaced"),
    pytest.param("Gefitinib (ZD 1839) and STI-571 were compared with STI 571.", "drug",
                 {("Gefitinib", "gefitinib"), ("ZD 1839", "gefitinib"), ("STI-571", "imatinib"), ("STI 571", "imatinib")},
                 id="code-name-of-one-piece-written-apart"),
    pytest.param("Patients of the RTOG 9704 trial got no AB 1234.", "drug", set(), id="trial-number-is-no-code-name"),
    # a code name no lexicon lists, with a drug cue by one occurrence (rules/drug_codes.jsonl)
    pytest.param("Cells took the kinase inhibitor SD-208, and SD-208 lowered invasion.", "drug",
                 {("SD-208", "SD-208")}, id="code-name-with-a-cue"),
    pytest.param("CB 3717 was given at 50 mg/kg. Later, CB 3717 levels fell.", "drug", {("CB 3717", "CB 3717")},
                 id="code-name-apart-with-a-dose"),
    pytest.param("Samples of the HX 4410 series were sequenced.", "drug", set(), id="code-name-without-a-cue"),
    pytest.param("Arrays are in GSE12345; the drug cohort was large.", "drug", set(), id="GEO-accession"),
    pytest.param("The NCCN 2019 guidelines list the drugs.", "drug", set(), id="a-name-and-a-year"),
    pytest.param("Rats got PCPA 300 mg/kg before the drug test.", "drug", set(), id="an-abbreviation-and-its-dose"),
    pytest.param("The inhibitor reached HCT116 and GPR120 cells.", "drug", set(), id="a-listed-line-and-gene"),
    pytest.param("Adrenaline raised the heart rate.", "drug", {("Adrenaline", "epinephrine")}, id="adrenaline"),
    pytest.param("Glioma patients received CCNU at 110 mg/m2.", "drug", {("CCNU", "lomustine")},
                 id="lower-case-only-abbreviation-in-capitals"),
    pytest.param("Glioma patients received CCNU at 110 mg/m2.", "gene", set(), id="CCNU-is-no-gene"),
    # a short form defined by a systematic chemical name keeps its own lexicon reading
    pytest.param("Rats received 1-(2-chloroethyl)-3-cyclohexyl-1-nitrosourea (CCNU); CCNU slowed growth.", "drug",
                 {("CCNU", "lomustine")}, id="defined-by-a-chemical-name"),
    pytest.param("Tumours were given cisplatin (cis-dichlorodiammineplatinum, the platinum complex CDDP).", "drug",
                 {("cisplatin", "cisplatin"), ("CDDP", "cisplatin")}, id="drug-then-its-chemical-name-in-brackets"),
    # a bracket that defines a short form and then says more (a dose, a count)
    pytest.param("Dogs were given diethylstilbestrol (DES, 5 mg daily); DES raised miR-21.", "drug",
                 {("diethylstilbestrol", "diethylstilbestrol"), ("DES", "diethylstilbestrol")},
                 id="definition-then-a-dose"),
    pytest.param("Patients given sodium nitroprusside (SNP, n = 9) or SNP with saline.", "drug",
                 {("sodium nitroprusside", "nitroprusside"), ("SNP", "nitroprusside")}, id="definition-then-a-count"),
    pytest.param("Rats received diethylnitrosamine (DEN: 10 mg/kg/day); DEN caused foci.", "drug",
                 {("diethylnitrosamine", "diethylnitrosamine"), ("DEN", "diethylnitrosamine")},
                 id="definition-then-a-colon-and-a-dose"),
    # another short form in brackets inside the window is no part of a long form
    pytest.param("The gain of carboplatin (CBDCA) over cisplatin (CDDP) is less neuropathy; CDDP harmed nerves.", "drug",
                 {("carboplatin", "carboplatin"), ("CBDCA", "carboplatin"), ("cisplatin", "cisplatin"),
                  ("CDDP", "cisplatin")}, id="long-form-skips-a-bracketed-short-form"),
    # a short form defined in lower case starts a sentence with a capital; mid-sentence a capital is another word
    pytest.param("Mice got regorafenib (rego) daily. Rego slowed tumour growth.", "drug",
                 {("regorafenib", "regorafenib"), ("rego", "regorafenib"), ("Rego", "regorafenib")},
                 id="lower-case-short-form-capitalized-at-a-sentence-start"),
    pytest.param("Mice got regorafenib (rego) daily. The Rego lab repeated it.", "drug",
                 {("regorafenib", "regorafenib"), ("rego", "regorafenib")}, id="capitalized-mid-sentence-is-another-word"),
    pytest.param("Loss of the suppressors (PTEN, TP53) and PTEN-null cells.", "gene",
                 {("PTEN", "PTEN"), ("TP53", "TP53")}, id="a-list-of-names-defines-nothing"),
    # the symbol Li is lithium only where the document says lithium
    pytest.param("Lithium raised the fractional Li excretion.", "drug", {("Lithium", "lithium"), ("Li", "lithium")},
                 id="Li-with-lithium-in-the-document"),
    pytest.param("As Li and colleagues showed, miR-21 rose.", "drug", set(), id="Li-a-surname"),
    pytest.param("Grafts on ciclosporin did well, and CSA levels were stable.", "drug",
                 {("ciclosporin", "cyclosporine"), ("CSA", "cyclosporine")}, id="CSA-with-cyclosporine-named"),
    pytest.param("ASA class II patients were enrolled.", "drug", set(), id="ASA-physical-status"),
    pytest.param("Women on ethinyl estradiol took EE daily.", "drug",
                 {("ethinyl estradiol", "ethinylestradiol"), ("EE", "ethinylestradiol")},
                 id="ethinyl-estradiol-not-estradiol"),
    # a long form with a salt after the drug's name defines the drug; an ester is another compound
    pytest.param("Patients took otilonium bromide (OB), and OB eased the pain.", "drug",
                 {("otilonium", "otilonium"), ("OB", "otilonium")}, id="salt-long-form"),
    pytest.param("Neurons released pregnenolone sulfate (PREGS), and PREGS rose.", "drug",
                 {("pregnenolone", "pregnenolone")}, id="sulfate-ester-long-form"),
    # a common word and a number is no term
    pytest.param("Expression rose in 12 of 20 tumours at 10 weeks.", "drug", set(), id="word-and-number"),
    # names added to the gene lexicon win over the drug dictionary
    pytest.param("Leukaemia inhibitory factor was secreted.", "gene", {("Leukaemia inhibitory factor", "LIF")},
                 id="LIF-british-spelling"),
    # context rules with support
    pytest.param("Stem cell factor (SCF) binds its receptor, and SCF levels rose.", "gene",
                 {("Stem cell factor", "KITLG"), ("SCF", "KITLG")}, id="SCF-with-support"),
]


@pytest.mark.parametrize(("text", "type_", "expected"), GENERAL_RULES)
def test_a_general_rule_on_a_sentence_of_its_own(nlp: Language, text: str, type_: str, expected) -> None:
    assert written_of(nlp, text, type_) == expected


def test_an_enumerated_gene_spans_only_its_number(nlp: Language) -> None:
    text = "A CDK4/6 inhibitor was added."
    item = next(m for m in find_mentions(nlp, text) if m.norm == "CDK6")
    assert (text[item.start : item.end], item.rule) == ("6", "gene.slash_item")

