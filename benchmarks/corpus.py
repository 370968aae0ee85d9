"""Synthetic miRNA / cancer abstracts for the benchmark: realistic length, names and vocabulary, never one paragraph repeated.

Each abstract has a topic (a miRNA, a target gene, a drug, a cancer, two cell lines) that its sentences come back to,
like a real one. Sentences come from about 35 templates that carry names and about 60 background, method and result
templates whose slots take random content words, numbers and statistics. The names come from the real lexicons in
``rules/``: gene symbols of HGNC protein-coding genes (a symbol whose HGNC name is no pseudogene or non-coding RNA) with
their full names, DrugBank generic drug names, the hand-kept cell lines; miRNA names are built from numbers, letters
and arms. Rare words are taken from the words of HGNC gene names, so the tokenizer keeps meeting words it has not
seen (each costs it about 26 us), as it does on real text: about 20,000 distinct whitespace tokens per 800 abstracts,
close to the real corpus in ``../shared/bench``. Same seed, same abstracts; the stream is lazy, so any number of them
costs no memory.

Example: .venv/bin/python -m pipeline.benchmarks.corpus 1000 /tmp/abstracts.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.ruleset import load_ruleset

FIRST_PMID = 40_000_000  # above every real PMID of today, so a synthetic id is never mistaken for one

# HGNC names of genes that code for no protein: their symbols are not what abstracts about miRNA targets name.
_NON_CODING_NAME = re.compile(
    r"pseudogene|non-protein coding|antisense|small nucleolar|microRNA|divergent transcript|readthrough|ribosomal RNA|"
    r"uncharacterized|transfer RNA|cajal|Y RNA|novel transcript|RNA, |long intergenic|host gene|small nuclear|"
    r"vault RNA|overlapping transcript|intronic transcript|open reading frame",
    re.IGNORECASE,
)
_PLAIN_DRUG = re.compile(r"^[a-z][a-z-]{3,}(?: [a-z]{3,})?$")  # `cisplatin`, `arsenic trioxide`; not `1-naphthylamine-5-...`
_RARE_WORD = re.compile(r"^[a-z]{5,}[a-z-]*[a-z]$")
_WORD_SPLIT = re.compile(r"[\s,()\[\]/;:]+")

# What most abstracts in this field are about: real text names these far more often than a random symbol.
COMMON_GENES = (
    "PTEN", "KRAS", "TP53", "EGFR", "BCL2", "STAT3", "AKT1", "MYC", "CDKN1A", "SOX2", "ZEB1", "ZEB2", "SNAI1", "VIM",
    "CDH1", "MMP2", "MMP9", "VEGFA", "HIF1A", "ABCB1", "ABCG2", "SIRT1", "FOXO3", "PDCD4", "RECK", "TIMP3", "SMAD4",
    "CCND1", "BIRC5", "NOTCH1", "IGF1R", "ERBB2", "MTOR", "KLF4", "E2F1", "BAX", "CASP3", "YAP1", "HMGA2", "RHOA",
)  # fmt: skip
COMMON_DRUGS = (
    "cisplatin", "oxaliplatin", "5-fluorouracil", "gemcitabine", "doxorubicin", "paclitaxel", "docetaxel", "irinotecan",
    "tamoxifen", "trastuzumab", "cetuximab", "erlotinib", "gefitinib", "sorafenib", "temozolomide", "carboplatin",
    "imatinib", "bortezomib", "vincristine", "etoposide", "capecitabine", "bevacizumab", "osimertinib", "lapatinib",
)  # fmt: skip
COMMON_MIRNA_NUMBERS = (
    21, 155, 200, 34, 145, 126, 221, 222, 17, 92, 143, 181, 199, 210, 214, 223, 375, 31, 29, 15, 16, 19, 20, 122, 133,
    1, 10, 27, 30, 101,
)  # fmt: skip
DISEASES = (
    ("colorectal cancer", "CRC"), ("pancreatic ductal adenocarcinoma", "PDAC"), ("hepatocellular carcinoma", "HCC"),
    ("non-small cell lung cancer", "NSCLC"), ("gastric cancer", "GC"), ("breast cancer", "BC"), ("ovarian cancer", "OC"),
    ("glioblastoma", "GBM"), ("prostate cancer", "PCa"), ("esophageal squamous cell carcinoma", "ESCC"),
    ("osteosarcoma", "OS"), ("bladder cancer", "BCa"), ("cervical cancer", "CC"), ("acute myeloid leukemia", "AML"),
    ("head and neck squamous cell carcinoma", "HNSCC"), ("renal cell carcinoma", "RCC"), ("melanoma", "CMM"),
    ("nasopharyngeal carcinoma", "NPC"), ("triple-negative breast cancer", "TNBC"), ("cholangiocarcinoma", "CCA"),
)  # fmt: skip
TISSUES = (
    "tumor", "serum", "plasma", "exosomal", "tissue", "biopsy", "stool", "peripheral blood", "formalin-fixed paraffin-embedded",
    "adjacent normal", "metastatic", "primary tumour", "lymph node", "circulating",
)  # fmt: skip
PATHWAYS = (
    "PI3K/AKT", "PI3K/AKT/mTOR", "Wnt/β-catenin", "MAPK/ERK", "JAK2/STAT3", "NF-κB", "Hippo/YAP", "TGF-β/SMAD",
    "Notch", "Hedgehog", "RAS/RAF/MEK", "AMPK/mTOR", "p53/p21", "EGFR/ERK", "IL-6/STAT3", "HIF-1α/VEGF",
)  # fmt: skip
PROCESSES = (
    "proliferation", "migration", "invasion", "apoptosis", "autophagy", "epithelial-mesenchymal transition", "stemness",
    "glycolysis", "angiogenesis", "colony formation", "cell cycle progression", "chemoresistance", "metastasis",
    "ferroptosis", "DNA damage repair", "senescence", "tumorigenesis", "radioresistance", "immune evasion", "pyroptosis",
    "lipid metabolism", "mitochondrial respiration", "anoikis resistance", "vasculogenic mimicry", "self-renewal",
)  # fmt: skip
METHODS = (
    "qRT-PCR", "western blotting", "dual-luciferase reporter assays", "CCK-8 assays", "flow cytometry", "Transwell assays",
    "wound-healing assays", "immunohistochemistry", "RNA immunoprecipitation", "chromatin immunoprecipitation",
    "microarray analysis", "RNA sequencing", "small RNA sequencing", "EdU incorporation assays", "TUNEL staining",
    "MTT assays", "colony formation assays", "xenograft experiments", "in situ hybridization", "biotin pull-down assays",
    "bioinformatic prediction", "Kaplan-Meier analysis", "Cox regression analysis", "gene set enrichment analysis",
    "droplet digital PCR", "northern blotting", "immunofluorescence", "co-immunoprecipitation", "Seahorse analysis",
)  # fmt: skip
ADJECTIVES = (
    "novel", "potential", "critical", "independent", "significant", "aberrant", "robust", "marked", "consistent",
    "reciprocal", "functional", "oncogenic", "tumor-suppressive", "prognostic", "diagnostic", "predictive", "promising",
    "complex", "dynamic", "distinct", "heterogeneous", "poorly characterized", "clinically relevant", "context-dependent",
    "dose-dependent", "time-dependent", "selective", "specific", "sustained", "transient", "cooperative", "downstream",
    "upstream", "compensatory", "paradoxical", "pivotal", "unfavorable", "favorable", "substantial", "modest",
)  # fmt: skip
NOUNS = (
    "mechanism", "regulator", "biomarker", "signature", "axis", "network", "feedback loop", "phenotype", "subtype",
    "microenvironment", "cohort", "panel", "profile", "pathway", "cascade", "interaction", "effector", "determinant",
    "transcript", "isoform", "complex", "receptor", "ligand", "kinase", "phosphatase", "transporter", "scaffold",
    "sponge", "module", "cluster", "locus", "promoter", "enhancer", "variant", "mutation", "methylation", "exosome",
)  # fmt: skip
VERBS_ED = (
    "enhanced", "attenuated", "abolished", "reversed", "restored", "suppressed", "promoted", "inhibited", "increased",
    "decreased", "impaired", "accelerated", "abrogated", "potentiated", "diminished", "rescued", "mimicked", "blocked",
)  # fmt: skip
COMPOUND_HEADS = ("dependent", "associated", "related", "like", "mediated", "positive", "deficient", "enriched", "specific", "rich")
SEVERITY = ("common", "lethal", "aggressive", "frequent", "deadly", "heterogeneous", "prevalent", "devastating")
OUTCOMES = ("overall survival", "disease-free survival", "progression-free survival", "recurrence-free survival", "prognosis")
CLINICAL = (
    "advanced TNM stage", "lymph node metastasis", "distant metastasis", "poor differentiation", "larger tumor size",
    "vascular invasion", "perineural invasion", "higher histological grade", "early recurrence", "KRAS mutation status",
)  # fmt: skip
CONTROLS = ("adjacent normal tissues", "healthy controls", "normal epithelial cells", "benign lesions", "paired non-tumor tissues")
MODELS = ("subcutaneous xenograft", "orthotopic", "patient-derived xenograft", "tail-vein metastasis", "syngeneic", "organoid")

# Sentences that name the abstract's topic (and some names of their own).
TITLE_TEMPLATES = (
    "{mir} promotes {drug} resistance in {disease} by targeting {gene}",
    "{mir} sensitizes {disease} cells to {drug} via the {gene}/{pathway} axis",
    "MicroRNA-{num} suppresses {process} of {disease} through direct regulation of {gene}",
    "Exosomal {mir} confers {drug} resistance in {disease} cells",
    "The {gene}-{mir} feedback loop drives {process} and predicts {outcome} in {disease}",
    "Circulating {mir} as a {adj} biomarker for {disease}: a {cohort_kind} study",
    "Loss of {mir} enhances {process} and {drug} tolerance in {disease} via {gene} derepression",
    "{mir} and {mir2} cooperate to regulate {gene} in {drug}-resistant {disease}",
    "Targeting the {mir}/{gene} axis overcomes {drug} resistance in {disease}",
    "Long non-coding RNA {rare_upper} sponges {mir} to upregulate {gene} in {disease}",
    "Expression profiling identifies {mir} as a {adj} {noun} of {process} in {disease}",
    "{gene} is a direct target of {mir} and mediates {process} in {cell} cells",
)  # fmt: skip
TOPIC_TEMPLATES = (
    "This study aimed to investigate the role of {mir} in {drug} resistance of {disease}.",
    "However, the function of {mir} in {process} of {disease} remains unclear.",
    "Here, we investigated whether {mir} modulates the response of {disease} cells to {drug}.",
    "{mir} was significantly {updown} in {disease} tissues compared with {control} ({p}).",
    "{mir} levels were {fold}-fold {higher} in {drug}-resistant {cell} cells than in parental cells.",
    "{mir} directly targeted the 3'-UTR of {gene}, as confirmed by {method}.",
    "Overexpression of {mir} sensitized {cell} and {cell2} cells to {drug} (IC50 {ic_low} versus {ic_high} μM, {p}).",
    "Knockdown of {gene} reversed the effects of {mir} inhibition on {process} and {drug} sensitivity.",
    "High {mir} expression was associated with {clinical} (HR = {hr}, 95% CI {ci}, {p}).",
    "Patients with low {mir} levels had shorter {outcome} than those with high levels ({p}).",
    "The area under the ROC curve was {auc} for {mir} alone and {auc2} for the combination with {mir2}.",
    "In {cell} cells, {mir} mimics {downregulated} {gene} mRNA and protein levels.",
    "Moreover, {mir} inhibited the {pathway} pathway, reducing phosphorylation of {gene2} and {gene3}.",
    "Treatment with {drug} {induced} {mir} expression in a dose-dependent manner.",
    "Combination of {mir} mimics and {drug} {verb_ed} tumor growth in a {model} model (n = {small_n} per group).",
    "{mir}-mediated repression of {gene} {verb_ed} {process} and {process2} in vitro and in vivo.",
    "{gene_def} was identified as a functional target of {mir} by {method} and {method2}.",
    "Ectopic expression of {gene} partially abrogated the {drug}-sensitizing effect of {mir}.",
    "Serum {mir} decreased after {drug}-based chemotherapy in responders but not in non-responders ({p}).",
    "{mir} and {mir2} were the most {updown} miRNAs among {n} candidates in {cell}/{drug_abbr} cells.",
    "Mechanistically, {gene2} bound to the promoter of {mir} and activated its transcription.",
    "The {mir}/{gene} axis correlated with {drug} response in {n} patients with {disease} (r = {r}, {p}).",
    "{Drug} and {drug2} treatment {downregulated} {gene} through {mir} in {cell2} cells.",
    "Silencing {mir} restored {gene} and {verb_ed} the {pathway} signalling induced by {drug}.",
    "Exosomes derived from {drug}-resistant {cell} cells transferred {mir} to sensitive cells.",
    "These findings suggest that the {mir}/{gene} axis may serve as a {adj} therapeutic target for overcoming {drug}"
    " resistance in {disease}.",
    "Our data identify {mir} as a {adj} {noun} of {drug} sensitivity and a candidate biomarker in {disease}.",
    "In conclusion, {mir} promotes {process} of {disease} by repressing {gene}, which may guide {drug}-based therapy.",
    "Collectively, the {gene}-{mir} loop represents a {adj} mechanism of {drug} resistance.",
    "{mir}, {mir2} and {mir3} formed a {adj} {noun} that distinguished {disease} from {control} (AUC = {auc}).",
    "Downregulation of {mir} in {cell} cells was accompanied by increased {gene} and {gene2} expression.",
    "Lentiviral delivery of {mir} {verb_ed} the growth of {cell} xenografts and {verb_ed2} {process}.",
    "A {n}-miRNA signature including {mir} predicted {outcome} in the validation cohort (C-index {auc}).",
)  # fmt: skip
# Background, method and result sentences without the topic: random content words, numbers and statistics.
FILLER_TEMPLATES = (
    "{Disease} is one of the most {severity} malignancies worldwide, and {outcome} remains poor despite advances in therapy.",
    "MicroRNAs (miRNAs) are small non-coding RNAs of about {mirna_len} nucleotides that regulate gene expression post-transcriptionally.",
    "Accumulating evidence indicates that miRNAs act as {adj} regulators of {process} in cancer.",
    "Resistance to chemotherapy is a major obstacle to the treatment of {disease}.",
    "The {adj} {rare} {noun} has been implicated in {process}, but its role in {disease} is poorly understood.",
    "Dysregulation of the {pathway} pathway contributes to {process} and {process2} in many tumors.",
    "Despite {adj} efforts, reliable biomarkers for early detection of {disease} are still lacking.",
    "Recent studies have linked {rare} and {rare2} to {process} in {adj} tumors.",
    "Approximately {pct}% of patients relapse within {small_n} years after {adj} resection.",
    "The tumor microenvironment, including {rare} fibroblasts and {rare2} macrophages, shapes {process}.",
    "Non-coding RNAs form {adj} regulatory networks with their {rare} targets.",
    "Little is known about how {rare} {noun}s influence {process} under {rare2} stress.",
    "{Adj} {rare} activity has been reported in {pct}% of {disease} cases.",
    "Both intrinsic and acquired resistance limit the benefit of {adj} regimens.",
    "Epigenetic silencing, including promoter methylation and histone {rare}, alters miRNA expression.",
    "A total of {n} patients and {n2} healthy volunteers were enrolled between {year} and {year2}.",
    "Expression levels were measured by {method} in {n} paired {tissue} samples.",
    "{Method} and {method2} were used to assess {process} and {process2}.",
    "Cells were transfected with mimics, inhibitors or negative controls at a final concentration of {conc} nM.",
    "A {model} model was established by injecting {million} × 10^6 cells into nude mice (n = {small_n} per group).",
    "Data from The Cancer Genome Atlas (TCGA) and GEO datasets (GSE{gse}) were analysed.",
    "Target genes were predicted with TargetScan, miRDB and {rare_upper}-seq data.",
    "Differentially expressed miRNAs were defined by |log2FC| > {log_fc} and adjusted P < 0.05.",
    "Receiver operating characteristic curves were used to evaluate {adj} accuracy.",
    "Survival was estimated by the Kaplan-Meier method and compared with the log-rank test.",
    "Univariate and multivariate Cox models were adjusted for age, sex and {clinical}.",
    "Apoptosis was quantified by Annexin V/PI staining after {hours} h of treatment.",
    "The half-maximal inhibitory concentration (IC50) was calculated from {small_n} independent experiments.",
    "Protein levels of {rare} {noun}s were determined by western blotting with {adj} antibodies.",
    "Sequencing libraries were prepared from {ng} ng of total RNA and sequenced to a depth of {million} million reads.",
    "Tumor volume was measured every {small_n} days and calculated as length × width²/2.",
    "All experiments were performed in triplicate and repeated at least {small_n} times.",
    "Statistical analyses were performed with SPSS {spss} and GraphPad Prism {prism}.",
    "The median follow-up was {months} months (range, {small_n}-{months2} months).",
    "Mice were treated intraperitoneally with {conc} mg/kg every {small_n} days for {weeks} weeks.",
    "Gene ontology analysis showed enrichment in {rare} binding and {rare2} activity (FDR = {fdr}).",
    "A total of {n} differentially expressed miRNAs were identified, of which {n2} were upregulated.",
    "{Adj} {rare} expression was observed in {pct}% of samples (n = {n}).",
    "The {noun} was {verb_ed} by {pct}% after {hours} h ({p}).",
    "Colony numbers decreased from {n} ± {sd} to {n2} ± {sd2} ({p}).",
    "Tumor weight was reduced by {pct}% compared with the control group ({p}).",
    "The {rare} {noun} correlated inversely with {process} (Spearman r = -{r}, {p}).",
    "Multivariate analysis identified {clinical} as an independent prognostic factor (HR = {hr}, 95% CI {ci}).",
    "The sensitivity and specificity were {pct}% and {pct2}%, respectively.",
    "No significant difference was found in age, sex or {clinical} between groups (P > 0.05).",
    "Cell viability decreased to {pct}% at {conc} μM ({p}).",
    "Migration and invasion were {verb_ed} by {pct}% and {pct2}%, respectively.",
    "Phosphorylation of {rare}-associated {noun}s was markedly {verb_ed}.",
    "The expression of E-cadherin increased, whereas N-cadherin and vimentin decreased.",
    "Immunohistochemistry showed {adj} staining in {pct}% of tumors and {pct2}% of normal tissues.",
    "Luciferase activity was reduced by {pct}% with the wild-type but not the mutant 3'-UTR.",
    "The {adj} effect persisted for up to {hours} h and was reversed by {rare} inhibition.",
    "RNA-seq revealed {n} {adj} transcripts enriched for {rare} and {rare2} pathways.",
    "These results were confirmed in an independent cohort of {n} patients.",
    "Our findings provide new insight into {adj} mechanisms of {process}.",
    "Further studies are needed to validate these results in larger, prospective cohorts.",
    "Taken together, the data reveal a {adj} role of {rare} {noun}s in {process}.",
    "This {adj} {noun} could help stratify patients for {adj2} treatment.",
    "These observations highlight the importance of {rare} regulation in {disease}.",
    "Such {adj} approaches may improve outcomes in patients with {disease}.",
)  # fmt: skip


@dataclass(frozen=True)
class Vocabulary:
    """Names and words the templates draw from, read once from the lexicons."""

    genes: tuple[str, ...]
    gene_names: dict[str, str]
    drugs: tuple[str, ...]
    cell_lines: tuple[str, ...]
    rare_words: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    """Protein-coding gene symbols with their HGNC names, DrugBank generic names, cell lines and rare words."""
    columns = ("term", "norm", "concept_id", "source")
    gene_rows = load_ruleset().rows("genes.tsv", tuple(columns))
    drug_rows = load_ruleset().rows("drugs.tsv", tuple(columns))
    names: dict[str, str] = {}
    symbols: set[str] = set()
    for row in gene_rows:
        kind = row.get("kind")
        if kind == "symbol" and row["source"] == "HGNC":
            symbols.add(row["term"])
        elif kind == "name" and row["source"] == "HGNC" and not _NON_CODING_NAME.search(row["term"]):
            names.setdefault(row["norm"], row["term"])
    coding = tuple(sorted(symbol for symbol in symbols if symbol in names))
    drugs = tuple(
        sorted(
            {row["term"] for row in drug_rows
             if row.get("kind") == "generic" and row["concept_id"].startswith("DB") and _PLAIN_DRUG.match(row["term"])}
        )
    )  # fmt: skip
    cell_lines = tuple(sorted({row["term"] for row in load_ruleset().rows("cell_lines.tsv", ("term", "norm"))}))
    # Rare words: the words of gene names and of multi-word drug synonyms (`tensin`, `glucuronosyltransferase`,
    # `methylphenyl`), never a word that is itself a term, so they add new words to the text but no mentions.
    terms = {row["term"].lower() for row in gene_rows + drug_rows}
    rare = {
        word
        for row in gene_rows + drug_rows
        if row.get("kind") in ("name", "synonym") and " " in row["term"]
        for word in _WORD_SPLIT.split(row["term"].lower())
        if _RARE_WORD.match(word) and word not in terms
    }
    return Vocabulary(coding, {symbol: names[symbol] for symbol in coding}, drugs, cell_lines, tuple(sorted(rare)))


class _Slots(dict):
    """Template slot values for one sentence: drawn on first use, topic slots fixed for the whole abstract."""

    def __init__(self, abstract: _Abstract) -> None:
        super().__init__()
        self.abstract = abstract

    def __missing__(self, key: str) -> str:
        value = self.abstract.slot(key)
        self[key] = value
        return value


class _Abstract:
    """One abstract's random state: its topic and the abbreviations it has defined so far."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng, self.vocab = rng, vocab
        self.disease = rng.choice(DISEASES)
        self.disease_defined = False
        self.topic = {
            "mir": self.mirna(),
            "gene": self.gene(),
            "drug": self.drug(),
            "cell": rng.choice(vocab.cell_lines),
            "cell2": rng.choice(vocab.cell_lines),
            "pathway": rng.choice(PATHWAYS),
            "process": rng.choice(PROCESSES),
        }

    def mirna(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return f"let-7{rng.choice('abcdefgi')}"
        number = rng.choice(COMMON_MIRNA_NUMBERS) if rng.random() < 0.5 else rng.randint(1, 2000)
        letter = rng.choice("abc") if rng.random() < 0.25 else ""
        arm = rng.choice(("-3p", "-5p")) if rng.random() < 0.3 else ""
        stem = rng.choices(("miR-", "microRNA-", "miRNA-", "hsa-miR-"), weights=(70, 12, 8, 10))[0]
        if rng.random() < 0.05:
            return f"miR-{number}/{number + 1}"  # a cluster pair written the usual way
        return f"{stem}{number}{letter}{arm}"

    def gene(self) -> str:
        rng = self.rng
        return rng.choice(COMMON_GENES) if rng.random() < 0.4 else rng.choice(self.vocab.genes)

    def drug(self) -> str:
        rng = self.rng
        return rng.choice(COMMON_DRUGS) if rng.random() < 0.6 else rng.choice(self.vocab.drugs)

    def slot(self, key: str) -> str:
        rng = self.rng
        if key in self.topic:
            return self.topic[key]
        if key == "disease":
            if self.disease_defined:
                return rng.choice((self.disease[1], self.disease[1], self.disease[0]))
            self.disease_defined = True
            return f"{self.disease[0]} ({self.disease[1]})"
        base = key.rstrip("0123456789")
        if key[0].isupper():
            value = self.slot(key[0].lower() + key[1:])
            return value[0].upper() + value[1:]
        makers = {
            "mir": self.mirna, "gene": self.gene, "drug": self.drug,
            "cell": lambda: rng.choice(self.vocab.cell_lines),
            "gene_def": self.gene_definition,
            "drug_abbr": lambda: rng.choice(("DDP", "5-FU", "GEM", "OXA", "PTX", "DOX", "L-OHP", "TMZ")),
            "num": lambda: str(rng.choice(COMMON_MIRNA_NUMBERS)),
            "pathway": lambda: rng.choice(PATHWAYS), "process": lambda: rng.choice(PROCESSES),
            "method": lambda: rng.choice(METHODS), "adj": self.adjective, "noun": self.noun,
            "verb_ed": lambda: rng.choice(VERBS_ED), "severity": lambda: rng.choice(SEVERITY),
            "outcome": lambda: rng.choice(OUTCOMES), "clinical": lambda: rng.choice(CLINICAL),
            "control": lambda: rng.choice(CONTROLS), "model": lambda: rng.choice(MODELS), "tissue": lambda: rng.choice(TISSUES),
            "rare": lambda: rng.choice(self.vocab.rare_words),
            "rare_upper": lambda: rng.choice(self.vocab.rare_words)[:6].upper().replace("-", "") + str(rng.randint(1, 99)),
            "updown": lambda: rng.choice(("upregulated", "downregulated", "elevated", "reduced", "overexpressed")),
            "higher": lambda: rng.choice(("higher", "lower")),
            "downregulated": lambda: rng.choice(("downregulated", "reduced", "decreased", "suppressed")),
            "induced": lambda: rng.choice(("induced", "repressed", "increased", "decreased")),
            "cohort_kind": lambda: rng.choice(("multicenter", "retrospective", "prospective", "case-control", "two-stage")),
            "p": self.p_value, "fold": lambda: f"{rng.uniform(1.5, 12):.1f}", "hr": lambda: f"{rng.uniform(1.2, 4.5):.2f}",
            "ci": self.confidence_interval, "auc": lambda: f"{rng.uniform(0.62, 0.97):.3f}", "r": lambda: f"{rng.uniform(0.2, 0.8):.2f}",
            "ic_low": lambda: f"{rng.uniform(0.5, 8):.1f}", "ic_high": lambda: f"{rng.uniform(8, 60):.1f}",
            "n": lambda: str(rng.randint(12, 480)), "small_n": lambda: str(rng.randint(3, 9)), "pct": lambda: f"{rng.uniform(5, 95):.1f}",
            "year": lambda: str(rng.randint(2005, 2022)), "mirna_len": lambda: rng.choice(("18-25", "22", "19-24", "20-22")),
            "conc": lambda: str(rng.choice((5, 10, 20, 25, 50, 100))), "million": lambda: f"{rng.uniform(1, 50):.0f}",
            "gse": lambda: str(rng.randint(10000, 199999)), "log_fc": lambda: rng.choice(("1", "1.5", "2")),
            "hours": lambda: str(rng.choice((12, 24, 48, 72, 96))), "ng": lambda: str(rng.choice((100, 250, 500, 1000))),
            "spss": lambda: f"{rng.randint(19, 27)}.0", "prism": lambda: str(rng.randint(6, 9)),
            "months": lambda: str(rng.randint(18, 96)), "weeks": lambda: str(rng.randint(2, 8)),
            "fdr": lambda: f"{rng.uniform(0.0001, 0.05):.4f}", "sd": lambda: f"{rng.uniform(1, 25):.1f}",
        }  # fmt: skip
        return makers[base]()

    def adjective(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:  # `farnesyl-dependent`, `tectorial-like`: compounds real abstracts coin all the time
            return f"{rng.choice(self.vocab.rare_words)}-{rng.choice(COMPOUND_HEADS)}"
        return rng.choice(ADJECTIVES)

    def noun(self) -> str:
        rng = self.rng
        return rng.choice(self.vocab.rare_words) if rng.random() < 0.4 else rng.choice(NOUNS)

    def gene_definition(self) -> str:
        symbol = self.topic["gene"] if self.rng.random() < 0.5 else self.gene()
        name = self.vocab.gene_names.get(symbol)
        return f"{name[0].upper()}{name[1:]} ({symbol})" if name else symbol

    def p_value(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(("P < 0.05", "P < 0.01", "P < 0.001", "p < 0.0001"))
        return f"P = {rng.uniform(0.0001, 0.049):.{rng.choice((3, 4))}f}"

    def confidence_interval(self) -> str:
        low = self.rng.uniform(1.05, 2.0)
        return f"{low:.2f}-{low + self.rng.uniform(0.3, 3.0):.2f}"

    def fill(self, template: str) -> str:
        return template.format_map(_Slots(self))


def _words(text: str) -> int:
    return len(text.split())


def abstract_record(rng: random.Random, vocab: Vocabulary, pmid: str) -> dict[str, str]:
    """One abstract of 200-300 words (title included): background, aim, methods, results, conclusion."""
    abstract = _Abstract(rng, vocab)
    title = abstract.fill(rng.choice(TITLE_TEMPLATES))
    target = rng.randint(200, 300) - _words(title)
    background = [abstract.fill(rng.choice(FILLER_TEMPLATES[:15])) for _ in range(rng.randint(1, 3))]
    aim = [abstract.fill(rng.choice(TOPIC_TEMPLATES[:3]))]
    methods = [abstract.fill(rng.choice(FILLER_TEMPLATES[15:37])) for _ in range(rng.randint(1, 3))]
    conclusion = [abstract.fill(rng.choice(TOPIC_TEMPLATES[25:29]))]
    if rng.random() < 0.5:
        conclusion.append(abstract.fill(rng.choice(FILLER_TEMPLATES[53:])))
    results: list[str] = []
    used = sum(_words(sentence) for sentence in background + aim + methods + conclusion)
    while used < target:
        # Two of three result sentences name the topic; the rest are numbers and findings in other words.
        pool = TOPIC_TEMPLATES[3:25] + TOPIC_TEMPLATES[29:] if rng.random() < 0.66 else FILLER_TEMPLATES[37:53]
        sentence = abstract.fill(rng.choice(pool))
        results.append(sentence)
        used += _words(sentence)
    parts = [background + aim, methods, results, conclusion]
    if rng.random() < 0.3:  # a structured abstract, as PubMed prints them: labels inline
        labels = ("BACKGROUND:", "METHODS:", "RESULTS:", "CONCLUSIONS:")
        text = " ".join(f"{label} {' '.join(part)}" for label, part in zip(labels, parts))
    else:
        text = " ".join(sentence for part in parts for sentence in part)
    return {"pmid": pmid, "title": title + ".", "abstract": text}


def generate_abstracts(n: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """``n`` synthetic abstracts (``pmid``, ``title``, ``abstract``), lazily; the same seed gives the same abstracts."""
    rng = random.Random(seed)
    vocab = vocabulary()
    for index in range(n):
        yield abstract_record(rng, vocab, str(FIRST_PMID + index))


def write_jsonl(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write ``n`` synthetic abstracts to ``path`` as JSON Lines (streamed: any ``n`` fits in memory)."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as handle:
        for record in generate_abstracts(n, seed):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python -m pipeline.benchmarks.corpus N OUT.jsonl [SEED]")
    write_jsonl(sys.argv[2], int(sys.argv[1]), int(sys.argv[3]) if len(sys.argv) == 4 else 0)
