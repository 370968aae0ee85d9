"""Relation sentences: which miRNA targets which gene, sensitizes to or confers resistance to which drug.

Rules, not a statistical model: the cues are data (rules/relation_cues.jsonl) and every relation names the cue
that decided it in its ``rule`` column. Per sentence, with every mention masked so that words inside a name are
never cues:
- a drug (or drug class) gets a relation from its frame (`resistance`, `sensitivity`, `sensitizes ... to`) and the
  direction word of that frame (`confers`, `reverses`, `increases`), or `associated` when the sentence links the
  miRNA to the frame without a direction (`involved in`, `biomarkers for`, `downregulated in X-resistant cells`);
- a gene gets `targets` from the nearest cue before it when that cue represses (`targeting`, `suppresses`,
  `decreasing the expression of`) and nothing but filler stands between them; pathway, axis, activation and
  phosphorylation wording blocks it (`regulating the AKT/mTOR pathway`, `via AKT activation`);
- less of the miRNA flips the effect (`miR-X downregulation promotes resistance` sensitizes, `knockdown of miR-X
  increased Y` targets);
- the agent is the nearest miRNA (with the miRNAs coordinated with it) before the cue, or after it in the passive.
Offsets are character offsets into ``Document.text``; sentences are (start, end) spans, end exclusive.
"""

from __future__ import annotations

import re

import ahocorasick
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.preprocess import normalize_chars
from pipeline.ruleset import RuleError, load_jsonl_rules, necessary_substrings
from pipeline.schema import Document, Mention, Relation

CUE_RULES = "relation_cues.jsonl"
MASK = "§"
COREF_NORM = "these miRNAs"
PARTNER_TYPES = ("gene", "drug", "drug_class")
ROLES = (
    "resistance", "sensitivity", "sensitize", "up", "down", "associate", "expression_change", "method",
    "repress", "repress_weak", "raise", "target_of", "neutral", "gene_block_after", "gene_block_before",
    "loss_before", "loss_after", "gain_before", "gain_after", "negation", "hedge",
)  # fmt: skip
# Anchored roles are matched at a position (before or after a mention), the others searched in the sentence.
ANCHORED = ("target_of", "gene_block_after", "gene_block_before", "loss_before", "loss_after", "gain_before", "gain_after")

# How far (characters of the masked sentence) a frame, a direction and a cue may be from what they belong to.
FRAME_WINDOW = 80
DIRECTION_WINDOW = 45
PASSIVE_WINDOW = 70
MIRNA_CONTEXT = 45

