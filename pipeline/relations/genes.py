"""Gene findings of a sentence: `targets` from the nearest repressing cue before the gene with only filler between
(`targeting`, `suppresses`, `decreasing the expression of`), the inverse wording (`X is a target of miR-Y`), or the
gene as the subject of a passive; pathway, axis, activation and phosphorylation wording blocks it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.schema import Mention

from .agents import Finding, agents, lost, negated
from .rules import Cue
from .sentence import SentenceView

# What may stand between a gene cue and the gene: other genes, coordination and the words of `the expression of`.
_FILLER = re.compile(
    r"^(?:[\s,;()/\-]|§|\band\b|\bor\b|\bboth\b|\bthe\b|\bits\b|\btheir\b|\ba\b|\ban\b|\bof\b|\bexpressions?\b"
    r"|\blevels?\b|\bproteins?\b|\bmrnas?\b|\bgenes?\b|\bdirectly\b|\bdirect\b|\btranslation\b|\b3.?\s?-?\s?utrs?\b"
    r"|\boncogenic\b|\boncogenes?\b|\btumou?r\b|\bsuppressors?\b|\bdownstream\b|\bendogenous\b|\bhuman\b|\d)*$"
)
_EXPRESSION_WORD = re.compile(r"\b(?:expressions?|levels?|mrnas?|proteins?|translation)\b")


def gene_findings(view: SentenceView, mirnas: Sequence[Mention], gene: Mention) -> list[Finding]:
    start, end = view.local(gene)
    cues = view.cue_set
    if cues.after("gene_block_after", view.masked, end) or cues.before("gene_block_before", view.masked, start):
        return []
    inverse = cues.after("target_of", view.masked, end)
    if inverse is not None:
        after = [m for m in mirnas if view.local(m)[0] >= end]
        confidence = view.rules.confidence["target_of"]
        return [Finding(m, gene, "targets", inverse, confidence, negated(view, m, gene, None)) for m in after[:1]]
    cue = _gene_cue(view, start, end)
    if cue is None:
        return []
    role, cue_id, cue_start = cue
    findings = []
    # The miRNA that acts on a gene comes before the cue; a miRNA after it is an object (`targeting of miR-X and Y`).
    rules = view.rules
    for mirna in agents(view, mirnas, Cue(cue_start, cue_start, role, cue_id), before_only=True):
        loss = lost(view, mirna)
        if (role in ("repress", "repress_weak") and not loss) or (role == "raise" and loss):
            rule = rules.with_loss(cue_id) if loss else cue_id
            confidence = rules.confidence[role] - (rules.loss.penalty if loss else 0.0)
            findings.append(Finding(mirna, gene, "targets", rule, confidence, negated(view, mirna, gene, None)))
    return findings


def _gene_cue(view: SentenceView, start: int, end: int) -> tuple[str, str, int] | None:
    """(role, cue id, position) of the cue that acts on the gene, if only filler separates them."""
    candidates = [c for c in view.of_role("repress", "repress_weak", "raise", "neutral", "up", "down") if c.end <= start]
    if candidates:
        cue = candidates[-1]
        gap = view.masked[cue.end : start]
        if _FILLER.match(gap) and cue.role in ("repress", "repress_weak", "raise"):
            if cue.role == "repress_weak" and not (
                _EXPRESSION_WORD.search(gap) or _EXPRESSION_WORD.match(view.masked[end : end + 20].lstrip(" §"))
            ):
                return None  # `inhibits AKT` may be its activity; `inhibits the expression of AKT` is not
            return cue.role, cue.id, cue.start
    return view.cue_set.passive_after(view.masked, end)
