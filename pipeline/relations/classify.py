"""Every (miRNA, partner) finding of one sentence: genes through ``genes``, drugs and drug classes through ``drugs``."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.schema import Mention

from .agents import Finding
from .drugs import drug_findings
from .genes import gene_findings
from .sentence import SentenceView

PARTNER_TYPES = ("gene", "drug", "drug_class")


def classify_sentence(view: SentenceView, mirnas: Sequence[Mention], coreferent: bool = False) -> list[Finding]:
    """Every (miRNA, partner) finding of one sentence."""
    partners = [m for m in view.mentions if m.type in PARTNER_TYPES and not _hidden_partner(m, view.mentions)]
    findings: list[Finding] = []
    for partner in partners:
        if partner.type == "gene":
            findings.extend(gene_findings(view, mirnas, partner))
        else:
            findings.extend(drug_findings(view, mirnas, partner))
    if coreferent:
        rules = view.rules
        findings = [
            Finding(f.mirna, f.partner, f.relation, rules.coreferent(f.rule), min(f.confidence, rules.coreference.cap), f.negated)
            for f in findings
        ]
    return findings


def _hidden_partner(partner: Mention, mentions: Sequence[Mention]) -> bool:
    """A gene inside a drug-class name (`CDK4/6 inhibitor`), or a class naming the drug that follows it."""
    for other in mentions:
        if partner.type == "gene" and other.type == "drug_class" and other.start <= partner.start and partner.end <= other.end:
            return True
        if partner.type == "drug_class" and other.type == "drug" and (
            0 <= other.start - partner.end <= 3 or 0 <= partner.start - other.end <= 3
        ):
            return True  # `CDK4/6 inhibitor palbociclib`, `docetaxel chemotherapy`: the drug is the partner
    return False