# What may stand between a gene cue and the gene: other genes, coordination and the words of `the expression of`.
_FILLER = re.compile(
    r"^(?:[\s,;()/\-]|§|\band\b|\bor\b|\bboth\b|\bthe\b|\bits\b|\btheir\b|\ba\b|\ban\b|\bof\b|\bexpressions?\b"
    r"|\blevels?\b|\bproteins?\b|\bmrnas?\b|\bgenes?\b|\bdirectly\b|\bdirect\b|\btranslation\b|\b3.?\s?-?\s?utrs?\b"
    r"|\boncogenic\b|\boncogenes?\b|\btumou?r\b|\bsuppressors?\b|\bdownstream\b|\bendogenous\b|\bhuman\b|\d)*$"
)
_EXPRESSION_WORD = re.compile(r"\b(?:expressions?|levels?|mrnas?|proteins?|translation)\b")
_PASSIVE_GENE = re.compile(
    r"^(?:§|\s|,|and)*(?:levels?|expression|mrna|protein)?\s*(?:is|are|was|were)\s+(?:significantly\s+|markedly\s+"
    r"|also\s+)?(?P<verb>elevated|increased|up-?regulated|restored|enhanced|decreased|reduced|down-?regulated|suppressed)\b"
)
_RAISING = re.compile(r"elevat|increas|up-?regulat|restor|enhanc")
_BY_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:by|mediated by|through|via|upon)\b")
# `these miRNAs` names the miRNAs of the previous sentence when that sentence names them.
_THESE_MIRNAS = re.compile(r"\b(?:these|both|the two|the above)\s+(?:mi(?:cro)?rnas?|mirs)\b", re.IGNORECASE)
_STATE_OF_MIRNA = re.compile(r"\s*(?:expression\s+|levels?\s+)?(?:was|were|is|are|been|being)\s+(?:\w+ly\s+)?")
_PARTICIPLE = re.compile(r"(?:regulated|expressed|increased|decreased|reduced|elevated|induced|suppressed|lowered)$")
_AMOUNT_NOUN = re.compile(r"(?:regulation|inhibition|reduction|elevation|increase|decrease|suppression|loss)$")
# A miRNA after the cue acts only in the passive: `reduced by ectopic expression of miR-X`, `mediated by miR-X`.
_PASSIVE_AGENT = re.compile(
    r"\b(?:by|upon|following|after)\s+(?:the\s+)?(?:(?:ectopic|forced|stable|transient|enforced)\s+)?"
    r"(?:(?:over-?)?expression|overexpressing|transfection|restoration|up-?regulation|down-?regulation|knock-?down"
    r"|inhibition|silencing|loss|introduction|delivery|addition|mimics?)?\s*(?:of|with)?\s*(?:the\s+)?(?:exosomal\s+)?$"
)
_COORDINATION = re.compile(r"^[\s,/]*(?:and|or|&)?[\s,/]*$")


_ESCAPE = re.compile(r"\\.")
_UPPER_LETTER = re.compile(r"[A-Z]")


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    role: str
    id: str


class CueSet:
    """The relation cues, compiled once: searched roles as (id, regex), anchored roles as compiled regexes.

    Most cues are absent from most sentences: a searched rule runs only on a sentence that holds one of the
    substrings every match of it needs (``prefilter=False`` runs every rule, to test that the filter loses nothing).
    """

    def __init__(self, rules: list[dict], prefilter: bool = True) -> None:
        self.searched: list[tuple[str, str, re.Pattern, tuple[str, ...] | None]] = []
        self.anchored: dict[str, list[tuple[str, re.Pattern]]] = defaultdict(list)
        for rule in rules:
            if rule["role"] not in ROLES:
                raise RuleError(f"{rule['_where']}: unknown role {rule['role']!r}; expected one of {', '.join(ROLES)}")
            try:
                # The masked sentence is lower case: a pattern written in lower case needs no IGNORECASE, which
                # makes Python's regex engine about 30 % slower (measured on 8,000 sentences).
                regex = re.compile(rule["pattern"], re.IGNORECASE if _UPPER_LETTER.search(_ESCAPE.sub("", rule["pattern"])) else 0)
            except re.error as err:
                raise RuleError(f"{rule['_where']}: rule {rule['id']!r} is not a valid regex ({err})") from err
            if rule["role"] in ANCHORED:
                self.anchored[rule["role"]].append((rule["id"], regex))
            else:
                needs = necessary_substrings(rule["pattern"]) if prefilter else None
                self.searched.append((rule["role"], rule["id"], regex, needs))
        self.always = frozenset(index for index, (*_, needs) in enumerate(self.searched) if needs is None)
        # One automaton of every needed substring, whose value is the rules that need it: one pass over a sentence
        # tells which rules may match (117 `in` tests a sentence before).
        self.needs = ahocorasick.Automaton()
        for index, (*_, needs) in enumerate(self.searched):
            for need in needs or ():
                self.needs.add_word(need, (*self.needs.get(need, ()), index))
        if len(self.needs):
            self.needs.make_automaton()

    def find(self, masked: str) -> list[Cue]:
        """Every cue, in order; a cue inside a longer cue (`regulates` in `negatively regulates`) is dropped."""
        candidates = set(self.always)
        if len(self.needs):
            for _, indexes in self.needs.iter(masked):
                candidates.update(indexes)
        # (start, -end, rule index) tuples sort as the cues sorted stably by (start, -end) in rule order; a Cue is
        # built for the kept ones alone.
        searched = self.searched
        spans = [(match.start(), -match.end(), index) for index in candidates for match in searched[index][2].finditer(masked)]
        spans.sort()
        kept, max_end = [], -1
        for start, minus_end, index in spans:
            end = -minus_end
            # Sorted by start, longest first: only a cue before this one can contain it, and then its end is past.
            if max_end < end or not any(
                other_start <= start and end <= -other_minus_end and -other_minus_end - other_start > end - start
                for other_start, other_minus_end, _ in spans
            ):
                role, cue_id, _, _ = self.searched[index]
                kept.append(Cue(start, end, role, cue_id))
            max_end = max(max_end, end)
        return kept

    def before(self, role: str, masked: str, position: int) -> str | None:
        """Id of an anchored cue of ``role`` that ends right at ``position``."""
        window = masked[max(0, position - 60) : position]
        return next((cue_id for cue_id, regex in self.anchored[role] if regex.search(window)), None)

    def after(self, role: str, masked: str, position: int) -> str | None:
        """Id of an anchored cue of ``role`` that starts right at ``position``."""
        window = masked[position : position + 80]
        return next((cue_id for cue_id, regex in self.anchored[role] if regex.match(window)), None)


