"""The miRNA-gene relations of the guideline (targets, regulates, regulated_by) and their direction, on sentences
written for these tests: for each phrasing the rules read, the hit and the near miss that must stay quiet."""

from __future__ import annotations

import pytest

from pipeline.ingest import detect_sections
from pipeline.schema import Document


def findings(extractor, text: str) -> set[tuple[str, str, str, str]]:
    """(miRNA, relation, direction, partner) of every non-negated relation of the text."""
    document = Document("t", text, detect_sections(text), source="test", format="txt")
    return {(r.mirna, r.relation, r.direction, r.partner) for r in extractor(document).relations if not r.negated}


TARGETING_EVIDENCE = [
    pytest.param("PTEN is a direct target of miR-21 in liver cells.", {("miR-21", "targets", "down", "PTEN")}, id="direct-target-of"),
    pytest.param("SOX4 is a downstream target gene of miR-129.", {("miR-129", "targets", "down", "SOX4")}, id="downstream-target-gene-of"),
    pytest.param("FOXO1 was identified as a functional target of miR-96.", {("miR-96", "targets", "down", "FOXO1")}, id="identified-as-target"),
    pytest.param(
        "miR-30c reduced invasion, and MTA1 was identified as a target.", {("miR-30c", "targets", "down", "MTA1")},
        id="identified-as-a-target-miRNA-before",
    ),
    pytest.param("miR-101 targeted the 3'-UTR of EZH2.", {("miR-101", "targets", "down", "EZH2")}, id="targeted-the-3utr"),
    pytest.param("miR-143 acts by binding to the 3' UTR of KRAS mRNA.", {("miR-143", "targets", "down", "KRAS")}, id="binding-to-3utr"),
    pytest.param(
        "We found a functional target sequence for miR-200a in the 3' UTR of ZEB2.", {("miR-200a", "targets", "down", "ZEB2")},
        id="target-sequence-in-3utr",
    ),
    pytest.param("CDK6 was directly regulated by miR-124.", {("miR-124", "targets", "down", "CDK6")}, id="directly-regulated-by"),
    pytest.param("HEPN1 may be a potential target of miR-21.", {("miR-21", "targets", "down", "HEPN1")}, id="may-be-a-target-hedged-row"),
    pytest.param(
        "Prediction tools listed potential targets of miR-155, including SHIP1 and CEBPB.",
        {("miR-155", "targets", "down", "INPP5D"), ("miR-155", "targets", "down", "CEBPB")},
        id="potential-targets-including",
    ),
    pytest.param(
        "YAP1 and TEAD1 were confirmed as miR-375 targets.",
        {("miR-375", "targets", "down", "YAP1"), ("miR-375", "targets", "down", "TEAD1")},
        id="confirmed-as-mirna-targets",
    ),
    pytest.param("Downregulation of ULK1 by miR-372 blocked autophagy.", {("miR-372", "targets", "down", "ULK1")}, id="noun-by-mirna"),
    pytest.param(
        "TRAF6, an adaptor of the IL-1 receptor pathway, is a direct target of miR-146b.",
        {("miR-146b", "targets", "down", "TRAF6")}, id="target-of-after-an-appositive",
    ),
    pytest.param("In lung cells, E2F3 is another validated target of miR-34a.", {("miR-34a", "targets", "down", "E2F3")}, id="another-target"),
    pytest.param("We showed SIRT1 to be a target of miR-199a.", {("miR-199a", "targets", "down", "SIRT1")}, id="to-be-a-target"),
    pytest.param("CCND2 was defined as a direct target of miR-206.", {("miR-206", "targets", "down", "CCND2")}, id="defined-as-target"),
    pytest.param("The best predicted target of miR-29b is DNMT3B.", {("miR-29b", "targets", "down", "DNMT3B")}, id="target-of-mirna-is-gene"),
    pytest.param("High levels of the RB1-targeting miR-106a were found.", {("miR-106a", "targets", "down", "RB1")}, id="gene-targeting-mirna"),
    pytest.param("SOX2 was identified as a miR-145-targeted gene.", {("miR-145", "targets", "down", "SOX2")}, id="mirna-targeted-gene"),
    pytest.param(
        "We tested FOXO3 mRNA as an miR-155 target in these cells.", {("miR-155", "targets", "down", "FOXO3")}, id="mrna-as-an-target",
    ),
    pytest.param(
        "miR-27a binds the 3'-untranslated region (3'-UTR) of FBXW7 mRNA.", {("miR-27a", "targets", "down", "FBXW7")},
        id="3utr-with-its-abbreviation",
    ),
    pytest.param("miR-125b bound to the BAK1 3'UTR in reporter assays.", {("miR-125b", "targets", "down", "BAK1")}, id="bound-to-gene-3utr"),
    pytest.param(
        "Reporter assays confirmed the binding of miR-204 on the SIRT1 3'UTR.", {("miR-204", "targets", "down", "SIRT1")},
        id="binding-of-mirna-on-gene-3utr",
    ),
    pytest.param("miR-494 acts by direct targeting of TET1.", {("miR-494", "targets", "down", "TET1")}, id="targeting-of-noun"),
    pytest.param(
        "High PDCD4, a target gene of miR-21, can regulate the expression of the transporter ABCC5.",
        {("miR-21", "targets", "down", "PDCD4")}, id="mirna-in-an-appositive-is-no-agent-after-it",
    ),
    pytest.param(
        "miR-132 targets the neuronal splicing factor PTBP2.", {("miR-132", "targets", "down", "PTBP2")}, id="descriptor-ending-in-a-head-noun",
    ),
]

