"""Drug findings of a sentence: a frame (`resistance`, `sensitivity`, `sensitizes ... to`) around the drug, its
direction word, and the miRNAs acting through it; `associated` when the sentence links them without a direction."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.schema import Mention

from .agents import Finding, agents, lost, nearest, negated
from .rules import Cue
from .sentence import SentenceView

# How far (characters of the masked sentence) a frame, a direction and a passive direction may be from what they
# belong to.
FRAME_WINDOW = 80
DIRECTION_WINDOW = 45
PASSIVE_WINDOW = 70

_BY_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:by|mediated by|through|via|upon)\b")
_STATE_OF_MIRNA = re.compile(
    r"(?:\s*,?\s*(?:and|or|but\s+not)?\s*§+)*\s*,?\s*(?:expression\s+|levels?\s+)?(?:was|were|is|are|been|being)\s+(?:\w+ly\s+)?"
)
_PARTICIPLE = re.compile(r"(?:regulated|expressed|increased|decreased|reduced|elevated|induced|suppressed|lowered)$")
# What a drug-resistant descriptor names: `cisplatin-resistant (A2780) cells`, `... sublines`, `... patients`.
_DESCRIPTOR = re.compile(
    r"(?:\s|§|-|/)*(?:[\w-]+\s+){0,2}?(?:cells?|cell\s+lines?|lines?|sublines?|clones?|variants?|tumou?rs?|xenografts?"
    r"|patients?|counterparts?|derivatives?|phenotypes?)\b"
)
_AMOUNT_NOUN = re.compile(r"(?:regulation|inhibition|reduction|elevation|increase|decrease|suppression|loss)$")


def drug_findings(view: SentenceView, mirnas: Sequence[Mention], drug: Mention) -> list[Finding]:
    start, end = view.local(drug)
    sensitize = nearest(view.of_role("sensitize"), start, end, FRAME_WINDOW, before_only=True)
    frames = view.of_role("resistance", "sensitivity")
    # `cisplatin-resistant A2780 cells` names the cells, not the outcome: no frame for a direction word.
    effects = [f for f in frames if not _DESCRIPTOR.match(view.masked, f.end) or f.role != "resistance"]
    frame = nearest(effects, start, end, FRAME_WINDOW)
    if sensitize is not None and (frame is None or sensitize.end <= start):
        return _directed(view, mirnas, drug, effect=+1, cue=sensitize)
    if frame is None:
        descriptor = nearest(frames, start, end, FRAME_WINDOW)
        return _associated(view, mirnas, drug, descriptor) if descriptor is not None else []
    direction = _direction_of(view, frame)
    if direction is not None:
        up = direction.role == "up"
        effect = (1 if up else -1) * (1 if frame.role == "sensitivity" else -1)
        return _directed(view, mirnas, drug, effect=effect, cue=direction)
    return _associated(view, mirnas, drug, frame)


def _direction_of(view: SentenceView, frame: Cue) -> Cue | None:
    """The direction word of a frame: the nearest one before it, or a passive one after it (`were reduced by`).

    A word that says how much of a miRNA there is (`downregulation of miR-342`) is not the frame's direction, and
    an association between them (`is associated with`) leaves the frame without one.
    """
    directions = _directions(view)
    before = [c for c in directions if c.end <= frame.start and frame.start - c.end <= DIRECTION_WINDOW]
    if before:
        if any(before[-1].end <= c.start and c.end <= frame.start for c in view.of_role("associate")):
            return None
        return before[-1]
    after = [c for c in directions if c.start >= frame.end and c.start - frame.end <= PASSIVE_WINDOW]
    if after and _BY_AFTER.match(view.masked[after[0].end :]):
        return after[0]
    return None


def _directions(view: SentenceView) -> list[Cue]:
    """The sentence's direction words that are not about how much of a miRNA there is, worked out once a sentence."""
    found = view.memo.get("directions")
    if found is None:
        mirnas = [view.local(mention) for mention in view.mentions if mention.type == "mirna"]
        found = view.memo["directions"] = [c for c in view.of_role("up", "down") if not _about_mirna(view, mirnas, c)]
    return found  # type: ignore[return-value]


def _about_mirna(view: SentenceView, mirnas: list[tuple[int, int]], cue: Cue) -> bool:
    """Whether a direction word qualifies a miRNA next to it (`Downregulation of miR-X`, `miR-X upregulation`);
    ``mirnas``: the sentence's miRNA spans."""
    for start, end in mirnas:
        if 0 <= start - cue.end <= 25 and re.fullmatch(r"[\s]*(?:of\s+)?(?:the\s+)?(?:expression\s+of\s+)?", view.masked[cue.end : start]):
            return True
        if 0 <= cue.start - end <= 2 and _AMOUNT_NOUN.search(view.masked[cue.start : cue.end]):
            return True  # `miR-X upregulation confers ...`: a noun of amount, not the verb `miR-X promotes`
        if 0 <= cue.start - end <= 80 and _STATE_OF_MIRNA.fullmatch(view.masked[end : cue.start]) and _PARTICIPLE.search(
            view.masked[cue.start : cue.end]
        ):
            return True  # `miR-X (and miR-Y) were upregulated in X-resistant cells`: the miRNA's expression, not a direction
    return False


def _directed(view: SentenceView, mirnas: Sequence[Mention], drug: Mention, effect: int, cue: Cue) -> list[Finding]:
    """`sensitizes` or `confers_resistance` for each miRNA acting through the cue; less of the miRNA flips the effect."""
    rules = view.rules
    confidence = rules.confidence[cue.role]
    findings = []
    for mirna in agents(view, mirnas, cue):
        loss = lost(view, mirna)
        sign = -effect if loss else effect
        relation = "sensitizes" if sign > 0 else "confers_resistance"
        rule = rules.with_loss(cue.id) if loss else cue.id
        findings.append(
            Finding(mirna, drug, relation, rule, confidence - (rules.loss.penalty if loss else 0.0), negated(view, mirna, drug, cue))
        )
    return findings


def _associated(view: SentenceView, mirnas: Sequence[Mention], drug: Mention, frame: Cue) -> list[Finding]:
    """A link to drug response without a direction: an association cue, or expression in resistant cells."""
    if view.of_role("method"):
        return []
    association = view.of_role("associate")
    if association:
        cue = association[0]
    else:
        changes = view.of_role("expression_change")
        if not changes:
            return []  # the drug only names the setting (`in letrozole-resistant cells`)
        cue = changes[0]
    confidence = view.rules.confidence[cue.role]
    return [
        Finding(mirna, drug, "associated", cue.id, confidence, negated(view, mirna, drug, cue))
        for mirna in mirnas
    ]