@cache
def load_cues(rules_dir: Path | None = None) -> CueSet:
    return CueSet(load_jsonl_rules(CUE_RULES, ("role", "pattern"), rules_dir))


@dataclass(frozen=True, slots=True)
class Finding:
    """One decided pair in one sentence, before it becomes a Relation record."""

    mirna: Mention
    partner: Mention
    relation: str
    rule: str
    confidence: float
    negated: bool = False


class SentenceView:
    """A sentence with its mentions, its masked lower-cased text and its cues; offsets local to the sentence."""

    def __init__(self, text: str, start: int, mentions: Sequence[Mention], cues: CueSet) -> None:
        self.start = start
        self.text = text
        self.mentions = mentions
        self.masked = _masked(normalize_chars(text).lower(), [(m.start - start, m.end - start) for m in mentions])
        self.cues = cues.find(self.masked)
        self.cue_set = cues

    def local(self, mention: Mention) -> tuple[int, int]:
        return mention.start - self.start, mention.end - self.start

    def of_role(self, *roles: str) -> list[Cue]:
        return [cue for cue in self.cues if cue.role in roles]


def _masked(lowered: str, spans: list[tuple[int, int]]) -> str:
    """``lowered`` with every character of the spans (clipped to it) replaced by MASK, joined from slices."""
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        start, end = max(start, done, 0), min(end, len(lowered))
        if start < end:
            pieces.append(lowered[done:start])
            pieces.append(MASK * (end - start))
            done = end
    pieces.append(lowered[done:])
    return "".join(pieces)