TARGETING_NEAR_MISSES = [
    pytest.param("EGFR is a target for therapy and miR-7 is low in these tumours.", id="target-for-therapy"),
    pytest.param("We asked whether miR-21 directly targets PTEN in these cells.", id="open-question"),
    pytest.param("It remains unclear whether miR-9 represses CDH1.", id="remains-unclear"),
    pytest.param("Let-7b, miR-16 and their target genes CCND1 and MYC were measured.", id="their-target-genes-unpaired"),
    pytest.param("The targets of miR-21 were identified with PTEN reporters.", id="targets-of-mirna-were-verb"),
    pytest.param("TP53, a gene mutated in most tumours, was not a target of miR-125b.", id="appositive-then-not-a-target"),
    pytest.param("The CDK6-targeting siRNA and miR-9 were transfected.", id="gene-targeting-other-agent"),
]


@pytest.mark.parametrize(("text", "expected"), TARGETING_EVIDENCE)
def test_every_form_of_targeting_evidence(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


@pytest.mark.parametrize("text", TARGETING_NEAR_MISSES)
def test_targeting_words_without_a_stated_targeting(extractor, text: str) -> None:
    assert findings(extractor, text) == set()


ENUMERATIONS = [
    pytest.param(
        "The miR-106b/25 cluster promotes growth by targeting E2F1.",
        {("miR-106b", "targets", "down", "E2F1"), ("miR-25", "targets", "down", "E2F1")},
        id="cluster-gives-both-mirnas",
    ),
    pytest.param(
        "Both genes are targeted by miR-34a via binding sites in the 3'-UTRs of CDK4 and CDK6.",
        {("miR-34a", "targets", "down", "CDK4"), ("miR-34a", "targets", "down", "CDK6")},
        id="both-3utrs",
    ),
    pytest.param("miR-15a targets the anti-apoptotic protein BCL-2.", {("miR-15a", "targets", "down", "BCL2")}, id="descriptor-before-gene"),
    pytest.param("miR-101 targets the small GTPase RAC1.", {("miR-101", "targets", "down", "RAC1")}, id="descriptor-small-gtpase"),
    pytest.param(
        "miR-182 targets the DNA repair-associated gene BRCA1.", {("miR-182", "targets", "down", "BRCA1")},
        id="descriptor-compound-adjective",
    ),
    pytest.param(
        "CDK4 and CDK6 were direct targets of miR-124.",
        {("miR-124", "targets", "down", "CDK4"), ("miR-124", "targets", "down", "CDK6")}, id="coordinated-genes-target-of",
    ),
    pytest.param(
        "BCL2, MCL1 and BIRC5 are targeted by miR-29b.",
        {("miR-29b", "targets", "down", "BCL2"), ("miR-29b", "targets", "down", "MCL1"), ("miR-29b", "targets", "down", "BIRC5")},
        id="coordinated-genes-targeted-by",
    ),
    pytest.param(
        "miR-21-5p and -3p altered expression of CXCL10.",
        {("miR-21-5p", "regulates", "", "CXCL10"), ("miR-21-3p", "regulates", "", "CXCL10")}, id="the-other-arm-elliptic",
    ),
    pytest.param(
        "miR-16 acts by targeting multiple oncogenes, including BCL2 and WNT3A.",
        {("miR-16", "targets", "down", "BCL2"), ("miR-16", "targets", "down", "WNT3A")},
        id="multiple-oncogenes-including",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ENUMERATIONS)
def test_enumerations_and_coordination(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


INVERSE_AND_DIRECTION = [
    pytest.param("Silencing of miR-21 led to the accumulation of PDCD4.", {("miR-21", "targets", "down", "PDCD4")}, id="silencing-accumulation"),
    pytest.param(
        "Downregulation of the oncogenic miR-155 resulted in upregulation of the tumor suppressor SHIP1.",
        {("miR-155", "targets", "down", "INPP5D")}, id="loss-of-a-described-mirna",
    ),
    pytest.param("RECK protein decreased after transfection with miR-21 mimics.", {("miR-21", "targets", "down", "RECK")}, id="decreased-after-mimics"),
    pytest.param("Knockdown of miR-221 restored p27 expression.", {("miR-221", "targets", "down", "CDKN1B")}, id="knockdown-restored"),
    pytest.param("A miR-10b antagomir increased HOXD10 levels.", {("miR-10b", "targets", "down", "HOXD10")}, id="antagomir-raised"),
    pytest.param("Knockdown of miR-17 reduced VEGFA expression.", {("miR-17", "regulates", "up", "VEGFA")}, id="knockdown-lowered-gene"),
    pytest.param(
        "Knockdown of miR-155 inhibits growth by targeting SOCS1.", {("miR-155", "targets", "down", "SOCS1")},
        id="knockdown-with-targeting-evidence-still-targets",
    ),
    pytest.param(
        "Silencing of miR-30a raised the level of its target gene BECN1.", {("miR-30a", "targets", "down", "BECN1")},
        id="silencing-raised-its-target-gene",
    ),
    pytest.param(
        "PTEN protein levels decreased in HeLa cells overexpressing miR-21.", {("miR-21", "targets", "down", "PTEN")},
        id="in-cells-overexpressing",
    ),
    pytest.param(
        "Pre-miR-155 transfection reduced apoptosis, whereas BCL2 expression was upregulated.",
        {("miR-155", "regulates", "up", "BCL2")}, id="transfection-then-whereas",
    ),
    pytest.param(
        "miR-99a inhibits the AKT/mTOR signaling pathway.",
        {("miR-99a", "regulates", "down", "AKT"), ("miR-99a", "regulates", "down", "MTOR")}, id="slash-pair-of-a-family-kept",
    ),
    pytest.param(
        "miR-429 sensitizes pancreatic cancer cells to gemcitabine through regulation of PDCD4.",
        {("miR-429", "sensitizes", "up", "gemcitabine"), ("miR-429", "regulates", "", "PDCD4")}, id="through-a-noun-after-an-active-verb",
    ),
    pytest.param("miR-145 inhibits growth by suppression of MUC1.", {("miR-145", "targets", "down", "MUC1")}, id="by-a-noun-after-an-active-verb"),
    pytest.param(
        "miR-21 targets several genes that include PTEN and RECK.",
        {("miR-21", "targets", "down", "PTEN"), ("miR-21", "targets", "down", "RECK")}, id="genes-that-include",
    ),
    pytest.param(
        "miR-15a and miR-221, respectively, inhibit BCL2 and CDKN1B.",
        {("miR-15a", "regulates", "down", "BCL2"), ("miR-221", "regulates", "down", "CDKN1B")}, id="respectively-pairs-in-order",
    ),
    pytest.param(
        "miR-150 raised the levels of tumor suppressors such as BIM and p53.",
        {("miR-150", "regulates", "up", "BCL2L11"), ("miR-150", "regulates", "up", "TP53")}, id="descriptor-that-is-a-direction-word",
    ),
    pytest.param(
        "miR-346 up-regulates Argonaute 2 (AGO2) protein expression.", {("miR-346", "regulates", "up", "AGO2")},
        id="gene-after-its-long-form-in-brackets",
    ),
    pytest.param(
        "miR-150 reduced levels of phosphorylated AKT in these cells.", {("miR-150", "regulates", "down", "AKT")},
        id="phosphorylated-names-the-active-form",
    ),
    pytest.param(
        "FNDC3B was identified as the direct and functional target of miR-143.", {("miR-143", "targets", "down", "FNDC3B")},
        id="coordinated-adjectives-of-target",
    ),
    pytest.param(
        "Higher E2F1, one of the known miR-93 targets, was seen.", {("miR-93", "targets", "down", "E2F1")}, id="one-of-the-mirna-targets",
    ),
    pytest.param(
        "FOXO1 and SIRT1 transcripts are repressed by miR-182 and miR-34a, respectively.",
        {("miR-182", "targets", "down", "FOXO1"), ("miR-34a", "targets", "down", "SIRT1")}, id="respectively-in-a-passive",
    ),
    pytest.param(
        "miR-15a and miR-221 inhibit BCL2 and CDKN1B expression.",
        {(m, "targets", "down", g) for m in ("miR-15a", "miR-221") for g in ("BCL2", "CDKN1B")}, id="without-respectively-every-pair",
    ),
    pytest.param("miR-373 upregulates CDH1 expression.", {("miR-373", "regulates", "up", "CDH1")}, id="mirna-raises-gene"),
    pytest.param(
        "STAT3 expression in gastric cells is regulated in part by miR-20a.", {("miR-20a", "regulates", "", "STAT3")},
        id="passive-after-a-place",
    ),
    pytest.param("miR-181a activates AKT in these cells.", {("miR-181a", "regulates", "up", "AKT")}, id="activates"),
    pytest.param("miR-7 reduced the phosphorylation of ERK.", {("miR-7", "regulates", "down", "ERK")}, id="phosphorylation-lowered"),
    pytest.param(
        "miR-221 regulates the PTEN/AKT signaling pathway.",
        {("miR-221", "regulates", "", "PTEN"), ("miR-221", "regulates", "", "AKT")},
        id="regulates-a-pathway",
    ),
]

DIRECTION_NEAR_MISSES = [
    # `through PTEN` and `the miR-155/SOCS1 axis` are tests/test_relations.py's NOT_RELATIONS.
    pytest.param("p53-dependent apoptosis was induced by miR-34a.", id="gene-as-modifier"),
    pytest.param("miR-200c expression was inversely correlated with ZEB1.", id="correlation"),
    pytest.param("A miR-34a mimic together with siRNA was used to silence PLK1.", id="another-agent"),
    pytest.param("PTEN protein was measured after transfection with miR-21 mimics.", id="methods-sentence"),
    pytest.param("miR-200a levels were low while ZEB1 levels were increased in the tumours.", id="two-changes-side-by-side"),
    pytest.param("PTEN levels were low in cells expressing miR-21.", id="cells-expressing-is-no-agent"),
    pytest.param("miR-21 reduced cell proliferation (PTEN).", id="bracketed-gene-after-words-that-are-not-its-long-form"),
    pytest.param("miR-155 expression changed with upregulation of the MAPK pathway.", id="a-noun-after-with-is-a-setting"),
]


@pytest.mark.parametrize(("text", "expected"), INVERSE_AND_DIRECTION)
def test_inverse_forms_and_direction(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


@pytest.mark.parametrize("text", DIRECTION_NEAR_MISSES)
def test_no_gene_relation_from_modifiers_axes_and_correlations(extractor, text: str) -> None:
    assert findings(extractor, text) == set()


REGULATED_BY = [
    pytest.param("MYC upregulates miR-17 in lymphoma cells.", {("miR-17", "regulated_by", "up", "MYC")}, id="gene-upregulates-mirna"),
    pytest.param("HIF-1α induced miR-210 under hypoxia.", {("miR-210", "regulated_by", "up", "HIF1A")}, id="induced"),
    pytest.param("miR-210 was induced by HIF-1α.", {("miR-210", "regulated_by", "up", "HIF1A")}, id="passive"),
    pytest.param(
        "hnRNP A1 regulates the processing of pri-miR-18a.", {("miR-18a", "regulated_by", "", "HNRNPA1")}, id="processing",
    ),
    pytest.param("Genistein downregulated miR-21 in prostate cancer cells.", {("miR-21", "regulated_by", "down", "genistein")}, id="drug-lowers-mirna"),
    pytest.param("miR-34a is a direct transcriptional target of p53.", {("miR-34a", "regulated_by", "", "TP53")}, id="mirna-target-of-gene"),
    pytest.param("miR-34a and miR-34c represent direct p53 target genes.", {
        ("miR-34a", "regulated_by", "", "TP53"), ("miR-34c", "regulated_by", "", "TP53"),
    }, id="gene-target-genes"),  # fmt: skip
    pytest.param(
        "Over-expression of Notch-1 leads to increased expression of miR-21.", {("miR-21", "regulated_by", "up", "NOTCH1")},
        id="leads-to-increased-expression",
    ),
    pytest.param("Knockdown of MYC reduced miR-17 levels.", {("miR-17", "regulated_by", "up", "MYC")}, id="loss-of-the-regulator"),
    pytest.param(
        "Upregulation of miR-19b in response to 5-FU was seen in colon cancer cells.",
        {("miR-19b", "regulated_by", "up", "fluorouracil")}, id="in-response-to-drug",
    ),
    pytest.param("ERβ-mediated regulation of miR-17 was lost.", {("miR-17", "regulated_by", "", "ESR2")}, id="gene-mediated-regulation"),
    pytest.param("FOXO1 binds to the miR-96 promoter in these cells.", {("miR-96", "regulated_by", "", "FOXO1")}, id="binds-the-mirna-promoter"),
    pytest.param("YY1 occupies the promoter of miR-29a.", {("miR-29a", "regulated_by", "", "YY1")}, id="occupies-promoter-of"),
    pytest.param("MYC is known to directly repress miR-26a.", {("miR-26a", "regulated_by", "down", "MYC")}, id="is-known-to"),
    pytest.param(
        "We found that up-regulated GAS5 decreased the expression of miR-21.", {("miR-21", "regulated_by", "down", "GAS5")},
        id="participle-describing-the-agent",
    ),
    pytest.param(
        "Treatment led to nuclear accumulation of FOXO1 that binds to the miR-96 promoter.",
        {("miR-96", "regulated_by", "", "FOXO1")}, id="relative-clause-agent",
    ),
    pytest.param(
        "miR-10b expression is enhanced by the transcription factor TWIST1.", {("miR-10b", "regulated_by", "up", "TWIST1")},
        id="passive-by-described-partner",
    ),
    pytest.param(
        "In these cells MYCN, but not GLI1, induced miR-17 expression.", {("miR-17", "regulated_by", "up", "MYCN")},
        id="but-not-partner-is-negated",
    ),
    pytest.param(
        "miR-21, but not miR-155, directly targets PTEN.", {("miR-21", "targets", "down", "PTEN")}, id="but-not-mirna-is-negated",
    ),
    pytest.param(
        "miR-21 levels were suppressed by the up-regulation of HIF-1α.", {("miR-21", "regulated_by", "down", "HIF1A")},
        id="passive-by-a-noun-of-the-partner",
    ),
    pytest.param(
        "Loss of TP53 leads to increased expression of miR-155, and decreased expression of miR-34a and let-7a.",
        {("miR-155", "regulated_by", "down", "TP53"), ("miR-34a", "regulated_by", "up", "TP53"), ("let-7a", "regulated_by", "up", "TP53")},
        id="result-clause-with-two-changes",
    ),
    pytest.param(
        "Cisplatin induced miR-21 expression, and miR-21 conferred resistance to cisplatin.",
        {("miR-21", "regulated_by", "up", "cisplatin"), ("miR-21", "confers_resistance", "down", "cisplatin")},
        id="change-and-a-response-of-the-same-drug",
    ),
    pytest.param(
        "miR-200c was low in the tumours, and its expression was increased after docetaxel treatment.",
        {("miR-200c", "regulated_by", "up", "docetaxel")}, id="its-expression",
    ),
]

REGULATED_BY_NEAR_MISSES = [
    pytest.param("HOTAIR functions as a ceRNA to regulate NOTCH3 expression.", id="gene-as-object-no-mirna"),
    pytest.param("LINC00473-expressing cells resist cisplatin.", id="gene-as-modifier-of-cells"),
    pytest.param("Cisplatin-treated cells were lysed and miR-21 was measured by qPCR.", id="drug-as-setting"),
    pytest.param("FOXO1 binds to the promoter of BIM, and miR-96 was low.", id="promoter-of-another-gene"),
    pytest.param("miR-9 and miR-21 were high, and its expression was increased by TP53.", id="its-after-two-mirnas"),
    pytest.param("Increased SOX2 and decreased miR-145 levels were seen in the tumours.", id="two-participles-side-by-side"),
    pytest.param("Effect of gemcitabine on the expression of miR-155 in PANC-1 cells.", id="effect-of-drug-on-mirna-is-an-aim"),
    pytest.param("We assessed the effect of resveratrol on miR-21 expression.", id="effect-of-drug-on-mirna-measured"),
]


@pytest.mark.parametrize(("text", "expected"), REGULATED_BY)
def test_a_gene_or_drug_that_changes_the_mirna(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


@pytest.mark.parametrize("text", REGULATED_BY_NEAR_MISSES)
def test_no_regulator_without_an_act_on_the_mirna(extractor, text: str) -> None:
    assert findings(extractor, text) == set()


CERNA = [
    pytest.param(
        "circHIPK3 sponges miR-124 to upregulate AQP3.", {("miR-124", "targets", "down", "AQP3")}, id="circrna-sponge",
    ),
    pytest.param(
        "MALAT1 sponges miR-200c to upregulate ZEB1.",
        {("miR-200c", "targets", "down", "ZEB1"), ("miR-200c", "regulated_by", "down", "MALAT1")},
        id="lncrna-sponge-both-rows",
    ),
    pytest.param(
        "LINC00473 promotes cisplatin resistance by sponging miR-15a.",
        {("miR-15a", "regulated_by", "down", "LINC00473")},
        id="sponge-as-means",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CERNA)
def test_cerna_sentences(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


DRUG_RESPONSE = [
    pytest.param(
        "miR-221 and miR-30d, but not miR-210, were significantly increased in 5-FU resistant cells.",
        {("miR-221", "associated", "", "fluorouracil"), ("miR-30d", "associated", "", "fluorouracil")},
        id="coordinated-mirnas-increased-in-resistant-cells",
    ),
    pytest.param(
        "Treatment with miR-221 and miR-30d antagonists sensitized the cells to 5-FU.",
        {("miR-221", "confers_resistance", "down", "fluorouracil"), ("miR-30d", "confers_resistance", "down", "fluorouracil")},
        id="antagonists-after-coordinated-mirnas",
    ),
    pytest.param(
        "Transfection of anti-miR-133a reversed the effects of propofol on Panc-1 cells.", {("miR-133a", "sensitizes", "up", "propofol")},
        id="anti-mir-written-without-a-space",
    ),
    pytest.param(
        "BCL2 was detected in cells transfected with miR-21 mimics, with lower caspase-3 activity and decreased sensitivity to gemcitabine.",
        {("miR-21", "confers_resistance", "down", "gemcitabine")}, id="a-gene-of-a-methods-sentence-is-no-drug-partner",
    ),
    pytest.param(
        "We evaluated the effect of miR-21 on resveratrol-induced apoptosis.", {("miR-21", "associated", "", "resveratrol")},
        id="effect-of-mirna-on-a-drug-effect",
    ),
    pytest.param(
        "Overexpression of miR-152 restored the response of cisplatin-resistant A2780 cells to cisplatin.",
        {("miR-152", "sensitizes", "up", "cisplatin")}, id="resistant-cells-are-a-descriptor",
    ),
    pytest.param("miR-34a enhanced the cytotoxic effect of docetaxel.", {("miR-34a", "sensitizes", "up", "docetaxel")}, id="cytotoxic-effect"),
    pytest.param("Targeting miR-21 sensitized glioma cells to temozolomide.", {("miR-21", "confers_resistance", "down", "temozolomide")}, id="targeting-the-mirna"),
    pytest.param("A miR-155 inhibitor increased sensitivity to doxorubicin.", {("miR-155", "confers_resistance", "down", "doxorubicin")}, id="inhibitor"),
    pytest.param("An antagomir to miR-221 restored tamoxifen sensitivity.", {("miR-221", "confers_resistance", "down", "tamoxifen")}, id="antagomir"),
    pytest.param("High miR-21 levels were found in non-responders to trastuzumab.", {("miR-21", "associated", "", "trastuzumab")}, id="non-responders"),
    pytest.param(
        "Tumours that progressed during tamoxifen treatment had higher miR-221 levels.",
        {("miR-221", "associated", "", "tamoxifen")}, id="progression-during-a-regimen",
    ),
    pytest.param("miR-21 predicts response to gemcitabine in pancreatic cancer.", {("miR-21", "associated", "", "gemcitabine")}, id="predicts-response"),
]

DRUG_NEAR_MISSES = [
    pytest.param("miR-21 overexpression inhibited proliferation of cisplatin-resistant cells.", id="effect-on-resistant-cells-not-on-resistance"),
    pytest.param("Whether miR-21 contributes to gemcitabine resistance is unclear.", id="open-question"),
    pytest.param("Cisplatin-resistant cells were cultured, and miR-21 was measured by qPCR.", id="methods"),
]


@pytest.mark.parametrize(("text", "expected"), DRUG_RESPONSE)
def test_drug_response_wording(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


@pytest.mark.parametrize("text", DRUG_NEAR_MISSES)
def test_no_drug_finding_from_settings_and_questions(extractor, text: str) -> None:
    assert findings(extractor, text) == set()


ACROSS_SENTENCES = [
    pytest.param(
        "miR-506 was low in resistant tumours. This miRNA sensitized ovarian cancer cells to cisplatin.",
        {("miR-506", "sensitizes", "up", "cisplatin")}, id="this-mirna",
    ),
    pytest.param("miR-506 was low in the tumours. It directly targets SNAI2.", {("miR-506", "targets", "down", "SNAI2")}, id="it"),
    pytest.param("miR-506 was low in the tumours. The miRNA targets SNAI2.", {("miR-506", "targets", "down", "SNAI2")}, id="the-mirna"),
    pytest.param(
        "miR-200b and miR-429 were low. These miRNAs target ZEB1.",
        {("miR-200b", "targets", "down", "ZEB1"), ("miR-429", "targets", "down", "ZEB1")}, id="these-mirnas",
    ),
]

ACROSS_SENTENCES_NEAR_MISSES = [
    pytest.param("miR-506 and miR-9 were low in the tumours. The miRNA targets SNAI2.", id="the-mirna-after-two"),
    pytest.param("The tumours were small. It directly targets SNAI2 and miR-9 was low.", id="it-without-a-mirna-before"),
]


@pytest.mark.parametrize(("text", "expected"), ACROSS_SENTENCES)
def test_a_mirna_named_in_the_sentence_before(extractor, text: str, expected: set) -> None:
    assert findings(extractor, text) == expected


@pytest.mark.parametrize("text", ACROSS_SENTENCES_NEAR_MISSES)
def test_a_singular_reference_needs_one_mirna_before(extractor, text: str) -> None:
    assert findings(extractor, text) == set()
