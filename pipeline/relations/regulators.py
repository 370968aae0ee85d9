"""`regulated_by` findings of a sentence: a gene product or a drug changes the miRNA (`HIF-1a induced miR-210`,
`genistein downregulated miR-21`, `miR-210 was induced by HIF-1a`, `miR-34a is a direct target of p53`, `HOTAIR
sponges miR-331`). The direction is what more of the partner does to the miRNA; less of the partner (`knockdown of
MYC`) turns it round."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.schema import Mention

from .agents import Finding, lost, negated
from .genes import expression_as_gene_cue, is_object
from .rules import Cue
from .sentence import MASK, SentenceView

# The words that may stand between an agent and its verb (`MYC protein directly upregulates`, `knockdown of X
# reduced`, `treatment with genistein significantly decreased`), after names coordinated with it.
_SUBJECT_GAP = re.compile(
    r"^(?:[\s,/]|§|\band\b|\bor\b|\bbut\s+not\b)*+(?:[\s,()\-]|\b(?:proteins?|expression|levels?|over-?expression|knock-?down"
    r"|silencing|depletion|inhibition|deficiency|loss|treatment|exposure|administration|stimulation|activation|signal\w*"
    r"|itself|which|that|also|could"
    r"|can|may|might|significantly|markedly|directly|transcriptionally|strongly|further|in\s+turn|dose-dependently"
    r"|epigenetically|specifically|negatively|positively|was|were|is|are|has|have|been|shown|found|known|reported|to)\b)*$"
)
# ... or, before a sponging word, a means clause after the agent: `LINC00473 promotes cisplatin resistance by sponging
# miR-15a`.
_BY_CLAUSE = re.compile(r"^[^.;]{0,60}\b(?:by|through|via)\s+$")
# The words between the verb and the miRNA it acts on (`induced the expression of mature miR-210`).
_OBJECT_GAP = re.compile(
    r"^(?:[\s,/()\-]|§|\bpr[ie]-|\b(?:the|of|its|their|expression|levels?|transcription|processing|maturation|biogenesis"
    r"|mature|primary|precursor|cluster|family|members?|and|or|both|host|gene|an?|increased|decreased|reduced|elevated"
    r"|higher|lower|mi(?:cro)?rnas?|mirs|such\s+as|including|namely|e\.g\.|as\s+well\s+as|several|various)\b)*$"
)
# A comma and a conjunction in the object gap start a new clause (`binds to the promoter of BIM, and miR-96 was low`).
_NEW_CLAUSE = re.compile(r",\s*(?:and|but|while|whereas)\b")
# After a passive verb about the miRNA, what leads to the agent (`was induced by`, `was reduced upon treatment with`).
_PASSIVE_BY = re.compile(
    r"^[^§.;]{0,50}?\b(?:(?:by|upon|following|after|in\s+response\s+to)\s+(?:the\s+|an?\s+)?(?:\w+ly\s+)?"
    r"(?:(?:enforced|ectopic|forced)\s+)?(?:(?:over-?)?expression|treatment|exposure|administration|addition|knock-?down"
    r"|silencing|activation|induction|inhibition|loss|up-?regulation|down-?regulation|stimulation)?\s*(?:of|with)?"
    r"|(?:treated|stimulated|exposed|incubated)\s+(?:with|to))\s*(?:the\s+)?$"
)
# A fronted phrase that ends right before the partner, and what may stand between it and the miRNA after it.
_FRONT = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|but)\s+)\W*(?:after|upon|following|with|in\s+response\s+to)\s+(?:(?:the\s+)?(?:treatment|exposure"
    r"|stimulation|incubation)\s+(?:with|to)\s+)?(?:the\s+)?$"
)
_FRONT_GAP = re.compile(
    r"^[^§.;]{0,40}?,\s*(?:the\s+)?(?:(?:expression|levels?)\s+(?:of\s+)?)?(?:mature\s+)?(?:§+\s*(?:,|and|or)\s*)*$"
)
_STATE = re.compile(r"(?:\s*(?:,|and|or)\s*§+)*\s*(?:expression\s+|levels?\s+)?(?:was|were|is|are)?\s*(?:\w+ly\s+)?")
# A change of the miRNA named by a noun before it, and the partner after it: `up-regulation of miR-19b in response
# to 5-FU`, `downregulation of miR-21 upon administration of aspirin`.
_CHANGE_NOUNS = (
    r"up-?regulation|over-?expression|induction|increase|elevation|accumulation|down-?regulation|reduction|decrease"
    r"|suppression|repression|inhibition|loss"
)
_CHANGE_NOUN = re.compile(
    rf"(?P<change>{_CHANGE_NOUNS})\s+(?:of\s+)?(?:the\s+)?(?:expression\s+of\s+|levels?\s+of\s+)?$"
)
# A gene as the agent of a change of the miRNA after it: `ERbeta-mediated regulation of miR-17`.
_MEDIATED_CHANGE = re.compile(
    rf"\s*-\s*(?:mediated|induced|dependent|driven)\s+(?P<noun>{_CHANGE_NOUNS}|regulation|silencing)\s+of\b"
)
# A result clause between the agent and the miRNA: `over-expression of Notch-1 leads to increased expression of miR-21`.
_RESULT = re.compile(
    r"\b(?:(?:leads?|led|results?|resulted|resulting|leading)\s+(?:to|in)|(?:induc|caus|trigger)(?:e|es|ed|ing))\s+"
    r"(?:the\s+|an?\s+)?(?:significant(?:ly)?\s+)?"
    r"(?P<change>increased?|elevat\w*|up-?regulat\w*|over-?expression|induc\w*|accumulat\w*|decreased?|reduc\w*"
    r"|down-?regulat\w*"
    r"|suppress\w*|inhibit\w*|repress\w*|loss)\b"
)
# A change word of the object gap after a result clause (_OBJECT_GAP admits them).
_GAP_CHANGE = re.compile(r"\b(?:increased|decreased|reduced|elevated|higher|lower)\b")
# Which change words (a noun of _CHANGE_NOUNS, the change of a result clause) raise the miRNA.
_RAISING_CHANGE = re.compile(r"increas|elevat|up-?regulat|over-?expression|induc|accumulat|higher")
# The longest gap between the partner and the miRNA of `the effect of X on the expression of the mature miR-Y`.
_EFFECT_REACH = 50
_SIGN = {"repress": -1, "repress_weak": -1, "raise": 1, "activate": 1, "regulate": 0, "target_of": 0, "sponge": -1}
# The confidence of a finding whose cue has no confidence rule of its own: that of the role it reads like.
_CONFIDENCE_ROLE = {"target_of": "regulate", "sponge": "regulate"}
_ROLES = ("repress", "repress_weak", "raise", "regulate", "activate", "neutral", "up", "down", "sensitize", "expression_change")
_DIRECTION = {-1: "down", 1: "up", 0: ""}


def regulator_findings(view: SentenceView, mirnas: Sequence[Mention], partner: Mention) -> list[Finding]:
    """`regulated_by` for each miRNA this partner changes; a gene as a modifier (`LINC00473-expressing cells`) changes none."""
    start, end = view.local(partner)
    cues = view.cue_set
    if cues.before("gene_block_before", view.masked, start):
        return []
    if (
        cues.after("gene_block_after", view.masked, end)
        and not _MEDIATED_CHANGE.match(view.masked, end)
        and not cues.after("gene_target_after", view.masked, end)
    ):
        return []  # `p53-dependent apoptosis`; but `ERbeta-mediated regulation of miR-17`, `a p53 target` are regulated_by
    findings = []
    # Worked out once for the partner: a gene a verb acts on is no agent (`to regulate NOTCH3 expression`).
    agent = not (partner.type == "gene" and is_object(view, partner))
    for mirna in mirnas:
        if view.local(mirna)[0] >= end:
            found = (_active(view, partner, mirna) if agent else None) or _fronted(view, partner, mirna)
        else:
            found = _passive(view, mirna, partner)
        if found is None:
            continue
        role, cue = found
        partner_lost = partner.type == "gene" and lost(view, partner)
        sign = -_SIGN[role] if partner_lost else _SIGN[role]
        rules = view.rules
        confidence = rules.confidence[_CONFIDENCE_ROLE.get(role, role)] - (rules.loss.penalty if partner_lost else 0.0)
        rule = rules.with_loss(cue.id) if partner_lost else cue.id
        findings.append(
            Finding(mirna, partner, "regulated_by", rule, confidence, negated(view, mirna, partner, None), _DIRECTION[sign])
        )
    return findings


def _active(view: SentenceView, partner: Mention, mirna: Mention) -> tuple[str, Cue] | None:
    """`HIF-1a induced miR-210`: the nearest cue before the miRNA acts on it, and the partner is its agent."""
    p_end = view.local(partner)[1]
    m_start = view.local(mirna)[0]
    masked = view.masked
    mediated = _MEDIATED_CHANGE.match(masked, p_end)
    if mediated is not None and _OBJECT_GAP.match(masked[mediated.end() : m_start]):
        noun = mediated.group("noun")
        role = "raise" if _RAISING_CHANGE.match(noun) else "regulate" if noun == "regulation" else "repress"
        return role, Cue(p_end, mediated.end(), role, _cue_id(view, mediated.start("noun"), role))
    acting = view.memo.get("regulator_cues")
    if acting is None:
        acting = view.memo["regulator_cues"] = view.of_role(*_ROLES)
    cues = [c for c in acting if p_end <= c.start and c.end <= m_start]
    sponge = view.cue_set.before("loss_before", masked, m_start)
    result = _last(_RESULT.finditer(masked, p_end, m_start))
    by_clause = False
    if result is not None and _OBJECT_GAP.match(masked[result.end() : m_start]):
        # The last change word before the miRNA says its change (`leads to increased expression of miR-21, and
        # decreased expression of miR-200b`).
        change = _last(_GAP_CHANGE.finditer(masked, result.end(), m_start))
        word, at = (change.group(), change.start()) if change is not None else (result.group("change"), result.start("change"))
        role = "raise" if _RAISING_CHANGE.match(word) else "repress"
        cue = Cue(result.start(), result.end(), role, _cue_id(view, at, role))
    elif cues and _OBJECT_GAP.match(masked[cues[-1].end : m_start]) and not _NEW_CLAUSE.search(masked, cues[-1].end, m_start):
        cue = expression_as_gene_cue(view, cues[-1])
        if cue.role in ("neutral", "up", "down", "sensitize"):
            return None
    elif sponge is not None and partner.type == "gene":
        # `HOTAIR sponges miR-331`, `LINC00473 ... by sponging miR-15a`: the partner lowers what the miRNA can do.
        start = _loss_start(masked, m_start)
        if start is None:
            return None
        cue = Cue(start, m_start, "sponge", sponge)
        by_clause = True
    else:
        return None
    gap = masked[p_end : cue.start]
    if _SUBJECT_GAP.match(gap) or (by_clause and _BY_CLAUSE.match(gap)):
        return cue.role, cue
    return None


def effect_on(view: SentenceView, partner: Mention, mirna: Mention) -> str | None:
    """The id of the cue of `the effect of X on (the expression of) miR-Y` that names the partner as X and this miRNA
    as Y: an aim or a measurement (`to assess the effect of resveratrol on miR-21 expression`), not a finding."""
    p_end, m_start = view.local(partner)[1], view.local(mirna)[0]
    if not 0 <= m_start - p_end < _EFFECT_REACH or MASK in view.masked[p_end:m_start]:
        return None
    return view.cue_set.before("effect_on", view.masked, m_start)


def _last(matches):
    found = None
    for found in matches:
        pass
    return found


def _cue_id(view: SentenceView, position: int, role: str) -> str:
    """The id of the gene cue of ``role`` at ``position`` (the verb of a result clause), else of any cue there."""
    at = [c for c in view.cues if c.start <= position < c.end]
    return next((c.id for c in at if c.role == role), at[0].id if at else "cue.gene." + role)


def _loss_start(masked: str, m_start: int) -> int | None:
    """Where a sponging word right before the miRNA starts (`sponging miR-15a`, `a sponge for miR-X`)."""
    found = re.search(r"\b(?:spong\w*|sequester\w*|(?:ad|ab)sorb\w*|cerna|decoy)\s+(?:of\s+|for\s+|to\s+)?(?:the\s+)?$", masked[max(0, m_start - 40) : m_start])
    return None if found is None else max(0, m_start - 40) + found.start()


def _fronted(view: SentenceView, partner: Mention, mirna: Mention) -> tuple[str, Cue] | None:
    """`After treatment with gemcitabine for 72 h, the level of miR-155 increased`, `In response to 5-FU, miR-19b
    was over-expressed`: the partner in a fronted phrase, the change said of the miRNA after it."""
    p_start, p_end = view.local(partner)
    m_start, m_end = view.local(mirna)
    masked = view.masked
    if not _FRONT_GAP.match(masked[p_end:m_start]) or not _FRONT.search(masked, max(0, p_start - 80), p_start):
        return None
    passive = view.cue_set.passive_after(masked, m_end)
    if passive is not None and passive.auxiliary:
        return passive.role, Cue(passive.start, passive.end, passive.role, passive.id)
    changes = [c for c in view.of_role("expression_change") if m_end <= c.start and _STATE.fullmatch(masked[m_end : c.start])]
    if changes:
        cue = expression_as_gene_cue(view, changes[0])
        return (cue.role, cue) if cue.role != "neutral" else None
    return None


# The miRNA named again by `its` (`miR-1271 was down-regulated in PC tissues, and its expression was up-regulated upon
# cisplatin treatment`).
_ITS = re.compile(r"\bits\s+(?=(?:expression|levels?)\b)")


def _passive(view: SentenceView, mirna: Mention, partner: Mention) -> tuple[str, Cue] | None:
    """`miR-210 was induced by HIF-1a`, `miR-34a is a direct transcriptional target of p53`; or said of `its
    expression` after the miRNA, the last one named before it."""
    found = _passive_at(view, mirna, partner, view.local(mirna)[1])
    if found is not None:
        return found
    m_end, p_start = view.local(mirna)[1], view.local(partner)[0]
    its = _ITS.search(view.masked, m_end, p_start)
    if its is None or any(view.local(m)[0] < its.start() and m.norm != mirna.norm for m in view.mentions if m.type == "mirna"):
        return None  # `its` after two miRNAs names neither
    return _passive_at(view, mirna, partner, its.end())


def _passive_at(view: SentenceView, mirna: Mention, partner: Mention, m_end: int) -> tuple[str, Cue] | None:
    """A change said of the miRNA whose name (or `its`) ends at ``m_end``, with the partner as its agent."""
    # Nothing after the miRNA says that something acted on it: no partner after it can be its regulator.
    key = ("acted_on", m_end)
    acted_on = view.memo.get(key)
    if acted_on is None:
        masked, cues = view.masked, view.cue_set
        acted_on = view.memo[key] = bool(
            cues.after_match("target_of", masked, m_end)
            or cues.passive_after(masked, m_end)
            or (m_end == view.local(mirna)[1] and _CHANGE_NOUN.search(masked, max(0, view.local(mirna)[0] - 60), view.local(mirna)[0]))
        )
    if not acted_on and not view.cue_set.after("gene_target_after", view.masked, view.local(partner)[1]):
        return None
    return _acted_on_by(view, mirna, partner, m_end)


def _acted_on_by(view: SentenceView, mirna: Mention, partner: Mention, m_end: int) -> tuple[str, Cue] | None:
    p_start = view.local(partner)[0]
    cues = view.cue_set
    masked = view.masked
    gene_target = cues.after("gene_target_after", masked, view.local(partner)[1])
    if gene_target and re.fullmatch(
        r"(?:\s*(?:,|and|or|/)\s*§+)*[\s,()]*(?:(?:is|are|was|were|represents?|as|being|been|a|an|the|direct|bona\s+fide"
        r"|known|transcriptional)\s+)+",
        masked[m_end:p_start],
    ):  # `miR-34a and miR-34b/c represent direct p53 target genes`
        return "target_of", Cue(m_end, p_start, "target_of", gene_target)
    target = cues.after_match("target_of", masked, m_end)
    if target is not None and target[1].group().rstrip().endswith("of"):
        cue_end = m_end + target[1].end()
        gap, _ = cues.strip("gene_descriptor", masked[cue_end:p_start])
        if re.fullmatch(r"[\s,()]*(?:the\s+)?[\s,()]*", gap):
            return "target_of", Cue(m_end, cue_end, "target_of", target[0])
        return None
    change = _CHANGE_NOUN.search(masked, max(0, view.local(mirna)[0] - 60), view.local(mirna)[0])
    if change is not None and change.end() == view.local(mirna)[0] and m_end == view.local(mirna)[1] and _PASSIVE_BY.match(
        re.sub(r"^\s*(?:expression|levels?)", "", masked[m_end:p_start])
    ):
        role = "raise" if _RAISING_CHANGE.match(change.group("change")) else "repress"
        return role, Cue(change.start(), change.end(), role, _cue_id(view, change.start(), role))
    passive = cues.passive_after(masked, m_end)
    if passive is None or not passive.auxiliary:
        return None
    verb_end = re.match(r"\w*", masked[passive.start :]).end() + passive.start
    # `was enhanced by a transcription factor TWIST1`: the words that describe the partner are left out.
    if not _PASSIVE_BY.match(cues.strip("gene_descriptor", masked[verb_end:p_start])[0]):
        return None
    return passive.role, Cue(passive.start, verb_end, passive.role, passive.id)