def classify_sentence(view: SentenceView, mirnas: Sequence[Mention], coreferent: bool = False) -> list[Finding]:
    """Every (miRNA, partner) finding of one sentence."""
    partners = [m for m in view.mentions if m.type in PARTNER_TYPES and not _hidden_partner(m, view.mentions)]
    findings: list[Finding] = []
    for partner in partners:
        if partner.type == "gene":
            findings.extend(_gene_findings(view, mirnas, partner))
        else:
            findings.extend(_drug_findings(view, mirnas, partner))
    if coreferent:
        findings = [
            Finding(f.mirna, f.partner, f.relation, f"coref.these_mirnas+{f.rule}", min(f.confidence, 0.6), f.negated)
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


# --- drugs ------------------------------------------------------------------------------------------------


def _drug_findings(view: SentenceView, mirnas: Sequence[Mention], drug: Mention) -> list[Finding]:
    start, end = view.local(drug)
    sensitize = _nearest(view.of_role("sensitize"), start, end, FRAME_WINDOW, before_only=True)
    frames = view.of_role("resistance", "sensitivity")
    frame = _nearest(frames, start, end, FRAME_WINDOW)
    if sensitize is not None and (frame is None or sensitize.end <= start):
        return _directed(view, mirnas, drug, effect=+1, cue=sensitize, confidence=0.9)
    if frame is None:
        return []
    direction = _direction_of(view, frame)
    if direction is not None:
        up = direction.role == "up"
        effect = (1 if up else -1) * (1 if frame.role == "sensitivity" else -1)
        return _directed(view, mirnas, drug, effect=effect, cue=direction, confidence=0.85)
    return _associated(view, mirnas, drug, frame)


def _direction_of(view: SentenceView, frame: Cue) -> Cue | None:
    """The direction word of a frame: the nearest one before it, or a passive one after it (`were reduced by`).

    A word that says how much of a miRNA there is (`downregulation of miR-342`) is not the frame's direction, and
    an association between them (`is associated with`) leaves the frame without one.
    """
    directions = [c for c in view.of_role("up", "down") if not _about_mirna(view, c)]
    before = [c for c in directions if c.end <= frame.start and frame.start - c.end <= DIRECTION_WINDOW]
    if before:
        if any(before[-1].end <= c.start and c.end <= frame.start for c in view.of_role("associate")):
            return None
        return before[-1]
    after = [c for c in directions if c.start >= frame.end and c.start - frame.end <= PASSIVE_WINDOW]
    if after and _BY_AFTER.match(view.masked[after[0].end :]):
        return after[0]
    return None


def _about_mirna(view: SentenceView, cue: Cue) -> bool:
    """Whether a direction word qualifies a miRNA next to it (`Downregulation of miR-X`, `miR-X upregulation`)."""
    for mention in view.mentions:
        if mention.type != "mirna":
            continue
        start, end = view.local(mention)
        if 0 <= start - cue.end <= 25 and re.fullmatch(r"[\s]*(?:of\s+)?(?:the\s+)?(?:expression\s+of\s+)?", view.masked[cue.end : start]):
            return True
        if 0 <= cue.start - end <= 2 and _AMOUNT_NOUN.search(view.masked[cue.start : cue.end]):
            return True  # `miR-X upregulation confers ...`: a noun of amount, not the verb `miR-X promotes`
        if 0 <= cue.start - end <= 40 and _STATE_OF_MIRNA.fullmatch(view.masked[end : cue.start]) and _PARTICIPLE.search(
            view.masked[cue.start : cue.end]
        ):
            return True  # `miR-X was upregulated in X-resistant cells`: the miRNA's expression, not a direction
    return False


def _directed(view: SentenceView, mirnas: Sequence[Mention], drug: Mention, effect: int, cue: Cue, confidence: float) -> list[Finding]:
    findings = []
    for mirna in _agents(view, mirnas, cue):
        loss = _lost(view, mirna)
        sign = -effect if loss else effect
        relation = "sensitizes" if sign > 0 else "confers_resistance"
        rule = cue.id + ("+loss" if loss else "")
        findings.append(
            Finding(mirna, drug, relation, rule, confidence - (0.05 if loss else 0.0), _negated(view, mirna, drug, cue))
        )
    return findings


def _associated(view: SentenceView, mirnas: Sequence[Mention], drug: Mention, frame: Cue) -> list[Finding]:
    """A link to drug response without a direction: an association cue, or expression in resistant cells."""
    if view.of_role("method"):
        return []
    association = view.of_role("associate")
    if association:
        cue, confidence = association[0], 0.65
    else:
        changes = view.of_role("expression_change")
        if not changes:
            return []  # the drug only names the setting (`in letrozole-resistant cells`)
        cue, confidence = changes[0], 0.6
    return [
        Finding(mirna, drug, "associated", cue.id, confidence, _negated(view, mirna, drug, cue))
        for mirna in mirnas
    ]


# --- genes ------------------------------------------------------------------------------------------------


def _gene_findings(view: SentenceView, mirnas: Sequence[Mention], gene: Mention) -> list[Finding]:
    start, end = view.local(gene)
    cues = view.cue_set
    if cues.after("gene_block_after", view.masked, end) or cues.before("gene_block_before", view.masked, start):
        return []
    inverse = cues.after("target_of", view.masked, end)
    if inverse is not None:
        after = [m for m in mirnas if view.local(m)[0] >= end]
        return [Finding(m, gene, "targets", inverse, 0.85, _negated(view, m, gene, None)) for m in after[:1]]
    cue = _gene_cue(view, start, end)
    if cue is None:
        return []
    role, cue_id, cue_start = cue
    findings = []
    # The miRNA that acts on a gene comes before the cue; a miRNA after it is an object (`targeting of miR-X and Y`).
    for mirna in _agents(view, mirnas, Cue(cue_start, cue_start, role, cue_id), before_only=True):
        loss = _lost(view, mirna)
        if (role in ("repress", "repress_weak") and not loss) or (role == "raise" and loss):
            confidence = 0.9 if role == "repress" else 0.8
            rule = cue_id + ("+loss" if loss else "")
            findings.append(Finding(mirna, gene, "targets", rule, confidence - (0.05 if loss else 0.0), _negated(view, mirna, gene, None)))
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
    passive = _PASSIVE_GENE.match(view.masked[end:])
    if passive:
        role = "raise" if _RAISING.match(passive.group("verb")) else "repress"
        return role, "cue.gene.passive", end + passive.start("verb")
    return None


# --- agents, polarity, negation ----------------------------------------------------------------------------


def _agents(view: SentenceView, mirnas: Sequence[Mention], cue: Cue, before_only: bool = False) -> list[Mention]:
    """The miRNAs acting through a cue: the nearest one before it with those coordinated with it, else the first after."""
    before = [m for m in mirnas if view.local(m)[1] <= cue.start]
    if before:
        group = [before[-1]]
        for mirna in reversed(before[:-1]):
            gap = view.masked[view.local(mirna)[1] : view.local(group[0])[0]]
            if not _COORDINATION.match(gap.replace(MASK, "")):
                break
            group.insert(0, mirna)
        return group
    after = [m for m in mirnas if view.local(m)[0] >= cue.end]
    if not after or before_only or not _PASSIVE_AGENT.search(view.masked[cue.end : view.local(after[0])[0]]):
        return []  # `LINC00473 promotes resistance by sponging miR-15a`: the miRNA after the cue is no agent
    group = [after[0]]
    for mirna in after[1:]:
        gap = view.masked[view.local(group[-1])[1] : view.local(mirna)[0]]
        if not _COORDINATION.match(gap.replace(MASK, "")):
            break
        group.append(mirna)
    return group


def _lost(view: SentenceView, mirna: Mention) -> bool:
    """Whether the sentence speaks of less of this miRNA (`downregulation of miR-X`, `miR-X knockdown`)."""
    start, end = view.local(mirna)
    cues = view.cue_set
    if cues.before("gain_before", view.masked, start) or cues.after("gain_after", view.masked, end):
        return False
    return bool(cues.before("loss_before", view.masked, start) or cues.after("loss_after", view.masked, end))


def _negated(view: SentenceView, mirna: Mention, partner: Mention, cue: Cue | None) -> bool:
    """A negation between the miRNA and the partner, or just before the cue (`did not reverse resistance`)."""
    lo = min(view.local(mirna)[0], view.local(partner)[0])
    hi = max(view.local(mirna)[1], view.local(partner)[1])
    for negation in view.of_role("negation"):
        if lo <= negation.start < hi:
            return True
        if cue is not None and 0 <= cue.start - negation.end <= 12:
            return True
    return False


def _nearest(cues: Iterable[Cue], start: int, end: int, window: int, before_only: bool = False) -> Cue | None:
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


# --- documents --------------------------------------------------------------------------------------------


def relations_from_sentences(
    document: Document,
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    skip_sections: Iterable[str] = ("table",),
    rules_dir: Path | None = None,
) -> list[Relation]:
    """Relations of every sentence with a miRNA (or `these miRNAs`) and a partner; table rows are left to doc_tables."""
    cues = load_cues(rules_dir)
    skip = set(skip_sections)
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_sentence[mention.sentence_id].append(mention)
    relations: list[Relation] = []
    previous_mirnas: list[Mention] = []
    for sentence_id, (start, end) in enumerate(sentences):
        in_sentence = by_sentence.get(sentence_id, [])
        mirnas = [m for m in in_sentence if m.type == "mirna"]
        earlier_mirnas, previous_mirnas = previous_mirnas, mirnas
        # A relation needs a miRNA (or `these miRNAs` after a sentence with one) and a partner: skip the others early.
        if not (mirnas or earlier_mirnas) or not any(m.type in PARTNER_TYPES for m in in_sentence):
            continue
        text = document.text[start:end]
        section = document.section_at(start)
        label = section.label if section else "other"
        these = _THESE_MIRNAS.search(text) if not mirnas else None
        if these:
            # Classified at the words `these miRNAs`, then read as each miRNA of the previous sentence.
            placeholder = Mention(
                document.doc_id, label, sentence_id, start + these.start(), start + these.end(),
                these.group(), "mirna", COREF_NORM, "", "coref.these_mirnas",
            )  # fmt: skip
            mirnas = [placeholder]
        if label not in skip and mirnas:
            view = SentenceView(text, start, [*in_sentence, *mirnas] if these else in_sentence, cues)
            findings = classify_sentence(view, mirnas, coreferent=bool(these))
            if these:
                findings = _expand_coreference(findings, earlier_mirnas)
            relations.extend(to_relations(document, label, sentence_id, start, end, in_sentence, findings, view))
    return relations


def _expand_coreference(findings: list[Finding], mirnas: list[Mention]) -> list[Finding]:
    """`these miRNAs` stands for every distinct miRNA of the previous sentence."""
    expanded: list[Finding] = []
    distinct = list({m.norm: m for m in mirnas}.values())
    for finding in findings:
        for mirna in distinct:
            expanded.append(Finding(mirna, finding.partner, finding.relation, finding.rule, finding.confidence, finding.negated))
    return expanded


def to_relations(
    document: Document,
    section: str,
    sentence_id: int,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    findings: Iterable[Finding],
    view: SentenceView | None,
) -> list[Relation]:
    """One Relation per (miRNA, relation, partner) of the sentence, the most confident finding of each."""
    cell_lines = tuple(sorted({m.norm for m in mentions if m.type == "cell_line"}))
    hedged = bool(view and view.of_role("hedge"))
    best: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        key = (finding.mirna.norm, finding.relation, finding.partner.norm)
        if key not in best or finding.confidence > best[key].confidence:
            best[key] = finding
    # A pair decided with a direction needs no extra `associated` row from the same sentence.
    directed = {(m, p) for (m, r, p) in best if r != "associated"}
    relations = []
    text = " ".join(document.text[start:end].split())
    for (mirna, relation, partner), finding in sorted(best.items()):
        if relation == "associated" and (mirna, partner) in directed:
            continue
        relations.append(
            Relation(
                doc_id=document.doc_id,
                section=section,
                sentence_id=sentence_id,
                sent_start=start,
                sent_end=end,
                mirna=mirna,
                relation=relation,
                partner=partner,
                partner_type=finding.partner.type,
                partner_id=finding.partner.concept_id,
                cell_lines=cell_lines,
                negated=finding.negated,
                hedged=hedged,
                rule=finding.rule,
                confidence=round(max(0.05, finding.confidence - (0.1 if hedged else 0.0)), 2),
                sentence=text,
            )
        )
    return relations
