"""Who acts, how much of it, and whether it is denied: the miRNAs behind a cue, less of a miRNA, negation, and the
nearest cue to a mention. Offsets are local to the sentence (``SentenceView.local``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.schema import Mention

from .rules import Cue
from .sentence import MASK, SentenceView

# A miRNA after the cue acts only in the passive: `reduced by ectopic expression of miR-X`, `mediated by miR-X`, `rose
# in gastric cells overexpressing miR-X`.
_PASSIVE_AGENT = re.compile(
    r"\b(?:by|upon|following|after)\s+(?:the\s+)?(?:(?:ectopic|forced|stable|transient|enforced)\s+)?"
    r"(?:(?:over-?)?expression|overexpressing|transfection|restoration|up-?regulation|down-?regulation|knock-?down"
    r"|inhibition|silencing|loss|introduction|delivery|addition|mimics?)?\s*(?:of|with)?\s*(?:the\s+)?(?:exosomal\s+)?$"
    r"|\bin\s+(?:[\w§-]+\s+){0,2}?cells?\s+(?:(?:stably\s+|transiently\s+)?(?:over-?expressing|transfected\s+with))\s+(?:the\s+)?$"
)
_APPOSITIVE_START = re.compile(r"§,\s*(?:a|an|the)\s+[^,;§]{0,40}\bof\s+$")
_APPOSITIVE_END = re.compile(r"\s*,")
_NOT_BEFORE = re.compile(r"\b(?:but|and)\s+not\s+$")
_SET_AGAINST = re.compile(r"not\s+§+\s*,")
_TRANSFECTION = re.compile(r"[\s-]*(?:transfect\w*|transduc\w*|transient|stable)")
_COORDINATION = re.compile(r"^[\s,/]*(?:and|or|&|but\s+not)?[\s,/]*$")


@dataclass(frozen=True, slots=True)
class Finding:
    """One decided pair in one sentence, before it becomes a Relation record."""

    mirna: Mention
    partner: Mention
    relation: str
    rule: str
    confidence: float
    negated: bool = False
    # For regulates and regulated_by: `up`, `down` or "" (the other relations say theirs by their name).
    direction: str = ""


def agents(view: SentenceView, mirnas: Sequence[Mention], cue: Cue, before_only: bool = False) -> list[Mention]:
    """The miRNAs acting through a cue: the nearest one before it with those coordinated with it, else the first after."""
    before = [m for m in mirnas if view.local(m)[1] <= cue.start]
    if before and _in_appositive(view, before[-1]):
        return []  # `PDCD4, a target gene of miR-21, regulates ABCC5`: the gene before the appositive is the agent
    if before:
        group = [before[-1]]
        for mirna in reversed(before[:-1]):
            gap = view.masked[view.local(mirna)[1] : view.local(group[0])[0]]
            if not _COORDINATION.match(gap.replace(MASK, "")):
                break
            group.insert(0, mirna)
        return group
    if before_only:
        return []
    # `LINC00473 promotes resistance by sponging miR-15a`: the miRNA after the cue is no agent
    return agents_after(view, mirnas, cue.end, passive_only=True)


def _in_appositive(view: SentenceView, mirna: Mention) -> bool:
    """Whether the miRNA ends a clause set off by commas after a name (`PDCD4, a target gene of miR-21, ...`)."""
    start, end = view.local(mirna)
    return bool(_APPOSITIVE_END.match(view.masked, end) and _APPOSITIVE_START.search(view.masked, max(0, start - 50), start))


def agents_after(view: SentenceView, mirnas: Sequence[Mention], position: int, passive_only: bool = False) -> list[Mention]:
    """The first miRNA after ``position`` with those coordinated with it (`X is a target of miR-A and miR-B`); with
    ``passive_only``, only when the words between make it an agent (`after transfection with miR-Y mimics`)."""
    after = [m for m in mirnas if view.local(m)[0] >= position]
    if not after or (passive_only and not _PASSIVE_AGENT.search(view.masked[position : view.local(after[0])[0]])):
        return []
    group = [after[0]]
    for mirna in after[1:]:
        gap = view.masked[view.local(group[-1])[1] : view.local(mirna)[0]]
        if not _COORDINATION.match(gap.replace(MASK, "")):
            break
        group.append(mirna)
    return group


def lost(view: SentenceView, mirna: Mention) -> bool:
    """Whether the sentence speaks of less of this miRNA (`downregulation of miR-X`, `miR-X knockdown`); worked out
    once per mention of the sentence."""
    key = ("lost", mirna.start, mirna.end)
    found = view.memo.get(key)
    if found is None:
        found = view.memo[key] = _lost(view, mirna)
    return found  # type: ignore[return-value]


def _lost(view: SentenceView, mirna: Mention) -> bool:
    start, end = view.local(mirna)
    cues = view.cue_set
    if cues.before("gain_before", view.masked, start) or cues.after("gain_after", view.masked, end):
        return False
    return bool(cues.before("loss_before", view.masked, start) or cues.after("loss_after", view.masked, end))


def manipulated(view: SentenceView, mirna: Mention) -> bool:
    """Whether the sentence changes this miRNA on purpose (`miR-21 mimics`, `over-expression of miR-21`, `pre-miR-21
    transfection`, `knockdown of miR-21`): then it is an agent, not one of two changes observed side by side."""
    start, end = view.local(mirna)
    cues = view.cue_set
    return bool(
        cues.before("gain_before", view.masked, start)
        or cues.after("gain_after", view.masked, end)
        or _TRANSFECTION.match(view.masked, end)
        or lost(view, mirna)
    )


def negated(view: SentenceView, mirna: Mention, partner: Mention, cue: Cue | None) -> bool:
    """A negation between the miRNA and the partner, just before the cue (`did not reverse resistance`), or right
    before the partner or the miRNA set against another (`N-myc, but not Gli1, induced miR-17`)."""
    for named in (partner, mirna):
        if _NOT_BEFORE.search(view.masked, max(0, view.local(named)[0] - 12), view.local(named)[0]):
            return True
    lo = min(view.local(mirna)[0], view.local(partner)[0])
    hi = max(view.local(mirna)[1], view.local(partner)[1])
    for negation in view.of_role("negation"):
        if _SET_AGAINST.match(view.masked, negation.start):
            continue  # `but not Gli1` denies that name alone
        if lo <= negation.start < hi:
            return True
        if cue is not None and 0 <= cue.start - negation.end <= 12:
            return True
    return False


def nearest(cues: Iterable[Cue], start: int, end: int, window: int, before_only: bool = False) -> Cue | None:
    best, best_distance = None, window + 1
    for cue in cues:
        if cue.end <= start:
            distance = start - cue.end
        elif not before_only and cue.start >= end:
            distance = cue.start - end
        elif cue.start <= start and cue.end >= end:
            distance = 0  # the drug is inside the frame (`trastuzumab-resistant`)
        else:
            continue
        if distance < best_distance:
            best, best_distance = cue, distance
    return best
