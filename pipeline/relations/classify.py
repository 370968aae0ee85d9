"""Every (miRNA, partner) finding of one sentence: the miRNA acting on a gene through ``genes``, on a drug's effect
through ``drugs``, and a gene or drug acting on the miRNA through ``regulators``."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from pipeline.schema import Mention

from .agents import Finding
from .rules import Cue
from .drugs import drug_findings
from .genes import gene_findings
from .regulators import effect_on, regulator_findings
from .sentence import SentenceView

PARTNER_TYPES = ("gene", "drug", "drug_class")
_FAMILY = "FPLX:"  # the concept ids of gene families (FamPlex)


def classify_sentence(view: SentenceView, mirnas: Sequence[Mention], coreferent: bool = False) -> list[Finding]:
    """Every (miRNA, partner) finding of one sentence; none from an open question (`whether miR-X ...`)."""
    questions = view.of_role("question")
    # A methods sentence (`PTEN was measured after transfection with miR-21`) states no finding about a gene.
    method = bool(view.of_role("method"))
    partners = [m for m in view.mentions if m.type in PARTNER_TYPES and not _hidden_partner(m, view)]
    findings: list[Finding] = []
    for partner in partners:
        if partner.type == "gene":
            if not method:
                findings.extend(gene_findings(view, mirnas, partner))
                findings.extend(regulator_findings(view, mirnas, partner))
        else:
            # A drug that changes the miRNA (`genistein downregulated miR-21`) is regulated_by, beside any drug-response
            # finding of the same sentence.
            findings.extend(drug_findings(view, mirnas, partner))
            findings.extend(regulator_findings(view, mirnas, partner))
    if questions:
        findings = [f for f in findings if not _in_question(view, f, questions)]
    findings = [f for f in _without_change_as_response(view, findings) if not _effect_of_partner(view, f)]
    if _RESPECTIVELY.search(view.masked):
        findings = _respectively(findings)
    if coreferent:
        rules = view.rules
        findings = [
            replace(f, rule=rules.coreferent(f.rule), confidence=min(f.confidence, rules.coreference.cap)) for f in findings
        ]
    return findings


# What ends a clause: a finding before it is not inside an open question after it (`..., however, whether ...`).
_CLAUSE_BREAK = re.compile(r";|,\s*(?:however|but|whereas|while|although)\b|\bbut\b|\bhowever\b")


def _in_question(view: SentenceView, finding: Finding, questions: list[Cue]) -> bool:
    """Whether an open question (`whether`, `remains unclear`) governs the finding: no clause break between them."""
    spans = [view.local(finding.mirna), view.local(finding.partner)]
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    for question in questions:
        between = view.masked[hi : question.start] if question.start >= hi else view.masked[question.end : lo] if question.end <= lo else ""
        if question.start < hi and question.end > lo or not _CLAUSE_BREAK.search(between):
            return True
    return False


def _effect_of_partner(view: SentenceView, finding: Finding) -> bool:
    """`the effect of gemcitabine on the expression of miR-155`: an aim or a measurement about the miRNA, no drug
    response (the `effect of` frame word would make it `associated`)."""
    return finding.relation == "associated" and effect_on(view, finding.partner, finding.mirna) is not None


_FRAMES = ("resistance", "sensitivity", "sensitize")
_EFFECT_OF = re.compile(r"effects?\s+of\b")  # the frame word of `the effect of X on miR-Y`, no drug response there


def _without_change_as_response(view: SentenceView, findings: list[Finding]) -> list[Finding]:
    """A drug that changes the miRNA (`the effect of gemcitabine on the expression of miR-155`) is `regulated_by`;
    without a drug-response word outside that phrase, the same pair is not also `associated`."""
    changed = {(f.mirna.start, f.partner.start) for f in findings if f.relation == "regulated_by"}
    if not changed:
        return findings
    frames = [c for c in view.of_role(*_FRAMES) if not _EFFECT_OF.match(view.masked, c.start)]
    if frames:
        return findings
    return [f for f in findings if not (f.relation == "associated" and (f.mirna.start, f.partner.start) in changed)]


_RESPECTIVELY = re.compile(r"\brespectively\b")


def _respectively(findings: list[Finding]) -> list[Finding]:
    """`miR-21 and miR-181b, respectively, inhibit PTEN and CYLD`: where one rule pairs as many miRNAs as partners
    (two or more), the n-th miRNA goes with the n-th partner only."""
    by_rule: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.relation, finding.rule].append(finding)
    kept = []
    for group in by_rule.values():
        mirnas = sorted({f.mirna.start for f in group})
        partners = sorted({f.partner.start for f in group})
        if len(mirnas) == len(partners) >= 2:
            group = [f for f in group if mirnas.index(f.mirna.start) == partners.index(f.partner.start)]
        kept.extend(group)
    return kept


def _hidden_partner(partner: Mention, view: SentenceView) -> bool:
    """A gene inside a drug-class name (`CDK4/6 inhibitor`), a class naming the drug that follows it, or a gene family
    naming the gene that follows it (`the small GTPase RAC1`, `the kinase AKT1`)."""
    for other in view.mentions:
        if partner.type == other.type == "gene" and partner.concept_id.startswith(_FAMILY) and _space_between(view, partner, other):
            return True
        if partner.type == "gene" and other.type == "drug_class" and other.start <= partner.start and partner.end <= other.end:
            return True
        if partner.type == "drug_class" and other.type == "drug" and (
            0 <= other.start - partner.end <= 3 or 0 <= partner.start - other.end <= 3
        ):
            return True  # `CDK4/6 inhibitor palbociclib`, `docetaxel chemotherapy`: the drug is the partner
    return False


def _space_between(view: SentenceView, first: Mention, second: Mention) -> bool:
    """Whether one space alone separates the two mentions (`GTPase RAC1`; not `AKT/MTOR`)."""
    return second.start - first.end == 1 and view.text[view.local(first)[1]] == " "
