"""Gene findings of a sentence, the miRNA acting on the gene: `targets` when it represses the gene or the text gives
targeting evidence (`targeting`, `suppresses`, `decreasing the expression of`, `X is a target of miR-Y`, `binding sites
in the 3'-UTR of X`, `targets of miR-Y, including X`), `regulates` when it changes the gene otherwise (`upregulates`,
`regulates Y expression`, `activates AKT`, a change of a pathway, activity or phosphorylation); less of the miRNA turns
the effect round. The gene as a modifier or an axis (`p53-dependent`, `via AKT`) gives nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pipeline.preprocess import long_form_start
from pipeline.schema import Mention

from .agents import Finding, agents, agents_after, lost, manipulated, negated
from .rules import Cue, CueSet
from .sentence import SentenceView

# What may stand between a gene cue and the gene once its descriptors and activity words are left out: other genes,
# coordination and the words of `the expression of`.
_FILLER = re.compile(
    r"^(?:[\s,;()/\-'’]|§|\band\b|\bor\b|\bboth\b|\bthe\b|\bits\b|\btheir\b|\ba\b|\ban\b|\bof\b|\bexpressions?\b"
    r"|\blevels?\b|\bmrnas?\b|\bdirectly\b|\bdirect\b|\btranslation\b|\b3.?\s?-?\s?utrs?\b"
    r"|\bdownstream\b|\bendogenous\b|\bhuman\b|\buntranslated\b|\bregions?\b|\butrs?\b|\bincluding\b|\bsuch\s+as\b|\be\.g\.|\bnamely\b"
    r"|\b(?:that|which)\s+includ(?:e|es|ed)\b|\d)*$"
)
# At most two words between `a target of` and the miRNA it names.
_NEAR = re.compile(r"^[\s,(]*(?:(?!(?:and|or|but|while|whereas|is|was|are|were)\b)[\w-]+\s+){0,2}$")
# A clause set off by commas after the gene (`MITF, a transcription factor required for ..., is a direct target of
# miR-96`): the inverse wording after it is said of the gene.
_APPOSITIVE = re.compile(r"(?:[\s()]|§)*,\s*(?:a|an|which|that|one\s+of)\b[^,;.]{0,100}?,")
_EXPRESSION_WORD = re.compile(r"\b(?:expressions?|levels?|mrnas?|proteins?|translation)\b")
# An expression word right after the gene or after the genes coordinated with it (`inhibit BCL2 and CDKN1B expression`).
_EXPRESSION_AFTER = re.compile(r"(?:[\s,/()§]|\band\b|\bor\b){0,40}?(?:expressions?|levels?|mrnas?|proteins?|translation)\b")
# What each role does to the gene when there is more of the miRNA: -1 lowers it, +1 raises it, 0 changes it either way.
_SIGN = {"repress": -1, "repress_weak": -1, "target_of": -1, "target_as": -1, "target_list": -1, "raise": 1, "activate": 1, "regulate": 0}
_GENE_ROLES = (
    "repress", "repress_weak", "raise", "regulate", "activate", "target_list", "neutral", "up", "down", "expression_change",
)  # fmt: skip
# A noun cue after these words is the means or the setting of another agent, not the miRNA acting on the gene:
# `altered with upregulation of the MAPK pathway`, `due to the repression of Smad4`; after `by`, `through` or `via`
# only when a passive verb comes before (`was suppressed by the up-regulation of HIF-1a`): after an active verb the
# subject acts by it (`miR-429 sensitizes cells to gemcitabine through regulation of PDCD4`).
_MEANS = re.compile(r"\b(?:with|upon|after|following|due\s+to|owing\s+to)\s+(?:the\s+|an?\s+)?$")
_PASSIVE_MEANS = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?\w+ed\b[^.;]{0,40}?\b(?:by|through|via)\s+(?:the\s+|an?\s+)?$"
)
_NOUN = re.compile(r"[\w-]+(?:tion|ment|sion|ance|ence)\b")
# Words that make `the X 3'UTR` a binding site of the miRNA before it.
_BINDING = re.compile(r"\b(?:bind\w*|bound|target\w*|luciferase|reporter|interact\w*|seed|complementary|site)\b")
# Another agent between the miRNA and the cue (`a miR-34a mimic together with siRNA to silence PLK1`).
_OTHER_AGENT = re.compile(r"\b(?:si-?rnas?|sh-?rnas?|antibod(?:y|ies)|plasmids?|vectors?|drugs?|compounds?)\b")
# An expression-change cue (`decreased expression of`) read as what it does to the gene that follows it.
_LOWERING = re.compile(r"(?:down|low|reduc|decreas|under)")
_RAISING = re.compile(r"(?:up|high|increas|elevat|over)")
_DIRECTION = {-1: "down", 1: "up", 0: ""}
# Targeting evidence in a cue or between it and the gene (`by targeting`, `its target gene`, `the 3'-UTR of`).
_TARGETING = re.compile(r"\btarget|\butrs?\b|untranslated|binding\s+sites?")
# A participle before a gene, and what opens a clause before it: then the participle describes the gene.
_PARTICIPLE = re.compile(r"(?:up|down)-?regulated|over-?expressed|elevated|reduced|increased|decreased")
_CLAUSE_OPENING = re.compile(r"(?:^|\b(?:that|whereas|while)|[:;])\s*$")
# A gene in brackets right after words that may be its long form (`Argonaute 2 (AGO2)`).
_OPENING = re.compile(r"\s\(\s*$")
_CLOSING = re.compile(r"\s*\)")
_CONTRAST = re.compile(r"\b(?:while|whereas)\b")
_COORDINATED = re.compile(r"\s*(?:,|and\b|or\b)")
_RELATIVE = re.compile(r"\s*,?\s*(?:that|which)\s+(?!(?:is|are|was|were)\b)")
GAP_CACHE = 1 << 14  # answers about gap texts kept (a few MB at most)


def gene_findings(view: SentenceView, mirnas: Sequence[Mention], gene: Mention) -> list[Finding]:
    start, end = view.local(gene)
    cues = view.cue_set
    masked = view.masked
    if cues.after("gene_block_after", masked, end) or cues.before("gene_block_before", masked, start):
        return []
    activity = bool(cues.activity_after(masked, end))
    inverse, at = _inverse_after(view, end)
    if inverse is not None:
        cue_id, found = inverse
        if found.group().rstrip().endswith(("of", "for", "by")):
            acting = agents_after(view, mirnas, at + found.end())
            if acting and not _NEAR.match(masked[at + found.end() : view.local(acting[0])[0]]):
                return []  # `EGFR is a target for therapy`: the miRNA must follow (`a target of the oncogenic miR-21`)
        else:  # `X was identified as a target`: the miRNA named before it
            acting = agents(view, mirnas, Cue(start, start, "target_of", cue_id), before_only=True)
        return _findings(view, acting, gene, "target_of", cue_id, activity, evidence=True)
    named = cues.after_match("target_as", masked, end)
    if named is not None:  # `X and Y were confirmed as miR-Z targets`
        cue_id, found = named
        lo, hi = end + found.start("mirna"), end + found.end()
        acting = [m for m in mirnas if lo <= view.local(m)[0] and view.local(m)[1] <= hi]
        return _findings(view, acting, gene, "target_as", cue_id, activity, evidence=True)
    utr = cues.after("utr_after", masked, end)
    if utr is not None:  # `bind to their target sequences in the APP 3'UTR`
        before = [m for m in mirnas if view.local(m)[1] <= start]
        # The binding word between them (`miR-222 bound to the CDKN1B 3'UTR`) or right before the miRNA (`the direct
        # binding of miR-146b on the SMAD4 3'UTR`).
        if before and _BINDING.search(masked[max(0, view.local(before[-1])[0] - 30) : start]):
            acting = agents(view, mirnas, Cue(start, start, "repress", utr), before_only=True)
            return _findings(view, acting, gene, "repress", utr, activity, evidence=True)
    cue = _gene_cue(view, start, end)
    if cue is None:
        return []
    role, cue_id, cue_start, cue_end, gap_activity, acting = cue
    evidence = bool(_TARGETING.search(view.masked, cue_start, start))
    return _findings(view, acting, gene, role, cue_id, activity or gap_activity, evidence)


def _inverse_after(view: SentenceView, end: int) -> tuple[tuple[str, re.Match] | None, int]:
    """The inverse wording (`is a target of`) right after the gene or after a clause set off by commas, and where it
    starts."""
    found = view.cue_set.after_match("target_of", view.masked, end)
    if found is None and (appositive := _APPOSITIVE.match(view.masked, end)) is not None:
        return view.cue_set.after_match("target_of", view.masked, appositive.end()), appositive.end()
    return found, end


def _findings(
    view: SentenceView, acting: Sequence[Mention], gene: Mention, role: str, cue_id: str, activity: bool, evidence: bool = False
) -> list[Finding]:
    """`targets` or `regulates` for each acting miRNA; less of a miRNA turns the sign round, except where the text gives
    targeting evidence (`knockdown of miR-21 inhibits growth by targeting PDCD4`: miR-21 still targets PDCD4)."""
    rules = view.rules
    findings = []
    for mirna in acting:
        loss = lost(view, mirna)
        sign = -_SIGN[role] if loss else _SIGN[role]
        # Targeting evidence keeps a repressing cue `targets` when less of the miRNA turns its sign round.
        targeting = sign < 0 or (evidence and _SIGN[role] < 0)
        relation = "targets" if targeting and not activity and role != "activate" else "regulates"
        confidence = rules.confidence[role] - (rules.loss.penalty if loss else 0.0)
        rule = rules.with_loss(cue_id) if loss else cue_id
        direction = "" if relation == "targets" else _DIRECTION[sign]
        findings.append(Finding(mirna, gene, relation, rule, confidence, negated(view, mirna, gene, None), direction))
    return findings


def _gene_cue(view: SentenceView, start: int, end: int) -> tuple[str, str, int, int, bool, list[Mention]] | None:
    """(role, cue id, cue start, cue end, whether activity words stand in the gap, the acting miRNAs) of the cue that
    acts on the gene: the nearest cue before it with only filler between, else a passive after it."""
    mirnas = [m for m in view.mentions if m.type == "mirna"]
    candidates = [c for c in view.of_role(*_GENE_ROLES) if c.end <= start]
    while candidates and _describes(view, candidates[-1]):
        candidates.pop()  # `increased levels of tumor suppressors such as BIM`: `suppressors` describes the gene
    if candidates:
        cue = expression_as_gene_cue(view, candidates[-1])
        fits, activity, expression = _gap(view, _without_long_form(view, cue.end, start, end))
        means = _NOUN.match(view.masked[cue.start : cue.end]) and (
            _MEANS.search(view.masked[max(0, cue.start - 30) : cue.start])
            or _PASSIVE_MEANS.search(view.masked[max(0, cue.start - 80) : cue.start])
        )
        if fits and cue.role not in ("neutral", "up", "down") and not means:
            if cue.role == "repress_weak" and not (expression or _EXPRESSION_AFTER.match(view.masked, end)):
                activity = True  # `inhibits AKT` may be its activity; `inhibits the expression of AKT` is not
            if cue.role == "target_list":  # `targets of miR-Y, including X`: the miRNAs are inside the cue
                acting = [m for m in mirnas if cue.start <= view.local(m)[0] and view.local(m)[1] <= cue.end]
            else:
                acting = agents(view, mirnas, Cue(cue.start, cue.start, cue.role, cue.id), before_only=True)
                if acting and _OTHER_AGENT.search(view.masked[view.local(acting[-1])[1] : cue.start]):
                    acting = []
                if not acting:  # `Downregulation of ULK1 by microRNA-372`
                    acting = agents_after(view, mirnas, end, passive_only=True)
            return cue.role, cue.id, cue.start, cue.end, activity, acting
    passive = view.cue_set.passive_after(view.masked, end)
    if passive is None:
        return None
    cue = Cue(passive.start, passive.end, passive.role, passive.id)
    # `PTEN was reduced by miR-21`, `miR-21 ... PTEN was reduced`; without `was`, the miRNA comes after it
    # (`PTEN decreased after transfection with miR-21 mimics`).
    acting = agents(view, mirnas, cue) if passive.auxiliary else agents_after(view, mirnas, passive.end, passive_only=True)
    # `miR-1271 levels were decreased while ZEB1 levels were increased`: two changes observed side by side, not an
    # agent; but `pre-miR-21 transfection decreased apoptosis, whereas MMP-9 was upregulated` is.
    acting = [m for m in acting if manipulated(view, m) or not _CONTRAST.search(view.masked, view.local(m)[1], start)]
    return passive.role, passive.id, passive.start, passive.end, False, acting


def is_object(view: SentenceView, gene: Mention) -> bool:
    """Whether a verb acts on the gene (`to regulate notch3 expression`): then it is no agent of its own. A participle
    that opens a clause describes the gene (`we found that up-regulated CASC2 decreased miR-21`), and a relative
    clause after it makes the gene its subject (`accumulation of FOXO3a that binds to the miR-21 promoter`)."""
    start, end = view.local(gene)
    candidates = [c for c in view.of_role(*_GENE_ROLES) if c.end <= start]
    if not candidates or not _gap(view, view.masked[candidates[-1].end : start])[0]:
        return False
    cue = candidates[-1]
    if (
        _PARTICIPLE.fullmatch(view.masked[cue.start : cue.end])
        and _CLAUSE_OPENING.search(view.masked[: cue.start])
        and not _COORDINATED.match(view.masked, end)
    ):
        return False
    return not _RELATIVE.match(view.masked, end)


def expression_as_gene_cue(view: SentenceView, cue: Cue) -> Cue:
    """An expression-change cue (`led to decreased expression of ZEB1`) as the repressing or raising cue it holds;
    any other cue as it is."""
    if cue.role != "expression_change":
        return cue
    text = view.masked[cue.start : cue.end]
    role = "repress" if _LOWERING.match(text) else "raise" if _RAISING.match(text) else "neutral"
    return Cue(cue.start, cue.end, role, cue.id)


def _describes(view: SentenceView, cue: Cue) -> bool:
    """Whether a direction word is only a word that describes a gene (`tumor suppressors such as BIM`)."""
    return cue.role in ("up", "down", "neutral") and not view.cue_set.strip("gene_descriptor", view.masked[cue.start : cue.end])[0].strip()


def _without_long_form(view: SentenceView, cue_end: int, start: int, end: int) -> str:
    """The masked gap between a cue and a gene; a gene in brackets after the long form it abbreviates, a name no
    lexicon holds (`up-regulates Argonaute 2 (AGO2)`), leaves that long form out (Schwartz & Hearst's test)."""
    gap = view.masked[cue_end:start]
    opening = _OPENING.search(gap)
    if opening is None or not _CLOSING.match(view.masked, end):
        return gap
    at = long_form_start(view.text[cue_end : cue_end + opening.start()], view.text[start:end])
    return gap if at is None else gap[:at] + " "


def _gap(view: SentenceView, gap: str) -> tuple[bool, bool, bool]:
    """Whether only filler stands in the gap between a cue and a gene once descriptors and activity words are left
    out, whether activity words were there, and whether an expression word was."""
    return _gap_words(view.cue_set, gap)


# The same gaps (`the expression of`, ``) come back for every gene and miRNA of a sentence and across documents: the
# answer, a pure function of the cue set and the gap's text, is kept per cue set (one per rule set).
@lru_cache(maxsize=GAP_CACHE)
def _gap_words(cues: CueSet, gap: str) -> tuple[bool, bool, bool]:
    expression = bool(_EXPRESSION_WORD.search(gap))
    stripped, activity = cues.strip("gene_activity", gap)
    stripped, _ = cues.strip("gene_descriptor", stripped)
    return bool(_FILLER.match(stripped)), activity, expression
